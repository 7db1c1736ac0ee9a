"""The accessibility statement that Finnish law expects of a public web service."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_statement_is_linked_from_every_page_and_names_the_standard_and_feedback(client):
    url = reverse("accessibility_statement")
    home = client.get(reverse("directory:home")).content.decode()
    assert f'href="{url}"' in home
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert '<html lang="fi"' in text
    for part in ("WCAG 2.1", "AA-tason", "Tunnetut puutteet", "Palaute", "306/2019"):
        assert part in text
    assert 'href="https://www.saavutettavuusvaatimukset.fi/"' in text


def test_statement_gives_the_feedback_address_when_one_is_set(client, settings):
    url = reverse("accessibility_statement")
    assert "mailto:" not in client.get(url).content.decode()
    settings.FEEDBACK_EMAIL = "palaute@keko.example"
    assert 'href="mailto:palaute@keko.example"' in client.get(url).content.decode()
