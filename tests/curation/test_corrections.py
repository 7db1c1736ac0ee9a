"""The public "suggest a correction" form, over HTTP."""

import pytest
from django.test import Client
from django.urls import reverse

from curation.models import CorrectionRequest
from keko.models import Status
from tests.factories import make_actor, make_correction, make_curator, make_practice

pytestmark = pytest.mark.django_db

VALID = {
    "what_is_wrong": "Puhelinnumero ei ole enää käytössä.",
    "proposed_fix": "Uusi numero on 040 123 4567.",
    "email": "",
    "kotisivu": "",
}


def test_actor_page_links_to_the_form_and_a_submission_lands_in_the_admin(client):
    actor = make_actor(name="Työpaja ry", phone="08 000 000")
    url = reverse("curation:actor_correction", kwargs={"slug": actor.slug})
    assert url in client.get(actor.get_absolute_url()).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'tabindex="-1"' in html and 'aria-hidden="true"' in html
    assert "Jätä tämä kenttä tyhjäksi" in html

    response = client.post(url, {**VALID, "email": "kavija@example.fi"}, REMOTE_ADDR="10.0.0.1")
    thanks = reverse("curation:actor_correction_thanks", kwargs={"slug": actor.slug})
    assert response.status_code == 302 and response["Location"] == thanks
    assert "Kiitos korjausehdotuksesta" in client.get(thanks).content.decode()
    correction = CorrectionRequest.objects.get()
    assert (correction.actor, correction.status) == (actor, CorrectionRequest.Status.NEW)
    assert correction.email == "kavija@example.fi"
    assert correction.ip_hash and "10.0.0.1" not in correction.ip_hash
    actor.refresh_from_db()
    assert actor.phone == "08 000 000"  # never changes public data by itself


def test_practice_pages_take_corrections_too(client):
    practice = make_practice()
    url = reverse("curation:practice_correction", kwargs={"slug": practice.slug})
    assert url in client.get(practice.get_absolute_url()).content.decode()
    assert client.post(url, VALID).status_code == 302
    assert CorrectionRequest.objects.get().practice == practice


def test_drafts_take_no_corrections(client):
    draft = make_actor(status=Status.DRAFT)
    url = reverse("curation:actor_correction", kwargs={"slug": draft.slug})
    assert client.get(url).status_code == 404
    assert client.post(url, VALID).status_code == 404
    assert not CorrectionRequest.objects.exists()


def test_honeypot_gets_a_thank_you_but_nothing_is_stored(client):
    actor = make_actor()
    response = client.post(
        reverse("curation:actor_correction", kwargs={"slug": actor.slug}),
        {**VALID, "kotisivu": "https://roskapostia.example"},
    )
    assert response.status_code == 302
    assert not CorrectionRequest.objects.exists()


def test_required_fields_and_length_limits(client):
    actor = make_actor()
    url = reverse("curation:actor_correction", kwargs={"slug": actor.slug})
    response = client.post(url, {**VALID, "what_is_wrong": "", "proposed_fix": "x" * 2001})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"what_is_wrong", "proposed_fix"}
    response = client.post(url, {**VALID, "email": "ei-osoite"})
    assert "email" in response.context["form"].errors
    assert not CorrectionRequest.objects.exists()


def test_rate_limit_per_address(client):
    actor = make_actor()
    url = reverse("curation:actor_correction", kwargs={"slug": actor.slug})
    for _ in range(5):
        assert client.post(url, VALID, REMOTE_ADDR="10.0.0.2").status_code == 302
    response = client.post(url, VALID, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 429
    assert "Liian monta" in response.content.decode()
    assert client.post(url, VALID, REMOTE_ADDR="10.0.0.3").status_code == 302
    assert CorrectionRequest.objects.count() == 6


def test_form_rejects_a_post_without_a_csrf_token():
    actor = make_actor()
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        reverse("curation:actor_correction", kwargs={"slug": actor.slug}), VALID
    )
    assert response.status_code == 403
    assert not CorrectionRequest.objects.exists()


def test_curator_resolves_corrections_in_the_admin(client):
    curator = make_curator()
    client.force_login(curator)
    correction = make_correction()
    changelist = reverse("admin:curation_correctionrequest_changelist")
    assert correction.what_is_wrong[:20] in client.get(changelist).content.decode()
    client.post(changelist, {"action": "mark_applied", "_selected_action": [correction.pk]})
    correction.refresh_from_db()
    assert correction.status == CorrectionRequest.Status.APPLIED
    assert correction.handled_by == curator and correction.handled_at is not None
    assert client.get(reverse("admin:curation_correctionrequest_add")).status_code == 403


def test_a_correction_belongs_to_exactly_one_entry():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CorrectionRequest.objects.create(what_is_wrong="x", proposed_fix="y")
    with pytest.raises(IntegrityError), transaction.atomic():
        CorrectionRequest.objects.create(
            actor=make_actor(), practice=make_practice(), what_is_wrong="x", proposed_fix="y"
        )
