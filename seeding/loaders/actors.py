"""The handbook's actors, with their contacts and network members."""

from actors.models import (
    Actor,
    ActorKind,
    ContactRole,
    Municipality,
    Region,
    ServiceType,
    TargetGroup,
)
from seeding.engine import Children, SeedError, curated, parse_date


def actor(seeder, slug, where):
    return seeder.lookup(Actor, slug, where)


def seed_actors(seeder, items, where):
    by_slug = {item["slug"]: item for item in items}
    for item in _parents_first(by_slug):
        seed_actor(seeder, item, f"{where}: actor {item['slug']!r}")


def seed_actor(seeder, item, where):
    values, m2m, children = actor_fields(seeder, item, where)
    return seeder.upsert(Actor, item["slug"], values, m2m, children)


def retire_actors(seeder, items, where):
    """Delete the actors seeded from `items` (as they were seeded) that the fixtures no
    longer hold, unless a curator has changed them since."""
    for item in items:
        values, m2m, children = actor_fields(seeder, item, f"{where}: actor {item['slug']!r}")
        seeder.retire(Actor, item["slug"], values, m2m, children)


def actor_fields(seeder, item, where):
    """The values, links and child rows the seed writes for the fixture actor `item`."""
    municipality = item.get("municipality")
    values = {
        "name": item["name"],
        "kind": item["kind"],
        "business_id": item.get("business_id", ""),
        "description": item.get("description", ""),
        "website": item.get("website", ""),
        "email": item.get("email", ""),
        "phone": item.get("phone", ""),
        "municipality": (
            seeder.lookup(Municipality, municipality, where, "code") if municipality else None
        ),
        "is_national": bool(item.get("national")),
        "parent": actor(seeder, item["parent"], where) if item.get("parent") else None,
        "active_from": parse_date(item.get("active_from")),
        "active_until": parse_date(item.get("active_until")),
        **curated(item),
    }
    if values["kind"] not in ActorKind.values:
        raise SeedError(f"{where}: unknown kind {values['kind']!r}")
    m2m = {
        "served_municipalities": seeder.many(
            Municipality, item.get("served_municipalities", []), where, "code"
        ),
        "served_regions": seeder.many(Region, item.get("served_regions", []), where, "code"),
        "services": seeder.many(ServiceType, item.get("services", []), where),
        "target_groups": seeder.many(TargetGroup, item.get("target_groups", []), where),
        "successors": seeder.many(Actor, item.get("successors", []), where),
    }
    contacts = Children(
        "contacts",
        ("role", "name"),
        [
            {
                "role": seeder.lookup(ContactRole, c["role"], where),
                "name": c["name"],
                "title": c.get("title", ""),
                "email": c.get("email", ""),
                "phone": c.get("phone", ""),
                "public": False,
            }
            for c in item.get("contacts", [])
        ],
    )
    members = Children(
        "memberships",
        ("member",),
        [
            {"member": actor(seeder, m["actor"], where), "role": m.get("role", "member")}
            for m in item.get("members", [])
        ],
    )
    return values, m2m, [contacts, members]


def _parents_first(by_slug):
    """Order fixture actors so that parents, successors and network members come first."""
    ordered, done, visiting = [], set(), set()

    def visit(slug):
        if slug in done or slug not in by_slug:
            return
        if slug in visiting:
            raise SeedError(f"actor {slug!r} refers to itself through its references")
        visiting.add(slug)
        item = by_slug[slug]
        for ref in [
            item.get("parent"),
            *item.get("successors", []),
            *(m["actor"] for m in item.get("members", [])),
        ]:
            if ref:
                visit(ref)
        visiting.discard(slug)
        done.add(slug)
        ordered.append(item)

    for slug in by_slug:
        visit(slug)
    return ordered
