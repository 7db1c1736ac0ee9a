"""Every public page of the directory runs the same number of queries at 10 and at 1 000 rows.

The lists of one app's data (funding, practices, the glossary) are counted in that app's tests.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import ActorKind
from tests.factories import (
    bulk_actors,
    bulk_funding_sources,
    bulk_practices,
    bulk_terms,
    make_actor,
    make_contact_role,
    make_funding_source,
    make_municipality,
    make_practice,
    make_region,
    make_service,
)

pytestmark = pytest.mark.django_db

ROWS = [10, 1000]
LIST = reverse("directory:actors")


@pytest.mark.parametrize("rows", ROWS)
def test_home_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    bulk_actors(rows, municipality=make_municipality())
    with django_assert_max_num_queries(5):
        assert client.get(reverse("directory:home")).status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_region_page_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    region = make_region()
    kinds = (ActorKind.ASSOCIATION, ActorKind.PROJECT, ActorKind.COMPANY, ActorKind.PARISH)
    bulk_actors(rows, municipality=make_municipality(region=region), kinds=kinds)
    make_contact_role(checklist_order=2, actor_kinds=[ActorKind.PROJECT])
    # (two of them the print form's services and target groups, read once and cached)
    with django_assert_max_num_queries(12):
        response = client.get(region.get_absolute_url())
    assert response.status_code == 200
    # Readable with thousands of actors: the first few per kind, and the checklist's contacts
    # cut to a few with their total.
    groups = response.context["directory"].groups
    assert {group.kind for group in groups} == set(kinds)
    assert all(len(group.actors) <= 5 for group in groups)
    assert all(len(item.contacts) <= 10 for item in response.context["directory"].checklist)


def test_what_every_area_page_shows_comes_from_the_cache(client):
    first, second = make_region(), make_region()
    for region in (first, second):
        bulk_actors(3, municipality=make_municipality(region=region))
    national = make_actor(name="Valtakunnallinen liitto", is_national=True)
    with CaptureQueriesContext(connection) as read:
        client.get(first.get_absolute_url())
    # The print form's services and target groups, the national actors' part and the
    # checklist's roles.
    with CaptureQueriesContext(connection) as cached:
        response = client.get(second.get_absolute_url())
    assert len(cached) == len(read) - 4
    page = response.content.decode()
    assert 'name="palvelu" value="palvelu-' in page
    assert "Valtakunnallinen liitto" in page
    # Their own edits show on the next area page.
    make_service(name="Uusi palvelu", slug="uusi-palvelu")
    national.name = "Uudelleen nimetty liitto"
    national.save()
    page = client.get(first.get_absolute_url()).content.decode()
    assert 'value="uusi-palvelu" id="print-palvelu_' in page
    assert "Uudelleen nimetty liitto" in page and "Valtakunnallinen liitto" not in page


def test_a_regions_pages_share_its_practices_and_funding_until_one_is_edited(client):
    region = make_region()
    first, second = (make_municipality(region=region) for _ in range(2))
    practice = make_practice(regions=[region], title="Alueen käytäntö")
    source = make_funding_source(regions=[region], name="Alueen rahoitus")
    # What every area page shares read first, on another region's page.
    client.get(make_municipality().get_absolute_url())
    with CaptureQueriesContext(connection) as read:
        client.get(first.get_absolute_url())
    with CaptureQueriesContext(connection) as shared:
        page = client.get(second.get_absolute_url()).content.decode()
    assert len(shared) == len(read) - 2
    assert practice.title in page and source.name in page
    practice.title = "Uudelleen nimetty käytäntö"
    practice.save()
    assert "Uudelleen nimetty käytäntö" in client.get(first.get_absolute_url()).content.decode()


@pytest.mark.parametrize("rows", ROWS)
def test_municipality_page_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    town = make_municipality()
    bulk_actors(rows, municipality=town)
    with django_assert_max_num_queries(12):
        assert client.get(town.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_actor_list_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    town = make_municipality()
    _actors, service, group = bulk_actors(rows, municipality=town)

    # count, the page's ids, the page's rows, services; the filter form's choices of
    # regions, municipalities, services, target groups and funding sources; and one count
    # per filter for its options (kind, service, target group, region, municipality, funder)
    with django_assert_max_num_queries(15):
        response = client.get(LIST, {"voimassa": "0"})
    assert response.status_code == 200

    # … as many on the last page. Each request is counted with nothing cached.
    cache.clear()
    last = (rows + 49) // 50
    with django_assert_max_num_queries(15):
        response = client.get(LIST, {"page": last, "jarjestys": "nimi"})
    names = [actor.name for actor in response.context["object_list"]]
    assert names == sorted(names)
    assert names[-1] == f"Työttömien yhdistys {rows - 1:04d}"

    cache.clear()
    query = {
        "alue": town.region.slug,
        "palvelu": service.slug,
        "kohderyhma": group.slug,
        "q": "työttömien",
    }
    # … as many with filters and a search: their values are checked against the choices
    # already read. On PostgreSQL each distinct search (the list's, and each facet's with its
    # own filter left out) looks its matches up once more (keko.search), six in all.
    searches = 6 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(15 + searches):
        response = client.get(LIST, query)
    assert response.status_code == 200
    assert response.context["paginator"].count == rows


@pytest.mark.parametrize("rows", ROWS)
def test_site_search_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    bulk_actors(rows, municipality=make_municipality())
    bulk_practices(rows, regions=[make_region()])
    bulk_funding_sources(rows)
    bulk_terms(rows)

    # the regions and the municipalities, the count with the best few of each of the four
    # kinds (the actors': their keys, then their rows), and the practices' regions
    with django_assert_max_num_queries(8):
        response = client.get(reverse("directory:search"), {"q": "työttömien"})

    assert response.status_code == 200
    assert [group["kind"] for group in response.context["groups"]] == [
        "actors",
        "practices",
        "funding",
        "terms",
    ]
    assert [group["count"] for group in response.context["groups"]] == [rows] * 4
    assert response.context["total"] == 4 * rows
