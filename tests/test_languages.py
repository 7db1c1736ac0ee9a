"""The site in three languages: Finnish at the root, Swedish under /sv/, English under /en/.

The page's language comes from its address alone: `lang`, Content-Language and Django's own
messages name it whatever the browser asks for. Every page links to itself in the other two
languages (the switcher and the head's hreflang alternates), keeping its query."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import make_actor, make_municipality
from tests.pages import make_directory, public_pages

HTML_PAGES = [
    "home",
    "search",
    "regions",
    "region",
    "region_print",
    "municipality",
    "municipality_search",
    "list_print",
    "actors",
    "actor",
    "funding",
    "funding_detail",
    "calendar",
    "practices",
    "practice",
    "glossary",
    "term",
    "accessibility_statement",
    "open_data",
]
# A heading of the page in each language: the interface, translated, not the content.
HOME_HEADING = {
    "fi": "Tunnetko alueesi toimijat?",
    "sv": "Känner du aktörerna i ditt område?",
    "en": "Do you know the actors in your area?",
}


@pytest.fixture
def directory(db):
    return make_directory()


def pages_in(language, directory):
    with translation.override(language):
        return public_pages(directory)


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("name", HTML_PAGES)
def test_every_page_type_answers_in_its_language(client, directory, name, language):
    path = pages_in(language, directory)[name]
    assert path.startswith(f"/{language}/"), path

    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fi")

    assert response.status_code == 200, path
    html = response.content.decode()
    assert re.search(rf'<html lang="{language}"[ >]', html), path
    assert response["Content-Language"] == language


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fi", "/alueet/testimaakunta/tulosta/"),
        ("sv", "/sv/regioner/testimaakunta/utskrift/"),
        ("en", "/en/regions/testimaakunta/print/"),
    ],
)
def test_path_words_are_translated_and_finnish_addresses_stay(directory, language, expected):
    with translation.override(language):
        assert reverse("directory:region_print", args=["testimaakunta"]) == expected


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("accept_language", ["fi", "sv-FI,sv;q=0.9", "en-GB,en;q=0.8", "de"])
def test_the_address_not_the_browser_decides(client, directory, language, accept_language):
    path = "/" if language == "fi" else f"/{language}/"

    response = client.get(path, HTTP_ACCEPT_LANGUAGE=accept_language)

    html = response.content.decode()
    assert re.search(rf'<html lang="{language}"[ >]', html)
    assert HOME_HEADING[language] in html
    for other, heading in HOME_HEADING.items():
        if other != language:
            assert heading not in html.split("data-language-suggestion")[0]


def test_a_page_links_to_itself_in_every_language_keeping_the_query(client, directory):
    response = client.get("/sv/aktorer/?tyyppi=jarjesto&x=1&alue=testimaakunta")

    html = response.content.decode()
    query = "?alue=testimaakunta&amp;tyyppi=jarjesto"  # its own parameters, in order, escaped
    for code, path in [("fi", "/toimijat/"), ("sv", "/sv/aktorer/"), ("en", "/en/actors/")]:
        url = path + query
        assert f'<link rel="alternate" hreflang="{code}" href="http://testserver{url}">' in html
        assert re.search(rf'<a href="{re.escape(url)}" lang="{code}" hreflang="{code}"', html)
    assert (
        '<link rel="alternate" hreflang="x-default" '
        f'href="http://testserver/toimijat/{query}">' in html
    )
    assert "x=1" not in html
    current = re.search(r'<a href="([^"]*)"[^>]*aria-current="true">', html)
    assert current.group(1) == f"/sv/aktorer/{query}"


def test_the_suggestion_is_written_in_the_language_it_suggests(client, directory):
    html = client.get("/").content.decode()

    swedish = re.search(r'<div [^>]*data-language-suggestion="sv"[^>]*>(.*?)</div>', html, re.S)
    english = re.search(r'<div [^>]*data-language-suggestion="en"[^>]*>(.*?)</div>', html, re.S)
    assert 'lang="sv" hidden' in swedish.group(0)
    assert "Den här sidan finns också på svenska." in swedish.group(1)
    assert 'href="/sv/"' in swedish.group(1)
    assert "This page is also available in English." in english.group(1)
    assert 'data-language-suggestion="fi"' not in html


def test_an_unknown_address_is_a_404_in_the_language_of_its_prefix(client, directory):
    response = client.get("/sv/ingen-sadan-sida/", HTTP_ACCEPT_LANGUAGE="fi")

    assert response.status_code == 404
    assert '<html lang="sv"' in response.content.decode()
    # The switcher offers the other languages' home pages: this page has no other address.
    assert '<a href="/en/" lang="en"' in response.content.decode()


def test_django_form_messages_follow_the_page_language(client, directory):
    correction = pages_in("sv", directory)["actor"] + "rattelse/"

    response = client.post(correction, {"what_is_wrong": "x"}, HTTP_ACCEPT_LANGUAGE="fi")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Det här fältet är obligatoriskt." in html
    assert "Tämä kenttä vaaditaan." not in html


def test_each_language_has_its_own_cached_page(client, directory, settings):
    finnish = client.get("/alueet/testimaakunta/").content.decode()
    swedish = client.get("/sv/regioner/testimaakunta/").content.decode()
    finnish_again = client.get("/alueet/testimaakunta/").content.decode()

    assert '<html lang="fi"' in finnish
    assert '<html lang="sv"' in swedish
    assert finnish_again == finnish


def test_the_admin_and_the_api_stay_outside_the_prefixes(client, directory):
    assert client.get("/sv" + reverse("admin:login")).status_code == 404
    assert client.get("/sv/api/hsds/").status_code == 404
    response = client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="sv")
    assert '<html lang="fi"' in response.content.decode()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_catalogue_translates_every_message(language):
    catalogue = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_a_swedish_list_and_its_print_name_the_municipality_in_swedish(client, db):
    town = make_municipality(name_fi="Helsinki", name_sv="Helsingfors", slug="helsinki")
    make_actor(name="Helsingin paja ry", municipality=town)
    with translation.override("sv"):
        listing = reverse("directory:actors") + "?kunta=helsinki"
        printout = reverse("directory:list_print") + "?kunta=helsinki"

    listed = client.get(listing).content.decode()
    printed = client.get(printout).content.decode()

    assert re.search(r'value="helsinki"[^>]*>\s*<label[^>]*>Helsingfors \(1\)</label>', listed)
    assert "Helsingfors" in printed and "Helsinki<" not in printed
