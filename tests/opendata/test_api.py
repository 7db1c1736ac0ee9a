"""The HSDS 3.0 API: its shapes (against HSDS's compiled schemas), its filters, its
identifiers, its query counts, and that it shows public data only."""

import json
import uuid

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from actors.filters import ActorFilter
from actors.models import Actor, ActorKind
from opendata import identifiers
from tests.factories import bulk_actors, make_actor, make_municipality

from .conftest import assert_valid, assert_valid_page, get

pytestmark = pytest.mark.django_db


def ids(page):
    return [item["id"] for item in page["contents"]]


def names(page):
    return {item["name"] for item in page["contents"]}


def service_id(actor, service):
    return str(uuid.uuid5(actor.uuid, str(service.uuid)))


# -- GET / and the documents it points to --------------------------------------------------------


def test_root_names_the_version_the_profile_and_the_openapi_description(client):
    root = get(client, "root")
    assert root["version"] == "3.0"
    assert root["profile"] == "http://testserver" + reverse("opendata:profile")
    assert root["openapi_url"] == "http://testserver" + reverse("opendata:openapi")
    assert get(client, "profile")["hsds_version"] == "3.0"
    openapi = get(client, "openapi")
    assert openapi["openapi"].startswith("3.1")
    assert openapi["servers"] == [{"url": "http://testserver/api/hsds"}]
    # Every path it describes is served.
    for path in openapi["paths"]:
        match = resolve("/api/hsds" + path.replace("{id}", str(uuid.uuid4())))
        assert match.namespace == "opendata", path
    parameters = [p["$ref"] for p in openapi["paths"]["/services"]["get"]["parameters"]]
    assert "#/components/parameters/region" in parameters


def test_paths_work_with_and_without_a_final_slash(client, directory):
    assert client.get("/api/hsds/services").status_code == 200
    assert client.get("/api/hsds/services/").status_code == 200
    assert (
        client.get(f"/api/hsds/organizations/{directory['association'].uuid}/").status_code == 200
    )


def test_the_api_is_read_only(client, directory):
    assert client.post("/api/hsds/organizations", {}).status_code == 405
    assert (
        client.delete(f"/api/hsds/organizations/{directory['association'].uuid}").status_code == 405
    )


def test_scripts_on_other_sites_may_read_it(client, directory):
    for path in ("/api/hsds/", "/api/hsds/organizations", "/api/hsds/taxonomy_terms"):
        response = client.get(path, HTTP_ORIGIN="https://example.org")
        assert response["Access-Control-Allow-Origin"] == "*"
    bad = client.get("/api/hsds/organizations", {"region": "atlantis"})
    assert bad.status_code == 400 and bad["Access-Control-Allow-Origin"] == "*"


def test_an_unchanged_response_is_not_sent_again(client, directory):
    path = f"/api/hsds/organizations/{directory['association'].uuid}"
    first = client.get(path)
    etag = first["ETag"]
    again = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"
    directory["association"].description = "Uusi kuvaus."
    directory["association"].save()
    changed = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


# -- every endpoint against HSDS 3.0 -------------------------------------------------------------


def test_every_endpoint_matches_the_hsds_schemas(client, directory):
    organizations = get(client, "organizations")
    assert_valid_page(organizations, "organizations")
    assert_valid_page(get(client, "organizations", full="1"), "organization")
    services = get(client, "services")
    assert_valid_page(services, "services")
    assert_valid_page(get(client, "services", full="1"), "services_full")
    at_locations = get(client, "service_at_locations")
    assert_valid_page(at_locations, "service_at_locations")
    assert_valid_page(get(client, "service_at_locations", full="1"), "service_at_locations_full")
    assert_valid_page(get(client, "taxonomies"), "taxonomies")
    terms = get(client, "taxonomy_terms", per_page="100")
    assert_valid_page(terms, "taxonomy_terms")
    for org_id in ids(organizations):
        assert_valid(get(client, "organization", org_id), "organization")
    for id_ in ids(services):
        assert_valid(get(client, "service", id_), "service")
    for id_ in ids(at_locations):
        assert_valid(get(client, "service_at_location", id_), "service_at_location")
    for taxonomy in get(client, "taxonomies")["contents"]:
        assert get(client, "taxonomy", taxonomy["id"]) == taxonomy
    for term in terms["contents"]:
        assert_valid(get(client, "taxonomy_term", term["id"]), "taxonomy_term")


