import importlib

from django.db import migrations

from keko.migration_operations import on_postgresql

# The facet table (actors/facets.py) also answers which actors a page of the list shows: the
# actor's name, to order by, and indexes on what the list filters by. The areas' membership
# keys joined to the actor table, one index probe per member, took 100-150 ms for a large
# region; the table's rows of a region come from one bitmap of its GIN index.
FORWARD_SQL = [
    "ALTER TABLE actors_actorfacets ADD COLUMN name varchar(250)",
    "UPDATE actors_actorfacets f SET name = a.name FROM actors_actor a WHERE a.id = f.actor_id",
    "ALTER TABLE actors_actorfacets ALTER COLUMN name SET NOT NULL",
    """
    CREATE OR REPLACE FUNCTION actors_facets_refresh(ids bigint[]) RETURNS void AS $$
        DELETE FROM actors_actorfacets f
        WHERE f.actor_id = ANY(ids)
          AND NOT EXISTS (SELECT FROM actors_actor a WHERE a.id = f.actor_id);
        INSERT INTO actors_actorfacets AS f (
            actor_id, kind, status, active_from, active_until, is_national,
            region_ids, municipality_ids, service_ids, target_group_ids, name
        )
        SELECT a.id, a.kind, a.status, a.active_from, a.active_until, a.is_national,
            ARRAY(SELECT r.area_id FROM actors_actorregion r
                  WHERE r.actor_id = a.id ORDER BY 1),
            ARRAY(SELECT m.area_id FROM actors_actormunicipality m
                  WHERE m.actor_id = a.id ORDER BY 1),
            ARRAY(SELECT s.servicetype_id FROM actors_actor_services s
                  WHERE s.actor_id = a.id ORDER BY 1),
            ARRAY(SELECT g.targetgroup_id FROM actors_actor_target_groups g
                  WHERE g.actor_id = a.id ORDER BY 1),
            a.name
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
            name = EXCLUDED.name;
    $$ LANGUAGE sql
    """,
    """
    CREATE OR REPLACE FUNCTION actors_facets_actors_updated() RETURNS trigger AS $$
    BEGIN
        PERFORM actors_facets_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.kind, n.status, n.active_from, n.active_until, n.is_national, n.name)
                IS DISTINCT FROM
                (o.kind, o.status, o.active_from, o.active_until, o.is_national, o.name)
        ));
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    *[
        f"CREATE INDEX actors_actorfacets_{column}_idx ON actors_actorfacets USING gin ({column})"
        for column in ("region_ids", "municipality_ids", "service_ids", "target_group_ids")
    ],
    # An area's selection is its rows or the national ones: a bitmap of each, OR'ed.
    "CREATE INDEX actors_actorfacets_national_idx ON actors_actorfacets (actor_id)"
    " WHERE is_national",
    "ANALYZE actors_actorfacets",
]


def backward_sql():
    # The functions as actors/0010 wrote them (the module's name starts with a digit).
    first = importlib.import_module("actors.migrations.0010_facet_index").FORWARD_SQL
    functions = [
        statement.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")
        for statement in first
        if "CREATE FUNCTION actors_facets_refresh(" in statement
        or "CREATE FUNCTION actors_facets_actors_updated(" in statement
    ]
    return [
        *[
            f"DROP INDEX IF EXISTS actors_actorfacets_{column}_idx"
            for column in (
                "region_ids",
                "municipality_ids",
                "service_ids",
                "target_group_ids",
                "national",
            )
        ],
        *functions,
        "ALTER TABLE actors_actorfacets DROP COLUMN name",
    ]


class Migration(migrations.Migration):
    dependencies = [("actors", "0013_search_in_swedish_and_english")]

    operations = [
        on_postgresql(FORWARD_SQL, backward_sql),
    ]
