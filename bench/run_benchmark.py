"""Load N actors into PostgreSQL, serve the site with gunicorn and measure it with wrk.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/keko_bench
    .venv/bin/python bench/run_benchmark.py [--actors 100000] [--skip-load] [--duration 10]

Needs PostgreSQL (DATABASE_URL; SQLite is refused), Debian's `wrk` and `redis-server`. Every
step runs with DJANGO_SETTINGS_MODULE=bench.settings, which installs the bench app (its
seed_synthetic command) and its URLs: migrate, seed, seed_synthetic up to --actors (skipped with
--skip-load), collectstatic; start one redis-server and two gunicorn instances (sharing that
Redis as the cache) on free loopback ports; then

1. per URL, 1 connection for p50/p95/p99 latency and --connections for requests per second,
   on instance A, with the minimal one-query view and a whitenoise static file as baselines;
2. the multi-instance check: an edit saved through instance A is seen through instance B;
3. gunicorn workers' peak memory (VmRSS) during the run;
4. the region PDF: a region with about 2 000 actors and the largest region.

Everything started is stopped at the end. A benchmark, not a test: it prints figures.
"""

import argparse
import contextlib
import datetime
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LUA = str(Path(__file__).with_name("latency.lua"))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_check import (  # noqa: E402
    fetch,
    free_port,
    gunicorn,
    manage,
    production_environment,
    region_sizes,
    stop,
)

SEARCH_WORD = "työttömien"  # genitive plural: indexed names say "työttömät"


def child_pids(master):
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def rss_mib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RssSampler(threading.Thread):
    """Record the largest VmRSS of any worker of the given gunicorn masters, and of any
    process the workers start (the PDF renderers of keko.pdf and their fork server)."""

    def __init__(self, masters):
        super().__init__(daemon=True)
        self.masters = masters
        self.peak = 0.0
        self.renderer_peak = 0.0
        self.running = True

    def run(self):
        while self.running:
            for master in self.masters:
                for pid in child_pids(master):
                    self.peak = max(self.peak, rss_mib(pid))
                    for child in descendants(pid):
                        self.renderer_peak = max(self.renderer_peak, rss_mib(child))
            time.sleep(0.1)


def descendants(pid):
    children = child_pids(pid)
    return children + [grandchild for child in children for grandchild in descendants(child)]


def wrk(url, connections, duration):
    """Return (requests per second, errors, p50, p95, p99 in ms) of one wrk run."""
    threads = min(connections, 2)
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "-s", LUA, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"^RESULT (\d+) ([\d.]+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+)$", output, re.M)
    if not match:
        raise SystemExit(f"wrk printed no result for {url}:\n{output}")
    requests, seconds, errors, p50, p95, p99 = match.groups()
    return int(requests) / float(seconds), int(errors), float(p50), float(p95), float(p99)


