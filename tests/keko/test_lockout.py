"""The admin login's lockout (django-axes): per user name and address, the site's Finnish 429
page, and the client's address behind proxies (keko.middleware.client_ip)."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from keko.middleware import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "oikea-salasana-123"


@pytest.fixture
def curators():
    users = get_user_model().objects
    return [
        users.create_user(name, password=PASSWORD, is_staff=True) for name in ("anna", "bertta")
    ]


def login(client, username, password, **extra):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, **extra
    )


def lock_out(client, username, **extra):
    """Fail the login of `username` until locked out; return the locking response."""
    for _ in range(django_settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, username, "väärä", **extra).status_code == 200
    response = login(client, username, "väärä", **extra)
    assert response.status_code == 429
    return response


def test_a_flood_against_one_account_does_not_lock_out_the_others_behind_the_same_address(
    client, curators
):
    office = {"REMOTE_ADDR": "192.0.2.10"}
    lock_out(client, "anna", **office)
    assert login(client, "anna", PASSWORD, **office).status_code == 429
    # Another curator behind the same proxy or office address signs in.
    response = login(client, "bertta", PASSWORD, **office)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(curators[1].pk)


def test_the_locked_account_still_signs_in_from_another_address(client, curators):
    lock_out(client, "anna", REMOTE_ADDR="192.0.2.10")
    assert login(client, "anna", PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_the_lockout_page_is_the_sites_finnish_page_with_status_429(client, curators):
    response = lock_out(client, "anna", REMOTE_ADDR="192.0.2.10")
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="fi">' in html and 'class="main-nav"' in html  # base.html
    assert "Liian monta epäonnistunutta kirjautumisyritystä" in html
    assert "Voit yrittää uudelleen tunnin kuluttua, kello" in html
    assert response["Retry-After"] == "3600"
    assert response["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    # The right password during the lockout gets the same page, and no session.
    response = login(client, "anna", PASSWORD, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 429 and "kirjautumisyritystä" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("proxies", "remote"),
    [
        # Two proxies expected, but the client reaches the app with a one-entry header.
        (2, "10.0.0.5"),
        # One proxy expected, but the client reaches gunicorn directly from the internet.
        (1, "203.0.113.50"),
    ],
)
def test_rotating_x_forwarded_for_does_not_avoid_the_lockout(
    client, curators, settings, proxies, remote
):
    settings.TRUSTED_PROXY_COUNT = proxies
    statuses = [
        login(
            client, "anna", "väärä", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(1, 9)
    ]
    assert statuses == [200] * 4 + [429] * 4
    assert login(client, "anna", PASSWORD, REMOTE_ADDR=remote).status_code == 429


def test_behind_a_trusted_proxy_clients_are_told_apart_by_the_forwarded_address(
    client, curators, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    # A forged entry left of the proxy's does not change the address.
    for n in range(5):
        forwarded = f"192.0.2.{n}, 198.51.100.7"
        response = login(client, "anna", "väärä", HTTP_X_FORWARDED_FOR=forwarded, **proxy)
    assert response.status_code == 429
    other = login(client, "anna", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert other.status_code == 302


# --- client_ip --------------------------------------------------------------------------------


def ip(remote="10.0.0.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra))


def test_client_ip_without_proxies_is_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ip("203.0.113.1", "198.51.100.1") == "203.0.113.1"


def test_client_ip_counts_trusted_proxies_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert ip(forwarded="198.51.100.1") == "198.51.100.1"
    assert ip(forwarded="1.2.3.4, 198.51.100.1") == "198.51.100.1"
    settings.TRUSTED_PROXY_COUNT = 2
    assert ip(forwarded="1.2.3.4, 198.51.100.1, 10.0.0.9") == "198.51.100.1"
    assert ip(forwarded="2001:db8::1, 10.0.0.9") == "2001:db8::1"


def test_client_ip_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert ip(forwarded="198.51.100.1") == "10.0.0.5"  # fewer entries than proxies
    assert ip(forwarded="") == "10.0.0.5"
    assert ip() == "10.0.0.5"
    assert ip(forwarded="ei-osoite, 10.0.0.9") == "10.0.0.5"  # not an address
    assert ip(forwarded=" , 10.0.0.9") == "10.0.0.5"
    # A peer outside the proxies' networks is the client itself, whatever it sends.
    settings.TRUSTED_PROXY_COUNT = 1
    assert ip("203.0.113.50", "198.51.100.1") == "203.0.113.50"
    assert ip("::ffff:10.0.0.5", "198.51.100.1") == "198.51.100.1"
    # An empty list trusts any peer (proxies on public addresses: list them instead).
    settings.TRUSTED_PROXY_NETWORKS = []
    assert ip("203.0.113.50", "198.51.100.1") == "198.51.100.1"
    settings.TRUSTED_PROXY_NETWORKS = ["203.0.113.0/24"]
    assert ip("203.0.113.50", "198.51.100.1") == "198.51.100.1"
    assert ip("10.0.0.5", "198.51.100.1") == "10.0.0.5"
