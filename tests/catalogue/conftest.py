import pytest

from catalogue import importer
from catalogue.mapping import Mapping
from catalogue.ptv import PTVClientV11
from tests.factories import make_municipality, make_region, make_service, make_target_group

from .fakes import BASE_URL, RecordedTransport

REGION_PATH = "Organization/list/area/Province/code/97"


@pytest.fixture
def areas(db):
    """The fictional region 97 and its municipalities 997 and 996 of the recorded responses,
    and every service and target group the mapping file names."""
    region = make_region(code="97", name_fi="Esimerkkimaakunta", slug="esimerkkimaakunta")
    town = make_municipality(code="997", name_fi="Esimerkkilä", slug="esimerkkila", region=region)
    shore = make_municipality(code="996", name_fi="Malliranta", slug="malliranta", region=region)
    services, groups = Mapping.load().slugs_used()
    for slug in sorted(services):
        make_service(slug=slug, name=slug)
    for slug in sorted(groups):
        make_target_group(slug=slug, name=slug)
    return {"region": region, "town": town, "shore": shore}


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def transport(monkeypatch, sleeps):
    """The recorded responses, behind every client the import makes (command and task)."""
    recorded = RecordedTransport()
    monkeypatch.setattr(importer, "make_client", lambda: client_for(recorded, sleeps))
    return recorded


def client_for(transport, sleeps):
    return PTVClientV11(BASE_URL, transport=transport, delay=0, retries=3, sleep=sleeps.append)
