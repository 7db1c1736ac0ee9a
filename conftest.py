import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM in live_server
# tests refuses that without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium instead of a browser Playwright would download."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def finnish_to_begin_with():
    """Each test begins in Finnish. The locale middleware activates a page's language in the
    thread that served it, and the test client serves in the test's thread: without this, a
    test after one that asked for a /sv/ page would build its data and addresses in Swedish."""
    from django.utils import translation

    translation.activate("fi")
    yield
    translation.activate("fi")
