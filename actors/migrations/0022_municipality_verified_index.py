"""The home municipality's index, with the verification date: the admin index counts the stale
actors of each region from it alone. It replaces the foreign key's own index (created first,
so that the key is never without one)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0021_change_feed_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="actor",
            index=models.Index(
                fields=["municipality"],
                include=("verified_on",),
                name="actors_actor_municipality_idx",
            ),
        ),
        migrations.AlterField(
            model_name="actor",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text=(
                    "Kunta, jossa toimijan kotipaikka tai toimipiste on. Toimija näkyy tämän "
                    "kunnan ja sen maakunnan sivulla."
                ),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="based_actors",
                to="actors.municipality",
                verbose_name="kotikunta",
            ),
        ),
    ]
