"""The query plans of each kind of public page, cold: EXPLAIN ANALYZE of its slowest reads.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/keko_bench
    .venv/bin/python bench/mix.py                 # loads the 100 000 actors, once
    .venv/bin/python bench/plans.py [--queries 2] > docs/query-plans.md

Needs PostgreSQL (DATABASE_URL; SQLite is refused) with the directory loaded; changes nothing
in it. In this process (bench.settings, Django's test client), for one page of each kind the
mix asks, drawn from the data (the largest region's page and its largest municipality's, a
list of one kind of that region, a list of a service and a target group on its second page,
a search on the list, within the largest region (a common word, and its largest
municipality's name), on a Swedish page and on the site search page, the actor page of the
actor with the most contacts, an area's print page, a page of the API's services, and, outside
the mix, the largest region's change feed, the API's services at locations and the middle
page of its organizations):

1. ask it once, the process's first time (imports, compiled templates);
2. make it cold as an edit of an actor it shows would (the page cache's scopes of the actors,
   the actor pages and every area moved on; the facet counts kept, as after an edit of a
   description: see keko.cache and actors.facets);
3. ask it again, five times, each made cold again, recording the time (the median is shown)
   and the queries with their times;

and print, as Markdown, each page's time in the process, its queries, and EXPLAIN (ANALYZE,
BUFFERS) of its `--queries` slowest reads (each run once more for the plan, so on warm
buffers). A benchmark's companion, not a test: the plans are of the database it is given.
"""

import argparse
import contextlib
import datetime
import gc
import os
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from load_check import check_database_url  # noqa: E402

# The characters of a query shown above its plan: a search's lookup is some 2 000.
SHOWN_SQL = 2500
SEARCH_WORD = "nuorten"
AREA_SEARCH_WORD = "palkkatuki"
SWEDISH_SEARCH_WORD = "arbete"


