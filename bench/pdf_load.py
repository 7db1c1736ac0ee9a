"""PDF load: twenty visitors ask at once for PDFs of different large selections.

    DATABASE_URL=postgres://postgres@127.0.0.1:55432/keko .venv/bin/python bench/pdf_load.py

Starts gunicorn (2 workers × 4 threads, production settings) and one task worker
(`manage.py db_worker`, at idle CPU priority as docs/deployment.md runs it) on a local
PostgreSQL,
creates a synthetic region of --actors actors
(removed at the end), then:

1. idle: --probes sequential GETs of the home page, for its p95;
2. load: --visitors threads, each from an address of its own (X-Forwarded-For behind one
   trusted proxy), ask for a different selection of the region as a PDF and follow the
   "PDF valmistuu" page every 3 s (as its refresh does) until they get the PDF or a 429,
   while one thread keeps measuring the home page;
3. stops gunicorn and the worker and looks for any process they started that is still alive.

Prints each visitor's outcome, the home page's p50/p95 idle and under load, and the orphans.
Exits 1 if a PDF request ended otherwise than with a PDF or a 429, or a process was left.
"""

import argparse
import http.client
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_check import (  # noqa: E402
    PYTHON,
    check_database_url,
    gunicorn,
    percentile,
    prepare,
    production_environment,
    stop,
)
from keko.pdf import lower_priority  # noqa: E402

REGION_SLUG = "bench-pdf-kuorma"
REFRESH_SECONDS = 3


def get(address, path, headers=None, timeout=60):
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def create_region(count):
    """Create a published region of `count` actors of every kind (Django set up)."""
    from actors.models import Actor, ActorKind, Municipality, Region, ServiceType
    from keko.models import Status

    region = Region.objects.create(
        code="zy", name_fi="Kuormamaakunta", name_sv="Kuormalandskap", slug=REGION_SLUG
    )
    towns = [
        Municipality.objects.create(
            code=f"y{n:02d}",
            name_fi=f"Kuormakunta {n}",
            name_sv=f"Kuormakommun {n}",
            slug=f"{REGION_SLUG}-{n}",
            region=region,
        )
        for n in range(10)
    ]
    kinds = list(ActorKind)
    Actor.objects.bulk_create(
        Actor(
            name=f"Kuormatoimija {n:04d} – työllisyyttä edistävä yhdistys ry",
            slug=f"{REGION_SLUG}-toimija-{n}",
            kind=kinds[n % len(kinds)],
            status=Status.PUBLISHED,
            municipality=towns[n % len(towns)],
            email=f"toimisto{n}@esimerkki.fi",
            phone=f"040 123 {n:04d}",
            website=f"https://www.esimerkki.fi/toimija-{n}/",
            description="Synteettinen toimija kuormamittausta varten.",
        )
        for n in range(count)
    )
    services = list(ServiceType.objects.all()[:4])
    Through = Actor.services.through
    Through.objects.bulk_create(
        Through(actor_id=actor_id, servicetype_id=service.pk)
        for n, actor_id in enumerate(
            Actor.objects.filter(slug__startswith=f"{REGION_SLUG}-toimija-").values_list(
                "pk", flat=True
            )
        )
        for service in services[: n % 3]
    )
    return kinds


def remove_region():
    from actors.models import Actor, Municipality, Region

    Actor.objects.filter(slug__startswith=f"{REGION_SLUG}-toimija-").delete()
    Municipality.objects.filter(region__slug=REGION_SLUG).delete()
    Region.objects.filter(slug=REGION_SLUG).delete()


def selections(kinds, count):
    """`count` different selections: four kinds each, with and without contacts."""
    queries = []
    for n in range(count):
        chosen = [kinds[(n + step) % len(kinds)] for step in range(4)]
        query = "&".join(f"tyyppi={kind.url_slug}" for kind in chosen)
        queries.append(query + ("&yhteystiedot=1" if n % 2 else ""))
    return queries


def descendants(pids):
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            table[int(entry)] = (int(fields[1]), fields[0])
    found, frontier = set(), set(pids)
    while frontier:
        frontier = {pid for pid, (parent, _state) in table.items() if parent in frontier}
        found |= frontier
    return found


