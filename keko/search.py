"""Text search shared by every list: PostgreSQL full-text search, or a plain match on SQLite."""

import functools
import operator
import re
import unicodedata

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    TrigramWordSimilarity,
)
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections, models
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Lookup,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.db.models.sql import Query
from django.db.models.sql.where import AND, OR, WhereNode
from django.utils.translation import get_language

from .content_languages import translated_fields
from .registry import directory_models
from .request_memo import RequestMemo

MAX_TERMS = 8
# PostgreSQL's text search configuration for each language of the site: its stemmer and stop
# words. Finnish is the content's own language, searched with its accents folded ("tyollisyys"
# finds "työllisyys": actors/0016); Swedish and English search their columns too.
SEARCH_CONFIGS = {"fi": "keko_finnish", "sv": "swedish", "en": "english"}
# A search lists, ranks and counts at most this many matches (and tells whether there were
# more): ranking or counting every one of 20 000 matches of a common word costs more than a
# page, and nobody reads past the first few hundred.
SEARCH_CAP = 1000
# A search's title is matched by its similar words (a typo's) only when its text matches fewer
# than this many rows, both within the search's other conditions and among all rows.
TYPO_MATCHES = 50


def is_capped(count):
    """Whether a search's `count` (which stops at the cap + 1) means "more than the cap"."""
    return count > search_cap()


def search_cap():
    """How many matches a search reads at most (and counts, plus one)."""
    return BoundedSearchQuery.search_cap


class SearchMatch(WhereNode):
    """A search's condition among a query's others: its text matches, or its title is like
    the words typed. A node class of its own, so that BoundedSearchQuery can find it again
    (Django's nodes keep their class when a query is cloned or relabelled)."""


class AnyOf(Lookup):
    """`field = ANY(%s)` with a list of keys as one array parameter on PostgreSQL: as
    `IN (%s, %s, …)`, Django resolved and psycopg placed the thousand looked-up keys of a
    search's matches, or a print's entries, one by one, in every query of the page; and an
    empty list is no SQL. Other databases get the `IN` list."""

    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = {ANY_KEY}", (*lhs_params, key_array(self.rhs))

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        keys = [int(key) for key in self.rhs]
        return f"{lhs} IN ({', '.join(['%s'] * len(keys))})", (*lhs_params, *keys)


# A condition on a list of keys (key_array): psycopg's list dumper, in Python, took 0.5 ms
# more to write a search's thousand keys than one string.
ANY_KEY = "ANY(%s::bigint[])"


def key_array(keys):
    """Return integer `keys` as one PostgreSQL array literal, for ANY_KEY."""
    return "{" + ",".join(map(str, map(int, keys))) + "}"


