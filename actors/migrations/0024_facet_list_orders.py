"""The actor list's other orders from the facet table (PostgreSQL only).

Ordered by the latest verification ("Viimeksi tarkistetut ensin") or the newest first
("Viimeksi lisätyt ensin"), a list's page was read from the actor table: every member of a
large area probed by key and sorted (Uusimaa, 31 000 members: 139 ms at 100 000 actors), or
every actor sorted by its verification date (59 ms). The facet table (actors/facets.py) now
holds both dates beside the name, so such a page comes from the rows its indexes find (an
area's GIN index: 25 ms for Uusimaa), or, with no area chosen, walked from an index in that
order.
"""

import importlib

from django.db import migrations

from keko.migration_operations import on_postgresql

COLUMNS = (
    "actor_id, kind, status, active_from, active_until, is_national,"
    " region_ids, municipality_ids, service_ids, target_group_ids, name"
)
# What an update of the actor table refreshes the row for: the columns the table copies.
COPIED = "kind, status, active_from, active_until, is_national, name"


def refresh_function(columns, values, updates):
    return f"""
    CREATE OR REPLACE FUNCTION actors_facets_refresh(ids bigint[]) RETURNS void AS $$
        DELETE FROM actors_actorfacets f
        WHERE f.actor_id = ANY(ids)
          AND NOT EXISTS (SELECT FROM actors_actor a WHERE a.id = f.actor_id);
        INSERT INTO actors_actorfacets AS f ({columns})
        SELECT a.id, a.kind, a.status, a.active_from, a.active_until, a.is_national,
            ARRAY(SELECT r.area_id FROM actors_actorregion r
                  WHERE r.actor_id = a.id ORDER BY 1),
            ARRAY(SELECT m.area_id FROM actors_actormunicipality m
                  WHERE m.actor_id = a.id ORDER BY 1),
            ARRAY(SELECT s.servicetype_id FROM actors_actor_services s
                  WHERE s.actor_id = a.id ORDER BY 1),
            ARRAY(SELECT g.targetgroup_id FROM actors_actor_target_groups g
                  WHERE g.actor_id = a.id ORDER BY 1),
            {values}
        FROM actors_actor a
        WHERE a.id = ANY(ids)
        ON CONFLICT (actor_id) DO UPDATE SET
            kind = EXCLUDED.kind,
            status = EXCLUDED.status,
            active_from = EXCLUDED.active_from,
            active_until = EXCLUDED.active_until,
            is_national = EXCLUDED.is_national,
            region_ids = EXCLUDED.region_ids,
            municipality_ids = EXCLUDED.municipality_ids,
            service_ids = EXCLUDED.service_ids,
            target_group_ids = EXCLUDED.target_group_ids,
            {updates};
    $$ LANGUAGE sql
    """


def updated_function(copied):
    new = ", ".join(f"n.{column}" for column in copied.split(", "))
    old = ", ".join(f"o.{column}" for column in copied.split(", "))
    return f"""
    CREATE OR REPLACE FUNCTION actors_facets_actors_updated() RETURNS trigger AS $$
    BEGIN
        PERFORM actors_facets_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE ({new}) IS DISTINCT FROM ({old})
        ));
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """


FORWARD_SQL = [
    "ALTER TABLE actors_actorfacets ADD COLUMN verified_on date,"
    " ADD COLUMN created_at timestamp with time zone",
    "UPDATE actors_actorfacets f SET verified_on = a.verified_on, created_at = a.created_at"
    " FROM actors_actor a WHERE a.id = f.actor_id",
    "ALTER TABLE actors_actorfacets ALTER COLUMN created_at SET NOT NULL",
    refresh_function(
        f"{COLUMNS}, verified_on, created_at",
        "a.name, a.verified_on, a.created_at",
        "name = EXCLUDED.name, verified_on = EXCLUDED.verified_on,"
        " created_at = EXCLUDED.created_at",
    ),
    updated_function(f"{COPIED}, verified_on, created_at"),
    # Each order as actors.filters.order_actors() gives it, walked with no area chosen.
    "CREATE INDEX actors_actorfacets_verified_order_idx ON actors_actorfacets"
    " (verified_on DESC NULLS LAST, name, actor_id) WHERE status = 'published'",
    "CREATE INDEX actors_actorfacets_created_order_idx ON actors_actorfacets"
    " (created_at DESC, actor_id DESC) WHERE status = 'published'",
    "ANALYZE actors_actorfacets",
]


def backward_sql():
    # The functions as actors/0014 wrote them (the module's name starts with a digit).
    names = importlib.import_module("actors.migrations.0014_facet_names").FORWARD_SQL
    return [
        "DROP INDEX actors_actorfacets_created_order_idx",
        "DROP INDEX actors_actorfacets_verified_order_idx",
        *[
            statement
            for statement in names
            if "FUNCTION actors_facets_refresh(" in statement
            or "FUNCTION actors_facets_actors_updated(" in statement
        ],
        "ALTER TABLE actors_actorfacets DROP COLUMN verified_on, DROP COLUMN created_at",
    ]


class Migration(migrations.Migration):
    dependencies = [("actors", "0023_admin_list_indexes")]

    operations = [
        on_postgresql(FORWARD_SQL, backward_sql),
    ]
