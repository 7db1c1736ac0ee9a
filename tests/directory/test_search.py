import pytest
from django.urls import reverse

from keko.models import Status
from tests.factories import (
    make_actor,
    make_funding_source,
    make_municipality,
    make_practice,
    make_region,
    make_term,
)

pytestmark = pytest.mark.django_db


def search(client, text):
    return client.get(reverse("directory:search"), {"q": text})


def groups_of(response):
    return {group["kind"]: group for group in response.context["groups"]}


def test_search_groups_results_by_kind_with_counts_and_list_links(client):
    actor = make_actor(name="Työpajayhdistys ry")
    practice = make_practice(title="Työpaja nuorille")
    source = make_funding_source(name="Työpajarahasto")
    term = make_term(term="Työpajatoiminta")
    make_actor(name="Muu yhdistys")

    response = search(client, "työpaja")

    assert response.status_code == 200
    groups = groups_of(response)
    assert list(groups) == ["actors", "practices", "funding", "terms"]
    assert list(groups["actors"]["first"]) == [actor]
    assert list(groups["practices"]["first"]) == [practice]
    assert list(groups["funding"]["first"]) == [source]
    assert list(groups["terms"]["first"]) == [term]
    assert [group["count"] for group in groups.values()] == [1, 1, 1, 1]
    assert response.context["total"] == 4
    html = response.content.decode()
    assert "4 osumaa" in html
    for url in [
        reverse("directory:actors") + "?q=ty%C3%B6paja&amp;voimassa=0",
        reverse("practices:list") + "?q=ty%C3%B6paja",
        reverse("funding:list") + "?q=ty%C3%B6paja",
        reverse("glossary:list") + "?q=ty%C3%B6paja",
    ]:
        assert f'href="{url}"' in html


def test_search_shows_first_ten_of_each_kind_and_the_full_count(client):
    for n in range(12):
        make_practice(title=f"Työpaja {n}")

    response = search(client, "työpaja")

    practices = groups_of(response)["practices"]
    assert practices["count"] == 12
    assert len(practices["first"]) == 10
    assert "Kaikki osumat listana – Hyvät käytännöt (12)" in response.content.decode()


def test_search_finds_inflected_finnish_words(client):
    practice = make_practice(summary="Paikallinen järjestö ja kunta tekivät yhteistyötä.")
    make_practice(summary="Yritysten kanssa")

    response = search(client, "järjestöjen")

    assert list(groups_of(response)["practices"]["first"]) == [practice]


def test_search_never_shows_drafts(client):
    make_actor(name="Salainen työpaja", status=Status.DRAFT)
    make_practice(title="Salainen työpaja", status=Status.DRAFT)
    make_funding_source(name="Salainen työpaja", status=Status.DRAFT)
    make_term(term="Salainen työpaja", status=Status.DRAFT)

    response = search(client, "salainen")

    assert response.status_code == 200
    assert response.context["total"] == 0
    assert "Salainen työpaja" not in response.content.decode()


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Kirjoita hakusana."),
        ("   ", "Kirjoita hakusana."),
        ("!!!", "Hakusanassa pitää olla kirjaimia tai numeroita."),
        ("x" * 201, "200"),
    ],
)
def test_unusable_search_text_shows_a_message(client, text, message):
    make_practice()

    response = search(client, text)

    assert response.status_code == 200
    assert response.context["groups"] == []
    assert message in str(response.context["form"].errors["q"])
    assert 'class="errorlist' in response.content.decode()


def test_search_page_without_a_query_shows_the_form(client):
    response = client.get(reverse("directory:search"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_q">Hakusana</label>' in html
    assert 'type="search"' in html and 'maxlength="200"' in html
    assert 'class="errorlist' not in html


def test_cached_search_follows_edits(client):
    first = make_actor(name="Työpaja Alfa")
    assert search(client, "työpaja").context["total"] == 1
    make_actor(name="Työpaja Beta")
    response = search(client, "työpaja")
    assert response.context["total"] == 2
    first.name = "Verstas Alfa"
    first.save()
    assert search(client, "työpaja").context["total"] == 1


def test_search_offers_the_page_of_a_municipality_it_names_first(client):
    town = make_municipality(name_fi="Oulu", name_sv="Uleåborg")
    make_actor(name="Oulun Työpaja", municipality=town)

    response = search(client, "työpajat Oulussa")

    assert [place.name for place in response.context["places"]] == ["Oulu"]
    html = response.content.decode()
    assert '<h2 id="results-places">Kunta</h2>' in html
    link = f'<a href="{town.get_absolute_url()}">Kunnan Oulu sivu</a>'
    assert link in html
    # Above every other group of results.
    assert html.index(link) < html.index('id="results-actors"')


@pytest.mark.parametrize("text", ["Pirkanmaalla", "pirkanmaa", "Birkaland", "Tampereen"])
def test_search_offers_region_and_municipality_pages_in_any_form(client, text):
    region = make_region(name_fi="Pirkanmaa", name_sv="Birkaland")
    town = make_municipality(name_fi="Tampere", name_sv="Tammerfors", region=region)

    response = search(client, text)

    area = town if text == "Tampereen" else region
    assert [place.url for place in response.context["places"]] == [area.get_absolute_url()]
    assert ("Alue" if area == region else "Kunta") == response.context["places_title"]


def test_search_naming_no_area_shows_no_area_block(client):
    make_municipality(name_fi="Oulu")
    response = search(client, "koulutus")
    assert response.context["places"] == []
    assert "results-places" not in response.content.decode()


def test_search_finds_word_starts_only_on_every_database(client):
    workshop = make_actor(name="Oulun Työpaja")
    make_actor(name="Ammatillinen koulutus")

    response = search(client, "Oulu")

    assert list(groups_of(response)["actors"]["first"]) == [workshop]


def test_actor_list_search_naming_an_area_links_to_its_page(client):
    town = make_municipality(name_fi="Oulu")
    make_actor(name="Oulun Työpaja", municipality=town)

    response = client.get(reverse("directory:actors"), {"q": "Oulussa"})

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<a href="{town.get_absolute_url()}">Katso kunnan Oulu sivu</a>' in html
    assert {
        "text": "Etsitkö aluetta?",
        "links": [{"label": "Katso kunnan Oulu sivu", "url": town.get_absolute_url()}],
    } in response.context["notices"]
    # The list itself searches as before.
    assert [actor.name for actor in response.context["object_list"]] == ["Oulun Työpaja"]


def test_actor_list_search_naming_no_area_has_no_area_notice(client):
    make_municipality(name_fi="Oulu")
    response = client.get(reverse("directory:actors"), {"q": "koulutus"})
    assert "Katso kunnan" not in response.content.decode()


def test_search_reads_the_places_once_and_follows_their_edits(
    client, django_assert_max_num_queries
):
    search(client, "työpaja")
    # Another text, another page, the same places: one query for each of the four kinds and
    # one for the practices' regions, none for the regions and municipalities.
    with django_assert_max_num_queries(5):
        assert search(client, "verstas Oulussa").context["places"] == []
    town = make_municipality(name_fi="Oulu")
    response = search(client, "verstas Oulussa")
    assert [place.url for place in response.context["places"]] == [town.get_absolute_url()]
