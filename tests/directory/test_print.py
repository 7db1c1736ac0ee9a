import csv
import datetime
import io
import re
import subprocess
from dataclasses import replace

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from actors.models import Actor, ActorKind
from directory import print_rendering, printing
from directory.areas import KindGroup
from directory.printing import PrintSheet, entry_lines, lines_html, sheet_parts
from keko.models import Status
from tests.factories import (
    make_actor,
    make_actors,
    make_contact,
    make_contact_role,
    make_municipality,
    make_practice,
    make_region,
    make_service,
    make_target_group,
)

pytestmark = pytest.mark.django_db

ENDED = datetime.date(2020, 12, 31)


def pdf_text_raw(pdf):
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pdf_text(pdf):
    """Return the text of a PDF on one line: headings may wrap, even at a hyphen."""
    return " ".join(pdf_text_raw(pdf).replace("-\n", "-").split())


def pdf_pages(pdf):
    """Return the text of each page of a PDF, each on one line."""
    return [" ".join(page.split()) for page in pdf_text_raw(pdf).split("\f")[:-1]]


def csv_rows(response):
    return csv_rows_of(response.getvalue())


def csv_rows_of(content):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def area():
    """A region with published, draft and ended actors and public and private contacts."""
    region = make_region(name_fi="Pirkanmaa", slug="pirkanmaa")
    town = make_municipality(name_fi="Tampere", slug="tampere", region=region)
    coaching = make_service(name="Työhönvalmennus", slug="tyohonvalmennus")
    role = make_contact_role(name="Järjestöjen yhteyshenkilö", checklist_order=2)
    association = make_actor(
        name="Työttömien yhdistys",
        municipality=town,
        services=[coaching],
        email="toimisto@yhdistys.example",
        phone="+358 40 123 4567",
        website="https://yhdistys.example/",
        verified_on=datetime.date(2026, 3, 1),
    )
    project = make_actor(name="Osallisuushanke", kind=ActorKind.PROJECT, municipality=town)
    make_contact(actor=association, role=role, name="Julkinen Jaana", public=True)
    make_contact(actor=association, role=role, name="Salainen Sakari", public=False)
    make_actor(name="Luonnostoimija", municipality=town, status=Status.DRAFT)
    make_actor(
        name="Päättynyt hanke", kind=ActorKind.PROJECT, municipality=town, active_until=ENDED
    )
    make_actor(name="Muualla toimiva", municipality=make_municipality())
    return {"region": region, "town": town, "association": association, "project": project}


def url(name, slug):
    return reverse(f"directory:{name}", kwargs={"slug": slug})


# The PDF


