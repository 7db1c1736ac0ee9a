"""Regional editors, over HTTP: each forbidden action is tried and refused on the server."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from actors.models import Actor, ActorKind, Contact
from curation.permissions import CURATOR_GROUP, REGIONAL_EDITOR_GROUP
from funding.models import FundingSource
from glossary.models import Term
from keko.models import Status
from practices.models import Practice
from tests.curation.admin_post import admin_form_data, change
from tests.factories import (
    make_actor,
    make_contact,
    make_contact_role,
    make_correction,
    make_curator,
    make_funding_source,
    make_municipality,
    make_practice,
    make_region,
    make_regional_editor,
    make_term,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    """Two regions: the editor's own (with Oulu) and another one (with Espoo)."""
    own, other = make_region(name_fi="Pohjois-Pohjanmaa"), make_region(name_fi="Uusimaa")
    return {
        "own": own,
        "other": other,
        "oulu": make_municipality(name_fi="Oulu", region=own),
        "espoo": make_municipality(name_fi="Espoo", region=other),
    }


@pytest.fixture
def editor_client(client, area):
    client.force_login(make_regional_editor(regions=[area["own"]]))
    return client


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_groups_are_created_by_migration_and_command():
    call_command("setup_groups", stdout=io.StringIO())
    call_command("setup_groups", stdout=io.StringIO())  # idempotent
    curator = Group.objects.get(name=CURATOR_GROUP)
    editor = Group.objects.get(name=REGIONAL_EDITOR_GROUP)
    codes = set(editor.permissions.values_list("codename", flat=True))
    assert {"change_actor", "add_practice", "view_term", "view_fundingsource"} <= codes
    assert not codes & {"change_term", "add_term", "change_fundingsource", "delete_actor"}
    assert curator.permissions.filter(codename="edit_all_regions").exists()
    assert curator.permissions.filter(codename="change_term").exists()


def test_editor_sees_only_actors_of_their_regions(editor_client, area):
    based = make_actor(municipality=area["oulu"])
    serving = make_actor(municipality=area["espoo"], served_municipalities=[area["oulu"]])
    elsewhere = make_actor(municipality=area["espoo"])
    response = editor_client.get(changelist(Actor))
    assert set(response.context["cl"].result_list) == {based, serving}
    assert elsewhere not in response.context["cl"].result_list


def test_editor_cannot_open_or_change_another_regions_actor(editor_client, area):
    elsewhere = make_actor(name="Espoolainen", municipality=area["espoo"])
    response = editor_client.get(change(elsewhere))
    assert response.status_code == 302  # "does not exist" back to the admin index
    response = editor_client.post(change(elsewhere), {"name_fi": "Kaapattu", "seen_version": 1})
    assert response.status_code == 302
    assert Actor.objects.get(pk=elsewhere.pk).name == "Espoolainen"
    history = reverse("admin:actors_actor_history", args=[elsewhere.pk])
    assert editor_client.get(history).status_code == 404
    record = elsewhere.history.first()
    revert = reverse("admin:actors_actor_simple_history", args=[elsewhere.pk, record.pk])
    assert editor_client.post(revert, {"name": "Kaapattu"}).status_code == 404


def test_editor_changes_own_actor_but_cannot_move_it_outside_their_regions(editor_client, area):
    own = make_actor(name="Oululainen", municipality=area["oulu"])
    page = editor_client.get(change(own))
    assert page.status_code == 200
    response = editor_client.post(
        change(own), admin_form_data(page, name_fi="Uusi nimi", municipality=area["espoo"].pk)
    )
    assert response.status_code == 200
    assert "Voit valita vain omien maakuntiesi alueita" in response.content.decode()
    assert Actor.objects.get(pk=own.pk).name == "Oululainen"

    response = editor_client.post(change(own), admin_form_data(page, name_fi="Uusi nimi"))
    assert response.status_code == 302
    assert Actor.objects.get(pk=own.pk).name == "Uusi nimi"


