"""Limits on what a client may send: the rate limits' shared counters (keko.ratelimit), the
correction form's 429 and its refusal of files, the request size settings, and the security
headers of the responses that the header middleware never sees (static files, a bad host)."""

import datetime
import http.client
import re
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from curation.models import CorrectionRequest
from keko import ratelimit
from keko.models import RateLimitCounter
from tests.factories import make_actor

pytestmark = pytest.mark.django_db

VALID = {
    "what_is_wrong": "Puhelinnumero ei ole enää käytössä.",
    "proposed_fix": "Uusi numero on 040 123 4567.",
    "email": "",
    "kotisivu": "",
}
HOUR = 3600


@pytest.fixture
def clock(monkeypatch):
    """Set the time keko.ratelimit sees: `clock.now = …`."""

    class Clock:
        now = datetime.datetime(2026, 12, 3, 10, 0, 0, tzinfo=datetime.UTC)

    monkeypatch.setattr(ratelimit.timezone, "now", lambda: Clock.now)
    return Clock


# --- keko.ratelimit ---------------------------------------------------------------------------


def test_allow_counts_to_the_limit_in_a_fixed_window(clock):
    clock.now += datetime.timedelta(minutes=20)  # 10.20: the window runs 10.00–11.00
    assert [ratelimit.allow("a", limit=3, period=HOUR) for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    # Refused attempts are not counted; another key has its own count.
    assert RateLimitCounter.objects.get(key="a").count == 3
    assert ratelimit.allow("b", limit=3, period=HOUR)
    assert ratelimit.retry_after("a", period=HOUR) == 40 * 60

    clock.now += datetime.timedelta(minutes=39, seconds=59)
    assert not ratelimit.allow("a", limit=3, period=HOUR)
    assert ratelimit.retry_after("a", period=HOUR) == 1
    clock.now += datetime.timedelta(seconds=1)  # 11.00: a new window, the same row
    assert [ratelimit.allow("a", limit=3, period=HOUR) for _ in range(4)] == [True] * 3 + [False]
    assert RateLimitCounter.objects.filter(key="a").count() == 1


def test_retry_after_without_a_row_is_the_end_of_the_window(clock):
    clock.now += datetime.timedelta(minutes=45)
    assert ratelimit.retry_after("ei-yritetty", period=HOUR) == 15 * 60


def test_a_limit_below_one_refuses_everything():
    assert not ratelimit.allow("c", limit=0, period=60)
    assert not RateLimitCounter.objects.exists()


def test_long_keys_are_stored_hashed():
    key = "x" * 500
    assert [ratelimit.allow(key, limit=1, period=60) for _ in range(2)] == [True, False]
    assert RateLimitCounter.objects.get().key.startswith("sha256:")
    assert ratelimit.retry_after(key, period=60) >= 1


def test_rows_of_ended_windows_are_deleted_when_a_new_key_comes(clock, django_assert_num_queries):
    for n in range(50):
        ratelimit.allow(f"vanha-{n}", limit=5, period=60)
    assert RateLimitCounter.objects.count() == 50
    clock.now += datetime.timedelta(minutes=2)
    # A key seen before reuses its row: no purge.
    ratelimit.allow("vanha-0", limit=5, period=60)
    assert RateLimitCounter.objects.count() == 50
    # A new key: UPDATE, SELECT, INSERT in a savepoint, one DELETE.
    with django_assert_num_queries(6):
        assert ratelimit.allow("uusi", limit=5, period=60)
    assert set(RateLimitCounter.objects.values_list("key", flat=True)) == {"vanha-0", "uusi"}


def test_most_attempts_take_one_query_and_a_refusal_two(django_assert_num_queries):
    ratelimit.allow("d", limit=2, period=60)
    with django_assert_num_queries(1):
        assert ratelimit.allow("d", limit=2, period=60)
    with django_assert_num_queries(2):
        assert not ratelimit.allow("d", limit=2, period=60)


# SQLite's in-memory test database shares one cache between connections, whose table locks
# fail a concurrent writer at once ("database table is locked") instead of making it wait as
# an SQLite file does: there the gunicorn test below is the proof; on PostgreSQL (CI) these.
needs_concurrent_writers = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="in-memory SQLite fails concurrent writers"
)


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_threads_on_their_own_connections_never_exceed_the_limit():
    """Sixteen threads, each with its own database connection, hammer one key: the database
    counts every attempt atomically, so exactly `limit` are let through."""
    limit, threads, attempts = 5, 16, 6
    start = threading.Barrier(threads)

    def hammer(_n):
        try:
            start.wait()
            return [ratelimit.allow("yhteinen", limit=limit, period=HOUR) for _ in range(attempts)]
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        results = [allowed for batch in pool.map(hammer, range(threads)) for allowed in batch]
    assert len(results) == threads * attempts
    assert results.count(True) == limit
    assert RateLimitCounter.objects.get(key="yhteinen").count == limit


@needs_concurrent_writers
@pytest.mark.django_db(transaction=True)
def test_threads_racing_for_a_new_key_count_its_first_attempts_once():
    """Many first attempts at once: one INSERT wins, the others see the IntegrityError and
    count on the row it made."""
    threads = 12
    start = threading.Barrier(threads)

    def first(n):
        try:
            start.wait()
            return ratelimit.allow("uusi-avain", limit=threads, period=HOUR)
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        assert all(pool.map(first, range(threads)))
    assert RateLimitCounter.objects.get(key="uusi-avain").count == threads


# --- The correction form ----------------------------------------------------------------------


