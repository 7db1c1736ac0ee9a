"""The handbook's glossary terms and the links between them."""

from glossary.models import Term
from seeding.engine import curated, parse_date


def seed_terms(seeder, items, where):
    for item in items:
        values = {
            "term": item["term"],
            "abbreviation": item.get("abbreviation", ""),
            "definition": item["definition"],
            "category": item["category"],
            **curated(item),
            "source_accessed": parse_date(item.get("source_accessed")),
        }
        seeder.upsert(Term, item["slug"], values)
    # Relations need every term to exist first.
    for item in items:
        at = f"{where}: term {item['slug']!r}"
        term = Term.objects.get(slug=item["slug"])
        if term in seeder.kept:
            continue
        related = seeder.many(Term, item.get("related", []), at)
        if set(term.related.all()) != set(related):
            term.related.add(*related)
