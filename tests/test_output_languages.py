"""The prints, PDFs, CSVs, the funding calendar's iCalendar feed and the areas' Atom feeds are in
the language of the page they are asked from: Swedish under /sv/, Finnish at the root.

The texts come from the catalogues, which these tests do not rely on: the `swedish` fixture
gives the Swedish catalogue a few test translations of its own, so that a Finnish text in a
Swedish output shows that the language was not active where the text was made.
"""

import csv
import io

import pikepdf
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real
from django_tasks_db.models import DBTaskResult

from actors.models import Actor, ActorKind
from directory.models import PrintRender
from keko import qr
from tests.factories import (
    make_actor,
    make_contact,
    make_funding_source,
    make_municipality,
    make_practice,
    make_region,
    make_service,
    make_window,
)

pytestmark = pytest.mark.django_db

SWEDISH = {
    "%(area)s: työllisyyttä edistävät toimijat": "%(area)s: aktörer som främjar sysselsättning",
    "nimi": "namn",
    "tyyppi": "typ",
    "kotikunta": "hemkommun",
    "palvelut": "tjänster",
    "linkki": "länk",
    "Yhdistys tai järjestö": "Förening eller organisation",
    "Hanke": "Projekt",
    "PDF:n tekeminen kesti liian kauan. Rajaa valintaa ja yritä uudelleen.": (
        "Det tog för länge att göra PDF-filen. Avgränsa urvalet och försök igen."
    ),
    "KeKo-hakemisto: rahoituksen hakuajat": "KeKo-katalogen: ansökningstider för finansiering",
    "Hakuaika päättyy: %(name)s": "Ansökningstiden går ut: %(name)s",
    "Hakuaika %(period)s vuosittain.": "Ansökningstid %(period)s varje år.",
    "%(area)s: toimijoiden muutokset – KeKo-hakemisto": (
        "%(area)s: aktörernas ändringar – KeKo-katalogen"
    ),
    "KeKo-hakemisto": "KeKo-katalogen",
    "Uusi toimija": "Ny aktör",
}


@pytest.fixture(autouse=True)
def _finnish_around():
    # Each test starts in Finnish, as a request to the root would be, and leaves the language
    # as it found it: a request to a /sv/ page activates Swedish and leaves it active.
    with translation.override("fi"):
        yield


@pytest.fixture
def swedish(monkeypatch):
    """The Swedish catalogue with SWEDISH's translations in front of its own."""
    catalogue = trans_real.translation("sv")
    own = catalogue.gettext
    monkeypatch.setattr(catalogue, "gettext", lambda message: SWEDISH.get(message) or own(message))


def sv(message):
    """`message` as the Swedish pages write it."""
    with translation.override("sv"):
        return translation.gettext(message)


