"""The default cache is correct with several processes: two gunicorn workers without
CACHE_URL, an edit through a management command and through one worker, and every request
afterwards shows the change."""

import subprocess

import pytest

from bench.load_check import PYTHON, ROOT, fetch, gunicorn, production_environment

ACTOR = "/toimijat/kela/"
REQUESTS = 12  # enough that both workers answer some, before and after each edit

CREATE = """
from actors.models import Actor, Municipality, Region
region = Region.objects.create(code="99", name_fi="Testimaa", name_sv="Testland", slug="testimaa")
town = Municipality.objects.create(
    code="999", name_fi="Testilä", name_sv="Testby", slug="testila", region=region
)
Actor.objects.create(
    name="Kansaneläkelaitos", slug="kela", kind="kela", municipality=town,
    status="published",
)
"""
RENAME = (
    "from actors.models import Actor; a = Actor.objects.get(slug='kela'); a.name = '{}'; a.save()"
)


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def names_served(server, name):
    bodies = [fetch(server.address, ACTOR)[2].decode() for _ in range(REQUESTS)]
    return [name in body for body in bodies]


@pytest.fixture
def site(tmp_path):
    env = production_environment()
    env.pop("CACHE_URL", None)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CACHE_DIR=str(tmp_path / "cache"),
        # The benchmark's settings: the production ones plus an edit hook (bench/urls.py).
        DJANGO_SETTINGS_MODULE="bench.settings",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", CREATE)
    return env


def test_two_workers_without_cache_url_serve_no_stale_page(site):
    with gunicorn(site, workers=2, threads=1) as server:
        assert all(names_served(server, "Kansaneläkelaitos"))

        manage(site, "shell", "-c", RENAME.format("Kela (komento)"))
        assert all(names_served(server, "Kela (komento)"))

        status, _headers, body = fetch(server.address, "/bench/edit/kela/", {"name": "Kela (työ)"})
        assert (status, body) == (200, b"ok")
        assert all(names_served(server, "Kela (työ)"))
