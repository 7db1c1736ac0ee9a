import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from keko.models import Status
from practices.models import Participation, Practice
from tests.factories import (
    bulk_practices,
    make_actor,
    make_contact,
    make_curator,
    make_funding_source,
    make_practice,
    make_region,
    make_target_group,
)

pytestmark = pytest.mark.django_db


def list_of(response):
    return list(response.context["object_list"])


def test_list_shows_published_practices_with_count(client):
    shown = make_practice(title="Työkokeilu yhdessä")
    make_practice(title="Luonnoskäytäntö", status=Status.DRAFT)

    response = client.get(reverse("practices:list"))

    assert response.status_code == 200
    assert list_of(response) == [shown]
    assert "Luonnoskäytäntö" not in response.content.decode()
    assert "1 käytäntö" in response.content.decode()


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_a_practice_card_is_the_same_on_the_list_and_the_site_search(client, language):
    # One card (practices/templatetags/practice_cards.py): the title, linked and marked
    # Finnish on a Swedish page when it has no Swedish one; the partner type; the regions in
    # the page's language; the summary cut after 30 words.
    regions = [
        make_region(name_fi="Lappi", name_sv="Lappland"),
        make_region(name_fi="Kainuu", name_sv=""),
    ]
    practice = make_practice(
        title="Työpaja <yhdessä>",
        summary="Sana " * 40,
        partner_type=Practice.PartnerType.MUNICIPALITY,
        regions=regions,
    )
    with translation.override(language):
        listed = client.get(reverse("practices:list")).content.decode()
        found = client.get(reverse("directory:search"), {"q": "työpaja"}).content.decode()
        url = practice.get_absolute_url()
        partner_type = str(practice.get_partner_type_display())
    cards = re.findall(r'<li class="card">.*?</li>', listed, re.S)
    assert len(cards) == 1 and cards[0] in found
    title_lang = ' lang="fi"' if language == "sv" else ""
    places = "Kainuu, Lappi" if language == "fi" else '<span lang="fi">Kainuu</span>, Lappland'
    assert cards[0] == (
        f'<li class="card">\n  <h3><a href="{url}"{title_lang}>Työpaja &lt;yhdessä&gt;</a></h3>\n'
        f'  <p class="meta">{partner_type} · {places}</p>\n'
        f"  <p{title_lang}>{'Sana ' * 29}Sana …</p>\n</li>"
    )


def test_partner_type_filter_accepts_several_types(client):
    ngo = make_practice(partner_type=Practice.PartnerType.NGO)
    school = make_practice(partner_type=Practice.PartnerType.SCHOOL)
    make_practice(partner_type=Practice.PartnerType.COMPANY)

    response = client.get(reverse("practices:list"), {"tyyppi": ["ngo", "school"]})

    assert set(list_of(response)) == {ngo, school}


def test_region_filter_matches_any_of_the_regions(client):
    lappi, kainuu, uusimaa = make_region(), make_region(), make_region()
    in_lappi = make_practice(regions=[lappi])
    in_both = make_practice(regions=[lappi, kainuu])
    make_practice(regions=[uusimaa])

    response = client.get(reverse("practices:list"), {"alue": [lappi.slug, kainuu.slug]})

    # A practice in two chosen regions is listed once: the filter uses a subquery.
    assert list_of(response) == sorted([in_lappi, in_both], key=lambda p: p.title)


def test_target_group_filter(client):
    youth, elderly = make_target_group(), make_target_group()
    for_youth = make_practice(target_groups=[youth, elderly])
    make_practice(target_groups=[elderly])

    response = client.get(reverse("practices:list"), {"kohderyhma": youth.slug})

    assert list_of(response) == [for_youth]


def test_funding_filter_offers_only_published_sources(client):
    stea = make_funding_source()
    draft_source = make_funding_source(status=Status.DRAFT)
    funded = make_practice(funding_sources=[stea])
    make_practice(funding_sources=[draft_source])

    response = client.get(reverse("practices:list"), {"rahoitus": stea.slug})
    assert list_of(response) == [funded]

    response = client.get(reverse("practices:list"), {"rahoitus": draft_source.slug})
    assert response.status_code == 200
    assert list_of(response) == []
    assert response.context["filter"].form.errors["rahoitus"]