class BoundedSearchQuery(Query):
    """A query of search results that reads at most `search_cap` + 1 matching rows.

    The bound is added when the query is compiled, so that it holds every filter applied
    after search() (the list's region, kind, …) as well as before: the rows are
    `pk IN (SELECT pk … the same filters … LIMIT cap + 1)`, and ranking, counting, facets and
    pages work on those only. Which of more than `cap` matches are kept is left to the
    database (an index order, cheap); with fewer matches, all are kept and ranked.
    """

    search_cap = SEARCH_CAP
    # The search's text and title conditions (Q objects) when the text is the cheaper test (a
    # stored, indexed vector), else None: see _text_first.
    search_parts = None
    # The search's own order, best match first (search()): a query in it can count and rank
    # its first matches as it reads them (best_keys).
    search_order = None
    # Whether the first matches' keys are looked up once per request (a list that counts,
    # pages and facets the same matches), or left in a subquery (one query that counts and
    # ranks them at once: best_matches()).
    look_up_matches = True

    def add_search(self, text, title, *, text_first, title_field):
        """Add a search's condition, `text` | `title` (Q objects). With `text_first`, its first
        matches are sought among the text's matches before the title's (see _text_first).
        Its rank is the annotation `search_rank`, its ties in the order of `title_field`."""
        condition, _joins = self.build_filter(text | title)
        self.where.add(SearchMatch.create(condition.children, OR), AND)
        self.search_parts = (text, title) if text_first else None
        self.search_order = ("-search_rank", title_field, "pk")

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        bounded = self._bounded(using or connection.alias)
        if bounded is None:
            return super().get_compiler(using, connection, elide_empty)
        return bounded.get_compiler(using, connection, elide_empty)

    def _bounded(self, using):
        """Return a plain Query of `self` limited to its first matching rows, or None when
        it cannot be (a combined query, a filter on an aggregate)."""
        inner = self._first_matches()
        if inner is None:
            return None
        keys = self._keys(inner, using)
        outer = self.chain(Query)
        if self._joins_keep_rows():
            # The keys meet every condition already: fetch the rows by key alone, so that the
            # search's conditions are not evaluated (nor its indexes scanned) again.
            outer.where = WhereNode()
        if keys is None:
            try:
                sql, params = self._text_first(inner, using)
            except EmptyResultSet:
                outer.set_empty()
            else:
                outer.add_q(Q(pk__in=RawSQL(sql, params)))
        else:
            # An empty array too: a search that found nothing is not sought again (a typo's
            # trigrams, tens of milliseconds) by the facets, the page and the widenings.
            outer.add_q(Q(AnyOf(F("pk"), keys)))
        return outer

    def _keys(self, inner, using):
        """Return the keys `inner` selects, looked up once per request, or None; in the
        search's order (RankedKeys) if looked up for a query in that order."""
        if not self.look_up_matches:
            return None
        ranked = self._in_search_order()

        def sql_of(inner):
            text_keys = self._wider_keys(inner, using)
            if ranked:
                return self._ranked_sql(inner, using, text_keys=text_keys)
            return self._text_first(inner, using, text_keys)

        return _looked_up(inner, using, sql_of, ranked=ranked)

    def _in_search_order(self):
        return self.search_order is not None and tuple(self.order_by) == self.search_order

    def _wider_keys(self, inner, using):
        """Return the keys of every match of the search within the other conditions of
        `inner` (the first matches) but its filters by a subquery (an area's members), looked
        up once per request, when it has such a filter and they are at most `search_cap`;
        else None.

        PostgreSQL cannot tell how many rows such a filter keeps (it guesses 200), so it
        reads them all and tests the text of each, where few rows match the text: a rare
        word within Uusimaa's 31 000 actors took 95 ms, its 378 matches tested by key 3 ms.
        A common word (more matches than the cap) is left to the filter, which then finds
        them faster than the text would within a small area. The wider search is the one a
        list counts its area facet from (the search without its options): one lookup for
        both, where the text alone was one more query (3-6 ms at 100 000 actors).
        """
        others = _other_conditions(inner) if self.search_parts else None
        if not others or not any(_is_subquery_filter(child) for child in others):
            return None
        wider = inner.clone()
        wider.where = WhereNode(
            [child for child in inner.where.children if not _is_subquery_filter(child)], AND
        )
        keys = _looked_up(wider, using, lambda wider: self._text_first(wider, using))
        return keys if keys is not None and len(keys) <= self.search_cap else None

    def _ranked_sql(self, inner, using, first=None, text_keys=None):
        """Return the SQL and params of the keys of `inner` (the first matches) in the
        search's order: of all of them, or of the best `first`, each with how many matches
        there are. `text_keys` as for _text_first."""
        inner = inner.clone()
        inner.clear_select_clause()
        # The key, the title, the rank: the columns the order below names.
        inner.add_fields([self.get_meta().pk.name, self.search_order[1]], allow_m2m=False)
        inner.set_annotation_mask(["search_rank"])
        sql, params = self._text_first(inner, using, text_keys)
        # Sorted outside the limit, which keeps the rows it kept; only the keys sent back.
        ordered = (
            f"FROM ({sql}) AS matches (key, title, rank) ORDER BY rank DESC, title ASC, key ASC"
        )
        if first is None:
            return f"SELECT key {ordered}", params
        # The count beside the best few alone (best_keys): a lookup counts its keys.
        return f"SELECT key, COUNT(*) OVER () {ordered} LIMIT %s", (*params, first)

    def best_keys(self, size, using):
        """Return (how many rows `self` has, the keys of its best `size`) from one query that
        ranks the first matches as it reads them; None where `self` is not in the search's
        order or its joins could repeat a row."""
        if not self._in_search_order():
            return None
        inner = self._first_matches()
        if inner is None or not self._joins_keep_rows():
            return None
        try:
            sql, params = self._ranked_sql(inner, using, size)
        except EmptyResultSet:
            return 0, []
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return (rows[0][1] if rows else 0), [row[0] for row in rows]

    def _first_matches(self):
        """Return a plain Query of the keys of the first `search_cap` + 1 rows of `self`."""
        if self.search_cap is None or self.combinator or self.where.contains_aggregate:
            return None
        inner = self.chain(Query)
        inner.clear_ordering(force=True)
        inner.clear_limits()
        inner.group_by = None
        inner.clear_select_clause()
        inner.add_fields([self.get_meta().pk.name], allow_m2m=False)
        inner.set_limits(high=self.search_cap + 1)
        return inner

    def _text_first(self, inner, using, text_keys=None):
        """Return the SQL and params of `inner` (the first matches) as the text's matches,
        then the title's others under the same limit, or of `inner` itself when the search
        was not added so (add_search) or is not among its conditions.

        `text_keys`: keys among which are all of the text's matches (_wider_keys), if known:
        the text's matches are then those of them that meet the other conditions, each
        tested by its key.

        The same rows when there are fewer than the limit. With more, the database stops at
        the limit within the text's matches, and never tests the title's trigrams, which cost
        a few times more per row than a stored vector: a common word's first 1 000 matches
        then take a fraction of the time.

        The title's similar words are sought only when the text finds few: a typo's. A word
        the text finds a hundred times is no typo, and its trigrams would be tested on
        thousands of names for nothing (20-35 ms). The text's matches are kept (MATERIALIZED)
        for that test rather than sought again: within an area, whose members are each tested
        in turn, a second search took as long as the first (12-20 ms in Lappi's 3 423). Nor
        is a word a typo that the text finds among all rows as often (_rare_word), when
        only the other conditions leave few: a kind within a large area, whose every name's
        trigrams were tested (50 ms in Pirkanmaa's 8 430, for each of a dead end's
        suggestions).
        """
        parts = self._text_and_title(inner)
        if parts is None:
            return inner.get_compiler(using).as_sql()
        text, title = parts
        try:
            if text_keys is None:
                text_sql, text_params = text.get_compiler(using).as_sql()
            else:
                text_sql, text_params = _by_key(text, text_keys, using)
        except EmptyResultSet:  # the text matches no row here: the title's words alone
            text_sql = None
        try:
            title_sql, title_params = title.get_compiler(using).as_sql()
        except EmptyResultSet:
            if text_sql is None:
                raise
            return text_sql, text_params
        rare_sql, rare_params = self._rare_word(using)
        if text_sql is None:
            return (
                f"SELECT * FROM ({title_sql}) AS title_matches WHERE {rare_sql}",
                (*title_params, *rare_params),
            )
        # PostgreSQL counts the text's matches among all rows only when those here are few.
        return (
            f"WITH text_matches AS MATERIALIZED ({text_sql})"
            " SELECT * FROM text_matches UNION ALL"
            f" (SELECT * FROM ({title_sql}) AS title_matches"
            f" WHERE (SELECT COUNT(*) FROM text_matches) < %s AND {rare_sql})"
            " LIMIT %s",
            (*text_params, *title_params, TYPO_MATCHES, *rare_params, inner.high_mark),
        )

    def _rare_word(self, using):
        """Return the SQL and params of a condition: the search's text matches fewer than
        TYPO_MATCHES rows among all rows, whatever the other conditions (_text_first). Its
        count reads a bitmap of a rare word's few rows, or a common word's first rows in the
        table: under a millisecond either way."""
        text, _title = self.search_parts
        anywhere = Query(self.model)
        anywhere.add_q(text)
        anywhere.clear_select_clause()
        anywhere.add_fields([self.get_meta().pk.name], allow_m2m=False)
        anywhere.clear_ordering(force=True)  # any rows: the first the database finds
        anywhere.set_limits(high=TYPO_MATCHES)
        try:
            sql, params = anywhere.get_compiler(using).as_sql()
        except EmptyResultSet:  # a text that can match no row: as rare as can be
            return "TRUE", ()
        return f"(SELECT COUNT(*) FROM ({sql}) AS anywhere) < %s", (*params, TYPO_MATCHES)

    def _text_and_title(self, inner):
        """Return `inner` (the first matches) as two queries, of the text's matches and of
        the title's others (title AND NOT text), or None when the search was not added so
        (add_search) or is not among its conditions."""
        if self.search_parts is None:
            return None
        others = _other_conditions(inner)
        if others is None:
            return None
        text, title = self.search_parts
        parts = []
        for condition in (text, title & ~text):
            part = inner.clone()
            part.where = WhereNode(others, AND)
            part.add_q(condition)
            parts.append(part)
        return parts

    def ranked_page_keys(self, using):
        """Return the keys of the rows `self` has (its slice, if sliced) in the search's
        order, a slice of its first matches looked up in that order in this request; None
        when they are not (see matched_keys), or not in that order (RankedKeys).

        A list's page in the search's order then needs no query of its own, where ranking a
        thousand matches by key again took 3-4 ms at 100 000 actors: ranked as they are
        looked up, they took 1 ms more."""
        if not self._in_search_order():
            return None
        keys = self._looked_up_keys(using)
        if not isinstance(keys, RankedKeys):
            return None
        return keys[self.low_mark : self.high_mark]

    def matches_count(self, using):
        """Return how many rows `self` has, from the keys looked up in this request, or None
        when they are not (SQLite, outside a request) or do not tell (joins, DISTINCT,
        slices)."""
        keys = self.matched_keys(using)
        return None if keys is None else len(keys)

    def matched_keys(self, using):
        """Return the keys of the rows `self` has, looked up in this request, or None when
        they are not (SQLite, outside a request) or are not its rows (joins, DISTINCT,
        slices)."""
        return None if self.is_sliced else self._looked_up_keys(using)

    def _looked_up_keys(self, using):
        """The keys of the first matches of `self` whatever its slice, looked up in this
        request; None as for matched_keys()."""
        if self.distinct or self.group_by is not None:
            return None
        inner = self._first_matches()
        if inner is None or not self._joins_keep_rows():
            return None
        return self._keys(inner, using)

    def _joins_keep_rows(self):
        """Whether every join follows a foreign key forwards: one row per row of the model
        whatever the conditions, so that dropping the conditions keeps the same rows."""
        for join in self.alias_map.values():
            field = getattr(join, "join_field", None)
            if field is not None and not (field.many_to_one or field.one_to_one):
                return False
        return True


