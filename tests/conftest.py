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


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache: the database is rolled back between tests, but
    the cache is not, and a page cached by one test must not show up in the next."""
    from django.core.cache import cache

    cache.clear()
