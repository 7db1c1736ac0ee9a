"""The facets of one option's published actors counted on write (PostgreSQL only).

A list of one option (a region, a municipality, a service or a target group; with kinds or
not) counts its other facets among the option's actors: read from the facet table, a large
option's rows (a third of the actors serve Uusimaa) took 40-120 ms to unnest and count.
`actors_facetpaircount` keeps, like actors_facetcount (actors/0017) and with the same
triggers' changes appended, the count of each pair of options: the published actors of a
`kind`, national or not, with the option `option_id` of `facet` and the option
`other_option_id` of `other_facet` (or in `other_facet` '', all of them). As in
actors_facetcount, national actors have no area options: they serve every area.
"""

import importlib

from django.db import migrations

from keko.migration_operations import on_postgresql


def counted(source):
    """Return an INSERT of the pair counts of the facet table rows of `source` (a query of
    them, each with a `sign`, as in actors/0017), the published ones."""
    return f"""
    INSERT INTO actors_facetpaircount (
        kind, is_national, facet, option_id, other_facet, other_option_id, actors
    )
    WITH r AS MATERIALIZED (SELECT * FROM ({source}) s WHERE s.status = 'published'),
    -- Each row's options: an old row (-1) and its new one (1) have the same actor.
    o AS MATERIALIZED (
        SELECT actor_id, sign, kind, is_national, 'alue' AS facet, id
        FROM r, unnest(r.region_ids) id WHERE NOT is_national
        UNION ALL
        SELECT actor_id, sign, kind, is_national, 'kunta', id
        FROM r, unnest(r.municipality_ids) id WHERE NOT is_national
        UNION ALL
        SELECT actor_id, sign, kind, is_national, 'palvelu', id
        FROM r, unnest(r.service_ids) id
        UNION ALL
        SELECT actor_id, sign, kind, is_national, 'kohderyhma', id
        FROM r, unnest(r.target_group_ids) id
    )
    SELECT * FROM (
        SELECT a.kind, a.is_national, a.facet, a.id, b.facet, b.id, SUM(a.sign)
        FROM o a JOIN o b ON b.actor_id = a.actor_id AND b.sign = a.sign AND b.facet <> a.facet
        GROUP BY 1, 2, 3, 4, 5, 6
        UNION ALL
        SELECT kind, is_national, facet, id, '', NULL, SUM(sign) FROM o GROUP BY 1, 2, 3, 4
    ) changed (kind, is_national, facet, option_id, other_facet, other_option_id, actors)
    WHERE actors <> 0
    """  # noqa: S608 - the sources are this module's own


# Kept by the facet table's triggers as actors/0017's counts are (its module's name starts with
# a digit).
FIRST_COUNTS = importlib.import_module("actors.migrations.0017_facet_counts")

FORWARD_SQL = [
    """
    CREATE TABLE actors_facetpaircount (
        kind varchar(20) NOT NULL,
        is_national boolean NOT NULL,
        facet varchar(10) NOT NULL,
        option_id bigint NOT NULL,
        other_facet varchar(10) NOT NULL,
        other_option_id bigint,
        actors integer NOT NULL
    )
    """,
    *FIRST_COUNTS.kept_on_write("actors_facetpaircount", counted),
    # An option's counts are read, and folded, together.
    "CREATE INDEX actors_facetpaircount_option_idx ON actors_facetpaircount (facet, option_id)",
    "ANALYZE actors_facetpaircount",
]

BACKWARD_SQL = FIRST_COUNTS.no_longer_kept("actors_facetpaircount")


class Migration(migrations.Migration):
    dependencies = [("actors", "0017_facet_counts")]

    operations = [
        on_postgresql(FORWARD_SQL, BACKWARD_SQL),
    ]
