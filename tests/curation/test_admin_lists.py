"""The admin's lists of actors and contacts at scale: their search, order and row checkboxes
(actors/0023, keko.admin.action_checkbox)."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor
from tests.factories import make_actor, make_contact

pytestmark = pytest.mark.django_db

ACTORS = reverse("admin:actors_actor_changelist")
CONTACTS = reverse("admin:actors_contact_changelist")


def listed(response):
    return list(response.context["cl"].result_list)


def test_row_checkbox_is_djangos(curator_client):
    actor = make_actor(name='Tuki & "Apu" <ry>')
    ours = admin.site.get_model_admin(Actor).action_checkbox(actor)
    assert ours == ModelAdmin(Actor, admin.site).action_checkbox(actor)
    html = curator_client.get(ACTORS).content.decode()
    assert ours in html
    assert "Tuki &amp; &quot;Apu&quot; &lt;ry&gt;" in ours


def test_actor_search_matches_any_searched_column(curator_client):
    by_name = make_actor(name="Nuorten Työpaja ry")
    by_swedish = make_actor(name="Jokin muu", name_sv="Ungdomsverkstad")
    by_business_id = make_actor(name="Kolmas", business_id="1234567-8")
    make_actor(name="Ei osumaa")
    assert listed(curator_client.get(ACTORS, {"q": "työpaja"})) == [by_name]
    assert listed(curator_client.get(ACTORS, {"q": "UNGDOMS"})) == [by_swedish]
    assert listed(curator_client.get(ACTORS, {"q": "1234567"})) == [by_business_id]


def test_actor_list_default_order_is_drafts_then_newest(curator_client):
    older, newer = make_actor(name="Vanhempi"), make_actor(name="Uudempi")
    draft = make_actor(name="Luonnos", status="draft")
    assert listed(curator_client.get(ACTORS)) == [draft, newer, older]


def test_contacts_are_listed_by_name_those_without_one_last(curator_client):
    shared_email = make_contact(name="", email="info@example.org")
    second = make_contact(name="Bertta Virtanen")
    first = make_contact(name="Aino Korhonen")
    assert listed(curator_client.get(CONTACTS)) == [first, second, shared_email]


def test_contact_search_matches_each_word_in_its_name_or_its_actors(curator_client):
    workshop = make_actor(name="Nuorten työpaja")
    at_workshop = make_contact(name="Aino Korhonen", actor=workshop)
    named = make_contact(name="Työpajan Bertta")
    elsewhere = make_contact(name="Aino Virtanen")
    assert set(listed(curator_client.get(CONTACTS, {"q": "työpaja"}))) == {at_workshop, named}
    # Every word must match, each in either name.
    assert listed(curator_client.get(CONTACTS, {"q": "aino nuorten"})) == [at_workshop]
    # A quoted phrase is one word, as in Django's own search.
    assert listed(curator_client.get(CONTACTS, {"q": '"aino virtanen"'})) == [elsewhere]
    response = curator_client.get(CONTACTS, {"q": "ei ketään"})
    assert response.status_code == 200
    assert listed(response) == []


def _plan(sql, *, sort=True):
    """The plan of `sql` where PostgreSQL would read no table whole (a handful of test rows
    would be), and without sorting if not `sort`: whether an index can serve it."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if not sort:
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row for (row,) in cursor.fetchall())


def _queries(client, url, data):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, data).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")
def test_admin_lists_read_their_indexes(curator_client):
    make_contact(name="Aino Korhonen", actor=make_actor(name="Nuorten työpaja"))
    sql = _queries(curator_client, ACTORS, {"q": "työpaja"})
    [count] = [s for s in sql if s.startswith('SELECT COUNT(*) AS "__count" FROM "actors_actor" W')]
    plan = _plan(count)
    for column in ("name", "name_sv", "name_en", "slug", "business_id"):
        assert f"Bitmap Index Scan on actors_actor_{column}_upper_trgm" in plan, plan
    [page] = [s for s in _queries(curator_client, ACTORS, {}) if 'ORDER BY "actors_actor".' in s]
    assert "Index Scan using actors_actor_admin_order_idx" in _plan(page, sort=False)
    [page] = [
        s for s in _queries(curator_client, CONTACTS, {}) if 'ORDER BY "actors_contact".' in s
    ]
    assert "Index Scan using actors_contact_admin_order_idx" in _plan(page, sort=False)
    # The contacts' search tests the actors' names among the actors (the index above), not
    # on a join of every contact with its actor.
    count = next(s for s in _queries(curator_client, CONTACTS, {"q": "työpaja"}) if "UPPER" in s)
    assert "JOIN" not in count
    assert '"actor_id" IN (SELECT U0."id" AS "pk" FROM "actors_actor" U0 WHERE UPPER(' in count
