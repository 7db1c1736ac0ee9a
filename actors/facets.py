"""Every facet count of the actor list in one scan of a narrow table (PostgreSQL only).

The list shows, next to each option of its area, kind, service and target-group filters, how
many actors choosing it would list: the selection with every *other* filter applied. Counted
through the link tables, that is one query per facet, each joining 100 000 actors to their
links. `actors_actorfacets` (migration actors/0010, kept current by triggers on every write)
holds one row per actor with its kind, status, active period and the ids of its areas,
services and target groups as arrays. One query reads the rows that fail at most one chosen
filter, marks which filters each row meets, and counts every facet from those marks (at
100 000 actors: about 0.1 s cold for a two-filter selection, where the six queries took 1 s).
The same query counts the rows meeting every filter, the list's own count, and the facets
of link tables its caller names (the funders of projects), joined to the marked rows.

Some counts are kept on write instead, by triggers on the table that append each write's
changes (actors/0017 and 0018):
- every published actor's, by kind, which the list's facets start from with no filter, kinds
  or one filter chosen (count_every_actor): counted from the table, an unnest of every row,
  they took 0.4-0.5 s after each edit of what the facets count; added up, 50-60 ms;
- each option's, by kind, with every other option of its actors (count_option): the facets
  of a list of one option, and of each filter of a list of two, where a large option's rows
  took 40-120 ms to count; added up, a few milliseconds.

The facets of a link table (a project's funders) of every actor and of one option are
counted in the process, from its linked actors read once (linked_actors()): joined to the
rows of a large option's actors, they took 8-13 ms a list.
The national actors (who serve every area) and the actors not active on the day, which the
kept counts do not tell apart, are likewise counted in the process from their rows read once
(actors_apart()): counted from the table, they took 3-11 ms an option.

The conditions restate, on the table's columns, what ActorFilter's own filters do on the
actor table (tests/actors/test_facets.py compares the two over many selections); filters
the table does not hold (a search, a funder) are subqueries of the filter itself.
"""

import datetime
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from keko.models import Status

logger = logging.getLogger(__name__)

# The page cache's scope (keko.cache) of what the facets count: every actor's kind, status,
# active period, areas, services and target groups. An edit of a description or a contact
# leaves counts cached under it (Actor.cache_scopes).
SCOPE = "actor-facets"
# Narrower scopes, of what is read whole and kept: the funded actors of linked_actors() and the
# actors of actors_apart(). Moved on only by an edit of an actor among them (edit_scopes()),
# where SCOPE moves on with any: the first list after an edit of another actor's kind, say,
# then adds up the kept counts (46-52 ms at 100 000 actors) rather than also reading both
# again (117-237 ms).
LINKED_SCOPE = "actor-facets-linked"
APART_SCOPE = "actor-facets-apart"
# ActorFilter's option filters that the table counts, and the column each reads.
ARRAY_COLUMNS = {
    "alue": "region_ids",
    "kunta": "municipality_ids",
    "palvelu": "service_ids",
    "kohderyhma": "target_group_ids",
}
COUNTED = ("tyyppi", *ARRAY_COLUMNS)
# National actors serve every area: an area facet counts them for every area.
AREA_FILTERS = ("alue", "kunta")
PUBLISHED = Status.PUBLISHED.value
# The kept counts (count_every_actor) are folded together past this many rows, if more than
# twice as many as the counts they hold; one fold at a time, under this advisory lock.
FOLD_AFTER = 1000
FOLD_LOCK = 7_100_017
# An option's pair counts (count_option) likewise, past this many rows.
FOLD_AFTER_OPTION = 100
# A list of this many actors or more reads a page in its default order by walking the name
# indexes (page_keys_in_parts); a smaller one sorts its rows, found from its options' indexes.
# Measured at 100 000 actors: walking took 2-4 ms from 3 500 actors up, where sorting took
# 4-13 ms; below 3 000, sorting took 1-5 ms and walking up to twice as long. (PostgreSQL's
# own estimate of an option's rows is too rough to choose by.)
WALK_FROM = 3500
# What identifies a pair count (actors/0018), the option read first: folded rows are written
# in this order (_fold).
PAIR_COLUMNS = ("facet", "option_id", "kind", "is_national", "other_facet", "other_option_id")


# The part of count()'s rows that is a page of the counted rows (count(page=…)).
PAGE_PART = "#page"


# The order by name, the key last: each part's of the list's default order.
NAME_ORDER = ("f.name", "f.actor_id")