def correction_url(actor):
    return reverse("curation:actor_correction", kwargs={"slug": actor.slug})


def test_correction_form_answers_429_after_five_posts_with_a_finnish_page(client):
    url = correction_url(make_actor())
    for _ in range(5):
        assert client.post(url, VALID, REMOTE_ADDR="10.0.0.7").status_code == 302
    response = client.post(url, VALID, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    html = response.content.decode()
    assert '<html lang="fi">' in html and 'class="main-nav"' in html
    assert "Liian monta ehdotusta" in html and "minuutin kuluttua" in html
    assert 1 <= int(response["Retry-After"]) <= HOUR
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert CorrectionRequest.objects.count() == 5


def test_a_file_part_on_the_correction_form_gets_400_and_nothing_is_kept(client):
    url = correction_url(make_actor())
    upload = SimpleUploadedFile("liite.bin", b"\0" * (5 * 1024 * 1024))
    response = client.post(url, {**VALID, "liite": upload}, REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 400
    assert response.content.decode() == "Lomake ei ota vastaan tiedostoja."
    assert response["Content-Type"].startswith("text/plain")
    assert not CorrectionRequest.objects.exists()
    # Refused before the view: not even counted against the address.
    assert not RateLimitCounter.objects.exists()


def test_a_multipart_post_without_files_is_still_taken(client):
    # The test client sends multipart/form-data by default.
    response = client.post(correction_url(make_actor()), VALID)
    assert response.status_code == 302
    assert CorrectionRequest.objects.count() == 1


def test_a_file_part_does_not_skip_the_csrf_check_and_csrf_still_applies():
    url = correction_url(make_actor())
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post(url, VALID).status_code == 403
    upload = SimpleUploadedFile("liite.txt", b"x")
    assert csrf_client.post(url, {**VALID, "liite": upload}).status_code == 400
    # With the token, the form works as before.
    page = csrf_client.get(url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = csrf_client.post(url, {**VALID, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert CorrectionRequest.objects.count() == 1


def test_request_size_limits_are_set_explicitly(settings, client):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    # A form field larger than the limit: 400, nothing saved.
    big = {**VALID, "proposed_fix": "x" * (2 * 1024 * 1024)}
    url = correction_url(make_actor())
    assert client.post(url, big).status_code == 400
    body = urlencode(big)
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert not CorrectionRequest.objects.exists()


# --- Security headers where the header middleware never runs ----------------------------------


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_static_files_served_by_whitenoise_carry_the_security_headers(settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve static/ itself, collected or not
    for path in ("/static/css/site.css", "/static/favicon.svg"):
        response = Client().get(path)
        assert response.status_code == 200, path
        assert response.__class__.__module__.startswith("whitenoise"), path
        assert_security_headers(response)


@pytest.mark.parametrize("secure", [False, True])
def test_a_bad_host_gets_a_400_with_the_security_headers(settings, secure):
    # Production: over plain HTTP the SSL redirect asks for the host first, over HTTPS
    # CommonMiddleware does; both fail before the CSP and X-Frame-Options middleware.
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/", HTTP_HOST="pahantahtoinen.example", secure=secure)
    assert response.status_code == 400
    assert "Virheellinen pyyntö" in response.content.decode()
    assert_security_headers(response)


# --- Several processes ------------------------------------------------------------------------

CREATE = """
from actors.models import Actor, Municipality, Region
region = Region.objects.create(code="99", name_fi="Testimaa", name_sv="Testland", slug="testimaa")
town = Municipality.objects.create(
    code="999", name_fi="Testilä", name_sv="Testby", slug="testila", region=region
)
Actor.objects.create(
    name="Kansaneläkelaitos", slug="kela", kind="kela", municipality=town, status="published"
)
"""
COUNT = "from curation.models import CorrectionRequest; print(CorrectionRequest.objects.count())"
FORM = "/toimijat/kela/korjaus/"


def post_correction(address):
    """GET the form for its CSRF cookie and token, POST a correction; return the status."""
    host, port = address.rsplit(":", 1)
    connection_ = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection_.request("GET", FORM)
        page = connection_.getresponse()
        html = page.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie"))[1]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        connection_.request(
            "POST",
            FORM,
            urlencode({**VALID, "csrfmiddlewaretoken": token}),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
            },
        )
        response = connection_.getresponse()
        response.read()
        return response.status
    finally:
        connection_.close()


def test_two_gunicorn_workers_without_cache_url_let_five_corrections_through(tmp_path):
    """The failure of the review: with several workers and the file cache, 10 of 20 got
    through. Two workers on one SQLite file, 20 posts from one address at once: 5 pass."""
    from bench.load_check import PYTHON, ROOT, gunicorn, production_environment

    env = production_environment()
    env.pop("CACHE_URL", None)
    env.update(
        # As SQLite should run under several workers: a writing transaction takes the write
        # lock when it begins, so that the others wait for it (up to 20 s) rather than fail
        # with "database is locked" (a 503) when they read first and then write.
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}?transaction_mode=IMMEDIATE&timeout=20",
        CACHE_DIR=str(tmp_path / "cache"),
        TRUSTED_PROXY_COUNT="0",
    )

    def manage(*args):
        return subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
        ).stdout

    manage("migrate", "--noinput")
    manage("shell", "-c", CREATE)
    with gunicorn(env, workers=2, threads=2) as server, ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _n: post_correction(server.address), range(20)))
    assert sorted(statuses) == [302] * 5 + [429] * 15
    assert manage("shell", "-c", COUNT).decode().split()[-1] == "5"
