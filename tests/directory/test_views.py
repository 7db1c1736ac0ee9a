import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from actors.models import Actor, ActorKind, Contact
from directory.areas import first_contacts
from keko.models import Status
from tests.factories import (
    make_actor,
    make_actors,
    make_contact,
    make_contact_role,
    make_funding_source,
    make_membership,
    make_municipality,
    make_practice,
    make_project_funding,
    make_region,
    make_service,
    make_target_group,
)

pytestmark = pytest.mark.django_db

LIST = reverse("directory:actors")


def listed(response):
    return list(response.context["object_list"])


def test_list_shows_published_active_actors_only(client):
    shown = make_actor(name="Näkyvä")
    draft = make_actor(name="Luonnos", status=Status.DRAFT)
    ended = make_actor(name="Päättynyt", active_until=datetime.date(2020, 1, 1))
    response = client.get(LIST)
    assert response.status_code == 200
    assert listed(response) == [shown]
    assert "Luonnos" not in response.content.decode()
    with_ended = listed(client.get(LIST, {"voimassa": "0"}))
    assert draft not in with_ended
    assert ended in with_ended


def test_region_filter_includes_actors_that_only_serve_the_region(client):
    oulu = make_municipality(name_fi="Oulu")
    based = make_actor(municipality=oulu)
    serving = make_actor(municipality=make_municipality(), served_municipalities=[oulu])
    covering = make_actor(served_regions=[oulu.region])
    elsewhere = make_actor(municipality=make_municipality())
    response = client.get(LIST, {"alue": oulu.region.slug})
    assert set(listed(response)) == {based, serving, covering}
    assert elsewhere not in listed(response)


def test_municipality_kind_service_and_target_group_filters_combine(client):
    town = make_municipality()
    coaching, workshops = make_service(), make_service()
    youth = make_target_group()
    match = make_actor(municipality=town, services=[coaching], target_groups=[youth])
    make_actor(municipality=town, services=[workshops], target_groups=[youth])
    make_actor(municipality=town, services=[coaching], kind=ActorKind.COMPANY)
    make_actor(services=[coaching], target_groups=[youth])
    response = client.get(
        LIST,
        {
            "kunta": town.slug,
            "tyyppi": "yhdistys",
            "palvelu": coaching.slug,
            "kohderyhma": youth.slug,
        },
    )
    assert listed(response) == [match]
    assert f'value="{coaching.slug}"' in response.content.decode()


def test_several_values_of_one_parameter_are_alternatives(client):
    a = make_actor(kind=ActorKind.PARISH)
    b = make_actor(kind=ActorKind.COMPANY)
    make_actor(kind=ActorKind.FOUNDATION)
    response = client.get(f"{LIST}?tyyppi=seurakunta&tyyppi=yritys")
    assert set(listed(response)) == {a, b}


def test_funding_filter_finds_projects_funded_by_the_source(client):
    stea = make_funding_source(slug="stea")
    funded = make_project_funding(funding_source=stea).project
    make_project_funding()
    response = client.get(LIST, {"rahoitus": "stea"})
    assert listed(response) == [funded]


def test_text_filter_matches_name_and_description(client):
    match = make_actor(name="Työpaja Verstas", description="Nuorten työpajat.")
    make_actor(name="Muu toimija")
    assert listed(client.get(LIST, {"q": "työpajan"})) == [match]


@pytest.mark.parametrize(
    "query",
    [
        {"alue": "ei-ole"},
        {"kunta": "x" * 300},
        {"tyyppi": "alien"},
        {"palvelu": "?"},
        {"rahoitus": "<script>"},
        {"voimassa": "maybe"},
        {"q": "x" * 500},
    ],
)
def test_bad_filter_values_are_dropped_with_a_notice(client, query):
    # Formerly a form error and an empty list; now the value is left out and named
    # (tests/directory/test_no_dead_ends.py).
    actor = make_actor()
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert not response.context["filter"].form.errors
    assert listed(response) == [actor]
    assert "jätettiin pois" in response.content.decode()
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999999999999999999999"])
def test_malformed_page_number_serves_a_page(client, page):
    make_actors(3)
    response = client.get(LIST, {"page": page})
    assert response.status_code == 200