@dataclass
class PageOrder:
    """How the list orders the table's rows: `order`, SQL expressions on the alias f, the
    key last, with `params`; whether a long list's pages are read by walking an index in
    the order of each part (`part_order`, page_keys_in_parts) instead, always
    (`always_walks`) or from WALK_FROM rows (`walks`); the kinds that follow the others
    (`second_kinds`, none if the kinds are not parted); and whether the national actors
    follow the others (`nationals_apart`)."""

    order: list
    params: list
    part_order: tuple = NAME_ORDER
    walks: bool = False
    always_walks: bool = False
    nationals_apart: bool = False
    second_kinds: list = field(default_factory=list)


@dataclass
class PageRead:
    """A page of the rows count() counts, read by the same scan: the keys of `limit` rows
    from `offset` in the PageOrder `order`, set as `keys` when the rows are fewer than WALK_FROM
    if the order walks (more are walked instead)."""

    order: PageOrder
    offset: int
    limit: int
    keys: list | None = field(default=None, init=False)

    @property
    def below(self):
        return WALK_FROM if self.order.walks else None


def available():
    return connection.vendor == "postgresql"


# The (table, actor column) of each link table of a facet counted from its linked actors
# (linked_actors()), as the apps that count one register them (register_links()).
_link_tables = set()


def register_links(links):
    """Note the link tables of `links` (as linked_actors() takes them): an edit of an actor
    linked in one moves LINKED_SCOPE on (edit_scopes())."""
    _link_tables.update((table, actor_column) for table, actor_column, _option in links.values())


