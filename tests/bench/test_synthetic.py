"""seed_synthetic: deterministic, plausible synthetic actors on top of the seed data.

The command belongs to the bench app, which only bench/settings.py installs: the tests run with
the production settings, so the tests of the command install the app for their own duration.
"""

import datetime
import importlib.util
import io
from collections import Counter

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.template.loader import get_template
from django.test import override_settings
from django.utils import timezone

from actors.models import Actor, ActorKind, Contact, NetworkMembership
from bench import synthetic
from keko.cache import directory_version
from keko.models import Status
from practices.models import Participation, Practice
from tests.factories import (
    make_contact_role,
    make_funding_source,
    make_municipality,
    make_region,
    make_service,
    make_target_group,
)

pytestmark = pytest.mark.django_db

N = 300


@pytest.fixture
def bench_app():
    """Install the bench app as bench/settings.py does, for one test (Django reloads the app
    registry and forgets its cached list of commands and template directories)."""
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, "bench"]):
        yield


@pytest.fixture
def reference_data(bench_app):
    """A little of what `manage.py seed` provides, enough for the generator."""
    regions = [make_region() for _ in range(3)]
    for n in range(12):
        make_municipality(region=regions[n % 3], name_fi="Helsinki" if n == 0 else f"Kunta {n}")
    for _ in range(5):
        make_service()
        make_target_group()
    make_contact_role(checklist_order=1, actor_kinds=["association"])
    make_contact_role()
    make_funding_source()


def synthetic_actors():
    return Actor.objects.filter(slug__startswith="synth-")


def delete_synthetic():
    actors = synthetic_actors()
    NetworkMembership.objects.filter(member__in=actors).delete()
    Participation.objects.filter(actor__in=actors).delete()
    Practice.objects.filter(slug__startswith="synth-").delete()
    actors.delete()


def run(actors=N, seed=7):
    call_command("seed_synthetic", actors=actors, seed=seed, stdout=io.StringIO())


def test_loads_the_asked_number_of_actors_with_links(reference_data):
    run()
    actors = synthetic_actors()
    assert actors.count() == N
    assert Actor.services.through.objects.filter(actor__in=actors).exists()
    assert Actor.target_groups.through.objects.filter(actor__in=actors).exists()
    assert Contact.objects.filter(actor__in=actors).exists()


def test_proportions_are_plausible(reference_data):
    run()
    actors = synthetic_actors()
    kinds = Counter(actors.values_list("kind", flat=True))
    assert kinds[ActorKind.ASSOCIATION] > N * 0.45
    assert len(kinds) >= 8
    published = actors.filter(status=Status.PUBLISHED).count()
    assert 0.85 * N <= published < N
    contacts = Contact.objects.filter(actor__in=actors)
    assert contacts.filter(public=True).count() < contacts.count() * 0.35  # mostly private
    # Weighted towards large municipalities: Helsinki has more than its even share.
    helsinki = actors.filter(municipality__name_fi="Helsinki").count()
    assert helsinki > N / 12
    # Most verified, some over a year ago (stale in the admin), some never.
    verified = actors.filter(verified_on__isnull=False)
    assert 0.5 * N < verified.count() < 0.9 * N
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    assert 0 < verified.filter(verified_on__lt=year_ago).count() < verified.count()


def test_the_same_seed_gives_the_same_data(reference_data):
    run()
    first = list(synthetic_actors().order_by("slug").values_list("slug", "name", "kind"))
    delete_synthetic()
    run()
    second = list(synthetic_actors().order_by("slug").values_list("slug", "name", "kind"))
    assert first == second
    run(seed=8)
    other = Actor.objects.filter(slug__startswith="synth-8-").order_by("slug")
    assert list(other.values_list("name", flat=True)) != [name for _s, name, _k in first]


def test_rerunning_does_not_duplicate_and_resumes(reference_data):
    run(actors=1000)
    run(actors=1000)
    assert synthetic_actors().count() == 1000
    run(actors=2000)
    assert synthetic_actors().count() == 2000


def test_a_partial_load_is_refused_with_a_clear_message(reference_data):
    run(actors=N)
    with pytest.raises(CommandError, match="not a whole number of chunks"):
        run(actors=N + synthetic.CHUNK_SIZE)


def test_dry_run_writes_nothing(reference_data):
    call_command("seed_synthetic", actors=N, dry_run=True, stdout=io.StringIO())
    assert not synthetic_actors().exists()


def test_needs_the_seed_data(bench_app):
    with pytest.raises(CommandError, match="seed"):
        run()


def test_loading_moves_cached_pages_on(reference_data):
    # bulk_create sends no signals; a page cached before the load must not outlive it.
    before = directory_version()
    run()
    assert directory_version() > before


def test_the_production_settings_leave_the_bench_out():
    assert "bench" not in settings.INSTALLED_APPS
    assert not apps.is_installed("bench")
    assert "seed_synthetic" not in get_commands()
    assert importlib.util.find_spec("actors.synthetic") is None


def test_the_bench_settings_install_the_bench_app():
    from bench import settings as bench_settings

    assert bench_settings.INSTALLED_APPS == [*settings.INSTALLED_APPS, "bench"]
    assert bench_settings.ROOT_URLCONF == "bench.urls"


def test_the_bench_app_brings_its_command_and_template(bench_app):
    assert get_commands()["seed_synthetic"] == "bench"
    assert get_template("bench/minimal.html").origin.name.endswith(
        "bench/templates/bench/minimal.html"
    )
