"""Every published actor's facets counted on write (PostgreSQL only).

The actor list's facets for every actor, or for one kind or one filter, start from the counts
of every published actor by kind (actors.filters: counts_by_kind). Counted from the facet
table, that is a scan and an unnest of 100 000 rows: 0.4-0.5 s, paid by the first visitor of a
list after every edit of what the facets count. `actors_facetcount` keeps those counts instead:
triggers on the facet table append, for each statement that writes it, the change of each
count, and actors.facets adds the rows up when it reads them (and folds them together now and
then). Appending rather than updating one row per count, two transactions writing actors
never wait on each other's counts, nor deadlock.

A row: the published actors of a `kind`, national or not, counted `actors` times (a change:
-1 for each actor leaving) in the `facet` of a filter's option (`option_id`), or in the total
(`facet` ''). The area facets count the actors of that area who are not national; the national
ones are counted in every area from their total.
"""

from django.db import migrations

from keko.migration_operations import on_postgresql


def counted(source):
    """Return an INSERT of the counts of the facet table rows of `source` (a query of them,
    each with a `sign`: 1 to count it, -1 to uncount it), the published ones."""
    return f"""
    INSERT INTO actors_facetcount (kind, is_national, facet, option_id, actors)
    WITH r AS MATERIALIZED (SELECT * FROM ({source}) s WHERE s.status = 'published')
    SELECT * FROM (
        SELECT kind, is_national, '', NULL::bigint, SUM(sign) FROM r GROUP BY 1, 2
        UNION ALL
        SELECT kind, FALSE, 'alue', o, SUM(sign)
        FROM r, unnest(r.region_ids) o WHERE NOT is_national GROUP BY 1, 4
        UNION ALL
        SELECT kind, FALSE, 'kunta', o, SUM(sign)
        FROM r, unnest(r.municipality_ids) o WHERE NOT is_national GROUP BY 1, 4
        UNION ALL
        SELECT kind, is_national, 'palvelu', o, SUM(sign)
        FROM r, unnest(r.service_ids) o GROUP BY 1, 2, 4
        UNION ALL
        SELECT kind, is_national, 'kohderyhma', o, SUM(sign)
        FROM r, unnest(r.target_group_ids) o GROUP BY 1, 2, 4
    ) changed (kind, is_national, facet, option_id, actors)
    WHERE actors <> 0
    """  # noqa: S608 - the sources are this module's own


# Transition tables take one event a trigger: a function for each.
CHANGES = {
    "inserted": ("INSERT", "NEW TABLE AS new_rows", "SELECT n.*, 1 AS sign FROM new_rows n"),
    "deleted": ("DELETE", "OLD TABLE AS old_rows", "SELECT o.*, -1 AS sign FROM old_rows o"),
    "updated": (
        "UPDATE",
        "NEW TABLE AS new_rows OLD TABLE AS old_rows",
        "SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 FROM old_rows o",
    ),
}


def kept_on_write(table, counted):
    """Return the statements that keep `table` (created before them) by triggers on the
    facet table: `counted(source)` inserts the changes of the rows of `source`; a truncation
    of the facet table empties it; and the first counts, of every row."""
    return [
        *[
            statement
            for change, (event, tables, source) in CHANGES.items()
            for statement in (
                f"""
                CREATE FUNCTION {table}_{change}() RETURNS trigger AS $$
                BEGIN
                    {counted(source)};
                    RETURN NULL;
                END
                $$ LANGUAGE plpgsql
                """,
                f"""
                CREATE TRIGGER {table}_{change} AFTER {event} ON actors_actorfacets
                REFERENCING {tables}
                FOR EACH STATEMENT EXECUTE FUNCTION {table}_{change}()
                """,
            )
        ],
        f"""
        CREATE FUNCTION {table}_truncated() RETURNS trigger AS $$
        BEGIN
            TRUNCATE {table};
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql
        """,
        f"""
        CREATE TRIGGER {table}_truncated AFTER TRUNCATE ON actors_actorfacets
        FOR EACH STATEMENT EXECUTE FUNCTION {table}_truncated()
        """,
        counted("SELECT f.*, 1 AS sign FROM actors_actorfacets f"),
    ]


def no_longer_kept(table):
    """Return the statements that drop `table` and what kept_on_write() made."""
    return [
        *[
            statement
            for change in (*CHANGES, "truncated")
            for statement in (
                f"DROP TRIGGER {table}_{change} ON actors_actorfacets",
                f"DROP FUNCTION {table}_{change}()",
            )
        ],
        f"DROP TABLE {table}",
    ]


FORWARD_SQL = [
    """
    CREATE TABLE actors_facetcount (
        kind varchar(20) NOT NULL,
        is_national boolean NOT NULL,
        facet varchar(10) NOT NULL,
        option_id bigint,
        actors integer NOT NULL
    )
    """,
    *kept_on_write("actors_facetcount", counted),
    # The published actors not active today, taken from the counts of every one: those
    # whose period starts later or has ended, a few percent, found from these two indexes.
    "CREATE INDEX actors_actorfacets_active_from_idx ON actors_actorfacets (active_from)"
    " WHERE active_from IS NOT NULL",
    "CREATE INDEX actors_actorfacets_active_until_idx ON actors_actorfacets (active_until)"
    " WHERE active_until IS NOT NULL",
]

BACKWARD_SQL = [
    "DROP INDEX actors_actorfacets_active_until_idx",
    "DROP INDEX actors_actorfacets_active_from_idx",
    *no_longer_kept("actors_facetcount"),
]


class Migration(migrations.Migration):
    dependencies = [("actors", "0016_search_without_accents")]

    operations = [
        on_postgresql(FORWARD_SQL, BACKWARD_SQL),
    ]
