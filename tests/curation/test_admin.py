"""The curated models' admin, over HTTP: pages, workflow actions, freshness, history."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor
from funding.models import FundingSource
from glossary.models import Term
from keko.models import Status
from practices.models import Practice
from tests.curation.admin_post import admin_form_data
from tests.factories import (
    make_actor,
    make_contact,
    make_correction,
    make_funding_source,
    make_membership,
    make_municipality,
    make_practice,
    make_term,
    make_window,
)

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def change(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_every_admin_page_of_every_model_loads_for_a_curator(curator_client):
    actor = make_actor(municipality=make_municipality())
    contact = make_contact(actor=actor)
    make_membership(member=actor)
    source = make_funding_source(administrator=actor)
    make_window(funding_source=source)
    practice = make_practice(participants=[actor])
    term = make_term()
    correction = make_correction(actor=actor)
    assert curator_client.get(reverse("admin:index")).status_code == 200
    for obj in [actor, contact, source, practice, term, correction]:
        model = type(obj)
        opts = model._meta
        assert curator_client.get(changelist(model)).status_code == 200, opts.label
        assert curator_client.get(change(obj)).status_code == 200, opts.label
        history = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        assert curator_client.get(history).status_code == 200, opts.label
    for model in [Actor, FundingSource, Practice, Term]:
        add = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        assert curator_client.get(add).status_code == 200
    for name in [
        "actors_region",
        "actors_municipality",
        "actors_servicetype",
        "funding_projectfunding",
        "curation_regionaleditor",
        "actors_contactrole",
        "funding_applicanttype",
    ]:
        assert curator_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_new_entries_start_as_drafts_and_staff_preview_them(curator_client, client):
    response = curator_client.get(reverse("admin:glossary_term_add"))
    assert response.context["adminform"].form["status"].value() == Status.DRAFT
    draft = make_actor(status=Status.DRAFT)
    assert curator_client.get(draft.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_list_shows_a_link_to_the_public_page(curator_client):
    actor = make_actor()
    response = curator_client.get(changelist(Actor))
    assert actor.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize(
    "make, model",
    [
        (make_actor, Actor),
        (make_funding_source, FundingSource),
        (make_practice, Practice),
        (make_term, Term),
    ],
)
def test_bulk_publish_unpublish_and_mark_verified(curator_client, make, model):
    drafts = [make(status=Status.DRAFT), make(status=Status.DRAFT)]
    other = make(status=Status.DRAFT)
    pks = [str(d.pk) for d in drafts]

    response = curator_client.post(
        changelist(model), {"action": "publish", "_selected_action": pks}, follow=True
    )
    assert "2 merkintää julkaistu" in response.content.decode()
    assert set(model.objects.published()) == set(drafts)
    assert model.objects.get(pk=other.pk).status == Status.DRAFT
    assert all(d.version == 2 for d in model.objects.filter(pk__in=pks))
    record = drafts[0].history.first()
    assert record.history_user is not None and record.status == Status.PUBLISHED

    curator_client.post(changelist(model), {"action": "mark_verified", "_selected_action": pks})
    assert {e.verified_on for e in model.objects.filter(pk__in=pks)} == {timezone.localdate()}

    curator_client.post(changelist(model), {"action": "unpublish", "_selected_action": pks[:1]})
    assert model.objects.get(pk=pks[0]).status == Status.DRAFT
    assert model.objects.get(pk=pks[1]).status == Status.PUBLISHED


def test_freshness_filter_lists_entries_not_verified_for_twelve_months(curator_client):
    today = timezone.localdate()
    fresh = make_actor(verified_on=today - datetime.timedelta(days=30))
    old = make_actor(verified_on=today - datetime.timedelta(days=400))
    never = make_actor(verified_on=None)
    response = curator_client.get(changelist(Actor), {"tarkistettu": "yli-12kk"})
    assert set(response.context["cl"].result_list) == {old, never}
    response = curator_client.get(changelist(Actor), {"tarkistettu": "12kk"})
    assert list(response.context["cl"].result_list) == [fresh]
    response = curator_client.get(changelist(Term), {"tarkistettu": "ei"})
    assert response.status_code == 200
    assert "(vanhentunut)" in curator_client.get(changelist(Actor)).content.decode()


def test_admin_index_counts_stale_actors_per_region(curator_client, django_assert_max_num_queries):
    oulu, espoo = make_municipality(name_fi="Oulu"), make_municipality(name_fi="Espoo")
    old = timezone.localdate() - datetime.timedelta(days=500)
    make_actor(municipality=oulu, verified_on=old)
    make_actor(municipality=oulu, verified_on=None)
    make_actor(municipality=oulu, verified_on=timezone.localdate())
    make_actor(municipality=espoo, verified_on=timezone.localdate())
    response = curator_client.get(reverse("admin:index"))
    html = response.content.decode()
    assert "Vanhentuneet tiedot maakunnittain" in html
    assert f"municipality__region__id__exact={oulu.region_id}" in html
    rows = {r["region_name"]: (r["stale"], r["total"]) for r in response.context["rows"]}
    assert rows[oulu.region.name_fi] == (2, 3)
    assert rows[espoo.region.name_fi] == (0, 1)
    # One aggregate query for the table, however many regions and actors.
    make_actor(municipality=make_municipality(), verified_on=None)
    with django_assert_max_num_queries(12):
        curator_client.get(reverse("admin:index"))


def test_history_records_who_changed_what_and_revert_restores_it(curator_client):
    actor = make_actor(name="Vanha nimi", municipality=make_municipality())
    page = curator_client.get(change(actor))
    response = curator_client.post(change(actor), admin_form_data(page, name_fi="Uusi nimi"))
    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.name == "Uusi nimi"
    newest, original = actor.history.all()[:2]
    assert newest.history_user.groups.filter(name="Kuraattori").exists()
    assert [c.field for c in newest.diff_against(original).changes] == ["name"]

    history_url = reverse("admin:actors_actor_history", args=[actor.pk])
    assert "Uusi nimi" in curator_client.get(history_url).content.decode()

    revert_url = reverse("admin:actors_actor_simple_history", args=[actor.pk, original.pk])
    revert_page = curator_client.get(revert_url)
    assert revert_page.status_code == 200
    response = curator_client.post(revert_url, admin_form_data(revert_page))
    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.name == "Vanha nimi"
    assert actor.version == 3
    assert actor.history.count() == 3


def test_second_of_two_concurrent_saves_is_refused_and_keeps_its_input(curator_client, client):
    actor = make_actor(name="Alkuperäinen", municipality=make_municipality())
    first_page = curator_client.get(change(actor))
    second_page = curator_client.get(change(actor))

    first = curator_client.post(change(actor), admin_form_data(first_page, name_fi="Ensimmäinen"))
    assert first.status_code == 302
    second = curator_client.post(change(actor), admin_form_data(second_page, name_fi="Toinen"))

    assert second.status_code == 200
    html = second.content.decode()
    assert "Joku muu on muokannut tätä tietoa sillä välin" in html
    assert 'value="Toinen"' in html
    actor.refresh_from_db()
    assert actor.name == "Ensimmäinen"
    assert actor.version == 2


def test_a_bulk_action_meanwhile_also_refuses_a_stale_form(curator_client):
    term = make_term(status=Status.DRAFT)
    page = curator_client.get(change(term))
    curator_client.post(changelist(Term), {"action": "publish", "_selected_action": [term.pk]})
    response = curator_client.post(change(term), admin_form_data(page, definition="Uusi"))
    assert response.status_code == 200
    assert Term.objects.get(pk=term.pk).status == Status.PUBLISHED


def test_deleting_a_referenced_actor_shows_the_references_and_suggests_ending(curator_client):
    actor = make_actor(name="Viitattu")
    practice = make_practice(title="Yhteinen hanke", participants=[actor])
    network = make_membership(member=actor).network
    delete_url = reverse("admin:actors_actor_delete", args=[actor.pk])
    response = curator_client.get(delete_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Yhteinen hanke" in html and str(network) in html
    assert "toiminta päättyi" in html
    response = curator_client.post(delete_url, {"post": "yes"})
    assert response.status_code == 200
    assert Actor.objects.filter(pk=actor.pk).exists()
    assert practice.participations.count() == 1


def test_an_unreferenced_actor_can_be_deleted_after_confirming(curator_client):
    actor = make_actor()
    delete_url = reverse("admin:actors_actor_delete", args=[actor.pk])
    assert "Harkitse päättämistä" in curator_client.get(delete_url).content.decode()
    assert curator_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not Actor.objects.filter(pk=actor.pk).exists()
    assert LogEntry.objects.filter(object_id=str(actor.pk)).exists()


def test_contact_list_shows_the_public_flag(curator_client):
    make_contact(name="Julkinen", public=True)
    response = curator_client.get(reverse("admin:actors_contact_changelist"))
    assert "column-public" in response.content.decode()
