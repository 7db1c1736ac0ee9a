"""The services list's index (opendata.listings) follows every write, and `/services` reads
it in the actors' name order."""

import datetime
import uuid

import pytest

from actors import areas
from actors.models import Actor
from keko.models import Status
from opendata import identifiers, listings
from opendata.models import ServiceListing
from tests.factories import make_actor, make_service

from .conftest import get

pytestmark = pytest.mark.django_db


def rows():
    """The index as {(actor name, service pk): status}."""
    return {(row.name, row.servicetype_id): row.status for row in ServiceListing.objects.all()}


def expected():
    """What the index must hold: a row per link, with the actor's copied fields."""
    links = Actor.services.through.objects.values_list(
        "actor__name", "servicetype_id", "actor__status"
    )
    return {(name, service): status for name, service, status in links}


def test_the_index_follows_saves_links_updates_and_deletions():
    coaching, guidance = make_service(), make_service()
    actor = make_actor(name="Aalto ry", services=[coaching])
    other = make_actor(name="Berg ry", services=[coaching, guidance])
    assert rows() == expected() and len(rows()) == 3

    actor.name = "Öljymäki ry"
    actor.status = Status.DRAFT
    actor.save()
    assert rows()[("Öljymäki ry", coaching.pk)] == Status.DRAFT

    actor.services.add(guidance)  # from the actor's side
    guidance.actors.remove(other)  # from the service type's side
    assert rows() == expected() and len(rows()) == 3

    coaching.actors.clear()
    assert rows() == expected() == {("Öljymäki ry", guidance.pk): Status.DRAFT}

    Actor.objects.filter(pk=actor.pk).update(status=Status.PUBLISHED, name="Uusi nimi ry")
    assert rows() == {("Uusi nimi ry", guidance.pk): Status.PUBLISHED}

    actor.delete()
    assert rows() == {}


def test_a_rebuild_after_a_bulk_load_restores_the_index():
    service = make_service()
    make_actor(services=[service])
    make_actor(services=[service], active_until=datetime.date(2020, 1, 1))
    ServiceListing.objects.all().delete()
    areas.rebuild()  # what a restore and the synthetic loader end with
    assert rows() == expected() and len(rows()) == 2
    ServiceListing.objects.all().delete()
    listings.refresh(Actor.objects.values_list("pk", flat=True))
    assert rows() == expected()


def test_services_come_in_the_actors_name_order_without_drafts_or_ended_ones(client):
    first, second = make_service(name="Ohjaus"), make_service(name="Työhönvalmennus")
    make_actor(name="Cederberg ry", services=[first, second])
    make_actor(name="Aalto ry", services=[second])
    make_actor(name="Berg ry", services=[first], status=Status.DRAFT)
    make_actor(name="Bäck ry", services=[first], active_until=datetime.date(2020, 1, 1))

    def listed(**params):
        pages = [get(client, "services", per_page="2", **params)]
        while not pages[-1]["last_page"]:
            pages.append(get(client, "services", per_page="2", page=str(len(pages) + 1), **params))
        names = [(i["organization"]["name"], i["name"]) for p in pages for i in p["contents"]]
        return names, pages[0]["total_items"]

    assert listed() == (
        [
            ("Aalto ry", "Työhönvalmennus"),
            ("Cederberg ry", "Ohjaus"),
            ("Cederberg ry", "Työhönvalmennus"),
        ],
        3,
    )
    names, total = listed(include_ended="1")
    assert total == 4 and ("Bäck ry", "Ohjaus") in names
    assert ("Berg ry", "Ohjaus") not in names
    # A filter narrows the actors; the order stays.
    assert listed(search="Cederberg") == (
        [("Cederberg ry", "Ohjaus"), ("Cederberg ry", "Työhönvalmennus")],
        2,
    )


def test_an_edit_that_changes_no_copied_field_rewrites_nothing():
    actor = make_actor(services=[make_service()])
    before = listings.version()
    row = ServiceListing.objects.get()
    actor.description = "Uusi kuvaus."
    actor.save()
    assert ServiceListing.objects.get().pk == row.pk  # not deleted and inserted again
    assert listings.version() == before
    actor.name = "Uusi nimi ry"
    actor.save()
    assert listings.version() != before


def test_the_cached_count_follows_every_change(client, django_assert_num_queries):
    service, other = make_service(), make_service()
    actor = make_actor(services=[service])

    def total(**params):
        return get(client, "services", **params)["total_items"]

    assert total() == 1
    with django_assert_num_queries(2):  # the page ids and their rows: the count is cached
        assert total() == 1
    actor.services.add(other)
    assert total() == 2
    make_actor(services=[service], status=Status.DRAFT)
    assert total() == 2
    Actor.objects.filter(pk=actor.pk).update(active_until=datetime.date(2020, 1, 1))
    assert total() == 0 and total(include_ended="1") == 2
    actor.delete()
    assert total(include_ended="1") == 0
    other.delete()
    assert total() == 0


def test_the_services_at_locations_follow_the_actors_address_and_their_count_is_cached(
    client, django_assert_num_queries
):
    service, other = make_service(), make_service()
    actor = make_actor(name="Aalto ry", services=[service, other], street_address="Pajatie 1")
    make_actor(name="Berg ry", services=[service], street_address="")

    def at_locations(**params):
        page = get(client, "service_at_locations", **params)
        names = {item["service"]["organization"]["name"] for item in page["contents"]}
        return names, page["total_items"]

    assert at_locations() == ({"Aalto ry"}, 2)
    with django_assert_num_queries(2):  # the page ids and their rows: the count is cached
        assert at_locations() == ({"Aalto ry"}, 2)
    assert set(ServiceListing.objects.values_list("name", "located")) == {
        ("Aalto ry", True),
        ("Berg ry", False),
    }
    # An address removed in a save, and one given in a bulk update.
    actor.street_address = ""
    actor.save()
    assert at_locations() == (set(), 0)
    Actor.objects.filter(name="Berg ry").update(street_address="Bergintie 2")
    assert at_locations() == ({"Berg ry"}, 1)
    # A filter on the actors counts them itself.
    assert at_locations(search="Aalto") == (set(), 0)


def test_each_row_holds_its_services_ids_and_a_detail_is_found_by_them(
    client, django_assert_num_queries
):
    coaching = make_service()
    located = make_actor(name="Osoitteellinen ry", street_address="Katu 1", services=[coaching])
    unlocated = make_actor(name="Osoitteeton ry", services=[coaching])
    for actor in (located, unlocated):
        row = ServiceListing.objects.get(actor=actor)
        service_id = identifiers.service_id(actor.uuid, coaching.uuid)
        assert row.service_id == service_id
        assert row.located_id == identifiers.service_at_location_id(service_id)
    row = ServiceListing.objects.get(actor=located)
    # The service and the row behind it found by the id from their indexes: the row, then
    # the service with its actor, areas and target groups, whatever the number of services.
    with django_assert_num_queries(5):
        assert get(client, "service", row.service_id)["id"] == str(row.service_id)
    assert get(client, "service_at_location", row.located_id)["id"] == str(row.located_id)
    # No location without a visiting address; an id of nothing at all, quickly none.
    unlocated_row = ServiceListing.objects.get(actor=unlocated)
    get(client, "service_at_location", unlocated_row.located_id, status=404)
    with django_assert_num_queries(1):
        get(client, "service", uuid.uuid4(), status=404)
