"""ActorQuerySet.serving_regions/serving_municipalities(…, national=True): the areas' actors and
every national one, from the membership table and the partial index of national actors."""

import datetime

import pytest
from django.db import connection

from actors.models import Actor
from keko.models import Status
from tests.factories import make_actor, make_municipality, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    region, other = make_region(), make_region()
    town, elsewhere = make_municipality(region=region), make_municipality(region=other)
    make_actor(name="Oma", municipality=town)
    make_actor(name="Alueen kattava", served_regions=[region])
    make_actor(name="Muualla", municipality=elsewhere)
    make_actor(name="Kotikunnaton liitto", is_national=True)
    make_actor(name="Alueella kotipaikka, valtakunnallinen", is_national=True, municipality=town)
    make_actor(
        name="Muualla kotipaikka, valtakunnallinen", is_national=True, municipality=elsewhere
    )
    make_actor(name="Luonnos", is_national=True, status=Status.DRAFT)
    make_actor(name="Päättynyt", is_national=True, active_until=datetime.date(2020, 1, 1))
    return {"region": region, "town": town, "other": other}


def listed(queryset):
    return sorted(queryset.values_list("name", flat=True))


def test_national_actors_serve_every_region_and_municipality(areas):
    published = Actor.objects.published().active()
    expected = [
        "Alueella kotipaikka, valtakunnallinen",
        "Alueen kattava",
        "Kotikunnaton liitto",
        "Muualla kotipaikka, valtakunnallinen",
        "Oma",
    ]
    regions = published.serving_regions([areas["region"]], national=True)
    assert listed(regions) == expected
    towns = published.serving_municipalities([areas["town"]], national=True)
    assert listed(towns) == expected
    # Without `national`, as before: the national actor based in the area only.
    assert listed(published.serving_regions([areas["region"]])) == [
        "Alueella kotipaikka, valtakunnallinen",
        "Alueen kattava",
        "Oma",
    ]


def test_count_from_the_index_agrees_with_the_rows(areas, django_assert_num_queries):
    published = Actor.objects.published()
    for queryset in (
        published.active().serving_regions([areas["region"]], national=True),
        published.serving_municipalities([areas["town"]], national=True).active(),
        published.active().serving_regions([areas["region"], areas["other"]], national=True),
        published.serving_regions([areas["region"]], national=True),
    ):
        with django_assert_num_queries(1):
            count = queryset.count()
        assert count == len(list(queryset)) == len(set(queryset.values_list("pk", flat=True)))
    # The rows of the table alone never stand for a selection with national actors.
    assert (
        published.active().serving_regions([areas["region"]], national=True).area_memberships()
        is None
    )


def test_both_sides_are_read_by_index(areas):
    """A UNION inside the semi-join keeps both sides on an index; an OR with is_national made
    SQLite scan every published actor (measured at 100 000 actors: Kainuu 5 ms against
    38 ms, Uusimaa 58 ms against 69 ms)."""
    queryset = Actor.objects.published().active().serving_regions([areas["region"]], national=True)
    sql, params = queryset.query.sql_with_params()
    assert " UNION ALL " in sql
    if connection.vendor != "sqlite":
        return  # PostgreSQL plans by its statistics, which a test's few rows do not show
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]
    assert any("actors_actorregion_area_idx" in step for step in plan), plan
    assert any("actors_actor_national_idx" in step for step in plan), plan
    # The actors themselves are looked up by key, not scanned.
    outer = [step for step in plan if "actors_actor " in f"{step} " and "U0" not in step]
    assert outer and all("rowid=?" in step for step in outer), plan
