"""Statistics Finland's classifications: regions and municipalities, and the public sector
built from them (municipalities, employment areas, ELY centres, elinvoimakeskukset, the former
TE offices and Kela) as actors."""

import csv
import datetime
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from actors.models import Actor, ActorKind, Municipality, Region, TypicalService
from keko.models import Status

REFERENCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "reference"

# Generated entries carry their source and its date; `verified_on` stays empty until a person
# (a curator, or the organisation itself) checks the entry.
STATISTICS_FINLAND = "Tilastokeskus, luokitukset 2026, voimassa 1.1.2026 (CC BY 4.0)"
STATISTICS_FINLAND_URL = "https://data.stat.fi/api/classifications/v2/classifications"
TE_OFFICES_ENDED = datetime.date(2024, 12, 31)
EMPLOYMENT_AREAS_STARTED = datetime.date(2025, 1, 1)
ELY_CENTRES_ENDED = datetime.date(2025, 12, 31)
ELINVOIMAKESKUKSET_STARTED = datetime.date(2026, 1, 1)


def read_csv(name):
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def typical_services():
    result = {}
    for typical in TypicalService.objects.select_related("service"):
        result.setdefault(typical.kind, []).append(typical.service)
    return result


def seed_reference(seeder):
    for row in read_csv("regions.csv"):
        Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_fi": row["name_fi"],
                "name_sv": row["name_sv"],
                "name_en": row["name_en"],
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
    seeder.stats["region"] = Region.objects.count()
    seeder.stats["municipality"] = Municipality.objects.count()


def seed_public_sector(seeder):
    """Create the municipalities, employment areas, ELY centres, elinvoimakeskukset,
    former TE offices and Kela as actors, from the reference classifications."""
    common = {
        "status": Status.PUBLISHED,
        "source": STATISTICS_FINLAND,
        "source_url": STATISTICS_FINLAND_URL,
        # Written as empty, so that an entry seeded with the classification's date as its
        # verified date is brought up to date (and one a curator has verified is kept).
        "verified_on": None,
    }
    municipalities = {m.code: m for m in Municipality.objects.select_related("region")}
    regions = {r.code: r for r in Region.objects.all()}
    for m in municipalities.values():
        seeder.upsert(
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
        area = seeder.upsert(
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
            ely_regions.setdefault(row["ely_name_fi_2025"], []).append(regions[row["region_code"]])
            names[row["ely_name_fi_2025"]] = row["evk_name_fi_2026"]

    elinvoimakeskukset = {}
    for name, served in evk_regions.items():
        elinvoimakeskukset[name] = seeder.upsert(
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
        seeder.upsert(
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
        seeder.upsert(
            Actor,
            slugify(te_name),
            {
                **common,
                "name": te_name,
                "kind": ActorKind.TE_OFFICE,
                "active_from": datetime.date(2013, 1, 1),
                "active_until": TE_OFFICES_ENDED,
                "source": (
                    "Verkostot ja kumppanuus 2019, luku 1.1; alue ELY-keskuksen mukaan "
                    "(Tilastokeskus, luokitukset 2026, voimassa 1.1.2026)"
                ),
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
    seeder.upsert(
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
