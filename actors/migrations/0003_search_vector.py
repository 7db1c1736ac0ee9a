import django.contrib.postgres.search
from django.db import migrations

from keko.migration_operations import on_postgresql

# PostgreSQL only: a trigger keeps the weighted Finnish tsvector of name and description
# current on every insert and update (bulk inserts included), a GIN index serves full-text
# search, and a trigram GIN index serves typo-tolerant name matching. SQLite has neither
# feature and searches with a plain match instead.
FORWARD_SQL = [
    """
    CREATE FUNCTION actors_actor_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('finnish'::regconfig, coalesce(NEW.name, '')), 'A')
            || setweight(to_tsvector('finnish'::regconfig, coalesce(NEW.description, '')), 'B');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER actors_actor_search_vector_update
    BEFORE INSERT OR UPDATE OF name, description ON actors_actor
    FOR EACH ROW EXECUTE FUNCTION actors_actor_search_vector()
    """,
    "UPDATE actors_actor SET name = name",
    "CREATE INDEX actors_actor_search_vector_gin ON actors_actor USING gin (search_vector)",
    "CREATE INDEX actors_actor_name_trgm ON actors_actor USING gin (name gin_trgm_ops)",
]
BACKWARD_SQL = [
    "DROP INDEX IF EXISTS actors_actor_name_trgm",
    "DROP INDEX IF EXISTS actors_actor_search_vector_gin",
    "DROP TRIGGER IF EXISTS actors_actor_search_vector_update ON actors_actor",
    "DROP FUNCTION IF EXISTS actors_actor_search_vector()",
]


class Migration(migrations.Migration):
    dependencies = [("actors", "0002_postgresql_extensions")]

    operations = [
        migrations.AddField(
            model_name="actor",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        on_postgresql(FORWARD_SQL, BACKWARD_SQL),
    ]
