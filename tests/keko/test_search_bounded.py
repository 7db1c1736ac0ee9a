"""keko.search: a search reads, ranks and counts at most SEARCH_CAP + 1 matches, with every
filter applied (before search() or after it) inside that bound; the small curated tables
(search_bounded = False) are searched whole."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from actors.models import Actor
from funding.models import FundingSource
from glossary.models import Term
from keko import search
from keko.models import Status
from keko.search import BoundedSearchQuery, is_capped
from practices.models import Practice
from tests.factories import (
    make_actor,
    make_funding_source,
    make_municipality,
    make_practice,
    make_region,
    make_term,
)

pytestmark = pytest.mark.django_db

CAP = 3


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(BoundedSearchQuery, "search_cap", CAP)


def test_a_search_on_a_swedish_page_counts_and_lists_its_first_matches(small_cap):
    # A Swedish page searches the Swedish columns too (as a computed vector on PostgreSQL):
    # both kinds of match are bounded, counted and listed.
    for n in range(CAP + 2):
        make_actor(name=f"Työpaja {n}", name_sv=f"Verkstad {n}")
    make_actor(name="Muu toimija", name_sv="Annan aktör")
    with translation.override("sv"):
        for word in ("verkstad", "työpaja"):
            results = Actor.objects.published().search(word)
            count = results.count()
            assert count == CAP + 1 and is_capped(count), word
            assert len(list(results)) == CAP + 1


def test_count_stops_past_the_cap(small_cap):
    for n in range(CAP + 3):
        make_actor(name=f"Työpaja {n}")
    results = Actor.objects.published().search("työpaja")
    count = results.count()
    assert count == CAP + 1 and is_capped(count)
    assert len(list(results)) == CAP + 1


def test_fewer_matches_than_the_cap_are_all_found_and_counted(small_cap):
    named = make_actor(name="Työpaja Verstas")
    described = make_actor(name="Aalto", description="Tukee työpajoja.")
    make_actor(name="Muu")
    results = Actor.objects.published().search("työpaja")
    assert results.count() == 2 and not is_capped(2)
    assert set(results) == {named, described}


def test_filters_after_the_search_are_inside_the_bound(small_cap):
    north, south = make_region(), make_region()
    town = make_municipality(region=south)
    for n in range(CAP + 2):
        make_actor(name=f"Työpaja pohjoinen {n}", municipality=make_municipality(region=north))
    southern = {make_actor(name=f"Työpaja etelä {n}", municipality=town) for n in range(CAP)}
    # The first matches of the whole country would be northern ones: the region's filter
    # must narrow the matches before they are cut.
    results = Actor.objects.published().search("työpaja").serving_regions([south])
    assert set(results) == southern
    assert results.count() == CAP


def test_the_bound_holds_in_subqueries(small_cap):
    for n in range(CAP + 3):
        make_actor(name=f"Työpaja {n}")
    matches = Actor.objects.published().search("työpaja")
    assert Actor.objects.filter(pk__in=matches.values("pk")).count() == CAP + 1


def test_no_search_text_leaves_the_rows_unbounded(small_cap):
    for n in range(CAP + 2):
        make_actor(name=f"Toimija {n}")
    assert Actor.objects.search("  ").count() == CAP + 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the matches are looked up once on PostgreSQL only"
)
def test_within_a_request_the_matches_are_looked_up_once(small_cap):
    for n in range(CAP + 3):
        make_actor(name=f"Työpaja {n}")
    search.request_matches.start()
    try:
        results = Actor.objects.published().search("työpaja")
        with CaptureQueriesContext(connection) as queries:
            results.count()
            list(results[:2])
            results.count()
        # the matches (which the count is), then the page by key; no second lookup
        assert len(queries) == 2
        # The keys as one array, not one parameter each.
        assert '"actors_actor"."id" = ANY(' in queries[1]["sql"]
        assert list(results[:2]) == list(results.order_by("name", "pk")[:2])
    finally:
        search.request_matches.end()


def ranked_actors():
    """Actors a search for "tyovalmennus" ranks apart: a title's match above a description's
    (and two with the same title by key), a title like the word (a typo's) last."""
    return [
        make_actor(name="Työvalmennus Aalto"),
        make_actor(name="Työvalmennus Aalto"),
        make_actor(name="Bertta", description="Työvalmennusta ja työvalmennusta."),
        make_actor(name="Cecilia", description="Työvalmennusta."),
        make_actor(name="Tampereen Tyvalmennus"),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranked matches: PostgreSQL")
def test_best_matches_rank_the_first_matches_as_they_are_read():
    make_actor(name="Muu")
    ranked = ranked_actors()
    results = Actor.objects.published().search("tyovalmennus")
    # As the query itself ranks them.
    assert list(results) == ranked
    with CaptureQueriesContext(connection) as queries:
        assert results.best_matches(3) == (len(ranked), ranked[:3])
    ranking, _rows = (query["sql"] for query in queries.captured_queries)
    assert "ORDER BY rank DESC, title ASC, key ASC" in ranking
    # Not in the search's order: ranked by the query's own order instead.
    by_name = results.order_by("name", "pk")
    assert by_name.query.best_keys(3, by_name.db) is None
    assert by_name.best_matches(2) == (len(ranked), sorted(ranked, key=lambda a: a.name)[:2])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranked matches: PostgreSQL")
@pytest.mark.parametrize("first", ["in the search's order", "in none", "by name"])
def test_a_page_in_the_searchs_order_is_a_slice_of_its_ranked_matches(first):
    make_actor(name="Muu")
    ranked = [actor.pk for actor in ranked_actors()]
    results = Actor.objects.published().search("tyovalmennus")
    first_lookup = {
        "in the search's order": results,
        "in none": results.order_by(),
        "by name": results.order_by("name", "pk"),
    }[first]
    search.request_matches.start()
    try:
        assert first_lookup.count() == len(ranked)  # the matches looked up
        with CaptureQueriesContext(connection) as queries:
            pages = [results[start : start + 2].ranked_page_keys() for start in (0, 2, 4)]
            by_name = results.order_by("name", "pk")[:2].ranked_page_keys()
    finally:
        search.request_matches.end()
    assert len(queries) == 0
    assert by_name is None  # not in the search's order
    if first == "in the search's order":
        assert pages == [ranked[0:2], ranked[2:4], ranked[4:]]
    else:
        # Looked up for a query in another order or none (a count's): no page of them,
        # the page's own query instead.
        assert pages == [None, None, None]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranked matches: PostgreSQL")
def test_a_search_lists_its_page_in_its_order(client):
    from django.urls import reverse

    ranked = ranked_actors()
    with CaptureQueriesContext(connection) as queries:
        listed = client.get(reverse("directory:actors"), {"q": "tyovalmennus"})
    assert listed.status_code == 200
    # Ranked once, as the matches are looked up: the page is a slice of them.
    [ranking] = [query["sql"] for query in queries if "ts_rank" in query["sql"]]
    assert "text_matches" in ranking
    content = listed.content.decode()
    # Best first, equal names by key.
    shown = sorted(ranked, key=lambda actor: content.index(f'href="{actor.get_absolute_url()}"'))
    assert shown == ranked


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the matches are looked up once on PostgreSQL only"
)
def test_within_a_request_a_search_that_found_nothing_is_not_sought_again(small_cap):
    make_actor(name="Työpaja")
    search.request_matches.start()
    try:
        results = Actor.objects.published().search("xqzw")
        with CaptureQueriesContext(connection) as queries:
            assert results.count() == 0
            assert list(results) == []
            assert Actor.objects.filter(pk__in=results.values("pk")).count() == 0
        [lookup, *by_key] = [query["sql"] for query in queries]
        assert "%>" in lookup
        # The rest by key, from an empty array: no second search of the names' trigrams.
        assert by_key and all("%>" not in sql and "= ANY(" in sql for sql in by_key)
    finally:
        search.request_matches.end()


def test_pages_say_over_the_cap_rather_than_a_count(small_cap, client):
    from django.urls import reverse

    for n in range(CAP + 3):
        make_actor(name=f"Työpaja {n}")
    listed = client.get(reverse("directory:actors"), {"q": "työpaja"}).content.decode()
    assert f"Yli {CAP} toimijaa" in listed
    found = client.get(reverse("directory:search"), {"q": "työpaja"}).content.decode()
    assert f"Yli {CAP} osumaa haulla" in found and f"(yli {CAP})" in found
    # Under the cap, the count itself.
    few = client.get(reverse("directory:actors"), {"q": "työpaja 1"}).content.decode()
    assert "1 toimija" in few and "Yli" not in few


def test_best_matches_count_and_rank_keys_then_fetch_the_first_rows(
    small_cap, django_assert_num_queries
):
    town = make_municipality(region=make_region())
    for n in range(CAP + 2):
        make_actor(name=f"Työpaja {n}", municipality=town)
    results = Actor.objects.published().search("työpaja").select_related("municipality__region")
    expected = list(results[:2])
    # Within a request as well, where a list looks its matches up apart (PostgreSQL).
    search.request_matches.start()
    try:
        with CaptureQueriesContext(connection) as queries:
            count, first = results.best_matches(2)
    finally:
        search.request_matches.end()
    assert count == CAP + 1 and is_capped(count)
    assert first == expected
    # The keys counted and ranked in one query; the rows of the first two in the next, with
    # the areas selected beside them (no query more to show them).
    ranking, rows = (query["sql"] for query in queries.captured_queries)
    # The ranking selects keys, not the rows' columns (its conditions read the text).
    assert '"actors_actor"."description"' not in ranking.split(" FROM ")[0]
    assert "COUNT(*) OVER ()" in ranking
    if connection.vendor == "postgresql":
        # Ranked as its first matches are read, not each found again by key.
        assert "ORDER BY rank DESC" in ranking and " IN (SELECT" not in ranking
    assert "actors_region" in rows and f"LIMIT {CAP + 1}" not in rows
    with django_assert_num_queries(0):
        assert [actor.municipality.region for actor in first] == [town.region] * 2


@pytest.mark.parametrize("bounded", [True, False])
def test_best_matches_fetch_the_first_rows_as_asked(
    small_cap, django_assert_num_queries, monkeypatch, bounded
):
    # The site search's cards: the first rows fetched by the caller's function, in rank
    # order, after the ranked keys (a table searched whole ranks its keys first too).
    monkeypatch.setattr(Actor.objects._queryset_class, "search_bounded", bounded)
    for n in range(CAP + 2):
        make_actor(name=f"Työpaja {n}", description="työpaja " * n)
    results = Actor.objects.published().search("työpaja")
    expected = list(results[:2])
    fetched = []

    def rows(keys):
        fetched.append(sorted(keys))
        return Actor.objects.filter(pk__in=keys).for_list(services=False)

    with django_assert_num_queries(2):
        count, first = results.best_matches(2, rows)
    assert count == (CAP + 1 if bounded else CAP + 2)
    assert fetched == [sorted(actor.pk for actor in expected)]
    assert [type(row).__name__ for row in first] == ["ListedActor"] * 2
    assert first == expected


def test_best_matches_of_a_search_without_matches(django_assert_num_queries):
    make_actor(name="Verstas")
    with django_assert_num_queries(1):
        assert Actor.objects.published().search("työpaja").best_matches(10) == (0, [])


def test_a_title_like_the_words_is_found_beside_the_text_matches(small_cap):
    described = make_actor(name="Verstas", description="Tyovalmennusta nuorille.")
    titled = make_actor(name="Tampereen Tyvalmennus")
    make_actor(name="Muu")
    results = Actor.objects.published().search("tyovalmennus")
    # The title's trigrams forgive the letter missing from it, on PostgreSQL only.
    expected = {described, titled} if connection.vendor == "postgresql" else {described}
    assert set(results) == expected
    assert results.count() == len(expected)
    assert results.best_matches(10)[0] == len(expected)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored vector: PostgreSQL")
def test_a_title_like_the_words_is_found_without_a_stored_vector(small_cap):
    titled = make_actor(name="Tampereen Työvalmennus")
    Actor.objects.filter(pk=titled.pk).update(search_vector=None)
    assert list(Actor.objects.published().search("tyovalmennus")) == [titled]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="title trigrams: PostgreSQL")
