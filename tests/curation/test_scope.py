"""A regional editor's scope on every link they can set, over HTTP: the form refuses an entry
of another region whatever id is posted, shared entries keep other regions' areas, and drafts
preview only for those who may edit them."""

import csv
import io

import openpyxl
import pytest

from actors.models import Actor, ActorKind, NetworkMembership
from actors.resources import ActorResource, ContactResource
from keko.models import Status
from practices.models import Participation
from tests.curation.admin_post import admin_form_data, change
from tests.factories import (
    make_actor,
    make_contact,
    make_curator,
    make_municipality,
    make_practice,
    make_region,
    make_regional_editor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    """The editor's region (Varsinais-Suomi, Turku) and another (Uusimaa, Helsinki)."""
    own, other = make_region(name_fi="Varsinais-Suomi"), make_region(name_fi="Uusimaa")
    turku = make_municipality(name_fi="Turku", region=own)
    helsinki = make_municipality(name_fi="Helsinki", region=other)
    return {
        "own": own,
        "other": other,
        "turku": turku,
        "network": make_actor(name="Turun verkosto", kind=ActorKind.NETWORK, municipality=turku),
        "helsinki": make_actor(name="Helsingin kaupunki", municipality=helsinki),
    }


@pytest.fixture
def editor_client(client, area):
    client.force_login(make_regional_editor(regions=[area["own"]]))
    return client


@pytest.mark.parametrize("field", ["parent", "successors"])
def test_editor_cannot_link_their_actor_to_another_regions_actor(editor_client, area, field):
    network, helsinki = area["network"], area["helsinki"]
    page = editor_client.get(change(network))
    value = helsinki.pk if field == "parent" else [helsinki.pk]
    response = editor_client.post(change(network), admin_form_data(page, **{field: value}))
    assert response.status_code == 200
    assert "Valitse oikea vaihtoehto" in response.content.decode()
    network.refresh_from_db()
    assert network.parent is None and not network.successors.exists()
    assert not helsinki.children.exists() and not helsinki.predecessors.exists()


def test_editor_links_their_actor_to_an_actor_of_their_region(editor_client, area):
    network = area["network"]
    parent = make_actor(name="Turun kaupunki", municipality=area["turku"])
    page = editor_client.get(change(network))
    response = editor_client.post(change(network), admin_form_data(page, parent=parent.pk))
    assert response.status_code == 302
    network.refresh_from_db()
    assert network.parent == parent


def test_editor_cannot_add_another_regions_actor_to_their_network(editor_client, area):
    network, helsinki = area["network"], area["helsinki"]
    page = editor_client.get(change(network))
    data = admin_form_data(
        page,
        **{
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-member": str(helsinki.pk),
            "memberships-0-network": str(network.pk),
            "memberships-0-role": "member",
        },
    )
    response = editor_client.post(change(network), data)
    assert response.status_code == 200
    assert not NetworkMembership.objects.filter(network=network).exists()
    assert not helsinki.network_memberships.exists()


def test_editor_cannot_add_another_regions_actor_to_their_practice(editor_client, area):
    practice = make_practice(title="Turun työpaja", regions=[area["own"]])
    page = editor_client.get(change(practice))
    data = admin_form_data(
        page,
        **{
            "participations-TOTAL_FORMS": "1",
            "participations-0-actor": str(area["helsinki"].pk),
            "participations-0-practice": str(practice.pk),
            "participations-0-role": "partner",
        },
    )
    response = editor_client.post(change(practice), data)
    assert response.status_code == 200
    assert not Participation.objects.filter(practice=practice).exists()

    data["participations-0-actor"] = str(area["network"].pk)
    response = editor_client.post(change(practice), data)
    assert response.status_code == 302
    assert list(
        Participation.objects.filter(practice=practice).values_list("actor", flat=True)
    ) == [area["network"].pk]


def test_editor_cannot_give_another_regions_actor_a_contact(editor_client, area):
    contact = make_contact(actor=area["network"], name="Tiina Turku")
    page = editor_client.get(change(contact))
    response = editor_client.post(change(contact), admin_form_data(page, actor=area["helsinki"].pk))
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.actor == area["network"]


def test_editor_changes_a_shared_actor_but_never_removes_another_region(editor_client, area):
    shared = make_actor(
        name="Yhteinen säätiö", municipality=area["turku"], served_regions=[area["other"]]
    )
    page = editor_client.get(change(shared))
    assert page.status_code == 200

    response = editor_client.post(change(shared), admin_form_data(page, served_regions=[]))
    assert response.status_code == 200
    assert "niitä voi poistaa vain sen maakunnan toimittaja" in response.content.decode()
    assert list(shared.served_regions.all()) == [area["other"]]

    # What concerns their own region saves, and the other region stays.
    response = editor_client.post(change(shared), admin_form_data(page, name_fi="Uusi nimi"))
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.name == "Uusi nimi"
    assert list(shared.served_regions.all()) == [area["other"]]
    assert shared in Actor.objects.serving_regions([area["other"]])


def test_a_curator_may_remove_any_region(client, area):
    client.force_login(make_curator())
    shared = make_actor(municipality=area["turku"], served_regions=[area["other"]])
    page = client.get(change(shared))
    response = client.post(change(shared), admin_form_data(page, served_regions=[]))
    assert response.status_code == 302
    assert not shared.served_regions.exists()


def test_drafts_preview_only_for_editors_of_their_region(editor_client, area, client):
    own_draft = make_actor(status=Status.DRAFT, municipality=area["turku"])
    other_draft = make_actor(status=Status.DRAFT, municipality=area["helsinki"].municipality)
    assert editor_client.get(own_draft.get_absolute_url()).status_code == 200
    assert editor_client.get(other_draft.get_absolute_url()).status_code == 404
    own_practice = make_practice(status=Status.DRAFT, regions=[area["own"]])
    other_practice = make_practice(status=Status.DRAFT, regions=[area["other"]])
    assert editor_client.get(own_practice.get_absolute_url()).status_code == 200
    assert editor_client.get(other_practice.get_absolute_url()).status_code == 404


FORMULAS = ['=HYPERLINK("http://example.org/x","x")', "=1+1", "-cmd|' /C calc'!A0", "@SUM(A1)"]


@pytest.mark.parametrize("text", FORMULAS)
def test_admin_exports_write_formulas_as_text(area, text):
    actor = make_actor(name=text, municipality=area["turku"], phone=text)
    make_contact(actor=actor, name=text, phone=text, public=True)
    actors = ActorResource().export(queryset=Actor.objects.filter(pk=actor.pk))
    contacts = ContactResource().export(queryset=actor.contacts.all())
    for dataset in (actors, contacts):
        for export, delimiter in (("csv", ","), ("tsv", "\t")):
            rows = csv.reader(io.StringIO(dataset.export(export)), delimiter=delimiter)
            assert f"'{text}" in [cell for row in rows for cell in row]
        sheet = openpyxl.load_workbook(io.BytesIO(dataset.export("xlsx"))).active
        cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
        assert all(cell.data_type != "f" for cell in cells)
        assert f"'{text}" in [cell.value for cell in cells]


def test_admin_exports_leave_phone_numbers_as_they_are(area):
    actor = make_actor(municipality=area["turku"], phone="+358 40 123 4567")
    dataset = ActorResource().export(queryset=Actor.objects.filter(pk=actor.pk))
    assert "+358 40 123 4567" in dataset.export("csv")
    assert "'+358" not in dataset.export("csv")
