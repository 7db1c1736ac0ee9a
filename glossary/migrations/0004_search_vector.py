"""The glossary terms' stored search vector (PostgreSQL only), kept by a trigger, as the
actors' (actors/0003) and the practices' (practices/0004): a site search computed it from
the definitions of every term on every search. No index: a few hundred rows at most are
read whole (TermQuerySet.search_bounded), each vector tested in a microsecond."""

import django.contrib.postgres.search
from django.db import migrations

from keko.migration_operations import stored_search_vector


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0003_content_languages"),
        ("actors", "0016_search_without_accents"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalterm",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="term",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        stored_search_vector("glossary_term", ["term", "abbreviation"], ["definition"]),
    ]
