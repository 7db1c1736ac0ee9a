"""The visitors' mix: ~400 distinct public URLs, each asked once, cold, then again, warm.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/keko_bench
    .venv/bin/python bench/mix.py [--actors 100000] [--skip-load]

Needs PostgreSQL (DATABASE_URL; SQLite is refused). With DJANGO_SETTINGS_MODULE=bench.settings:
migrate, seed, seed_synthetic up to --actors, VACUUM (the facet table's FULL) and a checkpoint
(skipped with --skip-load), ANALYZE, collectstatic; start gunicorn (2 workers, no CACHE_URL:
the default shared file cache, in var/mix-cache unless CACHE_DIR names another folder,
emptied first) on a free loopback port;
then draw, with a fixed seed, every region page, 40 municipality pages, 120 actor pages,
120 actor lists with 1-3 filters on pages 1-3, 30 Finnish search words (inflected forms and
typos among them) on both search pages and 12 print pages, and

1. **cold**: ask each URL once, one client, in a shuffled order, while a curator's edit of a
   published actor lands every 40 requests (each edit makes the pages it touches cold again);
2. **warm**: ask the same URLs twice more with no edits in between, and measure the second
   time (the cold pass's edits left most of what it stored stale);
3. **after one edit**: one curator's edit of an actor, then each URL once more: the pages
   that edit turned cold (its areas', the lists and searches) and those it left cached
   (the other areas');
4. **after an edit of what the facets count**: an actor's kind changed, then two lists, for
   an active actor neither funded nor national, a funded one and a national one (the first
   list after such an edit counts every actor's facets again);

and, before the cold pass, the print pages of the two regions whose whole print is nearest
2 000 entries, each layout once;

beside 50 requests of the minimal one-query view (/bench/minimal/) in the same run. Before
the cold pass, each worker process serves one page of every kind, drawn with another seed,
and the cache is emptied again: a worker's first page (its imports, compiled templates, its
database connection's catalogue) is a cost of starting the process, not of a cold page. Prints
p50/p95/max per kind of page and overall, and the ratio to the minimal view's p50.
A benchmark, not a test: it prints figures.
"""

import argparse
import os
import random
import statistics
import sys
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from load_check import (  # noqa: E402
    check_database_url,
    fetch,
    gunicorn,
    manage,
    production_environment,
)

EDIT_EVERY = 40
# The cache folder of the mix's server (main()).
MIX_CACHE = ROOT / "var" / "mix-cache"
SEED = 2026
# Inflected forms, compounds and typos a visitor types.
SEARCH_WORDS = [
    "työllisyys", "työllisyyspalvelut", "tyollisyys", "nuoret", "nuorten", "nuorille",
    "maahanmuuttajat", "maahanmuuttajille", "maahanmuutajat", "osatyökykyiset",
    "osatyökykyisten", "kuntoutus", "kuntouttava", "työpaja", "työpajoissa", "järjestö",
    "järjestöjen", "säätiö", "säätiön", "valmennus", "työhönvalmennus", "työvalmentaja",
    "yhdistys", "yhdistyksen", "Helsinki", "Helsingissä", "Oulussa", "Tampereella",
    "työttömien", "palkkatuki",
]  # fmt: skip


