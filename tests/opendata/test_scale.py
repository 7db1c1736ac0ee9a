"""The API valid HSDS at scale: ten thousand synthetic actors (bench/synthetic.py: every kind,
national and local ones, ended ones, drafts, contacts public and not, services, areas, target
groups and project funding), every page of the lists against the schemas."""

import datetime

import pytest

from actors.models import Actor
from bench import synthetic
from tests.factories import (
    make_contact_role,
    make_funding_source,
    make_municipality,
    make_region,
    make_service,
    make_target_group,
)

from .conftest import analyze, assert_profile_valid, assert_valid_page, get

pytestmark = pytest.mark.django_db

ACTORS = 10_000


@pytest.fixture
def synthetic_actors():
    regions = [make_region() for _ in range(4)]
    for n in range(16):
        make_municipality(region=regions[n % 4], name_fi="Helsinki" if n == 0 else f"Kunta {n}")
    for _ in range(8):
        make_service()
        make_target_group()
    make_contact_role(checklist_order=1, actor_kinds=["association"])
    make_contact_role()
    make_funding_source()
    synthetic.load_chunk(7, 0, ACTORS, synthetic.Reference.load(), today=datetime.date.today())
    assert Actor.objects.count() == ACTORS
    analyze()


def every_page(client, name, per_page, **params):
    number, pages = 1, []
    while True:
        page = get(client, name, page=str(number), per_page=str(per_page), **params)
        pages.append(page)
        if page["last_page"]:
            return pages
        number += 1


def test_every_page_of_ten_thousand_actors_is_valid_hsds(client, synthetic_actors):
    active = Actor.objects.published().active()

    organizations = every_page(client, "organizations", 100)
    assert len(organizations) == -(-active.count() // 100) > 50
    for page in organizations:
        assert_valid_page(page, "organizations")
    ids = [item["id"] for page in organizations for item in page["contents"]]
    assert len(ids) == len(set(ids)) == active.count()

    services = every_page(client, "services", 100)
    links = Actor.services.through.objects.filter(actor__in=active)
    assert sum(page["size"] for page in services) == links.count() > 5000
    for page in services:
        assert_valid_page(page, "services")
    # The nested forms, a page of each, against HSDS and the KeKo-FI profile.
    full_organizations = get(client, "organizations", per_page="100", full="1", page="7")
    assert_valid_page(full_organizations, "organization")
    full_services = get(client, "services", per_page="50", full="1", page="3")
    assert_valid_page(full_services, "services_full")
    for organization in full_organizations["contents"]:
        assert_profile_valid(organization, "organization.json")
    for service in full_services["contents"]:
        assert_profile_valid(service, "service.json")
    assert_valid_page(
        get(client, "organizations", per_page="100", include_ended="1", page="2"), "organizations"
    )


def test_the_data_package_of_ten_thousand_actors(synthetic_actors):
    import csv
    import io
    import zipfile

    from opendata.tabular import build_zip

    from .test_datapackage import tabular_columns

    content, organizations = build_zip("http://testserver")
    active = Actor.objects.published().active()
    assert organizations == active.count()
    archive = zipfile.ZipFile(io.BytesIO(content))
    for name in archive.namelist():
        if name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8"))))
            assert rows[0] == tabular_columns()[name], name
            ids = [row[0] for row in rows[1:]]
            assert len(ids) == len(set(ids)), f"duplicate ids in {name}"
    services = list(csv.DictReader(io.StringIO(archive.read("services.csv").decode("utf-8"))))
    assert len(services) == Actor.services.through.objects.filter(actor__in=active).count()
