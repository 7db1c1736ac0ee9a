"""The API over the seeded directory (the handbook's actors and Statistics Finland's
classifications): every page of every list, and the details, valid HSDS 3.0."""

import io

import pytest
from django.core.management import call_command

from actors.models import Actor, ServiceType
from opendata import identifiers

from .conftest import analyze, assert_valid, assert_valid_page, get

pytestmark = pytest.mark.django_db


def every_page(client, name, **params):
    number = 1
    while True:
        page = get(client, name, page=str(number), per_page="100", **params)
        yield page
        if page["last_page"]:
            return
        number += 1


def test_the_seeded_directory_is_valid_hsds(client):
    call_command("seed", stdout=io.StringIO())
    analyze()
    published = Actor.objects.published()
    active = published.active()

    organizations = []
    for page in every_page(client, "organizations", full="1"):
        assert_valid_page(page, "organization")
        organizations += page["contents"]
    assert len(organizations) == active.count() > 300
    for page in every_page(client, "organizations", include_ended="1"):
        assert_valid_page(page, "organizations")
    assert page["total_items"] == published.count()

    services = []
    for page in every_page(client, "services", full="1", include_ended="1"):
        assert_valid_page(page, "services_full")
        services += page["contents"]
    assert len(services) == Actor.services.through.objects.filter(actor__in=published).count()
    assert len({s["id"] for s in services}) == len(services)
    for service in services[:40]:
        detail = get(client, "service", service["id"], include_ended="1")
        assert_valid(detail, "service")
        assert detail == service

    for org in organizations[:: max(1, len(organizations) // 25)]:
        detail = get(client, "organization", org["id"])
        assert_valid(detail, "organization")
        assert detail == org

    at_locations = []
    for page in every_page(client, "service_at_locations", full="1"):
        assert_valid_page(page, "service_at_locations_full")
        at_locations += page["contents"]
    for at_location in at_locations[:10]:
        assert get(client, "service_at_location", at_location["id"]) == at_location

    terms = []
    for page in every_page(client, "taxonomy_terms"):
        assert_valid_page(page, "taxonomy_terms")
        terms += page["contents"]
    assert len(terms) == 16 + ServiceType.objects.count() + 14 + 19 + 308
    assert len({t["id"] for t in terms}) == len(terms)
    kinds = [t for t in terms if t["taxonomy_id"] == str(identifiers.taxonomy_id("kinds"))]
    assert len(kinds) == 16
    assert_valid_page(get(client, "taxonomies"), "taxonomies")
