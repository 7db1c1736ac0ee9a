"""The facet table (actors/facets.py, PostgreSQL only): its rows follow every kind of write, and
the list's facet counts read from it equal those counted through the link tables."""

import datetime
import itertools

import psycopg
import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from actors import facets
from actors.filters import order_actors
from actors.models import Actor, ActorKind
from directory.filters import ActorDirectoryFilter
from keko import search
from keko.models import Status
from keko.search import search_cap
from tests.factories import (
    make_actor,
    make_funding_source,
    make_municipality,
    make_project_funding,
    make_region,
    make_service,
    make_target_group,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the facet table is PostgreSQL's only"
    ),
]

# What actors_facets_refresh() writes, computed afresh from the tables it copies.
EXPECTED_ROWS = """
    SELECT a.id, a.kind, a.status, a.active_from, a.active_until, a.is_national,
        ARRAY(SELECT area_id FROM actors_actorregion WHERE actor_id = a.id ORDER BY 1),
        ARRAY(SELECT area_id FROM actors_actormunicipality WHERE actor_id = a.id ORDER BY 1),
        ARRAY(SELECT servicetype_id FROM actors_actor_services WHERE actor_id = a.id ORDER BY 1),
        ARRAY(SELECT targetgroup_id FROM actors_actor_target_groups
              WHERE actor_id = a.id ORDER BY 1),
        a.name, a.verified_on, a.created_at
    FROM actors_actor a ORDER BY a.id
"""
TABLE_ROWS = "SELECT * FROM actors_actorfacets ORDER BY actor_id"
# How many rows the kept counts have, and how many counts they hold (actors/0017).
KEPT_ROWS = (
    "SELECT COUNT(*), COUNT(DISTINCT (kind, is_national, facet, option_id)) FROM actors_facetcount"
)
# Likewise of every pair count, and of those of one service (actors/0018).
ALL_PAIR_ROWS = (
    "SELECT COUNT(*), COUNT(DISTINCT"
    " (kind, is_national, facet, option_id, other_facet, other_option_id))"
    " FROM actors_facetpaircount"
)
KEPT_PAIR_ROWS = (
    "SELECT COUNT(*), COUNT(DISTINCT (kind, is_national, other_facet, other_option_id))"
    " FROM actors_facetpaircount WHERE facet = 'palvelu' AND option_id = %s"
)


def rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def assert_table_current():
    assert rows(TABLE_ROWS) == rows(EXPECTED_ROWS)


@pytest.fixture
def directory():
    north, south = make_region(slug="pohjoinen"), make_region(slug="etela")
    towns = [
        make_municipality(slug=f"kunta-{n}", region=region)
        for n, region in enumerate([north, north, south, south])
    ]
    services = [make_service(slug=f"palvelu-{n}") for n in range(3)]
    groups = [make_target_group(slug=f"ryhma-{n}") for n in range(3)]
    kinds = [ActorKind.ASSOCIATION, ActorKind.FOUNDATION, ActorKind.MUNICIPALITY]
    actors = []
    for n in range(24):
        actors.append(
            make_actor(
                name=f"Toimija {n:02}",
                kind=kinds[n % 3],
                municipality=towns[n % 4] if n % 5 else None,
                served_municipalities=[towns[(n + 1) % 4]] if n % 4 == 0 else [],
                served_regions=[south] if n % 7 == 0 else [],
                services=services[: n % 4],
                target_groups=[groups[n % 3]] if n % 2 else [],
                is_national=n in (5, 17),
                active_until=datetime.date(2020, 1, 1) if n % 6 == 1 else None,
                status=Status.DRAFT if n == 11 else Status.PUBLISHED,
                verified_on=None if n % 3 == 0 else datetime.date(2026, 1, 1 + n % 4),
            )
        )
    # Ties in each order (broken by name or by key, as on the actor table), the added dates
    # set by an update, as an import sets them: the facet table copies both (actors/0024).
    added = timezone.now() - datetime.timedelta(days=1)
    Actor.objects.filter(pk__in=[actor.pk for actor in actors[::2]]).update(created_at=added)
    funder = make_funding_source(slug="rahoittaja")
    make_project_funding(funding_source=funder, project=actors[3])
    make_project_funding(funding_source=funder, project=actors[8])
    return {"regions": [north, south], "towns": towns, "services": services, "groups": groups}


