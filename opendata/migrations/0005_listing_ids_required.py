"""Every row of the services' index has its ids (0004 filled them; opendata.listings writes
them): required. Apart from 0004, whose rows' writes PostgreSQL must commit first."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0004_listing_ids"),
    ]

    operations = [
        migrations.AlterField(
            model_name="servicelisting",
            name="service_id",
            field=models.UUIDField(unique=True),
        ),
        migrations.AlterField(
            model_name="servicelisting",
            name="located_id",
            field=models.UUIDField(unique=True),
        ),
    ]
