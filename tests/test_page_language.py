"""Every page is in Finnish and says so, whatever language the browser asks for (WCAG 2.1,
3.1.1): the `lang` attribute, the Content-Language header and Django's own messages."""

import re

import pytest

from tests.pages import make_directory, public_pages

BROWSER_LANGUAGES = ["sv-FI,sv;q=0.9", "en-GB,en;q=0.8", "de"]
HTML_PAGES = [
    "home",
    "search",
    "region",
    "region_print",
    "actors",
    "actor",
    "funding",
    "calendar",
    "practice",
    "term",
    "not_found",
    "admin_login",
]


@pytest.fixture
def pages(db):
    return public_pages(make_directory())


@pytest.mark.parametrize("accept_language", BROWSER_LANGUAGES)
@pytest.mark.parametrize("name", HTML_PAGES)
def test_page_is_finnish_whatever_the_browser_asks(client, pages, name, accept_language):
    response = client.get(pages[name], HTTP_ACCEPT_LANGUAGE=accept_language)
    html = response.content.decode()
    assert re.search(r'<html lang="fi"[ >]', html), name
    assert response.get("Content-Language", "fi") == "fi"


@pytest.mark.parametrize("accept_language", BROWSER_LANGUAGES)
def test_django_form_messages_are_finnish_whatever_the_browser_asks(client, pages, accept_language):
    correction = pages["actor"] + "korjaus/"
    response = client.post(
        correction, {"what_is_wrong": "Puhelinnumero"}, HTTP_ACCEPT_LANGUAGE=accept_language
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tämä kenttä vaaditaan." in html
    assert "This field is required." not in html
    assert "Detta fält måste fyllas i." not in html
    assert 'lang="fi"' in html
