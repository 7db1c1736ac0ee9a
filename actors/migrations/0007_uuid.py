"""Stable identifiers for the open-data API (opendata/): a UUID on every row it publishes.

Three steps, so that existing rows get distinct values: add the column empty, fill it, then
make it required and unique. Not atomic as a whole, so that on PostgreSQL the filling (its own
transaction) is committed before the tables are altered. A historical row takes the UUID of
its entry, and the rows of a deleted entry share one new UUID.
"""

import uuid

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

LIVE = ["region", "municipality", "servicetype", "targetgroup", "actor", "contact"]
HISTORICAL = {"historicalactor": "actor", "historicalcontact": "contact"}
BATCH = 2000


def fill(apps, schema_editor):
    for name in LIVE:
        model = apps.get_model("actors", name)
        while pks := list(model.objects.filter(uuid__isnull=True).values_list("pk", flat=True)[:BATCH]):
            rows = [model(pk=pk, uuid=uuid.uuid4()) for pk in pks]
            model.objects.bulk_update(rows, ["uuid"])
    for name, live_name in HISTORICAL.items():
        model = apps.get_model("actors", name)
        live = apps.get_model("actors", live_name)
        model.objects.update(uuid=Subquery(live.objects.filter(pk=OuterRef("id")).values("uuid")[:1]))
        orphans = model.objects.filter(uuid__isnull=True).values_list("id", flat=True).distinct()
        for entry_id in list(orphans):
            model.objects.filter(id=entry_id).update(uuid=uuid.uuid4())


def unique(**extra):
    return models.UUIDField(default=uuid.uuid4, editable=False, **extra)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("actors", "0006_national_index"),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name=name, name="uuid", field=models.UUIDField(null=True, editable=False)
            )
            for name in LIVE
        ],
        *[
            migrations.AddField(
                model_name=name,
                name="uuid",
                field=models.UUIDField(null=True, editable=False, db_index=True),
            )
            for name in HISTORICAL
        ],
        migrations.RunPython(fill, migrations.RunPython.noop, atomic=True),
        *[
            migrations.AlterField(model_name=name, name="uuid", field=unique(unique=True))
            for name in LIVE
        ],
        *[
            migrations.AlterField(model_name=name, name="uuid", field=unique(db_index=True))
            for name in HISTORICAL
        ],
    ]