def edit_scopes(actor_key, before, after):
    """Return the page cache's scopes that an edit of what the facets count of the actor
    `actor_key` moves on: SCOPE, and the narrower scopes of what it was or is among. `before`
    and `after` are its FACET_FIELDS (actors.models) by name; with a value not known (not
    loaded), the actor may be among them."""
    scopes = {SCOPE}
    if not available():
        return scopes  # the kept reads are the facet table's alone
    # Among actors_apart() of today (the reads of other days have keys of their own):
    # national, or not active today.
    today = timezone.localdate()
    if any(
        values.get("is_national") is not False or _may_be_inactive(values, today)
        for values in (before, after)
    ):
        scopes.add(APART_SCOPE)
    if actor_key is not None and _link_tables:
        linked = " UNION ALL ".join(
            f"SELECT 1 FROM {table} WHERE {column} = %s" for table, column in sorted(_link_tables)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS({linked})", [actor_key] * len(_link_tables))
            if cursor.fetchone()[0]:
                scopes.add(LINKED_SCOPE)
    return scopes


def _may_be_inactive(values, day):
    """Whether FACET_FIELDS `values` may be those of an actor not active on `day` (a value
    not known may)."""
    start, end = values.get("active_from"), values.get("active_until")
    if any(value is not None and not isinstance(value, datetime.date) for value in (start, end)):
        return True
    return (start is not None and start > day) or (end is not None and end < day)


def condition(name, keys):
    """Return (SQL, params) of the facet table's rows meeting the filter `name` with the
    option `keys`, as ActorFilter's filter of that name does."""
    if name == "tyyppi":
        # One kind by equality: its rows in the kind index's order (a page of the list).
        return ("f.kind = %s", list(keys)) if len(keys) == 1 else ("f.kind = ANY(%s)", [list(keys)])
    overlap = f"f.{ARRAY_COLUMNS[name]} && %s::bigint[]"
    if name in AREA_FILTERS:
        return f"(f.is_national OR {overlap})", [list(keys)]
    return overlap, [list(keys)]


def count(
    chosen,
    base,
    base_params,
    links=None,
    *,
    by_kind=False,
    few_rows=False,
    leave_out=(),
    page=None,
):
    """Count every facet of COUNTED, and the rows meeting every chosen filter, in one query.

    `chosen`: {filter name: (SQL, params)} of every chosen filter, the table's own
    (condition()) and others alike (`f.actor_id IN (…)`); `base`: the SQL every counted row
    meets whatever is chosen (status, active period, …), with `base_params`; `links`:
    {filter name: (table, actor column, option column)} of further facets counted through a
    link table of the actors (a project's funders, say), each actor once per option.
    Returns ({name: {option key: count}} for every name in COUNTED and `links`,
    {area filter name: national actors counted}, the number of rows meeting every filter);
    `by_kind`: {kind: that triple, of the actors of the kind}, from the same one scan.
    `few_rows`: whether `base` keeps few rows (a search's first matches, by key): the facets
    of `links` are then counted from the link table's index, row by row, rather than from a
    hash of the whole link table (a search's 1 001 matches: 2.2 -> 0.9 ms for the funders,
    6 117 links); for many rows the hash is the cheaper.
    `leave_out`: names of facets the caller counts otherwise, not counted here (left empty).
    `page`: a PageRead of the rows meeting every filter, whose `keys` are set from the same
    scan (where reading the page apart took that scan's bitmaps and rows again, 5-10 ms of a
    large pair of options); not with `by_kind`.
    """
    links = links or {}
    names = list(chosen)
    marks = [f"({sql}) AS m{i}" for i, (sql, _params) in enumerate(chosen.values())]
    params = [param for _sql, chosen_params in chosen.values() for param in chosen_params]
    rows = f"SELECT f.actor_id, f.kind, f.is_national, {', '.join(ARRAY_COLUMNS.values())}"
    if page is not None:
        rows += ", f.name, f.verified_on, f.created_at"  # what the orders read (PageOrder)
    rows += "".join(f", {mark}" for mark in marks)
    rows += f" FROM actors_actorfacets f WHERE {base}"
    params += base_params
    if len(names) > 1:
        # A row failing two chosen filters counts in no facet: the rows meeting every filter
        # but one, for each one, written on the table's columns so that its indexes find
        # them (a bitmap of an area's, a service's or a target group's GIN index).
        conditions = list(chosen.values())
        meeting_all_but = []
        for left_out in range(len(conditions)):
            others = [condition for i, condition in enumerate(conditions) if i != left_out]
            meeting_all_but.append(" AND ".join(f"({sql})" for sql, _params in others))
            params += [param for _sql, other_params in others for param in other_params]
        rows += f" AND ({' OR '.join(f'({sql})' for sql in meeting_all_but)})"

    def rows_of(name, *conditions):
        """Return (source, condition) of the rows the facet `name` counts: those meeting every
        chosen filter but its own, from `s`; for a facet not chosen, those meeting every one,
        from `a`: the selection's own rows, often a tenth of `s`, which most facets count."""
        if name not in names:
            return ("a s" if names else "s"), " AND ".join(conditions) or "TRUE"
        conditions += tuple(f"m{i}" for i, other in enumerate(names) if other != name)
        return "s", " AND ".join(conditions) or "TRUE"

    # Each part's rows: (the actors' kind, or NULL; facet, option key, kind option, count).
    of_kind = "s.kind" if by_kind else "NULL::varchar"

    def counted(select, name, *conditions, group=()):
        source, condition = rows_of(name, *conditions)
        group = [*group, "1"] if by_kind else list(group)
        grouped = f" GROUP BY {', '.join(group)}" if group else ""
        return f"SELECT {of_kind}, {select} FROM {source} WHERE {condition}{grouped}"

    parts = [
        counted("'tyyppi', NULL::bigint, s.kind, COUNT(*)", "tyyppi", group=["s.kind"]),
        counted("'', NULL, NULL, COUNT(*)", None),
    ]
    for name, column in ARRAY_COLUMNS.items():
        if name in leave_out:
            continue
        own = ("NOT is_national",) if name in AREA_FILTERS else ()
        parts.append(
            counted(f"'{name}', unnest({column}), NULL, COUNT(*)", name, *own, group=["3"])
        )
        if name in AREA_FILTERS:
            parts.append(counted(f"'{name}', NULL, NULL, COUNT(*)", name, "is_national"))
    for name, (table, actor_column, option_column) in links.items():
        if name in leave_out:
            continue
        source, condition = rows_of(name)
        grouped = "1, 3" if by_kind else "3"
        linked = f"JOIN {table} l ON l.{actor_column} = s.actor_id"
        if few_rows:
            # OFFSET 0 keeps PostgreSQL from planning the lookup as the join again.
            linked = (
                f"CROSS JOIN LATERAL (SELECT {option_column} FROM {table} l"
                f" WHERE l.{actor_column} = s.actor_id OFFSET 0) l"
            )
        parts.append(
            f"SELECT {of_kind}, '{name}', l.{option_column}, NULL, COUNT(DISTINCT s.actor_id) "
            f"FROM {source} {linked} WHERE {condition} GROUP BY {grouped}"
        )
    if page is not None:
        # The page's rows in their order, numbered; none from `below` rows. (LIMIT 0 reads
        # nothing: the rows are not sorted.)
        listed = "a" if names else "s"
        limit = "%s"
        if page.below is not None:
            limit = f"CASE WHEN (SELECT COUNT(*) FROM {listed}) < %s THEN %s ELSE 0 END"
        parts.append(
            f"SELECT NULL::varchar, '{PAGE_PART}', actor_id, NULL, ROW_NUMBER() OVER ()"
            f" FROM (SELECT f.actor_id FROM {listed} f ORDER BY {', '.join(page.order.order)}"
            f" LIMIT {limit} OFFSET %s) p"
        )
        params += [*page.order.params, *([] if page.below is None else [page.below]), page.limit]
        params.append(page.offset)
    sql = f"WITH s AS MATERIALIZED ({rows}) "
    if names:
        meeting_all = " AND ".join(f"m{i}" for i in range(len(names)))
        sql += f", a AS MATERIALIZED (SELECT * FROM s WHERE {meeting_all}) "
    sql += " UNION ALL ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    by_kinds, page_keys = {}, []
    for actors_kind, name, key, kind, n in found:
        if name == PAGE_PART:
            page_keys.append((n, key))
            continue
        counts, everywhere, total = _counted_kind(by_kinds, actors_kind, links)
        if name == "tyyppi":
            counts[name][kind] = n
        elif name == "":
            total[0] = n
        elif key is None:
            everywhere[name] = n
        else:
            counts[name][key] = n
    counted_by_kind = {
        kind: (counts, everywhere, total)
        for kind, (counts, everywhere, [total]) in by_kinds.items()
    }
    if by_kind:
        return counted_by_kind
    # Not by kind: the one part counted (keyed None), or zeros where no row was.
    counted = added(counted_by_kind.values(), links)
    if page is not None and (page.below is None or counted[2] < page.below):
        page.keys = [key for _n, key in sorted(page_keys)]
    return counted


def added(counted, links=None):
    """Return the sum of the (counts, everywhere, total) of count() in `counted`: those of
    several kinds of actors, say, who are each of one kind. `links` as for count()."""
    counts = {name: {} for name in (*COUNTED, *(links or {}))}
    everywhere, total = dict.fromkeys(AREA_FILTERS, 0), 0
    for part_counts, part_everywhere, part_total in counted:
        for name, by_key in part_counts.items():
            into = counts.setdefault(name, {})
            for key, n in by_key.items():
                into[key] = into.get(key, 0) + n
        for name, n in part_everywhere.items():
            everywhere[name] += n
        total += part_total
    return counts, everywhere, total


def count_without(chosen, base, base_params):
    """Count, for each chosen filter, the rows meeting every other one, in one query.

    `chosen`: {filter name: (SQL, params)}; `base`: the SQL every counted row meets, with
    `base_params`. Returns {name: count}.
    """
    # A count of its own for each filter left out, so that each finds its rows through the
    # indexes of the filters it keeps (a bitmap of each, AND'ed) rather than reading them all.
    counts, params = [], []
    for left_out in chosen:
        others = [condition for name, condition in chosen.items() if name != left_out]
        where = " AND ".join([base, *(f"({sql})" for sql, _params in others)])
        counts.append(f"(SELECT COUNT(*) FROM actors_actorfacets f WHERE {where})")
        params += [*base_params, *(param for _sql, other in others for param in other)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(counts)}", params)
        return dict(zip(chosen, cursor.fetchone(), strict=True))


def selection(where):
    """Return the SQL of the actor keys of the rows meeting every one of `where` (SQL): found
    from the table's indexes (an area's or a service's GIN index, the partial index of
    national actors) rather than by a probe of the actor table per member."""
    return f"SELECT f.actor_id FROM actors_actorfacets f WHERE {' AND '.join(where)}"


class Selection:
    """The actor keys of the rows meeting every one of `where` (SQL, with `params`), in
    `order` (SQL expressions, the key last): a sequence that Django's Paginator pages, its
    count() and each slice one query of the table (selection(), page_keys())."""

    def __init__(self, where, params, order):
        self.where, self.params, self.order = where, params, order

    def count(self):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({selection(self.where)}) AS s", self.params)
            return cursor.fetchone()[0]

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("Selection takes a slice of keys")
        start = index.start or 0
        return page_keys(self.where, self.params, self.order, start, index.stop - start)


def page_keys(where, params, order, offset, limit):
    """Return the actor keys of the rows meeting every one of `where` (SQL, with `params`),
    in `order` (SQL expressions, the key last), `limit` of them from `offset`: a page of the
    list, read from the table's indexes (selection()).
    """
    sql = f"{selection(where)} ORDER BY {', '.join(order)} LIMIT %s OFFSET %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [key for (key,) in cursor.fetchall()]


def page_keys_in_parts(
    where, params, second_kinds, offset, limit, *, nationals_apart=False, order=NAME_ORDER
):
    """Return page_keys() in the list's default order: the rows of kinds other than
    `second_kinds` by name, then theirs by name (with `nationals_apart`, so for the area's
    own actors, then so for the national ones). Each part is walked in order from its
    partial index (actors/0019, whose kinds these must be) and stops at the page's end, where
    ordering every published actor by part and name took 50-60 ms; or, for a part with few
    rows (a small option's, the national actors), read from its other indexes and sorted, as
    PostgreSQL finds cheaper. Without `second_kinds` (the kinds `where` chooses are of one
    part), the rows by name: walked from the index of their kind, or of their part.
    `order`: SQL expressions of each part's order instead of by name, each with its
    direction if any, the key last (an order of actors/0024's indexes): a large area's
    national actors after its own, each part walked in the order of the latest verification,
    say, where sorting Uusimaa's 27 000 took 22 ms."""
    kinds = ", ".join(f"'{kind}'" for kind in second_kinds)  # the enum's values
    # The conditions of each part, in order.
    part_conditions = (
        [[f"f.kind NOT IN ({kinds})"], [f"f.kind IN ({kinds})"]] if second_kinds else [[]]
    )
    if nationals_apart:
        part_conditions = [
            [national, *kind]
            for national in ("NOT f.is_national", "f.is_national")
            for kind in part_conditions
        ]
    # Each expression of `order` a column of the parts (o0, o1, …), ordered again across them.
    terms = [term.split(" ", 1) for term in order]
    columns = ", ".join(f"{term[0]} AS o{i}" for i, term in enumerate(terms))
    across = ", ".join(" ".join([f"p.o{i}", *term[1:]]) for i, term in enumerate(terms))
    parts = [
        f"(SELECT {part} AS part, f.actor_id, {columns} FROM actors_actorfacets f"
        f" WHERE {' AND '.join([*where, *conditions])} ORDER BY {', '.join(order)} LIMIT %s)"
        for part, conditions in enumerate(part_conditions)
    ]
    sql = (
        f"SELECT p.actor_id FROM ({' UNION ALL '.join(parts)}) p"
        f" ORDER BY p.part, {across} LIMIT %s OFFSET %s"
    )
    part_params = [*params, offset + limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*part_params * len(parts), limit, offset])
        return [key for (key,) in cursor.fetchall()]


