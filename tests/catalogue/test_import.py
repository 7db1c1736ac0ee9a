"""`manage.py import_ptv` against recorded PTV responses: what it creates, how it matches,
what it leaves to curators, and that a failing service changes nothing."""

import io

import pytest
from django.core.management import CommandError, call_command

from actors.models import Actor, ActorKind
from catalogue.models import CatalogueRecord, FieldProvenance, ImportConflict
from keko.models import Status
from tests.factories import make_actor

from .conftest import REGION_PATH
from .fakes import FakeResponse, RecordedTransport, Unreachable

pytestmark = pytest.mark.django_db

ORG = "00000000-0000-4000-8000-0000000000"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ptv", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def actor_of(ptv_number):
    return CatalogueRecord.objects.get(external_id=ORG + ptv_number).actor


def test_a_region_arrives_as_drafts_from_every_page(areas, transport):
    out, err = run("--region", "esimerkkimaakunta")

    pages = [params["page"] for path, params in transport.calls if path == REGION_PATH]
    assert pages == [1, 2]
    assert Actor.objects.count() == 4
    assert set(Actor.objects.values_list("status", flat=True)) == {Status.DRAFT}
    assert "4 uutta" in out and "1 ei työllisyyteen liittyvää" in out
    assert "Haettu" in err  # the progress

    association = actor_of("01")
    assert association.name == "Esimerkkiyhdistys ry"
    assert association.kind == ActorKind.ASSOCIATION
    assert association.business_id == "0000001-9"
    assert association.municipality == areas["town"]
    assert (association.street_address, association.postal_code, association.post_office) == (
        "Esimerkkikatu 1 A",
        "99970",
        "ESIMERKKILÄ",
    )
    assert association.phone == "+358 401234567"
    assert association.email == "info@example.org"
    assert association.website == "https://esimerkkiyhdistys.example.org/"
    assert set(association.served_municipalities.all()) == {areas["town"], areas["shore"]}
    assert sorted(association.services.values_list("slug", flat=True)) == [
        "tyonhakuvalmennus",
        "tyonvalitys-ja-yrityspalvelut",
    ]
    assert list(association.target_groups.values_list("slug", flat=True)) == ["nuoret"]
    assert association.source.startswith("Suomi.fi-palvelutietovaranto")
    record = association.catalogue_records.get()
    assert record.texts["name"] == {"fi": "Esimerkkiyhdistys ry", "sv": "Exempelföreningen rf"}
    assert record.texts["description"]["sv"] == "Exempelföreningen hjälper arbetssökande."
    assert record.listed_in == ["Province:97"]
    # The Swedish versions fill the actor's Swedish columns, which a Swedish page shows.
    assert association.name_fi == "Esimerkkiyhdistys ry"
    assert association.name_sv == "Exempelföreningen rf"
    assert association.description_sv == "Exempelföreningen hjälper arbetssökande."
    assert association.name_en == ""


def test_swedish_only_and_english_only_names_are_kept(areas, transport):
    run("--region", "esimerkkimaakunta")

    swedish = actor_of("02")
    assert swedish.name == "Exempelföreningen för arbete rf"
    assert swedish.description.startswith("En påhittad förening")
    assert swedish.catalogue_records.get().texts["name"] == {
        "sv": "Exempelföreningen för arbete rf"
    }

    english = actor_of("04")
    assert english.name == "Example Employment Network"
    assert english.catalogue_records.get().texts["description"] == {
        "en": "A fictional network of employers and job seekers."
    }
    # No address of its own: the service location's; the region as a whole.
    assert english.street_address == "Mallitie 2"
    assert english.email == "toimipiste@example.org"
    assert english.phone == "+358 409876543"
    assert list(english.served_regions.all()) == [areas["region"]]


def test_a_nationwide_organisation_is_national(areas, transport):
    run("--region", "esimerkkimaakunta")

    agency = actor_of("05")
    assert agency.is_national
    assert agency.kind == ActorKind.PUBLIC_AGENCY
    assert not agency.served_regions.exists() and not agency.served_municipalities.exists()
    assert agency.phone == "0295 000 000"  # a Finnish service number, without a prefix
    assert list(agency.target_groups.values_list("slug", flat=True)) == ["tyonantajat"]
    assert set(agency.catalogue_records.get().texts["name"]) == {"fi", "sv", "en"}


def test_a_malformed_record_is_skipped_and_reported(areas, transport):
    out, _err = run("--region", "esimerkkimaakunta")

    assert f"Ohitettu: {ORG}06: organisaatiolta {ORG}06 puuttuu nimi" in out
    assert "1 ohitettu" in out
    assert not CatalogueRecord.objects.filter(external_id=ORG + "06").exists()
    assert Actor.objects.count() == 4  # the others were imported


