# The business register (YTJ) as a source, and what its records say of the company.

from django.db import migrations, models

SOURCES = [
    ("ptv", "Suomi.fi-palvelutietovaranto (PTV)"),
    ("ytj", "Yritys- ja yhteisötietojärjestelmä (YTJ)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="catalogueimport",
            name="source",
            field=models.CharField(
                choices=SOURCES, default="ptv", max_length=10, verbose_name="lähde"
            ),
        ),
        migrations.AlterField(
            model_name="cataloguerecord",
            name="source",
            field=models.CharField(choices=SOURCES, max_length=10, verbose_name="lähde"),
        ),
        migrations.AlterField(
            model_name="fieldprovenance",
            name="source",
            field=models.CharField(choices=SOURCES, max_length=10, verbose_name="lähde"),
        ),
        migrations.AlterField(
            model_name="importconflict",
            name="source",
            field=models.CharField(choices=SOURCES, max_length=10, verbose_name="lähde"),
        ),
        migrations.AddField(
            model_name="cataloguerecord",
            name="company_form",
            field=models.CharField(blank=True, max_length=100, verbose_name="yritysmuoto"),
        ),
        migrations.AddField(
            model_name="cataloguerecord",
            name="register_status",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="tila kaupparekisterissä"
            ),
        ),
        migrations.AddField(
            model_name="cataloguerecord",
            name="ended_in_register",
            field=models.BooleanField(
                db_index=True,
                default=False,
                help_text=(
                    "Yritys on lakannut, konkurssissa tai selvitystilassa. Toimijaa ei poisteta "
                    "eikä piiloteta automaattisesti."
                ),
                verbose_name="päättynyt kaupparekisterissä",
            ),
        ),
        migrations.AddField(
            model_name="cataloguerecord",
            name="register_ended_on",
            field=models.DateField(blank=True, null=True, verbose_name="päättymispäivä"),
        ),
    ]
