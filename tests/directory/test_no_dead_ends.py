"""No dead ends on the actor list /toimijat/: unknown values are dropped with a notice, a
conflict is named, chosen values are removable, options show counts, an empty list offers a
way out; sorting, page numbers, valid forms and a filter panel that folds away."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qsl, urlencode

import pytest
from django.db import connection
from django.urls import reverse

from actors.models import ACTOR_KIND_URL_SLUGS, ActorKind
from tests.factories import (
    bulk_actors,
    make_actor,
    make_actors,
    make_funding_source,
    make_municipality,
    make_project_funding,
    make_region,
    make_service,
    make_target_group,
)

pytestmark = pytest.mark.django_db

LIST = reverse("directory:actors")


def listed(response):
    return list(response.context["object_list"])


def text(response):
    """The page's text content, roughly: tags removed, entities decoded, spaces folded."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", unescape(body))


def links(response):
    """The page's link targets, each as a comparable URL (query parameters sorted)."""
    return [
        url(unescape(href)) for href in re.findall(r'href="([^"]*)"', response.content.decode())
    ]


def url(address):
    """Return `address` with its query parameters sorted: the list may order them either way
    (keko.cache.cache_public_page canonicalises the query)."""
    path, _, query = address.partition("?")
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return f"{path}?{urlencode(pairs)}" if pairs else path


@pytest.fixture
def area():
    """Two regions, each with a town: an association and a municipality in Tampere, a
    parish in Oulu."""
    pirkanmaa = make_region(name_fi="Pirkanmaa", slug="pirkanmaa")
    pohjois = make_region(name_fi="Pohjois-Pohjanmaa", slug="pohjois-pohjanmaa")
    tampere = make_municipality(name_fi="Tampere", slug="tampere", region=pirkanmaa)
    oulu = make_municipality(name_fi="Oulu", slug="oulu", region=pohjois)
    return {
        "pirkanmaa": pirkanmaa,
        "pohjois": pohjois,
        "tampere": tampere,
        "oulu": oulu,
        "association": make_actor(name="Tampereen yhdistys", municipality=tampere),
        "town": make_actor(
            name="Tampereen kaupunki", municipality=tampere, kind=ActorKind.MUNICIPALITY
        ),
        "parish": make_actor(name="Oulun seurakunta", municipality=oulu, kind=ActorKind.PARISH),
    }


# 1. Finnish kind values; English ones redirect; unknown values are dropped with a notice


def test_every_kind_has_its_own_finnish_url_value_and_keeps_its_database_value():
    slugs = [kind.url_slug for kind in ActorKind]
    assert len(set(slugs)) == len(ActorKind)
    assert all(re.fullmatch(r"[a-z-]+", slug) for slug in slugs)
    assert set(ACTOR_KIND_URL_SLUGS) == set(ActorKind)
    assert ActorKind.ASSOCIATION.url_slug == "yhdistys" and ActorKind.ASSOCIATION == "association"
    assert ActorKind.from_url_slug("saatio") == ActorKind.FOUNDATION
    assert ActorKind.from_url_slug("association") is None


def test_list_filters_by_finnish_kind_values(client, area):
    response = client.get(LIST, {"tyyppi": ["yhdistys", "seurakunta"]})
    assert response.status_code == 200
    assert set(listed(response)) == {area["association"], area["parish"]}
    assert 'name="tyyppi" value="yhdistys"' in response.content.decode()
    assert 'value="association"' not in response.content.decode()


def test_english_kind_values_redirect_permanently_to_the_finnish_url(client, area):
    response = client.get(
        f"{LIST}?alue=pirkanmaa&tyyppi=association&tyyppi=kela&tyyppi=company&page=2"
    )
    assert response.status_code == 301
    assert url(response["Location"]) == url(
        f"{LIST}?alue=pirkanmaa&tyyppi=yhdistys&tyyppi=kela&tyyppi=yritys&page=2"
    )
    followed = client.get(f"{LIST}?tyyppi=parish", follow=True)
    assert followed.redirect_chain == [(f"{LIST}?tyyppi=seurakunta", 301)]
    assert listed(followed) == [area["parish"]]


def test_unknown_kind_is_dropped_with_a_notice_and_the_other_filters_kept(client, area):
    response = client.get(LIST, {"tyyppi": ["jarjesto", "kunta"], "alue": "pirkanmaa"})
    assert response.status_code == 200
    assert listed(response) == [area["town"]]
    assert not response.context["filter"].form.errors
    assert "Tuntematon toimijatyyppi ”jarjesto” jätettiin pois." in text(response)
    # Only an unknown kind: the whole list, not an empty one.
    response = client.get(LIST, {"tyyppi": "jarjesto"})
    assert response.context["paginator"].count == 3
    assert "1 valittu" not in text(response)


