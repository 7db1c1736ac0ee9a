"""Cached directory data is invalidated by any save or delete of curated data."""

import pytest
from django.core.cache import cache as django_cache
from django.core.signals import request_finished, request_started
from django.urls import reverse
from django.utils import translation

from keko import cache as cache_module
from keko.cache import (
    ACTORS,
    VERSION_KEY,
    bump_directory_version,
    bumped_once,
    cached,
    directory_key,
    directory_version,
    versions,
)
from keko.models import Status
from tests.factories import make_actor, make_municipality, make_term

pytestmark = pytest.mark.django_db


def figures(client):
    return client.get(reverse("directory:home")).context["figures"]


def test_home_figures_follow_a_save_and_a_delete(client):
    actor = make_actor()
    assert figures(client)["actors"] == 1
    make_actor()
    assert figures(client)["actors"] == 2
    actor.status = Status.DRAFT
    actor.save()
    assert figures(client)["actors"] == 1
    term = make_term()
    assert figures(client)["terms"] == 1
    term.delete()
    assert figures(client)["terms"] == 0


def test_region_page_follows_an_edit(client):
    town = make_municipality()
    actor = make_actor(municipality=town, name="Vanha nimi")
    assert "Vanha nimi" in client.get(town.region.get_absolute_url()).content.decode()
    actor.name = "Uusi nimi"
    actor.save()
    page = client.get(town.region.get_absolute_url()).content.decode()
    assert "Uusi nimi" in page
    assert "Vanha nimi" not in page


def actors_version():
    return versions([ACTORS])[1]


def test_a_many_to_many_change_bumps_the_version():
    town, other = make_municipality(), make_municipality()
    actor = make_actor(municipality=town)
    before = actors_version()
    actor.served_municipalities.add(other)
    assert actors_version() > before
    # From the side of a model that does not know what shows it: everything.
    before = directory_version()
    other.serving_actors.remove(actor)
    assert directory_version() > before


def test_cached_computes_once_per_version():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached(["test"], compute) == 1
    assert cached(["test"], compute) == 1
    bump_directory_version()
    assert cached(["test"], compute) == 2


def test_a_value_kept_in_the_process_follows_a_version_moved_by_any_process():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached(["kept"], compute, scopes=(), in_process=True) == 1
    # Gone from the shared cache (culled, say): still kept in this process, not unpickled.
    django_cache.delete(directory_key("kept", scopes=()))
    assert cached(["kept"], compute, scopes=(), in_process=True) == 1
    # Another process's edit writes a new version to the shared cache: a new key here too.
    django_cache.set(VERSION_KEY, directory_version() + 1)
    assert cached(["kept"], compute, scopes=(), in_process=True) == 2
    bump_directory_version()
    assert cached(["kept"], compute, scopes=(), in_process=True) == 3
    assert cached(["kept"], compute, scopes=(), in_process=True) == 3


def test_a_value_kept_in_the_process_replaces_its_stale_versions(monkeypatch):
    monkeypatch.setattr(cache_module, "_in_process", {})
    for edit in range(5):
        assert cached(["kept"], lambda edit=edit: edit, scopes=(), in_process=True) == edit
        assert cached(["other"], lambda: "other", scopes=(), in_process=True) == "other"
        bump_directory_version()
    # One value of each, the newest: the stale ones (large reads, some) are not kept until
    # evicted.
    kept = [value for _key, value in cache_module._in_process.values()]
    assert sorted(kept, key=str) == [4, "other"]


def test_a_value_the_same_in_every_language_is_cached_once_for_all():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with translation.override("fi"):
        assert cached(["counts"], compute) == 1
        assert cached(["labels"], compute, per_language=True) == 2
        assert cached(["counts"], compute, per_language=False) == 3
    with translation.override("sv"):
        assert cached(["counts"], compute, per_language=False) == 3
        assert cached(["labels"], compute) == 4
    assert directory_key("counts", per_language=False) != directory_key("counts")


def test_the_version_is_bumped_again_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        before = directory_version(), actors_version()
        make_term()
        make_actor()
        during = directory_version(), actors_version()
    assert during[0] > before[0]
    assert during[1] > before[1]
    assert directory_version() > during[0]
    assert actors_version() > during[1]


def test_public_page_is_served_from_the_cache_until_an_edit(client, django_assert_num_queries):
    actor = make_actor(name="Ensimmäinen nimi")
    assert "Ensimmäinen nimi" in client.get(actor.get_absolute_url()).content.decode()
    with django_assert_num_queries(0):
        again = client.get(actor.get_absolute_url())
    assert "Ensimmäinen nimi" in again.content.decode()
    assert again["Content-Security-Policy"]  # headers are added to cached pages too

    actor.name = "Toinen nimi"
    actor.save()
    assert "Toinen nimi" in client.get(actor.get_absolute_url()).content.decode()