def active_on(day):
    """Return (SQL, params) of the facet table's rows active on `day`, as Actor.active() is."""
    return (
        "(f.active_from IS NULL OR f.active_from <= %s)"
        " AND (f.active_until IS NULL OR f.active_until >= %s)",
        [day, day],
    )


def inactive_on(day):
    """Return (SQL, params) of the facet table's rows not active on `day`: the period starts
    later or has ended (found from the period's partial indexes, actors/0017)."""
    return "(f.active_from > %s OR f.active_until < %s)", [day, day]


def count_every_actor(links=None, *, on=None, national=True, linked=None, apart=None):
    """Return count(by_kind=True) of every published actor: those active on the day `on`
    (every one without it), and the national ones unless `national` is false.

    From the counts the facet table's triggers keep (actors/0017), added up, less those of the
    published actors not active on `on` (`apart`: actors_apart(on), if read already); the
    facets of `links` from their linked actors (`linked`: linked_actors(links), if read
    already).
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, is_national, facet, option_id, SUM(actors), COUNT(*)"
            " FROM actors_facetcount GROUP BY 1, 2, 3, 4"
        )
        kept = cursor.fetchall()
    by_kinds = {}
    for kind, is_national, facet, key, n, _rows in kept:
        if n and (national or not is_national):
            _add(_counted_kind(by_kinds, kind, links), kind, facet, key, n, is_national=is_national)
    if len(kept) > FOLD_AFTER and sum(rows for *_row, rows in kept) > 2 * len(kept):
        fold_counts()
    if on is not None:
        apart = apart or actors_apart(on)
        inactive = [
            index
            for index, (_kind, is_national, is_inactive, *_arrays) in enumerate(apart["rows"])
            if is_inactive and (national or not is_national)
        ]
        uncounted = count_apart(apart, inactive)
        _add_counted(lambda kind: _counted_kind(by_kinds, kind, links), uncounted, -1)
    if links:
        linked = linked or linked_actors(links)
        for kind, name, key, n in count_linked(linked, on=on, national=national):
            _counted_kind(by_kinds, kind, links)[0][name][key] = n
    return {
        kind: (counts, everywhere, total)
        for kind, (counts, everywhere, [total]) in by_kinds.items()
        if total
    }


def actors_apart(on=None):
    """Return the published actors that the kept counts do not tell apart, to count them
    here (count_apart()): the national ones, who serve every area (an area's option counts
    them), and those not active on the day `on` (taken off the kept counts). Read once, a
    few thousand rows found from the period's and the national actors' partial indexes
    (actors/0017), where each option's took 3-11 ms to count from its rows at 100 000
    actors.

    A dict: "rows", (kind, national, not active on `on`, and the ids of ARRAY_COLUMNS, each
    a list) of each actor; by "option" ((filter name, key)), the indexes of the rows of the
    actors with that key in the filter's column; and "national", those of the national ones.
    """
    inactive, params = inactive_on(on) if on is not None else ("FALSE", [])
    columns = ", ".join(f"f.{column}" for column in ARRAY_COLUMNS.values())
    rows, by_option, national = [], defaultdict(list), []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.kind, f.is_national, COALESCE({inactive}, FALSE), {columns}"
            f" FROM actors_actorfacets f WHERE f.status = %s AND (f.is_national OR {inactive})",
            [*params, PUBLISHED, *params],
        )
        for index, row in enumerate(cursor):
            rows.append(row)
            if row[1]:
                national.append(index)
            for filter_name, options in zip(ARRAY_COLUMNS, row[3:], strict=True):
                for option in options:
                    by_option[filter_name, option].append(index)
    return {"rows": rows, "option": dict(by_option), "national": national}


def count_apart(apart, indexes):
    """Return count(by_kind=True) of the rows of actors_apart() (`apart`) at `indexes`: each
    actor in its kind, its total and each option of its columns; a national one in every
    area instead of its own. Counted a column at a time by Counter (in C: a fifth of the
    time of a loop over each row's keys)."""
    rows, of_kind = apart["rows"], defaultdict(list)
    for index in indexes:
        row = rows[index]
        of_kind[row[0]].append(row)
    counted = {}
    for kind, kind_rows in of_kind.items():
        own = [row for row in kind_rows if not row[1]]
        national = len(kind_rows) - len(own)
        counts = {"tyyppi": {kind: len(kind_rows)}}
        for column, name in enumerate(ARRAY_COLUMNS, start=3):
            counted_rows = own if name in AREA_FILTERS else kind_rows
            counts[name] = dict(Counter(chain.from_iterable(row[column] for row in counted_rows)))
        everywhere = dict.fromkeys(AREA_FILTERS, national)
        counted[kind] = (counts, everywhere, len(kind_rows))
    return counted


def _add(counted, kind, facet, option, n, is_national=False, chosen=True):
    """Add `n` actors of `kind` to `counted` ((counts, everywhere, [total])) in `option` of
    `facet`, or in their total and the kinds' facet (`facet` ''); not `chosen`, in the kinds'
    facet alone. National actors are counted in every area from their total."""
    counts, everywhere, total = counted
    if facet == "":
        counts["tyyppi"][kind] = counts["tyyppi"].get(kind, 0) + n
    if not chosen:
        return
    if facet == "":
        total[0] += n
        if is_national:
            for name in AREA_FILTERS:
                everywhere[name] += n
    else:
        counts[facet][option] = counts[facet].get(option, 0) + n


def _add_counted(into, counted_by_kind, sign, chosen=lambda kind: True):
    """Add count(by_kind=True)'s counts to the (counts, everywhere, [total]) that `into(kind)`
    returns, or take them away (`sign` -1); those of a kind not `chosen(kind)` to the kinds'
    facet alone."""
    for kind, (by_name, by_area, kind_total) in counted_by_kind.items():
        counted, in_kinds = into(kind), chosen(kind)
        _add(counted, kind, "", None, sign * kind_total, chosen=in_kinds)
        for facet, by_key in by_name.items():
            if facet != "tyyppi":  # the kind's total
                for option, n in by_key.items():
                    _add(counted, kind, facet, option, sign * n, chosen=in_kinds)
        if in_kinds:
            for area_filter, n in by_area.items():
                counted[1][area_filter] += sign * n


def _counted_kind(by_kinds, kind, links):
    """Return the (counts, everywhere, [total]) of `kind` in `by_kinds`, zeros at first."""
    counted = by_kinds.get(kind)
    if counted is None:
        # Made only when missing: called for each of thousands of kept counts.
        counted = by_kinds[kind] = (
            {name: {} for name in (*COUNTED, *(links or {}))},
            dict.fromkeys(AREA_FILTERS, 0),
            [0],
        )
    return counted


def linked_actors(links):
    """Return the published actors linked to an option of each facet of `links` (as for
    count(); each actor once an option, as the link table's unique constraint makes them),
    to count those facets here (count_linked()). Read once (20-50 ms at 100 000 actors),
    where a join of the link table to the rows of an option's actors took 8-13 ms for every
    list of a large option.

    A dict: "rows", each actor linked to an option: (link filter name, option key, kind,
    national, active from, active until, the days as ordinals); by "option" ((filter name
    of ARRAY_COLUMNS, key)), the indexes of the rows of the option's actors, national ones
    apart for an area; and "national", those of the national actors, who serve every area.
    """
    rows, by_option, national = [], defaultdict(list), []
    columns = ", ".join(f"f.{column}" for column in ARRAY_COLUMNS.values())
    with connection.cursor() as cursor:
        for name, (table, actor_column, option_column) in links.items():
            # The linked actors' rows by key (a few thousand probes of the table's key)
            # rather than a hash of every published actor's. Each made as it is used, not all
            # at once (fetchall()): their 30 000 rows and arrays, alive together, outlived
            # the garbage collector's young collections, and every other first list after
            # an edit paid for a full collection (15-80 ms).
            cursor.execute(
                f"SELECT l.{option_column}, f.kind, f.is_national, f.active_from,"
                f" f.active_until, {columns}"
                f" FROM {table} l JOIN actors_actorfacets f ON f.actor_id = l.{actor_column}"
                f" WHERE f.actor_id = ANY(ARRAY(SELECT {actor_column} FROM {table}))"
                " AND f.status = %s",
                [PUBLISHED],
            )
            for index, (key, kind, is_national, active_from, active_until, *arrays) in enumerate(
                cursor, start=len(rows)
            ):
                # The days as ordinals: a tenth of the time to pickle into the shared cache.
                active_from = active_from and active_from.toordinal()
                active_until = active_until and active_until.toordinal()
                rows.append((name, key, kind, is_national, active_from, active_until))
                if is_national:
                    national.append(index)
                for filter_name, options in zip(ARRAY_COLUMNS, arrays, strict=True):
                    if not (is_national and filter_name in AREA_FILTERS):
                        for option in options:
                            by_option[filter_name, option].append(index)
    return {"rows": rows, "option": dict(by_option), "national": national}


def count_linked(linked, option=None, *, on=None, national=True):
    """Return (kind, link filter name, option key, count) of the actors of linked_actors()
    (`linked`) active on the day `on` (every one without it), national ones unless
    `national` is false, with the `option` ((filter name, key)) if given."""
    rows = linked["rows"]
    if option is None:
        indexes = range(len(rows))
    else:
        indexes = linked["option"].get(option, [])
        if option[0] in AREA_FILTERS:
            indexes = [*indexes, *linked["national"]]
    day = on and on.toordinal()
    counted = {}
    for index in indexes:
        name, key, kind, is_national, active_from, active_until = rows[index]
        if is_national and not national:
            continue
        if day is not None and (
            (active_from is not None and active_from > day)
            or (active_until is not None and active_until < day)
        ):
            continue
        counted[kind, name, key] = counted.get((kind, name, key), 0) + 1
    return [(kind, name, key, n) for (kind, name, key), n in counted.items()]


def count_option(
    name, key, links=None, *, kinds=None, on=None, national=True, linked=None, apart=None
):
    """Return count({"tyyppi": kinds}, …) of the published actors with the option `key` of
    the filter `name` (and the kinds of `kinds`, if given; active on the day `on`, national
    or not as for count_every_actor()): the kinds' facet of every kind, the others' of the
    chosen kinds.

    From the pair counts the facet table's triggers keep (actors/0018), added up; the
    national actors, who serve every area, added for an area; less the option's actors not
    active on `on`: both counted from actors_apart(on) (`apart`, if read already); the facets
    of `links` from their linked actors (`linked` as for count_every_actor()). A few
    milliseconds where reading a large option's rows took 40-120.
    """
    # Added up here rather than in Python: the other options' counts of the chosen kinds,
    # and each kind's total apart (the kinds' facet), a few hundred rows where the kept
    # counts by kind are thousands (a large option's took 3-5 ms more to read and add).
    # With each, how many kept counts it adds up and how many rows they were (to fold them).
    of_chosen_kinds = "TRUE" if kinds is None else "kind = ANY(%s)"
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH kept AS (SELECT kind, is_national, other_facet, other_option_id,"
            " SUM(actors) AS actors, COUNT(*) AS rows"
            " FROM actors_facetpaircount WHERE facet = %s AND option_id = %s"
            f"{'' if national else ' AND NOT is_national'} GROUP BY 1, 2, 3, 4)"
            " SELECT CASE WHEN other_facet = '' THEN kind END,"
            " other_facet = '' AND is_national, other_facet, other_option_id,"
            f" {of_chosen_kinds}, SUM(actors)::bigint, COUNT(*), SUM(rows)::bigint"
            " FROM kept GROUP BY 1, 2, 3, 4, 5",
            [name, key, *([] if kinds is None else [list(kinds)])],
        )
        kept = cursor.fetchall()
    counts = {facet: {} for facet in (*COUNTED, *(links or {}))}
    everywhere, total = dict.fromkeys(AREA_FILTERS, 0), [0]

    def add(kind, facet, option, n, *, is_national=False):
        """Count `n` actors of `kind` in `option` of `facet` ('' for their total): in the
        kinds' facet whatever their kind, in the others if theirs is chosen."""
        chosen = kinds is None or kind in kinds
        _add((counts, everywhere, total), kind, facet, option, n, is_national, chosen)

    def add_counted(counted_by_kind, sign):
        _add_counted(
            lambda kind: (counts, everywhere, total),
            counted_by_kind,
            sign,
            chosen=lambda kind: kinds is None or kind in kinds,
        )

    counted = rows = 0
    for kind, is_national, facet, option, of_chosen, n, its_counts, its_rows in kept:
        if n:
            _add((counts, everywhere, total), kind, facet, option, n, is_national, of_chosen)
        counted, rows = counted + its_counts, rows + its_rows
    if counted > FOLD_AFTER_OPTION and rows > 2 * counted:
        fold_pair_counts(name, key)
    if (name in AREA_FILTERS and national) or on is not None:
        apart = apart or actors_apart(on)
        apart_rows = apart["rows"]
    if name in AREA_FILTERS and national:
        # Every national actor active on `on` serves the option's area.
        serving = [index for index in apart["national"] if not apart_rows[index][2]]
        add_counted(count_apart(apart, serving), 1)
    if on is not None:
        # The option's actors not active on `on`: those of its area, national ones apart.
        leave_out_national = name in AREA_FILTERS or not national
        inactive = [
            index
            for index in apart["option"].get((name, key), [])
            if apart_rows[index][2] and not (leave_out_national and apart_rows[index][1])
        ]
        add_counted(count_apart(apart, inactive), -1)
    if links:
        linked = linked or linked_actors(links)
        for kind, facet, option_key, n in count_linked(
            linked, (name, key), on=on, national=national
        ):
            add(kind, facet, option_key, n)
    return counts, everywhere, total[0]


def fold_counts():
    """Fold the kept counts' rows (actors/0017) into one per count, where the changes
    appended on every write have made them more than twice as many. Rows appended meanwhile
    by other transactions are left for the next time; one fold runs at a time."""
    _fold(
        "actors_facetcount",
        ("kind", "is_national", "facet", "option_id"),
        "TRUE",
        [],
        lock=(FOLD_LOCK, 0),
    )


def fold_all():
    """Fold every kept count (actors/0017 and 0018) into one row each: after a bulk load,
    whose every statement appended its changes (some 45 rows an actor)."""
    fold_counts()
    _fold("actors_facetpaircount", PAIR_COLUMNS, "TRUE", [], lock=(FOLD_LOCK + 2, 0))


def fold_pair_counts(name, key):
    """Fold the pair counts (actors/0018) of the option `key` of the filter `name`, as
    fold_counts() does the counts of every actor."""
    _fold(
        "actors_facetpaircount",
        PAIR_COLUMNS,
        "facet = %s AND option_id = %s",
        [name, key],
        # One fold of an option's rows at a time (options of two filters may share a lock).
        lock=(FOLD_LOCK + 1, key % 2**31),
    )


def _fold(table, columns, where, params, *, lock):
    listed = ", ".join(columns)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", list(lock))
            if not cursor.fetchone()[0]:
                return
            # In the order of `columns`, so that an option's pair counts, read together, lie
            # together: folded in hash order, one option's 3 400 rows lay on 1 800 pages
            # (7 ms to read at 100 000 actors; together, 5 ms).
            cursor.execute(
                f"WITH gone AS (DELETE FROM {table} WHERE {where} RETURNING *)"
                f" INSERT INTO {table} ({listed}, actors)"
                f" SELECT {listed}, SUM(actors) FROM gone"
                f" GROUP BY {listed} HAVING SUM(actors) <> 0 ORDER BY {listed}",
                params,
            )
    except DatabaseError:
        # Folding only saves the next readers time, and is undone whole: a page that read
        # its counts is not failed for it (a lock timeout, a fold of every count at once).
        logger.warning("The kept facet counts of %s were not folded.", table, exc_info=True)
