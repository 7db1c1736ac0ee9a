"""The handbook's good practices with their participants and contact person."""

from actors.models import Contact, ContactRole, Region, TargetGroup
from funding.models import FundingSource
from practices.models import Practice
from seeding.engine import Children, curated
from seeding.loaders.actors import actor


def seed_practices(seeder, items, where):
    for item in items:
        at = f"{where}: practice {item['slug']!r}"
        contact = None
        if item.get("contact"):
            c = item["contact"]
            contact, _ = Contact.objects.get_or_create(
                actor=actor(seeder, c["actor"], at),
                role=seeder.lookup(ContactRole, c.get("role", "yhteyshenkilo"), at),
                name=c["name"],
                defaults={
                    "title": c.get("title", ""),
                    "email": c.get("email", ""),
                    "phone": c.get("phone", ""),
                },
            )
        values = {
            "title": item["title"],
            "summary": item["summary"],
            "what_was_done": item.get("what_was_done", ""),
            "how_it_started": item.get("how_it_started", ""),
            "challenges": item.get("challenges", ""),
            "results": item.get("results", ""),
            "partner_type": item["partner_type"],
            "start_year": item.get("start_year"),
            "end_year": item.get("end_year"),
            "contact": contact,
            "website": item.get("website", ""),
            **curated(item),
        }
        m2m = {
            "funding_sources": seeder.many(FundingSource, item.get("funding_sources", []), at),
            "regions": seeder.many(Region, item.get("regions", []), at, "code"),
            "target_groups": seeder.many(TargetGroup, item.get("target_groups", []), at),
        }
        participants = Children(
            "participations",
            ("actor",),
            [
                {"actor": actor(seeder, p["actor"], at), "role": p.get("role", "partner")}
                for p in item.get("participants", [])
            ],
        )
        seeder.upsert(Practice, item["slug"], values, m2m, [participants])