def percentile(values, fraction):
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def draw_urls(rng):
    """Return [(kind, path)] of the mix, from the loaded data (Django set up)."""
    from actors.models import Actor, ActorKind, Municipality, Region, ServiceType, TargetGroup

    regions = list(Region.objects.order_by("slug"))
    municipalities = list(Municipality.objects.order_by("slug"))
    actor_ids = list(Actor.objects.published().values_list("pk", flat=True))
    actors = Actor.objects.filter(pk__in=rng.sample(actor_ids, min(120, len(actor_ids))))
    services = list(ServiceType.objects.values_list("slug", flat=True))
    groups = list(TargetGroup.objects.values_list("slug", flat=True))
    kinds = [kind.url_slug for kind in ActorKind]

    urls = [("region page", region.get_absolute_url()) for region in regions]
    urls += [
        ("municipality page", municipality.get_absolute_url())
        for municipality in rng.sample(municipalities, min(40, len(municipalities)))
    ]
    urls += [("actor page", actor.get_absolute_url()) for actor in actors]
    choices = {
        "alue": lambda: rng.choice(regions).slug,
        "kunta": lambda: rng.choice(municipalities).slug,
        "tyyppi": lambda: rng.choice(kinds),
        "palvelu": lambda: rng.choice(services),
        "kohderyhma": lambda: rng.choice(groups),
    }
    lists = set()
    while len(lists) < 120:
        names = rng.sample(sorted(choices), rng.randint(1, 3))
        query = {name: choices[name]() for name in names}
        page = rng.randint(1, 3)
        if page > 1:
            query["page"] = page
        lists.add(urllib.parse.urlencode(sorted(query.items())))
    urls += [("list, 1-3 filters, pages 1-3", f"/toimijat/?{query}") for query in sorted(lists)]
    for word in SEARCH_WORDS:
        q = urllib.parse.urlencode({"q": word})
        urls += [("/toimijat/?q=", f"/toimijat/?{q}"), ("/haku/?q=", f"/haku/?{q}")]
    # A region of 100 000 actors is past the print cap (2 500): one kind of it, as an
    # organiser narrows it.
    for region in rng.sample(regions, min(6, len(regions))):
        kind = urllib.parse.urlencode({"tyyppi": rng.choice(kinds)})
        urls.append(("print page of an area", f"{region.get_absolute_url()}tulosta/?{kind}"))
    for municipality in rng.sample(municipalities, min(6, len(municipalities))):
        kind = urllib.parse.urlencode({"tyyppi": rng.choice(kinds)})
        path = f"{municipality.get_absolute_url()}tulosta/?{kind}"
        urls.append(("print page of an area", path))
    for _ in range(10):
        page = rng.randint(1, 200)
        path = f"/api/hsds/services?per_page=50&page={page}"
        urls.append(("/api/hsds/services?per_page=50", path))
    rng.shuffle(urls)
    return urls


def warm_workers(address, workers):
    """Let each of the `workers` processes serve one page of every kind (from another draw
    than the measured one), asking `workers` at once so that every process answers some."""
    from concurrent.futures import ThreadPoolExecutor

    first_of_kind = {}
    for kind, path in draw_urls(random.Random(SEED + 1)):
        first_of_kind.setdefault(kind, path)
    with ThreadPoolExecutor(workers) as pool:
        for path in first_of_kind.values():
            for _ in range(2):
                list(pool.map(ask, [address] * workers, [path] * workers))


def curator_edit(rng, actor_ids):
    """Save one published actor through the ORM, as the admin does (signals fire)."""
    from actors.models import Actor

    actor = Actor.objects.get(pk=rng.choice(actor_ids))
    actor.description = f"{actor.description.rstrip()} "[:2000]
    actor.save()


def ask(address, path):
    began = time.monotonic()
    status, _headers, _body = fetch(address, path, timeout=120)
    return status, (time.monotonic() - began) * 1000


# The lists asked after each edit of an actor's kind: every actor's counts, and one option's.
FACET_EDIT_LISTS = ("/toimijat/", "/toimijat/?alue=lappi&tyyppi=yhdistys")


def facet_edits(address, rounds=4):
    """Change the kind of each of three published actors (active today and neither funded
    nor national; a funded one active today; a national one) `rounds` times, back and forth,
    each time asking FACET_EDIT_LISTS; return {which actor: [(ms of each list)]}."""
    from actors.models import Actor, ActorKind
    from funding.models import ProjectFunding

    funded = ProjectFunding.objects.values("project_id")
    active = Actor.objects.published().active().filter(is_national=False).order_by("pk")
    edited = {
        "active, neither funded nor national": active.exclude(pk__in=funded).first(),
        "a funded project, active": active.filter(pk__in=funded).first(),
        "a national actor": Actor.objects.published().filter(is_national=True).first(),
    }
    times = defaultdict(list)
    for which, actor in edited.items():
        kind = actor.kind
        for number in range(rounds):
            actor.kind = kind if number % 2 else ActorKind.OTHER
            actor.save()
            times[which].append([ask(address, path)[1] for path in FACET_EDIT_LISTS])
        actor.kind = kind
        actor.save()
    return times


