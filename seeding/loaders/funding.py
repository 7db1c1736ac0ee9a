"""The handbook's funding sources with their application windows, and which projects they
fund."""

import decimal

from actors.models import Region
from funding.models import ApplicantType, FundingSource, ProjectFunding
from seeding.engine import Children, curated
from seeding.loaders.actors import actor


def seed_funding(seeder, items, where):
    for item in items:
        at = f"{where}: funding source {item['slug']!r}"
        administrator = item.get("administrator")
        values = {
            "name": item["name"],
            "category": item["category"],
            "administrator": actor(seeder, administrator, at) if administrator else None,
            "description": item.get("description", ""),
            "grant_forms": item.get("grant_forms", ""),
            "max_share_percent": _decimal(item.get("max_share_percent")),
            "max_duration_years": item.get("max_duration_years"),
            "share_and_duration": item.get("share_and_duration", ""),
            "restrictions": item.get("restrictions", ""),
            "scope": item.get("scope", FundingSource.Scope.NATIONAL),
            "website": item.get("website", ""),
            **curated(item),
        }
        m2m = {
            "applicant_types": seeder.many(ApplicantType, item.get("applicant_types", []), at),
            "regions": seeder.many(Region, item.get("regions", []), at, "code"),
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
        seeder.upsert(FundingSource, item["slug"], values, m2m, [windows])


def seed_project_funding(seeder, items, where):
    """Link projects to their funders; created once, never overwritten."""
    for item in items:
        for funding in item.get("funding", []):
            at = f"{where}: funding of {item['slug']!r}"
            ProjectFunding.objects.get_or_create(
                project=actor(seeder, item["slug"], at),
                funding_source=seeder.lookup(FundingSource, funding["source"], at),
                defaults={
                    "start_year": funding.get("start_year"),
                    "end_year": funding.get("end_year"),
                },
            )


def _decimal(value):
    return None if value is None else decimal.Decimal(str(value))
