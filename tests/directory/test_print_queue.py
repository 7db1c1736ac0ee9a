"""Workshop PDFs and CSVs of large selections: made in the task queue, shared, limited and
bounded."""

import csv
import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from actors.models import ActorKind
from directory import print_jobs
from directory.models import PrintRender, RenderSlot
from tests.factories import make_actor, make_municipality, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limits(settings):
    # Two actors are a "large" selection here, so that the queue is used without waiting.
    settings.PDF_INLINE_MAX_ACTORS = 1
    settings.CSV_INLINE_MAX_ACTORS = 1
    settings.PDF_CONCURRENCY = 1
    settings.PDF_RENDERS_PER_ADDRESS = 3


@pytest.fixture
def region():
    region = make_region(name_fi="Pirkanmaa", slug="pirkanmaa")
    town = make_municipality(name_fi="Tampere", slug="tampere", region=region)
    make_actor(name="Työttömien yhdistys", municipality=town)
    make_actor(name="Osallisuushanke", kind=ActorKind.PROJECT, municipality=town)
    make_actor(name="Toinen yhdistys", municipality=town)
    return region


PDF = reverse("directory:region_print_pdf", kwargs={"slug": "pirkanmaa"})
CSV = reverse("directory:region_csv", kwargs={"slug": "pirkanmaa"})


def test_a_large_pdf_is_queued_and_the_visitor_waits_on_a_page_that_refreshes(
    client, region, run_queued_tasks
):
    waiting = client.get(PDF, {"tarkistuslista": "1"})
    assert waiting.status_code == 202
    page = waiting.content.decode()
    assert "PDF valmistuu" in page and "Teemme 3 toimijan PDF-tulostetta" in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert f'href="{PDF}?tarkistuslista=1"' in page
    assert "no-store" in waiting["Cache-Control"]
    assert PrintRender.objects.get().status == PrintRender.Status.QUEUED

    assert run_queued_tasks() == 1
    assert PrintRender.objects.get().status == PrintRender.Status.DONE
    assert not RenderSlot.objects.exclude(render=None).exists()  # its place is free again
    ready = client.get(PDF, {"tarkistuslista": "1"})
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert ready.content.startswith(b"%PDF")


def test_identical_requests_share_one_render(client, region):
    for query in (
        {"tyyppi": ["yhdistys", "hanke"]},
        {"tyyppi": ["hanke", "yhdistys"], "v": "1"},  # another order, an unknown parameter
        {"tyyppi": ["yhdistys", "hanke"]},
    ):
        assert client.get(PDF, query).status_code == 202
    assert PrintRender.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    # Another selection is another render.
    assert client.get(PDF, {"tyyppi": "yhdistys"}).status_code == 202
    assert PrintRender.objects.count() == 2


def test_renders_wait_for_a_free_place(client, region, run_queued_tasks):
    client.get(PDF)
    elsewhere = PrintRender.objects.create(key="x" * 64, status=PrintRender.Status.RENDERING)
    RenderSlot.objects.create(number=1, render=elsewhere, taken_at=timezone.now())

    run_queued_tasks()
    job = PrintRender.objects.exclude(pk=elsewhere.pk).get()
    assert job.status == PrintRender.Status.QUEUED  # it went back into the queue, deferred
    assert DBTaskResult.objects.ready().count() == 0
    assert client.get(PDF).status_code == 202

    RenderSlot.objects.filter(number=1).update(render=None, taken_at=None)
    DBTaskResult.objects.update(run_after=timezone.now())
    run_queued_tasks()
    assert client.get(PDF).status_code == 200


def test_a_place_held_by_a_render_that_died_is_taken_over(client, region, run_queued_tasks):
    client.get(PDF)
    dead = PrintRender.objects.create(key="d" * 64, status=PrintRender.Status.RENDERING)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    RenderSlot.objects.create(number=1, render=dead, taken_at=long_ago)
    run_queued_tasks()
    assert client.get(PDF).status_code == 200


def test_anonymous_addresses_get_429_past_their_new_renders(client, region, admin_client):
    for option in ("tarkistuslista", "yhteystiedot", "paattyneet"):
        assert client.get(PDF, {option: "1"}).status_code == 202
    refused = client.get(PDF)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Liian monta PDF-tulostetta" in refused.content.decode()
    assert PrintRender.objects.count() == 3
    # A PDF already on its way costs nothing; another address, or a curator, may go on.
    assert client.get(PDF, {"yhteystiedot": "1"}).status_code == 202
    assert client.get(PDF, REMOTE_ADDR="192.0.2.7").status_code == 202
    assert admin_client.get(PDF, {"tyyppi": "yhdistys"}).status_code == 202


def test_a_render_past_its_deadline_fails_with_a_message_and_can_be_asked_again(
    client, region, run_queued_tasks, settings
):
    settings.PDF_RENDER_TIMEOUT = 0
    client.get(PDF)
    run_queued_tasks()
    job = PrintRender.objects.get()
    assert job.status == PrintRender.Status.FAILED
    failed = client.get(PDF)
    assert failed.status_code == 200
    page = failed.content.decode()
    assert "PDF:n tekeminen kesti liian kauan" in page and "Yritä uudelleen" in page
    assert "http-equiv" not in page  # no refreshing into the same failure
    assert not RenderSlot.objects.exclude(render=None).exists()

    settings.PDF_RENDER_TIMEOUT = 300
    assert client.get(PDF).status_code == 202  # asking again queues a new render
    run_queued_tasks()
    assert client.get(PDF).status_code == 200