def setup_django(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def pick_urls():
    """Return the benchmark's pages and the regions for the PDF, from the loaded data."""
    from actors.models import Actor, ActorKind, TypicalService

    counts = region_sizes()
    largest = max(counts, key=counts.get)
    near_2000 = min(counts, key=lambda r: abs(counts[r] - 2000))
    service = (
        TypicalService.objects.filter(kind=ActorKind.ASSOCIATION)
        .select_related("service")
        .order_by("service__slug")
        .first()
    )
    actor = (
        Actor.objects.published()
        .filter(slug__startswith="synth-", kind=ActorKind.NETWORK)
        .order_by("pk")
        .first()
    ) or Actor.objects.published().order_by("pk").first()
    three_filters = urllib.parse.urlencode(
        {
            "alue": largest.slug,
            "tyyppi": ActorKind.ASSOCIATION.url_slug,
            "palvelu": service.service.slug,
        }
    )
    q = urllib.parse.urlencode({"q": SEARCH_WORD})
    pages = [
        ("minimal one-query view (baseline)", "/bench/minimal/"),
        ("static file via whitenoise (baseline)", "/static/css/site.css"),
        ("home", "/"),
        (f"region page ({largest.slug}, {counts[largest]} actors)", largest.get_absolute_url()),
        ("/toimijat/ with three filters", f"/toimijat/?{three_filters}"),
        (f"/toimijat/?q={SEARCH_WORD}", f"/toimijat/?{q}"),
        ("/toimijat/ page 1000 (deep pagination)", "/toimijat/?page=1000"),
        ("actor page (a network)", actor.get_absolute_url()),
        (f"/haku/?q={SEARCH_WORD}", f"/haku/?{q}"),
        ("calendar feed (.ics)", "/rahoitus/kalenteri.ics"),
    ]
    return pages, actor, (largest, counts[largest]), (near_2000, counts[near_2000])


def machine():
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"{os.cpu_count()} CPU ({cpu}), {int(memory) / 1024 / 1024:.1f} GiB RAM, "
        f"PostgreSQL {pg}, Python {platform.python_version()}, {platform.platform()}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=100_000, help="synthetic actors to load")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-load", action="store_true", help="use the database as it is")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8, help="for the throughput runs")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--pdf-timeout", type=int, default=180, help="seconds per PDF request")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (SQLite is not measured).")
    for tool in ("wrk", "redis-server"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install -y wrk redis-server")

    redis_port = free_port()
    env = {
        **production_environment(),
        # The bench app (seed_synthetic, the baseline and edit views) exists only here.
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_COOKIES": "0",
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    # Stop what was started on Ctrl-C and on `kill` alike: SIGTERM unwinds the stack too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with contextlib.ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="keko-bench-"))
        redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                workdir,
            ],
            stdout=subprocess.DEVNULL,
        )
        stack.callback(stop, redis)
        started = time.monotonic()
        if not args.skip_load:
            manage("migrate", "--no-input", "-v0", env=env)
            manage("seed", env=env)
            manage(
                "seed_synthetic", "--actors", str(args.actors), "--seed", str(args.seed), env=env
            )
            subprocess.run(
                [
                    PYTHON,
                    "-c",
                    "import django; django.setup(); from django.db import connection;"
                    " connection.cursor().execute('VACUUM ANALYZE')",
                ],
                cwd=ROOT,
                env=env,
                check=True,
            )
            print(f"Loaded in {time.monotonic() - started:.0f} s.", flush=True)
        manage("collectstatic", "--no-input", "-v0", env=env)

        servers = [
            stack.enter_context(
                gunicorn(env, workers=args.workers, threads=1, timeout=args.pdf_timeout + 30)
            )
            for _instance in ("A", "B")
        ]
        a, b = (server.address for server in servers)

        setup_django(env)
        from actors.models import Actor

        info = machine()
        actor_count = Actor.objects.count()
        pages, actor, largest, near_2000 = pick_urls()
        sampler = RssSampler([server.pid for server in servers])
        sampler.start()

        print(f"\n{datetime.date.today().isoformat()}, {info}")
        print(
            f"{actor_count} actors; gunicorn {args.workers} workers; wrk {args.duration} s "
            f"per run; latency with 1 connection, throughput with {args.connections}.\n"
        )
        print(
            f"| page | req/s ({args.connections} conns) | vs minimal | p50 ms | p95 ms "
            "| p99 ms | errors |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        minimal = None
        for label, path in pages:
            url = f"http://{a}{path}"
            status = fetch(a, path)[0]  # fills caches, fails early on an error page
            assert status == 200, (url, status)
            _rps, errors1, p50, p95, p99 = wrk(url, 1, args.duration)
            rps, errors8, *_ = wrk(url, args.connections, args.duration)
            minimal = minimal or rps
            print(
                f"| {label} | {rps:.0f} | {rps / minimal:.2f} | {p50:.1f} | {p95:.1f} "
                f"| {p99:.1f} | {errors1 + errors8} |",
                flush=True,
            )
        pages_peak = sampler.peak

        # The table measures warm caches (repeated requests of one URL). The first request
        # after an edit renders the page from the database: measure that too.
        from keko.cache import bump_directory_version

        print("\nCold pages: the first request after an edit moved the directory version on")
        print("(5 rounds, instance A):\n")
        print("| page | median ms | max ms |")
        print("| --- | ---: | ---: |")
        for label, path in pages[2:]:
            times = []
            for _round in range(5):
                bump_directory_version()
                begin = time.perf_counter()
                fetch(a, path)
                times.append((time.perf_counter() - begin) * 1000)
            print(f"| {label} | {statistics.median(times):.1f} | {max(times):.1f} |", flush=True)

        print("\nMulti-instance check (one Redis, two gunicorn instances):")
        home_figure = re.compile(rb"<strong>(\d+)</strong> toimija")
        before = int(home_figure.search(fetch(b, "/")[2]).group(1))
        new_name = f"Nimi muutettu {secrets.token_hex(3)}"
        fetch(a, f"/bench/edit/{actor.slug}/", {"name": new_name, "status": "draft"})
        after_b = int(home_figure.search(fetch(b, "/")[2]).group(1))
        print(
            f"  home page via B: {before} actors before, {after_b} after unpublishing one "
            f"through A -> {'OK' if after_b == before - 1 else 'STALE'}"
        )
        fetch(a, f"/bench/edit/{actor.slug}/", {"status": "published"})
        page_b = fetch(b, actor.get_absolute_url())[2].decode()
        print(
            f"  actor page via B after renaming through A: "
            f"{'OK' if new_name in page_b else 'STALE'} ({new_name!r})"
        )
        region_b = fetch(b, largest[0].get_absolute_url())[2].decode()
        print(
            f"  region page via B lists the new name among its first entries or counts: "
            f"{'yes' if new_name in region_b else 'not among the first five (expected)'}"
        )
        after_again = int(home_figure.search(fetch(b, "/")[2]).group(1))
        print(
            f"  home page via B after republishing through A: {after_again} -> "
            f"{'OK' if after_again == before else 'STALE'}"
        )

        print("\nRegion PDF (one request each, instance A):")
        for region, count in (near_2000, largest):
            path = f"{region.get_absolute_url()}tulosta.pdf?yhteystiedot=1&tarkistuslista=1"
            begin = time.monotonic()
            try:
                status, _headers, body = fetch(a, path, timeout=args.pdf_timeout)
            except OSError as error:
                print(f"  {region.slug} ({count} actors): no answer ({error})", flush=True)
                continue
            took = time.monotonic() - begin
            if status == 400:
                # Over the print cap (directory.print_rendering.MAX_PRINTED_ACTORS): the print page
                # asks to narrow the selection instead of laying out thousands of pages.
                print(
                    f"  {region.slug} ({count} actors): HTTP 400 in {took:.1f} s "
                    "(selection over the print cap)",
                    flush=True,
                )
            else:
                print(
                    f"  {region.slug} ({count} actors): {took:.1f} s, "
                    f"{len(body) / 1024 / 1024:.1f} MiB, HTTP {status}",
                    flush=True,
                )
        sampler.running = False
        print(
            f"\ngunicorn worker peak VmRSS: {pages_peak:.0f} MiB during the page runs, "
            f"{sampler.peak:.0f} MiB including the PDFs; a PDF renderer process (keko.pdf) "
            f"peaked at {sampler.renderer_peak:.0f} MiB."
        )


if __name__ == "__main__":
    main()
