from django.contrib.auth.management import create_permissions
from django.db import migrations

from curation.permissions import sync_groups


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create them now so that
    # the groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_groups(
        group_model=apps.get_model("auth", "Group"),
        permission_model=apps.get_model("auth", "Permission"),
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Kuraattori", "Alueellinen toimittaja"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("curation", "0001_initial"),
        ("actors", "0004_actor_version_historicalactor_historicalcontact_and_more"),
        ("funding", "0002_fundingsource_version_historicalapplicationwindow_and_more"),
        ("practices", "0002_practice_version_historicalparticipation_and_more"),
        ("glossary", "0002_term_version_historicalterm"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