def test_an_organization_in_full(client, directory):
    actor = directory["association"]
    org = get(client, "organization", actor.uuid)
    assert org["id"] == str(actor.uuid)
    assert org["name"] == "Työpaja ry"
    assert org["website"] == "https://tyopaja.example.org/"
    assert org["email"] == "info@tyopaja.example.org"
    assert org["organization_identifiers"] == [
        {
            "id": org["organization_identifiers"][0]["id"],
            "organization_id": str(actor.uuid),
            "identifier_scheme": "FI-PRO",
            "identifier_type": "Y-tunnus",
            "identifier": "1234567-1",
        }
    ]
    assert [p["number"] for p in org["phones"]] == ["+358 9 123 4567"]
    [contact] = org["contacts"]
    assert contact["name"] == "Julkinen Henkilö"
    assert contact["title"] == "Toiminnanjohtaja"
    assert [p["number"] for p in contact["phones"]] == ["+358 40 111 2222"]
    [location] = org["locations"]
    [address] = location["addresses"]
    assert (address["address_1"], address["postal_code"], address["city"]) == (
        "Työpajankatu 1",
        "00100",
        "Helsinki",
    )
    assert address["state_province"] == "Uusimaa" and address["country"] == "FI"
    assert [a["taxonomy_term"]["code"] for a in org["attributes"]] == ["association"]
    assert {s["name"] for s in org["services"]} == {"Työhönvalmennus", "Ohjaus ja neuvonta"}


def test_a_project_names_its_parent_and_its_published_funding(client, directory):
    org = get(client, "organization", directory["project"].uuid)
    assert org["parent_organization_id"] == str(directory["association"].uuid)
    assert [f["source"] for f in org["funding"]] == ["ESR+ (2024–2026)"]
    assert "organization_identifiers" not in org  # no business id


def test_a_service_is_an_actors_service_type_with_its_areas_and_target_groups(client, directory):
    actor, coaching = directory["association"], directory["coaching"]
    service = get(client, "service", service_id(actor, coaching))
    assert service["name"] == "Työhönvalmennus"
    assert service["description"] == "Tukea."
    assert service["organization_id"] == str(actor.uuid)
    assert service["organization"]["name"] == "Työpaja ry"
    assert service["status"] == "active"
    assert [(a["name"], a["extent"], a["extent_type"]) for a in service["service_areas"]] == [
        ("Helsinki", "kunta:091", "text")
    ]
    terms = {(a["link_type"], a["taxonomy_term"]["name"]) for a in service["attributes"]}
    assert terms == {
        ("services", "Työhönvalmennus"),
        ("target_groups", "Nuoret"),
        ("target_groups", "Maahanmuuttajat"),
    }


def test_a_service_at_its_actors_visiting_address(client, directory):
    actor, coaching = directory["association"], directory["coaching"]
    page = get(client, "service_at_locations")
    # Only the association has a visiting address: its two services are at it.
    assert {
        (s["service"]["organization"]["name"], s["service"]["name"]) for s in page["contents"]
    } == {
        ("Työpaja ry", "Työhönvalmennus"),
        ("Työpaja ry", "Ohjaus ja neuvonta"),
    }
    org = get(client, "organization", actor.uuid)
    service = service_id(actor, coaching)
    expected = str(uuid.uuid5(uuid.UUID(service), "location"))
    detail = get(client, "service_at_location", expected)
    assert detail["service_id"] == service
    assert detail["location_id"] == org["locations"][0]["id"]
    assert detail["location"] == org["locations"][0]
    assert detail["service"] == get(client, "service", service)
    filtered = get(client, "service_at_locations", service="ohjaus-ja-neuvonta")
    assert [s["service"]["name"] for s in filtered["contents"]] == ["Ohjaus ja neuvonta"]
    get(client, "service_at_location", service, status=404)


def test_service_areas_follow_the_actor_page(client, directory):
    national = get(client, "service", service_id(directory["national"], directory["guidance"]))
    assert [(a["name"], a["extent"]) for a in national["service_areas"]] == [("Suomi", "FI")]
    project = get(client, "service", service_id(directory["project"], directory["coaching"]))
    assert [(a["name"], a["extent"]) for a in project["service_areas"]] == [
        ("Lappi", "maakunta:19")
    ]
    assert project["service_areas"][0]["uri"].endswith(directory["lappi"].get_absolute_url())


