"""keko.search: a search reads, ranks and counts at most SEARCH_CAP + 1 matches, with every
filter applied (before search() or after it) inside that bound."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from keko import search
from keko.search import BoundedSearchQuery, is_capped
from tests.factories import make_actor, make_municipality, make_region

pytestmark = pytest.mark.django_db

CAP = 3


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(BoundedSearchQuery, "search_cap", CAP)


def test_count_stops_past_the_cap(small_cap):
    for n in range(CAP + 3):
        make_actor(name=f"Työpaja {n}")
    results = Actor.objects.published().search("työpaja")
    count = results.count()
    assert count == CAP + 1 and is_capped(count)
    assert len(list(results)) == CAP + 1


def test_fewer_matches_than_the_cap_are_all_found_and_counted(small_cap):
    named = make_actor(name="Työpaja Verstas")
    described = make_actor(name="Aalto", description="Tukee työpajoja.")
    make_actor(name="Muu")
    results = Actor.objects.published().search("työpaja")
    assert results.count() == 2 and not is_capped(2)
    assert set(results) == {named, described}


def test_filters_after_the_search_are_inside_the_bound(small_cap):
    north, south = make_region(), make_region()
    town = make_municipality(region=south)
    for n in range(CAP + 2):
        make_actor(name=f"Työpaja pohjoinen {n}", municipality=make_municipality(region=north))
    southern = {make_actor(name=f"Työpaja etelä {n}", municipality=town) for n in range(CAP)}
    # The first matches of the whole country would be northern ones: the region's filter
    # must narrow the matches before they are cut.
    results = Actor.objects.published().search("työpaja").serving_regions([south])
    assert set(results) == southern
    assert results.count() == CAP


def test_the_bound_holds_in_subqueries(small_cap):
    for n in range(CAP + 3):
        make_actor(name=f"Työpaja {n}")
    matches = Actor.objects.published().search("työpaja")
    assert Actor.objects.filter(pk__in=matches.values("pk")).count() == CAP + 1


def test_no_search_text_leaves_the_rows_unbounded(small_cap):
    for n in range(CAP + 2):
        make_actor(name=f"Toimija {n}")
    assert Actor.objects.search("  ").count() == CAP + 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the matches are looked up once on PostgreSQL only"
)
def test_within_a_request_the_matches_are_looked_up_once(small_cap):
    for n in range(CAP + 3):
        make_actor(name=f"Työpaja {n}")
    search._start_request()
    try:
        results = Actor.objects.published().search("työpaja")
        with CaptureQueriesContext(connection) as queries:
            results.count()
            list(results[:2])
            results.count()
        # the matches (which the count is), then the page by key; no second lookup
        assert len(queries) == 2
    finally:
        search._end_request()


def test_pages_say_over_the_cap_rather_than_a_count(small_cap, client):
    from django.urls import reverse

    for n in range(CAP + 3):
        make_actor(name=f"Työpaja {n}")
    listed = client.get(reverse("directory:actors"), {"q": "työpaja"}).content.decode()
    assert f"Yli {CAP} toimijaa" in listed
    found = client.get(reverse("directory:search"), {"q": "työpaja"}).content.decode()
    assert f"Yli {CAP} osumaa haulla" in found and f"(yli {CAP})" in found
    # Under the cap, the count itself.
    few = client.get(reverse("directory:actors"), {"q": "työpaja 1"}).content.decode()
    assert "1 toimija" in few and "Yli" not in few
