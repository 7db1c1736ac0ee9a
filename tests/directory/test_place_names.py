"""actors.place_names: region and municipality names in their inflected forms, the
municipality finder (/kunnat/?q=) and its suggestions as you type (/kunnat/ehdotukset/)."""

import csv
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from actors.models import Municipality
from actors.place_names import (
    Place,
    all_places,
    base_forms,
    find_place,
    places_like,
    places_named,
    places_starting,
)
from tests.factories import make_municipality, make_region

REFERENCE = Path(settings.BASE_DIR) / "fixtures" / "reference"


def reference_places():
    """Every region and municipality of Statistics Finland's classification, as Places."""
    with open(REFERENCE / "regions.csv", encoding="utf-8") as handle:
        regions = list(csv.DictReader(handle))
    with open(REFERENCE / "municipalities.csv", encoding="utf-8") as handle:
        municipalities = list(csv.DictReader(handle))
    names = {row["code"]: row["name_fi"] for row in regions}
    return [
        Place(Place.REGION, row["code"], row["name_fi"], (row["name_sv"],)) for row in regions
    ] + [
        Place(
            Place.MUNICIPALITY,
            row["code"],
            row["name_fi"],
            (row["name_sv"],),
            names[row["region_code"]],
        )
        for row in municipalities
    ]


PLACES = reference_places()


def named(text):
    return [place.name for place in places_named(text, PLACES)]


@pytest.mark.parametrize(
    "name, inflected",
    [
        ("Oulu", "Oulussa"),
        ("Oulu", "Oulun"),
        ("Oulu", "Ouluun"),
        ("Turku", "Turussa"),
        ("Turku", "Turun"),
        ("Lahti", "Lahdessa"),
        ("Lahti", "Lahteen"),
        ("Rovaniemi", "Rovaniemellä"),
        ("Pori", "Porissa"),
        ("Kemi", "Kemissä"),
        ("Hämeenlinna", "Hämeenlinnassa"),
        ("Helsinki", "Helsingissä"),
        ("Helsinki", "Helsinkiin"),
        ("Vantaa", "Vantaalla"),
        ("Espoo", "Espoossa"),
        ("Espoo", "Espooseen"),
        ("Jyväskylä", "Jyväskylässä"),
        ("Tampere", "Tampereella"),
        ("Tampere", "Tampereen"),
        ("Kuopio", "Kuopiossa"),
        ("Joensuu", "Joensuussa"),
        ("Seinäjoki", "Seinäjoella"),
        ("Pirkanmaa", "Pirkanmaalla"),
        ("Uusimaa", "Uudellamaalla"),
        ("Uusimaa", "Uudenmaan"),
        ("Lappi", "Lapissa"),
        ("Uusikaupunki", "Uudessakaupungissa"),
        ("Lappeenranta", "Lappeenrannassa"),
        ("Varkaus", "Varkaudessa"),
        ("Kauniainen", "Kauniaisissa"),
        ("Orivesi", "Orivedellä"),
        ("Outokumpu", "Outokummussa"),
        ("Pohjois-Pohjanmaa", "Pohjois-Pohjanmaalla"),
        ("Oulu", "OULUSSA"),
    ],
)
def test_an_inflected_name_names_its_place_alone(name, inflected):
    assert named(inflected) == [name]
    assert name.lower() in base_forms(inflected.lower())


@pytest.mark.parametrize(
    "swedish, name",
    [
        ("Helsingfors", "Helsinki"),
        ("Åbo", "Turku"),
        ("åbo", "Turku"),
        ("Vasa", "Vaasa"),
        ("Egentliga Finland", "Varsinais-Suomi"),
        # A word of a longer name is not read alone: Österbotten is Pohjanmaa.
        ("Södra Österbotten", "Etelä-Pohjanmaa"),
        ("Koski Tl", "Koski Tl"),
    ],
)
def test_swedish_and_several_word_names_name_their_place(swedish, name):
    assert named(swedish) == [name]


def test_every_name_of_the_classification_names_its_own_place_only():
    for place in PLACES:
        for name in (place.name, *place.other_names):
            assert places_named(name, PLACES) == [place], name


def test_a_place_named_among_other_words_is_found():
    assert named("työpajat nuorille Oulussa") == ["Oulu"]
    assert named("Tampereen ja Turun työpajat") == ["Tampere", "Turku"]


@pytest.mark.parametrize(
    "text", ["koulutus", "työpaja", "nuorille", "järjestöjen", "perheessä", "", "!!!"]
)
def test_ordinary_words_name_no_place(text):
    assert named(text) == []


def test_names_starting_with_the_text_come_after_the_place_it_names():
    assert [p.name for p in places_starting("Lapissa", PLACES)] == [
        "Lappi",
        "Lapinlahti",
        "Lapinjärvi",
    ]
    assert [p.name for p in places_starting("oul", PLACES)] == ["Oulainen", "Oulu"]
    assert places_starting("   ", PLACES) == []


def test_forms_the_rules_miss_find_the_names_most_alike():
    assert [p.name for p in places_like("Virroilla", PLACES)] == ["Virrat"]
    assert [p.name for p in places_like("Kangasalla", PLACES)] == ["Kangasala"]
    assert places_like("xyzzy", PLACES) == []