def run(address, urls, *, edits, rng, slowest=None):
    """Ask every URL once; return {kind: [ms]} and the statuses that were not 200. Each
    (ms, kind, path) is added to `slowest`, a list, if given."""
    from actors.models import Actor

    actor_ids = list(Actor.objects.published().values_list("pk", flat=True)[:5000])
    times, errors = defaultdict(list), []
    for number, (kind, path) in enumerate(urls, start=1):
        if edits and number % EDIT_EVERY == 0:
            curator_edit(rng, actor_ids)
        status, ms = ask(address, path)
        if status != 200:
            errors.append((status, path))
        times[kind].append(ms)
        if slowest is not None:
            slowest.append((ms, kind, path))
    return times, errors


def whole_region_prints(address, near=2000):
    """Ask the print page of each of the two regions whose whole print (every active actor,
    the national ones too) is nearest `near` entries under the cap, once in each layout;
    return [(region name, entries, layout, HTTP status, ms)]. Asked before the mix, so that
    neither the pages nor the entries' QR codes (kept by each worker process) were made
    before."""
    from actors.models import Actor, Region
    from directory.print_rendering import MAX_PRINTED_ACTORS

    published = Actor.objects.published().active()
    counts = {
        region: published.serving_regions([region], national=True).count()
        for region in Region.objects.order_by("slug")
    }
    printable = [region for region in counts if counts[region] <= MAX_PRINTED_ACTORS]
    printable.sort(key=lambda region: abs(counts[region] - near))
    asked = []
    for region in printable[:2]:
        for layout in ("taysi", "tiivis"):
            path = f"{region.get_absolute_url()}tulosta/?asettelu={layout}"
            status, ms = ask(address, path)
            asked.append((region.name, counts[region], layout, status, ms))
    return asked


