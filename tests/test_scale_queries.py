"""Every public list and area page runs the same number of queries at 10 and at 1 000 rows."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from actors.models import Actor, ActorKind, Contact
from funding.models import ApplicationWindow, FundingSource
from glossary.models import Term
from keko.models import Status
from practices.models import Practice
from tests.factories import (
    make_applicant_type,
    make_contact_role,
    make_municipality,
    make_region,
    make_service,
    make_target_group,
)

pytestmark = pytest.mark.django_db

ROWS = [10, 1000]


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached fragments would hide the queries this module counts.
    cache.clear()
    yield
    cache.clear()


def bulk_actors(count, *, municipality, **fields):
    """Create `count` published actors with a service, a target group and a public contact."""
    service, group = make_service(), make_target_group()
    role = make_contact_role(checklist_order=1, actor_kinds=["association"])
    actors = Actor.objects.bulk_create(
        Actor(
            name=f"Työttömien yhdistys {n:04d}",
            slug=f"scale-{n}",
            kind=fields.get("kind", ActorKind.ASSOCIATION),
            status=Status.PUBLISHED,
            description="Järjestöjen yhteistyötä työllisyyden hyväksi.",
            municipality=municipality,
        )
        for n in range(count)
    )
    Actor.services.through.objects.bulk_create(
        Actor.services.through(actor_id=a.pk, servicetype_id=service.pk) for a in actors
    )
    Actor.target_groups.through.objects.bulk_create(
        Actor.target_groups.through(actor_id=a.pk, targetgroup_id=group.pk) for a in actors
    )
    Contact.objects.bulk_create(
        Contact(actor=a, role=role, name=f"Henkilö {a.pk}", public=True) for a in actors
    )
    return actors, service, group


@pytest.mark.parametrize("rows", ROWS)
def test_home_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    bulk_actors(rows, municipality=make_municipality())
    with django_assert_max_num_queries(5):
        assert client.get(reverse("directory:home")).status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_region_page_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    region = make_region()
    bulk_actors(rows, municipality=make_municipality(region=region))
    with django_assert_max_num_queries(12):
        response = client.get(region.get_absolute_url())
    assert response.status_code == 200
    # Readable with thousands of actors: the first few per kind, and the checklist's contacts
    # cut to a few with their total.
    assert sum(len(group.first) for group in response.context["directory"].groups) <= 5
    assert all(len(item.contacts) <= 10 for item in response.context["directory"].checklist)


@pytest.mark.parametrize("rows", ROWS)
def test_municipality_page_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    town = make_municipality()
    bulk_actors(rows, municipality=town)
    with django_assert_max_num_queries(12):
        assert client.get(town.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_actor_list_with_filters_and_search_query_count_is_fixed(
    client, django_assert_max_num_queries, rows
):
    town = make_municipality()
    _actors, service, group = bulk_actors(rows, municipality=town)
    query = {
        "alue": town.region.slug,
        "palvelu": service.slug,
        "kohderyhma": group.slug,
        "q": "työttömien",
    }
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:actors"), query)
    assert response.status_code == 200
    assert response.context["paginator"].count == rows


@pytest.mark.parametrize("rows", ROWS)
def test_deep_page_of_the_actor_list(client, django_assert_max_num_queries, rows):
    bulk_actors(rows, municipality=make_municipality())
    last = (rows + 49) // 50
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:actors"), {"page": last})
    names = [actor.name for actor in response.context["object_list"]]
    assert names == sorted(names)
    assert names[-1] == f"Työttömien yhdistys {rows - 1:04d}"


@pytest.mark.parametrize("rows", ROWS)
def test_funding_list_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    applicant = make_applicant_type()
    sources = FundingSource.objects.bulk_create(
        FundingSource(
            name=f"Rahoitus {n:04d}",
            slug=f"rahoitus-{n}",
            category=FundingSource.Category.PUBLIC,
            status=Status.PUBLISHED,
        )
        for n in range(rows)
    )
    FundingSource.applicant_types.through.objects.bulk_create(
        FundingSource.applicant_types.through(fundingsource_id=s.pk, applicanttype_id=applicant.pk)
        for s in sources
    )
    ApplicationWindow.objects.bulk_create(
        ApplicationWindow(funding_source=s, name="Haku", start_month=3, end_month=4)
        for s in sources
    )
    with django_assert_max_num_queries(10):
        assert client.get(reverse("funding:list")).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("funding:calendar_ics")).status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_practice_list_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    region = make_region()
    practices = Practice.objects.bulk_create(
        Practice(
            title=f"Käytäntö {n:04d}",
            slug=f"kaytanto-{n}",
            summary="Yhteistyön malli.",
            partner_type=Practice.PartnerType.NGO,
            status=Status.PUBLISHED,
        )
        for n in range(rows)
    )
    Practice.regions.through.objects.bulk_create(
        Practice.regions.through(practice_id=p.pk, region_id=region.pk) for p in practices
    )
    with django_assert_max_num_queries(10):
        assert client.get(reverse("practices:list")).status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_glossary_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    Term.objects.bulk_create(
        Term(
            term=f"Käsite {n:04d}",
            slug=f"kasite-{n}",
            definition="Määritelmä.",
            category=Term.Category.COLLABORATION,
            status=Status.PUBLISHED,
        )
        for n in range(rows)
    )
    with django_assert_max_num_queries(4):
        assert client.get(reverse("glossary:list")).status_code == 200


@pytest.mark.parametrize("rows", ROWS)
def test_site_search_query_count_is_fixed(client, django_assert_max_num_queries, rows):
    bulk_actors(rows, municipality=make_municipality())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("directory:search"), {"q": "työttömien"})
    assert response.status_code == 200
    assert response.context["groups"][0]["count"] == rows
