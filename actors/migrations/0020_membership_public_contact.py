"""The area memberships say whether their actor has a public contact (actors.areas).

An area page's checklist joined its contacts with every membership row of the area: 28 000
rows of Uusimaa, 15 ms. The rows of actors with a public contact are an eighth of those, in a
partial index of their own.

The flag is updated in place, so an update of a membership row no longer rebuilds its actor's
facet row (actors/0010) unless the row moved to another actor or area: the facets read only
those two columns of it (PostgreSQL).
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef

from keko.migration_operations import on_postgresql

MEMBERSHIP_TABLES = ("actors_actorregion", "actors_actormunicipality")
TRIGGER = """
    CREATE TRIGGER actors_facets_updated AFTER UPDATE ON {table}
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {function}()
"""


def updated_triggers(function):
    """The membership tables' UPDATE triggers, run by `function`, in place of the others."""
    return [
        statement
        for table in MEMBERSHIP_TABLES
        for statement in (
            f"DROP TRIGGER actors_facets_updated ON {table}",
            TRIGGER.format(table=table, function=function),
        )
    ]


FORWARD_SQL = [
    """
    CREATE FUNCTION actors_facets_areas_updated() RETURNS trigger AS $$
    BEGIN
        PERFORM actors_facets_refresh(ARRAY(
            SELECT unnest(ARRAY[o.actor_id, n.actor_id])
            FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (n.actor_id, n.area_id) IS DISTINCT FROM (o.actor_id, o.area_id)
        ));
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    *updated_triggers("actors_facets_areas_updated"),
]
BACKWARD_SQL = [
    *updated_triggers("actors_facets_links_updated"),
    "DROP FUNCTION actors_facets_areas_updated()",
]


def fill(apps, schema_editor):
    Contact = apps.get_model("actors", "Contact")  # noqa: N806 - a model
    has_public = Exists(Contact.objects.filter(public=True, actor_id=OuterRef("actor_id")))
    for name in ("ActorRegion", "ActorMunicipality"):
        apps.get_model("actors", name).objects.update(has_public_contact=has_public)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0019_default_order_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="actormunicipality",
            name="has_public_contact",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="actorregion",
            name="has_public_contact",
            field=models.BooleanField(default=False),
        ),
        on_postgresql(FORWARD_SQL, BACKWARD_SQL),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *[
            migrations.AddIndex(
                model_name=model_name,
                index=models.Index(
                    condition=models.Q(("has_public_contact", True)),
                    fields=["area", "status"],
                    include=("actor", "name", "active_from", "active_until"),
                    name=name,
                ),
            )
            for model_name, name in (
                ("actormunicipality", "actors_actormunic_contact_idx"),
                ("actorregion", "actors_actorreg_contact_idx"),
            )
        ],
    ]
