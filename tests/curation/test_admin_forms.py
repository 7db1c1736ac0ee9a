"""The curated models' admin forms and lists as a curator meets them, over HTTP: field order,
help texts, the warning for an actor that no area lists, drafts first, dates in one format."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from actors.models import Actor
from keko.models import Status
from tests.curation.admin_post import admin_form_data
from tests.factories import make_actor, make_correction, make_municipality

pytestmark = pytest.mark.django_db

ADD_ACTOR = reverse("admin:actors_actor_add")
ACTORS = reverse("admin:actors_actor_changelist")


def positions(html, names):
    """The position of each form field `id_<name>` (or text) in `html`."""
    return [
        html.index(f'id="id_{name}"') if name.isidentifier() else html.index(name) for name in names
    ]


def test_the_actor_form_starts_with_name_and_kind_and_ends_with_publication(curator_client):
    html = curator_client.get(ADD_ACTOR).content.decode()
    order = positions(
        html,
        [
            "name_fi",
            "name_sv",
            "name_en",
            "kind",
            "municipality",
            "served_municipalities",
            "is_national",
            "services",
            "target_groups",
            "description_fi",
            "description_sv",
            "description_en",
            "contacts-TOTAL_FORMS",
            "status",
            "source",
            "verified_on",
        ],
    )
    assert order == sorted(order)
    assert html.count('name="seen_version"') == 1


def test_the_actor_form_explains_its_fields_and_the_area_rule(curator_client):
    html = curator_client.get(ADD_ACTOR).content.decode()
    assert "ei näy millään alueen sivulla" in html
    for help_text in (
        "Muodossa 1234567-8",
        "Toimija näkyy tämän kunnan ja sen maakunnan sivulla",
        "palvelee koko maata",
        "Luonnos näkyy vain ylläpidolle",
        "yli 12 kuukautta vanha".capitalize()[:3],
    ):
        assert help_text in html, help_text


def add_actor(client, **changes):
    page = client.get(ADD_ACTOR)
    data = admin_form_data(page, name_fi="Uusi toimija", slug="uusi-toimija", kind="association")
    # An empty add form has no value for its lists; a browser sends none.
    many = ("served_municipalities", "served_regions", "services", "target_groups", "successors")
    data = {key: value for key, value in data.items() if key not in many}
    data.update(changes)
    return client.post(ADD_ACTOR, data, follow=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_saving_an_actor_that_no_area_lists_warns(curator_client):
    response = add_actor(curator_client)
    assert response.status_code == 200
    actor = Actor.objects.get(slug="uusi-toimija")
    warnings = [m for m in messages_of(response) if "ei näy millään alueen sivulla" in m]
    assert warnings == [
        "”Uusi toimija” ei näy millään alueen sivulla: sillä ei ole kotikuntaa, palveltuja "
        "kuntia tai maakuntia, eikä sitä ole merkitty valtakunnalliseksi. Lisää ainakin yksi "
        "niistä."
    ]
    assert actor.status == Status.DRAFT


@pytest.mark.parametrize("area", ["municipality", "served_regions", "is_national"])
def test_an_actor_with_an_area_saves_without_the_warning(curator_client, area):
    municipality = make_municipality()
    value = {
        "municipality": str(municipality.pk),
        "served_regions": [str(municipality.region.pk)],
        "is_national": "on",
    }[area]
    response = add_actor(curator_client, **{area: value})
    assert Actor.objects.filter(slug="uusi-toimija").exists()
    assert not [m for m in messages_of(response) if "alueen sivulla" in m]


def test_new_drafts_come_first_in_the_actor_list(curator_client):
    make_actor(name="A julkaistu", status=Status.PUBLISHED)
    make_actor(name="B vanha luonnos", status=Status.DRAFT)
    make_actor(name="C uusi luonnos", status=Status.DRAFT)
    html = curator_client.get(ACTORS).content.decode()
    order = positions(html, ["C uusi luonnos", "B vanha luonnos", "A julkaistu"])
    assert order == sorted(order)


def test_dates_have_one_format_in_the_list_the_form_and_the_history(curator_client):
    actor = make_actor(
        name="Päivätty",
        verified_on=datetime.date(2024, 3, 5),
        active_until=datetime.date(2025, 1, 2),
    )
    Actor.objects.filter(pk=actor.pk).update(
        created_at=datetime.datetime(2026, 2, 7, 8, 5, tzinfo=datetime.UTC)
    )
    listing = curator_client.get(ACTORS).content.decode()
    assert "5.3.2024 (vanhentunut)" in listing
    assert '<td class="field-ended">2.1.2025</td>' in listing
    form = curator_client.get(reverse("admin:actors_actor_change", args=[actor.pk]))
    html = form.content.decode()
    assert '<div class="readonly">7.2.2026 10.05</div>' in html  # Helsinki time
    history = curator_client.get(reverse("admin:actors_actor_history", args=[actor.pk]))
    html = history.content.decode()
    assert "<td>5.3.2024</td>" in html and "<td>Julkaistu</td>" in html
    assert re.search(r"<td>\d{1,2}\.\d{1,2}\.\d{4} \d{2}\.\d{2}</td>", html)
    for text in ("kello", "klo 1", "maaliskuuta", "tammikuuta", "helmikuuta"):
        assert text not in listing + form.content.decode() + html, text


def test_dates_have_the_same_format_in_the_lists_that_show_them_unformatted(curator_client):
    correction = make_correction()
    type(correction).objects.filter(pk=correction.pk).update(
        created_at=datetime.datetime(2026, 1, 9, 12, 30, tzinfo=datetime.UTC)
    )
    html = curator_client.get(reverse("admin:curation_correctionrequest_changelist"))
    html = html.content.decode()
    assert "9.1.2026 14.30" in html  # Helsinki time
    assert "tammikuuta" not in html and "klo" not in html


def test_the_admin_loads_its_stylesheet_and_the_stale_counts_wrap_by_words(curator_client):
    html = curator_client.get(reverse("admin:index")).content.decode()
    assert 'href="/static/css/admin.css"' in html or "css/admin." in html
    assert 'id="stale-by-region"' in html
    css = (settings.BASE_DIR / "static" / "css" / "admin.css").read_text()
    assert ".dashboard #stale-by-region thead th" in css and "word-break: normal" in css
