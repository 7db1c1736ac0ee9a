from django.core.management.base import BaseCommand
from django.db import transaction

from keko.management.backup import backed_up_models, write_backup


class Command(BaseCommand):
    help = (
        "Write the directory's content, curators' accounts and edit history to a JSON file "
        "(gzip-compressed when the name ends in .gz) that `restore` loads on SQLite or "
        "PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to write, e.g. keko-2026-05-01.json.gz")

    def handle(self, *, path, **options):
        # One transaction: on PostgreSQL every table is read from the same snapshot, so a
        # curator's save during the backup cannot leave it half-applied.
        with transaction.atomic():
            if transaction.get_connection().vendor == "postgresql":
                transaction.get_connection().cursor().execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
                )
            write_backup(path)
            count = sum(model._base_manager.count() for model in backed_up_models())
        self.stdout.write(self.style.SUCCESS(f"Backed up {count} rows to {path}"))