def test_only_employment_related_organisations_are_imported(areas, transport):
    run("--region", "esimerkkimaakunta")

    assert not Actor.objects.filter(name="Esimerkkikirjasto").exists()
    assert not CatalogueRecord.objects.filter(external_id=ORG + "03").exists()
    # Its services were read to decide that; the others' channels were fetched too.
    assert ("Service/00000000-0000-4000-9000-000000000003", {}) in transport.calls
    assert ("ServiceChannel/00000000-0000-4000-a000-000000000001", {}) in transport.calls


def test_429_is_waited_for_as_asked_and_retried(areas, transport, sleeps):
    transport.queue(REGION_PATH, FakeResponse(429, headers={"Retry-After": "7"}))
    transport.queue(REGION_PATH, FakeResponse(503))

    run("--region", "esimerkkimaakunta")

    assert sleeps == [7.0, 2.0]  # Retry-After, then the back-off of the second attempt
    assert Actor.objects.count() == 4


def test_an_unreachable_service_ends_in_finnish_and_changes_nothing(areas, monkeypatch):
    from catalogue import importer

    from .conftest import client_for

    unreachable = Unreachable()
    monkeypatch.setattr(importer, "make_client", lambda: client_for(unreachable, []))
    make_actor(name="Ennestään ollut ry")

    with pytest.raises(CommandError) as raised:
        run("--region", "esimerkkimaakunta")

    message = str(raised.value)
    assert message.startswith("PTV-tuonti epäonnistui, mitään ei muutettu: PTV-palvelu ei vastaa")
    assert "\n" not in message
    assert unreachable.calls == 4  # the first try and three retries
    assert list(Actor.objects.values_list("name", flat=True)) == ["Ennestään ollut ry"]
    assert not CatalogueRecord.objects.exists() and not FieldProvenance.objects.exists()


def test_a_service_failing_halfway_changes_nothing(areas, transport):
    page_two = ("Organization/list/area/Province/code/97", 2)
    transport.bodies.pop(transport.file_name(page_two[0], {"page": page_two[1]}))
    transport.queue(page_two[0], FakeResponse(200, transport.body(REGION_PATH)))  # page 1
    transport.queue(page_two[0], *[FakeResponse(500)] * 4)

    with pytest.raises(CommandError, match="vastaus 500"):
        run("--region", "esimerkkimaakunta")

    assert not Actor.objects.exists()


def test_the_command_exits_non_zero_on_failure(areas, monkeypatch, capsys):
    from catalogue import importer
    from catalogue.management.commands.import_ptv import Command

    from .conftest import client_for

    monkeypatch.setattr(importer, "make_client", lambda: client_for(Unreachable(), []))
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "import_ptv", "--region", "esimerkkimaakunta"])
    assert exited.value.code != 0
    assert "PTV-tuonti epäonnistui" in capsys.readouterr().err


def test_a_second_run_on_the_same_responses_changes_nothing(areas, transport):
    run("--region", "esimerkkimaakunta")
    before = {
        actor.pk: (actor.updated_at, actor.version, actor.history.count())
        for actor in Actor.objects.all()
    }
    provenance = FieldProvenance.objects.count()

    out, _err = run("--region", "esimerkkimaakunta")

    assert "0 uutta, 0 päivitetty, 4 ennallaan, 0 uutta ristiriitaa" in out
    after = {
        actor.pk: (actor.updated_at, actor.version, actor.history.count())
        for actor in Actor.objects.all()
    }
    assert after == before
    assert FieldProvenance.objects.count() == provenance
    assert CatalogueRecord.objects.count() == 4
    assert not ImportConflict.objects.exists()


def test_what_ptv_changes_is_updated(areas, transport):
    run("--region", "esimerkkimaakunta")
    transport.body(REGION_PATH)["itemList"][0]["emails"][0]["value"] = "uusi@example.org"

    out, _err = run("--region", "esimerkkimaakunta")

    association = actor_of("01")
    assert association.email == "uusi@example.org"
    assert association.history.first().history_change_reason == "Päivitetty PTV:stä"
    assert "1 päivitetty" in out
    assert FieldProvenance.objects.get(actor=association, field="email").imported_value == (
        "uusi@example.org"
    )


