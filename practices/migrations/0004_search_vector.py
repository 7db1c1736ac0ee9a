import django.contrib.postgres.search
from django.db import migrations

from keko.migration_operations import on_postgresql

# PostgreSQL only: a trigger keeps the weighted Finnish tsvector of a practice's title and
# texts current on every insert and update, and a GIN index serves the search. The site
# search computed these vectors from the long case texts on every search (8-20 ms for 214
# practices); SearchableQuerySet reads the stored one where search_vector_field names it.
# The same expression as SearchableQuerySet._vector(): title weighted A, the texts B.
FORWARD_SQL = [
    """
    CREATE FUNCTION practices_practice_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('finnish'::regconfig, coalesce(NEW.title, '')), 'A')
            || setweight(to_tsvector('finnish'::regconfig,
                coalesce(NEW.summary, '') || ' ' || coalesce(NEW.what_was_done, '')
                || ' ' || coalesce(NEW.results, '')), 'B');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER practices_practice_search_vector_update
    BEFORE INSERT OR UPDATE OF title, summary, what_was_done, results ON practices_practice
    FOR EACH ROW EXECUTE FUNCTION practices_practice_search_vector()
    """,
    "UPDATE practices_practice SET title = title",
    "CREATE INDEX practices_practice_search_vector_gin ON practices_practice"
    " USING gin (search_vector)",
]
BACKWARD_SQL = [
    "DROP INDEX IF EXISTS practices_practice_search_vector_gin",
    "DROP TRIGGER IF EXISTS practices_practice_search_vector_update ON practices_practice",
    "DROP FUNCTION IF EXISTS practices_practice_search_vector()",
]


class Migration(migrations.Migration):
    dependencies = [("practices", "0003_content_languages")]

    operations = [
        migrations.AddField(
            model_name="historicalpractice",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="practice",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        on_postgresql(FORWARD_SQL, BACKWARD_SQL),
    ]
