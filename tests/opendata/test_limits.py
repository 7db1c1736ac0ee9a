"""The API's rate limit per client address, and Last-Modified on its lists."""

import pytest
from django.utils.http import http_date

from actors.models import Actor

from .conftest import get

pytestmark = pytest.mark.django_db


def test_past_the_limit_an_address_gets_429_with_retry_after(client, directory, settings):
    settings.API_RATE_LIMIT = 3
    settings.API_RATE_PERIOD = 600
    for _ in range(3):
        assert client.get("/api/hsds/organizations").status_code == 200
    refused = client.get("/api/hsds/organizations/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 600
    assert "Liikaa pyyntöjä" in refused.json()["detail"]
    assert refused["Access-Control-Allow-Origin"] == "*"
    # Every endpoint counts, the data package too.
    assert client.get("/api/hsds/datapackage.zip").status_code == 429
    # Another address has its own count.
    assert client.get("/api/hsds/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_limit_can_be_turned_off(client, directory, settings):
    settings.API_RATE_LIMIT = 0
    for _ in range(5):
        assert client.get("/api/hsds/").status_code == 200


def test_lists_carry_the_newest_save_of_their_page(client, directory):
    response = client.get("/api/hsds/organizations")
    newest = Actor.objects.published().active().order_by("-updated_at").first()
    assert response["Last-Modified"] == http_date(newest.updated_at.timestamp())
    assert response["Cache-Control"] == "no-cache"
    services = client.get("/api/hsds/services", {"organization_id": str(newest.uuid)})
    assert services["Last-Modified"] == http_date(newest.updated_at.timestamp())
    # Revalidation goes by the ETag.
    again = client.get("/api/hsds/organizations", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again["Last-Modified"] == response["Last-Modified"]
    assert "Last-Modified" not in client.get("/api/hsds/taxonomies")
    assert get(client, "organizations")["total_items"] == 3
