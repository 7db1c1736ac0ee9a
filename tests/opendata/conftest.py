"""Test data and HSDS schema validation for the open-data API's tests.

The schemas are copies of Open Referral's compiled HSDS 3.0 schemas (schemas/README.md): the
tests must not depend on anything outside the repository.
"""

import datetime
import functools
import gzip
import json
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from actors.models import ActorKind
from keko.models import Status
from opendata.profile import schema_patches
from tests.factories import (
    make_actor,
    make_contact,
    make_contact_role,
    make_funding_source,
    make_municipality,
    make_project_funding,
    make_region,
    make_service,
    make_target_group,
)

SCHEMAS = Path(__file__).resolve().parent / "schemas"
OPENAPI = Path(__file__).resolve().parents[2] / "opendata" / "hsds" / "openapi.json"
# The schema each endpoint's object (a list's items, or a detail) must satisfy.
ITEM_SCHEMAS = {
    "organizations": "organization_list.json",
    "organization": "organization.json.gz",
    "services": "service_list.json",
    "services_full": "service_with_definitions.json",
    "service": "service_with_definitions.json",
    "service_at_locations": "service_at_location_list.json",
    "service_at_locations_full": "service_at_location.json.gz",
    "service_at_location": "service_at_location.json.gz",
    "taxonomies": "taxonomy.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
    "taxonomy_term": "taxonomy_term.json",
}
ENDED = datetime.date(2020, 12, 31)


def load(name):
    data = (SCHEMAS / name).read_bytes()
    return json.loads(gzip.decompress(data) if name.endswith(".gz") else data)


@functools.cache
def validator(name):
    # taxonomy_term.json refers to its neighbours by relative file names.
    registry = Registry().with_resources(
        (neighbour, Resource.from_contents(load(neighbour), default_specification=DRAFT202012))
        for neighbour in ("taxonomy.json", "metadata.json")
    )
    return Draft202012Validator(
        load(name), registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@functools.cache
def page_validator():
    """HSDS's Page (from its OpenAPI description), with every field required."""
    page = json.loads(OPENAPI.read_text())["components"]["schemas"]["Page"]
    schema = {
        **page,
        "properties": {**page["properties"], "contents": {"type": "array"}},
        "required": [*page["properties"], "contents"],
        "additionalProperties": False,
    }
    return Draft202012Validator(schema)


def assert_valid(data, kind):
    """Check `data` against the schema of `kind` (a key of ITEM_SCHEMAS)."""
    schema_name = ITEM_SCHEMAS[kind]
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator(schema_name).iter_errors(data)
    ]
    assert errors == [], errors


def merge_patch(target, patch):
    """RFC 7396 JSON Merge Patch: how an HSDS profile changes the schemas."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


@functools.cache
def profile_validator(name):
    """A validator of HSDS's table schema `name` (schemas/tables/) with the KeKo-FI profile's
    patches applied to it and to every schema it refers to."""
    patches = schema_patches()
    schemas = {
        path.name: merge_patch(json.loads(path.read_text()), patches.get(path.name, {}))
        for path in (SCHEMAS / "tables").glob("*.json")
    }
    registry = Registry().with_resources(
        (file, Resource.from_contents(schema, default_specification=DRAFT202012))
        for file, schema in schemas.items()
    )
    return Draft202012Validator(
        schemas[name], registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def assert_profile_valid(data, name):
    """Check `data` against HSDS's table schema `name` as the KeKo-FI profile patches it."""
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in profile_validator(name).iter_errors(data)
    ]
    assert errors == [], errors


def assert_valid_page(data, kind):
    """Check a paginated response: the Page shape, and each item against `kind`'s schema."""
    errors = [error.message for error in page_validator().iter_errors(data)]
    assert errors == [], errors
    for item in data["contents"]:
        assert_valid(item, kind)