def test_more_text_matches_than_the_cap_leave_the_title_untested(small_cap):
    described = {
        make_actor(name=f"Verstas {n}", description="Tyovalmennusta.") for n in range(CAP + 1)
    }
    make_actor(name="Tampereen Tyvalmennus")
    results = Actor.objects.published().search("tyovalmennus")
    sql = str(results.query)
    assert "UNION ALL" in sql
    # The text's matches fill the bound: the title's trigrams are never tested.
    assert set(results) == described
    assert results.count() == CAP + 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="title trigrams: PostgreSQL")
def test_a_word_the_text_finds_often_is_no_typo(monkeypatch):
    monkeypatch.setattr(search, "TYPO_MATCHES", 3)
    titled = make_actor(name="Tampereen Tyvalmennus")
    described = {make_actor(name=f"Verstas {n}", description="Tyovalmennusta.") for n in range(2)}
    # Fewer text matches than TYPO_MATCHES: the title with a letter missing is found too.
    assert set(Actor.objects.published().search("tyovalmennus")) == {*described, titled}
    described.add(make_actor(name="Verstas 2", description="Tyovalmennusta."))
    # As many: the word is no typo, and the titles' trigrams are not tested.
    results = Actor.objects.published().search("tyovalmennus")
    assert set(results) == described
    assert results.count() == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the matches are looked up once on PostgreSQL only"
)
def test_a_looked_up_search_tests_the_titles_only_after_few_text_matches(monkeypatch):
    monkeypatch.setattr(search, "TYPO_MATCHES", 3)
    titled = make_actor(name="Tampereen Tyvalmennus")
    described = {make_actor(name=f"Verstas {n}", description="Tyovalmennusta.") for n in range(2)}

    def looked_up():
        search.request_matches.start()
        try:
            with CaptureQueriesContext(connection) as queries:
                found = set(Actor.objects.published().search("tyovalmennus"))
        finally:
            search.request_matches.end()
        [lookup, _page] = [query["sql"] for query in queries]
        # The text's matches kept for the count of them, not sought again (EXISTS).
        assert "MATERIALIZED" in lookup and "EXISTS" not in lookup
        return found

    # Fewer text matches than TYPO_MATCHES: the title with a letter missing is found too.
    assert looked_up() == {*described, titled}
    described.add(make_actor(name="Verstas 2", description="Tyovalmennusta."))
    # As many: the word is no typo.
    assert looked_up() == described


