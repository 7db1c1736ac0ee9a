from django.db import migrations

from keko.migration_operations import on_postgresql

# The facet table's rows of some kinds of actor, by name: a page of one kind's actors in the
# list's order (a walk of the index, not a sort of 55 000 associations), and a bitmap of the
# chosen kinds beside an area's or a service's where a facet or a widening counts them.
FORWARD_SQL = [
    "CREATE INDEX actors_actorfacets_kind_name_idx ON actors_actorfacets (kind, name, actor_id)",
    "ANALYZE actors_actorfacets",
]
BACKWARD_SQL = ["DROP INDEX IF EXISTS actors_actorfacets_kind_name_idx"]


class Migration(migrations.Migration):
    dependencies = [("actors", "0014_facet_names")]

    operations = [
        on_postgresql(FORWARD_SQL, BACKWARD_SQL),
    ]
