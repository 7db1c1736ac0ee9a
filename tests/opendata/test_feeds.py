"""The areas' Atom feeds of changes and the "Avoin data" page."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor
from opendata import feeds
from tests.factories import bulk_actors, make_actor, make_municipality

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    # What Atom (RFC 4287) requires of a feed and its entries.
    for element in (feed, *feed.findall(f"{ATOM}entry")):
        for child in ("id", "title", "updated"):
            assert element.find(f"{ATOM}{child}") is not None, child
        assert element.find(f"{ATOM}link").get("href").startswith("http://testserver/")
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "KeKo-hakemisto"
    return feed


def entries(feed):
    return [
        (entry.find(f"{ATOM}title").text, entry.find(f"{ATOM}updated").text)
        for entry in feed.findall(f"{ATOM}entry")
    ]


def region_feed(slug):
    return reverse("opendata_site:region_feed", args=[slug])


def municipality_feed(slug):
    return reverse("opendata_site:municipality_feed", args=[slug])


def test_the_feed_paths_sit_beside_the_area_pages(directory):
    assert region_feed("uusimaa") == "/alueet/uusimaa/muutokset.atom"
    assert municipality_feed("helsinki") == "/kunnat/helsinki/muutokset.atom"


def test_a_region_feed_lists_its_actors_changes_newest_first(client, directory):
    Actor.objects.filter(pk=directory["association"].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    # Last saved before it ended (on 31 Dec 2020): dated by its end.
    Actor.objects.filter(pk=directory["ended"].pk).update(
        updated_at=timezone.make_aware(datetime.datetime(2020, 6, 1))
    )
    feed = read_feed(client, region_feed("uusimaa"))
    # Työpaja ry is based in Helsinki; the ended actor too; Kela (national) and the Lapland
    # project are not the region's.
    assert entries(feed)[0][0] == "Tiedot päivitetty: Työpaja ry"
    assert entries(feed)[1] == (
        "Toiminta päättynyt: Päättynyt toimija",
        "2021-01-01T00:00:00+02:00",
    )
    assert len(entries(feed)) == 2
    assert "Uusimaa" in feed.find(f"{ATOM}title").text
    link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert link == "http://testserver/alueet/uusimaa/muutokset.atom"

    lappi = entries(read_feed(client, region_feed("lappi")))
    assert [title for title, _ in lappi] == ["Uusi toimija: Lapin työhanke"]


def test_a_municipality_feed_and_its_order(client, directory):
    helsinki = directory["helsinki"]
    newest = make_actor(name="Uusin toimija", municipality=helsinki)
    feed = read_feed(client, municipality_feed("helsinki"))
    listed = entries(feed)
    assert listed[0][0] == "Uusi toimija: Uusin toimija"
    assert [updated for _t, updated in listed] == sorted(
        (updated for _t, updated in listed), reverse=True
    )
    text = ET.tostring(feed, encoding="unicode")
    assert newest.get_absolute_url() in text
    assert "Lapin työhanke" not in text


def test_drafts_are_never_in_a_feed(client, directory):
    for path in (region_feed("uusimaa"), municipality_feed("helsinki")):
        text = ET.tostring(read_feed(client, path), encoding="unicode")
        assert "Luonnostoimija" not in text
        assert "Työpaja ry" in text


def test_a_feed_is_bounded(client, directory):
    bulk_actors(feeds.LIMIT + 5, municipality=directory["helsinki"])
    assert len(entries(read_feed(client, municipality_feed("helsinki")))) == feeds.LIMIT


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")
def test_a_feed_walks_the_indexes_of_changes_and_ends(client, directory):
    # The feed's conditions must imply the partial indexes' (actors/0021), or every actor is
    # sorted: the plans with scans and sorts ruled out show that either index can be used.
    with CaptureQueriesContext(connection) as queries:
        read_feed(client, region_feed("uusimaa"))
    ordered = {
        index: next(q["sql"] for q in queries.captured_queries if order in q["sql"])
        for index, order in (
            ("actors_actor_changed_idx", 'ORDER BY "actors_actor"."updated_at" DESC'),
            ("actors_actor_ended_idx", 'ORDER BY "actors_actor"."active_until" DESC'),
        )
    }
    for index, sql in ordered.items():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row for (row,) in cursor.fetchall())
        assert index in plan, plan


def test_an_unknown_area_has_no_feed(client, directory):
    assert client.get(region_feed("atlantis")).status_code == 404
    assert client.get(municipality_feed("atlantis")).status_code == 404


def test_the_open_data_page(client, directory):
    response = client.get(reverse("opendata_site:page"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="http://testserver/api/hsds/"' in html
    assert 'href="http://testserver/api/hsds/datapackage.zip"' in html
    assert "curl" in html and "CC BY 4.0" in html
    assert "Tilastokeskuksen" in html
    assert "/alueet/uusimaa/muutokset.atom" in html
    # Linked from every page's footer.
    home = client.get(reverse("directory:home")).content.decode()
    assert f'href="{reverse("opendata_site:page")}"' in home


def test_area_pages_point_feed_readers_to_their_feed(client):
    town = make_municipality(slug="tampere")
    for area, feed in ((town.region, region_feed), (town, municipality_feed)):
        page = client.get(area.get_absolute_url()).content.decode()
        assert (
            f'<link rel="alternate" type="application/atom+xml" title="Alueen toimijoiden '
            f'muutokset" href="{feed(area.slug)}">' in page
        )