def test_rows_follow_every_write(directory):
    assert_table_current()
    actor = Actor.objects.get(name="Toimija 03")
    actor.kind = ActorKind.PROJECT
    actor.save()
    Actor.objects.filter(name="Toimija 04").update(name="Aakkosissa ensin")
    Actor.objects.filter(name="Toimija 05").update(verified_on=datetime.date(2026, 2, 3))
    Actor.objects.filter(name="Toimija 06").update(created_at=timezone.now())
    actor.services.add(directory["services"][2])
    actor.target_groups.clear()
    actor.served_regions.add(directory["regions"][0])
    assert_table_current()
    directory["services"][0].actors.remove(Actor.objects.get(name="Toimija 01"))
    directory["groups"][1].actors.clear()
    town = directory["towns"][0]
    town.region = directory["regions"][1]
    town.save()
    assert_table_current()
    Actor.objects.filter(name__startswith="Toimija 1").update(is_national=True)
    Actor.objects.filter(name="Toimija 20").update(status=Status.DRAFT)
    Actor.objects.filter(name="Toimija 21").delete()
    Actor.objects.bulk_create([Actor(name="Uusi", slug="uusi", municipality=town)])
    assert_table_current()
    assert len(rows(TABLE_ROWS)) == Actor.objects.count()


# The options of each filter counted from the facet table.
OPTIONS = {
    "alue": "SELECT id FROM actors_region",
    "kunta": "SELECT id FROM actors_municipality",
    "palvelu": "SELECT id FROM actors_servicetype",
    "kohderyhma": "SELECT id FROM actors_targetgroup",
}


def without_zeros(by_kind):
    return {
        kind: (
            {name: {k: n for k, n in by_key.items() if n} for name, by_key in counts.items()},
            everywhere,
            total,
        )
        for kind, (counts, everywhere, total) in by_kind.items()
    }


def assert_counts_kept():
    """The counts kept on write (actors/0017) equal those of the facet table's rows, counted
    afresh, for every published actor or the active ones, with or without the national."""
    links = ActorDirectoryFilter.linked_facets
    today = timezone.localdate()
    for on, national in itertools.product((None, today), (True, False)):
        base, params = ["f.status = %s"], [Status.PUBLISHED.value]
        if not national:
            base.append("NOT f.is_national")
        if on is not None:
            period, period_params = facets.active_on(on)
            base.append(period)
            params += period_params
        afresh = facets.count({}, " AND ".join(base), params, links, by_kind=True)
        kept = facets.count_every_actor(links, on=on, national=national)
        assert without_zeros(kept) == without_zeros(afresh), (on, national)
        assert sum(total for _counts, _everywhere, total in kept.values()) > 0
        # One option's: each option of each filter, of every kind or of associations.
        for name, kinds in itertools.product(facets.ARRAY_COLUMNS, (None, ["association"])):
            chosen = {"tyyppi": facets.condition("tyyppi", kinds)} if kinds else {}
            for key in rows(OPTIONS[name]):
                option, option_params = facets.condition(name, key)
                where = " AND ".join([*base, option])
                afresh = facets.count(chosen, where, [*params, *option_params], links)
                kept = facets.count_option(
                    name, key[0], links, kinds=kinds, on=on, national=national
                )
                # The option's own filter is counted without it (count_every_actor).
                del afresh[0][name], kept[0][name]
                assert without_zeros({0: kept}) == without_zeros({0: afresh}), (name, key)


def test_counts_are_kept_on_every_write(directory):
    assert_counts_kept()
    actor = Actor.objects.get(name="Toimija 03")
    actor.kind = ActorKind.PROJECT
    actor.save()
    actor.services.add(directory["services"][2])
    actor.served_regions.add(directory["regions"][0])
    directory["groups"][1].actors.clear()
    assert_counts_kept()
    Actor.objects.filter(name__startswith="Toimija 1").update(is_national=True)
    Actor.objects.filter(name="Toimija 20").update(status=Status.DRAFT)
    Actor.objects.filter(name="Toimija 11").update(status=Status.PUBLISHED)
    next_year = timezone.localdate() + datetime.timedelta(days=365)
    Actor.objects.filter(name="Toimija 22").update(active_from=next_year)
    Actor.objects.filter(name="Toimija 21").delete()
    town = directory["towns"][0]
    Actor.objects.bulk_create([Actor(name="Uusi", slug="uusi", municipality=town)])
    town.region = directory["regions"][1]
    town.save()
    assert_counts_kept()


