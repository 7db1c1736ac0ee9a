"""The admin carries the site's name, not Django's."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_the_admin_is_the_sites(client, admin_user):
    login = client.get(f"/{settings.ADMIN_PATH}login/").content.decode()
    assert "<title>Kirjaudu sisään | KeKo-hakemisto — ylläpito</title>" in login
    assert "Djangon" not in login
    client.force_login(admin_user)
    index = client.get(f"/{settings.ADMIN_PATH}").content.decode()
    assert "KeKo-hakemisto — ylläpito" in index and "Hakemiston ylläpito" in index
    assert "Djangon" not in index
