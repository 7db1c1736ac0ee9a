"""Outside catalogues' data carries their attribution into the open data: the profile, the
data package and the "Avoin data" page name PTV or YTJ once published actors hold their values."""

import json
import zipfile
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from catalogue.models import FieldProvenance, Source
from keko.models import Status
from opendata.tabular import build_zip
from tests.factories import make_actor

from .conftest import get

pytestmark = pytest.mark.django_db

PTV = "Suomi.fi-palvelutietovaranto"


def package_terms():
    content, _count = build_zip("http://testserver")
    meta = json.loads(zipfile.ZipFile(BytesIO(content)).read("datapackage.json"))
    return meta["attribution"], [source["title"] for source in meta["sources"]]


def provenance(actor, source):
    FieldProvenance.objects.create(
        actor=actor, field="website", source=source, imported_value="", fetched_at=timezone.now()
    )


def test_a_catalogues_attribution_comes_with_its_published_data(client):
    draft = make_actor(status=Status.DRAFT)
    provenance(draft, Source.PTV)  # a draft's values are not published data
    attribution, sources = package_terms()
    assert PTV not in attribution and not any(PTV in title for title in sources)
    assert "Tilastokeskuksen" in attribution

    provenance(make_actor(), Source.PTV)
    attribution, sources = package_terms()
    assert f"Osa tiedoista: {PTV}" in attribution
    assert any(title.startswith(PTV) for title in sources)
    assert not any("YTJ" in title for title in sources)
    profile = get(client, "profile")
    assert PTV in profile["attribution"]
    assert any(source["title"].startswith(PTV) for source in profile["sources"])
    page = client.get(reverse("opendata_site:page")).content.decode()
    assert f"Osa tiedoista: {PTV}" in page