def test_the_kept_counts_fold_into_one_row_a_count(directory):
    for n in range(3):
        Actor.objects.filter(name__startswith="Toimija 0").update(
            kind=[ActorKind.FOUNDATION, ActorKind.PROJECT, ActorKind.ASSOCIATION][n]
        )
    [(stored, distinct)] = rows(KEPT_ROWS)
    assert stored > distinct
    facets.fold_counts()
    [(stored, distinct)] = rows(KEPT_ROWS)
    assert stored == distinct
    service = directory["services"][1].pk
    [(stored, distinct)] = rows(KEPT_PAIR_ROWS % service)
    assert stored > distinct
    facets.fold_pair_counts("palvelu", service)
    [(stored, distinct)] = rows(KEPT_PAIR_ROWS % service)
    assert stored == distinct
    assert_counts_kept()
    # After a bulk load, every count at once.
    Actor.objects.filter(name__startswith="Toimija 1").update(kind=ActorKind.PROJECT)
    [(stored, distinct)] = rows(ALL_PAIR_ROWS)
    assert stored > distinct
    facets.fold_all()
    [(stored, distinct)] = rows(ALL_PAIR_ROWS)
    assert stored == distinct
    # Written option by option, so that an option's counts, read together, lie together.
    stored_order = rows(
        "SELECT facet, option_id FROM actors_facetpaircount ORDER BY"
        " (ctid::text::point)[0], (ctid::text::point)[1]"
    )
    assert len(stored_order) == distinct
    assert stored_order == sorted(stored_order, key=lambda row: (row[0], row[1]))


def test_an_options_counts_are_folded_when_read_past_the_limit(directory, monkeypatch):
    service = directory["services"][1].pk
    for kind in (ActorKind.FOUNDATION, ActorKind.PROJECT, ActorKind.ASSOCIATION):
        Actor.objects.filter(name__startswith="Toimija 0").update(kind=kind)
    [(stored, distinct)] = rows(KEPT_PAIR_ROWS % service)
    assert stored > 2 * distinct
    before = facets.count_option("palvelu", service, kinds=[ActorKind.ASSOCIATION])
    # At the limit, not past it: read, not folded.
    monkeypatch.setattr(facets, "FOLD_AFTER_OPTION", distinct)
    assert facets.count_option("palvelu", service) is not None
    assert rows(KEPT_PAIR_ROWS % service) == [(stored, distinct)]
    monkeypatch.setattr(facets, "FOLD_AFTER_OPTION", distinct - 1)
    assert facets.count_option("palvelu", service, kinds=[ActorKind.ASSOCIATION]) == before
    # One row a count; those the changes have brought to nothing, none.
    [(folded, folded_distinct)] = rows(KEPT_PAIR_ROWS % service)
    assert folded == folded_distinct <= distinct
    assert facets.count_option("palvelu", service, kinds=[ActorKind.ASSOCIATION]) == before
    assert_counts_kept()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE actors_actorfacets")
    assert rows(KEPT_ROWS) == [(0, 0)]
    assert rows(KEPT_PAIR_ROWS % service) == [(0, 0)]


@pytest.mark.django_db(transaction=True)
def test_two_transactions_writing_actors_never_wait_on_each_others_counts(directory):
    first, second = Actor.objects.filter(kind=ActorKind.ASSOCIATION, status=Status.PUBLISHED)[:2]
    service = make_service(slug="uusi-palvelu")
    with psycopg.connect(**connection.get_connection_params()) as other:
        # The other transaction changes the counts of associations offering the service, and
        # stays open while this one does the same.
        first_link = "INSERT INTO actors_actor_services (actor_id, servicetype_id) VALUES (%s, %s)"
        other.execute(first_link, [first.pk, service.pk])
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            second.services.add(service)
        other.commit()
    assert_counts_kept()
    assert set(service.actors.all()) >= {first, second}


