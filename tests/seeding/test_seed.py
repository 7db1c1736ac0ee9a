"""Tests of the seed data: the fixtures themselves, and the seed command's idempotence."""

import datetime
import decimal
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from actors.models import Actor, ActorKind, Contact, Municipality, Region
from funding.models import ApplicationWindow, FundingSource
from glossary.models import Term
from keko.models import Status
from practices.models import Practice
from seeding.engine import Children, _fingerprint

pytestmark = pytest.mark.django_db

HANDBOOK = Path(__file__).resolve().parents[2] / "fixtures" / "handbook"


def handbook(name, key):
    return json.loads((HANDBOOK / name).read_text(encoding="utf-8"))[key]


@pytest.fixture
def seeded():
    call_command("seed", stdout=io.StringIO())


def test_regions_and_municipalities_are_complete(seeded):
    assert Region.objects.count() == 19
    assert Municipality.objects.count() == 308
    assert Municipality.objects.get(code="091").region.name_fi == "Uusimaa"
    assert Municipality.objects.get(code="564").region.slug == "pohjois-pohjanmaa"
    assert Region.objects.get(code="21").name_sv == "Åland"


def test_public_sector_actors_are_generated(seeded):
    kinds = ActorKind
    assert Actor.objects.filter(kind=kinds.MUNICIPALITY).count() == 308
    assert Actor.objects.filter(kind=kinds.EMPLOYMENT_AREA).count() == 45
    assert Actor.objects.filter(kind=kinds.ELY_CENTRE).count() == 15
    assert Actor.objects.filter(kind=kinds.ELINVOIMAKESKUS).count() == 10
    assert Actor.objects.filter(kind=kinds.TE_OFFICE).count() == 15
    assert Actor.objects.get(slug="kela").is_national


def test_ended_public_bodies_point_to_their_successors(seeded):
    ely = Actor.objects.get(slug="pohjois-pohjanmaan-ely-keskus")
    assert str(ely.active_until) == "2025-12-31"
    assert [a.kind for a in ely.successors.all()] == [ActorKind.ELINVOIMAKESKUS]
    te_office = Actor.objects.get(slug="pirkanmaan-te-toimisto")
    assert str(te_office.active_until) == "2024-12-31"
    successors = set(te_office.successors.values_list("slug", flat=True))
    assert "tyollisyysalue-tampereen-seutu" in successors
    assert all(s.startswith("tyollisyysalue-") for s in successors)


def test_employment_area_serves_its_member_municipalities(seeded):
    area = Actor.objects.get(slug="tyollisyysalue-espoo-kauniainen")
    assert set(area.served_municipalities.values_list("name_fi", flat=True)) == {
        "Espoo",
        "Kauniainen",
    }
    assert str(area.active_from) == "2025-01-01"


@pytest.mark.parametrize(
    ("fixture", "key", "model", "slug_field"),
    [
        ("practices.json", "practices", Practice, "slug"),
        ("funding.json", "funding_sources", FundingSource, "slug"),
        ("glossary.json", "terms", Term, "slug"),
        ("actors.json", "actors", Actor, "slug"),
    ],
)
def test_every_handbook_entry_is_loaded_with_its_source(seeded, fixture, key, model, slug_field):
    entries = handbook(fixture, key)
    assert entries, f"{fixture} is empty"
    loaded = model.objects.filter(**{f"{slug_field}__in": [e["slug"] for e in entries]})
    assert loaded.count() == len(entries)
    assert not loaded.filter(source="").exists()
    assert not loaded.exclude(status=Status.PUBLISHED).exists()


def test_handbook_covers_the_named_funding_sources_and_collaboration_forms(seeded):
    for slug in (
        "stea",
        "esr",
        "kunta-avustukset",
        "tyollisyyspoliittinen-avustus",
        "jasenmaksut",
        "oma-palvelutuotanto",
    ):
        assert FundingSource.objects.filter(slug=slug).exists(), slug
    stea_windows = ApplicationWindow.objects.filter(funding_source__slug="stea")
    assert sorted(w.months for w in stea_windows) == [[4, 5], [8, 9]]
    collaboration = Term.objects.filter(category=Term.Category.COLLABORATION)
    assert {t.term.lower() for t in collaboration} >= {"yhteistyö", "verkosto", "kumppanuus"}