@pytest.mark.parametrize(
    ("name", "notice"),
    [
        ("palvelu", "Tuntematon palvelu ”ei-ole” jätettiin pois."),
        ("kohderyhma", "Tuntematon kohderyhmä ”ei-ole” jätettiin pois."),
        ("alue", "Tuntematon maakunta ”ei-ole” jätettiin pois."),
        ("kunta", "Tuntematon kunta ”ei-ole” jätettiin pois."),
        ("rahoitus", "Tuntematon rahoittaja ”ei-ole” jätettiin pois."),
        ("jarjestys", "Tuntematon järjestys ”ei-ole” jätettiin pois."),
        ("voimassa", "Tuntematon toiminnan rajaus ”ei-ole” jätettiin pois."),
    ],
)
def test_every_unknown_filter_value_is_dropped_with_a_notice(client, area, name, notice):
    response = client.get(LIST, {name: "ei-ole", "tyyppi": "yhdistys"})
    assert response.status_code == 200
    assert listed(response) == [area["association"]]
    assert notice in text(response)


def test_many_unknown_values_are_named_in_one_short_notice(client, area):
    response = client.get(LIST, {"kunta": [f"x{n}" for n in range(30)] + ["oulu"]})
    assert listed(response) == [area["parish"]]
    notice = re.search(r"Tuntemattomat kunnat (.*?) jätettiin pois\.", text(response)).group(1)
    assert re.fullmatch(r"(”x\d+”, ){4}”x\d+” ja 25 muuta", notice)


def test_malformed_search_text_is_dropped_with_a_notice(client, area):
    response = client.get(LIST, {"q": "x" * 500, "tyyppi": "seurakunta"})
    assert listed(response) == [area["parish"]]
    assert "Rajaus ”Hakusana” jätettiin pois" in text(response)