def test_list_paginates_and_keeps_filters_in_page_links(client):
    make_actors(55, kind=ActorKind.PARISH)
    response = client.get(LIST, {"tyyppi": "seurakunta"})
    assert len(listed(response)) == 50
    assert response.context["paginator"].count == 55
    assert "tyyppi=seurakunta&amp;page=2" in response.content.decode()


def test_detail_shows_public_contacts_only(client):
    actor = make_actor(description="Kuvaus.")
    make_contact(actor=actor, name="Julkinen Henkilö", public=True)
    make_contact(actor=actor, name="Yksityinen Henkilö", public=False)
    response = client.get(actor.get_absolute_url())
    content = response.content.decode()
    assert "Julkinen Henkilö" in content
    assert "Yksityinen Henkilö" not in content


def test_detail_without_contact_details_has_no_empty_contact_heading(client):
    bare = make_actor(name="Tyhjä toimija")
    page = client.get(bare.get_absolute_url()).content.decode()
    assert "Tyhjä toimija" in page and "Yhteystiedot" not in page

    registered = make_actor(business_id="1234567-1")
    page = client.get(registered.get_absolute_url()).content.decode()
    assert "Yhteystiedot" in page
    assert '<a href="https://tietopalvelu.ytj.fi/yritys/1234567-1"' in page


