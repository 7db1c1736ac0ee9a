import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from glossary.models import Term
from keko.models import Status
from tests.factories import bulk_terms, make_curator, make_term

pytestmark = pytest.mark.django_db


def listed_terms(response):
    return [term.term for _letter, terms in response.context["groups"] for term in terms]


def test_list_sorts_in_finnish_alphabetical_order_ignoring_case(client):
    for word in [
        "Öljy",
        "Zeta",
        "Ääni",
        "Åland",
        "Yhdistys",
        "aapinen",
        "Über",
        "Vates",
        "zebra",
        "Élite",
        "Wiki",
    ]:
        make_term(term=word)

    response = client.get(reverse("glossary:list"))

    assert listed_terms(response) == [
        "aapinen",
        "Élite",
        "Vates",
        "Wiki",
        "Über",
        "Yhdistys",
        "zebra",
        "Zeta",
        "Åland",
        "Ääni",
        "Öljy",
    ]


def test_list_groups_terms_under_letter_headings_with_anchors(client):
    make_term(term="Ääni")
    make_term(term="Avustus")
    make_term(term="Arvo")

    response = client.get(reverse("glossary:list"))

    groups = [(letter, [t.term for t in terms]) for letter, terms in response.context["groups"]]
    assert groups == [("A", ["Arvo", "Avustus"]), ("Ä", ["Ääni"])]
    html = response.content.decode()
    assert '<h3 id="kirjain-A">A</h3>' in html
    assert '<h3 id="kirjain-Ä">Ä</h3>' in html


def test_letter_navigation_links_only_letters_with_terms(client):
    make_term(term="Avustus")
    make_term(term="Öljy")

    response = client.get(reverse("glossary:list"))

    letters = response.context["letters"]
    assert [letter for letter, _has in letters] == [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "Å", "Ä", "Ö"]
    assert [letter for letter, has in letters if has] == ["A", "Ö"]
    html = response.content.decode()
    assert '<a href="#kirjain-A">A</a>' in html
    assert '<a href="#kirjain-Ö">Ö</a>' in html
    assert '<a href="#kirjain-B">' not in html
    assert "<span>B<" in html


def test_list_hides_drafts(client):
    make_term(term="Julkinen")
    make_term(term="Luonnostermi", status=Status.DRAFT)

    response = client.get(reverse("glossary:list"))

    assert listed_terms(response) == ["Julkinen"]
    assert "Luonnostermi" not in response.content.decode()


def test_text_filter_searches_term_abbreviation_and_definition(client):
    make_term(term="Työllisyysalue", definition="Kuntien yhteinen alue.")
    make_term(term="Sosiaalinen yritys", abbreviation="SYR", definition="Yritys.")
    make_term(term="Avustus", definition="Tukea työllisyyden hoitoon.")
    make_term(term="Hanke", definition="Määräaikainen.")

    by_word = client.get(reverse("glossary:list"), {"q": "työllisyyden"})
    by_abbreviation = client.get(reverse("glossary:list"), {"q": "SYR"})

    assert listed_terms(by_word) == ["Avustus", "Työllisyysalue"]
    assert listed_terms(by_abbreviation) == ["Sosiaalinen yritys"]


def test_category_filter_and_combination_with_text(client):
    make_term(term="Kumppanuus", category=Term.Category.COLLABORATION)
    make_term(term="Kumppanuussopimus", category=Term.Category.MARKETS)
    make_term(term="Verkosto", category=Term.Category.COLLABORATION)

    by_category = client.get(reverse("glossary:list"), {"luokka": "collaboration"})
    combined = client.get(reverse("glossary:list"), {"luokka": "collaboration", "q": "kumppanuus"})

    assert listed_terms(by_category) == ["Kumppanuus", "Verkosto"]
    assert listed_terms(combined) == ["Kumppanuus"]
    assert "1 käsite" in combined.content.decode()


@pytest.mark.parametrize(
    "params, field", [({"luokka": "nonsense"}, "luokka"), ({"q": "x" * 201}, "q")]
)
def test_bad_filter_values_show_an_error(client, params, field):
    make_term()

    response = client.get(reverse("glossary:list"), params)

    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    assert "Osa rajauksista ei kelpaa" in response.content.decode()


@pytest.mark.parametrize("rows", [10, 1000])
def test_list_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    bulk_terms(rows)

    with django_assert_max_num_queries(1):
        response = client.get(reverse("glossary:list"))

    assert len(listed_terms(response)) == rows


def test_detail_shows_the_term_with_its_source(client):
    term = make_term(
        term="Työllisyysalue",
        abbreviation="TYA",
        definition="Kuntien yhteinen alue.",
        category=Term.Category.PEOPLE_AND_ORGANISATIONS,
        source="Työmarkkinatori",
        source_url="https://example.org/tyollisyysalue",
        source_accessed="2025-03-01",
    )

    response = client.get(term.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Työllisyysalue (TYA)",
        "Kuntien yhteinen alue.",
        "Ihmiset ja organisaatiot",
        '<a href="https://example.org/tyollisyysalue">Työmarkkinatori</a>',
        "luettu 1.3.2025",
    ]:
        assert text in html


def test_detail_links_only_published_related_terms(client):
    published = make_term(term="Kumppanuus")
    draft = make_term(term="Luonnostermi", status=Status.DRAFT)
    term = make_term(related=[published, draft])

    html = client.get(term.get_absolute_url()).content.decode()

    assert f'<a href="{published.get_absolute_url()}">Kumppanuus</a>' in html
    assert "Luonnostermi" not in html


def test_draft_detail_is_404_for_visitors_and_visible_to_its_editors(client):
    draft = make_term(status=Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404

    # Staff who may not edit the entry do not preview it (regional editors: terms).
    client.force_login(User.objects.create_user("staff", is_staff=True))
    assert client.get(draft.get_absolute_url()).status_code == 404

    client.force_login(make_curator())
    assert client.get(draft.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_detail_query_count_is_fixed(client, django_assert_max_num_queries, count):
    term = make_term(related=[make_term() for _ in range(count)])

    with django_assert_max_num_queries(2):
        response = client.get(term.get_absolute_url())

    assert response.status_code == 200