def _other_conditions(inner):
    """Return the conditions of the query `inner` other than its search (SearchMatch), or
    None when it has no search among conditions all of which a row must meet."""
    if inner.where.connector != AND or inner.where.negated:
        return None
    others = [child for child in inner.where.children if not isinstance(child, SearchMatch)]
    return None if len(others) == len(inner.where.children) else others


def _is_subquery_filter(condition):
    """Whether the condition (a lookup, or a node of them) tests a subquery's rows."""
    if isinstance(condition, WhereNode):
        return any(_is_subquery_filter(child) for child in condition.children)
    return isinstance(getattr(condition, "rhs", None), Query)


def _by_key(part, keys, using):
    """Return the SQL and params of `part` (a query of keys, limited) as its rows among
    `keys`, each found by its key and tested on its own: a LATERAL subquery per key, fenced
    (OFFSET 0) so that PostgreSQL does not join the filters' subqueries to all the keys at
    once instead. The same rows if `keys` hold every row of `part`."""
    if not keys:
        raise EmptyResultSet
    probe = part.clone()
    probe.clear_limits()
    probe.add_q(Q(pk=RawSQL("keys.pk", (), output_field=models.BigIntegerField())))
    sql, params = probe.get_compiler(using).as_sql()
    return (
        "SELECT matched.* FROM unnest(%s::bigint[]) AS keys (pk)"
        f" CROSS JOIN LATERAL ({sql} OFFSET 0) AS matched LIMIT %s",
        (key_array(keys), *params, part.high_mark),
    )


