from django.core.management.base import BaseCommand, CommandError

from keko.cache import bumped_once
from seeding.engine import SeedError
from seeding.seed import seed_all


class Command(BaseCommand):
    help = (
        "Load Finland's regions and municipalities and the handbook's actors, funding sources, "
        "practices and terms. Safe to re-run: entries a curator has edited are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, then roll back."
        )

    def handle(self, *args, dry_run=False, **options):
        try:
            # Every cached page made stale once, rather than once per entry written.
            with bumped_once():
                seeder = seed_all(dry_run=dry_run)
        except SeedError as error:
            raise CommandError(str(error)) from error
        for key, count in sorted(seeder.stats.items()):
            self.stdout.write(f"  {key}: {count}")
        for obj in seeder.kept:
            self.stdout.write(
                self.style.WARNING(f"  kept curator's edits: {obj._meta.verbose_name} {obj}")
            )
        verb = "Would seed" if dry_run else "Seeded"
        self.stdout.write(self.style.SUCCESS(f"{verb} the directory."))
