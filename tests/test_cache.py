"""Cached directory data is invalidated by any save or delete of curated data."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from keko.cache import bump_directory_version, cached, directory_version
from keko.models import Status
from tests.factories import make_actor, make_municipality, make_term

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def figures(client):
    return client.get(reverse("home")).context["figures"]


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


def test_a_many_to_many_change_bumps_the_version():
    town, other = make_municipality(), make_municipality()
    actor = make_actor(municipality=town)
    before = directory_version()
    actor.served_municipalities.add(other)
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


def test_the_version_is_bumped_again_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        before = directory_version()
        make_actor()
        during = directory_version()
    assert during > before
    assert directory_version() > during