def test_the_render_builds_its_links_for_the_visitors_site(settings):
    settings.ALLOWED_HOSTS = ["keko.example"]
    request = print_jobs.print_request("https://keko.example:8443", "tyyppi=project&x=1")
    assert request.build_absolute_uri("/toimijat/a/") == "https://keko.example:8443/toimijat/a/"
    assert request.GET.getlist("tyyppi") == ["project"]


def test_a_render_that_died_with_its_worker_is_started_again(client, region):
    client.get(PDF)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    PrintRender.objects.update(status=PrintRender.Status.RENDERING, created_at=long_ago)
    assert client.get(PDF).status_code == 202
    job = PrintRender.objects.get()
    assert job.status == PrintRender.Status.QUEUED and job.created_at > long_ago
    assert DBTaskResult.objects.count() == 2


def csv_rows(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_a_large_csv_is_written_in_the_queue_and_is_the_csv_streamed_for_a_small_one(
    client, region, run_queued_tasks, settings
):
    waiting = client.get(CSV, {"yhteystiedot": "1"})
    assert waiting.status_code == 202
    page = waiting.content.decode()
    assert "CSV-tiedosto valmistuu" in page and "Teemme 3 toimijan CSV-tiedostoa" in page
    assert "Tiedosto on jonossa" in page and "PDF" not in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert f'href="{CSV}?yhteystiedot=1"' in page
    assert "no-store" in waiting["Cache-Control"]
    job = PrintRender.objects.get()
    assert (job.status, job.output, job.actor_count) == ("queued", "csv", 3)

    assert run_queued_tasks() == 1
    assert PrintRender.objects.get().status == PrintRender.Status.DONE
    ready = client.get(CSV, {"yhteystiedot": "1"})
    assert ready.status_code == 200 and not ready.streaming
    assert ready["Content-Type"] == "text/csv; charset=utf-8"
    assert ready["Content-Disposition"].startswith('attachment; filename="keko-pirkanmaa-')
    # Byte for byte the CSV that a selection under the limit gets streamed.
    cache.clear()
    settings.CSV_INLINE_MAX_ACTORS = 5000
    streamed = client.get(CSV, {"yhteystiedot": "1"})
    assert streamed.streaming
    assert ready.content == streamed.getvalue()
    names = [row[0] for row in csv_rows(ready.content)[1:]]
    assert sorted(names) == ["Osallisuushanke", "Toinen yhdistys", "Työttömien yhdistys"]
    assert PrintRender.objects.count() == 1  # the small one was not queued


def test_a_large_list_csv_is_written_in_the_visitors_language_and_selection(
    client, region, run_queued_tasks
):
    with translation.override("sv"):
        swedish = reverse("directory:list_csv")
    query = {"tyyppi": "yhdistys", "v": "1"}
    assert client.get(swedish, query).status_code == 202
    assert client.get(swedish, {"tyyppi": "yhdistys"}).status_code == 202  # the same render
    assert PrintRender.objects.get().language == "sv"
    run_queued_tasks()
    header, *rows = csv_rows(client.get(swedish, query).content)
    assert header[:2] == ["namn", "typ"]
    assert sorted(row[0] for row in rows) == ["Toinen yhdistys", "Työttömien yhdistys"]
    assert {row[1] for row in rows} == {"Förening eller organisation"}
    assert rows[0][-1].startswith("http://testserver/sv/")


def test_the_pdf_and_the_csv_of_a_selection_are_two_renders_limited_apart(client, region):
    for option in ("tarkistuslista", "yhteystiedot", "paattyneet"):
        assert client.get(PDF, {option: "1"}).status_code == 202
    assert client.get(PDF).status_code == 429
    assert client.get(CSV).status_code == 202
    assert client.get(CSV, {"yhteystiedot": "1"}).status_code == 202
    assert client.get(CSV, {"paattyneet": "1"}).status_code == 202
    refused = client.get(CSV, {"tyyppi": "yhdistys"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Liian monta CSV-tiedostoa" in refused.content.decode()
    outputs = PrintRender.objects.values_list("output", flat=True)
    assert sorted(outputs) == ["csv"] * 3 + ["pdf"] * 3


def test_an_edit_makes_a_new_csv_and_a_failed_one_can_be_asked_again(
    client, region, run_queued_tasks, monkeypatch
):
    client.get(CSV)
    run_queued_tasks()
    assert b"Toinen yhdistys" in client.get(CSV).content
    make_actor(name="Uusi yhdistys", municipality=region.municipalities.get())
    # The data has changed: the CSV made before it is not served.
    assert client.get(CSV).status_code == 202

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("directory.print_rendering.Selection.csv_lines", broken)
    run_queued_tasks()
    assert PrintRender.objects.latest("pk").status == PrintRender.Status.FAILED
    failed = client.get(CSV)
    assert failed.status_code == 200
    page = failed.content.decode()
    assert "CSV-tiedoston tekeminen epäonnistui" in page and "Yritä uudelleen" in page
    assert "http-equiv" not in page
    monkeypatch.undo()
    assert client.get(CSV).status_code == 202  # asking again queues a new render
    run_queued_tasks()
    assert b"Uusi yhdistys" in client.get(CSV).content
