from django.db import migrations

from keko.migration_operations import on_postgresql

# PostgreSQL only: the actor list is ordered by (name, id) among published actors and filtered
# on the active period. This index answers both the page's keys (a deferred join, see
# keko/pagination.py) and the count for pagination with an index-only scan, so that page 1 000
# of 100 000 actors is as quick as page 1. SQLite has no INCLUDE and needs no help.
FORWARD_SQL = (
    "CREATE INDEX IF NOT EXISTS actors_actor_list_idx ON actors_actor "
    "(status, name, id) INCLUDE (active_from, active_until)"
)
BACKWARD_SQL = "DROP INDEX IF EXISTS actors_actor_list_idx"


class Migration(migrations.Migration):
    dependencies = [("actors", "0004_actor_version_historicalactor_historicalcontact_and_more")]

    operations = [
        on_postgresql(FORWARD_SQL, BACKWARD_SQL),
    ]