def test_a_curators_edit_survives_a_reimport_and_shows_as_a_conflict(areas, transport):
    run("--region", "esimerkkimaakunta")
    association = actor_of("01")
    association.phone = "+358 50 111 2222"  # a curator's correction
    association.description = "Kuraattorin kuvaus."
    association.save()
    # PTV changes the phone too, but not the description.
    transport.body(REGION_PATH)["itemList"][0]["phoneNumbers"][0]["number"] = "409999999"

    out, _err = run("--region", "esimerkkimaakunta")

    association.refresh_from_db()
    assert association.phone == "+358 50 111 2222"
    assert association.description == "Kuraattorin kuvaus."
    conflict = ImportConflict.objects.get()
    assert (conflict.actor, conflict.field) == (association, "phone")
    assert (conflict.current_value, conflict.incoming_value) == (
        "+358 50 111 2222",
        "+358 409999999",
    )
    assert not conflict.resolved
    assert "1 uutta ristiriitaa" in out

    run("--region", "esimerkkimaakunta")  # again: the same conflict, not a second one
    assert ImportConflict.objects.count() == 1


def test_matching_by_business_id(areas, transport):
    existing = make_actor(
        name="Esimerkkiyhdistyksen vanha nimi ry", business_id="0000001-9", phone="", slug="vanha"
    )

    run("--region", "esimerkkimaakunta")

    assert actor_of("01") == existing
    assert Actor.objects.count() == 4
    existing.refresh_from_db()
    assert existing.name == "Esimerkkiyhdistyksen vanha nimi ry"  # a curator's value stays
    assert existing.status == Status.PUBLISHED
    assert existing.phone == "+358 401234567"  # an empty field is filled
    conflict = ImportConflict.objects.get(field="name")
    assert conflict.incoming_value == "Esimerkkiyhdistys ry"


def test_matching_by_name_and_municipality(areas, transport):
    existing = make_actor(name="Esimerkkiyhdistys ry", municipality=areas["town"], slug="ey")
    make_actor(name="Esimerkkiyhdistys ry", municipality=areas["shore"], slug="toinen")

    run("--region", "esimerkkimaakunta")

    assert actor_of("01") == existing
    existing.refresh_from_db()
    assert existing.business_id == "0000001-9"
    assert Actor.objects.filter(name="Esimerkkiyhdistys ry").count() == 2


def test_an_actor_linked_to_another_ptv_organisation_is_not_matched_twice(areas, transport):
    # A second organisation in PTV with the first one's Y-tunnus (sub-organisations share it).
    transport.body(REGION_PATH, page=2)["itemList"][0]["businessCode"] = "0000001-9"

    out, _err = run("--region", "esimerkkimaakunta")

    assert f"{ORG}04 (Example Employment Network): sama Y-tunnus" in out
    assert Actor.objects.count() == 3
    assert Actor.objects.filter(business_id="0000001-9").count() == 1


def test_an_organisation_gone_from_a_full_run_is_flagged_not_deleted(areas, transport):
    run("--region", "esimerkkimaakunta")
    page_two = transport.body(REGION_PATH, page=2)
    page_two["itemList"] = [item for item in page_two["itemList"] if item["id"] != ORG + "05"]

    out, _err = run("--region", "esimerkkimaakunta")

    record = CatalogueRecord.objects.get(external_id=ORG + "05")
    assert record.missing_since is not None
    assert Actor.objects.filter(pk=record.actor_id).exists()
    assert "1 puuttuu PTV:stä" in out

    # …and when it is back, the flag goes.
    transport.bodies = RecordedTransport().bodies
    run("--region", "esimerkkimaakunta")
    record.refresh_from_db()
    assert record.missing_since is None


def test_since_reads_only_the_changed_organisations_and_flags_nothing(areas, transport):
    out, _err = run("--municipality", "malliranta", "--since", "2024-05-01")

    (path, params), *rest = transport.calls
    assert path == "Organization/area/Municipality/code/996"
    assert params["date"] == "2024-04-30T21:00:00"  # midnight in Finland, in UTC
    assert rest[0][0] == f"Organization/{ORG}02"
    assert list(Actor.objects.values_list("name", flat=True)) == ["Exempelföreningen för arbete rf"]
    assert "0 puuttuu" in out


def test_a_dry_run_saves_nothing(areas, transport):
    out, _err = run("--region", "esimerkkimaakunta", "--dry-run")

    assert "4 uutta" in out and "Kuivaharjoitus" in out
    assert not Actor.objects.exists() and not CatalogueRecord.objects.exists()


def test_an_unknown_area_is_a_finnish_error(areas, transport):
    with pytest.raises(CommandError, match="Maakuntaa ei-ole ei ole"):
        run("--region", "ei-ole")
    with pytest.raises(CommandError, match="VVVV-KK-PP"):
        run("--all", "--since", "eilen")
