"""bench/plans.py: each kind of public page asked cold, and its slowest reads explained."""

import pytest
from django.db import connection

from bench import plans
from tests.factories import (
    make_actor,
    make_contact,
    make_municipality,
    make_region,
    make_service,
    make_target_group,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN ANALYZE of PostgreSQL"),
]


@pytest.fixture
def directory():
    region = make_region(name_fi="Uusimaa", slug="uusimaa")
    helsinki = make_municipality(name_fi="Helsinki", slug="helsinki", region=region)
    make_municipality(name_fi="Espoo", slug="espoo", region=region)
    service, group = make_service(), make_target_group()
    # With a visiting address: their services are the API's services at locations too.
    actors = [
        make_actor(
            municipality=helsinki,
            services=[service],
            target_groups=[group],
            street_address="Työpajankatu 1",
        )
        for _ in range(3)
    ]
    make_contact(actor=actors[1])
    make_actor(municipality=make_municipality(region=make_region()))
    return region, helsinki, actors[1]


def test_the_pages_are_drawn_from_the_largest_region_and_municipality(directory):
    region, helsinki, contacted = directory

    paths = dict(plans.pages())

    assert paths["region page"] == "/alueet/uusimaa/"
    assert paths["municipality page"] == "/kunnat/helsinki/"
    assert paths["actor page"] == contacted.get_absolute_url()
    assert paths["/toimijat/?q= within a region"] == "/toimijat/?q=palkkatuki&alue=uusimaa"
    assert paths["/toimijat/?q= within a region, a town's name"] == (
        "/toimijat/?q=helsinki&alue=uusimaa"
    )
    assert paths["print page of an area"] == "/kunnat/helsinki/tulosta/?tyyppi=yhdistys"
    assert (
        paths["/api/hsds/services of a region"] == "/api/hsds/services?region=uusimaa&per_page=50"
    )


def test_each_page_is_reported_with_its_slowest_reads_explained(client, directory):
    region, _helsinki, _contacted = directory
    pages = plans.pages()

    # Every read explained: which is slowest varies in a directory this small.
    report = plans.report(client, pages, slowest=50)

    sections = report.split("\n## ")[1:]
    assert len(sections) == len(pages)
    for (kind, path), section in zip(pages, sections, strict=True):
        assert f"| {kind} | `{path}` | 200 |" in report
        assert section.startswith(f"{kind}: `{path}`")
        assert "Execution Time:" in section
    # The reads run with their parameters, which their SQL shows bound.
    assert f'"area_id" IN ({region.pk})' in sections[0]