def test_draft_detail_is_404_for_visitors_and_visible_to_staff(client, admin_client):
    draft = make_actor(status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = admin_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Luonnos" in response.content.decode()


def test_detail_shows_relations(client):
    parent = make_actor(name="Emojärjestö")
    project = make_actor(name="Hanke X", kind=ActorKind.PROJECT, parent=parent)
    network = make_actor(name="Verkosto Y", kind=ActorKind.NETWORK)
    make_membership(network=network, member=project, role="coordinator")
    successor = make_actor(name="Seuraaja")
    ended = make_actor(name="Vanha", active_until=datetime.date(2024, 12, 31))
    ended.successors.set([successor])
    practice = make_practice(title="Hyvä käytäntö Z", participants=[project])
    content = client.get(project.get_absolute_url()).content.decode()
    assert "Emojärjestö" in content and "Verkosto Y" in content
    assert practice.title in content
    assert "Hanke X" in client.get(parent.get_absolute_url()).content.decode()
    ended_page = client.get(ended.get_absolute_url()).content.decode()
    assert "Toiminta päättyi 31.12.2024" in ended_page and "Seuraaja" in ended_page


def test_an_actor_page_asks_nothing_of_the_relations_the_actor_lacks(
    client, django_assert_num_queries
):
    # The actor, its services and target groups, and its public contacts (it has some);
    # none of the relations few actors have (areas served besides its own, successors,
    # networks, practices, funding, …).
    actor = make_actor(services=[make_service()], target_groups=[make_target_group()])
    make_contact(actor=actor, public=True, name="Julkinen Henkilö")
    with django_assert_num_queries(4):
        content = client.get(actor.get_absolute_url()).content.decode()
    assert "Julkinen Henkilö" in content and "<h2>Verkostot</h2>" not in content
    assert "Maakunnat:" not in content and "Kunnat:" not in content
    # Its areas served, when it has some: a query each.
    actor.served_regions.add(make_region(name_fi="Lappi"))
    actor.served_municipalities.add(make_municipality(name_fi="Inari"))
    with django_assert_num_queries(6):
        content = client.get(actor.get_absolute_url()).content.decode()
    assert ">Lappi</a>" in content and ">Inari</a>" in content


def test_an_actor_page_leaves_out_its_draft_relations(client):
    # Flagged as present (keko.prefetch reads any row), fetched, and none published.
    actor = make_actor()
    make_membership(network=make_actor(name="Luonnosverkosto", status=Status.DRAFT), member=actor)
    make_practice(participants=[actor], title="Luonnoskäytäntö", status=Status.DRAFT)
    content = client.get(actor.get_absolute_url()).content.decode()
    assert "Luonnos" not in content
    assert "<h2>Verkostot</h2>" not in content and "<h2>Hyvät käytännöt</h2>" not in content


@pytest.mark.parametrize("rows", [2, 40])
def test_detail_query_count_is_fixed(client, django_assert_num_queries, rows):
    """One query more for each of the eleven relations few actors have, if it has any,
    however many rows it has; each linked actor's name with it, not a query per name."""
    actor = make_actor(
        kind=ActorKind.NETWORK,
        services=[make_service()],
        served_regions=[make_region()],
        served_municipalities=[make_municipality()],
    )
    for n in range(rows):
        make_membership(network=actor, member=make_actor(name=f"Jäsen {n}"))
        make_membership(network=make_actor(name=f"Verkosto {n}"), member=actor)
        make_contact(actor=actor, public=True)
        make_practice(participants=[actor])
        make_actor(name=f"Alainen {n}", parent=actor)
        actor.successors.add(make_actor(name=f"Seuraaja {n}"))
        actor.predecessors.add(make_actor(name=f"Edeltäjä {n}"))
        make_project_funding(project=actor)
        make_funding_source(administrator=actor)
    actor.active_until = datetime.date(2024, 12, 31)  # its successors shown
    actor.save()
    with django_assert_num_queries(14):
        content = client.get(actor.get_absolute_url()).content.decode()
    for name in ("Jäsen", "Verkosto", "Alainen", "Seuraaja", "Edeltäjä"):
        assert content.count(f">{name} ") == rows, name


def test_region_page_groups_actors_by_kind_and_fills_the_checklist(client):
    region = make_region(name_fi="Testimaa")
    town = make_municipality(region=region)
    role = make_contact_role(name="Kunnan elinkeinoasiamies", checklist_order=1)
    projects_role = make_contact_role(
        name="Alueen hankkeet", checklist_order=2, actor_kinds=["project"]
    )
    make_contact_role(name="TYP:n työntekijä", checklist_order=3)
    business = make_actor(municipality=town, kind=ActorKind.MUNICIPALITY)
    make_contact(actor=business, role=role, name="Eija Elinkeino", public=True)
    make_contact(actor=business, role=role, name="Salainen Henkilö", public=False)
    make_actors(8, municipality=town, kind=ActorKind.PROJECT)
    national = make_actor(name="Valtakunnallinen liitto", is_national=True)
    practice = make_practice(regions=[region])
    response = client.get(region.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    groups = {g.kind: g for g in response.context["directory"].groups}
    assert groups["project"].count == 8 and len(groups["project"].actors) == 5
    assert f"alue={region.slug}&amp;tyyppi=hanke" in content
    checklist = {item.role: item for item in response.context["directory"].checklist}
    assert [c.name for c in checklist[role].contacts] == ["Eija Elinkeino"]
    assert checklist[projects_role].actor_count == 8
    assert "Salainen Henkilö" not in content
    assert "ei vielä tiedossa" in content
    assert national.name in content and practice.title in content


def test_the_checklists_contacts_are_joined_with_the_rows_of_actors_with_contacts_only():
    town = make_municipality()
    role = make_contact_role(checklist_order=1)
    for n in range(3):
        actor = make_actor(municipality=town)
        make_contact(actor=actor, role=role, name=f"Henkilö {n}", public=n != 0)
    make_actors(5, municipality=town)
    rows = Actor.objects.published().active().serving_regions([town.region]).area_memberships()
    listed, counts = first_contacts(rows, 10)
    assert [(contact.name, contact.role_id) for contact in listed] == [
        ("Henkilö 1", role.pk),
        ("Henkilö 2", role.pk),
    ]
    assert listed[0].actor.slug == Contact.objects.get(name="Henkilö 1").actor.slug
    assert counts == {role.pk: 2}
    if connection.vendor != "postgresql":
        return  # the partial index's plan is PostgreSQL's
    captured = CaptureQueriesContext(connection)
    with captured:
        first_contacts(rows, 10)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {captured.captured_queries[0]['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "actors_actorreg_contact_idx" in plan, plan


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_checklist_names_each_contact_with_title_actor_email_and_phone(client, language):
    town = make_municipality()
    role = make_contact_role(name="Kunnan elinkeinoasiamies", checklist_order=1)
    office = make_actor(municipality=town, name_fi="Kunnan elinkeinotoimi", name_sv="")
    make_contact(
        actor=office,
        role=role,
        name="Eija Elinkeino",
        title_fi="Elinkeinoasiamies",
        email="eija@example.org",
        phone="040 123",
        public=True,
    )
    make_contact(actor=office, role=role, name="Aaro <Aakkonen>", public=True)
    with translation.override(language):
        content = client.get(town.get_absolute_url()).content.decode()
        url = office.get_absolute_url()
    fallback = ' lang="fi"' if language == "sv" else ""
    office_link = f'<a href="{url}"{fallback}>Kunnan elinkeinotoimi</a>'
    title = "Elinkeinoasiamies" if language == "fi" else '<span lang="fi">Elinkeinoasiamies</span>'
    assert (
        f"Aaro &lt;Aakkonen&gt;, {office_link}; Eija Elinkeino ({title}), {office_link}, "
        '<a href="mailto:eija@example.org">eija@example.org</a>, 040 123'
    ) in content


def test_checklist_shows_a_contacts_title_and_actor_in_the_pages_language(client):
    town = make_municipality()
    role = make_contact_role(checklist_order=1)
    office = make_actor(municipality=town, name_fi="Kunnan elinkeinotoimi", name_sv="Näringsbyrå")
    make_contact(
        actor=office, role=role, name="Eija", title_fi="Asiamies", title_sv="Ombud", public=True
    )
    with translation.override("sv"):
        content = client.get(town.get_absolute_url()).content.decode()
        url = office.get_absolute_url()
    assert f'Eija (Ombud), <a href="{url}">Näringsbyrå</a>' in content


def test_municipality_page_lists_actors_based_in_or_serving_it(client):
    town = make_municipality(name_fi="Pikkukylä")
    based = make_actor(municipality=town, name="Kylän yhdistys")
    serving = make_actor(name="Seudun palvelu", served_municipalities=[town])
    elsewhere = make_actor(
        name="Naapurin yhdistys", municipality=make_municipality(region=town.region)
    )
    response = client.get(town.get_absolute_url())
    content = response.content.decode()
    assert based.name in content and serving.name in content
    assert elsewhere.name not in content
    assert f"kunta={town.slug}" in content


def _cards(html):
    """The actor cards of a page, their white space evened out."""
    cards = re.findall(r'<li class="card">.*?</li>', html, re.S)
    return [re.sub(r"\s+", " ", card) for card in cards]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_actor_cards_are_the_same_on_lists_and_area_pages(client, language):
    # One card (directory/templatetags/actor_cards.py) on every page that lists actors.
    town = make_municipality(name_fi="Pikkukylä", name_sv="Småby")
    local = make_actor(
        municipality=town, name_fi="Kylän yhdistys", name_sv="", description="Kuvaus " * 40
    )
    national = make_actor(name="Valtakunnallinen liitto", is_national=True, municipality=town)
    with translation.override(language):
        area_page = _cards(client.get(town.get_absolute_url()).content.decode())
        listed = _cards(
            client.get(reverse("directory:actors"), {"kunta": town.slug}).content.decode()
        )
        url = local.get_absolute_url()
        kind = str(local.get_kind_display())
    assert len(listed) == 2 and all(card in area_page for card in listed)
    [local_card] = [card for card in listed if url in card]
    name_lang = ' lang="fi"' if language == "sv" else ""
    place = "Pikkukylä" if language == "fi" else "Småby"
    assert local_card.startswith(
        f'<li class="card"> <h3><a href="{url}"{name_lang}>Kylän yhdistys</a>'
    )
    assert f'<p class="meta">{kind} · {place}</p>' in local_card
    # The description is cut after 30 words.
    assert f"<p{name_lang}>{'Kuvaus ' * 29}Kuvaus …</p>" in local_card
    [national_card] = [card for card in listed if url not in card]
    assert national.name in national_card and 'class="badge badge-national"' in national_card


def test_actor_list_cards_show_services_and_an_ended_badge(client):
    service = make_service(name="Työvalmennus")
    ended = make_actor(
        name="Päättynyt hanke",
        services=[service],
        active_until=datetime.date(2020, 5, 31),
        description="<b>Ei</b> merkintää",
    )
    [card] = _cards(client.get(LIST, {"voimassa": "0"}).content.decode())
    assert f'href="{ended.get_absolute_url()}"' in card
    assert '<span class="badge badge-ended">Päättynyt 31.5.2020</span>' in card
    assert '<p class="meta">Palvelut: Työvalmennus</p>' in card
    assert "<p>&lt;b&gt;Ei&lt;/b&gt; merkintää</p>" in card


def test_actor_list_cards_name_services_by_name_in_the_page_language(
    client, django_assert_num_queries
):
    coaching = make_service(name="Työvalmennus", name_sv="Arbetsträning")
    trial = make_service(name="Työkokeilu")  # no Swedish name: the Finnish one, marked
    actor = make_actor(services=[coaching, trial])
    make_actor(services=[trial])
    with translation.override("sv"):
        with django_assert_num_queries(1):  # the actors with their services
            actors = list(Actor.objects.filter(pk=actor.pk).for_list())
        cards = _cards(client.get(reverse("directory:actors")).content.decode())
        url = actor.get_absolute_url()
    [listed] = actors
    assert [service.name for service in listed.listed_services] == ["Työkokeilu", "Arbetsträning"]
    [card] = [card for card in cards if url in card]
    assert '<span lang="fi">Työkokeilu</span>, Arbetsträning</p>' in card


def test_area_page_lists_namesakes_of_a_kind_by_name_then_key(client):
    region = make_region()
    town = make_municipality(region=region)
    namesakes = [make_actor(municipality=town, name="Sama nimi") for _ in range(4)]
    make_actors(3, municipality=town, name="Ö-alkuinen")
    first = make_actor(municipality=town, name="Aakkosissa ensin")
    response = client.get(region.get_absolute_url())
    [group] = response.context["directory"].groups
    assert group.count == 8 and group.more == 3
    assert group.actors == [first, *sorted(namesakes, key=lambda actor: actor.pk)]
    content = response.content.decode()
    assert [content.index(f'href="{a.get_absolute_url()}"') for a in group.actors] == sorted(
        content.index(f'href="{a.get_absolute_url()}"') for a in group.actors
    )


def test_unknown_region_and_municipality_are_404(client):
    assert client.get(reverse("directory:region", args=["ei-ole"])).status_code == 404
    assert client.get(reverse("directory:municipality", args=["ei-ole"])).status_code == 404


def test_municipality_search_reports_a_malformed_name(client):
    response = client.get(reverse("directory:municipality_search"), {"q": "Ou\x00lu"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_municipality_search_redirects_to_an_exact_match(client):
    town = make_municipality(name_fi="Oulu")
    make_municipality(name_fi="Oulainen")
    response = client.get(reverse("directory:municipality_search"), {"q": "oulu"})
    assert response.status_code == 302 and response.url == town.get_absolute_url()
    response = client.get(reverse("directory:municipality_search"), {"q": "Ou"})
    assert response.status_code == 200 and "Oulainen" in response.content.decode()


def test_home_lists_every_region_with_figures(client):
    regions = [make_region() for _ in range(3)]
    make_actors(2)
    response = client.get(reverse("directory:home"))
    content = response.content.decode()
    for region in regions:
        assert region.get_absolute_url() in content
    assert response.context["figures"]["actors"] == 2


def test_cached_list_follows_edits(client, django_assert_max_num_queries):
    first = make_actor(name="Aalto ry", kind=ActorKind.PARISH)
    assert listed(client.get(LIST, {"tyyppi": "seurakunta"})) == [first]
    second = make_actor(name="Beta ry", kind=ActorKind.PARISH)
    response = client.get(LIST, {"tyyppi": "seurakunta"})
    assert listed(response) == [first, second]
    assert response.context["paginator"].count == 2
    assert "Beta ry" in response.content.decode()
    first.status = Status.DRAFT
    first.save()
    response = client.get(LIST, {"tyyppi": "seurakunta"})
    assert listed(response) == [second]
    assert "Aalto ry" not in response.content.decode()
