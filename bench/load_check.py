"""Load check: concurrent visitors against gunicorn + PostgreSQL while a curator saves edits.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/keko .venv/bin/python bench/load_check.py

Starts gunicorn on a free loopback port with production settings (DEBUG off), runs --clients
threads for --seconds over a mix of public URLs (lists with filters, searches, details, area
pages, the calendar and its feed, print pages and CSVs, an occasional PDF) while a curator
thread saves an actor every --curator-interval seconds through the ORM. Reports requests,
errors by status, latency percentiles and the slowest URL; exits 1 on any error.

Bounded and local: the server listens on 127.0.0.1 only, the run stops after --seconds or
--max-requests, and the database must be on this machine (the curator edits its data;
the edits are undone at the end).
"""

import argparse
import contextlib
import http.client
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import typing
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment():
    """Return the environment of a production server on loopback HTTP."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no TLS proxy in front.
        "SECURE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "keko.settings",
    }


def check_database_url():
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the check is meaningless on SQLite.")
    if parts.hostname not in LOCAL_HOSTS:
        sys.exit(f"Refusing a database on {parts.hostname}: run against a local database only.")


def manage(*args, env):
    subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


def prepare(env):
    """Migrate, seed if the database has no directory yet, and collect the static files."""
    manage("migrate", "--noinput", env=env)
    manage("seed", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)


class Server(typing.NamedTuple):
    address: str  # "127.0.0.1:port"
    pid: int  # gunicorn's master process


@contextlib.contextmanager
def gunicorn(env, *, workers=2, threads=4, timeout=60):
    """Run gunicorn on a free loopback port; yield its Server."""
    address = f"127.0.0.1:{free_port()}"
    log = tempfile.NamedTemporaryFile(prefix="keko-gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "keko.wsgi",
            "--bind",
            address,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            str(timeout),
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while status(address, "/healthz") != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield Server(address, process.pid)
    except BaseException:
        print(f"gunicorn's log: {log.name}", file=sys.stderr)
        raise
    else:
        os.unlink(log.name)
    finally:
        stop(process)


def stop(process):
    """Terminate `process`, and kill it if it has not ended within 15 s."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def region_sizes():
    """Return {region: its published, active actors} of the database (Django set up)."""
    from actors.models import Actor, Region

    return {
        region: Actor.objects.published().active().serving_regions([region]).count()
        for region in Region.objects.all()
    }


def fetch(address, path, data=None, timeout=15):
    """GET `path` (POST `data`, a dict, if given); return (status, headers, body bytes)."""
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        if data is None:
            connection.request("GET", path)
        else:
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            connection.request("POST", path, urlencode(data), headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def status(address, path, timeout=10):
    """Return the status of GET `path`, or None if the server did not answer."""
    try:
        return fetch(address, path, timeout=timeout)[0]
    except OSError:
        return None


def url_mix():
    """Return (weight, path) pairs over the public pages of the seeded directory."""
    from django.urls import reverse

    from actors.models import Actor, Municipality, Region, ServiceType
    from funding.models import FundingSource
    from glossary.models import Term
    from practices.models import Practice

    regions = list(Region.objects.values_list("slug", flat=True))
    towns = list(Municipality.objects.values_list("slug", flat=True)[:40])
    actors = list(Actor.objects.published().values_list("slug", flat=True)[:300])
    services = list(ServiceType.objects.values_list("slug", flat=True))
    mix = [
        (3, reverse("directory:home")),
        (2, reverse("directory:regions")),
        (2, reverse("funding:calendar")),
        (1, reverse("funding:calendar_ics")),
        (2, reverse("funding:list")),
        (2, reverse("practices:list")),
        (2, reverse("glossary:list")),
        (3, reverse("directory:actors")),
        (1, reverse("directory:actors") + "?page=2"),
    ]
    for slug in regions:
        mix += [
            (2, reverse("directory:region", args=[slug])),
            (1, reverse("directory:actors") + "?" + urlencode({"alue": slug, "tyyppi": "hanke"})),
            (1, reverse("directory:region_print", args=[slug])),
            (1, reverse("directory:region_csv", args=[slug]) + "?yhteystiedot=1"),
        ]
    mix += [(0.2, reverse("directory:region_print_pdf", args=[slug])) for slug in regions[:3]]
    mix += [(1, reverse("directory:municipality", args=[slug])) for slug in towns]
    mix += [(1, reverse("directory:actor", args=[slug])) for slug in actors]
    mix += [
        (1, reverse("directory:actors") + "?" + urlencode({"palvelu": slug})) for slug in services
    ]
    mix += [(1, source.get_absolute_url()) for source in FundingSource.objects.published()]
    mix += [(1, practice.get_absolute_url()) for practice in Practice.objects.published()]
    mix += [(0.5, term.get_absolute_url()) for term in Term.objects.published()]
    for text in ["työpaja", "järjestöjen", "nuoret", "Oulussa", "valmennus", "hanke"]:
        mix += [
            (1, reverse("directory:search") + "?" + urlencode({"q": text})),
            (1, reverse("directory:actors") + "?" + urlencode({"q": text, "voimassa": "0"})),
        ]
    return mix


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = []
        self.statuses = Counter()
        self.slowest = (0.0, "")

    def add(self, path, status, seconds):
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] += 1
            if seconds > self.slowest[0]:
                self.slowest = (seconds, path)