def test_text_filter_searches_title_summary_story_and_results(client):
    by_title = make_practice(title="Nuorten työpaja")
    by_summary = make_practice(summary="Yhteinen työpaja kunnan kanssa")
    by_story = make_practice(what_was_done="Perustettiin työpaja")
    by_results = make_practice(results="Työpaja jatkuu")
    make_practice(how_it_started="Työpaja mainitaan vain alkutarinassa")

    response = client.get(reverse("practices:list"), {"q": "työpaja"})

    assert set(list_of(response)) == {by_title, by_summary, by_story, by_results}


def test_text_filter_finds_inflected_finnish_words(client):
    practice = make_practice(summary="Paikallinen järjestö ja kunta sopivat työnjaosta.")
    make_practice(summary="Yritysyhteistyö")

    response = client.get(reverse("practices:list"), {"q": "järjestöjen"})

    assert list_of(response) == [practice]


def test_filters_combine(client):
    region, group, source = make_region(), make_target_group(), make_funding_source()
    everything = dict(regions=[region], target_groups=[group], funding_sources=[source])
    match = make_practice(
        title="Järjestöjen työpaja", partner_type=Practice.PartnerType.NGO, **everything
    )
    make_practice(
        title="Järjestöjen työpaja 2", partner_type=Practice.PartnerType.SCHOOL, **everything
    )
    make_practice(
        title="Järjestöjen työpaja 3",
        partner_type=Practice.PartnerType.NGO,
        regions=[region],
        target_groups=[group],
    )
    make_practice(title="Muu käytäntö", partner_type=Practice.PartnerType.NGO, **everything)
    make_practice(
        title="Järjestöjen työpaja 4",
        partner_type=Practice.PartnerType.NGO,
        regions=[make_region()],
        target_groups=[group],
        funding_sources=[source],
    )

    response = client.get(
        reverse("practices:list"),
        {
            "q": "työpaja",
            "tyyppi": "ngo",
            "alue": region.slug,
            "kohderyhma": group.slug,
            "rahoitus": source.slug,
        },
    )

    assert list_of(response) == [match]
    assert "1 käytäntö" in response.content.decode()


