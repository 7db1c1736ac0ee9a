from django.db import migrations, models


def fill(apps, schema_editor):
    """Mark the rows of the actors with a visiting address (opendata.listings)."""
    from opendata.listings import rebuild

    rebuild(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0021_change_feed_indexes"),
        ("opendata", "0002_service_listing"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="servicelisting",
            name="opendata_listing_page_idx",
        ),
        migrations.AddField(
            model_name="servicelisting",
            name="located",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="servicelisting",
            index=models.Index(
                fields=["status", "name", "actor", "servicetype"],
                include=("active_from", "active_until", "located", "id"),
                name="opendata_listing_page_idx",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
