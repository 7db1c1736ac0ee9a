"""Tests of the seed data: the fixtures themselves, and the seed command's idempotence."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from actors.models import Actor, Contact, Municipality, Region
from funding.models import ApplicationWindow, FundingSource
from glossary.models import Term
from keko.models import Status
from practices.models import Practice

pytestmark = pytest.mark.django_db

HANDBOOK = Path(__file__).resolve().parent.parent / "fixtures" / "handbook"


def handbook(name, key):
    return json.loads((HANDBOOK / name).read_text(encoding="utf-8"))[key]


@pytest.fixture
def seeded():
    call_command("seed", stdout=open("/dev/null", "w"))


def test_regions_and_municipalities_are_complete(seeded):
    assert Region.objects.count() == 19
    assert Municipality.objects.count() == 308
    assert Municipality.objects.get(code="091").region.name_fi == "Uusimaa"
    assert Municipality.objects.get(code="564").region.slug == "pohjois-pohjanmaa"
    assert Region.objects.get(code="21").name_sv == "Åland"


def test_public_sector_actors_are_generated(seeded):
    kinds = Actor.Kind
    assert Actor.objects.filter(kind=kinds.MUNICIPALITY).count() == 308
    assert Actor.objects.filter(kind=kinds.EMPLOYMENT_AREA).count() == 45
    assert Actor.objects.filter(kind=kinds.ELY_CENTRE).count() == 15
    assert Actor.objects.filter(kind=kinds.ELINVOIMAKESKUS).count() == 10
    assert Actor.objects.filter(kind=kinds.TE_OFFICE).count() == 15
    assert Actor.objects.get(slug="kela").is_national


def test_ended_public_bodies_point_to_their_successors(seeded):
    ely = Actor.objects.get(slug="pohjois-pohjanmaan-ely-keskus")
    assert str(ely.active_until) == "2025-12-31"
    assert [a.kind for a in ely.successors.all()] == [Actor.Kind.ELINVOIMAKESKUS]
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
    call_command("seed", stdout=open("/dev/null", "w"))
    assert snapshot() == before


def test_reseed_keeps_a_curators_edit(seeded):
    kela = Actor.objects.get(slug="kela")
    kela.description = "Kuraattorin tarkistama kuvaus."
    kela.save()
    stea = FundingSource.objects.get(slug="stea")
    stea.windows.filter(start_month=4).update(end_day=15)

    call_command("seed", stdout=open("/dev/null", "w"))

    assert Actor.objects.get(slug="kela").description == "Kuraattorin tarkistama kuvaus."
    assert stea.windows.get(start_month=4).end_day == 15


def test_reseed_restores_an_entry_the_curator_did_not_touch(seeded):
    oulu = Actor.objects.get(slug="oulu")
    Actor.objects.filter(pk=oulu.pk).delete()
    call_command("seed", stdout=open("/dev/null", "w"))
    assert Actor.objects.get(slug="oulu").municipality.code == "564"


def test_seed_dry_run_writes_nothing():
    call_command("seed", "--dry-run", stdout=open("/dev/null", "w"))
    assert not Actor.objects.exists()
    assert not Region.objects.exists()
