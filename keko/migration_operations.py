"""Migration operations the apps share."""

from django.db import migrations


def on_postgresql(forward, backward):
    """A migration operation that runs SQL statements on PostgreSQL only: the indexes,
    triggers and search configurations of the production database, which SQLite (the
    two-command start) has no syntax or no use for. `forward` and `backward` are each a
    statement, a list of them, or a function returning a list."""
    return migrations.RunPython(_statements(forward), _statements(backward))


def _statements(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        listed = statements() if callable(statements) else statements
        for statement in [listed] if isinstance(listed, str) else listed:
            schema_editor.execute(statement)

    return run


def stored_search_vector(table, fields_a, fields_b, config="keko_finnish"):
    """An operation (PostgreSQL only) that keeps `table`'s `search_vector` column the weighted
    tsvector keko.search's SearchableQuerySet._vector() computes (`fields_a` weighted A,
    `fields_b` B, with the accent-folding Finnish configuration: actors/0016) on every insert
    and update, and fills it for the rows there are."""

    def vector(row):
        return " || ".join(
            f"setweight(to_tsvector('{config}'::regconfig, "
            + " || ' ' || ".join(f"coalesce({row}{field}, '')" for field in fields)
            + f"), '{weight}')"
            for fields, weight in ((fields_a, "A"), (fields_b, "B"))
            if fields
        )

    function, trigger = f"{table}_search_vector", f"{table}_search_vector_update"
    columns = ", ".join([*fields_a, *fields_b])
    forward = [
        f"""
        CREATE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            NEW.search_vector := {vector("NEW.")};
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql
        """,
        f"""
        CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE OF {columns} ON {table}
        FOR EACH ROW EXECUTE FUNCTION {function}()
        """,
        f"UPDATE {table} SET search_vector = {vector('')}",
    ]
    backward = [
        f"DROP TRIGGER IF EXISTS {trigger} ON {table}",
        f"DROP FUNCTION IF EXISTS {function}()",
    ]
    return on_postgresql(forward, backward)