def test_editor_adds_an_actor_of_their_region_only(editor_client, area):
    data = {
        "name_fi": "Uusi yhdistys",
        "slug": "uusi-yhdistys",
        "kind": ActorKind.ASSOCIATION,
        "status": Status.DRAFT,
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    add = reverse("admin:actors_actor_add")
    response = editor_client.post(add, {**data, "municipality": area["espoo"].pk})
    assert response.status_code == 200
    assert not Actor.objects.filter(slug="uusi-yhdistys").exists()
    response = editor_client.post(add, {**data, "municipality": area["oulu"].pk})
    assert response.status_code == 302
    assert Actor.objects.get(slug="uusi-yhdistys").municipality == area["oulu"]


def test_editor_cannot_delete_actors(editor_client, area):
    own = make_actor(municipality=area["oulu"])
    delete = reverse("admin:actors_actor_delete", args=[own.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert Actor.objects.filter(pk=own.pk).exists()


def test_editor_publishes_own_actors_but_not_others_by_action(editor_client, area):
    own = make_actor(municipality=area["oulu"], status=Status.DRAFT)
    elsewhere = make_actor(municipality=area["espoo"], status=Status.DRAFT)
    editor_client.post(
        changelist(Actor), {"action": "publish", "_selected_action": [own.pk, elsewhere.pk]}
    )
    assert Actor.objects.get(pk=own.pk).status == Status.PUBLISHED
    assert Actor.objects.get(pk=elsewhere.pk).status == Status.DRAFT


def test_editor_cannot_add_change_or_publish_glossary_terms(editor_client):
    term = make_term(status=Status.DRAFT, term="Välityömarkkinat")
    assert editor_client.get(changelist(Term)).status_code == 200  # read-only
    assert editor_client.get(reverse("admin:glossary_term_add")).status_code == 403
    response = editor_client.post(
        reverse("admin:glossary_term_add"),
        {"term": "Uusi", "slug": "uusi", "definition": "x", "category": "markets"},
    )
    assert response.status_code == 403
    assert not Term.objects.filter(slug="uusi").exists()
    page = editor_client.get(change(term))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    editor_client.post(change(term), {"term": "Muutettu", "seen_version": 1})
    editor_client.post(changelist(Term), {"action": "publish", "_selected_action": [term.pk]})
    term.refresh_from_db()
    assert (term.term, term.status) == ("Välityömarkkinat", Status.DRAFT)
    record = term.history.first()
    revert = reverse("admin:glossary_term_simple_history", args=[term.pk, record.pk])
    assert editor_client.post(revert, {"term": "Muutettu"}).status_code == 403


def test_editor_cannot_publish_or_change_funding(editor_client):
    source = make_funding_source(status=Status.DRAFT)
    response = editor_client.post(
        changelist(FundingSource), {"action": "publish", "_selected_action": [source.pk]}
    )
    assert response.status_code in (200, 302)
    assert FundingSource.objects.get(pk=source.pk).status == Status.DRAFT
    assert editor_client.get(reverse("admin:funding_fundingsource_add")).status_code == 403
    # No bulk action at all: publishing needs the change permission.
    assert editor_client.get(changelist(FundingSource)).context["action_form"] is None


def test_editor_practices_are_limited_to_their_regions(editor_client, area):
    own = make_practice(regions=[area["own"]], title="Oma")
    elsewhere = make_practice(regions=[area["other"]], title="Muu")
    response = editor_client.get(changelist(Practice))
    assert list(response.context["cl"].result_list) == [own]
    assert editor_client.get(change(elsewhere)).status_code == 302
    page = editor_client.get(change(own))
    response = editor_client.post(
        change(own), admin_form_data(page, regions=[area["other"].pk], title="Siirretty")
    )
    assert response.status_code == 200
    assert Practice.objects.get(pk=own.pk).title == "Oma"


def test_editor_contacts_are_limited_and_exports_leave_private_ones_out(editor_client, area):
    own = make_actor(municipality=area["oulu"])
    public = make_contact(actor=own, name="Julkinen Henkilö", public=True)
    make_contact(actor=own, name="Salainen Henkilö", public=False)
    elsewhere = make_contact(actor=make_actor(municipality=area["espoo"]), name="Muu Henkilö")
    response = editor_client.get(reverse("admin:actors_contact_changelist"))
    assert public in response.context["cl"].result_list
    assert elsewhere not in response.context["cl"].result_list
    assert editor_client.get(change(elsewhere)).status_code == 302

    export = reverse("admin:actors_contact_export")
    page = editor_client.get(export)
    assert len(page.context["form"].fields["resource"].choices) == 1
    response = editor_client.post(export, {"format": "0", "resource": "1"})
    assert "attachment" not in response.get("Content-Disposition", "")  # the form again
    response = editor_client.post(
        export, {"format": "0", "resource": "0", "contactresource_name": "on"}
    )
    csv = response.content.decode()
    assert response["Content-Disposition"].startswith("attachment")
    assert "Julkinen Henkilö" in csv
    assert "Salainen Henkilö" not in csv
    assert "Muu Henkilö" not in csv


def test_editor_cannot_import_actors(editor_client):
    assert editor_client.get(reverse("admin:actors_actor_import")).status_code == 403


def test_staff_without_a_group_or_regions_sees_nothing(client, area):
    user = make_user()
    user.user_permissions.add(*Group.objects.get(name=REGIONAL_EDITOR_GROUP).permissions.all())
    make_actor(municipality=area["oulu"])
    client.force_login(user)
    assert list(client.get(changelist(Actor)).context["cl"].result_list) == []


def test_curator_exports_private_contacts_only_when_asking(client):
    client.force_login(make_curator())
    make_contact(name="Julkinen Henkilö", public=True, role=make_contact_role())
    make_contact(name="Salainen Henkilö", public=False)
    export = reverse("admin:actors_contact_export")
    page = client.get(export)
    assert len(page.context["form"].fields["resource"].choices) == 2
    plain = client.post(export, {"format": "0", "resource": "0", "contactresource_name": "on"})
    assert plain["Content-Disposition"].startswith("attachment")
    assert plain.content.decode().split() == ["name", "Julkinen", "Henkilö"]
    everything = client.post(
        export, {"format": "0", "resource": "1", "contactwithprivateresource_name": "on"}
    )
    assert "Salainen Henkilö" in everything.content.decode()
    assert Contact.objects.count() == 2


def test_editor_sees_corrections_of_their_regions_only(editor_client, area):
    own = make_correction(actor=make_actor(municipality=area["oulu"]))
    practice = make_correction(practice=make_practice(regions=[area["own"]]))
    elsewhere = make_correction(actor=make_actor(municipality=area["espoo"]))
    response = editor_client.get(reverse("admin:curation_correctionrequest_changelist"))
    assert set(response.context["cl"].result_list) == {own, practice}
    assert editor_client.get(change(elsewhere)).status_code == 302
