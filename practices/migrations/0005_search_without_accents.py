"""The practices' stored search vector (practices/0004) with the Finnish configuration that
folds accents (actors/0016), as keko.search queries it (PostgreSQL only)."""

from django.db import migrations

from keko.migration_operations import on_postgresql


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


class Migration(migrations.Migration):
    dependencies = [("practices", "0004_search_vector"), ("actors", "0016_search_without_accents")]

    operations = [
        on_postgresql(statements("keko_finnish"), statements("finnish")),
    ]