# Within a request, the keys of the first matches of each distinct search query, so that the
# count, the page, and every facet of a list (a dozen queries on the same matches) look the
# matches up once. Emptied on every write of directory data.
request_matches = RequestMemo("keko.search.matches")


class RankedKeys(list):
    """The keys of a search's first matches in the search's order, best first."""


def _looked_up(inner, alias, sql_of, *, ranked=False):
    """Return the keys `inner` selects, looked up once per request (by the SQL `sql_of(inner)`
    returns, which selects the same), as RankedKeys if `ranked` (`sql_of` selects them in the
    search's order first); None outside a request and on SQLite, where the query serves as a
    subquery instead."""
    memo = request_matches.memo
    # PostgreSQL only: there a match is costly (a GIN scan or a trigram test per row); on
    # SQLite the subquery is cheap, and the query count stays that of the plain list.
    if memo is None or connections[alias].vendor != "postgresql":
        return None
    try:
        sql, params = _with_table_aliases(inner).get_compiler(using=alias).as_sql()
    except EmptyResultSet:  # a condition no row can meet: the query says so itself
        return None
    key = (alias, sql, tuple(params))
    if key not in memo:
        keys = RankedKeys() if ranked else []
        try:
            sql, params = sql_of(inner)
        except EmptyResultSet:
            pass
        else:
            with connections[alias].cursor() as cursor:
                cursor.execute(sql, params)
                keys.extend(row[0] for row in cursor.fetchall())
        memo[key] = keys
    return memo[key]