def test_a_page_is_kept_apart_for_each_scheme(client, settings):
    # Its absolute links (the other languages', a print's QR codes) name the scheme.
    settings.SECURE_SSL_REDIRECT = False
    actor = make_actor()
    plain = client.get(actor.get_absolute_url()).content.decode()
    secure = client.get(actor.get_absolute_url(), secure=True).content.decode()
    assert "http://testserver/" in plain and "https://testserver/" not in plain
    assert "https://testserver/" in secure and "http://testserver/" not in secure


def test_signed_in_staff_always_get_a_fresh_page(admin_client):
    draft = make_actor(name="Luonnos", status=Status.DRAFT)
    assert admin_client.get(draft.get_absolute_url()).status_code == 200
    # A queryset update bypasses the signals that move the directory version on.
    type(draft).objects.filter(pk=draft.pk).update(name="Luonnos 2")
    assert "Luonnos 2" in admin_client.get(draft.get_absolute_url()).content.decode()


def test_not_found_pages_are_not_cached(client):
    url = reverse("directory:actor", args=["tuleva"])
    assert client.get(url).status_code == 404
    make_actor(slug="tuleva")
    assert client.get(url).status_code == 200


def test_unknown_parameters_and_their_order_find_the_same_cached_page(
    client, django_assert_num_queries
):
    town = make_municipality(slug="oulu")
    make_actor(municipality=town, name="Oulun yhdistys")
    actors = reverse("directory:actors")
    first = client.get(actors, {"kunta": "oulu", "tyyppi": "yhdistys"})
    assert first.status_code == 200 and "Oulun yhdistys" in first.content.decode()
    for query in (
        "tyyppi=yhdistys&kunta=oulu",  # another order
        "kunta=oulu&tyyppi=yhdistys&x=1",  # a parameter the page does not read
        "r=7&tyyppi=yhdistys&kunta=oulu&kunta=oulu",  # and a repeated value
    ):
        with django_assert_num_queries(0):
            again = client.get(f"{actors}?{query}")
        assert again.content == first.content
    # The page never sees the unknown parameter, so none of its links carries it.
    assert "x=1" not in client.get(f"{actors}?x=1").content.decode()


def test_pages_that_read_no_parameter_are_one_page_whatever_the_query(
    client, django_assert_num_queries
):
    home = reverse("directory:home")
    first = client.get(home, {"q": "ei näy"})
    assert "ei näy" not in first.content.decode()  # the header's search box stays empty
    with django_assert_num_queries(0):
        assert client.get(home, {"v": "2"}).content == first.content


def test_derived_tables_are_not_watched_and_bulk_deletes_stay_one_query(
    django_assert_num_queries,
):
    from actors.models import ActorMunicipality, ActorRegion
    from keko.models import RateLimitCounter
    from keko.registry import directory_models

    models = directory_models()
    assert ActorRegion not in models and ActorMunicipality not in models
    # Nobody listens to the deletes of a model outside the directory: Django's single DELETE.
    with django_assert_num_queries(1):
        RateLimitCounter.objects.filter(key="x").delete()


def test_writes_in_bulk_make_everything_stale_once_at_the_end():
    before = directory_version(), actors_version()
    with bumped_once():
        make_actor()
        make_term()
        with bumped_once():
            make_actor()
        assert (directory_version(), actors_version()) == before
    assert directory_version() > before[0]
    # Outside, each write bumps again.
    during = actors_version()
    make_actor()
    assert actors_version() > during


def test_a_request_reads_the_versions_once_and_sees_its_own_bumps(monkeypatch):
    reads = []
    backend = type(django_cache._connections[django_cache._alias])
    read_many = backend.get_many

    def counted(self, keys, *args, **kwargs):
        reads.extend(key for key in keys if key.startswith("keko:"))
        return read_many(self, keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get_many", counted)
    first = versions([ACTORS])  # started: read, added, read again
    reads.clear()
    assert versions([ACTORS]) == versions([ACTORS]) == first
    assert len(reads) == 4  # outside a request: each call
    request_started.send(sender=None)
    try:
        reads.clear()
        assert versions([ACTORS]) == versions([ACTORS]) == versions(()) + first[1:]
        assert len(reads) == 2  # within one: once
        # Another process's edit is seen from the next request on.
        django_cache.set(VERSION_KEY, first[0] + 1)
        assert versions(())[0] == first[0]
        # This process's edit at once.
        bump_directory_version()
        assert versions(())[0] > first[0] + 1
    finally:
        request_finished.send(sender=None)
    reads.clear()
    assert versions(()) == versions(()) and len(reads) == 2