def test_taxonomies_publish_the_directorys_vocabularies(client, directory):
    taxonomies = {t["name"]: t["id"] for t in get(client, "taxonomies")["contents"]}
    assert set(taxonomies) == {"Toimijatyypit", "Palvelut", "Kohderyhmät", "Maakunnat ja kunnat"}
    areas = get(client, "taxonomy_terms", taxonomy_id=taxonomies["Maakunnat ja kunnat"])
    by_code = {t["code"]: t for t in areas["contents"]}
    assert by_code["091"]["name"] == "Helsinki"
    assert by_code["091"]["parent_id"] == by_code["01"]["id"] == str(directory["uusimaa"].uuid)
    top = get(client, "taxonomy_terms", taxonomy_id=taxonomies["Maakunnat ja kunnat"], top_only="1")
    assert {t["code"] for t in top["contents"]} == {"01", "19"}
    children = get(client, "taxonomy_terms", parent_id=str(directory["lappi"].uuid))
    assert [t["name"] for t in children["contents"]] == ["Rovaniemi"]
    services = get(client, "taxonomy_terms", taxonomy_id=taxonomies["Palvelut"])
    assert {t["id"] for t in services["contents"]} == {
        str(directory["coaching"].uuid),
        str(directory["guidance"].uuid),
    }
    assert get(client, "taxonomy_terms", search="nuor")["contents"][0]["name"] == "Nuoret"
    get(client, "taxonomy", uuid.uuid4(), status=404)
    get(client, "taxonomy_term", uuid.uuid4(), status=404)


# -- identifiers ---------------------------------------------------------------------------------


def test_identifiers_are_the_stored_uuids_and_stable(client, directory):
    actor = directory["association"]
    first = get(client, "organization", actor.uuid)
    actor.slug = "uusi-tunniste"
    actor.name = "Työpaja ry (uusi nimi)"
    actor.save()
    again = get(client, "organization", actor.uuid)
    assert again["id"] == first["id"] == str(actor.uuid)
    assert [s["id"] for s in again["services"]] == [s["id"] for s in first["services"]]
    assert again["organization_identifiers"] == first["organization_identifiers"]


def test_a_service_id_is_uuid5_of_the_actor_and_the_service_type(client, directory):
    actor, coaching = directory["association"], directory["coaching"]
    expected = uuid.uuid5(actor.uuid, str(coaching.uuid))
    assert identifiers.service_id(actor.uuid, coaching.uuid) == expected
    services = get(client, "services", organization_id=str(actor.uuid))
    assert str(expected) in ids(services)


def test_every_identifier_in_a_response_is_unique(client, directory):
    seen = []

    def collect(value):
        if isinstance(value, dict):
            if "id" in value:
                seen.append((value["id"], json.dumps(value, sort_keys=True)))
            for key, item in value.items():
                if key not in ("taxonomy_term", "organization"):  # references, repeated
                    collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(get(client, "services", full="1")["contents"])
    for org_id in ids(get(client, "organizations")):
        collect(get(client, "organization", org_id))
    by_id = {}
    for id_, text in seen:
        by_id.setdefault(id_, set()).add(text)
    # An object may appear twice (a service in its organization and alone), never two objects
    # with one id... except the services listed in organizations, which are shorter.
    clashes = {
        id_: texts
        for id_, texts in by_id.items()
        if len(texts) > 1 and not all('"status"' in t for t in texts)
    }
    assert clashes == {}


# -- what the API never shows --------------------------------------------------------------------


def everything(client, **params):
    """Return the text of every list and detail the API serves, with `params`."""
    texts = []
    for name in ("organizations", "services", "service_at_locations", "taxonomy_terms"):
        page = get(client, name, per_page="100", full="1", **params)
        texts.append(json.dumps(page, ensure_ascii=False))
    for org_id in ids(get(client, "organizations", per_page="100", **params)):
        texts.append(json.dumps(get(client, "organization", org_id, **params), ensure_ascii=False))
    for id_ in ids(get(client, "services", per_page="100", **params)):
        texts.append(json.dumps(get(client, "service", id_, **params), ensure_ascii=False))
    for id_ in ids(get(client, "service_at_locations", per_page="100", **params)):
        detail = get(client, "service_at_location", id_, **params)
        texts.append(json.dumps(detail, ensure_ascii=False))
    return "\n".join(texts)


