"""Load the seed data: Statistics Finland's classifications and the 2019 handbook.

Re-running is safe: `seeding.engine` leaves entries a curator has edited alone, brings the
others up to date with the fixtures, and does not touch those that already match.
"""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from seeding.engine import Seeder
from seeding.loaders import actors, funding, glossary, practices, reference, vocabularies

HANDBOOK_DIR = Path(settings.BASE_DIR) / "fixtures" / "handbook"
HANDBOOK_FILES = (
    "vocabularies.json",
    "funding.json",
    "actors.json",
    "practices.json",
    "glossary.json",
)


def read_handbook(name):
    path = HANDBOOK_DIR / name
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def seed_all(*, dry_run=False):
    """Load every fixture; return the seeder with its statistics. Roll back on `dry_run`."""
    seeder = Seeder()
    reference.seed_reference(seeder)
    handbook = {name: read_handbook(name) for name in HANDBOOK_FILES}

    def entries(name, key):
        return handbook[name].get(key, [])

    for data in handbook.values():
        vocabularies.seed_vocabularies(seeder, data)
    reference.seed_public_sector(seeder)
    handbook_actors = entries("funding.json", "actors") + entries("actors.json", "actors")
    actors.seed_actors(seeder, handbook_actors, "actors")
    # Sources the handbook only cites, seeded as actors before: not employment actors.
    actors.retire_actors(seeder, entries("actors.json", "retired_actors"), "retired_actors")
    funding.seed_funding(seeder, entries("funding.json", "funding_sources"), "funding.json")
    funding.seed_project_funding(seeder, handbook_actors, "actors")
    practices.seed_practices(seeder, entries("practices.json", "practices"), "practices.json")
    glossary.seed_terms(seeder, entries("glossary.json", "terms"), "glossary.json")
    if dry_run:
        transaction.set_rollback(True)
    return seeder
