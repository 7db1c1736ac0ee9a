"""`manage.py enrich_ytj` against recorded YTJ responses: what it fills, what it leaves to
curators, ended companies in the admin, associations the register does not have, and that a
failing register changes nothing."""

import datetime
import io

import pytest
import requests
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from catalogue import enrich
from catalogue.models import CatalogueRecord, FieldProvenance, ImportConflict, Source
from catalogue.ytj import YTJClientV3, YTJError
from keko.models import Status
from tests.factories import make_actor

from .fakes import YTJ_BASE_URL, FakeResponse, Unreachable, YTJRecordedTransport

pytestmark = pytest.mark.django_db

COMPANY = "0000010-7"  # Esimerkkiyhtiö Oy
BANKRUPT = "0000020-3"  # Konkurssiesimerkki Oy
ASSOCIATION = "0000040-6"  # not in the open data
RECORDS = "admin:catalogue_cataloguerecord_changelist"


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def ytj(monkeypatch, sleeps):
    """The recorded responses behind the client the command makes."""
    recorded = YTJRecordedTransport()
    monkeypatch.setattr(enrich, "make_client", lambda: client_for(recorded, sleeps))
    return recorded


def client_for(transport, sleeps):
    return YTJClientV3(YTJ_BASE_URL, transport=transport, delay=0, retries=3, sleep=sleeps.append)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("enrich_ytj", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def asked(transport):
    return [params["businessId"] for _path, params in transport.calls]


def company_actor(**fields):
    return make_actor(name="Esimerkkiyhtiö", slug="esimerkkiyhtio", business_id=COMPANY, **fields)


def test_empty_fields_are_filled_with_provenance_and_the_name_stays(ytj):
    actor = company_actor(phone="+358 40 000 0000")
    versions = actor.history.count()

    out, _err = run()

    actor.refresh_from_db()
    assert asked(ytj) == [COMPANY]
    assert actor.name == "Esimerkkiyhtiö"  # the display name is the directory's own
    assert (actor.street_address, actor.postal_code, actor.post_office) == (
        "Esimerkkikatu 5 B 12",
        "99970",
        "ESIMERKKILÄ",
    )
    assert actor.website == "https://www.esimerkkiyhtio.example.org"
    assert actor.phone == "+358 40 000 0000"
    assert actor.history.count() == versions + 1
    assert actor.history.first().history_change_reason == enrich.CHANGE_REASON
    provenance = {p.field: p.imported_value for p in FieldProvenance.objects.filter(actor=actor)}
    assert provenance == {
        "street_address": "Esimerkkikatu 5 B 12",
        "postal_code": "99970",
        "post_office": "ESIMERKKILÄ",
        "website": "https://www.esimerkkiyhtio.example.org",
    }
    assert set(FieldProvenance.objects.values_list("source", flat=True)) == {Source.YTJ}

    record = actor.catalogue_records.get(source=Source.YTJ)
    assert record.external_id == COMPANY
    assert record.texts["name"] == {"fi": "Esimerkkiyhtiö Oy"}  # the current name, not 2015's
    assert record.texts["company_form"]["sv"] == "Aktiebolag"
    assert record.company_form == "Osakeyhtiö"
    assert record.register_status == "Voimassa"
    assert record.ended_in_register is False
    assert record.fetched_at is not None
    assert "1 Y-tunnusta haettu, 1 toimijaa täydennetty" in out and "1 pyyntöä" in out


def test_a_value_the_directory_already_has_is_left_without_a_conflict(ytj):
    actor = company_actor(website="https://oma.example.org/", post_office="Esimerkkilä")

    run()

    actor.refresh_from_db()
    assert actor.website == "https://oma.example.org/"
    assert actor.post_office == "Esimerkkilä"
    assert actor.street_address == "Esimerkkikatu 5 B 12"  # the empty ones are filled
    assert not ImportConflict.objects.exists()
    assert not FieldProvenance.objects.filter(field__in=["website", "post_office"]).exists()


def test_a_curators_edit_stays_and_a_register_change_to_it_is_a_conflict(ytj):
    actor = company_actor()
    run()
    actor.refresh_from_db()
    actor.street_address = "Kuraattorinkatu 1"
    actor.save()
    company = ytj.company(COMPANY)
    company["addresses"][0].update(street="Uusikatu", buildingNumber="7", entrance="")
    company["website"]["url"] = "https://uusi.esimerkkiyhtio.example.org/"

    out, _err = run("--stale-days", "0")

    actor.refresh_from_db()
    assert actor.street_address == "Kuraattorinkatu 1"
    # A field no one edited follows the register's change.
    assert actor.website == "https://uusi.esimerkkiyhtio.example.org/"
    conflict = ImportConflict.objects.get()
    assert (conflict.actor, conflict.field, conflict.source) == (
        actor,
        "street_address",
        Source.YTJ,
    )
    assert (conflict.current_value, conflict.incoming_value) == (
        "Kuraattorinkatu 1",
        "Uusikatu 7 12",
    )
    assert "1 uutta ristiriitaa" in out

    # The same conflict is not recorded twice.
    run("--stale-days", "0")
    assert ImportConflict.objects.count() == 1


def test_a_second_run_changes_nothing(ytj):
    actor = company_actor()
    run()
    actor.refresh_from_db()
    before = (actor.version, actor.history.count())
    provenance = list(FieldProvenance.objects.values_list("field", "imported_value"))

    out, _err = run("--stale-days", "0")

    actor.refresh_from_db()
    assert asked(ytj) == [COMPANY, COMPANY]
    assert (actor.version, actor.history.count()) == before
    assert list(FieldProvenance.objects.values_list("field", "imported_value")) == provenance
    assert not ImportConflict.objects.exists()
    assert CatalogueRecord.objects.count() == 1
    assert "0 toimijaa täydennetty, 1 ennallaan" in out


def test_a_bankrupt_company_is_flagged_and_listed_in_the_admin(ytj, client):
    bankrupt = make_actor(name="Konkurssiesimerkki", business_id=BANKRUPT)
    company_actor()

    out, _err = run()

    bankrupt.refresh_from_db()
    assert bankrupt.status == Status.PUBLISHED  # never unpublished automatically
    # No visiting address: the postal one, which has a street, fills the fields.
    assert (bankrupt.street_address, bankrupt.postal_code, bankrupt.post_office) == (
        "Mallitie 3",
        "99960",
        "MALLIRANTA",
    )
    assert bankrupt.website == ""
    record = bankrupt.catalogue_records.get(source=Source.YTJ)
    assert record.ended_in_register is True
    assert record.register_ended_on == datetime.date(2026, 9, 15)
    assert record.register_status == "Konkurssissa 15.9.2026 alkaen"
    assert "Päättynyt kaupparekisterissä: Konkurssiesimerkki (0000020-3)" in out
    assert "1 päättynyt kaupparekisterissä (1 uutta)" in out

    curator = User.objects.create_superuser("kuraattori", "kuraattori@example.org", "salasana-1")
    client.force_login(curator)
    page = client.get(reverse(RECORDS), {"paattynyt": "kylla"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Päättynyt kaupparekisterissä" in text
    assert "Konkurssiesimerkki" in text and "Konkurssissa 15.9.2026 alkaen" in text
    assert "Esimerkkiyhtiö" not in text
    assert "Esimerkkiyhtiö" in client.get(reverse(RECORDS), {"paattynyt": "ei"}).content.decode()

    # A later run with the same state does not announce it again.
    out, _err = run("--stale-days", "0")
    assert "Päättynyt kaupparekisterissä:" not in out
    assert "1 päättynyt kaupparekisterissä (0 uutta)" in out


def test_an_association_not_in_the_open_data_is_recorded_not_an_error(ytj):
    association = make_actor(name="Esimerkkiyhdistys ry", business_id=ASSOCIATION)

    out, _err = run()

    record = association.catalogue_records.get(source=Source.YTJ)
    assert record.register_status.startswith("Ei YTJ:n avoimessa datassa")
    assert record.fetched_at is not None
    assert record.ended_in_register is False
    assert not FieldProvenance.objects.exists()
    assert "1 ei YTJ:n avoimessa datassa" in out

    run()  # within the stale days: not asked again
    assert asked(ytj) == [ASSOCIATION]


def test_draft_actors_the_register_enriched_are_not_in_the_review_list(ytj, client):
    company_actor(status=Status.DRAFT)
    run()
    curator = User.objects.create_superuser("kuraattori", "kuraattori@example.org", "salasana-1")
    client.force_login(curator)

    page = client.get(reverse("admin:catalogue_unreviewedimport_changelist"))

    assert "Esimerkkiyhtiö" not in page.content.decode()


def test_a_429_is_waited_for_as_retry_after_asks(ytj, sleeps):
    actor = company_actor()
    ytj.queue("companies", FakeResponse(429, "Liian monta pyyntöä", {"Retry-After": "7"}))

    out, _err = run()

    actor.refresh_from_db()
    assert sleeps == [7.0]
    assert asked(ytj) == [COMPANY, COMPANY]
    assert actor.street_address == "Esimerkkikatu 5 B 12"
    assert "2 pyyntöä" in out


def test_an_unreachable_register_is_one_finnish_line_and_changes_nothing(monkeypatch):
    actor = company_actor()
    unreachable = Unreachable()
    monkeypatch.setattr(enrich, "make_client", lambda: client_for(unreachable, []))

    with pytest.raises(CommandError) as error:
        run()

    assert str(error.value) == (
        "YTJ-täydennys epäonnistui, mitään ei muutettu: YTJ-palvelu ei vastaa (yhteys ei "
        f"onnistu (ConnectionError), 4 yritystä): {YTJ_BASE_URL}companies"
    )
    assert "\n" not in str(error.value)
    assert unreachable.calls == 4
    actor.refresh_from_db()
    assert actor.street_address == "" and actor.website == ""
    assert not CatalogueRecord.objects.exists()
    assert not FieldProvenance.objects.exists()


def test_a_register_failing_halfway_writes_nothing_of_what_it_had_read(ytj, sleeps):
    first = company_actor()
    make_actor(name="Konkurssiesimerkki", business_id=BANKRUPT)
    # The first company answers; every try of the second one fails.
    ytj.queue("companies", FakeResponse(200, ytj.bodies[f"ytj-{COMPANY}"]))
    ytj.queue("companies", *[FakeResponse(503, {})] * 4)

    with pytest.raises(CommandError, match=r"vastaus 503, 4 yritystä"):
        run()

    assert asked(ytj) == [COMPANY] + [BANKRUPT] * 4
    assert sleeps == [1.0, 2.0, 4.0]
    first.refresh_from_db()
    assert first.street_address == ""
    assert not CatalogueRecord.objects.exists()


def test_stale_days_skip_the_recently_fetched_and_limit_takes_the_oldest_first(ytj):
    company_actor()
    make_actor(name="Konkurssiesimerkki", business_id=BANKRUPT)
    make_actor(name="Esimerkkiyhdistys ry", business_id=ASSOCIATION)
    make_actor(name="Ilman Y-tunnusta")  # never asked

    run("--limit", "2")
    assert sorted(asked(ytj)) == [COMPANY, BANKRUPT]

    run()  # the third one, never fetched, is due; the two others are fresh
    assert asked(ytj)[2:] == [ASSOCIATION]

    CatalogueRecord.objects.filter(external_id=BANKRUPT).update(
        fetched_at=timezone.now() - datetime.timedelta(days=8)
    )
    out, _err = run("--stale-days", "7")
    assert asked(ytj)[3:] == [BANKRUPT]
    assert "1 Y-tunnusta haettu" in out

    out, _err = run()
    assert len(ytj.calls) == 4
    assert "0 Y-tunnusta haettu" in out


def test_a_dry_run_saves_nothing(ytj):
    actor = company_actor()

    out, _err = run("--dry-run")

    actor.refresh_from_db()
    assert actor.street_address == ""
    assert not CatalogueRecord.objects.exists()
    assert "Kuivaharjoitus: mitään ei tallennettu." in out


def test_a_negative_stale_days_is_refused():
    with pytest.raises(CommandError, match="vähintään 0"):
        run("--stale-days", "-1")


# -- the mapping and the adapter, without the command ----------------------------------------


def test_an_ended_company_and_a_restructuring_one():
    today = datetime.date(2026, 12, 1)
    ended = enrich.company_of(
        {"businessId": {"value": "0000050-2"}, "endDate": "2025-06-30"}, today=today
    )
    assert (ended.ended, ended.ended_on) == (True, datetime.date(2025, 6, 30))
    assert ended.register_status == "Lakannut 30.6.2025"

    restructuring = enrich.company_of(
        {
            "businessId": {"value": "0000060-9"},
            "companySituations": [
                {"type": "SANE", "registrationDate": "2026-02-01"},
                {"type": "SELTILA", "registrationDate": "2020-01-01", "endDate": "2020-12-31"},
            ],
        },
        today=today,
    )
    # Restructuring is no end, and a liquidation that has ended is history.
    assert restructuring.ended is False
    assert restructuring.register_status == "Yrityssaneerauksessa 1.2.2026 alkaen"


def test_a_liquidation_flags_and_a_foreign_or_box_only_address_is_not_used():
    company = enrich.company_of(
        {
            "businessId": {"value": "0000060-9"},
            "companySituations": [{"type": "SELTILA", "registrationDate": "2026-03-01"}],
            "addresses": [
                {"type": 1, "street": "Exempelgatan 1", "country": "SE", "postCode": "12345"},
                {"type": 2, "postOfficeBox": "99", "postCode": "99971"},
            ],
            "website": {"url": "ei osoite"},
        },
        today=datetime.date(2026, 12, 1),
    )
    assert (company.ended, company.ended_on) == (True, datetime.date(2026, 3, 1))
    assert company.values == {
        "street_address": "",
        "postal_code": "",
        "post_office": "",
        "website": "",
    }


def test_the_adapter_asks_by_business_id_and_reads_no_results_as_none(sleeps):
    transport = YTJRecordedTransport()
    ytj = client_for(transport, sleeps)

    assert ytj.company(COMPANY)["names"][0]["name"] == "Esimerkkiyhtiö Oy"
    assert ytj.company(ASSOCIATION) is None
    assert ytj.company("0000070-5") is None  # a 404 too
    assert transport.calls[0] == ("companies", {"businessId": COMPANY})


def test_the_adapter_refuses_in_finnish_and_waits_politely(sleeps):
    transport = YTJRecordedTransport()
    transport.queue("companies", FakeResponse(400, {}))
    ytj = YTJClientV3(YTJ_BASE_URL, transport=transport, delay=0.5, retries=1, sleep=sleeps.append)

    with pytest.raises(YTJError, match=r"YTJ hylkäsi pyynnön companies \(vastaus 400\)"):
        ytj.company(COMPANY)
    transport.queue("companies", requests.Timeout())
    ytj.company(COMPANY)

    assert sleeps == [0.5, 1.0, 0.5]  # pause, back-off after the timeout, pause


def test_the_default_url_comes_from_the_settings(settings):
    settings.YTJ_API_URL = "https://ytj.example.org/v3"
    assert YTJClientV3(transport=object()).base_url == "https://ytj.example.org/v3/"