def test_drafts_private_contacts_and_draft_funding_never_appear(client, directory):
    for params in ({}, {"include_ended": "1"}):
        text = everything(client, **params)
        assert "Työpaja ry" in text and "Julkinen Henkilö" in text and "ESR+" in text
        for hidden in (
            "Luonnostoimija",
            "Yksityinen Henkilö",
            "salainen@example.org",
            "+358 40 999 0001",
            "Luonnosrahoitus",
            "Luonnostie",
            str(directory["draft"].uuid),
        ):
            assert hidden not in text, (hidden, params)


def test_ended_actors_only_with_include_ended(client, directory):
    ended = directory["ended"]
    assert "Päättynyt toimija" not in everything(client)
    get(client, "organization", ended.uuid, status=404)
    get(client, "service", service_id(ended, directory["coaching"]), status=404)

    assert "Päättynyt toimija" in names(get(client, "organizations", include_ended="1"))
    get(client, "organization", ended.uuid, include_ended="1")
    service = get(client, "service", service_id(ended, directory["coaching"]), include_ended="1")
    assert service["status"] == "defunct"
    at_location = str(uuid.uuid5(uuid.UUID(service["id"]), "location"))
    get(client, "service_at_location", at_location, status=404)
    assert get(client, "service_at_location", at_location, include_ended="1")["service"] == service


def test_drafts_have_no_address(client, directory):
    draft = directory["draft"]
    get(client, "organization", draft.uuid, status=404)
    get(client, "organization", draft.uuid, include_ended="1", status=404)
    draft_service = service_id(draft, directory["coaching"])
    get(client, "service", draft_service, status=404)
    at_location = uuid.uuid5(uuid.UUID(draft_service), "location")
    get(client, "service_at_location", at_location, include_ended="1", status=404)


def test_unknown_and_malformed_ids_are_not_found(client, directory):
    get(client, "organization", "not-a-uuid", status=404)
    get(client, "organization", uuid.uuid4(), status=404)
    get(client, "service", "not-a-uuid", status=404)
    get(client, "service", uuid.uuid4(), status=404)
    get(client, "service", uuid.uuid5(uuid.uuid4(), "x"), status=404)


# -- the API record agrees with the page ---------------------------------------------------------


def test_an_organization_agrees_with_its_page(client, directory):
    for actor in (directory["association"], directory["project"], directory["national"]):
        org = get(client, "organization", actor.uuid)
        page = client.get(actor.get_absolute_url())
        assert page.status_code == 200
        assert org["uri"] == "http://testserver" + actor.get_absolute_url()
        assert client.get(org["uri"]).status_code == 200
        html = page.content.decode()
        assert f"<h1>{org['name']}</h1>" in html
        if "website" in org:
            assert org["website"] in html


# -- filters -------------------------------------------------------------------------------------


def test_the_directorys_own_filters(client, directory):
    # As on the actor list: national actors (Kela) are listed under every area.
    assert names(get(client, "organizations", region="lappi")) == {"Lapin työhanke", "Kela"}
    assert names(get(client, "organizations", municipality="helsinki")) == {"Työpaja ry", "Kela"}
    assert names(get(client, "organizations", kind="kela")) == {"Kela"}
    assert names(get(client, "organizations", kind="project,kela")) == {"Kela", "Lapin työhanke"}
    assert names(get(client, "organizations", target_group="maahanmuuttajat")) == {"Työpaja ry"}
    assert names(get(client, "organizations", service="ohjaus-ja-neuvonta")) == {
        "Työpaja ry",
        "Kela",
    }
    # A service filter lists the services of that type only.
    services = get(client, "services", service="ohjaus-ja-neuvonta")
    assert {s["name"] for s in services["contents"]} == {"Ohjaus ja neuvonta"}
    assert services["total_items"] == 2


def test_unknown_filter_values_are_refused(client, directory):
    get(client, "organizations", region="atlantis", status=400)
    get(client, "services", kind="dragon", status=400)
    get(client, "services", modified_after="eilen", status=400)


def test_search(client, directory):
    assert names(get(client, "organizations", search="työpaja")) == {"Työpaja ry"}
    services = get(client, "services", search="työpaja")
    assert {s["organization"]["name"] for s in services["contents"]} == {"Työpaja ry"}