@pytest.mark.django_db(transaction=True)
def test_a_fold_that_cannot_run_is_left_for_later(directory, caplog):
    Actor.objects.filter(name__startswith="Toimija 0").update(kind=ActorKind.PROJECT)
    [before] = rows(KEPT_ROWS)
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("LOCK TABLE actors_facetcount IN EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            facets.fold_counts()  # no error: the fold waits, times out and is rolled back
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
        other.rollback()
    assert rows(KEPT_ROWS) == [before]
    assert "were not folded" in caplog.text
    assert_counts_kept()


def test_every_actors_facets_are_read_from_the_kept_counts(directory, django_assert_num_queries):
    filterset = ActorDirectoryFilter(QueryDict(""), queryset=Actor.objects.published())
    # The funded actors (the funders' facet); the actors not active today and the national
    # ones, counted here (read once for every option's counts too); the kept counts.
    with django_assert_num_queries(3) as queries:
        total, counts = filterset.counts()
    assert "funding_projectfunding" in queries.captured_queries[0]["sql"]
    assert "f.is_national OR (f.active_from > " in queries.captured_queries[1]["sql"]
    assert "actors_facetcount" in queries.captured_queries[2]["sql"]
    assert total == filterset.qs.count() == sum(counts["tyyppi"].values())


def test_the_counts_read_in_one_language_serve_the_others(directory, django_assert_num_queries):
    region = directory["regions"][0].slug
    for query in ("", f"alue={region}", f"alue={region}&tyyppi=yhdistys"):
        with translation.override("fi"):
            ActorDirectoryFilter(QueryDict(query), queryset=Actor.objects.published()).counts()
        with translation.override("sv"):
            filterset = ActorDirectoryFilter(QueryDict(query), queryset=Actor.objects.published())
            # The counts of every actor, the funded actors and the region's: none read again.
            with django_assert_num_queries(0):
                filterset.counts()


def selections(directory):
    """Selections of one to three filters, with and without the ended and national actors."""
    region, town = directory["regions"][0].slug, directory["towns"][2].slug
    service, group = directory["services"][1].slug, directory["groups"][1].slug
    single = [
        ("alue", region),
        ("kunta", town),
        ("tyyppi", "yhdistys"),
        ("palvelu", service),
        ("kohderyhma", group),
        ("rahoitus", "rahoittaja"),
        ("q", "Toimija"),
    ]
    chosen = [[]] + [[pair] for pair in single]
    chosen += [list(pair) for pair in itertools.combinations(single, 2)]
    chosen += [[single[0], single[2], single[4]], [single[1], single[3], single[5]]]
    extras = [[], [("voimassa", "0")], [("valtakunnalliset", "0")]]
    return [pairs + extra for pairs in chosen for extra in extras]


def from_the_table_and_not(pairs, monkeypatch):
    """Return two filtersets of the selection `pairs`: one counting from the facet table, one
    through the actor and link tables."""
    data = QueryDict(mutable=True)
    for name, value in pairs:
        data.appendlist(name, value)
    from_table = ActorDirectoryFilter(data, queryset=Actor.objects.published())
    assert from_table.facets_from_table()
    through_links = ActorDirectoryFilter(data, queryset=Actor.objects.published())
    monkeypatch.setattr(through_links, "facets_from_table", lambda: False)
    return from_table, through_links


def test_counts_from_the_table_equal_the_counts_through_the_link_tables(directory, monkeypatch):
    for pairs in selections(directory):
        from_table, through_links = from_the_table_and_not(pairs, monkeypatch)
        assert from_table.facet_counts() == through_links.facet_counts(), pairs


def test_every_actors_counts_kept_in_the_process_stay_as_counted(directory, monkeypatch):
    # Kept in the process (keko.cache in_process), they must never be changed by a reader.
    for pairs in selections(directory):
        from_the_table_and_not(pairs, monkeypatch)[0].counts()
    filterset = ActorDirectoryFilter(QueryDict(""), queryset=Actor.objects.published())
    today = timezone.localdate()
    for national in (True, False):
        kept = filterset.counts_by_kind(on=today, national=national)
        assert kept is filterset.counts_by_kind(on=today, national=national)
        assert kept == facets.count_every_actor(
            filterset.linked_facets, on=today, national=national
        )


@pytest.mark.parametrize(
    ("edited", "field", "value", "read_again"),
    [
        ("Toimija 02", "kind", ActorKind.PROJECT, set()),  # neither funded, national nor ended
        ("Toimija 03", "kind", ActorKind.PROJECT, {"funded"}),
        ("Toimija 05", "kind", ActorKind.PROJECT, {"apart"}),  # national
        ("Toimija 07", "kind", ActorKind.PROJECT, {"apart"}),  # ended
        ("Toimija 02", "active_until", 30, set()),  # a period that goes on today (days)
        ("Toimija 02", "active_until", -1, {"apart"}),  # ended by the edit
    ],
)
def test_an_edit_reads_the_funded_or_apart_actors_again_only_when_among_them(
    directory, monkeypatch, edited, field, value, read_again
):
    ActorDirectoryFilter(QueryDict(""), queryset=Actor.objects.published()).counts()
    actor = Actor.objects.get(name=edited)
    if field == "active_until":
        value = timezone.localdate() + datetime.timedelta(days=value)
    setattr(actor, field, value)
    actor.save()
    filterset = ActorDirectoryFilter(QueryDict(""), queryset=Actor.objects.published())
    with CaptureQueriesContext(connection) as queries:
        filterset.counts()
    read = {
        name
        for name, marker in [
            ("funded", "funding_projectfunding"),
            ("apart", "f.is_national OR (f.active_from > "),
        ]
        if any(marker in query["sql"] for query in queries)
    }
    assert read == read_again
    # And every selection's counts are those of the actors as edited.
    for pairs in selections(directory):
        from_table, through_links = from_the_table_and_not(pairs, monkeypatch)
        assert from_table.counts()[1] == through_links.facet_counts(), pairs


def test_an_actor_edited_without_its_period_loaded_may_be_apart(directory, monkeypatch):
    ActorDirectoryFilter(QueryDict(""), queryset=Actor.objects.published()).counts()
    ended = Actor.objects.only("name", "kind", "is_national").get(name="Toimija 07")
    ended.kind = ActorKind.PROJECT
    ended.save()
    # Its period was not loaded (not national, but perhaps ended): the actors apart are
    # read again.
    from_table, through_links = from_the_table_and_not([], monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        counts = from_table.counts()[1]
    assert any("f.is_national OR (f.active_from > " in query["sql"] for query in queries)
    assert counts == through_links.facet_counts()


def test_a_kinds_facets_come_from_the_counts_of_every_kind(
    directory, monkeypatch, django_assert_num_queries
):
    ActorDirectoryFilter(QueryDict(""), queryset=Actor.objects.published()).counts()
    pairs = [("tyyppi", "yhdistys"), ("tyyppi", "saatio")]
    from_table, through_links = from_the_table_and_not(pairs, monkeypatch)
    # Read from the one cached scan that counted every kind apart.
    with django_assert_num_queries(0):
        total, counts = from_table.counts()
    assert total == from_table.qs.count() > 0
    assert counts == through_links.facet_counts()


def test_one_option_and_kinds_are_counted_from_the_options_kept_counts(
    directory, monkeypatch, django_assert_num_queries
):
    region = directory["regions"][0].slug
    ActorDirectoryFilter(QueryDict(""), queryset=Actor.objects.published()).counts()
    for kinds in ([], ["yhdistys"], ["yhdistys", "saatio"]):
        pairs = [("alue", region)] + [("tyyppi", kind) for kind in kinds]
        from_table, through_links = from_the_table_and_not(pairs, monkeypatch)
        # The region's pair counts; its national actors and those not active today, the
        # funders' facet and the region facet from what the counts of every actor read.
        with django_assert_num_queries(1) as queries:
            total, counts = from_table.counts()
        assert "actors_facetpaircount" in queries.captured_queries[0]["sql"]
        assert not any("funding_projectfunding" in query["sql"] for query in queries)
        assert total == from_table.qs.count() > 0
        assert counts == through_links.facet_counts(), kinds


def test_two_options_are_counted_from_the_actors_of_both_and_each_others_kept_counts(
    directory, monkeypatch, django_assert_num_queries
):
    region, service = directory["regions"][1].slug, directory["services"][1].slug
    ActorDirectoryFilter(QueryDict(""), queryset=Actor.objects.published()).counts()
    for kinds in ([], ["yhdistys"]):
        pairs = [("alue", region), ("palvelu", service)] + [("tyyppi", kind) for kind in kinds]
        from_table, through_links = from_the_table_and_not(pairs, monkeypatch)
        # The actors of both; the service's pair counts; the region's (their national actors
        # and those not active today from what the counts of every actor read).
        with django_assert_num_queries(3) as queries:
            total, counts = from_table.counts()
        scan = queries.captured_queries[0]["sql"]
        assert "region_ids &&" in scan and "service_ids &&" in scan and " OR ((" not in scan
        # Each option's facet comes from the other's kept counts: the scan leaves both out.
        assert "unnest(region_ids)" not in scan and "unnest(service_ids)" not in scan
        assert "unnest(municipality_ids)" in scan
        assert total == from_table.qs.count() > 0
        assert counts == through_links.facet_counts(), kinds


def test_an_options_counts_are_shared_by_the_selections_with_it_until_an_edit(
    directory, monkeypatch, django_assert_num_queries
):
    region = directory["regions"][1].slug
    first, second = (service.slug for service in directory["services"][1:3])
    from_table, _through_links = from_the_table_and_not(
        [("alue", region), ("palvelu", first)], monkeypatch
    )
    from_table.counts()
    pairs = [("alue", region), ("palvelu", second)]
    from_table, through_links = from_the_table_and_not(pairs, monkeypatch)
    # The actors of both, and the second service's pair counts; the region's counts, and
    # the actors not active today, as the first selection read them.
    with django_assert_num_queries(2):
        total, counts = from_table.counts()
    assert counts == through_links.facet_counts()
    # An edit of what the facets count makes them stale.
    actor = Actor.objects.filter(status=Status.PUBLISHED, is_national=False).first()
    actor.services.add(directory["services"][2])
    actor.served_regions.set([directory["regions"][1]])
    from_table, through_links = from_the_table_and_not(pairs, monkeypatch)
    assert from_table.counts()[1] == through_links.facet_counts()


def test_two_options_and_kinds_are_counted_in_one_scan_of_the_filters_rows(
    directory, monkeypatch, django_assert_num_queries
):
    regions = [("alue", region.slug) for region in directory["regions"]]
    ActorDirectoryFilter(QueryDict(""), queryset=Actor.objects.published()).counts()
    for kinds in (["yhdistys"], ["yhdistys", "saatio"]):
        pairs = regions + [("tyyppi", kind) for kind in kinds]
        from_table, through_links = from_the_table_and_not(pairs, monkeypatch)
        # The regions' rows once; the region facet from the counts of every actor, cached.
        with django_assert_num_queries(1) as queries:
            total, counts = from_table.counts()
        [query] = queries.captured_queries
        assert "f.kind" in query["sql"] and "region_ids &&" in query["sql"]
        # The region facet is not counted among the regions' own rows.
        assert "unnest(region_ids)" not in query["sql"]
        assert total == from_table.qs.count() > 0
        assert counts == through_links.facet_counts(), kinds


# The orders a visitor chooses (ActorFilter.jarjestys).
ORDERS = ("nimi", "tarkistettu", "lisatty")


def ordered_selections(directory):
    """Yield (pairs, order, their QueryDict) of each selection but a search's (ranked by the
    search), in the default order and in each order a visitor chooses."""
    for pairs in selections(directory):
        if any(name == "q" for name, _value in pairs):
            continue
        for order in ([], *([("jarjestys", value)] for value in ORDERS)):
            data = QueryDict(mutable=True)
            for name, value in pairs + order:
                data.appendlist(name, value)
            yield pairs, order, data


def test_pages_from_the_table_equal_the_pages_of_the_actor_table(directory):
    checked = 0
    for pairs, order, data in ordered_selections(directory):
        # As the list orders it (directory.views.ActorListView).
        from_table = ActorDirectoryFilter(data, queryset=order_actors(Actor.objects.published()))
        keys = from_table.table_page_keys(0, 100)
        options = [name for name, _value in pairs if name in from_table.options]
        own_index = order in ([("jarjestys", "nimi")], [("jarjestys", "lisatty")])
        if not any(name in facets.COUNTED for name in options) and (options or own_index):
            # The actor table's own: a funder's subquery, or an order of its own indexes.
            assert keys is None
            continue
        assert keys == list(from_table.qs.values_list("pk", flat=True)), pairs + order
        assert from_table.table_page_keys(2, 3) == keys[2:5]
        # A list of many actors walks the name indexes instead: the same pages.
        many = facets.WALK_FROM
        assert from_table.table_page_keys(0, 100, total=many) == keys, pairs + order
        assert from_table.table_page_keys(2, 3, total=many) == keys[2:5]
        checked += 1
    assert checked > 100


def test_a_page_read_with_the_counts_is_the_page_read_apart(directory, monkeypatch):
    read = 0
    for pairs, order, data in ordered_selections(directory):
        listed = order_actors(Actor.objects.published())
        apart = ActorDirectoryFilter(data, queryset=listed)
        with_counts = ActorDirectoryFilter(data, queryset=listed)
        with_counts.page_wanted = (2, 3)
        total, _counts = with_counts.counts()
        keys = apart.table_page_keys(2, 3, total=total)
        page_read = with_counts.page_read
        if page_read is not None and page_read.keys is not None:
            read += 1
            assert page_read.keys == keys, pairs + order
            if total >= 2 and not order:
                scanned = data
        with CaptureQueriesContext(connection) as queries:
            assert with_counts.table_page_keys(2, 3, total=total) == keys, pairs + order
        read_already = page_read is not None and page_read.keys is not None
        assert len(queries.captured_queries) == (0 if read_already or keys is None else 1)
    assert read > 50
    # From WALK_FROM rows the scan reads no page: the name indexes are walked instead.
    monkeypatch.setattr(facets, "WALK_FROM", 2)
    listed = order_actors(Actor.objects.published())
    with_counts = ActorDirectoryFilter(scanned, queryset=listed)
    with_counts.page_wanted = (0, 50)
    total, _counts = with_counts.counts()
    assert total >= 2 and with_counts.page_read.keys is None
    with CaptureQueriesContext(connection) as queries:
        keys = with_counts.table_page_keys(0, 50, total=total)
    assert keys == list(with_counts.qs.values_list("pk", flat=True)[:50])
    assert "UNION ALL" in queries.captured_queries[0]["sql"]


def test_a_list_page_reads_its_page_with_its_counts(directory, client):
    selection = f"alue={directory['regions'][0].slug}&kohderyhma={directory['groups'][1].slug}"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/toimijat/?{selection}")
    assert response.status_code == 200
    sqls = [query["sql"] for query in queries.captured_queries]
    # One scan of the list's rows for its counts and its page; no page query of its own.
    [scan] = [sql for sql in sqls if sql.startswith("WITH s AS")]
    assert "#page" in scan
    assert not [sql for sql in sqls if sql.startswith(("SELECT f.actor_id", "SELECT actor_id"))]
    listed = ActorDirectoryFilter(
        QueryDict(selection), queryset=order_actors(Actor.objects.published())
    ).qs
    shown = [actor.pk for actor in response.context["page_obj"].object_list]
    assert shown == list(listed.values_list("pk", flat=True)[:50])


def test_a_page_of_the_list_is_one_query_of_the_table(directory, django_assert_num_queries):
    data = QueryDict("alue=etela&tyyppi=yhdistys&rahoitus=rahoittaja")
    filterset = ActorDirectoryFilter(data, queryset=Actor.objects.published())
    filterset.form.is_valid()
    with django_assert_num_queries(1) as queries:
        filterset.table_page_keys(0, 50)
    assert "actors_actorfacets" in queries.captured_queries[0]["sql"]
    # The other orders too (actors/0024), but by name or the newest first with no option
    # chosen: the actor table's own indexes.
    for query in ("tyyppi=yhdistys&jarjestys=lisatty", "jarjestys=tarkistettu"):
        filterset = ActorDirectoryFilter(QueryDict(query), queryset=Actor.objects.published())
        assert filterset.table_page_keys(0, 50), query
    for query in (
        "q=Toimija&alue=etela",
        "jarjestys=lisatty",
        "voimassa=0&jarjestys=nimi",
        "rahoitus=rahoittaja",
    ):
        filterset = ActorDirectoryFilter(QueryDict(query), queryset=Actor.objects.published())
        assert filterset.table_page_keys(0, 50) is None, query


@pytest.mark.parametrize(
    ("total", "walked"), [(facets.WALK_FROM - 1, False), (facets.WALK_FROM, True)]
)
@pytest.mark.parametrize("order", ["", "&jarjestys=tarkistettu", "&jarjestys=lisatty"])
def test_a_long_filtered_list_walks_the_order_indexes(directory, total, walked, order):
    # An area's own actors, then the national ones, each part by kind and name (or in the
    # order chosen).
    listed = order_actors(Actor.objects.published(), order.rpartition("=")[2])
    filterset = ActorDirectoryFilter(QueryDict(f"alue=etela{order}"), queryset=listed)
    filterset.form.is_valid()
    with CaptureQueriesContext(connection) as queries:
        keys = filterset.table_page_keys(0, 50, total=total)
    assert keys == list(filterset.qs.values_list("pk", flat=True)[:50])
    [query] = queries.captured_queries
    assert ("UNION ALL" in query["sql"]) == walked
    if walked:
        # The default's two parts of kinds in the area's own actors and in the national
        # ones; the other orders, the area's own actors and the national ones alone.
        assert query["sql"].count("NOT f.is_national AND f.kind") == (0 if order else 2)
        assert query["sql"].count("NOT f.is_national") == (1 if order else 2)


@pytest.mark.parametrize("kinds", [["yhdistys"], ["yhdistys", "saatio"], ["kunta", "kela"]])
def test_a_long_list_of_kinds_of_one_part_walks_them_by_name(directory, kinds):
    # Kinds of one part (civil society, the public sector): the list is by name alone, the
    # area's own actors, then the national ones.
    query = "&".join(["alue=etela", *(f"tyyppi={kind}" for kind in kinds)])
    listed = order_actors(Actor.objects.published())
    filterset = ActorDirectoryFilter(QueryDict(query), queryset=listed)
    filterset.form.is_valid()
    with CaptureQueriesContext(connection) as queries:
        keys = filterset.table_page_keys(0, 50, total=facets.WALK_FROM)
    assert keys == list(filterset.qs.values_list("pk", flat=True)[:50])
    assert keys
    [query] = queries.captured_queries
    assert query["sql"].count("UNION ALL") == 1
    assert query["sql"].count("NOT f.is_national ORDER BY f.name") == 1
    assert "f.kind NOT IN" not in query["sql"]


def test_the_unfiltered_lists_pages_walk_each_parts_index(directory):
    # The kinds of the query's conditions must be those of actors/0019's partial indexes.
    listed = order_actors(Actor.objects.published())  # as the list orders it
    filterset = ActorDirectoryFilter(QueryDict("page=2"), queryset=listed)
    filterset.form.is_valid()
    with CaptureQueriesContext(connection) as queries:
        keys = filterset.table_page_keys(2, 5)
    assert keys == list(filterset.qs.values_list("pk", flat=True)[2:7])
    [query] = queries.captured_queries
    with transaction.atomic(), connection.cursor() as cursor:
        # Either index, in its order, is cheaper than any scan and sort at any table size.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {query['sql']}")
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "actors_actorfacets_civil_order_idx" in plan
    assert "actors_actorfacets_public_order_idx" in plan


def test_all_facets_and_the_lists_count_are_one_query(directory, django_assert_num_queries):
    data = QueryDict("alue=etela&tyyppi=yhdistys&rahoitus=rahoittaja")
    filterset = ActorDirectoryFilter(data, queryset=Actor.objects.published())
    with django_assert_num_queries(1):
        total, counts = filterset.counts()
    assert total == filterset.qs.count() == counts["tyyppi"]["yhdistys"]
    assert total > 0


@pytest.mark.parametrize(
    "query",
    [
        "",
        "tyyppi=yhdistys",
        "kunta=kunta-1&palvelu=palvelu-2",
        "valtakunnalliset=0&alue=etela",
        "voimassa=0&kohderyhma=ryhma-1",
    ],
)
def test_the_count_with_the_facets_is_the_lists_count(directory, query):
    filterset = ActorDirectoryFilter(QueryDict(query), queryset=Actor.objects.published())
    total, _facets = filterset.counts()
    assert total == filterset.qs.count()


def test_a_search_leaves_the_count_to_the_list(directory):
    # The list bounds a search within its other filters; the facet query cannot.
    filterset = ActorDirectoryFilter(QueryDict("q=Toimija"), queryset=Actor.objects.published())
    total, counts = filterset.counts()
    assert total is None
    assert sum(counts["tyyppi"].values()) == filterset.qs.count()


def test_another_queryset_is_counted_through_the_link_tables(directory):
    drafts = ActorDirectoryFilter(QueryDict(""), queryset=Actor.objects.filter(status="draft"))
    assert not drafts.facets_from_table()
    assert sum(drafts.facet_counts()["tyyppi"].values()) == 1


def test_widenings_from_the_table_equal_those_through_the_actor_table(directory, monkeypatch):
    searches = 0
    for pairs in selections(directory):
        searches += any(name == "q" for name, _value in pairs)
        from_table, through_actors = from_the_table_and_not(pairs, monkeypatch)
        assert from_table.widenings() == through_actors.widenings(), pairs
    assert searches > 10  # the search left out counted from the table, the others apart


def test_widenings_are_one_query_of_the_table(directory, django_assert_num_queries):
    data = QueryDict("alue=pohjoinen&kunta=kunta-2&valtakunnalliset=1&rahoitus=rahoittaja")
    filterset = ActorDirectoryFilter(data, queryset=Actor.objects.published())
    filterset.form.is_valid()
    with django_assert_num_queries(1):
        widenings = dict(filterset.widenings())
    assert set(widenings) == {"alue", "kunta", "valtakunnalliset", "rahoitus", "voimassa"}
    assert widenings["kunta"] == filterset.filtered(kunta=None).count()


def test_a_search_alone_looks_its_matches_up_once(directory, client):
    # The facets' search is the list's own selection without its options: the same matches.
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("directory:actors"), {"q": "Toimija"})
    assert response.status_code == 200
    lookups = [q for q in queries.captured_queries if f"LIMIT {search_cap() + 1}" in q["sql"]]
    assert len(lookups) == 1


def test_a_searchs_facets_read_its_looked_up_matches_by_key(directory, monkeypatch):
    # In a request, a search's first matches are looked up once (keko.search); the facets
    # then read those keys, not a subquery of the actor table.
    monkeypatch.setattr(search.request_matches._local, "memo", {}, raising=False)
    for pairs in ([("q", "Toimija")], [("q", "Toimija"), ("alue", "etela")]):
        from_table, through_links = from_the_table_and_not(pairs, monkeypatch)
        with CaptureQueriesContext(connection) as queries:
            counts = from_table.facet_counts()
        assert counts == through_links.facet_counts(), pairs
        scans = [q["sql"] for q in queries.captured_queries if "actors_actorfacets" in q["sql"]]
        assert scans and all("f.actor_id = ANY(" in sql for sql in scans), pairs
        assert not any('FROM "actors_actor"' in sql for sql in scans), pairs
        # Among so few rows, each one's funders are read by the link table's index.
        assert counts["rahoitus"], pairs
        assert all("CROSS JOIN LATERAL" in sql for sql in scans), pairs


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_dates_of_every_row_and_keeps_them():
    executor = MigrationExecutor(connection)
    before = [("actors", "0023_admin_list_indexes")]
    after = [("actors", "0024_facet_list_orders")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    actor = old.get_model("actors", "Actor").objects.create(
        name="Työpaja", slug="tyopaja", kind="association", verified_on=datetime.date(2026, 3, 4)
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    dates = "SELECT verified_on, created_at FROM actors_actorfacets WHERE actor_id = %s"
    with connection.cursor() as cursor:
        cursor.execute(dates, [actor.pk])
        assert cursor.fetchone() == (datetime.date(2026, 3, 4), actor.created_at)
    # Kept on write from then on, and dropped again going back.
    Actor.objects.filter(pk=actor.pk).update(verified_on=datetime.date(2026, 5, 6))
    with connection.cursor() as cursor:
        cursor.execute(dates, [actor.pk])
        assert cursor.fetchone()[0] == datetime.date(2026, 5, 6)
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = %s"
            " AND column_name IN ('verified_on', 'created_at')",
            ["actors_actorfacets"],
        )
        assert cursor.fetchone()[0] == 0
    # The rest of the project's migrations, for the next tests.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
