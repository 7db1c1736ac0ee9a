import pytest


@pytest.fixture(autouse=True, scope="session")
def _plain_http():
    """Let the tests' plain-HTTP client and live server in.

    With DEBUG off (as `make test` runs) the settings redirect every request to HTTPS. The
    live server builds its middleware once, when it starts, so the setting is changed for the
    whole session rather than per test. Tests of the production behaviour override it again
    with the `settings` fixture (the test client builds its middleware per client) or send
    `secure=True`.
    """
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False


def _is_transactional(item):
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction", marker.args[0] if marker.args else False))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run transactional tests (browser, backup) last, as Django's test runner does.

    They end by flushing the database, which removes the groups that migrations create;
    pytest-django sorts them last, but pytest then regroups the browser tests around
    Playwright's session fixtures and can move them ahead of tests that need those groups.
    """
    items.sort(key=_is_transactional)


@pytest.fixture(autouse=True, scope="session")
def _cache_of_this_run(tmp_path_factory):
    """Give the test run a file cache of its own (without CACHE_URL the cache is files shared
    by every process of the machine): a development server's cache, or another test run's,
    must neither leak into the tests nor be emptied by them."""
    from django.conf import settings
    from django.test import override_settings

    default = settings.CACHES["default"]
    if not default["BACKEND"].endswith("FileBasedCache"):
        yield
        return
    location = tmp_path_factory.mktemp("cache")
    with override_settings(CACHES={"default": {**default, "LOCATION": str(location)}}):
        yield


@pytest.fixture(autouse=True)
def _empty_cache(_cache_of_this_run):
    """Run every test with an empty cache, and empty it again afterwards.

    The database is rolled back between tests, but the cache is not: a page, a count or a
    rate limit cached by one test must not show up in the next. Clearing after the test too
    leaves nothing of the test data behind when the cache outlives the run (Redis, with
    CACHE_URL set).
    """
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def run_queued_tasks(monkeypatch):
    """Return a function that runs every queued task, as `manage.py db_worker` does, and
    returns how many finished (the suite queues into the database like production)."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    def run():
        # The worker closes the database connection between tasks (close_old_connections);
        # inside a test's transaction that would close the test's own connection, as
        # Django's TestCase keeps requests from doing.
        monkeypatch.setattr(
            "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
        )
        call_command(
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--queue-name=*",
            "--interval=0",
            verbosity=0,
        )
        return DBTaskResult.objects.finished().count()

    return run
