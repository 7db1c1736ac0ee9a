from django.db import migrations

from keko.migration_operations import on_postgresql

# PostgreSQL only (actors/facets.py): one row per actor with what the list's facets count
# (kind, status, active period, national, and the ids of its areas, services and target
# groups as arrays), so that every facet of a selection is counted in one scan of a narrow
# table instead of one join of the link tables per facet. Triggers keep it current on every
# write of the actor table and of the four link tables it copies, bulk ones included; an
# upsert, so that two transactions refreshing one actor cannot collide.
FORWARD_SQL = [
    """
    CREATE TABLE actors_actorfacets (
        actor_id bigint PRIMARY KEY,
        kind varchar(20) NOT NULL,
        status varchar(10) NOT NULL,
        active_from date,
        active_until date,
        is_national boolean NOT NULL,
        region_ids bigint[] NOT NULL,
        municipality_ids bigint[] NOT NULL,
        service_ids bigint[] NOT NULL,
        target_group_ids bigint[] NOT NULL
    )
    """,
    """
    CREATE FUNCTION actors_facets_refresh(ids bigint[]) RETURNS void AS $$
        DELETE FROM actors_actorfacets f
        WHERE f.actor_id = ANY(ids)
          AND NOT EXISTS (SELECT FROM actors_actor a WHERE a.id = f.actor_id);
        INSERT INTO actors_actorfacets AS f
        SELECT a.id, a.kind, a.status, a.active_from, a.active_until, a.is_national,
            ARRAY(SELECT r.area_id FROM actors_actorregion r
                  WHERE r.actor_id = a.id ORDER BY 1),
            ARRAY(SELECT m.area_id FROM actors_actormunicipality m
                  WHERE m.actor_id = a.id ORDER BY 1),
            ARRAY(SELECT s.servicetype_id FROM actors_actor_services s
                  WHERE s.actor_id = a.id ORDER BY 1),
            ARRAY(SELECT g.targetgroup_id FROM actors_actor_target_groups g
                  WHERE g.actor_id = a.id ORDER BY 1)
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
            target_group_ids = EXCLUDED.target_group_ids;
    $$ LANGUAGE sql
    """,
    # Actors inserted, or updated in a copied column.
    """
    CREATE FUNCTION actors_facets_actors_inserted() RETURNS trigger AS $$
    BEGIN
        PERFORM actors_facets_refresh(ARRAY(SELECT id FROM new_rows));
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION actors_facets_actors_updated() RETURNS trigger AS $$
    BEGIN
        PERFORM actors_facets_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.kind, n.status, n.active_from, n.active_until, n.is_national)
                IS DISTINCT FROM (o.kind, o.status, o.active_from, o.active_until, o.is_national)
        ));
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION actors_facets_actors_deleted() RETURNS trigger AS $$
    BEGIN
        DELETE FROM actors_actorfacets WHERE actor_id IN (SELECT id FROM old_rows);
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION actors_facets_actors_truncated() RETURNS trigger AS $$
    BEGIN
        TRUNCATE actors_actorfacets;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    # Rows of a link table (each has an actor_id column) inserted, deleted or updated.
    """
    CREATE FUNCTION actors_facets_links_inserted() RETURNS trigger AS $$
    BEGIN
        PERFORM actors_facets_refresh(ARRAY(SELECT DISTINCT actor_id FROM new_rows));
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION actors_facets_links_deleted() RETURNS trigger AS $$
    BEGIN
        PERFORM actors_facets_refresh(ARRAY(SELECT DISTINCT actor_id FROM old_rows));
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION actors_facets_links_updated() RETURNS trigger AS $$
    BEGIN
        PERFORM actors_facets_refresh(ARRAY(
            SELECT actor_id FROM new_rows UNION SELECT actor_id FROM old_rows
        ));
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION actors_facets_links_truncated() RETURNS trigger AS $$
    BEGIN
        PERFORM actors_facets_refresh(ARRAY(SELECT actor_id FROM actors_actorfacets));
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER actors_facets_inserted AFTER INSERT ON actors_actor
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION actors_facets_actors_inserted()
    """,
    """
    CREATE TRIGGER actors_facets_updated AFTER UPDATE ON actors_actor
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION actors_facets_actors_updated()
    """,
    """
    CREATE TRIGGER actors_facets_deleted AFTER DELETE ON actors_actor
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION actors_facets_actors_deleted()
    """,
    """
    CREATE TRIGGER actors_facets_truncated AFTER TRUNCATE ON actors_actor
    FOR EACH STATEMENT EXECUTE FUNCTION actors_facets_actors_truncated()
    """,
    *[
        statement.format(table=table)
        for table in (
            "actors_actorregion",
            "actors_actormunicipality",
            "actors_actor_services",
            "actors_actor_target_groups",
        )
        for statement in (
            """
            CREATE TRIGGER actors_facets_inserted AFTER INSERT ON {table}
            REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION actors_facets_links_inserted()
            """,
            """
            CREATE TRIGGER actors_facets_deleted AFTER DELETE ON {table}
            REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION actors_facets_links_deleted()
            """,
            """
            CREATE TRIGGER actors_facets_updated AFTER UPDATE ON {table}
            REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION actors_facets_links_updated()
            """,
            """
            CREATE TRIGGER actors_facets_truncated AFTER TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION actors_facets_links_truncated()
            """,
        )
    ],
    "SELECT actors_facets_refresh(ARRAY(SELECT id FROM actors_actor))",
    "ANALYZE actors_actorfacets",
]
BACKWARD_SQL = [
    *[
        f"DROP TRIGGER IF EXISTS actors_facets_{event} ON {table}"
        for table in (
            "actors_actor",
            "actors_actorregion",
            "actors_actormunicipality",
            "actors_actor_services",
            "actors_actor_target_groups",
        )
        for event in ("inserted", "updated", "deleted", "truncated")
    ],
    *[
        f"DROP FUNCTION IF EXISTS actors_facets_{name}()"
        for name in (
            "actors_inserted",
            "actors_updated",
            "actors_deleted",
            "actors_truncated",
            "links_inserted",
            "links_deleted",
            "links_updated",
            "links_truncated",
        )
    ],
    "DROP FUNCTION IF EXISTS actors_facets_refresh(bigint[])",
    "DROP TABLE IF EXISTS actors_actorfacets",
]


class Migration(migrations.Migration):
    dependencies = [("actors", "0009_actor_verified_by")]

    operations = [
        on_postgresql(FORWARD_SQL, BACKWARD_SQL),
    ]
