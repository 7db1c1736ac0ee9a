"""Search in the page's language: a Swedish or English page also searches the content's
Swedish or English columns, with that language's stemmer on PostgreSQL."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.translation import override

from tests.factories import make_actor, make_funding_source, make_practice

pytestmark = pytest.mark.django_db


def listed_names(client, language, view, text):
    with override(language):
        url = reverse(view) + "?q=" + text
    return client.get(url).content.decode()


def test_a_swedish_page_finds_a_swedish_description(client):
    actor = make_actor(name="Nuorten paja", description="Tukea nuorille.")
    actor.description_sv = "Stöd för arbetslösa unga vuxna."
    actor.save()
    make_actor(name="Muu yhdistys", description="Ei liity.")

    swedish = listed_names(client, "sv", "directory:actors", "arbetslösa")
    finnish = listed_names(client, "fi", "directory:actors", "arbetslösa")

    assert "Nuorten paja" in swedish and "Muu yhdistys" not in swedish
    # The Finnish page searches the Finnish text alone.
    assert "Nuorten paja" not in finnish


def test_the_site_search_searches_each_apps_columns_in_the_page_language(client):
    source = make_funding_source(name="Avustus", description="Järjestöille.")
    source.description_en = "Grants for voluntary associations."
    source.save()
    practice = make_practice(title="Pajatoiminta", summary="Kuvaus.")
    practice.summary_en = "Workshops for jobseekers."
    practice.save()

    html = listed_names(client, "en", "directory:search", "associations")
    assert "Avustus" in html
    html = listed_names(client, "en", "directory:search", "jobseekers")
    assert "Pajatoiminta" in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming: PostgreSQL")
def test_english_and_swedish_stemming_find_other_forms_on_postgresql(client):
    actor = make_actor(name="Työpaja ry", description="Työpaja.")
    actor.description_en = "Support for unemployed people."
    actor.description_sv = "Arbetsträning för ungdomar."
    actor.save()

    assert "Työpaja ry" in listed_names(client, "en", "directory:actors", "unemployment")
    assert "Työpaja ry" in listed_names(client, "sv", "directory:actors", "ungdom")
    assert "Työpaja ry" not in listed_names(client, "fi", "directory:actors", "unemployment")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes: PostgreSQL")
@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_search_in_swedish_or_english_reads_both_vectors_indexes_at_once(language):
    """The migration indexes exactly the expression the search compiles to, and the search
    tests it on the row beside the stored Finnish vector, not in a subquery of keys: with
    sequential scans discouraged, the plan reads both indexes together (a BitmapOr), where
    the subquery's IN computed the vector of every row scanned."""
    from actors.models import Actor

    with override(language):
        matches = Actor.objects.search("arbete")
        sql, params = matches.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "BitmapOr" in plan
    assert "actors_actor_search_vector_gin" in plan and f"actors_actor_search_{language}" in plan
    # No subquery of the actors whose vector matches.
    assert not re.search(r'IN \(SELECT U\d+\."id" AS "pk" FROM "actors_actor" U\d+ WHERE', sql)
