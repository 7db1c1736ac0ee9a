from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from keko.management.backup import backed_up_models, content_models, tables
from keko.registry import ContentAppConfig, project_app_configs


class DryRun(Exception):
    """Raised to roll the restore back after a successful trial load."""


class Command(BaseCommand):
    help = (
        "Load a file written by `backup` into a migrated database, in one transaction. "
        "Refuses a database that already has content unless --force, which replaces it."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="File written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the content of a database that is not empty.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Load the backup to check it, then roll everything back.",
        )

    def handle(self, *, path, force, dry_run, **options):
        occupied = [model._meta.label for model in content_models() if model._base_manager.exists()]
        if occupied and not force:
            raise CommandError(
                "The database is not empty (" + ", ".join(occupied[:5]) + ", …). "
                "Restore into a freshly migrated database, or pass --force to replace its content."
            )
        try:
            with transaction.atomic():
                # Raw deletes: no signals, so the edit history gains no deletion records.
                # Groups that migrations created are replaced by the backed-up ones.
                connection.ops.execute_sql_flush(
                    connection.ops.sql_flush(no_style(), tables(), allow_cascade=False)
                )
                call_command("loaddata", path, verbosity=0)
                # Derived data that apps keep on every save, which loaddata's raw saves skip.
                for config in project_app_configs():
                    if isinstance(config, ContentAppConfig):
                        config.loaded_in_bulk()
                rows = sum(model._base_manager.count() for model in backed_up_models())
                if dry_run:
                    raise DryRun
        except DryRun:
            self.stdout.write(self.style.SUCCESS(f"Dry run: {rows} rows would be restored"))
            return
        self.stdout.write(self.style.SUCCESS(f"Restored {rows} rows from {path}"))
