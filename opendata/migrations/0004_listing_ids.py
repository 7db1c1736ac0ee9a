"""The API's ids of each service and service at a location, kept in the services' index: a
detail is found by its id from an index (opendata.views.LinkDetail)."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from opendata.listings import rebuild

    rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0023_admin_list_indexes"),
        ("opendata", "0003_listing_located"),
    ]

    operations = [
        migrations.AddField(
            model_name="servicelisting",
            name="service_id",
            field=models.UUIDField(null=True, unique=True),
        ),
        migrations.AddField(
            model_name="servicelisting",
            name="located_id",
            field=models.UUIDField(null=True, unique=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