def _looked_up_within(region, word, *, then_without_area=False):
    """The actors a search of `word` within `region` finds, as a request looks them up,
    and the SQL of its queries; with `then_without_area`, the SQL of the same search without
    the area looked up next in the same request too."""
    search.request_matches.start()
    try:
        with CaptureQueriesContext(connection) as queries:
            actors = Actor.objects.published().serving_regions([region], national=True)
            found = set(actors.search(word))
        with CaptureQueriesContext(connection) as queries_without_area:
            if then_without_area:
                list(Actor.objects.published().search(word).order_by().values("pk"))
    finally:
        search.request_matches.end()
    return found, [query["sql"] for query in queries], len(queries_without_area)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="looked-up matches: PostgreSQL")
def test_a_search_within_an_area_tests_the_texts_few_matches_by_key(monkeypatch):
    monkeypatch.setattr(BoundedSearchQuery, "search_cap", 5)
    monkeypatch.setattr(search, "TYPO_MATCHES", 2)
    region = make_region()
    elsewhere = make_municipality()
    here = make_municipality(region=region)
    matching = {make_actor(name=f"Työpaja {n}", municipality=here) for n in range(2)}
    matching.add(make_actor(name="Työpaja valtakunnallinen", is_national=True))
    make_actor(name="Työpaja muualla", municipality=elsewhere)
    make_actor(name="Työpaja luonnos", municipality=here, status=Status.DRAFT)
    make_actor(name="Muu toimija", municipality=here)

    # The search without the area matches fewer rows than the cap (the draft is no match):
    # every one of them tested by key for the area; the search without the area, which a
    # list counts its area facet from, is then looked up already.
    found, sqls, queries_without_area = _looked_up_within(region, "työpaja", then_without_area=True)
    assert found == matching
    [lookup] = [sql for sql in sqls if "LATERAL" in sql]
    assert "unnest(" in lookup and "OFFSET 0" in lookup
    assert queries_without_area == 1  # its rows by key alone

    # One match more than the cap: the area's members tested for the text instead.
    make_actor(name="Työpaja toinen muualla", municipality=elsewhere)
    make_actor(name="Työpaja kolmas muualla", municipality=elsewhere)
    found, sqls, _queries = _looked_up_within(region, "työpaja")
    assert found == matching
    assert not [sql for sql in sqls if "LATERAL" in sql]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="title trigrams: PostgreSQL")