def analyze():
    """Give the planner statistics of the rows this test has written.

    A test's rows are never committed, so autovacuum, if it analyses a table meanwhile, records
    it as empty; PostgreSQL then plans nested loops over the thousands of rows actually there.
    ANALYZE in the test's own transaction counts them."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def get(client, name, *args, status=200, **params):
    response = client.get(reverse(f"opendata:{name}", args=args), params)
    assert response.status_code == status, (name, args, params, response.content[:500])
    return response.json()


@pytest.fixture
def directory():
    """A small directory like the seeded one: two regions, a municipality in each, service
    types and target groups, published actors with every kind of field, and around them what
    the API must never show (a draft, an ended actor, a private contact, draft funding)."""
    uusimaa = make_region(name_fi="Uusimaa", slug="uusimaa", code="01")
    lappi = make_region(name_fi="Lappi", slug="lappi", code="19")
    helsinki = make_municipality(name_fi="Helsinki", slug="helsinki", code="091", region=uusimaa)
    rovaniemi = make_municipality(name_fi="Rovaniemi", slug="rovaniemi", code="698", region=lappi)
    coaching = make_service(name="Työhönvalmennus", slug="tyohonvalmennus", description="Tukea.")
    guidance = make_service(name="Ohjaus ja neuvonta", slug="ohjaus-ja-neuvonta")
    youth = make_target_group(name="Nuoret", slug="nuoret")
    immigrants = make_target_group(name="Maahanmuuttajat", slug="maahanmuuttajat")
    role = make_contact_role(name="Työllisyyskoordinaattori", checklist_order=1)

    association = make_actor(
        name="Työpaja ry",
        slug="tyopaja-ry",
        kind=ActorKind.ASSOCIATION,
        business_id="1234567-1",
        description="Työpajatoimintaa nuorille.",
        website="https://tyopaja.example.org/",
        email="info@tyopaja.example.org",
        phone="+358 9 123 4567",
        street_address="Työpajankatu 1",
        postal_code="00100",
        post_office="Helsinki",
        municipality=helsinki,
        served_municipalities=[helsinki],
        services=[coaching, guidance],
        target_groups=[youth, immigrants],
    )
    make_contact(
        actor=association,
        role=role,
        name="Julkinen Henkilö",
        title="Toiminnanjohtaja",
        email="johtaja@tyopaja.example.org",
        phone="+358 40 111 2222",
        public=True,
    )
    make_contact(
        actor=association,
        role=role,
        name="Yksityinen Henkilö",
        email="salainen@example.org",
        phone="+358 40 999 0001",
        public=False,
    )
    national = make_actor(
        name="Kela",
        slug="kela",
        kind=ActorKind.KELA,
        is_national=True,
        services=[guidance],
        target_groups=[youth],
    )
    project = make_actor(
        name="Lapin työhanke",
        slug="lapin-tyohanke",
        kind=ActorKind.PROJECT,
        parent=association,
        municipality=rovaniemi,
        served_regions=[lappi],
        services=[coaching],
    )
    make_project_funding(
        project=project,
        funding_source=make_funding_source(name="ESR+", slug="esr"),
        start_year=2024,
        end_year=2026,
    )
    make_project_funding(
        project=project,
        funding_source=make_funding_source(
            name="Luonnosrahoitus", slug="luonnosrahoitus", status=Status.DRAFT
        ),
    )
    draft = make_actor(
        name="Luonnostoimija",
        slug="luonnos",
        status=Status.DRAFT,
        services=[coaching],
        municipality=helsinki,
        street_address="Luonnostie 3",
    )
    ended = make_actor(
        name="Päättynyt toimija",
        slug="paattynyt",
        active_until=ENDED,
        services=[coaching],
        municipality=helsinki,
        street_address="Vanhatie 2",
        postal_code="00200",
        post_office="Helsinki",
    )
    return {
        "uusimaa": uusimaa,
        "lappi": lappi,
        "helsinki": helsinki,
        "rovaniemi": rovaniemi,
        "coaching": coaching,
        "guidance": guidance,
        "youth": youth,
        "association": association,
        "national": national,
        "project": project,
        "draft": draft,
        "ended": ended,
    }


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    """The API's rate limit counts in the database: off, so that the query counts are the
    API's own (tests/opendata/test_limits.py turns it on)."""
    settings.API_RATE_LIMIT = 0
