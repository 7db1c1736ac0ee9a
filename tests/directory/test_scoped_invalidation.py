"""An edit of an actor makes stale the cached pages that show it, not the other areas' pages
(keko.cache scopes): its areas' pages before and after the edit, every area's page for a
national actor, its own page and those of the actors that name it, and the lists, whose
counts only when it changes what they count; any other edit makes every page stale."""

import pytest
from django.urls import reverse

from actors.filters import ActorFilter
from actors.models import Actor, ActorKind, Contact, Municipality, actor_page_scope
from tests.factories import (
    make_actor,
    make_contact,
    make_contact_role,
    make_membership,
    make_municipality,
    make_service,
    make_term,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns():
    """Two municipalities in two regions, an actor in each; their pages cached."""
    north, south = make_municipality(), make_municipality()
    make_actor(municipality=north, name="Pohjoinen toimija")
    make_actor(municipality=south, name="Eteläinen toimija")
    return north, south


def pages(town):
    return [town.get_absolute_url(), town.region.get_absolute_url()]


def served_from_cache(client, url, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def cache(client, *towns):
    for town in towns:
        for url in pages(town):
            assert client.get(url).status_code == 200


def test_an_actors_edit_leaves_other_areas_pages_cached(client, towns, django_assert_num_queries):
    north, south = towns
    cache(client, north, south)
    actor = make_actor(municipality=north, name="Vanha nimi")
    cache(client, north)
    actor.name = "Uusi nimi"
    actor.save()
    for url in pages(north):
        page = client.get(url).content.decode()
        assert "Uusi nimi" in page
        assert "Vanha nimi" not in page
    for url in pages(south):
        assert "Eteläinen toimija" in served_from_cache(client, url, django_assert_num_queries)
    # The lists show every actor: stale after any actor's edit.
    assert "Uusi nimi" in client.get(reverse("directory:actors")).content.decode()


def test_an_actor_moving_leaves_its_old_areas_pages(client, towns):
    north, south = towns
    actor = make_actor(municipality=north, name="Muuttaja")
    cache(client, north, south)
    actor.municipality = south
    actor.save()
    for url in pages(north):
        assert "Muuttaja" not in client.get(url).content.decode()
    for url in pages(south):
        assert "Muuttaja" in client.get(url).content.decode()


def test_a_national_actors_edit_reaches_every_areas_page(client, towns):
    north, south = towns
    actor = make_actor(municipality=north, name="Valtakunnallinen", is_national=True)
    cache(client, north, south)
    actor.name = "Koko maan toimija"
    actor.save()
    for url in pages(south):
        assert "Koko maan toimija" in client.get(url).content.decode()
    # And an actor that stops serving the whole country leaves every area's page.
    actor.is_national = False
    actor.save()
    cache(client, south)
    for url in pages(south):
        assert "Koko maan toimija" not in client.get(url).content.decode()


def test_a_contacts_edit_reaches_its_actors_areas(client, towns, django_assert_num_queries):
    north, south = towns
    contact = make_contact(
        actor=make_actor(municipality=north),
        role=make_contact_role(checklist_order=1, actor_kinds=[ActorKind.ASSOCIATION]),
        name="Maija Meikäläinen",
        public=True,
    )
    cache(client, north, south)
    assert "Maija Meikäläinen" in client.get(north.region.get_absolute_url()).content.decode()
    contact.name = "Maija Virtanen"
    contact.save()
    assert "Maija Virtanen" in client.get(north.region.get_absolute_url()).content.decode()
    served_from_cache(client, south.region.get_absolute_url(), django_assert_num_queries)


def test_a_contact_made_public_or_private_joins_or_leaves_its_areas_checklists(client, towns):
    north, _south = towns
    contact = make_contact(
        actor=make_actor(municipality=north),
        role=make_contact_role(checklist_order=1),
        name="Maija Meikäläinen",
        public=False,
    )
    pages_of_north = pages(north)
    cache(client, north)
    for url in pages_of_north:
        assert "Maija Meikäläinen" not in client.get(url).content.decode()
    contact.public = True
    contact.save()
    for url in pages_of_north:
        assert "Maija Meikäläinen" in client.get(url).content.decode()
    # In bulk, without signals.
    Contact.objects.filter(pk=contact.pk).update(public=False)
    for url in pages_of_north:
        assert "Maija Meikäläinen" not in client.get(url).content.decode()
    Contact.objects.bulk_create(
        [Contact(actor=contact.actor, role=contact.role, name="Matti Massa", public=True)]
    )
    for url in pages_of_north:
        assert "Matti Massa" in client.get(url).content.decode()


def test_a_link_changed_from_the_actors_side_reaches_its_areas(
    client, towns, django_assert_num_queries
):
    north, south = towns
    actor = make_actor(municipality=north)
    service = make_service(name="Työhönvalmennus")
    cache(client, north, south)
    actor.services.add(service)
    assert "Työhönvalmennus" in client.get(actor.get_absolute_url()).content.decode()
    assert client.get(north.get_absolute_url()).context is not None  # rendered again
    served_from_cache(client, south.get_absolute_url(), django_assert_num_queries)
    # From the service's side: every page.
    service.actors.remove(actor)
    assert client.get(south.get_absolute_url()).context is not None


def test_any_other_edit_makes_every_page_stale(client, towns):
    north, south = towns
    cache(client, north, south)
    make_term()
    for url in [*pages(north), *pages(south)]:
        response = client.get(url)
        assert response.status_code == 200
        assert response.context is not None  # rendered, not served from the cache


def test_a_renamed_municipality_shows_its_new_name_on_every_page(client, towns):
    north, south = towns
    cache(client, north, south)
    town = Municipality.objects.get(pk=north.pk)
    town.name_fi = "Uudelleennimetty"
    town.save()
    for url in [*pages(north), reverse("directory:actors")]:
        assert "Uudelleennimetty" in client.get(url).content.decode(), url


@pytest.fixture
def counted(monkeypatch):
    """The selections whose result and facet counts the list computed (not from the cache)."""
    calls = []
    original = ActorFilter.counts

    def counts(filterset):
        calls.append(filterset.data.urlencode())
        return original(filterset)

    monkeypatch.setattr(ActorFilter, "counts", counts)
    return calls


def test_the_lists_counts_stay_cached_after_an_edit_they_do_not_count(client, towns, counted):
    north, _south = towns
    actor = make_actor(municipality=north, name="Laskettava")
    list_url = reverse("directory:actors")
    query = {"tyyppi": "yhdistys"}
    client.get(list_url, query)
    assert len(counted) == 1
    # A description: the page is rendered again, its counts come from the cache.
    actor.description = "Uusi kuvaus"
    actor.save()
    response = client.get(list_url, query)
    assert response.context is not None
    assert len(counted) == 1
    # What the facets count: counted again.
    actor.kind = ActorKind.FOUNDATION
    actor.save()
    client.get(list_url, query)
    assert len(counted) == 2
    actor.services.add(make_service())
    client.get(list_url, query)
    assert len(counted) == 3
    # A search's counts depend on the texts too.
    client.get(list_url, {"q": "Laskettava"})
    actor.description = "Toinen kuvaus"
    actor.save()
    client.get(list_url, {"q": "Laskettava"})
    assert len(counted) == 5


def test_a_bulk_update_makes_every_page_stale(client, towns):
    north, south = towns
    actor = make_actor(municipality=north, name="Ennen päivitystä")
    cache(client, north, south)
    assert "Ennen päivitystä" in client.get(reverse("directory:actors")).content.decode()
    Actor.objects.filter(pk=actor.pk).update(name="Päivityksen jälkeen")
    Actor.objects.filter(pk=actor.pk).update(description="Ei signaaleja")
    assert "Päivityksen jälkeen" in client.get(reverse("directory:actors")).content.decode()
    assert "Ei signaaleja" in client.get(actor.get_absolute_url()).content.decode()
    for url in pages(south):
        assert client.get(url).context is not None  # rendered, not served from the cache


# Actor pages


def names_on_page(client, actor):
    return client.get(actor.get_absolute_url()).content.decode()


def test_an_actors_edit_leaves_other_actors_pages_cached(client, django_assert_num_queries):
    edited, other = make_actor(name="Muokattava"), make_actor(name="Muu toimija")
    for actor in (edited, other):
        assert client.get(actor.get_absolute_url()).status_code == 200
    edited.name = "Muokattu"
    edited.save()
    assert "Muokattu" in names_on_page(client, edited)
    assert "Muu toimija" in served_from_cache(
        client, other.get_absolute_url(), django_assert_num_queries
    )


def test_an_actors_edit_reaches_the_pages_that_name_it(client):
    parent = make_actor(name="Emo")
    child = make_actor(name="Lapsi", parent=parent, kind=ActorKind.PROJECT)
    network = make_actor(name="Verkosto", kind=ActorKind.NETWORK)
    member = make_actor(name="Jäsen")
    make_membership(network=network, member=member)
    ended = make_actor(name="Edeltäjä", active_until="2020-12-31")
    successor = make_actor(name="Seuraaja")
    ended.successors.add(successor)
    named = {parent: child, child: parent, network: member, member: network}
    named |= {ended: successor, successor: ended}
    for page, shown in named.items():
        assert shown.name in names_on_page(client, page)
    for page, shown in named.items():
        shown.name = f"{shown.name} (uusi nimi)"
        shown.save()
        assert f"{shown.name}<" in names_on_page(client, page), (page, shown)


def test_the_pages_that_name_an_actor_are_found_in_one_query(django_assert_num_queries):
    parent = make_actor(name="Emo")
    network = make_actor(name="Verkosto", kind=ActorKind.NETWORK)
    actor = make_actor(name="Hanke", parent=parent, kind=ActorKind.PROJECT)
    make_membership(network=network, member=actor)
    child = make_actor(name="Osahanke", parent=actor, kind=ActorKind.PROJECT)
    member = make_actor(name="Jäsen")
    make_membership(network=actor, member=member)
    successor, predecessor = make_actor(name="Seuraaja"), make_actor(name="Edeltäjä")
    actor.successors.add(successor)
    predecessor.successors.add(actor)
    actor = Actor.objects.get(pk=actor.pk)
    with django_assert_num_queries(1):
        scopes = actor.page_scopes()
    naming = (parent, network, child, member, successor, predecessor, actor)
    assert scopes == {actor_page_scope(each.slug) for each in naming}


def test_a_new_parent_and_a_new_address_leave_no_stale_page(client):
    first, second = make_actor(name="Ensimmäinen emo"), make_actor(name="Toinen emo")
    child = make_actor(name="Siirtyvä hanke", parent=first, kind=ActorKind.PROJECT)
    old_url = child.get_absolute_url()
    for actor in (first, second, child):
        assert client.get(actor.get_absolute_url()).status_code == 200
    child = Actor.objects.get(pk=child.pk)
    child.parent = second
    child.slug = "siirtynyt-hanke"
    child.save()
    assert "Siirtyvä hanke" not in names_on_page(client, first)
    assert "Siirtyvä hanke" in names_on_page(client, second)
    assert client.get(old_url).status_code != 200
    assert client.get(child.get_absolute_url()).status_code == 200


def test_a_change_of_an_actors_successors_reaches_every_actor_page(client):
    ended = make_actor(name="Lakkautettu", active_until="2020-12-31")
    first, second = make_actor(name="Ensimmäinen"), make_actor(name="Toinen")
    ended.successors.add(first)
    for actor in (ended, first, second):
        assert client.get(actor.get_absolute_url()).status_code == 200
    ended.successors.set([second])
    assert "Lakkautettu" not in names_on_page(client, first)
    assert "Lakkautettu" in names_on_page(client, second)


def print_pages(town):
    return [
        reverse("directory:municipality_print", args=[town.slug]),
        reverse("directory:region_print", args=[town.region.slug]),
    ]


def test_print_pages_are_cached_and_follow_their_areas_edits(
    client, towns, django_assert_num_queries
):
    north, south = towns
    actor = make_actor(municipality=north, name="Vanha nimi")
    list_print = reverse("directory:list_print") + f"?kunta={north.slug}&asettelu=tiivis"
    for url in [*print_pages(north), *print_pages(south), list_print]:
        assert client.get(url).status_code == 200
    # Parameters a print does not read, and another order, find the same entry.
    for url in (
        f"{print_pages(north)[0]}?x=1",
        f"{reverse('directory:list_print')}?asettelu=tiivis&r=7&kunta={north.slug}",
    ):
        assert "Vanha nimi" in served_from_cache(client, url, django_assert_num_queries)
    actor.name = "Uusi nimi"
    actor.save()
    for url in [*print_pages(north), list_print]:
        page = client.get(url).content.decode()
        assert "Uusi nimi" in page
        assert "Vanha nimi" not in page
    for url in print_pages(south):
        assert "Eteläinen toimija" in served_from_cache(client, url, django_assert_num_queries)