def in_language(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def region():
    region = make_region(name_fi="Pirkanmaa", name_sv="Birkaland", slug="pirkanmaa")
    town = make_municipality(name_fi="Tampere", name_sv="Tammerfors", slug="tampere", region=region)
    coaching = make_service(name="Työhönvalmennus", name_sv="Arbetsträning", slug="tyohonvalmennus")
    make_actor(
        name="Työttömien yhdistys",
        slug="tyottomien-yhdistys",
        municipality=town,
        services=[coaching],
    )
    make_actor(name="Osallisuushanke", kind=ActorKind.PROJECT, municipality=town)
    return region


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig")), delimiter=";"))


def pdf_language_and_links(pdf):
    """The language a PDF declares, and the URIs of its links."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        links = [
            str(annotation.A.URI)
            for page in document.pages
            for annotation in page.get("/Annots", [])
            if "/A" in annotation and "/URI" in annotation.A
        ]
        return str(document.Root.Lang), links


def test_the_swedish_test_catalogue_is_in_use(swedish):
    # What the other tests' expectations stand on.
    assert sv("nimi") == "namn"
    assert translation.gettext("nimi") == "nimi"


# The CSV


def test_a_swedish_csv_has_swedish_headers_kinds_names_and_links(client, region, swedish):
    response = client.get(in_language("sv", "directory:region_csv", slug="pirkanmaa"))
    assert response.status_code == 200
    header, *rows = csv_rows(response)
    assert header[:2] == ["namn", "typ"] and header[2] == "hemkommun"
    assert header[-1] == "länk"
    association = next(row for row in rows if row[0] == "Työttömien yhdistys")
    assert association[1] == "Förening eller organisation"
    assert association[2] == "Tammerfors"
    assert association[4] == "Arbetsträning"
    actor_url = in_language("sv", "directory:actor", slug="tyottomien-yhdistys")
    assert actor_url.startswith("/sv/")
    assert association[-1] == f"http://testserver{actor_url}"


def test_the_finnish_csv_stays_finnish(client, region, swedish):
    header, *rows = csv_rows(client.get(reverse("directory:region_csv", args=["pirkanmaa"])))
    assert header[0] == "nimi" and header[-1] == "linkki"
    association = next(row for row in rows if row[0] == "Työttömien yhdistys")
    assert association[1:3] == ["Yhdistys tai järjestö", "Tampere"]
    assert association[4] == "Työhönvalmennus"
    assert association[-1] == "http://testserver/toimijat/tyottomien-yhdistys/"


def test_the_list_selections_csv_is_in_the_pages_language(client, region, swedish):
    response = client.get(in_language("sv", "directory:list_csv"), {"tyyppi": "hanke"})
    header, *rows = csv_rows(response)
    assert header[0] == "namn"
    assert [row[:2] for row in rows] == [["Osallisuushanke", "Projekt"]]
    assert rows[0][-1].startswith("http://testserver/sv/")


# The print page


def test_a_swedish_print_page_is_in_swedish_with_swedish_links_and_qr_codes(
    client, region, swedish
):
    response = client.get(in_language("sv", "directory:region_print", slug="pirkanmaa"))
    assert response.status_code == 200
    assert response["Content-Language"] == "sv"
    page = response.content.decode()
    assert '<html lang="sv">' in page
    assert "Birkaland: aktörer som främjar sysselsättning" in page
    actor_url = "http://testserver" + in_language(
        "sv", "directory:actor", slug="tyottomien-yhdistys"
    )
    assert f'href="{actor_url}"' in page
    assert qr.qr_svg(actor_url) in page  # the QR code leads to the Swedish page too
    assert qr.qr_svg(actor_url.replace("/sv/", "/")) not in page


def test_a_swedish_print_takes_as_many_queries_as_the_finnish_one(client, region, swedish):
    # The translated names are read with the rest (no query per entry for a Swedish name).
    make_contact(actor=Actor.objects.get(slug="tyottomien-yhdistys"), public=True)
    make_practice(title="Työkokeilumalli", title_sv="Arbetsprövning", regions=[region])
    options = {"tyopajapaketti": "1", "yhteystiedot": "1"}
    counts = {}
    for language in ("fi", "sv"):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(
                in_language(language, "directory:region_print", slug="pirkanmaa"), options
            )
            client.get(in_language(language, "directory:region_csv", slug="pirkanmaa"), options)
        assert page.status_code == 200
        counts[language] = len(queries)
    assert "Arbetsprövning" in page.content.decode()
    assert counts["sv"] == counts["fi"]


# The PDF laid out in the request


def test_a_small_swedish_pdf_is_in_swedish_and_cached_apart_from_the_finnish_one(
    client, region, swedish, monkeypatch
):
    from directory import print_rendering

    languages = []
    render_pdf = print_rendering.render_pdf

    def recording_render_pdf(parts, **kwargs):
        languages.append(translation.get_language())
        return render_pdf(parts, **kwargs)

    monkeypatch.setattr(print_rendering, "render_pdf", recording_render_pdf)
    swedish_pdf = in_language("sv", "directory:region_print_pdf", slug="pirkanmaa")
    finnish_pdf = reverse("directory:region_print_pdf", args=["pirkanmaa"])

    swedish_response = client.get(swedish_pdf)
    assert swedish_response.status_code == 200
    language, links = pdf_language_and_links(swedish_response.content)
    assert language == "sv"
    assert links and all(link.startswith("http://testserver/sv/") for link in links)
    finnish_response = client.get(finnish_pdf)
    assert pdf_language_and_links(finnish_response.content)[0] == "fi"
    # Each is laid out once, in its own language, and then found in the cache.
    client.get(swedish_pdf)
    client.get(finnish_pdf)
    assert languages == ["sv", "fi"]
    assert client.get(swedish_pdf).content == swedish_response.content


# PDFs laid out in the task queue


@pytest.fixture
def queued(settings):
    # Two actors are a "large" selection here, so that the queue is used.
    settings.PDF_INLINE_MAX_ACTORS = 1
    settings.PDF_RENDERS_PER_ADDRESS = 10


def run_tasks_in_finnish(monkeypatch):
    """Run the queued tasks as the worker does, with Finnish active around them: a task must
    lay its PDF out in its job's language whatever the worker's is."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    with translation.override("fi"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


def test_finnish_and_swedish_requests_never_share_a_queued_render(
    client, region, swedish, queued, monkeypatch
):
    swedish_pdf = in_language("sv", "directory:region_print_pdf", slug="pirkanmaa")
    finnish_pdf = reverse("directory:region_print_pdf", args=["pirkanmaa"])
    assert client.get(swedish_pdf).status_code == 202
    assert client.get(finnish_pdf).status_code == 202
    assert client.get(swedish_pdf).status_code == 202  # the same render as the first

    jobs = {job.language: job for job in PrintRender.objects.all()}
    assert sorted(jobs) == ["fi", "sv"] and PrintRender.objects.count() == 2
    assert jobs["fi"].key != jobs["sv"].key
    assert DBTaskResult.objects.count() == 2

    run_tasks_in_finnish(monkeypatch)
    assert set(PrintRender.objects.values_list("status", flat=True)) == {"done"}
    swedish_response = client.get(swedish_pdf)
    assert swedish_response.status_code == 200
    language, links = pdf_language_and_links(swedish_response.content)
    assert language == "sv"
    assert links and all(link.startswith("http://testserver/sv/") for link in links)
    finnish_response = client.get(finnish_pdf)
    language, links = pdf_language_and_links(finnish_response.content)
    assert language == "fi"
    assert links and not any("/sv/" in link for link in links)


def test_a_queued_render_lays_out_its_texts_in_the_jobs_language(
    client, region, swedish, queued, monkeypatch
):
    from directory import print_jobs

    seen = []

    def recording_sheet_pdf(request, context, **kwargs):
        seen.append(
            (
                translation.get_language(),
                request.LANGUAGE_CODE,
                context["selection"].heading,
                context["print_urls"]["page"],
            )
        )
        return sheet_pdf(request, context, **kwargs)

    sheet_pdf = print_jobs.sheet_pdf
    monkeypatch.setattr(print_jobs, "sheet_pdf", recording_sheet_pdf)
    client.get(in_language("sv", "directory:region_print_pdf", slug="pirkanmaa"))
    run_tasks_in_finnish(monkeypatch)
    assert seen == [
        (
            "sv",
            "sv",
            "Birkaland: aktörer som främjar sysselsättning",
            in_language("sv", "directory:region_print", slug="pirkanmaa"),
        )
    ]
    assert seen[0][3].startswith("/sv/")


def test_a_queued_renders_failure_is_told_in_the_jobs_language(
    client, region, swedish, queued, monkeypatch, settings
):
    settings.PDF_RENDER_TIMEOUT = 0
    swedish_pdf = in_language("sv", "directory:region_print_pdf", slug="pirkanmaa")
    client.get(swedish_pdf)
    run_tasks_in_finnish(monkeypatch)
    job = PrintRender.objects.get()
    assert job.status == PrintRender.Status.FAILED
    message = "Det tog för länge att göra PDF-filen. Avgränsa urvalet och försök igen."
    assert job.message == message
    failed = client.get(swedish_pdf)
    assert failed.status_code == 200 and message in failed.content.decode()


# The funding calendar's iCalendar feed


def unfold(body):
    lines = []
    for line in body.decode("utf-8").split("\r\n"):
        if line.startswith(" "):
            lines[-1] += line[1:]
        elif line:
            lines.append(line)
    return lines


def test_a_swedish_calendar_feed_is_in_swedish_and_links_to_the_swedish_pages(client, swedish):
    source = make_funding_source(name="Rahasto", name_sv="Fonden", slug="rahasto")
    make_window(funding_source=source, name="Kevään haku", name_sv="Vårens ansökan")

    response = client.get(in_language("sv", "funding:calendar_ics"))
    assert response.status_code == 200
    lines = unfold(response.content)
    assert "X-WR-CALNAME:KeKo-katalogen: ansökningstider för finansiering" in lines
    assert lines[2].startswith("PRODID:") and lines[2].endswith("//SV")
    summaries = [line for line in lines if line.startswith("SUMMARY:")]
    assert summaries == [
        "SUMMARY:Fonden: Vårens ansökan",
        "SUMMARY:Ansökningstiden går ut: Fonden: Vårens ansökan",
    ]
    source_url = "http://testserver" + in_language("sv", "directory:funding_source", slug="rahasto")
    assert source_url.startswith("http://testserver/sv/")
    descriptions = [line for line in lines if line.startswith("DESCRIPTION:")]
    assert all(
        line.startswith("DESCRIPTION:Ansökningstid 1.4.–31.5. varje år.") for line in descriptions
    )
    assert [line for line in lines if line.startswith("URL:")] == [f"URL:{source_url}"] * 2


def test_the_finnish_calendar_feed_stays_finnish(client, swedish):
    source = make_funding_source(name="Rahasto", name_sv="Fonden", slug="rahasto")
    make_window(funding_source=source, name="Kevään haku", name_sv="Vårens ansökan")
    lines = unfold(client.get(reverse("funding:calendar_ics")).content)
    assert "X-WR-CALNAME:KeKo-hakemisto: rahoituksen hakuajat" in lines
    assert "SUMMARY:Rahasto: Kevään haku" in lines
    assert "URL:http://testserver/rahoitus/rahasto/" in lines
    assert lines[2].endswith("//FI")


# The areas' Atom feeds


def test_a_swedish_area_feed_is_in_swedish_and_links_to_the_swedish_pages(client, region, swedish):
    feed_url = in_language("sv", "opendata_site:region_feed", slug="pirkanmaa")
    response = client.get(feed_url)
    assert response.status_code == 200
    feed = response.content.decode()
    assert 'xml:lang="sv"' in feed
    assert "<title>Birkaland: aktörernas ändringar – KeKo-katalogen</title>" in feed
    assert "<name>KeKo-katalogen</name>" in feed
    region_url = in_language("sv", "directory:region", slug="pirkanmaa")
    assert f'<link href="http://testserver{region_url}" rel="alternate"/>' in feed
    assert f'<link href="http://testserver{feed_url}" rel="self"/>' in feed
    actor_url = in_language("sv", "directory:actor", slug="tyottomien-yhdistys")
    assert f'href="http://testserver{actor_url}"' in feed
    assert "<title>Ny aktör: Työttömien yhdistys</title>" in feed


def test_the_finnish_area_feed_stays_finnish(client, region, swedish):
    feed_url = reverse("opendata_site:municipality_feed", args=["tampere"])
    feed = client.get(feed_url).content.decode()
    assert 'xml:lang="fi"' in feed
    assert "<title>Tampere: toimijoiden muutokset – KeKo-hakemisto</title>" in feed
    assert f'<link href="http://testserver{feed_url}" rel="self"/>' in feed
    assert 'href="http://testserver/toimijat/tyottomien-yhdistys/"' in feed
