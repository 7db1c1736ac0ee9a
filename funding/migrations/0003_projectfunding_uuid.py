"""A stable identifier for the open-data API (opendata/): HSDS `funding` rows.

Three steps, so that existing rows get distinct values: add the column empty, fill it, then
make it required and unique (see actors 0007).
"""

import uuid

from django.db import migrations, models

BATCH = 2000


def fill(apps, schema_editor):
    model = apps.get_model("funding", "ProjectFunding")
    while pks := list(model.objects.filter(uuid__isnull=True).values_list("pk", flat=True)[:BATCH]):
        model.objects.bulk_update([model(pk=pk, uuid=uuid.uuid4()) for pk in pks], ["uuid"])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("funding", "0002_fundingsource_version_historicalapplicationwindow_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="projectfunding",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, atomic=True),
        migrations.AlterField(
            model_name="projectfunding",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