def visitor(address, mix, results, stop, budget):
    """Request random pages over one keep-alive connection until told to stop."""
    host, port = address.rsplit(":", 1)
    weights = [weight for weight, _ in mix]
    paths = [path for _, path in mix]
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    while not stop.is_set() and next(budget, None) is not None:
        path = random.choices(paths, weights)[0]
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers={"Accept-Language": "fi"})
            response = connection.getresponse()
            response.read()
            code = response.status
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            code = type(error).__name__
            connection.close()
        results.add(path, code, time.perf_counter() - started)
    connection.close()


def curator(interval, stop, saves, errors):
    """Save an edit to a random published actor every `interval` seconds, as a curator would.

    Returns {pk: original description} so that the edits can be undone.
    """
    from django.db import close_old_connections, transaction

    from actors.models import Actor

    originals = {}
    pks = list(Actor.objects.published().values_list("pk", flat=True))
    while not stop.wait(interval):
        pk = random.choice(pks)
        try:
            with transaction.atomic():
                actor = Actor.objects.select_for_update().get(pk=pk)
                originals.setdefault(pk, actor.description)
                actor.description = f"{originals[pk]} (muokattu {time.strftime('%H:%M:%S')})"
                actor.full_clean()
                actor.save()
            saves.append(pk)
        except Exception as error:  # noqa: BLE001 - every failure is reported
            errors.append(repr(error))
        close_old_connections()
    return originals


def undo(originals):
    from actors.models import Actor

    for pk, description in originals.items():
        actor = Actor.objects.get(pk=pk)
        actor.description = description
        actor.save()


def percentile(values, fraction):
    return statistics.quantiles(values, n=100)[round(fraction * 100) - 1] if len(values) > 1 else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument("--max-requests", type=int, default=500_000)
    parser.add_argument("--curator-interval", type=float, default=0.5)
    parser.add_argument("--no-prepare", action="store_true", help="skip migrate/seed/collectstatic")
    args = parser.parse_args()
    check_database_url()
    env = production_environment()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    if not args.no_prepare:
        prepare(env)

    import django

    django.setup()
    mix = url_mix()
    results, stop = Results(), threading.Event()
    saves, curator_errors, originals = [], [], {}
    budget = iter(range(args.max_requests))
    with gunicorn(env, workers=args.workers, threads=args.threads) as server:
        address = server.address
        print(
            f"gunicorn on http://{address} ({args.workers} workers × {args.threads} threads), "
            f"{args.clients} clients for {args.seconds:g} s over {len(mix)} URLs"
        )
        editor = threading.Thread(
            target=lambda: originals.update(
                curator(args.curator_interval, stop, saves, curator_errors)
            )
        )
        clients = [
            threading.Thread(target=visitor, args=(address, mix, results, stop, budget))
            for _ in range(args.clients)
        ]
        started = time.monotonic()
        for thread in [editor, *clients]:
            thread.start()
        stop.wait(args.seconds)
        stop.set()
        for thread in [editor, *clients]:
            thread.join()
        elapsed = time.monotonic() - started
    undo(originals)

    latencies = results.latencies
    errors = {code: n for code, n in results.statuses.items() if code != 200}
    print(f"requests:  {len(latencies)} in {elapsed:.1f} s ({len(latencies) / elapsed:.0f}/s)")
    print(f"statuses:  {dict(results.statuses)}")
    print(f"errors:    {sum(errors.values())} {errors or ''}")
    print(
        f"latency:   p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
    print(f"slowest:   {results.slowest[1]} ({results.slowest[0] * 1000:.0f} ms)")
    print(
        f"curator:   {len(saves)} saves, {len(curator_errors)} errors "
        f"{curator_errors[:3] if curator_errors else ''}"
    )
    return 1 if errors or curator_errors else 0


if __name__ == "__main__":
    sys.exit(main())