def table(title, times, minimal_p50):
    print(f"\n{title}")
    print("| kind of page | URLs | p50 ms | p95 ms | max ms | p50 ÷ minimal |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    every = []
    for kind in sorted(times):
        values = times[kind]
        every += values
        print(
            f"| {kind} | {len(values)} | {percentile(values, 0.5):.1f} | "
            f"{percentile(values, 0.95):.1f} | {max(values):.1f} | "
            f"{percentile(values, 0.5) / minimal_p50:.1f}× |"
        )
    p95 = percentile(every, 0.95)
    print(
        f"| **all** | {len(every)} | {percentile(every, 0.5):.1f} | **{p95:.1f}** | "
        f"{max(every):.1f} | p95 = {p95 / minimal_p50:.1f}× |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actors", type=int, default=100_000)
    parser.add_argument("--skip-load", action="store_true", help="use the database as it is")
    args = parser.parse_args()
    check_database_url()
    env = {**production_environment(), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    # A cache folder of the runs' own, emptied at the start (cache.clear()), so that a
    # development server's cache (var/cache) is left alone; kept from run to run, as a
    # server's is. A folder made new for each run is measured where the disk puts it: here
    # each file created in one new under /tmp took 0.8 ms, in one long in use 0.03-0.05 ms
    # (on an earlier day the other way round), 2-5 ms of a cold page that stores a few.
    env.setdefault("CACHE_DIR", str(MIX_CACHE))
    Path(env["CACHE_DIR"]).mkdir(parents=True, exist_ok=True)
    measure(args, env)


def measure(args, env):
    if not args.skip_load:
        manage("migrate", "--noinput", env=env)
        manage("seed", env=env)
        manage("seed_synthetic", "--actors", str(args.actors), env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)

    os.environ.update(env)
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection

    from actors.models import Actor

    # After a load, VACUUM too: a freshly loaded table has no visibility map yet, so every
    # index-only scan would read the table as well, which a database in service
    # (autovacuum) does not; and a checkpoint, so that the pages it wrote are not flushed
    # while the pages are measured.
    with connection.cursor() as cursor:
        if args.skip_load:
            cursor.execute("ANALYZE")
        else:
            # The facet table compacted, as after any bulk import (docs/deployment.md): the
            # load rewrote each actor's row once for each of its links' statements.
            cursor.execute("VACUUM FULL actors_actorfacets")
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        # Whether the database fits in PostgreSQL's own buffers: a page read from the
        # system's file cache instead costs each query a few microseconds more.
        cursor.execute(
            "SELECT current_setting('shared_buffers'), pg_database_size(current_database())"
        )
        shared_buffers, database_size = cursor.fetchone()
    cache.clear()
    rng = random.Random(SEED)
    urls = draw_urls(rng)
    with gunicorn(env, workers=2, threads=1) as server:
        warm_workers(server.address, workers=2)
        cache.clear()
        for _ in range(5):
            ask(server.address, "/bench/minimal/")
        minimal = [ask(server.address, "/bench/minimal/")[1] for _ in range(50)]
        minimal_p50 = percentile(minimal, 0.5)
        region_prints = whole_region_prints(server.address)
        cold_urls = []
        cold, cold_errors = run(server.address, urls, edits=True, rng=rng, slowest=cold_urls)
        # The cold pass's edits made most of what it stored stale: store every page once
        # more, then measure.
        run(server.address, urls, edits=False, rng=rng)
        warm, warm_errors = run(server.address, urls, edits=False, rng=rng)
        # What one edit of an actor turns cold (keko.cache scopes): the same URLs once more.
        curator_edit(rng, list(Actor.objects.published().values_list("pk", flat=True)[:5000]))
        after_edit, edit_errors = run(server.address, urls, edits=False, rng=rng)
        after_facet_edits = facet_edits(server.address)
    print(f"{len(urls)} distinct URLs, one client, gunicorn 2 workers, default file cache")
    print(f"PostgreSQL shared_buffers {shared_buffers}, database {database_size / 2**20:.0f} MB")
    print(f"minimal one-query view: p50 {minimal_p50:.1f} ms, p95 {percentile(minimal, 0.95):.1f}")
    table(f"Cold: each URL once, a curator edit every {EDIT_EVERY} requests", cold, minimal_p50)
    # The overall p95 is where this part begins: which pages it is made of.
    print("\nThe slowest twentieth of the cold URLs")
    for ms, kind, path in sorted(cold_urls, reverse=True)[: len(cold_urls) // 20]:
        print(f"- {ms:.0f} ms · {kind} · `{path}`")
    print("\nA whole region's print page, cold (asked once, before the mix)")
    for name, entries, layout, status, ms in region_prints:
        answer = "" if status == 200 else f" (HTTP {status})"
        print(f"- {name}, {entries} entries, layout `{layout}`: {ms:.0f} ms{answer}")
    table("Warm: the same URLs again, no edits", warm, minimal_p50)
    table("After one curator edit of an actor's description", after_edit, minimal_p50)
    print("\nThe lists after an edit of an actor's kind (each edit, ms)")
    print(f"| edited actor | {' | '.join(f'`{path}`' for path in FACET_EDIT_LISTS)} |")
    print(f"| --- |{' ---: |' * len(FACET_EDIT_LISTS)}")
    for which, rounds in after_facet_edits.items():
        columns = zip(*rounds, strict=True)
        cells = " | ".join(", ".join(f"{ms:.0f}" for ms in column) for column in columns)
        print(f"| {which} | {cells} |")
    errors = cold_errors + warm_errors + edit_errors
    for status, path in errors:
        print(f"status {status}: {path}")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
