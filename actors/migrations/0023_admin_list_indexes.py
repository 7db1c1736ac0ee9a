"""The admin's lists of actors and contacts at 100 000 rows.

Its search (Django's icontains: UPPER(column) LIKE UPPER('%word%')) read every row, over five
columns of the actors (66 ms for the count and again for the page): a trigram index of each
column's upper case serves that very expression (PostgreSQL only, like the search's other
indexes: SQLite has no GIN). Its default order (keko.admin.CuratedAdmin.ordering, then the
key) sorted every actor for each page (20 ms), and the contacts' (by role, then name) every
contact (111 ms): the contacts are listed by name instead, and each list read from an index in
its order.
"""

from django.db import migrations, models

from keko.migration_operations import on_postgresql

SEARCHED = {
    "actors_actor": ["name", "name_sv", "name_en", "slug", "business_id"],
    "actors_contact": ["name"],
}


def trigram_index_name(table, column):
    return f"{table}_{column}_upper_trgm"


FORWARD_SQL = [
    f"CREATE INDEX {trigram_index_name(table, column)} ON {table}"
    f" USING gin (upper({column}::text) gin_trgm_ops)"
    for table, columns in SEARCHED.items()
    for column in columns
]
BACKWARD_SQL = [
    f"DROP INDEX IF EXISTS {trigram_index_name(table, column)}"
    for table, columns in SEARCHED.items()
    for column in columns
]


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0022_municipality_verified_index"),
    ]

    operations = [
        on_postgresql(FORWARD_SQL, BACKWARD_SQL),
        migrations.AddIndex(
            model_name="actor",
            index=models.Index(
                fields=["status", "-created_at", "-id"], name="actors_actor_admin_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["name", "id"], name="actors_contact_name_idx"),
        ),
    ]
