"""Load the seed data: Statistics Finland's classifications and the 2019 handbook.

Re-running is safe. Each seeded entry stores a fingerprint (`seed_hash`) of the values the seed
wrote, covering its own fields, many-to-many links and child rows (contacts, members, windows,
participants). On the next run an entry whose current values no longer match its fingerprint
has been edited by a curator and is left alone; an entry that still matches is brought up to
date with the fixtures; an entry that already equals the fixtures is not touched at all.
"""

import csv
import datetime
import decimal
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from actors.models import (
    Actor,
    ActorKind,
    Contact,
    ContactRole,
    Municipality,
    Region,
    ServiceType,
    TargetGroup,
    TypicalService,
)
from funding.models import ApplicantType, FundingSource, ProjectFunding
from glossary.models import Term
from keko.models import Status
from practices.models import Practice

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
REFERENCE_DIR = FIXTURES_DIR / "reference"
HANDBOOK_DIR = FIXTURES_DIR / "handbook"

STATISTICS_FINLAND = "Tilastokeskus, luokitukset 2026 (CC BY 4.0)"
STATISTICS_FINLAND_URL = "https://data.stat.fi/api/classifications/v2/classifications"
CLASSIFICATION_DATE = datetime.date(2026, 1, 1)
TE_OFFICES_ENDED = datetime.date(2024, 12, 31)
EMPLOYMENT_AREAS_STARTED = datetime.date(2025, 1, 1)
ELY_CENTRES_ENDED = datetime.date(2025, 12, 31)
ELINVOIMAKESKUKSET_STARTED = datetime.date(2026, 1, 1)


class SeedError(Exception):
    """A fixture refers to something that does not exist or holds an invalid value."""


@dataclass
class Children:
    """Child rows seeded with their parent, identified within it by `key`."""

    related_name: str
    key: tuple
    rows: list = field(default_factory=list)


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    if isinstance(value, float):
        return str(decimal.Decimal(str(value)).normalize())
    return value


