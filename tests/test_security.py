"""Production settings, security headers on every page type, and the admin login's lockout."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management.utils import get_random_secret_key
from django.urls import reverse
from django.utils import timezone

from tests.pages import PAGE_TYPES, make_directory, public_pages

pytestmark = pytest.mark.django_db

ONE_YEAR = 365 * 24 * 3600


@pytest.fixture
def production(settings):
    """The values of keko/settings.py with DEBUG off (the test run may have DEBUG=1 set)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = ONE_YEAR
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    return settings


def run_django(code, **env):
    """Run Python `code` with the project's settings in a fresh process with production `env`."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_COOKIES",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "keko.settings",
        "SECRET_KEY": get_random_secret_key(),
        "ALLOWED_HOSTS": "example.org",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=django_settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    result = run_django(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_come_from_the_environment():
    result = run_django(
        "import django; django.setup(); from django.conf import settings as s; "
        "from django.urls import reverse; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, reverse('admin:index'))",
        CSRF_TRUSTED_ORIGINS="https://example.org",
        ADMIN_PATH="hallinta-x7/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == (
        f"False True {ONE_YEAR} True True ['example.org'] ['https://example.org'] /hallinta-x7/"
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django("import django; django.setup()", SECRET_KEY="")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_plain_http_is_redirected_to_https_unless_the_proxy_says_it_was_https(client, production):
    response = client.get(reverse("directory:regions"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert (
        client.get(reverse("directory:regions"), HTTP_X_FORWARDED_PROTO="https").status_code == 200
    )
    # The load balancer's probe may come over plain HTTP.
    assert client.get(reverse("healthz")).status_code == 200


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_every_page_type_sends_the_security_headers(client, production, name):
    path = public_pages(make_directory())[name]
    response = client.get(path, secure=True)
    assert response.status_code in (200, 404)
    assert (name == "not_found") == (response.status_code == 404)
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Strict-Transport-Security"] == f"max-age={ONE_YEAR}; includeSubDomains"


def test_error_pages_use_the_site_layout(client):
    response = client.get("/ei-tallaista-sivua/")
    content = response.content.decode()
    assert response.status_code == 404
    assert "Sivua ei löytynyt" in content and 'class="main-nav"' in content


@pytest.fixture
def curator():
    return get_user_model().objects.create_user(
        "kuraattori", password="oikea-salasana-123", is_staff=True
    )


def test_admin_login_locks_out_after_repeated_failures(client, curator, caplog, production):
    login = reverse("admin:login")
    assert login.startswith("/" + django_settings.ADMIN_PATH)
    limit = django_settings.AXES_FAILURE_LIMIT
    assert limit == 5
    wrong = {"username": "kuraattori", "password": "väärä"}
    for _ in range(limit - 1):
        response = client.post(login, wrong, secure=True)
        assert response.status_code == 200  # the form again, with an error
    assert client.post(login, wrong, secure=True).status_code == 429
    assert any(
        record.levelname == "WARNING" and "Locking out" in record.getMessage()
        for record in caplog.records
    )
    right = {"username": "kuraattori", "password": "oikea-salasana-123"}
    response = client.post(login, right, secure=True)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_login_with_the_right_password_starts_a_session_that_expires(
    client, curator, production
):
    right = {"username": "kuraattori", "password": "oikea-salasana-123"}
    response = client.post(reverse("admin:login"), right, secure=True)
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    # A browser-session cookie (no expiry date), secure and out of reach of scripts.
    assert not cookie["expires"] and not cookie["max-age"]
    assert cookie["secure"] and cookie["httponly"]
    # The server side ends it after a working day even if the browser stays open.
    session = Session.objects.get(session_key=cookie.value)
    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert 0 < remaining <= 8 * 3600