def test_pdf_lists_published_actors_and_public_contacts_only(client, area):
    response = client.get(url("region_print_pdf", "pirkanmaa"), {"yhteystiedot": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'inline; filename="keko-pirkanmaa-{today}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Pirkanmaa" in text
    assert "Tiedot voimassa" in text
    assert "Työttömien yhdistys" in text and "Osallisuushanke" in text
    assert "Työhönvalmennus" in text and "toimisto@yhdistys.example" in text
    assert "Julkinen Jaana" in text
    assert "Salainen Sakari" not in text
    assert "Luonnostoimija" not in text
    assert "Päättynyt hanke" not in text
    assert "Muualla toimiva" not in text
    assert "Sivu 1 / 1" in text
    assert "Lähde: KeKo-hakemisto; alueluokitus Tilastokeskus" in text


def test_pdf_is_reused_until_published_data_changes(client, area, monkeypatch):
    renders = []
    original = print_rendering.render_pdf

    def counting_render_pdf(parts, **kwargs):
        renders.append(parts)
        return original(parts, **kwargs)

    monkeypatch.setattr("directory.print_rendering.render_pdf", counting_render_pdf)
    first = client.get(url("region_print_pdf", "pirkanmaa"))
    again = client.get(url("region_print_pdf", "pirkanmaa"))
    assert len(renders) == 1 and again.content == first.content

    area["association"].name = "Uusi nimi ry"
    area["association"].save()
    changed = client.get(url("region_print_pdf", "pirkanmaa"))
    assert len(renders) == 2
    assert "Uusi nimi ry" in pdf_text(changed.content)


def test_pdf_cache_is_keyed_on_the_cleaned_options(client, area, monkeypatch):
    renders = []
    monkeypatch.setattr("directory.print_rendering.render_pdf", _counting(renders))
    path = url("region_print_pdf", "pirkanmaa")
    first = client.get(path, {"tyyppi": ["hanke", "yhdistys"], "tarkistuslista": "1"})
    for query in (
        {"tyyppi": ["yhdistys", "hanke"], "tarkistuslista": "1"},  # another order
        {"tarkistuslista": "1", "tyyppi": ["hanke", "yhdistys"], "x": "1"},  # unknown
        {"tyyppi": ["hanke", "yhdistys"], "tarkistuslista": "1", "v": "7"},
    ):
        again = client.get(path, query)
        assert again.status_code == 200 and again.content == first.content
    assert len(renders) == 1
    client.get(path, {"tyyppi": "hanke"})
    assert len(renders) == 2


def _counting(renders):
    original = print_rendering.render_pdf

    def counting_render_pdf(parts, **kwargs):
        renders.append(parts)
        return original(parts, **kwargs)

    return counting_render_pdf


def test_pdf_options_change_the_content(client, area):
    response = client.get(
        url("region_print_pdf", "pirkanmaa"),
        {"tyyppi": "hanke", "paattyneet": "1", "tarkistuslista": "1"},
    )
    text = pdf_text(response.content)
    assert "Osallisuushanke" in text and "Päättynyt hanke" in text
    assert "päättynyt 31.12.2020" in text.lower()
    assert "Työttömien yhdistys" not in text.split("tarkistuslista")[0]
    assert "Julkinen Jaana" not in text
    # The checklist describes the whole area, whatever kinds the list shows.
    assert "Tunnetko alueesi toimijat? – tarkistuslista" in text
    assert "Järjestöjen yhteyshenkilö" in text
    assert "Sivu 2 / 2" in text  # the checklist starts a page of its own


def test_long_pdf_is_rendered_in_parts_with_one_running_page_count(client, area, monkeypatch):
    # One entry per part: the association, the project, then the checklist, each laid out
    # by a worker process of its own.
    monkeypatch.setattr("directory.print_rendering.PDF_PART_SIZE", 1)
    monkeypatch.setattr("django.conf.settings.PDF_PROCESSES", 2)
    make_actor(name="Toinen yhdistys", municipality=area["town"])
    response = client.get(url("region_print_pdf", "pirkanmaa"), {"tarkistuslista": "1"})
    assert response.status_code == 200
    pages = pdf_pages(response.content)
    assert len(pages) == 4
    assert "Toinen yhdistys" in pages[0] and "Työttömien yhdistys" not in pages[0]
    assert "Työttömien yhdistys" in pages[1] and "Yhdistys tai järjestö (jatkuu)" in pages[1]
    assert "Osallisuushanke" in pages[2] and "Hanke (1)" in pages[2]
    assert "tarkistuslista" in pages[3]
    for number, page in enumerate(pages, start=1):
        assert f"Sivu {number} / 4" in page
        assert "Pirkanmaa" in page and "Lähde: KeKo-hakemisto" in page
    # The heading once, at the top; the source line once, at the end.
    assert sum("työllisyyttä edistävät toimijat" in page for page in pages) == 1
    assert "(CC BY 4.0)" in pages[3] and "(CC BY 4.0)" not in pages[0]


def test_sheet_parts_fill_up_and_mark_where_a_kind_runs_on():
    groups = [
        KindGroup("association", "Yhdistys", 5, ["a1", "a2", "a3", "a4", "a5"]),
        KindGroup("project", "Hanke", 1, ["p1"]),
    ]
    sheet = PrintSheet(groups, 6, checklist=["rooli"], printed_on=datetime.date(2026, 1, 1))
    parts = sheet_parts(sheet, 2)
    assert [[(g.kind, g.actors, g.continued) for g in part.groups] for part in parts] == [
        [("association", ["a1", "a2"], False)],
        [("association", ["a3", "a4"], True)],
        [("association", ["a5"], True), ("project", ["p1"], False)],
        [],
    ]
    assert [part.checklist for part in parts] == [[], [], [], ["rooli"]]
    assert [(part.first_part, part.last_part) for part in parts] == [
        (True, False),
        (False, False),
        (False, False),
        (False, True),
    ]
    assert {part.total for part in parts} == {6}
    # A sheet that fits is one part, as it was.
    [whole] = sheet_parts(replace(sheet, checklist=[]), 10)
    assert whole.groups == groups and whole.first_part and whole.last_part


def test_an_empty_sheet_is_one_part():
    sheet = PrintSheet([], 0, checklist=[], printed_on=datetime.date(2026, 1, 1))
    assert sheet_parts(sheet, 250) == [sheet]


def test_entry_lines_leave_out_what_is_missing(area):
    association = area["association"]
    assert entry_lines(association) == [
        [("", "Tampere"), ("Tarjoaa:", "Työhönvalmennus")],
        [
            ("S-posti", "toimisto@yhdistys.example"),
            ("Puh.", "+358 40 123 4567"),
            ("Verkossa", "yhdistys.example/"),
        ],
        [("", "Tarkistettu 1.3.2026")],
    ]
    ended = make_actor(name="Tampere", municipality=area["town"], active_until=ENDED)
    ended.street_address, ended.postal_code = "Katu 1", "33100"
    assert entry_lines(ended) == [
        [("Päättynyt", "31.12.2020")],
        [("Osoite", "Katu 1, 33100"), ("", "Tarkistuspäivä ei tiedossa")],
    ]


def test_entry_lines_are_paragraphs_of_escaped_items():
    lines = [[("", "Tampere"), ("Tarjoaa:", "Työ <b>& valmennus</b>")], [("Puh.", "+358 1")]]
    assert lines_html(lines) == (
        "<p>Tampere · Tarjoaa: Työ &lt;b&gt;&amp; valmennus&lt;/b&gt;</p><p>Puh. +358 1</p>"
    )


def test_print_page_shows_each_entrys_lines(client, area):
    html = client.get(url("region_print", "pirkanmaa")).content.decode()
    assert (
        "<p>Tampere · Tarjoaa: Työhönvalmennus</p><p>S-posti toimisto@yhdistys.example · "
        "Puh. +358 40 123 4567 · Verkossa yhdistys.example/</p><p>Tarkistettu 1.3.2026</p>"
    ) in html


# The print page


def test_print_page_is_a_standalone_page_of_published_actors(client, area):
    response = client.get(url("region_print", "pirkanmaa"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fi">' in html
    assert "<title>Pirkanmaa: toimijat työpajaan – KeKo-hakemisto</title>" in html
    assert '<main id="main"' in html
    assert "site-header" not in html  # not base.html's navigation
    assert re.search(r'href="[^"]*css/print-sheet(\.[0-9a-f]+)?\.css"', html)
    assert "Työttömien yhdistys" in html and "Osallisuushanke" in html
    assert "Luonnostoimija" not in html and "Päättynyt hanke" not in html
    assert "Julkinen Jaana" not in html and "Salainen Sakari" not in html
    live = "http://testserver" + area["association"].get_absolute_url()
    assert f'href="{live}"' in html
    assert '<span class="qr" aria-hidden="true"><svg' in html
    assert response.context["sheet"].checklist == []


def test_print_page_kind_and_service_options_narrow_the_list(client, area):
    by_kind = client.get(url("region_print", "pirkanmaa"), {"tyyppi": "hanke"})
    names = [a.name for g in by_kind.context["sheet"].groups for a in g.actors]
    assert names == ["Osallisuushanke"]
    by_service = client.get(url("region_print", "pirkanmaa"), {"palvelu": "tyohonvalmennus"})
    names = [a.name for g in by_service.context["sheet"].groups for a in g.actors]
    assert names == ["Työttömien yhdistys"]


def test_print_page_shows_public_contacts_only_when_asked(client, area):
    without = client.get(url("region_print", "pirkanmaa")).content.decode()
    with_contacts = client.get(
        url("region_print", "pirkanmaa"), {"yhteystiedot": "1"}
    ).content.decode()
    assert "Julkinen Jaana" not in without
    assert "Julkinen Jaana" in with_contacts
    assert "Salainen Sakari" not in with_contacts


def test_an_entry_names_its_contacts_roles_and_finnish_fallbacks_escaped(client, area):
    association, role = area["association"], area["association"].contacts.first().role
    make_contact(
        actor=association,
        role=role,
        name="",
        title="Toiminnanjohtaja",
        email="info@yhdistys.example",
        public=True,
    )
    make_actor(name="Pajat & <Verstaat> ry", municipality=area["town"])
    asked = {"yhteystiedot": "1"}
    html = client.get(url("region_print", "pirkanmaa"), asked).content.decode()
    assert "<b>Julkinen Jaana</b> <i>(Järjestöjen yhteyshenkilö)</i>" in html
    assert "<b>Järjestöjen yhteyshenkilö</b>, Toiminnanjohtaja, info@yhdistys.example" in html
    assert html.count('<p class="people">') == 1
    assert ">Pajat &amp; &lt;Verstaat&gt; ry</a></h3>" in html
    # A Swedish page marks what it shows in Finnish: names, roles, titles.
    with translation.override("sv"):
        swedish = client.get(url("region_print", "pirkanmaa"), asked).content.decode()
    title = '<b lang="fi">Järjestöjen yhteyshenkilö</b>, <span lang="fi">Toiminnanjohtaja</span>'
    assert title in swedish
    assert '<b>Julkinen Jaana</b> <i lang="fi">(Järjestöjen yhteyshenkilö)</i>' in swedish
    assert '" lang="fi">Työttömien yhdistys</a></h3>' in swedish
    # The compact layout lists no contacts.
    compact = client.get(url("region_print", "pirkanmaa"), {**asked, "asettelu": "tiivis"})
    assert 'class="people"' not in compact.content.decode()


def test_print_page_includes_ended_actors_only_when_asked(client, area):
    assert "Päättynyt hanke" not in client.get(url("region_print", "pirkanmaa")).content.decode()
    html = client.get(url("region_print", "pirkanmaa"), {"paattyneet": "1"}).content.decode()
    assert "Päättynyt hanke" in html and "Päättynyt 31.12.2020" in html


def test_checklist_lists_every_filler_and_leaves_lines_for_unknown_roles(client, area):
    projects_role = make_contact_role(
        name="Alueen hankkeet", checklist_order=3, actor_kinds=[ActorKind.PROJECT]
    )
    unknown_role = make_contact_role(name="TYP:n työntekijä", checklist_order=10)
    more = [make_actor(kind=ActorKind.PROJECT, municipality=area["town"]) for _ in range(6)]
    response = client.get(url("region_print", "pirkanmaa"), {"tarkistuslista": "1"})
    items = {item.role: item for item in response.context["sheet"].checklist}
    filling = {actor.pk for actor in items[projects_role].actors}
    assert filling == {actor.pk for actor in [area["project"], *more]}  # all, not the first 5
    assert [c.name for c in items[area_role(area)].contacts] == ["Julkinen Jaana"]
    assert not items[unknown_role].known
    html = response.content.decode()
    assert "Tunnetko alueesi toimijat? – tarkistuslista" in html
    assert html.count('<div class="rule"></div>') == 3 * 1 + 1 * 2  # 3 lines unknown, 1 known
    assert "Salainen Sakari" not in html
    # Without contacts asked for, the checklist names the organisation, not the person.
    assert "Julkinen Jaana" not in html and "Työttömien yhdistys" in html


def test_checklist_names_its_fillers_in_the_page_language_escaped(client, area):
    projects_role = make_contact_role(
        name="Alueen hankkeet", checklist_order=3, actor_kinds=[ActorKind.PROJECT]
    )
    make_actor(
        name="Hanke <A&B>", name_sv="Projekt", kind=ActorKind.PROJECT, municipality=area["town"]
    )
    with translation.override("sv"):
        response = client.get(url("region_print", "pirkanmaa"), {"tarkistuslista": "1"})
    [item] = [item for item in response.context["sheet"].checklist if item.role == projects_role]
    assert [actor.name for actor in item.actors] == ["Projekt", "Osallisuushanke"]
    # Ordered by the Finnish name, as in every language; a Finnish one marked as such.
    assert '<p class="fillers">Projekt, <span lang="fi">Osallisuushanke</span></p>' in (
        response.content.decode()
    )
    html = client.get(url("region_print", "pirkanmaa"), {"tarkistuslista": "1"}).content
    assert '<p class="fillers">Hanke &lt;A&amp;B&gt;, Osallisuushanke</p>' in html.decode()


def area_role(area):
    return area["association"].contacts.get(public=True).role


def test_no_checklist_unless_asked(client, area):
    html = client.get(url("region_print", "pirkanmaa")).content.decode()
    assert "checklist-heading" not in html


def test_municipality_print_lists_the_municipalitys_actors(client, area):
    response = client.get(url("municipality_print", "tampere"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tampere: työllisyyttä edistävät toimijat" in html
    assert "Työttömien yhdistys" in html and "Muualla toimiva" not in html
    pdf = client.get(url("municipality_print_pdf", "tampere"))
    assert pdf.content.startswith(b"%PDF")
    assert "keko-tampere-" in pdf["Content-Disposition"]


# The CSV


def test_csv_round_trips_with_header_and_rows(client, area):
    response = client.get(url("region_csv", "pirkanmaa"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="keko-pirkanmaa-')
    content = response.getvalue()
    assert content.startswith("\ufeff".encode())
    header, *rows = csv_rows_of(content)
    assert header == [
        "nimi", "tyyppi", "kotikunta", "valtakunnallinen", "palvelut", "kohderyhmät", "verkkosivut",
        "sähköposti", "puhelin", "osoite", "tarkistettu", "linkki",
    ]  # fmt: skip
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_name) == {"Työttömien yhdistys", "Osallisuushanke"}
    row = by_name["Työttömien yhdistys"]
    assert row["tyyppi"] == "Yhdistys tai järjestö"
    assert row["kotikunta"] == "Tampere"
    assert row["palvelut"] == "Työhönvalmennus"
    assert row["puhelin"] == "+358 40 123 4567"
    assert row["tarkistettu"] == "2026-03-01"
    assert row["linkki"] == "http://testserver" + area["association"].get_absolute_url()


def test_csv_contacts_column_only_when_asked_and_public_only(client, area):
    response = client.get(url("region_csv", "pirkanmaa"), {"yhteystiedot": "1", "paattyneet": "1"})
    content = response.getvalue()
    header, *rows = csv_rows_of(content)
    assert "yhteyshenkilöt" in header
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert "Päättynyt hanke" in by_name
    assert by_name["Työttömien yhdistys"]["yhteyshenkilöt"].startswith("Julkinen Jaana")
    assert "Salainen Sakari" not in content.decode("utf-8-sig")


def test_csv_neutralises_spreadsheet_formulas(client, area):
    make_actor(name='=HYPERLINK("http://evil.example")', municipality=area["town"])
    rows = csv_rows(client.get(url("region_csv", "pirkanmaa")))
    assert '\'=HYPERLINK("http://evil.example")' in [row[0] for row in rows]


def test_the_csv_is_sent_in_parts_in_the_order_of_the_print(client, area, monkeypatch):
    monkeypatch.setattr(printing, "CSV_PART", 1)
    make_actor(name="Pirkanmaan TE-toimisto", kind=ActorKind.TE_OFFICE, municipality=area["town"])
    make_actor(name="Aapo valtakunnallinen", is_national=True)
    response = client.get(url("region_csv", "pirkanmaa"))
    assert response.status_code == 200 and response.streaming
    parts = list(response.streaming_content)
    _header, *rows = csv_rows_of(b"".join(parts))
    # By kind in ActorKind's order (a TE office before a project), the national ones last.
    expected = ["Työttömien yhdistys", "Pirkanmaan TE-toimisto", "Osallisuushanke"]
    assert [row[0] for row in rows] == [*expected, "Aapo valtakunnallinen"]
    assert len(parts) == 1 + len(rows)  # the header, then a part of each actor


def test_municipality_csv(client, area):
    header, *rows = csv_rows(client.get(url("municipality_csv", "tampere")))
    assert {row[0] for row in rows} == {"Työttömien yhdistys", "Osallisuushanke"}


# Errors


@pytest.mark.parametrize(
    "name", ["region_print", "region_print_pdf", "region_csv", "municipality_print",
             "municipality_print_pdf", "municipality_csv"],
)  # fmt: skip
def test_unknown_area_is_404(client, name):
    assert client.get(url(name, "ei-ole")).status_code == 404


@pytest.mark.parametrize("name", ["region_print", "region_print_pdf", "region_csv"])
@pytest.mark.parametrize(
    "query",
    [
        {"tyyppi": "lohikaarme"},
        {"palvelu": "ei-ole"},
        {"palvelu": "a\x00b"},
        {"yhteystiedot": "kyllä"},
        {"tarkistuslista": "2"},
    ],
)
def test_bad_options_are_400_with_a_readable_message(client, area, name, query):
    response = client.get(url(name, "pirkanmaa"), query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "Tulostusvalinnat eivät kelpaa" in html
    assert '<ul class="errorlist"' in html


# The region page's form


def test_region_page_offers_the_print_options(client, area):
    html = client.get(area["region"].get_absolute_url()).content.decode()
    assert f'action="{url("region_print", "pirkanmaa")}"' in html
    assert f'formaction="{url("region_print_pdf", "pirkanmaa")}"' in html
    assert f'formaction="{url("region_csv", "pirkanmaa")}"' in html
    for name in ("yhteystiedot", "paattyneet", "tarkistuslista"):
        assert f'name="{name}" value="1" id="print-{name}"' in html
        assert f'<label for="print-{name}">' in html
    assert 'name="tyyppi" value="hanke"' in html


def test_municipality_page_offers_the_municipality_print(client, area):
    html = client.get(area["town"].get_absolute_url()).content.decode()
    assert f'action="{url("municipality_print", "tampere")}"' in html


def test_area_pages_share_their_print_options_in_each_language_with_their_own_urls(client, area):
    # The options are rendered once per language and directory version; the URLs are each
    # page's own.
    region_page = client.get(area["region"].get_absolute_url()).content.decode()
    town_page = client.get(area["town"].get_absolute_url()).content.decode()
    with translation.override("sv"):
        swedish_page = client.get(area["town"].get_absolute_url()).content.decode()
        swedish_print = url("municipality_print", "tampere")
    options = re.compile(
        r'<p>Tulostettava A4-lista alueen.*?</fieldset>\n(?=  <p class="print)', re.S
    )
    assert options.search(region_page).group() == options.search(town_page).group()
    assert 'name="tyyppi" value="hanke"' in town_page
    assert f'action="{url("region_print", "pirkanmaa")}"' in region_page
    assert f'action="{url("municipality_print", "tampere")}"' in town_page
    assert f'action="{swedish_print}"' in swedish_page
    assert "<legend>Aktörstyper</legend>" in swedish_page
    assert "<legend>Toimijatyypit</legend>" not in swedish_page


# Query counts


@pytest.mark.parametrize("name", ["region_print", "region_csv"])
def test_query_count_is_fixed(client, django_assert_max_num_queries, name):
    # The region, the actors with their services, target groups and public contacts, the
    # checklist's actors, contacts and roles, and the services the options form offers.
    region = make_region(slug="kasvava")
    town = make_municipality(region=region)
    role = make_contact_role(checklist_order=1, actor_kinds=[ActorKind.ASSOCIATION])
    query = {"yhteystiedot": "1", "tarkistuslista": "1", "paattyneet": "1"}
    counts = []
    for count in (3, 57):
        for actor in make_actors(count, municipality=town):
            make_contact(actor=actor, role=role, public=True)
        with django_assert_max_num_queries(10) as queries:
            response = client.get(url(name, "kasvava"), query)
        assert response.status_code == 200
        counts.append(len(queries))
    assert Actor.objects.published().serving_regions([region]).count() == 60
    assert counts[0] == counts[1]


def test_pdf_query_count_is_fixed(client, django_assert_max_num_queries):
    region = make_region(slug="kasvava")
    town = make_municipality(region=region)
    counts = []
    for count in (3, 57):
        make_actors(count, municipality=town)
        with django_assert_max_num_queries(15) as queries:
            response = client.get(url("region_print_pdf", "kasvava"), {"tarkistuslista": "1"})
        assert response.content.startswith(b"%PDF")
        # The address's render counter (keko.ratelimit) is created, in a savepoint, on first use.
        counts.append(sum(_is_print_query(query["sql"]) for query in queries.captured_queries))
    assert counts[0] == counts[1] <= 8


def _is_print_query(sql):
    return "ratelimit" not in sql and "SAVEPOINT" not in sql


def test_print_of_too_many_actors_asks_to_narrow_the_selection(client, area, monkeypatch):
    monkeypatch.setattr("directory.print_rendering.MAX_PRINTED_ACTORS", 1)
    for name in ("region_print", "region_print_pdf"):
        response = client.get(url(name, "pirkanmaa"))
        assert response.status_code == 400
        assert "tulosteeseen mahtuu enintään 1" in response.content.decode()
    response = client.get(url("region_print", "pirkanmaa"), {"tyyppi": "hanke"})
    assert response.status_code == 200
    assert client.get(url("region_csv", "pirkanmaa")).status_code == 200


def test_the_cap_is_read_with_the_entries_and_the_message_counts_them(
    client, area, monkeypatch, django_assert_num_queries
):
    region = area["town"].region
    printed = Actor.objects.published().serving_regions([region], national=True).active()
    count = printed.count()
    monkeypatch.setattr("directory.print_rendering.MAX_PRINTED_ACTORS", count)
    # Exactly the cap: printed, without counting the selection first (the region, the
    # entries read with the cap, their services' and target groups' names, and the
    # options form's services and target groups).
    with django_assert_num_queries(5):
        response = client.get(url("region_print", "pirkanmaa"))
    assert response.status_code == 200
    assert response.content.decode().count('class="qr-code"') == count
    # One past it: counted for the message.
    monkeypatch.setattr("directory.print_rendering.MAX_PRINTED_ACTORS", count - 1)
    cache.clear()  # the page printed above is kept
    response = client.get(url("region_print", "pirkanmaa"))
    assert response.status_code == 400
    assert f"Valinnassa on {count} toimijaa" in response.content.decode()


def test_print_urls_take_finnish_kind_values_and_redirect_the_english_ones(client, area):
    response = client.get(url("region_print", "pirkanmaa"), {"tyyppi": "hanke"})
    page = response.content.decode()
    assert "Osallisuushanke" in page and "Työttömien yhdistys" not in page
    for name in ("region_print", "region_print_pdf", "region_csv"):
        old = client.get(url(name, "pirkanmaa"), {"tyyppi": "project", "tarkistuslista": "1"})
        assert old.status_code == 301
        assert old["Location"].endswith("?tyyppi=hanke&tarkistuslista=1")
    # The area page offers the print by the same values.
    region_page = client.get(area["region"].get_absolute_url()).content.decode()
    assert 'name="tyyppi" value="hanke"' in region_page


# Target groups, the entry, the compact layout and the workshop pack


def test_print_honours_the_target_group(client, area):
    partly_able = make_target_group(name="Osatyökykyiset", slug="osatyokykyiset")
    area["project"].target_groups.add(partly_able)
    response = client.get(url("region_print", "pirkanmaa"), {"kohderyhma": "osatyokykyiset"})
    names = [a.name for g in response.context["sheet"].groups for a in g.actors]
    assert names == ["Osallisuushanke"]
    assert "kohderyhmät: Osatyökykyiset" in response.content.decode()
    header, *rows = csv_rows(
        client.get(url("region_csv", "pirkanmaa"), {"kohderyhma": "osatyokykyiset"})
    )
    assert [row[0] for row in rows] == ["Osallisuushanke"]
    bad = client.get(url("region_print", "pirkanmaa"), {"kohderyhma": "ei-ole"})
    assert bad.status_code == 400


def test_region_page_offers_every_kind_service_and_target_group(client, area):
    make_target_group(name="Nuoret", slug="nuoret")
    html = client.get(area["region"].get_absolute_url()).content.decode()
    for kind in ActorKind:  # not only the kinds found in the area
        assert f'name="tyyppi" value="{kind.url_slug}"' in html
    assert 'name="palvelu" value="tyohonvalmennus"' in html
    assert 'name="kohderyhma" value="nuoret"' in html
    assert 'name="asettelu" value="tiivis"' in html
    assert 'name="tyopajapaketti" value="1"' in html


def test_entry_shows_a_short_description_and_target_groups(area):
    association = area["association"]
    association.description = "Autamme työttömiä löytämään työtä. Toinen lause jää pois."
    association.target_groups.add(make_target_group(name="Nuoret"))
    lines = entry_lines(association)
    assert lines[0] == [("", "Autamme työttömiä löytämään työtä.")]
    assert [("Kenelle:", "Nuoret")] in lines
    association.description = "sana " * 100
    assert len(entry_lines(association)[0][0][1]) <= 160


def test_compact_layout_fits_more_than_20_entries_on_a_page(client, area):
    make_actors(28, municipality=area["town"], phone="+358 40 000 0000")
    response = client.get(url("region_print_pdf", "pirkanmaa"), {"asettelu": "tiivis"})
    assert response.status_code == 200
    first_page = pdf_pages(response.content)[0]
    full = pdf_pages(client.get(url("region_print_pdf", "pirkanmaa")).content)[0]
    actors = Actor.objects.published().active().serving_regions([area["region"]])
    on_first = sum(actor.name in first_page for actor in actors)
    assert actors.count() == 30
    assert on_first >= 20
    assert sum(actor.name in full for actor in actors) <= 11
    html = client.get(
        url("region_print", "pirkanmaa"), {"asettelu": "tiivis", "yhteystiedot": "1"}
    ).content.decode()
    assert 'class="sheet compact"' in html and "Julkinen Jaana" not in html  # contacts off


def test_workshop_pack_has_checklist_table_and_the_regions_practices(client, area):
    make_practice(
        title="Työkokeilumalli", summary="Kokeilu toimi. Lisää tekstiä.", regions=[area["region"]]
    )
    make_practice(title="Muun maakunnan malli", regions=[make_region()])
    make_practice(title="Luonnosmalli", regions=[area["region"]], status=Status.DRAFT)
    for name in ("region_print", "municipality_print"):
        slug = "pirkanmaa" if name == "region_print" else "tampere"
        html = client.get(url(name, slug), {"tyopajapaketti": "1"}).content.decode()
        assert "Tunnetko alueesi toimijat? – tarkistuslista" in html
        assert "Uudet toimijat, joita emme vielä tunteneet" in html
        assert html.count("<tr><td></td><td></td><td></td><td></td></tr>") == 10
        assert "Työkokeilumalli</b> – Kokeilu toimi." in html
        assert "Muun maakunnan malli" not in html and "Luonnosmalli" not in html
    pdf = client.get(url("region_print_pdf", "pirkanmaa"), {"tyopajapaketti": "1"})
    pages = pdf_pages(pdf.content)
    assert "Uudet toimijat, joita emme vielä tunteneet" in pages[-1]
    assert "Kuka ottaa yhteyttä" in pages[-1] and "Työkokeilumalli" in pages[-1]
    assert "tarkistuslista" in " ".join(pages[1:-1])
