"""The catalogue in the admin: the review list with its bulk publish, the conflicts with
their two actions, and starting a region's import in the task queue."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from actors.models import Actor
from catalogue.models import CatalogueImport, CatalogueRecord, FieldProvenance, ImportConflict
from keko.models import Status
from tests.factories import make_region

from .conftest import REGION_PATH

pytestmark = pytest.mark.django_db

ORG = "00000000-0000-4000-8000-0000000000"
REVIEW_LIST = "admin:catalogue_unreviewedimport_changelist"
CONFLICTS = "admin:catalogue_importconflict_changelist"


@pytest.fixture
def curator(client):
    user = User.objects.create_superuser("kuraattori", "kuraattori@example.org", "salasana-123")
    client.force_login(user)
    return user


def import_region():
    call_command(
        "import_ptv", "--region", "esimerkkimaakunta", stdout=io.StringIO(), stderr=io.StringIO()
    )


def test_imported_drafts_are_in_the_review_list_by_region(areas, transport, curator, client):
    import_region()
    elsewhere = make_region(slug="muualla", name_fi="Muu maakunta")

    page = client.get(reverse(REVIEW_LIST))
    assert page.status_code == 200
    for name in [
        "Esimerkkiyhdistys ry",
        "Exempelföreningen för arbete rf",
        "Example Employment Network",
    ]:
        assert name in page.text
    assert "Esimerkkikirjasto" not in page.text

    in_region = client.get(reverse(REVIEW_LIST), {"maakunta": "esimerkkimaakunta"})
    assert "Esimerkkiyhdistys ry" in in_region.text
    assert "Valtakunnallinen Esimerkkivirasto" not in in_region.text  # national, no region
    other = client.get(reverse(REVIEW_LIST), {"maakunta": elsewhere.slug})
    assert "Esimerkkiyhdistys ry" not in other.text


def test_bulk_publish_publishes_and_empties_the_review_list(areas, transport, curator, client):
    import_region()
    records = CatalogueRecord.objects.filter(external_id__in=[ORG + "01", ORG + "02"])

    response = client.post(
        reverse(REVIEW_LIST),
        {"action": "publish", "_selected_action": [r.pk for r in records]},
        follow=True,
    )

    assert "2 merkintää julkaistu." in response.text
    published = Actor.objects.filter(status=Status.PUBLISHED)
    assert set(published.values_list("name", flat=True)) == {
        "Esimerkkiyhdistys ry",
        "Exempelföreningen för arbete rf",
    }
    assert all(record.reviewed_at for record in CatalogueRecord.objects.filter(actor__in=published))
    remaining = client.get(reverse(REVIEW_LIST))
    assert "Esimerkkiyhdistys ry" not in remaining.text
    assert "Example Employment Network" in remaining.text
    # Published with history, as the actors' own action does it.
    assert published.get(name="Esimerkkiyhdistys ry").history.first().history_change_reason == (
        "Julkaistu"
    )


def make_conflict(transport):
    import_region()
    association = CatalogueRecord.objects.get(external_id=ORG + "01").actor
    association.phone = "+358 50 111 2222"
    association.save()
    transport.body(REGION_PATH)["itemList"][0]["phoneNumbers"][0]["number"] = "409999999"
    import_region()
    return association, ImportConflict.objects.get()


def test_a_conflict_shows_both_values(areas, transport, curator, client):
    make_conflict(transport)

    page = client.get(reverse(CONFLICTS), {"ratkaistu": "ei"})

    assert "+358 50 111 2222" in page.text and "+358 409999999" in page.text
    assert "Käytä luettelon arvoa" in page.text and "Pidä oma arvomme" in page.text


def test_use_the_catalogues_value(areas, transport, curator, client):
    association, conflict = make_conflict(transport)

    response = client.post(
        reverse(CONFLICTS),
        {"action": "use_catalogue_value", "_selected_action": [conflict.pk]},
        follow=True,
    )

    assert "1 ristiriita ratkaistu." in response.text
    association.refresh_from_db()
    assert association.phone == "+358 409999999"
    conflict.refresh_from_db()
    assert conflict.resolution == ImportConflict.Resolution.CATALOGUE
    assert conflict.resolved_by == curator
    import_region()  # the next import agrees: nothing new
    assert ImportConflict.objects.count() == 1
    association.refresh_from_db()
    assert association.phone == "+358 409999999"


def test_keep_ours(areas, transport, curator, client):
    association, conflict = make_conflict(transport)

    client.post(reverse(CONFLICTS), {"action": "keep_ours", "_selected_action": [conflict.pk]})

    association.refresh_from_db()
    assert association.phone == "+358 50 111 2222"
    conflict.refresh_from_db()
    assert conflict.resolution == ImportConflict.Resolution.OURS
    assert FieldProvenance.objects.get(actor=association, field="phone").imported_value == (
        "+358 409999999"
    )
    import_region()  # PTV unchanged since: our value stays, no new conflict
    association.refresh_from_db()
    assert association.phone == "+358 50 111 2222"
    assert ImportConflict.objects.count() == 1


def test_a_curator_starts_a_regions_import_in_the_task_queue(
    areas, transport, curator, client, run_queued_tasks
):
    start = client.get(reverse("admin:catalogue_catalogueimport_add"))
    assert start.status_code == 200 and "Aloita tuonti" in start.text

    response = client.post(
        reverse("admin:catalogue_catalogueimport_add"), {"region": "esimerkkimaakunta"}
    )

    run = CatalogueImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:catalogue_catalogueimport_change", args=[run.pk])
    assert run.status == CatalogueImport.Status.QUEUED
    assert "Jonossa" in client.get(response.url).text
    assert not Actor.objects.exists()  # nothing happens in the request

    assert run_queued_tasks() == 1

    run.refresh_from_db()
    assert run.status == CatalogueImport.Status.DONE
    assert run.counts["created"] == 4 and run.counts["skipped"] == 1
    assert run.started_by == curator and run.finished_at is not None
    assert Actor.objects.filter(status=Status.DRAFT).count() == 4
    assert Actor.objects.get(name="Esimerkkiyhdistys ry").history.first().history_user == curator
    page = client.get(reverse("admin:catalogue_catalogueimport_change", args=[run.pk]))
    assert "Valmis" in page.text and "puuttuu nimi" in page.text


def test_a_failing_task_records_why_and_changes_nothing(
    areas, curator, client, monkeypatch, run_queued_tasks
):
    from catalogue import importer

    from .conftest import client_for
    from .fakes import Unreachable

    monkeypatch.setattr(importer, "make_client", lambda: client_for(Unreachable(), []))
    client.post(reverse("admin:catalogue_catalogueimport_add"), {"municipality": "malliranta"})

    run_queued_tasks()

    run = CatalogueImport.objects.get()
    assert run.status == CatalogueImport.Status.FAILED
    assert run.message.startswith("PTV-palvelu ei vastaa")
    assert not Actor.objects.exists()


def test_the_start_form_wants_one_area(areas, curator, client):
    response = client.post(reverse("admin:catalogue_catalogueimport_add"), {})
    assert "Valitse joko maakunta tai kunta." in response.text
    assert not CatalogueImport.objects.exists()


def test_a_regional_editor_cannot_start_imports(areas, client):
    editor = User.objects.create_user("toimittaja", password="salasana-123", is_staff=True)
    client.force_login(editor)
    assert client.get(reverse("admin:catalogue_catalogueimport_add")).status_code == 403


def test_the_two_way_filters_split_the_records(areas):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory
    from django.utils import timezone

    from catalogue.admin import EndedInRegisterFilter, MissingFilter
    from catalogue.models import CatalogueRecord
    from tests.factories import make_actor

    now = timezone.now()
    gone = CatalogueRecord.objects.create(
        source="ptv", external_id="a", actor=make_actor(), fetched_at=now, missing_since=now
    )
    ended = CatalogueRecord.objects.create(
        source="ytj", external_id="b", actor=make_actor(), fetched_at=now, ended_in_register=True
    )
    records = CatalogueRecord.objects.all()
    model_admin = site._registry[CatalogueRecord]

    def pick(filter_class, value):
        request = RequestFactory().get("/", {filter_class.parameter_name: value})
        params = dict(request.GET.lists())
        chosen = filter_class(request, params, CatalogueRecord, model_admin)
        return set(chosen.queryset(request, records))

    assert pick(MissingFilter, "puuttuu") == {gone}
    assert pick(MissingFilter, "on") == {ended}
    assert pick(EndedInRegisterFilter, "kylla") == {ended}
    assert pick(EndedInRegisterFilter, "ei") == {gone}