def test_no_contact_is_public_by_default(seeded):
    assert Contact.objects.exists()
    assert not Contact.objects.filter(public=True).exists()
    assert Contact._meta.get_field("public").default is False


def test_seed_is_idempotent(seeded):
    def snapshot():
        return {
            model.__name__: sorted(model.objects.values_list("pk", flat=True))
            for model in (Actor, Contact, FundingSource, ApplicationWindow, Practice, Term)
        } | {"updated": sorted(Actor.objects.values_list("updated_at", flat=True))}

    before = snapshot()
    call_command("seed", stdout=io.StringIO())
    assert snapshot() == before


def test_reseed_keeps_a_curators_edit(seeded):
    kela = Actor.objects.get(slug="kela")
    kela.description = "Kuraattorin tarkistama kuvaus."
    kela.save()
    stea = FundingSource.objects.get(slug="stea")
    stea.windows.filter(start_month=4).update(end_day=15)

    call_command("seed", stdout=io.StringIO())

    assert Actor.objects.get(slug="kela").description == "Kuraattorin tarkistama kuvaus."
    assert stea.windows.get(start_month=4).end_day == 15


def test_reseed_restores_an_entry_the_curator_did_not_touch(seeded):
    oulu = Actor.objects.get(slug="oulu")
    Actor.objects.filter(pk=oulu.pk).delete()
    call_command("seed", stdout=io.StringIO())
    assert Actor.objects.get(slug="oulu").municipality.code == "564"


def test_seed_dry_run_writes_nothing():
    call_command("seed", "--dry-run", stdout=io.StringIO())
    assert not Actor.objects.exists()
    assert not Region.objects.exists()


CURATED = (Actor, FundingSource, Practice, Term)


def seed_hashes():
    return {
        model.__name__: dict(model.objects.values_list("slug", "seed_hash")) for model in CURATED
    }


def test_reseeding_writes_the_fingerprints_of_the_first_run(seeded):
    once = seed_hashes()
    assert all(all(hashes.values()) for hashes in once.values())
    # Entries the second run has to create again; nothing they refer to is re-created, so
    # their fingerprints cover the same values as in the first run.
    Practice.objects.all().delete()
    FundingSource.objects.filter(slug="helsingin-tyollisyysavustus").delete()
    Term.objects.filter(slug="valityomarkkinat").delete()
    Actor.objects.filter(slug__in=["oulu", "lapin-ely-keskus"]).delete()

    out = io.StringIO()
    call_command("seed", stdout=out)

    report = out.getvalue()
    assert f"practice: created: {len(once['Practice'])}" in report
    assert "actor: created: 2" in report
    assert "fundingsource: created: 1" in report
    assert "term: created: 1" in report
    assert "kept" not in report
    assert seed_hashes() == once


def test_fingerprint_format_is_stable():
    """Every seeded database stores these fingerprints: a change here makes every seeded
    entry look edited by a curator."""
    fingerprint = _fingerprint(
        {
            "name": "Esimerkki",
            "verified_on": datetime.date(2026, 1, 1),
            "max_share_percent": decimal.Decimal("50.00"),
            "share": 0.5,
            "municipality": Municipality(pk=91),
            "parent": None,
            "is_national": True,
        },
        {"served_regions": [Region(pk=3), Region(pk=1)], "services": []},
        [
            Children(
                "windows",
                ("name",),
                [{"name": "Syksy", "start_month": 8}, {"name": "Kevät", "start_month": 4}],
            )
        ],
    )
    assert fingerprint == "b1d481852c218c98f8efaddb4220bfd2842f70338d91e4eae2097ea6ba9bc7ba"
