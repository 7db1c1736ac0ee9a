"""National actors serve every area: the region and municipality selections of the actor list,
the print page, its PDF and the CSV list them after the area's own, unless left out."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from actors.models import ActorKind
from keko.models import Status
from tests.directory.test_print import csv_rows, pdf_text
from tests.factories import (
    bulk_actors,
    make_actor,
    make_municipality,
    make_region,
    make_target_group,
)

pytestmark = pytest.mark.django_db

LIST = reverse("directory:actors")


@pytest.fixture
def country():
    """Pirkanmaa with its own actors, another region, and national actors (one based in
    Helsinki, in the other region; one ended; one a draft)."""
    pirkanmaa = make_region(name_fi="Pirkanmaa", slug="pirkanmaa")
    tampere = make_municipality(name_fi="Tampere", slug="tampere", region=pirkanmaa)
    uusimaa = make_region(name_fi="Uusimaa", slug="uusimaa")
    helsinki = make_municipality(name_fi="Helsinki", slug="helsinki", region=uusimaa)
    partly = make_target_group(name="Osatyökykyiset", slug="osatyokykyiset")
    own = make_actor(name="Tampereen työttömät ry", municipality=tampere)
    own_partly = make_actor(
        name="Pirkanmaan hanke", kind=ActorKind.PROJECT, municipality=tampere,
        target_groups=[partly],
    )  # fmt: skip
    vates = make_actor(
        name="Vates-säätiö", kind=ActorKind.FOUNDATION, is_national=True,
        municipality=helsinki, target_groups=[partly],
    )  # fmt: skip
    liitto = make_actor(name="Invalidiliitto", is_national=True)
    make_actor(name="Helsingin yhdistys", municipality=helsinki)
    make_actor(name="Päättynyt liitto", is_national=True, active_until=datetime.date(2020, 1, 1))
    make_actor(name="Luonnosliitto", is_national=True, status=Status.DRAFT)
    return {
        "pirkanmaa": pirkanmaa,
        "tampere": tampere,
        "uusimaa": uusimaa,
        "own": own,
        "own_partly": own_partly,
        "vates": vates,
        "liitto": liitto,
    }


def names(response):
    return [actor.name for actor in response.context["object_list"]]


def national_names(response):
    return [actor.name for actor in response.context["national_actors"]]


# The actor list


def test_region_filter_lists_national_actors_after_the_regions_own(client, country):
    response = client.get(LIST, {"alue": "pirkanmaa"})
    assert response.status_code == 200
    assert response.context["paginator"].count == 4
    assert names(response) == ["Pirkanmaan hanke", "Tampereen työttömät ry"]
    assert national_names(response) == ["Invalidiliitto", "Vates-säätiö"]
    html = response.content.decode()
    assert html.index("Tampereen työttömät ry") < html.index("Valtakunnalliset toimijat")
    assert html.index("Valtakunnalliset toimijat") < html.index("Invalidiliitto")
    assert html.count('class="badge badge-national">valtakunnallinen<') == 2


def test_region_and_target_group_find_the_national_actor(client, country):
    # The case: Vates-säätiö (national, osatyökykyiset) is Pirkanmaa's too.
    response = client.get(LIST, {"alue": "pirkanmaa", "kohderyhma": "osatyokykyiset"})
    assert response.context["paginator"].count == 2
    assert names(response) == ["Pirkanmaan hanke"]
    assert national_names(response) == ["Vates-säätiö"]


def test_municipality_filter_lists_national_actors_too(client, country):
    response = client.get(LIST, {"kunta": "tampere", "jarjestys": "nimi"})
    assert names(response) == ["Pirkanmaan hanke", "Tampereen työttömät ry"]
    assert national_names(response) == ["Invalidiliitto", "Vates-säätiö"]


def test_national_actor_based_in_the_region_is_listed_once_with_the_national_ones(client, country):
    response = client.get(LIST, {"alue": "uusimaa"})
    assert names(response) == ["Helsingin yhdistys"]
    assert national_names(response) == ["Invalidiliitto", "Vates-säätiö"]
    assert response.context["paginator"].count == 3


def test_national_actors_can_be_left_out(client, country):
    response = client.get(LIST, {"alue": "pirkanmaa", "valtakunnalliset": "0"})
    assert response.context["paginator"].count == 2
    assert names(response) == ["Pirkanmaan hanke", "Tampereen työttömät ry"]
    assert national_names(response) == []
    html = response.content.decode()
    assert (
        '<input type="checkbox" name="valtakunnalliset" value="0" id="id_valtakunnalliset" checked>'
    ) in html
    assert '<label for="id_valtakunnalliset">Jätä valtakunnalliset toimijat pois</label>' in html
    # Without an area the box leaves the national actors out of the whole list.
    response = client.get(LIST, {"valtakunnalliset": "0"})
    assert "Vates-säätiö" not in names(response)


def test_unticked_box_is_offered_and_an_unknown_value_is_dropped_with_a_notice(client, country):
    response = client.get(LIST, {"alue": "pirkanmaa"})
    html = response.content.decode()
    assert '<input type="checkbox" name="valtakunnalliset" value="0" id="id_valtakunnalliset">' in (
        html
    )
    response = client.get(LIST, {"alue": "pirkanmaa", "valtakunnalliset": "ei"})
    assert response.context["paginator"].count == 4
    assert any("ei" in notice["text"] for notice in response.context["notices"])


def test_facet_counts_agree_with_the_results(client, country):
    response = client.get(LIST, {"alue": "pirkanmaa"})
    facets = dict(response.context["filter"].form.fields["alue"].choices)
    # Each region's count is what choosing it lists: its own and the national actors.
    assert facets["pirkanmaa"] == "Pirkanmaa (4)"
    assert facets["uusimaa"] == "Uusimaa (3)"
    municipalities = dict(response.context["filter"].form.fields["kunta"].choices)
    assert municipalities["tampere"] == "Tampere (4)"
    for slug, label in (("pirkanmaa", "(4)"), ("uusimaa", "(3)")):
        cache.clear()
        assert f"({client.get(LIST, {'alue': slug}).context['paginator'].count})" == label
    kinds = dict(response.context["filter"].form.fields["tyyppi"].choices)
    assert kinds["saatio"] == "Säätiö (1)"
    assert kinds["yhdistys"] == "Yhdistys tai järjestö (2)"

    response = client.get(LIST, {"alue": "pirkanmaa", "valtakunnalliset": "0"})
    facets = dict(response.context["filter"].form.fields["alue"].choices)
    assert facets["pirkanmaa"] == "Pirkanmaa (2)"
    assert facets["uusimaa"] == "Uusimaa (1)"


def test_empty_selection_offers_the_national_actors_back(client, country):
    response = client.get(LIST, {"alue": "pirkanmaa", "valtakunnalliset": "0", "tyyppi": "saatio"})
    assert response.context["paginator"].count == 0
    suggestions = {s["label"]: s["count"] for s in response.context["suggestions"]}
    assert suggestions["Ilman rajausta Jätä valtakunnalliset toimijat pois: 0"] == 1


@pytest.mark.parametrize("rows", [10, 1000])
def test_area_list_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    town = make_municipality()
    bulk_actors(rows, municipality=town)
    make_actor(name="Valtakunnallinen liitto", is_national=True)
    # As many as the unfiltered list (tests/directory/test_queries.py)
    with django_assert_max_num_queries(15):
        response = client.get(LIST, {"alue": town.region.slug})
    assert response.context["paginator"].count == rows + 1
    cache.clear()
    with django_assert_max_num_queries(15):
        response = client.get(LIST, {"kunta": town.slug, "valtakunnalliset": "0"})
    assert response.context["paginator"].count == rows


# The print page, the PDF and the CSV


def print_url(name, slug):
    return reverse(f"directory:{name}", kwargs={"slug": slug})


def test_print_page_lists_national_actors_after_the_areas_own(client, country):
    response = client.get(print_url("region_print", "pirkanmaa"))
    assert response.status_code == 200
    sheet = response.context["sheet"]
    assert [group.label for group in sheet.groups] == [
        "Yhdistys tai järjestö",
        "Hanke",
        "Valtakunnalliset toimijat",
    ]
    assert [a.name for a in sheet.groups[-1].actors] == ["Invalidiliitto", "Vates-säätiö"]
    assert sheet.total == 4
    html = response.content.decode()
    assert "Säätiö, valtakunnallinen" in html
    assert "valtakunnalliset toimijat alueen omien jälkeen" in html


def test_print_page_leaves_national_actors_out_when_asked(client, country):
    response = client.get(print_url("region_print", "pirkanmaa"), {"valtakunnalliset": "0"})
    sheet = response.context["sheet"]
    assert [group.label for group in sheet.groups] == ["Yhdistys tai järjestö", "Hanke"]
    html = response.content.decode()
    assert "ilman valtakunnallisia toimijoita" in html
    assert 'name="valtakunnalliset" value="0" id="print-valtakunnalliset"' in html
    assert 'id="print-valtakunnalliset" aria-describedby="print-valtakunnalliset-hint" checked' in (
        html
    )


def test_print_option_rejects_other_values(client, country):
    response = client.get(print_url("region_print", "pirkanmaa"), {"valtakunnalliset": "ehkä"})
    assert response.status_code == 400


def test_pdf_lists_national_actors_after_the_areas_own(client, country):
    response = client.get(print_url("municipality_print_pdf", "tampere"))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert text.index("Pirkanmaan hanke") < text.index("Valtakunnalliset toimijat")
    assert text.index("Valtakunnalliset toimijat") < text.index("Vates-säätiö")
    assert "Invalidiliitto" in text
    assert "Päättynyt liitto" not in text and "Luonnosliitto" not in text
    assert "Helsingin yhdistys" not in text

    response = client.get(print_url("municipality_print_pdf", "tampere"), {"valtakunnalliset": "0"})
    text = pdf_text(response.content)
    assert "Vates-säätiö" not in text and "Invalidiliitto" not in text
    assert "Tampereen työttömät ry" in text


def test_csv_marks_national_actors_and_lists_them_last(client, country):
    header, *rows = csv_rows(client.get(print_url("region_csv", "pirkanmaa")))
    table = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(r["nimi"], r["tyyppi"], r["valtakunnallinen"]) for r in table] == [
        ("Tampereen työttömät ry", "Yhdistys tai järjestö", ""),
        ("Pirkanmaan hanke", "Hanke", ""),
        ("Invalidiliitto", "Yhdistys tai järjestö", "kyllä"),
        ("Vates-säätiö", "Säätiö", "kyllä"),
    ]
    # Ended national actors only when ended ones are asked for.
    header, *rows = csv_rows(client.get(print_url("region_csv", "pirkanmaa"), {"paattyneet": "1"}))
    assert "Päättynyt liitto" in [row[0] for row in rows]
    header, *rows = csv_rows(
        client.get(print_url("region_csv", "pirkanmaa"), {"valtakunnalliset": "0"})
    )
    assert [row[0] for row in rows] == ["Tampereen työttömät ry", "Pirkanmaan hanke"]


@pytest.mark.parametrize("name", ["region_print", "region_csv"])
@pytest.mark.parametrize("rows", [10, 500])
def test_print_query_count_is_fixed_with_national_actors(
    client, django_assert_max_num_queries, name, rows
):
    town = make_municipality()
    bulk_actors(rows, municipality=town)
    make_actor(name="Valtakunnallinen liitto", is_national=True)
    # As many as without national actors (tests/directory/test_print.py).
    with django_assert_max_num_queries(10):
        response = client.get(print_url(name, town.region.slug), {"tarkistuslista": "1"})
    assert response.status_code == 200