def test_find_place_tells_one_place_from_candidates_and_guesses():
    assert find_place("Oulussa", PLACES).place.name == "Oulu"
    assert find_place("Oulai", PLACES).place.name == "Oulainen"
    several = find_place("Pyhä", PLACES)
    assert several.place is None and not several.guessed
    assert {p.name for p in several.candidates} == {"Pyhäjoki", "Pyhäjärvi", "Pyhäntä", "Pyhäranta"}
    guessed = find_place("Virroilla", PLACES)
    assert guessed.place is None and guessed.guessed
    assert [p.name for p in guessed.candidates] == ["Virrat"]


# The database and the pages


@pytest.fixture
def oulu(db):
    north = make_region(name_fi="Pohjois-Pohjanmaa", name_sv="Norra Österbotten")
    make_municipality(name_fi="Oulainen", name_sv="Oulainen", region=north)
    make_municipality(name_fi="Kemi", name_sv="Kemi", region=make_region(name_fi="Lappi"))
    return make_municipality(name_fi="Oulu", name_sv="Uleåborg", region=north)


def test_all_places_reads_regions_and_municipalities_in_two_queries(
    oulu, django_assert_num_queries
):
    with django_assert_num_queries(2):
        places = all_places()
    assert [p.name for p in places] == ["Lappi", "Pohjois-Pohjanmaa", "Kemi", "Oulainen", "Oulu"]
    town = places[-1]
    assert (town.url, town.region, town.is_region) == (
        oulu.get_absolute_url(),
        "Pohjois-Pohjanmaa",
        False,
    )
    assert places[1].url == oulu.region.get_absolute_url()


def finder(client, text):
    return client.get(reverse("directory:municipality_search"), {"q": text})


@pytest.mark.parametrize("text", ["Oulu", "oulu", "Oulussa", "Oulun", "Uleåborg", " OULUSTA "])
def test_finder_redirects_any_form_of_a_name_to_its_page(client, oulu, text):
    response = finder(client, text)
    assert response.status_code == 302
    assert response.url == oulu.get_absolute_url()


def test_finder_redirects_a_region_name_to_the_region_page(client, oulu):
    response = finder(client, "Pohjois-Pohjanmaalla")
    assert response.status_code == 302
    assert response.url == oulu.region.get_absolute_url()


def test_finder_lists_the_candidates_of_unclear_text(client, oulu):
    response = finder(client, "Ou")
    html = response.content.decode()
    assert response.status_code == 200
    assert "löytyi useita alueita" in html
    assert f'href="{oulu.get_absolute_url()}"' in html and "Oulainen" in html


def test_finder_guesses_the_names_alike_when_nothing_begins_so(client, oulu):
    response = finder(client, "Kemillä-ssa")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tarkoititko jotakin näistä?" in html
    assert "Kemi" in html


@pytest.mark.parametrize("text", ["xyzzy", "!!!", "ö" * 100])
def test_finder_says_when_nothing_is_found(client, oulu, text):
    response = finder(client, text)
    assert response.status_code == 200
    assert "ei löytynyt" in response.content.decode()
    assert reverse("directory:regions") in response.content.decode()


def test_finder_asks_for_a_name_when_sent_empty(client, oulu):
    response = finder(client, "  ")
    assert response.status_code == 200
    assert "Kirjoita kunnan tai maakunnan nimi" in response.content.decode()
    # Opened without a search: the form only.
    response = client.get(reverse("directory:municipality_search"))
    assert "Kirjoita kunnan" not in response.content.decode()


def test_finder_reports_too_long_text(client, oulu):
    response = finder(client, "x" * 101)
    assert response.status_code == 200
    assert response.context["form"].errors["q"]


def suggestions(client, text):
    response = client.get(reverse("directory:municipality_suggestions"), {"q": text})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)["results"]


def test_suggestions_list_places_whose_name_begins_with_the_text(client, oulu):
    oulainen = Municipality.objects.get(name_fi="Oulainen")
    assert suggestions(client, "ou") == [
        {
            "name": "Oulainen",
            "region": "Pohjois-Pohjanmaa",
            "kind": "kunta",
            "url": oulainen.get_absolute_url(),
        },
        {
            "name": "Oulu",
            "region": "Pohjois-Pohjanmaa",
            "kind": "kunta",
            "url": oulu.get_absolute_url(),
        },
    ]


def test_suggestions_read_inflected_and_swedish_names_and_regions(client, oulu):
    assert [s["name"] for s in suggestions(client, "Oulussa")] == ["Oulu"]
    assert [s["name"] for s in suggestions(client, "uleå")] == ["Oulu"]
    assert suggestions(client, "pohjois") == [
        {
            "name": "Pohjois-Pohjanmaa",
            "region": "",
            "kind": "maakunta",
            "url": oulu.region.get_absolute_url(),
        }
    ]


@pytest.mark.parametrize("text", ["", "   ", "xyzzy", "x" * 101, "Ou\x00lu"])
def test_suggestions_of_unusable_text_are_none(client, oulu, text):
    assert suggestions(client, text) == []


def test_suggestions_are_ten_at_most_and_cacheable(client, db, django_assert_num_queries):
    region = make_region(name_fi="Uusimaa")
    for n in range(12):
        make_municipality(name_fi=f"Kylä {n:02}", region=region)
    response = client.get(reverse("directory:municipality_suggestions"), {"q": "kylä"})
    names = [s["name"] for s in json.loads(response.content)["results"]]
    assert names == [f"Kylä {n:02}" for n in range(10)]
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    # The second ask is answered from the page cache, with the same headers.
    with django_assert_num_queries(0):
        again = client.get(reverse("directory:municipality_suggestions"), {"q": "kylä"})
    assert again.content == response.content
    assert "max-age=3600" in again["Cache-Control"]