def test_unknown_values_are_escaped_in_the_notice(client, area):
    response = client.get(LIST, {"palvelu": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    assert "Tuntematon palvelu ”<script>alert(1)</script>” jätettiin pois." in text(response)


def test_area_pages_link_to_the_list_with_finnish_kind_values(client):
    region = make_region()
    town = make_municipality(region=region)
    make_actors(6, municipality=town, kind=ActorKind.PROJECT)
    for page in (client.get(region.get_absolute_url()), client.get(town.get_absolute_url())):
        content = page.content.decode()
        assert "tyyppi=hanke" in content
        assert "tyyppi=project" not in content
    followed = client.get(f"{LIST}?alue={region.slug}&tyyppi=hanke")
    assert followed.context["paginator"].count == 6


# 2. Contradictory filters are named


def test_municipality_outside_the_chosen_region_is_named(client, area):
    response = client.get(LIST, {"alue": "pirkanmaa", "kunta": "oulu"})
    assert response.status_code == 200
    assert listed(response) == []
    page = text(response)
    assert "Kunta Oulu (Pohjois-Pohjanmaa) ei ole valitussa maakunnassa Pirkanmaa" in page
    hrefs = links(response)
    assert f"{LIST}?alue=pirkanmaa" in hrefs  # remove the municipality
    assert f"{LIST}?kunta=oulu" in hrefs  # remove the region
    # A municipality of a chosen region is no conflict.
    response = client.get(LIST, {"alue": ["pirkanmaa", "pohjois-pohjanmaa"], "kunta": "oulu"})
    assert "ei ole valitu" not in text(response)
    assert listed(response) == [area["parish"]]


# 3. Chips, counts, and a way out of an empty list


def test_chosen_values_are_chips_that_remove_themselves(client, area):
    response = client.get(
        LIST, {"tyyppi": ["yhdistys", "kunta"], "alue": "pirkanmaa", "q": "tampere", "page": "1"}
    )
    chips = {chip["label"]: url(chip["url"]) for chip in response.context["chips"]}
    assert chips == {
        "Hakusana: tampere": url(f"{LIST}?tyyppi=yhdistys&tyyppi=kunta&alue=pirkanmaa"),
        "Maakunta: Pirkanmaa": url(f"{LIST}?tyyppi=yhdistys&tyyppi=kunta&q=tampere"),
        "Toimijatyyppi: Yhdistys tai järjestö": url(
            f"{LIST}?tyyppi=kunta&alue=pirkanmaa&q=tampere"
        ),
        "Toimijatyyppi: Kunta": url(f"{LIST}?tyyppi=yhdistys&alue=pirkanmaa&q=tampere"),
    }
    hrefs = links(response)
    assert all(url in hrefs for url in chips.values())
    assert "Poista rajaus Toimijatyyppi: Kunta" in text(response)
    assert "Rajaa hakua (4 valittu)" in text(response)


def test_options_show_counts_with_the_other_filters_applied(client, area):
    coaching = make_service(name="Valmennus", slug="valmennus")
    make_actor(municipality=area["tampere"], services=[coaching])
    response = client.get(LIST, {"alue": "pirkanmaa", "tyyppi": "yhdistys"})
    content = response.content.decode()
    # Kinds counted within Pirkanmaa, whichever kinds are chosen.
    assert "Yhdistys tai järjestö (2)" in content
    assert "Kunta (1)" in content
    assert "Seurakunta" not in content  # none in Pirkanmaa: no dead-end option
    # Regions counted among associations, whichever regions are chosen.
    assert "Pirkanmaa (2)" in content
    assert "Pohjois-Pohjanmaa" not in content
    # Services counted with every filter applied.
    assert "Valmennus (1)" in content
    # Municipalities: an actor serving the whole region serves each of its towns.
    make_actor(name="Seudun palvelu", served_regions=[area["pohjois"]])
    response = client.get(LIST, {"tyyppi": "yhdistys"})
    facets = response.context["filter"].form.fields["kunta"].choices
    assert ("oulu", "Oulu (1)") in facets and ("tampere", "Tampere (2)") in facets


def test_funders_count_the_projects_they_fund(client, area):
    stea = make_funding_source(name="STEA", slug="stea")
    esr = make_funding_source(name="ESR", slug="esr")
    project = make_project_funding(funding_source=stea).project
    make_project_funding(funding_source=esr, project=project)
    make_project_funding(funding_source=stea)
    response = client.get(LIST)
    choices = response.context["filter"].form.fields["rahoitus"].choices
    assert ("stea", "STEA (2)") in choices and ("esr", "ESR (1)") in choices
    choices = client.get(LIST, {"rahoitus": "esr"}).context["filter"].form.fields["rahoitus"]
    assert ("stea", "STEA (2)") in choices.choices  # counted without the funder filter
    assert 'type="checkbox" name="rahoitus" value="stea"' in response.content.decode()


@pytest.mark.parametrize("rows", [10, 200])
def test_counts_take_a_fixed_number_of_queries_whatever_the_selection(
    client, django_assert_num_queries, rows
):
    town = make_municipality()
    _actors, service, group = bulk_actors(
        rows, municipality=town, kinds=(ActorKind.ASSOCIATION, ActorKind.PROJECT)
    )
    make_funding_source()
    postgresql = connection.vendor == "postgresql"
    # The facets and the list's count: on PostgreSQL one query of the facet table
    # (actors.facets); elsewhere one count per filter (6) and the list's own.
    counts = 1 if postgresql else 7
    # Of every actor, on PostgreSQL: the counts kept on write, less those of the actors not
    # active today, and the funders'.
    every_actor = 3 if postgresql else counts
    # page ids, page rows with their services; the choices of regions, municipalities,
    # services, target groups and funders; the counts
    with django_assert_num_queries(7 + every_actor):
        response = client.get(LIST)
    assert response.context["filter"].form.fields["tyyppi"].choices == [
        ("yhdistys", f"Yhdistys tai järjestö ({(rows + 1) // 2})"),
        ("hanke", f"Hanke ({rows // 2})"),
    ]
    query = {
        "alue": town.region.slug,
        "kunta": town.slug,
        "tyyppi": ["yhdistys", "hanke"],
        "palvelu": service.slug,
        "kohderyhma": group.slug,
        "q": "työttömien",
        "jarjestys": "nimi",
    }
    # With a search the list counts its results itself (ActorFilter.table_counts). On
    # PostgreSQL the search looks its matches up once (keko.search), and the list, its count
    # and the facets all read them; within an area, after the matches of the search without
    # its filters by a subquery (few: each tested by key), here of the chosen kinds, so not
    # those the facets read (the search without any option). The choices come from the cache
    # now (ActorFilter).
    searches = 2 if postgresql else 0
    with django_assert_num_queries(2 + counts + searches + (1 if postgresql else 0)):
        response = client.get(LIST, query)
    assert response.context["paginator"].count == rows
    fields = response.context["filter"].form.fields
    assert ("hanke", f"Hanke ({rows // 2})") in fields["tyyppi"].choices
    assert (town.slug, f"{town.name_fi} ({rows})") in fields["kunta"].choices
    assert (town.region.slug, f"{town.region.name_fi} ({rows})") in fields["alue"].choices
    # An empty list: no page to read, and one query for every way out at once.
    # (on PostgreSQL with the list's own count, and a lookup of each distinct search once
    # more: the list's, the facets', and those of the widenings and their area halves, 7,
    # and the search without its filters by a subquery, with and without the active period:
    # one widening leaves it out)
    with django_assert_num_queries(1 + counts + (1 + 7 + 2 if postgresql else 0)):
        response = client.get(LIST, {**query, "rahoitus": "rahoitus-x", "q": "ei-löydy"})
    assert response.context["paginator"].count == 0


def test_empty_list_offers_the_selections_with_one_filter_less(client, area):
    make_actor(
        name="Päättynyt seurakunta",
        municipality=area["tampere"],
        kind=ActorKind.PARISH,
        active_until=datetime.date(2020, 1, 1),
    )
    response = client.get(LIST, {"kunta": "tampere", "tyyppi": "seurakunta"})
    assert listed(response) == []
    page = text(response)
    assert "Rajauksilla ei löytynyt toimijoita." in page
    suggestions = {s["label"]: (url(s["url"]), s["count"]) for s in response.context["suggestions"]}
    assert suggestions == {
        "Ilman rajausta Kunta: Tampere": (f"{LIST}?tyyppi=seurakunta", 1),
        "Ilman rajausta Toimijatyyppi: Seurakunta": (f"{LIST}?kunta=tampere", 2),
        "Näytä myös päättyneet toimijat": (
            url(f"{LIST}?kunta=tampere&tyyppi=seurakunta&voimassa=0"),
            1,
        ),
    }
    assert "Ilman rajausta Toimijatyyppi: Seurakunta (2 toimijaa)" in page
    for address, _count in suggestions.values():
        assert address in links(response)
        assert listed(client.get(address))


def test_empty_list_without_a_way_out_says_so_only(client):
    response = client.get(LIST, {"voimassa": "0"})
    assert listed(response) == []
    assert response.context["suggestions"] == []
    assert "Rajauksilla ei löytynyt toimijoita." in text(response)


# 4. Sorting and page numbers


def test_default_order_puts_civil_society_before_the_public_sector(client, area):
    make_actor(name="Aakkosten ensimmäinen kunta", kind=ActorKind.MUNICIPALITY)
    make_actor(name="Yritys Oy", kind=ActorKind.COMPANY)
    names = [actor.name for actor in listed(client.get(LIST))]
    assert names == [
        "Oulun seurakunta",
        "Tampereen yhdistys",
        "Yritys Oy",
        "Aakkosten ensimmäinen kunta",
        "Tampereen kaupunki",
    ]


def test_list_sorts_by_name_verification_and_addition(client, area):
    area["parish"].verified_on = datetime.date(2026, 1, 1)
    area["parish"].save()
    area["town"].verified_on = datetime.date(2025, 1, 1)
    area["town"].save()
    by_name = listed(client.get(LIST, {"jarjestys": "nimi"}))
    assert [a.name for a in by_name] == [
        "Oulun seurakunta",
        "Tampereen kaupunki",
        "Tampereen yhdistys",
    ]
    verified = listed(client.get(LIST, {"jarjestys": "tarkistettu"}))
    assert verified == [area["parish"], area["town"], area["association"]]
    added = listed(client.get(LIST, {"jarjestys": "lisatty"}))
    assert added == [area["parish"], area["town"], area["association"]]
    content = client.get(LIST, {"jarjestys": "lisatty"}).content.decode()
    assert '<select name="jarjestys"' in content
    assert '<option value="lisatty" selected>' in content


def test_pagination_shows_page_numbers(client):
    bulk_actors(400, municipality=make_municipality(), kinds=(ActorKind.PARISH,))
    response = client.get(LIST, {"tyyppi": "seurakunta", "page": "3"})
    content = response.content.decode()
    numbered = {
        dict(parse_qsl(unescape(query)))["page"]
        for query in re.findall(r'href="\?([^"]*)"', content)
        if "tyyppi=seurakunta" in query
    }
    assert numbered == {"1", "2", "3", "4", "5", "8"}
    current = re.search(r'<a href="\?([^"]*)" aria-current="page">', content).group(1)
    assert dict(parse_qsl(unescape(current)))["page"] == "3"
    response = client.get(LIST, {"tyyppi": "seurakunta", "page": "8"})
    ellipsis = response.context["paginator"].ELLIPSIS
    assert response.context["page_range"] == [1, ellipsis, 6, 7, 8]
    assert "<span>…</span>" in response.content.decode()


# 5. Valid forms


@pytest.mark.parametrize(
    "name", ["directory:actors", "funding:list", "practices:list", "glossary:list"]
)
def test_list_forms_have_no_empty_action(client, name):
    content = client.get(reverse(name)).content.decode()
    assert "<form" in content
    assert 'action=""' not in content


# 6. Small screens


def test_filters_fold_into_a_panel_and_a_skip_link_leads_to_the_results(client, area):
    response = client.get(LIST)
    content = response.content.decode()
    main = content[content.index('<main id="main"') :]
    first_link = re.search(r"<a [^>]*>", main).group(0)
    assert 'href="#results-heading"' in first_link
    assert "Siirry tuloksiin" in main[: main.index("<h1")]
    assert '<details class="filter-panel" open data-fold-on-narrow-screen>' in content
    assert "Rajaa hakua (0 valittu)" in text(response)
    chosen = client.get(LIST, {"alue": "pirkanmaa"}).content.decode()
    assert '<details class="filter-panel">' in chosen
    assert "Rajaa hakua (1 valittu)" in chosen


def test_regions_municipalities_and_funders_are_checkbox_lists(client, area):
    make_project_funding(funding_source=make_funding_source(slug="stea"))
    make_target_group()
    content = client.get(LIST).content.decode()
    assert "<select multiple" not in content
    for name, value in (("alue", "pirkanmaa"), ("kunta", "tampere"), ("rahoitus", "stea")):
        assert f'type="checkbox" name="{name}" value="{value}"' in content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ranked search: PostgreSQL")
def test_a_search_keeps_its_best_matches_first_unless_sorted(client, area):
    make_actor(name="Työpaja", description="Muuta.")
    make_actor(name="Aamun yhdistys", description="Työpaja nuorille.")
    response = client.get(LIST, {"q": "työpaja"})
    assert [a.name for a in listed(response)] == ["Työpaja", "Aamun yhdistys"]
    assert '<option value="" selected>Osuvimmat ensin</option>' in response.content.decode()
    by_name = listed(client.get(LIST, {"q": "työpaja", "jarjestys": "nimi"}))
    assert [a.name for a in by_name] == ["Aamun yhdistys", "Työpaja"]


def test_chosen_options_of_a_long_list_come_first(client):
    region = make_region()
    towns = [make_municipality(name_fi=f"Kunta {n:02d}", region=region) for n in range(20)]
    for town in towns:
        make_actor(municipality=town)
    response = client.get(LIST, {"kunta": towns[15].slug})
    choices = response.context["filter"].form.fields["kunta"].choices
    assert choices[0] == (towns[15].slug, "Kunta 15 (1)")
    assert [label for _value, label in choices[1:3]] == ["Kunta 00 (1)", "Kunta 01 (1)"]


def test_the_filters_choices_are_read_once_and_follow_an_edit_of_their_own(
    client, django_assert_num_queries
):
    town = make_municipality(name_fi="Alkukunta")
    actor = make_actor(municipality=town)
    client.get(LIST)
    # An actor's edit leaves the choices cached: the next list reads its page, its rows with
    # their services, and counts, but no region, municipality, service or funder.
    actor.description = "Uusi kuvaus"
    actor.save()
    # On PostgreSQL the municipality's pair counts (actors.facets.count_option; its national
    # actors and those not active today, and the funders' facet, from what the first list
    # read); elsewhere one count per filter.
    counts = 1 if connection.vendor == "postgresql" else 7
    with django_assert_num_queries(2 + counts):
        response = client.get(LIST, {"kunta": town.slug})
    assert listed(response) == [actor]
    # A municipality's or a service's own save shows in the next list's choices.
    added = make_municipality(name_fi="Uusikunta")
    make_actor(municipality=added)
    make_service(name="Uusi palvelu", slug="uusi-palvelu")
    response = client.get(LIST, {"kunta": added.slug})
    assert listed(response)[0].municipality == added
    assert (added.slug, "Uusikunta (1)") in response.context["filter"].form.fields["kunta"].choices
    assert "Tuntematon kunta" not in text(response)