def _fingerprint(values, m2m, children):
    data = {
        "values": {name: _plain(value) for name, value in sorted(values.items())},
        "m2m": {name: sorted(_plain(v) for v in items) for name, items in sorted(m2m.items())},
        "children": {
            group.related_name: sorted(
                json.dumps({k: _plain(v) for k, v in sorted(row.items())}, sort_keys=True)
                for row in group.rows
            )
            for group in children
        },
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _current_fingerprint(obj, values, m2m, children):
    """Fingerprint `obj` as stored, over the same fields the fixture sets."""
    current_values = {name: getattr(obj, name) for name in values}
    current_m2m = {name: list(getattr(obj, name).values_list("pk", flat=True)) for name in m2m}
    current_children = []
    for group in children:
        fields = group.rows[0].keys() if group.rows else group.key
        rows = [
            {name: getattr(row, name) for name in fields}
            for row in getattr(obj, group.related_name).all()
        ]
        current_children.append(Children(group.related_name, group.key, rows))
    return _fingerprint(current_values, current_m2m, current_children)


class Seeder:
    def __init__(self):
        self.stats = Counter()
        self.kept = []  # entries a curator has changed since they were seeded

    # -- generic upsert ---------------------------------------------------------------------
    def upsert(self, model, slug, values, m2m=None, children=()):
        m2m = m2m or {}
        desired = _fingerprint(values, m2m, children)
        obj = model.objects.filter(slug=slug).first()
        if obj is not None:
            current = _current_fingerprint(obj, values, m2m, children)
            if current != obj.seed_hash:
                self.stats[f"{model._meta.model_name}: kept"] += 1
                self.kept.append(obj)
                return obj
            if current == desired:
                self.stats[f"{model._meta.model_name}: unchanged"] += 1
                return obj
            action = "updated"
        else:
            obj = model(slug=slug)
            action = "created"
        for name, value in values.items():
            setattr(obj, name, value)
        obj.seed_hash = desired
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise SeedError(f"{model.__name__} {slug!r}: {error}") from error
        obj.save()
        for name, items in m2m.items():
            getattr(obj, name).set(items)
        for group in children:
            self._sync_children(obj, group)
        self.stats[f"{model._meta.model_name}: {action}"] += 1
        return obj

    def _sync_children(self, obj, group):
        manager = getattr(obj, group.related_name)
        kept_pks = []
        for row in group.rows:
            lookup = {name: row[name] for name in group.key}
            defaults = {name: value for name, value in row.items() if name not in group.key}
            child, _ = manager.update_or_create(**lookup, defaults=defaults)
            kept_pks.append(child.pk)
        manager.exclude(pk__in=kept_pks).delete()

    # -- lookups --------------------------------------------------------------------------
    def _lookup(self, model, field_name, key, where):
        try:
            return model.objects.get(**{field_name: key})
        except model.DoesNotExist:
            raise SeedError(f"{where}: unknown {model.__name__} {key!r}") from None

    def actor(self, slug, where):
        return self._lookup(Actor, "slug", slug, where)

    def many(self, model, keys, where, field_name="slug"):
        found = {
            getattr(o, field_name): o for o in model.objects.filter(**{f"{field_name}__in": keys})
        }
        missing = [k for k in keys if k not in found]
        if missing:
            raise SeedError(f"{where}: unknown {model.__name__} {', '.join(map(repr, missing))}")
        return [found[k] for k in keys]

    # -- reference data -----------------------------------------------------------------------
    def seed_reference(self):
        for row in read_csv("regions.csv"):
            Region.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name_fi": row["name_fi"],
                    "name_sv": row["name_sv"],
                    "slug": slugify(row["name_fi"]),
                },
            )
        regions = {r.code: r for r in Region.objects.all()}
        for row in read_csv("municipalities.csv"):
            Municipality.objects.update_or_create(
                code=row["code"],
                defaults={
                    "name_fi": row["name_fi"],
                    "name_sv": row["name_sv"],
                    "slug": slugify(row["name_fi"]),
                    "region": regions[row["region_code"]],
                },
            )
        self.stats["region"] = Region.objects.count()
        self.stats["municipality"] = Municipality.objects.count()

    def seed_vocabularies(self, data):
        for item in data.get("service_types", []):
            ServiceType.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]})
        for item in data.get("target_groups", []):
            TargetGroup.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]})
        for item in data.get("contact_roles", []):
            ContactRole.objects.get_or_create(
                slug=item["slug"],
                defaults={
                    "name": item["name"],
                    "checklist_order": item.get("checklist_order"),
                    "actor_kinds": item.get("actor_kinds", []),
                },
            )
        for kind, slugs in data.get("typical_services", {}).items():
            for service in self.many(ServiceType, slugs, f"typical services of {kind}"):
                TypicalService.objects.get_or_create(kind=kind, service=service)
        for item in data.get("applicant_types", []):
            ApplicantType.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]})

    def seed_public_sector(self):
        """Create the municipalities, employment areas, ELY centres, elinvoimakeskukset,
        former TE offices and Kela as actors, from the reference classifications."""
        common = {
            "status": Status.PUBLISHED,
            "source": STATISTICS_FINLAND,
            "source_url": STATISTICS_FINLAND_URL,
            "verified_on": CLASSIFICATION_DATE,
        }
        municipalities = {m.code: m for m in Municipality.objects.select_related("region")}
        regions = {r.code: r for r in Region.objects.all()}
        for m in municipalities.values():
            self.upsert(
                Actor,
                m.slug,
                {
                    **common,
                    "name": m.name_fi,
                    "kind": ActorKind.MUNICIPALITY,
                    "municipality": m,
                    "description": f"{m.name_fi} ({m.name_sv}), {m.region.name_fi}.",
                },
            )

        members = {}
        for row in read_csv("employment_area_municipalities.csv"):
            members.setdefault(row["employment_area_code"], []).append(
                municipalities[row["municipality_code"]]
            )
        areas_by_region = {}
        for row in read_csv("employment_areas.csv"):
            if row["te24_reform_area"] != "true":
                continue  # Åland is outside the TE24 reform
            served = members[row["code"]]
            area = self.upsert(
                Actor,
                f"tyollisyysalue-{slugify(row['name_fi'])}",
                {
                    **common,
                    "name": f"{row['name_fi']} – työllisyysalue",
                    "kind": ActorKind.EMPLOYMENT_AREA,
                    "active_from": EMPLOYMENT_AREAS_STARTED,
                    "description": (
                        f"Työllisyysalue, joka järjestää julkiset työvoimapalvelut "
                        f"{len(served)} kunnan alueella 1.1.2025 alkaen "
                        f"(TE24-uudistus; ruotsiksi {row['name_sv']})."
                    ),
                },
                m2m={"served_municipalities": served},
            )
            for region_code in {m.region.code for m in served}:
                areas_by_region.setdefault(region_code, []).append(area)

        ely_regions, evk_regions, names = {}, {}, {}
        for row in read_csv("region_ely_elinvoimakeskus.csv"):
            evk_regions.setdefault(row["evk_name_fi_2026"], []).append(regions[row["region_code"]])
            if row["ely_name_fi_2025"].endswith("ELY-keskus"):  # Åland has no ELY centre
                ely_regions.setdefault(row["ely_name_fi_2025"], []).append(
                    regions[row["region_code"]]
                )
                names[row["ely_name_fi_2025"]] = row["evk_name_fi_2026"]

        elinvoimakeskukset = {}
        for name, served in evk_regions.items():
            elinvoimakeskukset[name] = self.upsert(
                Actor,
                slugify(name),
                {
                    **common,
                    "name": name,
                    "kind": ActorKind.ELINVOIMAKESKUS,
                    "active_from": ELINVOIMAKESKUKSET_STARTED,
                    "description": (
                        "Valtion aluehallinnon elinvoimakeskus, joka jatkaa ELY-keskusten "
                        "tehtäviä 1.1.2026 alkaen."
                    ),
                },
                m2m={"served_regions": served},
            )
        typical = typical_services()
        for name, served in ely_regions.items():
            self.upsert(
                Actor,
                slugify(name),
                {
                    **common,
                    "name": name,
                    "kind": ActorKind.ELY_CENTRE,
                    "active_until": ELY_CENTRES_ENDED,
                    "description": (
                        "Elinkeino-, liikenne- ja ympäristökeskus. ELY-keskukset lakkautettiin "
                        "31.12.2025, ja niiden tehtäviä jatkavat elinvoimakeskukset."
                    ),
                },
                m2m={
                    "served_regions": served,
                    "successors": [elinvoimakeskukset[names[name]]],
                    "services": typical.get(ActorKind.ELY_CENTRE, []),
                },
            )
            # The 15 TE offices (2013–2024) had the same areas as the 15 ELY centres.
            te_name = name.replace("ELY-keskus", "TE-toimisto")
            successors = {a.pk: a for r in served for a in areas_by_region.get(r.code, [])}
            self.upsert(
                Actor,
                slugify(te_name),
                {
                    **common,
                    "name": te_name,
                    "kind": ActorKind.TE_OFFICE,
                    "active_from": datetime.date(2013, 1, 1),
                    "active_until": TE_OFFICES_ENDED,
                    "source": "Verkostot ja kumppanuus 2019, luku 1.1; alue ELY-keskuksen mukaan",
                    "description": (
                        "Entinen työ- ja elinkeinotoimisto. Julkiset työvoimapalvelut siirtyivät "
                        "1.1.2025 kuntien työllisyysalueille."
                    ),
                },
                m2m={
                    "served_regions": served,
                    "successors": list(successors.values()),
                    "services": typical.get(ActorKind.TE_OFFICE, []),
                },
            )
        self.upsert(
            Actor,
            "kela",
            {
                **common,
                "name": "Kansaneläkelaitos Kela",
                "kind": ActorKind.KELA,
                "is_national": True,
                "website": "https://www.kela.fi",
                "municipality": municipalities["091"],
                "source": "Verkostot ja kumppanuus 2019, luku 1.1",
                "source_url": "",
                "description": (
                    "Kela vastaa sosiaaliturvasta ja järjestää työllistymistä edistävää "
                    "ammatillista kuntoutusta. Mukana TYP-yhteispalvelussa."
                ),
            },
            m2m={"services": typical.get(ActorKind.KELA, [])},
        )

    # -- handbook -------------------------------------------------------------------------
    def seed_actors(self, items, where):
        by_slug = {item["slug"]: item for item in items}
        for item in _parents_first(by_slug):
            self.seed_actor(item, f"{where}: actor {item['slug']!r}")

    def seed_actor(self, item, where):
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
                self._lookup(Municipality, "code", municipality, where) if municipality else None
            ),
            "is_national": bool(item.get("national")),
            "parent": self.actor(item["parent"], where) if item.get("parent") else None,
            "active_from": _date(item.get("active_from")),
            "active_until": _date(item.get("active_until")),
            "status": Status.PUBLISHED,
            "source": item.get("source", ""),
            "source_url": item.get("source_url", ""),
            "verified_on": _date(item.get("verified_on")),
        }
        if values["kind"] not in ActorKind.values:
            raise SeedError(f"{where}: unknown kind {values['kind']!r}")
        m2m = {
            "served_municipalities": self.many(
                Municipality, item.get("served_municipalities", []), where, "code"
            ),
            "served_regions": self.many(Region, item.get("served_regions", []), where, "code"),
            "services": self.many(ServiceType, item.get("services", []), where),
            "target_groups": self.many(TargetGroup, item.get("target_groups", []), where),
            "successors": self.many(Actor, item.get("successors", []), where),
        }
        contacts = Children(
            "contacts",
            ("role", "name"),
            [
                {
                    "role": self._lookup(ContactRole, "slug", c["role"], where),
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
                {"member": self.actor(m["actor"], where), "role": m.get("role", "member")}
                for m in item.get("members", [])
            ],
        )
        return self.upsert(Actor, item["slug"], values, m2m, [contacts, members])

    def seed_funding(self, items, where):
        for item in items:
            at = f"{where}: funding source {item['slug']!r}"
            administrator = item.get("administrator")
            values = {
                "name": item["name"],
                "category": item["category"],
                "administrator": self.actor(administrator, at) if administrator else None,
                "description": item.get("description", ""),
                "grant_forms": item.get("grant_forms", ""),
                "max_share_percent": _decimal(item.get("max_share_percent")),
                "max_duration_years": item.get("max_duration_years"),
                "share_and_duration": item.get("share_and_duration", ""),
                "restrictions": item.get("restrictions", ""),
                "scope": item.get("scope", FundingSource.Scope.NATIONAL),
                "website": item.get("website", ""),
                "status": Status.PUBLISHED,
                "source": item.get("source", ""),
                "source_url": item.get("source_url", ""),
                "verified_on": _date(item.get("verified_on")),
            }
            m2m = {
                "applicant_types": self.many(ApplicantType, item.get("applicant_types", []), at),
                "regions": self.many(Region, item.get("regions", []), at, "code"),
            }
            windows = Children(
                "windows",
                ("name",),
                [
                    {
                        "name": w["name"],
                        "start_month": w["start_month"],
                        "start_day": w.get("start_day", 1),
                        "end_month": w["end_month"],
                        "end_day": w.get("end_day", 31),
                        "notes": w.get("notes", ""),
                    }
                    for w in item.get("windows", [])
                ],
            )
            self.upsert(FundingSource, item["slug"], values, m2m, [windows])

    def seed_project_funding(self, items, where):
        """Link projects to their funders; created once, never overwritten."""
        for item in items:
            for funding in item.get("funding", []):
                at = f"{where}: funding of {item['slug']!r}"
                ProjectFunding.objects.get_or_create(
                    project=self.actor(item["slug"], at),
                    funding_source=self._lookup(FundingSource, "slug", funding["source"], at),
                    defaults={
                        "start_year": funding.get("start_year"),
                        "end_year": funding.get("end_year"),
                    },
                )

    def seed_practices(self, items, where):
        for item in items:
            at = f"{where}: practice {item['slug']!r}"
            contact = None
            if item.get("contact"):
                c = item["contact"]
                contact, _ = Contact.objects.get_or_create(
                    actor=self.actor(c["actor"], at),
                    role=self._lookup(ContactRole, "slug", c.get("role", "yhteyshenkilo"), at),
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
                "status": Status.PUBLISHED,
                "source": item.get("source", ""),
                "source_url": item.get("source_url", ""),
                "verified_on": _date(item.get("verified_on")),
            }
            m2m = {
                "funding_sources": self.many(FundingSource, item.get("funding_sources", []), at),
                "regions": self.many(Region, item.get("regions", []), at, "code"),
                "target_groups": self.many(TargetGroup, item.get("target_groups", []), at),
            }
            participants = Children(
                "participations",
                ("actor",),
                [
                    {"actor": self.actor(p["actor"], at), "role": p.get("role", "partner")}
                    for p in item.get("participants", [])
                ],
            )
            self.upsert(Practice, item["slug"], values, m2m, [participants])

    def seed_terms(self, items, where):
        for item in items:
            values = {
                "term": item["term"],
                "abbreviation": item.get("abbreviation", ""),
                "definition": item["definition"],
                "category": item["category"],
                "status": Status.PUBLISHED,
                "source": item.get("source", ""),
                "source_url": item.get("source_url", ""),
                "source_accessed": _date(item.get("source_accessed")),
                "verified_on": _date(item.get("verified_on")),
            }
            self.upsert(Term, item["slug"], values)
        # Relations need every term to exist first.
        for item in items:
            at = f"{where}: term {item['slug']!r}"
            term = Term.objects.get(slug=item["slug"])
            if term in self.kept:
                continue
            related = self.many(Term, item.get("related", []), at)
            if set(term.related.all()) != set(related):
                term.related.add(*related)


def read_csv(name):
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_handbook(name):
    path = HANDBOOK_DIR / name
    if not path.exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def typical_services():
    result = {}
    for typical in TypicalService.objects.select_related("service"):
        result.setdefault(typical.kind, []).append(typical.service)
    return result


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _decimal(value):
    return None if value is None else decimal.Decimal(str(value))


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


@transaction.atomic
def seed_all(*, dry_run=False):
    """Load every fixture; return the seeder with its statistics. Roll back on `dry_run`."""
    seeder = Seeder()
    seeder.seed_reference()
    handbook = {
        name: read_handbook(name)
        for name in (
            "vocabularies.json",
            "funding.json",
            "actors.json",
            "practices.json",
            "glossary.json",
        )
    }
    for data in handbook.values():
        seeder.seed_vocabularies(data)
    seeder.seed_public_sector()
    actors = handbook["funding.json"].get("actors", []) + handbook["actors.json"].get("actors", [])
    seeder.seed_actors(actors, "actors")
    seeder.seed_funding(handbook["funding.json"].get("funding_sources", []), "funding.json")
    seeder.seed_project_funding(actors, "actors")
    seeder.seed_practices(handbook["practices.json"].get("practices", []), "practices.json")
    seeder.seed_terms(handbook["glossary.json"].get("terms", []), "glossary.json")
    if dry_run:
        transaction.set_rollback(True)
    return seeder
