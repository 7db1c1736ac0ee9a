"""Organisations keep their own entry: the public "Lisää organisaatio" and update forms, and
the curator's approval in the admin (curation/proposals.py)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor
from curation.models import OrganisationProposal
from keko.models import Status
from tests.factories import (
    make_actor,
    make_contact,
    make_contact_role,
    make_curator,
    make_municipality,
    make_region,
    make_regional_editor,
    make_service,
    make_target_group,
    make_user,
)

pytestmark = pytest.mark.django_db

NEW = reverse("curation:organisation_new")
PREFIX = "yhteyshenkilot"


@pytest.fixture
def vocab():
    region = make_region(name_fi="Pirkanmaa")
    return {
        "region": region,
        "tampere": make_municipality(name_fi="Tampere", region=region),
        "nokia": make_municipality(name_fi="Nokia", region=region),
        "coaching": make_service(name="Työhönvalmennus"),
        "youth": make_target_group(name="Nuoret"),
        "role": make_contact_role(name="Yhteyshenkilö", slug="yhteyshenkilo"),
    }


def contacts(*rows, initial=0):
    data = {
        f"{PREFIX}-TOTAL_FORMS": str(len(rows)),
        f"{PREFIX}-INITIAL_FORMS": str(initial),
        f"{PREFIX}-MIN_NUM_FORMS": "1",
        f"{PREFIX}-MAX_NUM_FORMS": "20",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                value = "on"
            if value is False:
                continue
            data[f"{PREFIX}-{n}-{key}"] = value
    return data


def new_data(vocab, **changes):
    data = {
        "name": "Nokian Työpaja ry",
        "kind": "association",
        "business_id": "0201256-6",
        "description": "Työpajoja nuorille.",
        "website": "www.nokiantyopaja.example",
        "email": "info@nokiantyopaja.example",
        "phone": "03 123 4567",
        "street_address": "Pajakatu 1",
        "postal_code": "37100",
        "post_office": "Nokia",
        "municipality": str(vocab["nokia"].pk),
        "served_municipalities": [str(vocab["tampere"].pk)],
        "services": [str(vocab["coaching"].pk)],
        "target_groups": [str(vocab["youth"].pk)],
        "submitter_name": "Paula Paja",
        "submitter_email": "paula@nokiantyopaja.example",
        "message": "",
        "kotisivu": "",
        **contacts(
            {
                "role": str(vocab["role"].pk),
                "name": "Paula Paja",
                "title": "Toiminnanjohtaja",
                "email": "paula@nokiantyopaja.example",
                "phone": "",
                "public": True,
            }
        ),
    }
    data.update(changes)
    return data


def test_the_form_is_linked_from_every_actor_page_and_has_a_honeypot(client, vocab):
    actor = make_actor()
    page = client.get(actor.get_absolute_url()).content.decode()
    update = reverse("curation:organisation_update", kwargs={"slug": actor.slug})
    assert update in page and "Tämä on meidän organisaatiomme — päivitä tiedot" in page
    html = client.get(NEW).content.decode()
    assert "Lisää organisaatio" in html and "Jätä tämä kenttä tyhjäksi" in html
    assert 'tabindex="-1"' in html
    # The generic role is preselected for the first contact.
    assert f'<option value="{vocab["role"].pk}" selected>' in html


def test_a_new_organisation_becomes_a_draft_that_nobody_sees_before_approval(client, vocab):
    response = client.post(NEW, new_data(vocab), REMOTE_ADDR="10.1.0.1")
    assert response.status_code == 302
    assert response["Location"] == reverse("curation:organisation_new_thanks")
    assert "Kiitos, tiedot lähetetty" in client.get(response["Location"]).content.decode()

    actor = Actor.objects.get(name="Nokian Työpaja ry")
    assert actor.status == Status.DRAFT and actor.slug == "nokian-tyopaja-ry"
    assert actor.website == "https://www.nokiantyopaja.example"
    assert actor.business_id == "0201256-6" and actor.municipality == vocab["nokia"]
    assert list(actor.served_municipalities.all()) == [vocab["tampere"]]
    assert list(actor.services.all()) == [vocab["coaching"]]
    assert list(actor.target_groups.all()) == [vocab["youth"]]
    contact = actor.contacts.get()
    assert (contact.name, contact.title, contact.public) == ("Paula Paja", "Toiminnanjohtaja", True)
    proposal = OrganisationProposal.objects.get()
    assert proposal.kind == OrganisationProposal.Kind.NEW and proposal.actor == actor
    assert proposal.submitter_email == "paula@nokiantyopaja.example" and proposal.ip_hash

    # Not public: no page, not in the list, not in search.
    assert client.get(actor.get_absolute_url()).status_code == 404
    assert "Nokian Työpaja" not in client.get(reverse("directory:actors")).content.decode()
    search = client.get(reverse("directory:search"), {"q": "Nokian"}).content.decode()
    assert "Nokian Työpaja" not in search
    assert actor not in Actor.objects.published()


def test_a_bad_business_id_gets_the_admins_finnish_message_and_keeps_the_input(client, vocab):
    response = client.post(NEW, new_data(vocab, business_id="0201256-7"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Y-tunnuksen tarkistusmerkki ei täsmää." in html
    assert "Lomakkeessa on 1 virhe" in html and 'href="#id_business_id"' in html
    assert 'aria-invalid="true"' in html
    # Everything typed is still there, the contact and the checked boxes too.
    assert 'value="Nokian Työpaja ry"' in html and 'value="Toiminnanjohtaja"' in html
    assert f'value="{vocab["coaching"].pk}"' in html and "checked" in html
    assert response.context["form"]["website"].value() == "www.nokiantyopaja.example"
    assert not Actor.objects.exists() and not OrganisationProposal.objects.exists()

    response = client.post(NEW, new_data(vocab, business_id="201256-6"))
    assert "Y-tunnuksen muoto on 1234567-8." in response.content.decode()


def test_a_business_id_already_in_the_directory_is_refused_by_name(client, vocab):
    make_actor(name="Vanha Paja ry", business_id="0201256-6")
    html = client.post(NEW, new_data(vocab)).content.decode()
    assert "Y-tunnus 0201256-6 on jo hakemistossa: Vanha Paja ry." in html
    make_actor(name="Luonnos", business_id="1572860-0", status=Status.DRAFT)
    html = client.post(NEW, new_data(vocab, business_id="1572860-0")).content.decode()
    assert "odottaa ylläpidon tarkistusta" in html and "Luonnos" not in html
    assert Actor.objects.count() == 2


def test_contacts_areas_and_required_fields_have_clear_messages(client, vocab):
    data = new_data(vocab, name="", kind="", email="ei-osoite", municipality="")
    data.pop("served_municipalities")
    data.update(contacts({"role": str(vocab["role"].pk), "name": "", "email": "", "phone": ""}))
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Organisaation nimi: Tämä kenttä vaaditaan.",
        "Anna yhteyshenkilön nimi.",
        "Anna sähköposti tai puhelinnumero.",
        "Kerro, missä organisaatio toimii",
        "Syötä kelvollinen sähköpostiosoite.",
    ):
        assert message in html, message
    assert f'href="#id_{PREFIX}-0-name"' in html
    assert not Actor.objects.exists()

    # The only contact marked for removal does not count either (the update form's case).
    data = new_data(vocab, submitter_email="")
    response = client.post(NEW, data)
    assert "Sähköpostisi: Tämä kenttä vaaditaan." in response.content.decode()


def test_an_unknown_area_choice_marks_its_checkboxes_invalid_and_keeps_the_others(client, vocab):
    data = new_data(vocab, served_regions=["999999"])
    html = client.post(NEW, data).content.decode()
    assert 'href="#fs-served_regions"' in html and "999999 ei ole vaihtoehtojen joukossa" in html
    group = re.search(
        r'<fieldset class="field choices" id="fs-served_regions">.*?</fieldset>', html, re.S
    )
    boxes = re.findall(r'<input type="checkbox" name="served_regions"[^>]*>', group[0])
    assert boxes and all('aria-invalid="true"' in box for box in boxes)
    assert re.search(r'<ul class="plain-list columns" id="id_served_regions"><li><input', group[0])
    # The other groups are valid, and what was ticked in them stays ticked.
    services = re.findall(r'<input type="checkbox" name="services"[^>]*>', html)
    assert services and not any("aria-invalid" in box for box in services)
    assert f'value="{vocab["coaching"].pk}" id="id_services_' in html
    assert any(f'value="{vocab["coaching"].pk}"' in box and "checked" in box for box in services)
    assert re.search(
        r'<select name="municipality"[^>]*>.*<option value="[0-9]+" selected>', html, re.S
    )


def test_adding_a_contact_row_keeps_everything_and_shows_no_errors(client, vocab):
    data = new_data(vocab, name="")
    data["lisaa_yhteyshenkilo"] = "1"
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["contacts"].forms) == 2
    assert 'id="yhteyshenkilo-2"' in html and "Yhteyshenkilö 2" in html
    assert "Lomakkeessa on" not in html and "vaaditaan" not in html
    assert 'value="Toiminnanjohtaja"' in html
    assert not Actor.objects.exists()

    # Submitted with the new row filled in: two contacts.
    data = new_data(vocab)
    data.update(
        contacts(
            {"role": str(vocab["role"].pk), "name": "Paula Paja", "email": "p@x.example"},
            {"role": str(vocab["role"].pk), "name": "Ossi Ohjaaja", "phone": "040 1"},
        )
    )
    assert client.post(NEW, data).status_code == 302
    assert Actor.objects.get().contacts.count() == 2


def test_an_empty_extra_contact_row_is_ignored(client, vocab):
    data = new_data(vocab)
    data[f"{PREFIX}-TOTAL_FORMS"] = "2"
    data[f"{PREFIX}-1-role"] = str(vocab["role"].pk)
    assert client.post(NEW, data).status_code == 302
    assert Actor.objects.get().contacts.count() == 1


def test_honeypot_and_rate_limit(client, vocab):
    address = {"REMOTE_ADDR": "10.1.0.9"}
    response = client.post(NEW, new_data(vocab, kotisivu="https://roskaa.example"), **address)
    assert response.status_code == 302 and not Actor.objects.exists()
    for n in range(4):
        data = new_data(vocab, name=f"Paja {n}", business_id="")
        assert client.post(NEW, data, **address).status_code == 302
    # Invalid submissions are not counted, so the visitor can still correct theirs...
    assert client.post(NEW, new_data(vocab, name=""), **address).status_code == 200
    # ...but the sixth complete one within the hour (the honeypot's counted too) is refused.
    response = client.post(NEW, new_data(vocab, business_id=""), **address)
    assert response.status_code == 429 and "Retry-After" in response
    assert "Liian monta ilmoitusta" in response.content.decode()
    assert Actor.objects.count() == 4
    other = client.post(NEW, new_data(vocab, business_id=""), REMOTE_ADDR="10.1.0.10")
    assert other.status_code == 302


def test_form_rejects_a_post_without_a_csrf_token(vocab):
    response = Client(enforce_csrf_checks=True).post(NEW, new_data(vocab))
    assert response.status_code == 403 and not Actor.objects.exists()


# --- Changes to a published actor ------------------------------------------------------------


@pytest.fixture
def published(vocab):
    actor = make_actor(
        name="Tampereen Paja ry",
        business_id="0201256-6",
        municipality=vocab["tampere"],
        phone="03 000 000",
        services=[vocab["coaching"]],
    )
    public = make_contact(
        actor=actor, role=vocab["role"], name="Julkinen Henkilö", email="j@x.example", public=True
    )
    private = make_contact(actor=actor, role=vocab["role"], name="Salainen Henkilö", public=False)
    return actor, public, private


def update_url(actor):
    return reverse("curation:organisation_update", kwargs={"slug": actor.slug})


def update_data(client, actor, **changes):
    """The update form's data as the page shows it, with `changes`."""
    response = client.get(update_url(actor))
    form, formset = response.context["form"], response.context["contacts"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    for key in formset.management_form.fields:
        data[f"{PREFIX}-{key}"] = str(formset.management_form[key].value())
    for contact in formset.forms:
        for name in contact.fields:
            value = contact[name].value()
            if value is True:
                data[contact.add_prefix(name)] = "on"
            elif value not in (None, False):
                data[contact.add_prefix(name)] = str(value)
    data.update({"submitter_email": "paja@x.example", "submitter_name": "", "kotisivu": ""})
    data.update(changes)
    return data


def test_the_update_form_shows_the_public_data_but_no_private_contact(client, published):
    actor, public, private = published
    html = client.get(update_url(actor)).content.decode()
    assert 'value="Tampereen Paja ry"' in html and 'value="03 000 000"' in html
    assert "Julkinen Henkilö" in html and "Salainen Henkilö" not in html
    assert str(private.uuid) not in html
    draft = make_actor(status=Status.DRAFT)
    assert client.get(update_url(draft)).status_code == 404


def test_a_change_is_kept_as_a_proposal_until_a_curator_approves_it(client, published, vocab):
    actor, public, private = published
    data = update_data(
        client,
        actor,
        phone="03 111 111",
        served_regions=[str(vocab["region"].pk)],
        message="Puhelinnumero vaihtui.",
    )
    data[f"{PREFIX}-0-DELETE"] = "on"  # the public contact leaves
    data[f"{PREFIX}-TOTAL_FORMS"] = "2"
    data.update(
        {
            f"{PREFIX}-1-role": str(vocab["role"].pk),
            f"{PREFIX}-1-name": "Uusi Ohjaaja",
            f"{PREFIX}-1-email": "uusi@x.example",
            f"{PREFIX}-1-public": "on",
        }
    )
    response = client.post(update_url(actor), data)
    assert response.status_code == 302
    assert response["Location"].endswith("/paivita/kiitos/")
    proposal = OrganisationProposal.objects.get()
    assert proposal.kind == OrganisationProposal.Kind.CHANGE and proposal.actor == actor
    assert proposal.data["fields"] == {"phone": "03 111 111"}
    assert proposal.data["links"] == {"served_regions": [vocab["region"].pk]}
    assert proposal.data["removed_contacts"] == [str(public.uuid)]
    assert [c["name"] for c in proposal.data["contacts"]] == ["Uusi Ohjaaja"]
    # Nothing public has changed.
    actor.refresh_from_db()
    assert actor.phone == "03 000 000" and not actor.served_regions.exists()
    assert actor.contacts.count() == 2
    page = client.get(actor.get_absolute_url()).content.decode()
    assert "03 111 111" not in page and "Uusi Ohjaaja" not in page

    # A curator reads the changes and approves them on the proposal's page.
    curator = make_curator()
    client.force_login(curator)
    change = reverse("admin:curation_organisationproposal_change", args=[proposal.pk])
    html = client.get(change).content.decode()
    assert "03 000 000" in html and "03 111 111" in html and "Uusi Ohjaaja" in html
    assert "Hyväksy ja tee muutokset" in html
    response = client.post(change, {"_approve": "1"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == OrganisationProposal.Status.APPROVED
    assert proposal.handled_by == curator
    actor.refresh_from_db()
    assert actor.phone == "03 111 111"
    assert list(actor.served_regions.all()) == [vocab["region"]]
    assert set(actor.contacts.values_list("name", flat=True)) == {
        "Uusi Ohjaaja",
        "Salainen Henkilö",  # the private contact, never shown to the visitor, stays
    }
    assert actor.verified_on == timezone.localdate()
    assert actor.verified_by == "vahvistanut organisaatio itse"
    assert actor.history.first().history_user == curator
    client.logout()
    assert "03 111 111" in client.get(actor.get_absolute_url()).content.decode()


def test_approving_applies_only_what_the_organisation_changed(client, published):
    actor, _public, _private = published
    client.post(update_url(actor), update_data(client, actor, phone="03 111 111"))
    proposal = OrganisationProposal.objects.get()
    # A curator edits another field meanwhile: the approval leaves it alone.
    Actor.objects.filter(pk=actor.pk).update(description="Kuraattorin kuvaus")
    from curation import proposals

    proposals.approve(proposal=proposal, user=make_curator())
    actor.refresh_from_db()
    assert (actor.phone, actor.description) == ("03 111 111", "Kuraattorin kuvaus")


def test_a_change_that_became_invalid_is_not_applied(client, published):
    actor, _public, _private = published
    client.post(update_url(actor), update_data(client, actor, business_id="1572860-0"))
    proposal = OrganisationProposal.objects.get()
    make_actor(name="Toinen", business_id="1572860-0")
    client.force_login(make_curator())
    change = reverse("admin:curation_organisationproposal_change", args=[proposal.pk])
    response = client.post(change, {"_approve": "1"}, follow=True)
    assert "Y-tunnus 1572860-0 on jo hakemistossa: Toinen." in response.content.decode()
    proposal.refresh_from_db()
    actor.refresh_from_db()
    assert proposal.status == OrganisationProposal.Status.NEW
    assert actor.business_id == "0201256-6"


def test_an_update_without_changes_asks_for_one(client, published):
    actor, _public, _private = published
    response = client.post(update_url(actor), update_data(client, actor))
    assert response.status_code == 200
    assert "Et muuttanut mitään tietoja" in response.content.decode()
    assert not OrganisationProposal.objects.exists()
    # A message alone is enough.
    data = update_data(client, actor, message="Toimintamme päättyy vuoden lopussa.")
    assert client.post(update_url(actor), data).status_code == 302


def test_a_posted_contact_id_must_be_a_public_contact_of_the_actor(client, published):
    actor, public, private = published
    data = update_data(client, actor, phone="03 1")
    data[f"{PREFIX}-0-existing"] = str(private.uuid)
    data[f"{PREFIX}-0-name"] = "Kaapattu"
    html = client.post(update_url(actor), data).content.decode()
    assert "Tätä yhteyshenkilöä ei löydy" in html
    assert not OrganisationProposal.objects.exists()
    # Removing every contact and adding none is refused too.
    data = update_data(client, actor, phone="03 1")
    data[f"{PREFIX}-0-DELETE"] = "on"
    html = client.post(update_url(actor), data).content.decode()
    assert "Anna vähintään yksi yhteyshenkilö." in html


# --- The curator's decision --------------------------------------------------------------


def test_curator_approves_a_new_organisation_which_publishes_it(client, vocab):
    client.post(NEW, new_data(vocab))
    proposal = OrganisationProposal.objects.get()
    curator = make_curator()
    client.force_login(curator)
    changelist = reverse("admin:curation_organisationproposal_changelist")
    assert "Nokian Työpaja ry" in client.get(changelist).content.decode()
    change = reverse("admin:curation_organisationproposal_change", args=[proposal.pk])
    assert "Hyväksy ja julkaise" in client.get(change).content.decode()
    client.post(changelist, {"action": "approve_selected", "_selected_action": [proposal.pk]})
    actor = Actor.objects.get()
    assert actor.status == Status.PUBLISHED and actor.verified_on == timezone.localdate()
    client.logout()
    assert client.get(actor.get_absolute_url()).status_code == 200
    # Handled once only.
    client.force_login(curator)
    client.post(changelist, {"action": "reject_selected", "_selected_action": [proposal.pk]})
    proposal.refresh_from_db()
    assert proposal.status == OrganisationProposal.Status.APPROVED
    assert Actor.objects.filter(pk=actor.pk).exists()


def test_rejecting_a_new_organisation_deletes_its_draft(client, vocab):
    client.post(NEW, new_data(vocab))
    proposal = OrganisationProposal.objects.get()
    client.force_login(make_curator())
    change = reverse("admin:curation_organisationproposal_change", args=[proposal.pk])
    client.post(change, {"_reject": "1"})
    proposal.refresh_from_db()
    assert proposal.status == OrganisationProposal.Status.REJECTED and proposal.actor is None
    assert proposal.actor_name == "Nokian Työpaja ry"
    assert not Actor.objects.exists()


def test_regional_editors_see_the_proposals_of_their_regions_only(client, vocab):
    client.post(NEW, new_data(vocab))
    other = make_municipality()
    elsewhere = new_data(vocab, name="Muualla ry", business_id="", municipality=str(other.pk))
    elsewhere.pop("served_municipalities")  # Tampere's: it would serve Pirkanmaa too
    client.post(NEW, elsewhere, REMOTE_ADDR="10.1.0.2")
    editor = make_regional_editor(regions=[vocab["region"]])
    client.force_login(editor)
    changelist = client.get(reverse("admin:curation_organisationproposal_changelist"))
    html = changelist.content.decode()
    assert "Nokian Työpaja ry" in html and "Muualla ry" not in html
    mine = OrganisationProposal.objects.get(actor_name="Nokian Työpaja ry")
    client.post(
        reverse("admin:curation_organisationproposal_changelist"),
        {"action": "approve_selected", "_selected_action": [mine.pk]},
    )
    assert Actor.objects.get(name="Nokian Työpaja ry").status == Status.PUBLISHED


def test_anonymous_and_plain_staff_cannot_decide(client, vocab):
    client.post(NEW, new_data(vocab))
    proposal = OrganisationProposal.objects.get()
    change = reverse("admin:curation_organisationproposal_change", args=[proposal.pk])
    assert client.post(change, {"_approve": "1"}).status_code == 302  # to the login page
    client.force_login(make_user())  # staff, in no group
    assert client.post(change, {"_approve": "1"}).status_code == 403
    changelist = reverse("admin:curation_organisationproposal_changelist")
    client.post(changelist, {"action": "approve_selected", "_selected_action": [proposal.pk]})
    assert Actor.objects.get().status == Status.DRAFT
    proposal.refresh_from_db()
    assert proposal.status == OrganisationProposal.Status.NEW