def pages():
    """Return [(kind of page, path)], one page of each kind, drawn from the loaded data."""
    from django.db.models import Count

    from actors.models import (
        Actor,
        ActorKind,
        ActorMunicipality,
        ActorRegion,
        Municipality,
        Region,
    )
    from directory.print_rendering import MAX_PRINTED_ACTORS

    def largest(rows):
        row = rows.values("area").annotate(n=Count("*")).order_by("-n", "area").first()
        return row and row["area"]

    region = Region.objects.get(pk=largest(ActorRegion.objects.listed()))
    municipality = Municipality.objects.get(
        pk=largest(ActorMunicipality.objects.listed().filter(area__region=region))
    )
    published = Actor.objects.published()
    kind = ActorKind(
        published.values("kind").annotate(n=Count("*")).order_by("-n", "kind")[0]["kind"]
    )

    def most_common(link):
        return (
            published.values(f"{link}__slug")
            .exclude(**{f"{link}__isnull": True})
            .annotate(n=Count("*"))
            .order_by("-n", f"{link}__slug")[0][f"{link}__slug"]
        )

    # The municipality's most numerous kind that its print takes whole.
    print_kind = ActorKind(
        ActorMunicipality.objects.listed()
        .filter(area=municipality)
        .values("kind")
        .annotate(n=Count("*"))
        .filter(n__lte=MAX_PRINTED_ACTORS)
        .order_by("-n", "kind")[0]["kind"]
    )
    actor = published.annotate(n=Count("contacts")).order_by("-n", "pk").only("slug", "pk").first()
    # The middle page of the API's organizations (100 a page): half the list to skip.
    middle_page = (published.active().count() // 100) // 2 + 1

    def query(**values):
        return urllib.parse.urlencode(values)

    region_list = query(alue=region.slug, tyyppi=kind.url_slug)
    links_list = query(
        palvelu=most_common("services"), kohderyhma=most_common("target_groups"), page=2
    )
    area_search = query(q=AREA_SEARCH_WORD, alue=region.slug)
    # A word found less often than the search's cap: its matches tested by key (keko.search).
    town_search = query(q=municipality.name_fi.lower(), alue=region.slug)
    print_page = f"{municipality.get_absolute_url()}tulosta/?{query(tyyppi=print_kind.url_slug)}"
    return [
        ("region page", region.get_absolute_url()),
        ("municipality page", municipality.get_absolute_url()),
        ("list, a region's kind", f"/toimijat/?{region_list}"),
        ("list, a service and a target group, page 2", f"/toimijat/?{links_list}"),
        ("/toimijat/?q=", f"/toimijat/?{query(q=SEARCH_WORD)}"),
        ("/toimijat/?q= within a region", f"/toimijat/?{area_search}"),
        ("/toimijat/?q= within a region, a town's name", f"/toimijat/?{town_search}"),
        ("/haku/?q=", f"/haku/?{query(q=SEARCH_WORD)}"),
        ("/sv/aktorer/?q=, a Swedish page", f"/sv/aktorer/?{query(q=SWEDISH_SEARCH_WORD)}"),
        ("actor page", actor.get_absolute_url()),
        ("print page of an area", print_page),
        ("/api/hsds/services", "/api/hsds/services?per_page=50"),
        ("change feed of an area", f"{region.get_absolute_url()}muutokset.atom"),
        ("/api/hsds/service_at_locations", "/api/hsds/service_at_locations?per_page=50"),
        (
            "/api/hsds/organizations, the middle page",
            f"/api/hsds/organizations?{query(per_page=100, page=middle_page)}",
        ),
        # An area's services: the area's actors from the facet table (opendata.filters).
        (
            "/api/hsds/services of a region",
            f"/api/hsds/services?{query(region=region.slug, per_page=50)}",
        ),
    ]


def make_cold():
    """Move on the page cache's scopes an edit of a published actor's description moves on
    (Actor.cache_scopes), and those of every area and actor page."""
    from actors.models import ACTOR_PAGES
    from keko.cache import ACTORS, ALL_AREAS, bump_scopes

    bump_scopes([ACTORS, ACTOR_PAGES, ALL_AREAS])


def cold_queries(client, path, times=5):
    """Ask `path` cold `times` times; return (its status, the median ms, [(ms, sql, params)]
    of the queries of the last time)."""
    from django.db import connection

    client.get(path, secure=True)
    totals = []
    for _ in range(times):
        make_cold()
        queries = []

        def timed(execute, sql, params, many, context, queries=queries):
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(((time.perf_counter() - began) * 1000, sql, params))

        with connection.execute_wrapper(timed):
            began = time.perf_counter()
            response = client.get(path, secure=True)
            totals.append((time.perf_counter() - began) * 1000)
    return response.status_code, statistics.median(totals), queries


def is_read(sql):
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def explain(sql, params):
    """Return the text of EXPLAIN (ANALYZE, BUFFERS) of the read `sql` with `params`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(line for (line,) in cursor.fetchall())


def report(client, pages, *, slowest=2):
    """Return the Markdown of the plans of `pages` ([(kind, path)]), `slowest` reads each."""
    from django.db import connection

    from actors.models import Actor

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        [version] = cursor.fetchone()
    lines = [
        "# Query plans of the public pages, cold",
        "",
        f"Written by `bench/plans.py` on {datetime.date.today().isoformat()}: PostgreSQL "
        f"{version}, {Actor.objects.published().count():_} published actors.".replace("_", " "),
        "",
        "Each page asked once, then five times more, each made cold as an edit of an actor "
        "it shows makes it (the facet counts kept), in one process: the median time, without "
        "HTTP, and the queries of the last time; its slowest reads explained, each run once "
        "more for its plan (on warm buffers).",
        "",
        "| kind of page | page | status | median ms | queries | SQL ms | slowest read ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    sections = []
    for kind, path in pages:
        status, total, queries = cold_queries(client, path)
        reads = sorted((query for query in queries if is_read(query[1])), key=lambda q: -q[0])
        lines.append(
            f"| {kind} | `{path}` | {status} | {total:.1f} | {len(queries)} "
            f"| {sum(ms for ms, _sql, _params in queries):.1f} "
            f"| {reads[0][0] if reads else 0:.1f} |"
        )
        sections += ["", f"## {kind}: `{path}`"]
        for number, (ms, sql, params) in enumerate(reads[:slowest], 1):
            shown = " ".join(connection.ops.compose_sql(sql, params).split())
            if len(shown) > SHOWN_SQL:
                shown = f"{shown[:SHOWN_SQL]} …"
            sections += [
                "",
                f"{number}. {ms:.1f} ms in the page:",
                "",
                "```sql",
                shown,
                "```",
                "",
                "```",
                explain(sql, params),
                "```",
            ]
    return "\n".join([*lines, *sections, ""])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2, help="reads explained per page")
    args = parser.parse_args()
    check_database_url()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    # The site logs to standard output (keko.settings): here to standard error, so that the
    # report alone is written where standard output is sent (docs/query-plans.md).
    with contextlib.redirect_stdout(sys.stderr):
        django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from actors.models import Actor

    if not Actor.objects.published().exists():
        sys.exit("No published actors: load the directory first (bench/mix.py).")
    # The test client's host name allowed, and e-mail kept in memory.
    setup_test_environment()
    client = Client()
    client.get("/", secure=True)
    # What is loaded by now kept out of the garbage collector's sight, as keko.wsgi does.
    gc.freeze()
    sys.stdout.write(report(client, pages(), slowest=args.queries))


if __name__ == "__main__":
    main()