def _with_table_aliases(query):
    """Return `query` with its tables named as in a query of its own: the same search inside
    a subquery (aliases U0, V0, …) then has the same SQL, so the same key."""
    change, seen = {}, {}
    for alias, join in query.alias_map.items():
        n = seen[join.table_name] = seen.get(join.table_name, -1) + 1
        name = join.table_name if n == 0 else f"{join.table_name}_{n}"
        if alias != name:
            change[alias] = name
    if not change or not set(change).isdisjoint(change.values()):
        return query
    return query.relabeled_clone(change)


def connect_receivers():
    """Keep the memo for the length of a request, and empty it when directory data is written
    (the directory's models only: a receiver for every model would cost every other bulk
    delete its single DELETE, which Django keeps for models nobody listens to)."""
    request_matches.connect()
    for model in directory_models():
        label = model._meta.label
        for signal in (post_save, post_delete):
            signal.connect(
                request_matches.forget,
                sender=model,
                dispatch_uid=f"keko.search.{label}.{id(signal)}",
            )
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                request_matches.forget,
                sender=field.remote_field.through,
                dispatch_uid=f"keko.search.{label}.{field.name}",
            )


def search_terms(text):
    """Return the words of `text` cut to a crude Finnish stem.

    Finnish inflects with suffixes ("Oulussa", "järjestöjen"), and the finnish snowball stemmer
    leaves some forms apart ("järjestöjen" → "järjestöj" but "järjestö" → "järjestö"). Dropping
    the last letters of longer words and matching the rest as a prefix brings them together.
    """
    return [_cut(word) for word in words(text)]


def _cut(word):
    return word if len(word) < 5 else word[: max(4, len(word) - 3)]


