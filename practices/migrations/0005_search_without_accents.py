"""The practices' stored search vector (practices/0004) with the Finnish configuration that
folds accents (actors/0016), as keko.search queries it (PostgreSQL only)."""

from django.db import migrations


def vector(config, row=""):
    return (
        f"setweight(to_tsvector('{config}'::regconfig, coalesce({row}title, '')), 'A')"
        f" || setweight(to_tsvector('{config}'::regconfig, coalesce({row}summary, '') || ' '"
        f" || coalesce({row}what_was_done, '') || ' ' || coalesce({row}results, '')), 'B')"
    )


def statements(config):
    return [
        f"""
        CREATE OR REPLACE FUNCTION practices_practice_search_vector() RETURNS trigger AS $$
        BEGIN
            NEW.search_vector := {vector(config, "NEW.")};
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql
        """,
        f"UPDATE practices_practice SET search_vector = {vector(config)}",
    ]


def run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("practices", "0004_search_vector"), ("actors", "0016_search_without_accents")]

    operations = [
        migrations.RunPython(
            run_on_postgresql(statements("keko_finnish")), run_on_postgresql(statements("finnish"))
        ),
    ]