def test_modified_after(client, directory):
    Actor.objects.update(updated_at="2025-01-01T00:00:00Z")
    Actor.objects.filter(pk=directory["national"].pk).update(updated_at="2026-06-01T12:00:00Z")
    assert names(get(client, "organizations", modified_after="2026-01-01")) == {"Kela"}
    assert names(get(client, "services", modified_after="2026-06-01T11:00:00+00:00")) == {
        "Ohjaus ja neuvonta"
    }
    assert get(client, "organizations", modified_after="2026-07-01")["empty"] is True


def test_taxonomy_term_id(client, directory):
    def service_names(term_id):
        page = get(client, "services", taxonomy_term_id=str(term_id))
        return {(s["organization"]["name"], s["name"]) for s in page["contents"]}

    assert service_names(directory["coaching"].uuid) == {
        ("Työpaja ry", "Työhönvalmennus"),
        ("Lapin työhanke", "Työhönvalmennus"),
    }
    assert service_names(directory["youth"].uuid) == {
        ("Työpaja ry", "Työhönvalmennus"),
        ("Työpaja ry", "Ohjaus ja neuvonta"),
        ("Kela", "Ohjaus ja neuvonta"),
    }
    # An area's term lists the national actors too, as `?region=` does.
    assert service_names(directory["lappi"].uuid) == {
        ("Lapin työhanke", "Työhönvalmennus"),
        ("Kela", "Ohjaus ja neuvonta"),
    }
    assert service_names(directory["helsinki"].uuid) == {
        ("Työpaja ry", "Työhönvalmennus"),
        ("Työpaja ry", "Ohjaus ja neuvonta"),
        ("Kela", "Ohjaus ja neuvonta"),
    }
    assert service_names(identifiers.kind_term_id("kela")) == {("Kela", "Ohjaus ja neuvonta")}
    assert service_names(uuid.uuid4()) == set()
    assert service_names("nonsense") == set()


def test_a_term_narrows_the_filter_of_its_own_kind(client, directory):
    """A term and the parameter of its taxonomy both narrow the selection (the parameter's
    own values are alternatives): an area's term within another area, the actors serving
    both; a kind's term with another kind, none."""

    def organization_names(**params):
        return names(get(client, "organizations", **params))

    lappi, helsinki = str(directory["lappi"].uuid), str(directory["helsinki"].uuid)
    assert organization_names(taxonomy_term_id=lappi) == {"Lapin työhanke", "Kela"}
    assert organization_names(taxonomy_term_id=lappi, region="uusimaa") == {"Kela"}
    assert organization_names(taxonomy_term_id=helsinki, region="uusimaa") == {
        "Työpaja ry",
        "Kela",
    }
    kela = str(identifiers.kind_term_id("kela"))
    assert organization_names(taxonomy_term_id=kela, kind="project") == set()
    assert organization_names(taxonomy_term_id=kela, region="lappi") == {"Kela"}


def test_organization_id(client, directory):
    page = get(client, "services", organization_id=str(directory["association"].uuid))
    assert {s["name"] for s in page["contents"]} == {"Työhönvalmennus", "Ohjaus ja neuvonta"}
    assert get(client, "services", organization_id="nonsense")["empty"] is True


# -- pagination ----------------------------------------------------------------------------------


def test_pages(client, directory):
    first = get(client, "organizations", per_page="2")
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 3,
        "total_pages": 2,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    second = get(client, "organizations", per_page="2", page="2")
    assert (second["page_number"], second["size"], second["last_page"]) == (2, 1, True)
    assert set(ids(first)).isdisjoint(ids(second))
    get(client, "organizations", per_page="2", page="3", status=404)


def test_the_organizations_count_is_cached_until_an_edit(client, directory):
    total = get(client, "organizations")["total_items"]
    assert total == Actor.objects.published().active().count()
    with CaptureQueriesContext(connection) as counted:
        assert get(client, "organizations", page="1")["total_items"] == total
    assert not any("COUNT(" in query["sql"] for query in counted.captured_queries)
    make_actor(name="Uusi yhdistys ry", municipality=directory["helsinki"])
    assert get(client, "organizations")["total_items"] == total + 1
    # Ended ones included: a count of its own; a filter counts its own selection.
    assert get(client, "organizations", include_ended="1")["total_items"] == total + 2
    assert get(client, "organizations", search="Uusi yhdistys")["total_items"] == 1


