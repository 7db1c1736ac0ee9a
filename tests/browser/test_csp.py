"""The Content-Security-Policy blocks nothing the site or the admin needs: no CSP reports in a
real browser's console on public pages, the admin login and the admin's change form."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import make_actor, make_contact, make_municipality, make_service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def violations(page):
    """Collect the browser's CSP reports and script errors while a test runs."""
    messages = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: messages.append(str(error)))
    return messages


@pytest.fixture
def actor():
    actor = make_actor(
        name="Tampereen Työpaja ry",
        municipality=make_municipality(name_fi="Tampere"),
        services=[make_service()],
        description="Työpajoja nuorille.",
    )
    make_contact(actor=actor, name="Tiina Testaaja", public=True)
    return actor


def test_public_pages_load_without_csp_violations(page, live_server, actor, violations):
    for path in [
        reverse("directory:home"),
        actor.get_absolute_url(),
        reverse("directory:actors"),
        reverse("directory:region_print", args=[actor.municipality.region.slug]),
    ]:
        page.goto(live_server.url + path)
        expect(page.locator("h1").first).to_be_visible()
    # The home page's map is inline SVG and the stylesheet is same-origin: both allowed.
    page.goto(live_server.url + reverse("directory:home"))
    assert page.locator("svg").count() > 0
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
    assert violations == []


def test_admin_works_under_the_policy(page, live_server, admin_user, actor, violations):
    page.goto(live_server.url + reverse("admin:login"))
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("password")
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(live_server.url + reverse("admin:index"))
    page.goto(live_server.url + reverse("admin:actors_actor_change", args=[actor.pk]))
    expect(page.locator("#actor_form")).to_be_visible()
    # The admin's own scripts (collapsible fieldsets, inlines, selectors) run under the policy.
    expect(page.locator("#id_name_fi")).to_have_value("Tampereen Työpaja ry")
    assert violations == []