@pytest.mark.parametrize(
    "params, field",
    [
        ({"tyyppi": "pirate"}, "tyyppi"),
        ({"alue": "atlantis"}, "alue"),
        ({"kohderyhma": "nobody"}, "kohderyhma"),
        ({"rahoitus": "nowhere"}, "rahoitus"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_filter_values_show_an_error_not_a_crash(client, params, field):
    make_practice()

    response = client.get(reverse("practices:list"), params)

    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert "Osa rajauksista ei kelpaa" in response.content.decode()


def test_bad_page_number_serves_a_page(client):
    make_practice()

    response = client.get(reverse("practices:list"), {"page": "abc"})

    assert response.status_code == 200
    assert len(list_of(response)) == 1


def test_list_is_paginated_by_50_and_keeps_filters(client):
    for n in range(51):
        make_practice(title=f"Käytäntö {n:02d}", partner_type=Practice.PartnerType.NGO)

    response = client.get(reverse("practices:list"), {"tyyppi": "ngo"})

    assert len(list_of(response)) == 50
    assert "51 käytäntöä" in response.content.decode()
    assert "tyyppi=ngo&amp;page=2" in response.content.decode()


@pytest.mark.parametrize("rows", [10, 1000])
def test_list_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    region = make_region()
    bulk_practices(
        rows,
        regions=[region],
        target_groups=[make_target_group()],
        funding_sources=[make_funding_source()],
    )

    # count, page, regions of the page, and the choices of three filters
    with django_assert_max_num_queries(6):
        response = client.get(reverse("practices:list"))
    # … and one more to look up the chosen region
    with django_assert_max_num_queries(7):
        filtered = client.get(reverse("practices:list"), {"alue": region.slug, "q": "tiivis"})

    for page in (response, filtered):
        assert len(list_of(page)) == min(rows, 50)
        assert page.context["paginator"].count == rows


def test_detail_shows_the_story_and_links(client):
    region, group = make_region(name_fi="Lappi"), make_target_group(name="Nuoret")
    source = make_funding_source(name="STEA")
    practice = make_practice(
        title="Työpaja",
        summary="Lyhyesti",
        what_was_done="Tehtiin paljon",
        how_it_started="Soitettiin",
        challenges="Aikataulut",
        results="Töitä löytyi",
        partner_type=Practice.PartnerType.SCHOOL,
        start_year=2016,
        end_year=2018,
        website="https://example.org/tyopaja",
        source="Käsikirja, luku 4",
        source_url="https://example.org/kasikirja",
        regions=[region],
        target_groups=[group],
        funding_sources=[source],
    )

    response = client.get(practice.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Lyhyesti",
        "Tehtiin paljon",
        "Soitettiin",
        "Aikataulut",
        "Töitä löytyi",
        "Oppilaitokset",
        "2016–2018",
        "https://example.org/tyopaja",
        "Käsikirja, luku 4",
        "https://example.org/kasikirja",
        "Nuoret",
    ]:
        assert text in html
    assert f'href="{region.get_absolute_url()}"' in html
    assert f'href="{source.get_absolute_url()}"' in html


def test_detail_lists_published_participants_with_roles_and_hides_drafts(client):
    published = make_actor(name="Julkaistu ry")
    draft = make_actor(name="Keskeneräinen ry", status=Status.DRAFT)
    practice = make_practice()
    Participation.objects.create(
        practice=practice, actor=published, role=Participation.Role.ADMINISTRATOR
    )
    Participation.objects.create(practice=practice, actor=draft)

    html = client.get(practice.get_absolute_url()).content.decode()

    assert f'<a href="{published.get_absolute_url()}">Julkaistu ry</a> (hallinnoija)' in html
    assert draft.get_absolute_url() not in html
    assert "Keskeneräinen ry" not in html


def test_detail_hides_draft_funding_sources(client):
    draft_source = make_funding_source(name="Salainen rahasto", status=Status.DRAFT)
    practice = make_practice(funding_sources=[draft_source])

    html = client.get(practice.get_absolute_url()).content.decode()

    assert "Salainen rahasto" not in html


def test_detail_shows_a_public_contact(client):
    contact = make_contact(name="Maija Meikäläinen", email="maija@example.org", public=True)
    practice = make_practice(contact=contact)

    html = client.get(practice.get_absolute_url()).content.decode()

    assert "Maija Meikäläinen" in html
    assert "maija@example.org" in html


def test_detail_hides_a_private_contact(client):
    contact = make_contact(name="Matti Meikäläinen", email="matti@example.org", public=False)
    practice = make_practice(contact=contact)

    html = client.get(practice.get_absolute_url()).content.decode()

    assert "Matti Meikäläinen" not in html
    assert "matti@example.org" not in html


def test_draft_detail_is_404_for_visitors_and_visible_to_its_editors(client):
    draft = make_practice(status=Status.DRAFT, title="Luonnos")

    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(User.objects.create_user("staff", is_staff=True))
    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(make_curator())
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Luonnos – näkyy vain ylläpitäjille" in response.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_detail_query_count_is_fixed(client, django_assert_max_num_queries, count):
    contact = make_contact(public=True)
    practice = make_practice(
        contact=contact,
        participants=[make_actor() for _ in range(count)],
        funding_sources=[make_funding_source() for _ in range(count)],
        regions=[make_region() for _ in range(count)],
        target_groups=[make_target_group() for _ in range(count)],
    )

    # practice with its contact, participations, funding, regions, target groups
    with django_assert_max_num_queries(5):
        response = client.get(practice.get_absolute_url())

    assert response.status_code == 200
