"""The KeKo-FI profile: published where `GET /` says, made of merge patches of HSDS's own
schema files, and every API object valid against HSDS's schemas as it patches them."""

import copy

import pytest

from opendata.profile import schema_patches

from .conftest import SCHEMAS, assert_profile_valid, get, profile_validator

pytestmark = pytest.mark.django_db


def test_the_profile_is_published_at_the_uri_the_root_names(client):
    profile = client.get(get(client, "root")["profile"]).json()
    assert profile["name"] == "KeKo-FI"
    assert profile["schema_patches"] == schema_patches()
    tables = {path.name for path in (SCHEMAS / "tables").glob("*.json")}
    assert set(profile["schema_patches"]) <= tables
    assert {"organization.json", "service.json", "service_area.json"} <= set(tables)
    assert profile["license"]["name"] == "CC-BY-4.0"
    assert "Tilastokeskuksen" in profile["attribution"]


def test_the_openapi_description_names_the_licence(client):
    info = get(client, "openapi")["info"]
    assert info["license"]["identifier"] == "CC-BY-4.0"
    assert "CC BY-SA 4.0" in info["description"]


def test_every_object_of_the_api_follows_the_profile(client, directory):
    organizations = get(client, "organizations", full="1", per_page="100")["contents"]
    assert {o["name"] for o in organizations} >= {"Työpaja ry", "Kela", "Lapin työhanke"}
    for organization in organizations:
        assert_profile_valid(organization, "organization.json")
    services = get(client, "services", full="1", per_page="100")["contents"]
    extents = {area["extent"] for s in services for area in s.get("service_areas", [])}
    assert {"FI", "maakunta:19", "kunta:091"} <= extents
    for service in services:
        assert_profile_valid(service, "service.json")
    for term in get(client, "taxonomy_terms", per_page="100")["contents"]:
        assert_profile_valid(term, "taxonomy_term.json")


def test_the_profile_is_stricter_than_hsds(client, directory):
    organization = get(client, "organizations", full="1", per_page="100")["contents"][0]
    service = get(client, "services", full="1", per_page="100")["contents"][0]
    assert profile_validator("organization.json").is_valid(organization)

    without_page = {k: v for k, v in organization.items() if k != "uri"}
    assert not profile_validator("organization.json").is_valid(without_page)

    free_text_area = copy.deepcopy(service)
    free_text_area["service_areas"][0]["extent"] = "Lappi ja Kainuu"
    assert not profile_validator("service.json").is_valid(free_text_area)

    other_scheme = copy.deepcopy(organization)
    other_scheme["organization_identifiers"] = [
        {"id": organization["id"], "identifier_type": "VAT", "identifier": "FI12345671"}
    ]
    assert not profile_validator("organization.json").is_valid(other_scheme)
