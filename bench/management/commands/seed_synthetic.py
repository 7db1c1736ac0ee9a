import contextlib
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actors import facets
from bench import synthetic


class Command(BaseCommand):
    help = (
        "Add N synthetic actors of every kind, with services, target groups, contacts "
        "(mostly private), networks, practices and funding links, on top of the seed data. "
        "Deterministic for a seed; load tests only. Re-running with the same seed adds only "
        "what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actors", type=int, required=True, help="How many actors in all.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Rows per INSERT (default 1000)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Generate and insert, then roll back."
        )

    def handle(self, *args, actors, seed, batch_size, dry_run, **options):
        if actors < 1:
            raise CommandError("--actors must be at least 1.")
        try:
            reference = synthetic.Reference.load()
        except ValueError as error:
            raise CommandError(str(error)) from error
        present = synthetic.existing_count(seed)
        if present >= actors:
            self.stdout.write(
                self.style.SUCCESS(f"{present} synthetic actors of seed {seed} already loaded.")
            )
            return
        if present % synthetic.CHUNK_SIZE:
            raise CommandError(
                f"{present} synthetic actors of seed {seed} exist, which is not a whole number "
                f"of chunks of {synthetic.CHUNK_SIZE}: delete them (slug starting "
                f"'{synthetic.SLUG_PREFIX}-{seed}-') or use another --seed."
            )
        todo = [(c, n) for c, n in synthetic.chunks(actors) if c * synthetic.CHUNK_SIZE >= present]
        totals = synthetic.ChunkStats()
        started = time.monotonic()
        # Each chunk commits on its own, so that an interrupted load resumes where it stopped;
        # a dry run wraps them all in one transaction and rolls it back.
        with transaction.atomic() if dry_run else contextlib.nullcontext():
            for done, (chunk, count) in enumerate(todo, start=1):
                totals.add(
                    synthetic.load_chunk(seed, chunk, count, reference, batch_size=batch_size)
                )
                self._progress(done, len(todo), totals.actors, started)
            if dry_run:
                transaction.set_rollback(True)
        if not dry_run and facets.available():
            # The facets' kept counts got each chunk's changes appended: one row a count.
            facets.fold_all()
        sys.stderr.write("\n")
        for name, value in vars(totals).items():
            self.stdout.write(f"  {name.replace('_', ' ')}: {value}")
        verb = "Would add" if dry_run else "Added"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {totals.actors} synthetic actors (seed {seed}) "
                f"in {time.monotonic() - started:.0f} s."
            )
        )

    def _progress(self, done, total, actors, started):
        width = 30
        filled = width * done // total
        elapsed = time.monotonic() - started
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} chunks, "
            f"{actors} actors, {elapsed:.0f} s"
        )
        sys.stderr.flush()
