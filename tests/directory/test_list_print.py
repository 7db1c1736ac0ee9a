"""Printing any selection of the actor list: the print page, its PDF and its CSV take the
list's own filters (directory/print_rendering.py, scope LIST)."""

import re
from html import unescape
from urllib.parse import parse_qsl

import pytest
from django.urls import reverse

from actors.models import ActorKind
from directory import print_rendering
from directory.models import PrintRender
from tests.directory.test_print import csv_rows, pdf_text
from tests.factories import (
    make_actor,
    make_actors,
    make_contact,
    make_contact_role,
    make_municipality,
    make_region,
    make_service,
    make_target_group,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("directory:list_print")
PDF = reverse("directory:list_print_pdf")
CSV = reverse("directory:list_csv")
LIST = reverse("directory:actors")


@pytest.fixture
def country():
    pirkanmaa = make_region(name_fi="Pirkanmaa", slug="pirkanmaa")
    tampere = make_municipality(name_fi="Tampere", slug="tampere", region=pirkanmaa)
    elsewhere = make_municipality(name_fi="Oulu", slug="oulu")
    partly_able = make_target_group(name="Osatyökykyiset", slug="osatyokykyiset")
    young = make_target_group(name="Nuoret", slug="nuoret")
    coaching = make_service(name="Työhönvalmennus", slug="tyohonvalmennus")
    return {
        "pirkanmaa": pirkanmaa,
        "association": make_actor(
            name="Työttömien yhdistys",
            municipality=tampere,
            target_groups=[partly_able],
            services=[coaching],
            description="Yhdistys auttaa työttömiä. Toinen lause jää pois.",
            phone="+358 40 123 4567",
        ),
        "young": make_actor(name="Nuorten yhdistys", municipality=tampere, target_groups=[young]),
        "project": make_actor(
            name="Osallisuushanke",
            kind=ActorKind.PROJECT,
            municipality=tampere,
            target_groups=[partly_able],
        ),
        "oulu": make_actor(
            name="Oulun yhdistys", municipality=elsewhere, target_groups=[partly_able]
        ),
        "national": make_actor(name="Valtakunnallinen liitto", is_national=True),
    }


def names(response):
    return [actor.name for group in response.context["sheet"].groups for actor in group.actors]


SELECTION = {"alue": "pirkanmaa", "tyyppi": "yhdistys", "kohderyhma": "osatyokykyiset"}


def test_the_print_lists_exactly_the_lists_selection(client, country):
    listed = client.get(LIST, {**SELECTION, "valtakunnalliset": "0"})
    response = client.get(PAGE, {**SELECTION, "valtakunnalliset": "0"})
    assert response.status_code == 200
    assert names(response) == [actor.name for actor in listed.context["object_list"]]
    assert names(response) == ["Työttömien yhdistys"]
    html = response.content.decode()
    assert "<h1>Toimijat: Pirkanmaa · Yhdistys tai järjestö · Osatyökykyiset" in html
    assert (
        "Toimijat: Pirkanmaa · Yhdistys tai järjestö · Osatyökykyiset" in html.split("<title>")[1]
    )
    # The print form carries the list's filters along, and offers the print options only.
    for name, value in SELECTION.items():
        assert f'<input type="hidden" name="{name}" value="{value}">' in html
    assert 'name="tyopajapaketti"' not in html and 'name="paattyneet"' not in html
    assert 'name="tarkistuslista" value="1"' in html  # an area is chosen
    assert f'action="{PAGE}"' in html and f'formaction="{PDF}"' in html


def test_the_print_lists_national_actors_after_an_areas_own_as_the_list_does(client, country):
    response = client.get(PAGE, {"alue": "pirkanmaa", "tyyppi": "yhdistys"})
    groups = response.context["sheet"].groups
    assert [group.national for group in groups] == [False, True]
    assert [a.name for a in groups[-1].actors] == ["Valtakunnallinen liitto"]
    # Without an area the national ones are listed by kind among the others.
    everyone = client.get(PAGE, {"kohderyhma": "osatyokykyiset"})
    assert not any(group.national for group in everyone.context["sheet"].groups)
    assert set(names(everyone)) == {"Työttömien yhdistys", "Osallisuushanke", "Oulun yhdistys"}


def test_unknown_filter_values_are_dropped_with_the_lists_notice(client, country):
    response = client.get(PAGE, {"alue": ["pirkanmaa", "atlantis"], "tyyppi": "lohikaarme"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tuntematon maakunta ”atlantis” jätettiin pois." in html
    assert "Tuntematon toimijatyyppi ”lohikaarme” jätettiin pois." in html
    assert "Työttömien yhdistys" in html and "Oulun yhdistys" not in html
    assert 'value="atlantis"' not in html  # not carried along


def test_bad_print_options_are_400_and_the_checklist_needs_an_area(client, country):
    for url in (PAGE, PDF, CSV):
        response = client.get(url, {"yhteystiedot": "kyllä"})
        assert response.status_code == 400
        assert "Tulostusvalinnat eivät kelpaa" in response.content.decode()
    response = client.get(PAGE, {"tyyppi": "yhdistys", "tarkistuslista": "1"})
    assert response.status_code == 400
    assert "valitse listalta ensin maakunta tai kunta" in response.content.decode()
    with_area = client.get(PAGE, {"kunta": "tampere", "tyyppi": "hanke", "tarkistuslista": "1"})
    assert with_area.status_code == 200
    # The checklist describes the whole area, not only the kinds printed.
    role = with_area.context["sheet"].checklist
    assert role is not None and "tarkistuslista" in with_area.content.decode()


def test_pdf_and_csv_of_the_selection(client, country):
    pdf = client.get(PDF, SELECTION)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert 'filename="keko-toimijat-' in pdf["Content-Disposition"]
    text = pdf_text(pdf.content)
    assert "Toimijat: Pirkanmaa · Yhdistys tai järjestö · Osatyökykyiset" in text
    assert "Työttömien yhdistys" in text and "Nuorten yhdistys" not in text
    assert "Osallisuushanke" not in text and "Oulun yhdistys" not in text
    response = client.get(CSV, {**SELECTION, "valtakunnalliset": "0"})
    assert response["Content-Disposition"].startswith('attachment; filename="keko-toimijat-')
    header, *rows = csv_rows(response)
    assert [row[0] for row in rows] == ["Työttömien yhdistys"]
    assert dict(zip(header, rows[0], strict=True))["kohderyhmät"] == "Osatyökykyiset"


def test_pdf_cache_key_is_the_cleaned_selection(client, country, monkeypatch):
    renders = []
    original = print_rendering.render_pdf

    def counting(parts, **kwargs):
        renders.append(parts)
        return original(parts, **kwargs)

    monkeypatch.setattr("directory.print_rendering.render_pdf", counting)
    first = client.get(PDF, {"tyyppi": ["hanke", "yhdistys"], "alue": "pirkanmaa"})
    for query in (
        {"alue": "pirkanmaa", "tyyppi": ["yhdistys", "hanke"]},  # another order
        {"alue": "pirkanmaa", "tyyppi": ["yhdistys", "hanke", "x"], "jarjestys": "nimi"},
        {"alue": "pirkanmaa", "tyyppi": ["yhdistys", "hanke"], "sivu": "2", "v": "1"},
    ):
        again = client.get(PDF, query)
        assert again.status_code == 200 and again.content == first.content
    assert len(renders) == 1
    client.get(PDF, {"alue": "pirkanmaa", "tyyppi": "hanke"})
    assert len(renders) == 2


def test_the_print_is_capped_with_the_same_message(client, country, monkeypatch):
    monkeypatch.setattr("directory.print_rendering.MAX_PRINTED_ACTORS", 1)
    for url in (PAGE, PDF):
        response = client.get(url, {"alue": "pirkanmaa"})
        assert response.status_code == 400
        assert "tulosteeseen mahtuu enintään 1" in response.content.decode()
    assert client.get(CSV, {"alue": "pirkanmaa"}).status_code == 200


def test_a_large_selection_is_rendered_in_the_queue(client, country, settings, run_queued_tasks):
    settings.PDF_INLINE_MAX_ACTORS = 1
    waiting = client.get(PDF, {"kohderyhma": "osatyokykyiset", "jarjestys": "nimi"})
    assert waiting.status_code == 202
    page = waiting.content.decode()
    assert "Teemme 3 toimijan PDF-tulostetta" in page
    assert f'href="{PDF}?kohderyhma=osatyokykyiset&amp;jarjestys=nimi"' in page
    assert run_queued_tasks() == 1
    assert PrintRender.objects.get().status == PrintRender.Status.DONE
    ready = client.get(PDF, {"kohderyhma": "osatyokykyiset"})  # the order is no selection
    assert ready.status_code == 200
    text = pdf_text(ready.content)
    assert "Toimijat: Osatyökykyiset" in text and "Oulun yhdistys" in text
    assert "Nuorten yhdistys" not in text


def test_the_list_links_to_the_print_of_its_selection(client, country):
    html = client.get(LIST, {**SELECTION, "jarjestys": "nimi", "page": "1"}).content.decode()
    [link] = re.findall(r'<a href="([^"]*)">Tulosta valinta \(PDF tai CSV\)</a>', html)
    path, query = unescape(link).split("?")
    assert path == PAGE
    assert sorted(parse_qsl(query)) == sorted(SELECTION.items())  # no order, no page
    empty = client.get(LIST, {"q": "eiosumiaollenkaan"}).content.decode()
    assert "Tulosta valinta" not in empty


# The CSV: the same options, the render of a large one in the queue looked up and the
# selection counted (under CSV_INLINE_MAX_ACTORS: streamed), the selection's keys in order,
# then each part's actors, their contacts and their names (printing.csv_lines); no
# checklist, which it does not list.
@pytest.mark.parametrize(("url", "queries"), [(PAGE, 11), (CSV, 11)])
def test_query_count_is_fixed(client, django_assert_num_queries, url, queries):
    town = make_municipality(region=make_region(slug="kasvava"))
    role = make_contact_role(checklist_order=1, actor_kinds=[ActorKind.ASSOCIATION])
    query = {"alue": "kasvava", "yhteystiedot": "1", "tarkistuslista": "1"}
    for count in (3, 57):
        for actor in make_actors(count, municipality=town):
            make_contact(actor=actor, role=role, public=True)
        # The filters' options (regions, municipalities, services, target groups, funders),
        # the actors (the print page reads them with its cap rather than counting them),
        # their public contacts, the names of their services and target groups, and the
        # checklist's actors, contacts and roles.
        with django_assert_num_queries(queries):
            response = client.get(url, query)
            response.getvalue()  # a streamed CSV reads its rows as it is sent
        assert response.status_code == 200
