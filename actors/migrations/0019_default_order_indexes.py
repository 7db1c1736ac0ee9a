"""The actor list's first pages with no option chosen, from two partial indexes (PostgreSQL).

The list's default order puts the public sector after the other actors, each part by name
(actors.filters.order_actors). No index held that order: a page of the unfiltered list sorted
every published actor, 50-60 ms at 100 000 actors, after every edit. Each part of the facet
table now has an index by name; actors.facets.page_keys_in_parts() walks both and stops
at the page's end. The kinds are actors.filters.PUBLIC_SECTOR_KINDS': the query's condition
must be the index's for PostgreSQL to use it (tests/actors/test_facets.py checks the plan).
"""

from django.db import migrations

from keko.migration_operations import on_postgresql

PUBLIC_SECTOR = (
    "('municipality', 'te_office', 'employment_area', 'ely_centre', 'elinvoimakeskus', 'kela',"
    " 'public_agency')"
)

FORWARD_SQL = [
    "CREATE INDEX actors_actorfacets_civil_order_idx ON actors_actorfacets (name, actor_id)"
    f" WHERE status = 'published' AND kind NOT IN {PUBLIC_SECTOR}",
    "CREATE INDEX actors_actorfacets_public_order_idx ON actors_actorfacets (name, actor_id)"
    f" WHERE status = 'published' AND kind IN {PUBLIC_SECTOR}",
]

BACKWARD_SQL = [
    "DROP INDEX actors_actorfacets_public_order_idx",
    "DROP INDEX actors_actorfacets_civil_order_idx",
]


class Migration(migrations.Migration):
    dependencies = [("actors", "0018_facet_pair_counts")]

    operations = [
        on_postgresql(FORWARD_SQL, BACKWARD_SQL),
    ]