def alive(pids):
    living = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] != "Z":
                    living.add(pid)
        except OSError:
            pass
    return living


def visitor(address, path, number, outcomes):
    headers = {"X-Forwarded-For": f"198.51.100.{number + 1}"}
    began = time.monotonic()
    polls = 0
    while True:
        status, content_type, body = get(address, path, headers)
        polls += 1
        if status != 202:
            break
        time.sleep(REFRESH_SECONDS)
    outcomes[number] = (status, content_type, len(body), time.monotonic() - began, polls)


def probe(address, stop_event, latencies, pause=0.1):
    while not stop_event.is_set():
        began = time.monotonic()
        status, _type, _body = get(address, "/")
        if status == 200:
            latencies.append(time.monotonic() - began)
        time.sleep(pause)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visitors", type=int, default=20)
    parser.add_argument("--actors", type=int, default=2000)
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--no-prepare", action="store_true")
    args = parser.parse_args()
    check_database_url()
    env = production_environment()
    env["TRUSTED_PROXY_COUNT"] = "1"
    if not args.no_prepare:
        prepare(env)

    os.environ.update(env)
    import django

    django.setup()
    remove_region()
    kinds = create_region(args.actors)
    from django.core.cache import cache

    cache.clear()
    queries = selections(kinds, args.visitors)
    # As docs/deployment.md runs it: at idle CPU priority (CPUSchedulingPolicy=idle), beside
    # gunicorn.
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "-v", "0"],
        cwd=ROOT,
        env=env,
        preexec_fn=lower_priority,
    )
    started = set()
    try:
        with gunicorn(env, workers=2, threads=4, timeout=30) as server:
            address = server.address
            get(address, "/")  # warm
            idle = []
            for _ in range(args.probes):
                began = time.monotonic()
                get(address, "/")
                idle.append(time.monotonic() - began)

            outcomes, loaded, stop_event = {}, [], threading.Event()
            prober = threading.Thread(target=probe, args=(address, stop_event, loaded))
            prober.start()
            threads = [
                threading.Thread(
                    target=visitor,
                    args=(address, f"/alueet/{REGION_SLUG}/tulosta.pdf?{query}", n, outcomes),
                )
                for n, query in enumerate(queries)
            ]
            began = time.monotonic()
            for thread in threads:
                thread.start()
            while any(thread.is_alive() for thread in threads):
                started |= descendants([server.pid, worker.pid])
                time.sleep(0.5)
            took = time.monotonic() - began
            stop_event.set()
            prober.join()
    finally:
        started |= descendants([worker.pid])
        stop(worker)
        remove_region()
    time.sleep(2)
    left = alive(started)

    print(f"{args.visitors} visitors, each a different selection of a {args.actors}-actor region")
    print(f"{'visitor':>8} {'status':>6} {'kind':<16} {'KiB':>6} {'seconds':>8} {'polls':>6}")
    delivered = refused = 0
    for number in sorted(outcomes):
        status, content_type, size, seconds, polls = outcomes[number]
        delivered += status == 200 and content_type == "application/pdf"
        refused += status == 429
        print(
            f"{number:>8} {status:>6} {content_type.split(';')[0]:<16} {size / 1024:>6.0f} "
            f"{seconds:>8.1f} {polls:>6}"
        )
    idle_p95, load_p95 = percentile(idle, 0.95), percentile(loaded, 0.95)
    print(f"\nall PDFs answered in {took:.1f} s: {delivered} delivered, {refused} refused (429)")
    print(
        f"home page idle:       p50 {percentile(idle, 0.5) * 1000:.1f} ms, "
        f"p95 {idle_p95 * 1000:.1f} ms ({len(idle)} requests)"
    )
    print(
        f"home page under load: p50 {percentile(loaded, 0.5) * 1000:.1f} ms, "
        f"p95 {load_p95 * 1000:.1f} ms ({len(loaded)} requests) = {load_p95 / idle_p95:.2f}× idle"
    )
    print(f"processes started during the run: {len(started)}; still alive after stop: {len(left)}")
    if delivered + refused != args.visitors or left:
        sys.exit(1)


if __name__ == "__main__":
    main()