def test_a_search_within_an_area_by_key_still_finds_a_typos_title(small_cap, monkeypatch):
    monkeypatch.setattr(search, "TYPO_MATCHES", 3)
    region = make_region()
    here = make_municipality(region=region)
    titled = make_actor(name="Tampereen Tyvalmennus", municipality=here)
    described = make_actor(name="Verstas", description="Tyovalmennusta.", municipality=here)
    make_actor(name="Muualla", description="Tyovalmennusta.", municipality=make_municipality())

    found, sqls, _queries = _looked_up_within(region, "tyovalmennus")
    assert found == {described, titled}
    assert [sql for sql in sqls if "LATERAL" in sql]


@pytest.mark.parametrize(
    ("model", "make", "title"),
    [(Practice, make_practice, "title"), (FundingSource, make_funding_source, "name"),
     (Term, make_term, "term")],
)  # fmt: skip
def test_a_small_curated_table_is_searched_whole(small_cap, model, make, title):
    for n in range(CAP + 2):
        make(**{title: f"Työpaja {n}"})
    make(**{title: "Muu"})
    results = model.objects.published().search("työpaja")
    with CaptureQueriesContext(connection) as queries:
        count, first = results.best_matches(2)
    # Every match counted and ranked, past the actors' cap, in one query without its bound.
    assert count == CAP + 2 and is_capped(count)
    assert [getattr(entry, title) for entry in first] == ["Työpaja 0", "Työpaja 1"]
    [query] = queries.captured_queries
    assert f"LIMIT {CAP + 1}" not in query["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="title trigrams: PostgreSQL")
@pytest.mark.parametrize("elsewhere_kind", ["association", "company"])
def test_a_word_the_text_finds_often_elsewhere_is_no_typo_within_an_area(
    elsewhere_kind, monkeypatch
):
    """A narrow selection's few text matches (none here) make no typo of a word the text
    finds often among all rows: the titles like it are not sought. With no company matching
    elsewhere, the text's matches without the area are none, and the titles alone were
    sought; with more than the cap, the area's members are tested for the text."""
    monkeypatch.setattr(search, "TYPO_MATCHES", 3)
    monkeypatch.setattr(BoundedSearchQuery, "search_cap", 1)
    region = make_region()
    here = make_municipality(region=region)
    make_actor(name="Tampereen Tyvalmennus", municipality=here, kind="company")
    make_actor(name="Verstas", description="Tyovalmennusta.", municipality=here)
    elsewhere = make_municipality()
    for n in range(2):
        make_actor(
            name=f"Muu {n}",
            description="Tyovalmennusta.",
            municipality=elsewhere,
            kind=elsewhere_kind,
        )

    def companies_within(word):
        search.request_matches.start()
        try:
            actors = Actor.objects.published().serving_regions([region]).filter(kind="company")
            return set(actors.search(word))
        finally:
            search.request_matches.end()

    # Three text matches among all actors, none of them a company here: no typo.
    assert companies_within("tyovalmennus") == set()
    # A word the text finds nowhere: the company's title like it is found.
    typo = make_actor(name="Tampereen Tyvalmenus", municipality=here, kind="company")
    assert typo in companies_within("tyvalmenus")
