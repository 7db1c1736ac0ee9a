from django.core.management.base import BaseCommand
from django.db import transaction

from curation.permissions import sync_groups


class Command(BaseCommand):
    help = (
        "Create or update the Kuraattori and Alueellinen toimittaja groups with their "
        "permissions. Safe to re-run; run it after adding models."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be set, change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            counts = sync_groups()
            if dry_run:
                transaction.set_rollback(True)
        for name, count in counts.items():
            self.stdout.write(self.style.SUCCESS(f"{name}: {count} oikeutta"))
        if dry_run:
            self.stdout.write("Kuivaharjoitus: mitään ei tallennettu.")
