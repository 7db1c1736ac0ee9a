"""The PTV adapter's HTTP manners and the mapping file, without the database."""

import pytest
import requests

from catalogue import mapping
from catalogue.ptv import PTVClientV11, PTVError, PTVNotFound

from .fakes import BASE_URL, FakeResponse, RecordedTransport

ORG = "00000000-0000-4000-8000-000000000002"


def client(transport, sleeps, **kwargs):
    kwargs.setdefault("delay", 0)
    return PTVClientV11(BASE_URL, transport=transport, retries=2, sleep=sleeps.append, **kwargs)


def test_a_timeout_is_retried_with_back_off():
    transport, sleeps = RecordedTransport(), []
    path = "Service/00000000-0000-4000-9000-000000000001"
    transport.queue(path, requests.Timeout(), requests.Timeout())

    service = client(transport, sleeps).service(path.split("/")[1])

    assert service["serviceNames"][0]["value"] == "Työnhakuvalmennus (esimerkki)"
    assert sleeps == [1.0, 2.0]
    assert len(transport.calls) == 3


def test_retries_run_out_in_finnish():
    transport, sleeps = RecordedTransport(), []
    transport.queue("Organization/x", *[requests.Timeout()] * 3)

    with pytest.raises(PTVError, match=r"PTV-palvelu ei vastaa \(aikakatkaisu, 3 yritystä\)"):
        client(transport, sleeps).organization("x")


def test_a_missing_entity_and_a_refused_request():
    transport, sleeps = RecordedTransport(), []
    with pytest.raises(PTVNotFound):
        client(transport, sleeps).service_channel("ei-ole")
    transport.queue("Organization/y", FakeResponse(400, {}))
    with pytest.raises(PTVError, match="hylkäsi pyynnön Organization/y"):
        client(transport, sleeps).organization("y")
    assert sleeps == []  # neither is retried


def test_a_polite_delay_between_requests():
    transport, sleeps = RecordedTransport(), []
    ptv = client(transport, sleeps, delay=0.5)

    ptv.organization(ORG)
    ptv.organization(ORG)

    assert sleeps == [0.5]  # between the two, not before the first


def test_the_area_list_asks_for_nationwide_organisations_too():
    transport = RecordedTransport()
    page = client(transport, []).organizations_in_area("Province", "97", page=2)
    assert page["pageNumber"] == 2
    assert transport.calls == [
        ("Organization/list/area/Province/code/97", {"includeWholeCountry": "true", "page": 2})
    ]


def test_the_mapping_file_reads_and_names_only_real_kinds():
    loaded = mapping.Mapping.load()
    assert loaded.kinds["Company"] == "company"
    assert "P10.1" in loaded.employment_classes
    with pytest.raises(ValueError, match="ngo"):
        mapping.Mapping.from_dict({"organization_types": {"Organization": "ngo"}})


def test_an_ontology_term_can_make_a_service_employment_related():
    term = "http://www.yso.fi/onto/koko/p00000"  # fictional
    rules = mapping.Mapping.from_dict(
        {"employment": {"ontology_terms": [term]}, "ontology_terms": {term: ["valmennus"]}}
    )
    service = {"serviceClasses": [], "ontologyTerms": [{"uri": term}]}

    assert mapping.is_employment_related([service], rules)
    assert not mapping.is_employment_related([{"ontologyTerms": [{"uri": term + "1"}]}], rules)
    assert mapping._service_slugs([service], rules) == {"valmennus"}
