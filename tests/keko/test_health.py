"""The health endpoint, the 500 and 503 pages, and the JSON log lines."""

import json
import logging
import sys
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import RequestFactory
from django.urls import reverse

from keko.logging import JSONFormatter
from tests.factories import make_actor

pytestmark = pytest.mark.django_db


def database_down(error=OperationalError):
    """Make every query fail as it does while the database server is unreachable."""
    return mock.patch.object(
        CursorWrapper, "execute", side_effect=error("connection to server failed")
    )


def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_reports_unavailable_without_the_database(client):
    with database_down():
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_lost_database_connection_gives_the_503_page_and_the_site_recovers(client, error):
    actor = make_actor(name="Palaava toimija")
    with database_down(error):
        response = client.get(actor.get_absolute_url())
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "tilapäisesti poissa käytöstä" in response.content.decode()
    assert "Content-Security-Policy" in response
    response = client.get(actor.get_absolute_url())
    assert response.status_code == 200 and "Palaava toimija" in response.content.decode()


def test_a_lost_connection_while_rendering_a_list_gives_the_503_page(client):
    # Lists evaluate their querysets while the template renders, after the view returned.
    with database_down():
        response = client.get(reverse("directory:actors"))
    assert response.status_code == 503


def test_an_unexpected_error_gives_the_500_page(client):
    client.raise_request_exception = False
    with mock.patch("directory.views.region_map_paths", side_effect=RuntimeError("bug")):
        response = client.get(reverse("directory:home"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "Palvelussa tapahtui virhe" in content and "site.css" in content
    assert "RuntimeError" not in content


def test_log_lines_are_json_with_the_request_path_and_status():
    request = RequestFactory().get("/toimijat/?q=x")
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/toimijat/",), None
    )
    record.request = request
    record.status_code = 404
    line = json.loads(JSONFormatter().format(record))
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert line["message"] == "Not Found: /toimijat/"
    assert line["path"] == "/toimijat/" and line["method"] == "GET"
    assert line["status_code"] == 404
    assert line["timestamp"].endswith("+00:00")


def test_log_lines_carry_the_exception():
    try:
        raise ValueError("rikki")
    except ValueError:
        record = logging.getLogger("keko").makeRecord(
            "keko", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info()
        )
    line = json.loads(JSONFormatter().format(record))
    assert "ValueError: rikki" in line["exception"]