# Inflected forms whose stem and cut form are prefixes of neither their base form nor its
# stem ("yhdistyksen": "yhdistyks" and "yhdistyk"; "yhdistys": "yhdistys"): each seeks its
# base form too.
BASE_FORMS = (
    # A noun in -s takes -ks- before its endings: "yhdistyksen", "kuntoutukseen".
    (re.compile(r"(\w{3,})ks[ei]\w{0,5}"), r"\1s"),
    # A word in -nen takes -s- before its endings: "osatyökykyisten", "vammaiset".
    (re.compile(r"(\w{3,}i)s(?:en|et|ten|t[aä]|i[aä]|[ei]\w{2,4})"), r"\1nen"),
    # A noun in -uus or -yys takes -ude-, -ute- or -utt-: "työllisyyden", "työllisyyttä".
    (re.compile(r"(\w{3,}[uy])(?:[dt]e\w{1,5}|tt[aä])"), r"\1s"),
    # A word in -tön or -ton takes -ttöm- or -ttom-: "työttömien", "asunnottomille".
    (re.compile(r"(\w{2,})tt([öo])m\w{0,6}"), r"\1t\2n"),
)


def word_prefixes(word):
    """Return the prefixes that find the forms of `word` (a word of words()): its cut form,
    then the base form of an inflected form whose stem is apart from it (BASE_FORMS)."""
    prefixes = [_cut(word)]
    for inflected, base in BASE_FORMS:
        if inflected.fullmatch(word):
            prefixes.append(inflected.sub(base, word))
    return prefixes


