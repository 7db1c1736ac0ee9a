"""The seeded demo, region by region: each region's actor list, print and CSV hold the
handbook's actors of that region and the national ones; generated entries carry their source
and no verified date; the handbook's cited sources are not actors."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor, ActorKind
from curation.stale import actors_without_area
from practices.models import Practice
from seeding.engine import Seeder
from seeding.loaders import actors as loader

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REGIONS = {"01": "uusimaa", "06": "pirkanmaa", "19": "lappi"}
# The handbook's own entries (not the public sector generated from the classifications).
HANDBOOK_KINDS = {
    ActorKind.ASSOCIATION,
    ActorKind.FOUNDATION,
    ActorKind.COMPANY,
    ActorKind.EDUCATION,
    ActorKind.PROJECT,
    ActorKind.NETWORK,
    ActorKind.SOCIAL_ENTERPRISE,
    ActorKind.OTHER,
}
# Neither the handbook nor the name says where these work: left for a curator.
WITHOUT_AREA = {
    "aspa-saatio",
    "yritysta-hanke",
    "osallisuutta-osuuskunnista-hanke",
    "vamlas",
    "kuntoutussaatio",
    "tie-tyoelamaan",
    "me-osalliset",
    "tekijatori-hanke",
    "toimi-tyovalmennussaatio",
    "hankinnoista-duunia-hanke",
}


def fixture(name):
    return json.loads((FIXTURES / "handbook" / name).read_text(encoding="utf-8"))


def handbook_actors():
    return fixture("actors.json")["actors"] + fixture("funding.json")["actors"]


def region_of_municipality():
    with open(FIXTURES / "reference" / "municipalities.csv", encoding="utf-8") as handle:
        return {row["code"]: row["region_code"] for row in csv.DictReader(handle)}


def active(item, today):
    started = not item.get("active_from") or item["active_from"] <= today.isoformat()
    return started and (not item.get("active_until") or item["active_until"] >= today.isoformat())


def expected(region_code):
    """The handbook's active actors that serve `region_code`, and the national ones, by the
    fixtures alone: (own slugs, national slugs)."""
    regions_of = region_of_municipality()
    today = timezone.localdate()
    own, national = set(), set()
    for item in handbook_actors():
        if not active(item, today):
            continue
        if item.get("national"):
            national.add(item["slug"])
            continue
        towns = [item.get("municipality"), *item.get("served_municipalities", [])]
        codes = {regions_of[town] for town in towns if town} | set(item.get("served_regions", []))
        if region_code in codes:
            own.add(item["slug"])
    return own, national


@pytest.fixture
def seeded():
    call_command("seed", stdout=io.StringIO())


def slugs_by_name():
    return dict(Actor.objects.values_list("name", "slug"))


def test_each_region_lists_prints_and_exports_its_handbook_actors_and_the_national_ones(
    client, seeded
):
    slug_of = slugs_by_name()
    national_now = set(Actor.objects.published().active().national().values_list("slug", flat=True))
    for code, region in REGIONS.items():
        own, national = expected(code)
        assert national, "the handbook names national actors"
        assert national <= national_now

        # The actor list: the region's own first, the national ones after.
        response = client.get(reverse("directory:actors"), {"alue": region})
        assert response.status_code == 200
        listed = list(response.context["filter"].qs.values_list("slug", "is_national"))
        slugs = {slug for slug, _national in listed}
        assert own | national <= slugs, region
        flags = [is_national for _slug, is_national in listed]
        assert flags == sorted(flags)
        assert response.context["paginator"].count == len(listed)

        # The print page: the national ones in a group of their own, last.
        page = client.get(reverse("directory:region_print", kwargs={"slug": region}))
        assert page.status_code == 200
        groups = page.context["sheet"].groups
        printed = {a.slug for group in groups if not group.national for a in group.actors}
        assert own <= printed, region
        assert groups[-1].national
        assert {actor.slug for actor in groups[-1].actors} == national_now

        # The CSV, with the national ones marked.
        response = client.get(reverse("directory:region_csv", kwargs={"slug": region}))
        text = response.getvalue().decode("utf-8-sig")
        header, *rows = csv.reader(io.StringIO(text), delimiter=";")
        table = [dict(zip(header, row, strict=True)) for row in rows]
        assert own | national <= {slug_of[row["nimi"]] for row in table}, region
        flagged = {slug_of[row["nimi"]] for row in table if row["valtakunnallinen"] == "kyllä"}
        assert flagged == national_now

    # The example: Vates-säätiö (national, osatyökykyiset) in Pirkanmaa's selection.
    response = client.get(
        reverse("directory:actors"), {"alue": "pirkanmaa", "kohderyhma": "osatyokykyiset"}
    )
    assert "vates-saatio" in {actor.slug for actor in response.context["national_actors"]}


def test_every_handbook_organisation_is_placed_unless_nothing_says_where(seeded):
    handbook = {item["slug"] for item in fixture("actors.json")["actors"]}
    unplaced = actors_without_area(Actor.objects.filter(slug__in=handbook))
    assert set(unplaced.values_list("slug", flat=True)) == WITHOUT_AREA
    placed = Actor.objects.filter(slug__in=handbook, kind__in=HANDBOOK_KINDS).exclude(
        slug__in=WITHOUT_AREA
    )
    assert placed.count() >= 30
    assert not actors_without_area(placed).exists()
    # The names the issue mentions.
    assert Actor.objects.get(slug="hameen-setlementti").served_regions.get().code == "05"
    assert Actor.objects.get(slug="kiipulasaatio").municipality.name_fi == "Janakkala"
    # Sources the handbook only cites are not actors.
    cited = {item["slug"] for item in fixture("actors.json")["retired_actors"]}
    assert {"tilastokeskus", "patentti-ja-rekisterihallitus"} <= cited
    assert not Actor.objects.filter(slug__in=cited).exists()


def test_generated_entries_carry_their_source_and_no_verified_date(client, seeded):
    tampere = Actor.objects.get(slug="tampere", kind=ActorKind.MUNICIPALITY)
    assert tampere.verified_on is None
    assert "Tilastokeskus" in tampere.source and "1.1.2026" in tampere.source
    generated = Actor.objects.filter(
        kind__in=[
            ActorKind.MUNICIPALITY,
            ActorKind.EMPLOYMENT_AREA,
            ActorKind.ELY_CENTRE,
            ActorKind.ELINVOIMAKESKUS,
            ActorKind.TE_OFFICE,
            ActorKind.KELA,
        ]
    )
    assert generated.count() > 390
    assert not generated.filter(verified_on__isnull=False).exists()
    # What shows the date says the entry is not verified.
    page = client.get(reverse("directory:actor", kwargs={"slug": "tampere"}))
    assert "ei tarkistettu" in page.content.decode()
    assert "Tarkistettu 1.1.2026" not in page.content.decode()
    sheet = client.get(reverse("directory:municipality_print", kwargs={"slug": "tampere"}))
    html = sheet.content.decode()
    assert "Tarkistettu 1.1.2026" not in html
    assert "Tarkistuspäivä ei tiedossa" in html


def test_satakunta_publication_is_a_practice_of_its_actor(seeded):
    practice = Practice.objects.get(
        slug="satakunnan-yhteisokeskus-jarjestot-ja-tyollistamisen-tulevaisuus"
    )
    participation = practice.participations.get()
    assert participation.actor.slug == "satakunnan-yhteisokeskus"
    assert participation.role == "administrator"
    assert {region.code for region in practice.regions.all()} == {"04"}
    assert practice.start_year == 2019
    assert not Actor.objects.filter(name__icontains="työllistämisen tulevaisuus").exists()


def test_reseeding_changes_nothing_and_removes_untouched_cited_sources(seeded):
    before = dict(Actor.objects.values_list("slug", "updated_at"))
    out = io.StringIO()
    call_command("seed", stdout=out)
    assert dict(Actor.objects.values_list("slug", "updated_at")) == before
    assert "kept" not in out.getvalue() and "deleted" not in out.getvalue()

    # Cited sources seeded as actors by an earlier seed: removed unless a curator edited them.
    retired = {item["slug"]: item for item in fixture("actors.json")["retired_actors"]}
    seeder = Seeder()
    # As an earlier seed wrote them.
    for slug in ("tilastokeskus", "sitra"):
        loader.seed_actor(seeder, retired[slug], "test")
    Actor.objects.filter(slug="sitra").update(description="Kuraattorin muokkaama.")
    out = io.StringIO()
    call_command("seed", stdout=out)
    assert not Actor.objects.filter(slug="tilastokeskus").exists()
    assert Actor.objects.get(slug="sitra").description == "Kuraattorin muokkaama."
    assert "actor: deleted: 1" in out.getvalue()
