"""The admin index counts the actors that no area's selection lists (curation.stale), and
links to them (actors.admin.AreaFilter)."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from curation.stale import actors_without_area, stale_actors_by_region
from keko.freshness import stale_q
from tests.factories import (
    make_actor,
    make_curator,
    make_municipality,
    make_region,
    make_regional_editor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actors():
    town = make_municipality()
    return {
        "home": make_actor(name="Kotikunnallinen ry", municipality=town),
        "serving": make_actor(name="Kuntia palveleva ry", served_municipalities=[town]),
        "region": make_actor(name="Maakuntaa palveleva ry", served_regions=[make_region()]),
        "national": make_actor(name="Valtakunnallinen liitto", is_national=True),
        "nowhere": make_actor(name="Aluetta vailla säätiö"),
        "draft": make_actor(name="Alueeton luonnos", status="draft"),
    }


def test_actors_without_area_are_those_no_area_lists(actors):
    assert list(actors_without_area(Actor.objects.all())) == [
        actors["draft"],
        actors["nowhere"],
    ]
    # An area added: off the list.
    actors["nowhere"].served_municipalities.add(make_municipality())
    assert list(actors_without_area(Actor.objects.all())) == [actors["draft"]]


def test_admin_index_counts_actors_without_area_and_links_to_them(
    client, actors, django_assert_max_num_queries
):
    client.force_login(make_curator())
    response = client.get(reverse("admin:index"))
    html = response.content.decode()
    assert response.status_code == 200
    section = html[html.index('id="without-area"') :]
    section = section[: section.index("</div>")]
    assert "<caption>Ei aluetta</caption>" in section
    changelist = reverse("admin:actors_actor_changelist")
    assert f'<a href="{changelist}?alue=ei">2</a>' in section
    # The link lists them.
    listed = client.get(changelist, {"alue": "ei"}).context["cl"].result_list
    assert {actor.name for actor in listed} == {"Aluetta vailla säätiö", "Alueeton luonnos"}
    # One count, however many actors lack an area.
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("admin:index"))
    for n in range(40):
        make_actor(name=f"Alueeton {n:02d}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("admin:index"))
    assert response.context["count"] == 42


def test_regional_editor_counts_only_their_scope(client, actors):
    client.force_login(make_regional_editor(regions=[make_region()]))
    response = client.get(reverse("admin:index"))
    # A regional editor's actors are those of their regions: none of them lacks an area.
    assert response.context["count"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")
def test_the_admin_index_counts_stale_actors_from_the_municipality_index_alone(actors):
    # Every actor is counted: read from actors/0022's index with the verification date, not
    # from the table (whose rows hold the descriptions and search vectors).
    with CaptureQueriesContext(connection) as queries:
        rows = stale_actors_by_region(Actor.objects.all())
    assert sum(row["total"] for row in rows) == Actor.objects.count()
    assert sum(row["stale"] for row in rows) == Actor.objects.filter(stale_q()).count()
    [query] = queries.captured_queries
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {query['sql']}")
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "Index Only Scan using actors_actor_municipality_idx" in plan, plan