def folded(word):
    """`word` without its accents, as keko_finnish indexes it (unaccent): "työ" → "tyo"."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def words(text):
    """Return the first few words of `text`, lower-cased."""
    return re.findall(r"\w+", text.lower())[:MAX_TERMS]


def is_postgresql():
    return connection.vendor == "postgresql"


def text_filter(fields, text):
    """Return a Q matching rows whose `fields` contain every search term at a word's start
    (SQLite fallback).

    A term found inside a word is no match ("Oulu" is not in "koulutus"), as on PostgreSQL,
    whose full-text search matches word prefixes. Django runs `iregex` on SQLite through
    Python's `re`, which folds the case of every letter, ä, ö and å included.
    """
    condition = Q()
    for word in words(text):
        prefixes = "|".join(map(re.escape, word_prefixes(word)))
        starts_a_word = rf"(^|\W)({prefixes})"
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__iregex": starts_a_word})
        condition &= any_field
    return condition


def finnish_query(text):
    """Return the SearchQuery of `text` on PostgreSQL: every word (FinnishWordQuery)."""
    return functools.reduce(operator.and_, map(FinnishWordQuery, words(text)))


class FinnishWordQuery(SearchQuery):
    """A word of a search as a prefix in Finnish, in its full form (which PostgreSQL stems) or
    in one of word_prefixes(), whichever reaches the stem the text was indexed under:
    '(järjestöjen:* | järjestö:*)'. Or its cut form as written ('simple', accents folded),
    where the stemmer cuts that form again, to a stem of no word: "vammai" (of "vammainen")
    to "vamai", which finds no "vammaisten".

    Only there: the same prefix twice in a query made PostgreSQL expect half as many rows
    again, and scan the table for a query its index answers sooner. The test is immutable,
    so PostgreSQL works it out once, when it plans the query."""

    def __init__(self, word):
        prefixes = " | ".join(f"{prefix}:*" for prefix in [word, *word_prefixes(word)])
        super().__init__(prefixes, search_type="raw", config=SEARCH_CONFIGS["fi"])
        self.word = word

    def as_sql(self, compiler, connection, function=None, template=None):
        finnish, params = super().as_sql(compiler, connection, function, template)
        cut = _cut(self.word)
        stemmed, as_written = "to_tsquery(%s::regconfig, %s)", "to_tsquery('simple', %s)"
        sql = (
            f"CASE WHEN {stemmed} = {as_written} THEN {finnish}"
            f" ELSE ({finnish} || {as_written}) END"
        )
        written = f"{folded(cut)}:*"
        return sql, [SEARCH_CONFIGS["fi"], f"{cut}:*", written, *params, *params, written]


class SearchableQuerySet(models.QuerySet):
    """Adds `search()`; subclasses name their fields by weight and their title field."""

    search_fields_a = ()  # titles and names: weigh most
    search_fields_b = ()  # descriptions
    search_title_field = "name"  # matched by trigrams, so that small typos still find it
    search_vector_field = None  # a stored, indexed tsvector of the same fields, if any
    # Whether a search reads at most SEARCH_CAP + 1 matches (BoundedSearchQuery). A table of
    # a few hundred curated rows is read and ranked whole for less than the bound's subqueries
    # cost to build, compile and run: 1-3 ms a search at 100 000 actors.
    search_bounded = True

    def ranked_page_keys(self):
        """Return the keys of these rows (a page of a search, say) in the search's order, if
        its first matches were looked up so in this request (BoundedSearchQuery); else
        None."""
        if isinstance(self.query, BoundedSearchQuery):
            return self.query.ranked_page_keys(self.db)
        return None

    def matched_keys(self):
        """Return the keys of these rows if a search's first matches were looked up in this
        request (BoundedSearchQuery.matched_keys), else None."""
        if isinstance(self.query, BoundedSearchQuery):
            return self.query.matched_keys(self.db)
        return None

    def count(self):
        # A search's count is the number of its first matches, once they are looked up.
        if self._result_cache is None and isinstance(self.query, BoundedSearchQuery):
            count = self.query.matches_count(self.db)
            if count is not None:
                return count
        return super().count()

    def search(self, text):
        """Return rows matching `text`, best matches first: at most SEARCH_CAP + 1 of them
        (if search_bounded).

        PostgreSQL: Finnish full-text search (prefix-matched stems, so inflected forms match)
        or a trigram match on the title (a typo's: with a stored vector, only where the text
        matches fewer than TYPO_MATCHES rows); ranked, with a stored vector its matches first.
        On a Swedish or English page the fields' columns in that language are searched too,
        with that language's stemmer.
        SQLite: a case-insensitive match of the stems.
        """
        if not search_terms(text):
            return self
        local_a = self._in_page_language(self.search_fields_a)
        local_b = self._in_page_language(self.search_fields_b)
        if not is_postgresql():
            fields = [*self.search_fields_a, *self.search_fields_b, *local_a, *local_b]
            return self._bound(self.filter(text_filter(fields, text)))
        finnish = SEARCH_CONFIGS["fi"]
        query = finnish_query(text)
        if self.search_vector_field:
            vector = F(self.search_vector_field)
            matches_text = matches_vector = Q(**{self.search_vector_field: query})
        else:
            vector = self._vector(self.search_fields_a, self.search_fields_b, finnish)
            matching = self.model.objects.annotate(v=vector).filter(v=query).values("pk")
            matches_text = Q(pk__in=matching)
        rank = SearchRank(vector, query)
        local_rank = None
        if local_a or local_b:
            config = SEARCH_CONFIGS[get_language()]
            local_query = SearchQuery(
                " & ".join(f"{word}:*" for word in words(text)), search_type="raw", config=config
            )
            local_vector = self._vector(local_a, local_b, config)
            # A condition on the row itself, not a subquery of matching keys: PostgreSQL then
            # reads its matches from the vector's index (actors/0013) beside the stored
            # one's, where the subquery's IN computed the vector of every row it scanned (a
            # Swedish lookup of a word without matches: 50 ms at 100 000 actors).
            matches_text |= Q(SearchVectorExact(local_vector, local_query))
            local_rank = SearchRank(local_vector, local_query)
        title = self.search_title_field
        # Every word must be close to a word of the title, so that one typo is forgiven but
        # a second, unrelated word still narrows the results.
        similar_title = Q()
        for word in words(text):
            similar_title &= Q(**{f"{title}__trigram_word_similar": word})
        likeness = TrigramWordSimilarity(text, title)
        if self.search_vector_field:
            # A row its stored vector finds ranks by its text (the title weighs most), above
            # every row only its title's likeness finds (a typo), which ranks by that likeness
            # (at most 1): the likeness is computed for those rows only, 5 us a row, where it
            # took 4-5 ms of ranking a common word's thousand matches. A vector computed from
            # the text (the smaller tables) would be computed once more to be tested here.
            search_rank = Case(
                When(matches_vector, then=rank + Value(1.0)),
                default=likeness,
                output_field=FloatField(),
            )
        else:
            search_rank = rank + likeness
        if local_rank is not None:
            search_rank += local_rank
        results = self.annotate(search_rank=search_rank)
        if not self.search_bounded:
            return results.filter(matches_text | similar_title).order_by("-search_rank", title)
        results = self._bound(results)
        # A stored vector is tested from its index, or at about a microsecond a row: cheaper
        # than the title's trigrams, so the first matches are sought among its matches first.
        # A vector computed from the text (the smaller tables) costs more than the trigrams.
        results.query.add_search(
            matches_text,
            similar_title,
            text_first=bool(self.search_vector_field),
            title_field=title,
        )
        return results.order_by(*results.query.search_order)

    def best_matches(self, size, rows=None):
        """Return how many rows there are (a search's up to its cap + 1) and the first `size`
        of them: the count is a window over the rows that are ranked.

        For a page that shows a search's best few and its count once (the site search); a
        list, which counts, pages and facets the same matches, looks their keys up once
        instead (BoundedSearchQuery). A bounded search counts and ranks its matches' keys in
        one query, as it reads its first matches (best_keys), then fetches the rows of the
        first `size` (with what this queryset selects and prefetches beside them): the
        window and the sort carried the whole rows of a thousand matches and their joins,
        4-5 ms of a search at 100 000 actors, and finding each match again by its key
        3-4 ms more. A small table's rows are ranked and fetched in one query.

        `rows`: a function that fetches the rows of a list of keys, in any order, as the
        page shows them (fewer columns than an instance's, say); then the keys are always
        ranked first.
        """
        bounded = isinstance(self.query, BoundedSearchQuery)
        if not bounded and rows is None:
            first = list(self.annotate(search_total=Window(Count("*")))[:size])
            return (first[0].search_total if first else 0), first
        best = self.query.best_keys(size, self.db) if bounded else None
        if best is None:
            results = self.annotate(search_total=Window(Count("*")))
            if bounded:
                results.query.look_up_matches = False
            ranked = list(results.values_list("pk", "search_total")[:size])
            best = (ranked[0][1], [key for key, _total in ranked]) if ranked else (0, [])
        total, keys = best
        if not keys:
            return 0, []
        found = {row.pk: row for row in (rows or self._rows_by_key)(keys)}
        # A row deleted since its key was read is left out, not an error.
        return total, [found[key] for key in keys if key in found]

    def _rows_by_key(self, keys):
        """The rows of `keys`, with what this queryset selects and prefetches beside them."""
        rows = self.model._default_manager.using(self.db)
        if self.query.select_related is True:
            rows = rows.select_related()
        elif self.query.select_related:
            rows = rows.select_related(*_lookups(self.query.select_related))
        return rows.prefetch_related(*self._prefetch_related_lookups).filter(pk__in=keys)

    def _in_page_language(self, fields):
        """The columns of `fields` in the page's language (`name_sv`), where it is not
        Finnish and they are translated: the Finnish ones are the original columns."""
        language = get_language()
        if language == "fi" or language not in SEARCH_CONFIGS:
            return ()
        translated = translated_fields(self.model)
        return tuple(f"{name}_{language}" for name in fields if name in translated)

    @staticmethod
    def _vector(fields_a, fields_b, config):
        vector = SearchVector(*fields_a, weight="A", config=config)
        if fields_b:
            vector += SearchVector(*fields_b, weight="B", config=config)
        return vector

    def _bound(self, results):
        """Make `results` read at most SEARCH_CAP + 1 matches (BoundedSearchQuery), if this
        table's searches are bounded: their count() then stops there too (see is_capped)."""
        if self.search_bounded:
            results.query = results.query.chain(BoundedSearchQuery)
        return results


def _lookups(related, prefix=""):
    """The select_related() lookups ("municipality__region") of a query's tree of them."""
    for name, below in related.items():
        if below:
            yield from _lookups(below, f"{prefix}{name}__")
        else:
            yield f"{prefix}{name}"