def test_a_filtered_list_is_counted_once_for_its_pages(client, directory):
    municipality = directory["helsinki"]
    bulk_actors(5, municipality=municipality)
    for name in ("organizations", "services"):
        first = get(client, name, municipality="helsinki", per_page="2")
        with CaptureQueriesContext(connection) as counted:
            second = get(client, name, municipality="helsinki", per_page="2", page="2")
        assert second["total_items"] == first["total_items"]
        assert not any("COUNT(" in query["sql"] for query in counted.captured_queries)
    first_total = get(client, "organizations", municipality="helsinki")["total_items"]
    # Another filter, its own count; an edit, counted again.
    assert get(client, "organizations", region="lappi")["total_items"] == 2
    make_actor(name="Uusi yhdistys ry", municipality=municipality)
    assert get(client, "organizations", municipality="helsinki")["total_items"] == first_total + 1


def test_an_areas_organizations_by_name_across_pages(client, directory):
    """An area's organizations, counted and paged from the facet table on PostgreSQL (its
    indexes find the area's actors): the actors the site's list selects, in name order."""
    bulk_actors(25, municipality=directory["rovaniemi"], kinds=(ActorKind.ASSOCIATION,))
    make_actor(name="Aaltoyhdistys ry", served_regions=[directory["lappi"]])
    expected = (
        ActorFilter(QueryDict("alue=lappi&voimassa=1"), queryset=Actor.objects.published())
        .qs.order_by("name", "pk")
        .values_list("uuid", flat=True)
    )
    expected = [str(key) for key in expected]
    assert len(expected) == 28  # with the national Kela and the region's own project
    listed = []
    for page in ("1", "2", "3"):
        with CaptureQueriesContext(connection) as queries:
            answer = get(client, "organizations", region="lappi", per_page="10", page=page)
        assert answer["total_items"] == 28
        listed += ids(answer)
        if connection.vendor == "postgresql":
            [keys] = [q["sql"] for q in queries.captured_queries if "ORDER BY f.name" in q["sql"]]
            assert "actors_actorregion" not in keys
    assert listed == expected
    get(client, "organizations", region="lappi", per_page="10", page="4", status=404)
    # Of a kind within the area, as on the site.
    projects = get(client, "organizations", region="lappi", kind="project")
    assert names(projects) == {"Lapin työhanke"}


def test_per_page_is_bounded(client, directory):
    municipality = make_municipality()
    bulk_actors(120, municipality=municipality)
    page = get(client, "organizations", per_page="1000")
    assert page["size"] == 100 and page["total_items"] == 123
    # In name order across the pages (a page's ids read first, then their rows).
    rest = get(client, "organizations", per_page="100", page="2")
    listed = [org["name"] for org in page["contents"] + rest["contents"]]
    assert len(listed) == 123
    listable = Actor.objects.published().active().order_by("name", "pk")
    assert listed == list(listable.values_list("name", flat=True))
    assert get(client, "organizations")["size"] == 50
    assert get(client, "organizations", per_page="nonsense")["size"] == 50


def test_an_empty_result(client, db):
    page = get(client, "services")
    assert page == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }
    assert_valid_page(page, "services")


# -- query counts --------------------------------------------------------------------------------


LISTS = [
    ("organizations", {}),
    ("organizations", {"full": "1"}),
    ("services", {}),
    ("services", {"full": "1"}),
    ("services", {"region": "uusimaa", "service": "tyohonvalmennus"}),
    ("service_at_locations", {}),
    ("service_at_locations", {"full": "1"}),
    ("taxonomy_terms", {}),
    ("taxonomies", {}),
]


def count_queries(client, name, params):
    with CaptureQueriesContext(connection) as queries:
        get(client, name, per_page="100", **params)
    return len(queries)


@pytest.mark.parametrize(("name", "params"), LISTS, ids=lambda v: str(v))
def test_list_query_count_is_fixed(client, directory, django_assert_num_queries, name, params):
    few = count_queries(client, name, params)
    actors, _service, _group = bulk_actors(60, municipality=directory["helsinki"])
    for actor in actors[:30]:
        actor.services.add(directory["coaching"], directory["guidance"])
        actor.served_regions.add(directory["uusimaa"])
        actor.target_groups.add(directory["youth"])
    with django_assert_num_queries(few):
        get(client, name, per_page="100", **params)


def test_detail_query_count_is_fixed(client, directory, django_assert_num_queries):
    with CaptureQueriesContext(connection) as queries:
        get(client, "organization", directory["association"].uuid)
    # The actor, its public contacts, its published funding and its services.
    assert len(queries) == 4
    with django_assert_num_queries(4):
        get(client, "organization", directory["project"].uuid)
