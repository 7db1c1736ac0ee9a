"""Content in Finnish, Swedish and English (django-modeltranslation): the Finnish value stays in
the original columns, pages show the active language's value or the Finnish one marked
lang="fi", lists keep the Finnish order, and the admin edits every language."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation
from django.utils.translation import override

from actors.models import Actor, ActorRegion, ServiceType
from funding.models import FundingSource
from glossary.models import Term
from practices.models import Practice
from tests.curation.admin_post import admin_form_data
from tests.factories import (
    make_actor,
    make_funding_source,
    make_municipality,
    make_practice,
    make_region,
    make_service,
    make_term,
)


@pytest.fixture(autouse=True)
def _finnish():
    """Each test starts in Finnish: a request to a Swedish page leaves Swedish active in the
    thread (LocaleMiddleware activates the URL's language and leaves it), and the factories'
    values would go into the Swedish columns."""
    translation.activate("fi")
    yield
    translation.activate("fi")


def _url(name, language, **kwargs):
    with override(language):
        return reverse(name, kwargs=kwargs)


# --- The original columns keep Finnish ----------------------------------------------------------


@pytest.mark.django_db
def test_a_new_actor_has_its_name_in_the_finnish_column():
    actor = make_actor(name="Työpaja", description="Kuvaus")
    actor.refresh_from_db()
    assert (actor.name_fi, actor.description_fi) == ("Työpaja", "Kuvaus")
    assert (actor.name_sv, actor.name_en) == (None, None)


@pytest.mark.django_db
def test_a_save_in_swedish_keeps_the_finnish_name_in_the_original_column():
    region = make_region()
    actor = make_actor(name="Työpaja", served_regions=[region])
    with override("sv"):
        actor = Actor.objects.get(pk=actor.pk)
        actor.name = "Verkstaden"
        actor.save()
        # The search vector, the area tables, exports and open data read the original column.
        assert Actor.objects.filter(pk=actor.pk).values_list("name", flat=True).get() == "Työpaja"
    actor.refresh_from_db()
    assert (actor.name_fi, actor.name_sv) == ("Työpaja", "Verkstaden")
    assert ActorRegion.objects.get(actor=actor).name == "Työpaja"
    assert actor.history.first().name == "Työpaja"
    assert actor.history.first().name_sv == "Verkstaden"


@pytest.mark.django_db
def test_an_update_with_only_the_fields_changed_in_english_keeps_finnish():
    actor = make_actor(name="Työpaja")
    with override("en"):
        actor.name = "Workshop"
        actor.save(update_fields=["name_en"])
        actor.description = "In English"
        actor.save(update_fields=["description", "description_en"])
    row = Actor.objects.filter(pk=actor.pk).values("name", "name_fi", "name_en", "description")
    assert row.get() == {
        "name": "Työpaja",
        "name_fi": "Työpaja",
        "name_en": "Workshop",
        "description": "",
    }


@pytest.mark.django_db
def test_an_entry_written_in_swedish_alone_gets_that_name_in_finnish_too():
    """A visitor's proposal on a Swedish page: every language falls back to the Finnish name,
    which must not be empty."""
    with override("sv"):
        actor = Actor.objects.create(name="Ny förening", slug="ny-forening", kind="association")
    actor.refresh_from_db()
    assert (actor.name, actor.name_fi, actor.name_sv) == ("Ny förening",) * 3


@pytest.mark.django_db
def test_a_bulk_update_of_the_original_column_updates_the_finnish_one():
    service = make_service(name="Neuvonta")
    ServiceType.objects.filter(pk=service.pk).update(name="Ohjaus")
    service.refresh_from_db()
    assert (service.name_fi, ServiceType.objects.values_list("name", flat=True).get()) == (
        "Ohjaus",
        "Ohjaus",
    )


# --- The migration copies today's values ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_the_values_into_the_finnish_columns():
    executor = MigrationExecutor(connection)
    before = [("actors", "0011_help_texts_and_reserved_slug")]
    after = [("actors", "0012_content_languages")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    region = old.get_model("actors", "Region").objects.create(
        code="99", name_fi="Testimaa", name_sv="Testland", slug="testimaa"
    )
    old.get_model("actors", "Region").objects.create(
        code="02", name_fi="Varsinais-Suomi", name_sv="Egentliga Finland", slug="varsinais-suomi"
    )
    old.get_model("actors", "Actor").objects.create(
        name="Työpaja", description="Kuvaus", slug="tyopaja", kind="association"
    )
    old.get_model("actors", "ServiceType").objects.create(name="Neuvonta", slug="neuvonta")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    actor = new.get_model("actors", "Actor").objects.get(slug="tyopaja")
    assert (actor.name_fi, actor.description_fi, actor.name_sv) == ("Työpaja", "Kuvaus", None)
    assert new.get_model("actors", "ServiceType").objects.get().name_fi == "Neuvonta"
    regions = new.get_model("actors", "Region").objects
    assert regions.get(code="02").name_en == "Southwest Finland"
    assert regions.get(pk=region.pk).name_en == ""

    # The rest of the project's migrations, for the next tests.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


# --- Pages: the active language, the Finnish fallback marked --------------------------------------


@pytest.mark.django_db
def test_a_swedish_page_shows_the_swedish_name_and_marks_the_finnish_description(client):
    actor = make_actor(name="Työpaja", description="Suomeksi kuvattu.")
    actor.name_sv = "Verkstaden"
    actor.save()

    response = client.get(_url("directory:actor", "sv", slug=actor.slug))

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<h1>Verkstaden</h1>", html)
    assert '<p class="lead" lang="fi">Suomeksi kuvattu.</p>' in html
    assert "Työpaja" not in html


@pytest.mark.django_db
def test_a_finnish_page_marks_nothing(client):
    actor = make_actor(name="Työpaja", description="Suomeksi kuvattu.")

    response = client.get(_url("directory:actor", "fi", slug=actor.slug))

    html = response.content.decode()
    assert "<h1>Työpaja</h1>" in html
    assert '<p class="lead">Suomeksi kuvattu.</p>' in html


@pytest.mark.django_db
def test_an_english_page_marks_a_name_without_translation(client):
    actor = make_actor(name="Työpaja")

    response = client.get(_url("directory:actor", "en", slug=actor.slug))

    assert '<h1 lang="fi">Työpaja</h1>' in response.content.decode()


@pytest.mark.django_db
def test_funding_practice_and_term_pages_show_swedish_or_marked_finnish(client):
    funding = make_funding_source(name="Avustus", description="Vain suomeksi.")
    funding.name_sv = "Bidrag"
    funding.save()
    practice = make_practice(title="Käytäntö", summary="Tiivistelmä")
    practice.title_sv = "Praxis"
    practice.save()
    term = make_term(term="Välityömarkkinat", definition="Määritelmä")
    term.definition_sv = "Definition"
    term.save()

    funding_html = client.get(_url("directory:funding_source", "sv", slug=funding.slug))
    practice_html = client.get(_url("practices:detail", "sv", slug=practice.slug))
    term_html = client.get(_url("glossary:detail", "sv", slug=term.slug))

    assert "<h1>Bidrag</h1>" in funding_html.content.decode()
    assert (
        '<div class="lead" lang="fi"><p>Vain suomeksi.</p></div>' in funding_html.content.decode()
    )
    assert "<h1>Praxis</h1>" in practice_html.content.decode()
    assert '<p class="lead" lang="fi">Tiivistelmä</p>' in practice_html.content.decode()
    term_page = term_html.content.decode()
    assert '<h1><span lang="fi">Välityömarkkinat</span></h1>' in term_page
    assert "<div><p>Definition</p></div>" in term_page


@pytest.mark.django_db
def test_the_actor_list_keeps_the_finnish_order_in_every_language(client):
    # In Finnish A–B–C; the Swedish names would sort C–B–A.
    for name_fi, name_sv in [("Aalto", "Östra"), ("Björkö", "Mellersta"), ("Cedra", "Alfa")]:
        actor = make_actor(name=name_fi)
        actor.name_sv = name_sv
        actor.save()

    finnish = client.get(_url("directory:actors", "fi")).content.decode()
    swedish = client.get(_url("directory:actors", "sv")).content.decode()
    english = client.get(_url("directory:actors", "en")).content.decode()

    def order(html, names):
        return sorted(names, key=html.index)

    assert order(finnish, ["Aalto", "Björkö", "Cedra"]) == ["Aalto", "Björkö", "Cedra"]
    assert order(swedish, ["Östra", "Mellersta", "Alfa"]) == ["Östra", "Mellersta", "Alfa"]
    assert order(english, ["Aalto", "Björkö", "Cedra"]) == ["Aalto", "Björkö", "Cedra"]
    assert 'lang="fi">Aalto</a>' in english


@pytest.mark.django_db
def test_queries_order_by_the_finnish_name_in_swedish():
    for name_fi, name_sv in [("Aalto", "Östra"), ("Cedra", "Alfa")]:
        actor = make_actor(name=name_fi)
        actor.name_sv = name_sv
        actor.save()
    with override("sv"):
        assert [a.name for a in Actor.objects.all()] == ["Östra", "Alfa"]
        assert [a.name for a in Actor.objects.order_by("-name")] == ["Alfa", "Östra"]
        assert Actor.objects.filter(name="Aalto").count() == 1


# --- Regions and municipalities -------------------------------------------------------------------


@pytest.mark.django_db
def test_region_and_municipality_names_per_language():
    region = make_region(name_fi="Varsinais-Suomi", name_sv="Egentliga Finland")
    region.name_en = "Southwest Finland"
    region.save()
    municipality = make_municipality(name_fi="Helsinki", name_sv="Helsingfors", region=region)

    names = {}
    for language in ("fi", "sv", "en"):
        with override(language):
            names[language] = (
                region.name,
                region.name_language,
                municipality.name,
                municipality.name_language,
            )

    assert names == {
        "fi": ("Varsinais-Suomi", "fi", "Helsinki", "fi"),
        "sv": ("Egentliga Finland", "sv", "Helsingfors", "sv"),
        "en": ("Southwest Finland", "en", "Helsinki", "fi"),
    }


@pytest.mark.django_db
def test_an_area_page_in_english_marks_the_finnish_municipality_names(client):
    region = make_region(name_fi="Uusimaa", name_sv="Nyland", slug="uusimaa")
    region.name_en = "Uusimaa"
    region.save()
    make_municipality(name_fi="Helsinki", name_sv="Helsingfors", region=region)

    english = client.get(_url("directory:region", "en", slug=region.slug)).content.decode()
    swedish = client.get(_url("directory:region", "sv", slug=region.slug)).content.decode()

    assert re.search(r'<a href="[^"]+" lang="fi">Helsinki</a>', english)
    assert re.search(r'<a href="[^"]+">Helsingfors</a>', swedish)
    assert '<h1>Nyland <span class="muted" lang="fi">Uusimaa</span></h1>' in swedish


# --- The admin edits every language -------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_saves_all_three_languages(admin_client):
    response = admin_client.post(
        reverse("admin:actors_servicetype_add"),
        {
            "name_fi": "Neuvonta",
            "name_sv": "Rådgivning",
            "name_en": "Counselling",
            "slug": "neuvonta",
            "description_fi": "",
            "description_sv": "",
            "description_en": "",
        },
    )
    assert response.status_code == 302
    service = ServiceType.objects.get(slug="neuvonta")
    assert (service.name_fi, service.name_sv, service.name_en) == (
        "Neuvonta",
        "Rådgivning",
        "Counselling",
    )


@pytest.mark.django_db
def test_the_admin_change_form_of_an_actor_saves_every_language(admin_client):
    actor = make_actor(name="Työpaja", description="Kuvaus")
    url = reverse("admin:actors_actor_change", args=[actor.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert {"name_fi", "name_sv", "name_en", "description_sv"} <= set(form.fields)
    assert "name" not in form.fields
    assert form.fields["name_fi"].required and not form.fields["name_sv"].required

    response = admin_client.post(
        url, admin_form_data(page, name_sv="Verkstaden", name_en="Workshop", _save="Tallenna")
    )

    assert response.status_code == 302
    actor.refresh_from_db()
    assert (actor.name, actor.name_fi, actor.name_sv, actor.name_en) == (
        "Työpaja",
        "Työpaja",
        "Verkstaden",
        "Workshop",
    )
    assert actor.version == 2
    assert actor.history.count() == 2


@pytest.mark.django_db
def test_the_admin_forms_of_the_other_apps_show_every_language(admin_client):
    funding = make_funding_source()
    practice = make_practice()
    term = make_term()
    for model, obj, field in [
        (FundingSource, funding, "restrictions"),
        (Practice, practice, "what_was_done"),
        (Term, term, "definition"),
    ]:
        page = admin_client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
        )
        assert page.status_code == 200
        fields = set(page.context["adminform"].form.fields)
        assert {f"{field}_fi", f"{field}_sv", f"{field}_en"} <= fields
        # CuratedAdmin's workflow fieldset is still there.
        assert page.context["adminform"].fieldsets[-1][1]["fields"][0] == "status"
