"""The admin is Finnish throughout, third-party apps included (django-axes,
django-simple-history, django-import-export, Django's own widgets), whatever language the
browser asks for.

The packages' missing Finnish comes from the project's catalogues (locale/fi/LC_MESSAGES):
each page a curator uses is fetched with an English Accept-Language and its visible text is
scanned for common English admin words.
"""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actors.models import Actor
from tests.factories import (
    make_actor,
    make_curator,
    make_funding_source,
    make_municipality,
    make_practice,
    make_service,
    make_target_group,
    make_term,
)

pytestmark = pytest.mark.django_db

ENGLISH = "en"

# English words the admin and its packages show when a Finnish translation is missing,
# matched as whole words and case-sensitively (so that Finnish "data" or "no" never match).
ENGLISH_WORDS = """
    Access Action Actions Add Address Agent All Apply Attempt Attempted Attempts Available
    Backend By Change Changed Changes Choose Chosen Clean Clear Comment Confirm Created Data
    Database Date Delete Deleted Description Email Errors Expiration Export Expires Failed
    Failure Failures Filter Finished Format Form GET Go Groups Hide History Home Id Import Kind
    Locked Log Logins Logout Logs Meta Municipalities Municipality Name None Now Object Path
    Phone POST Preview Reason Regions Remaining Remove Resource Results Revert Row Save Search
    Seen Select Selected Services Show Skipped Slug Submit Target Task Tasks Time Today Update
    User Verified View Website Welcome Yes No
    access attempt attempts by choose failures history import export logs none selected
    them arrow button below click finished new updated deleted skipped published version
""".split()
ENGLISH_WORD = re.compile(r"(?<![\w-])(" + "|".join(ENGLISH_WORDS) + r")(?![\w-])")

ADMIN = f"/{settings.ADMIN_PATH}"
AXES_MODELS = ("accessattempt", "accessfailurelog", "accesslog")

HEADER = (
    "slug,name,kind,business_id,description,website,email,phone,municipality,"
    "served_municipalities,served_regions,services,target_groups,status,verified_on\n"
)
ROW = "kokeilu-ry,Kokeilu ry,association,,,,,,564,,,tyopajat,nuoret,,\n"


class VisibleText(HTMLParser):
    """Collect what a user reads or hears: text outside scripts and styles, and the
    `title`, `aria-label` and `placeholder` attributes and the labels of buttons.

    The content of <code> is left out: it holds the technical names of the import file's
    columns (slug, name…), which the file must use as they are.
    """

    SKIPPED = {"script", "style", "code", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pieces = []
        self.skipping = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIPPED:
            self.skipping.append(tag)
        for name in ("title", "aria-label", "placeholder", "alt"):
            if attrs.get(name):
                self.pieces.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            self.pieces.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.pieces.append(data.strip())


def english_in(html):
    """Return the pieces of visible text of `html` that contain an English word."""
    parser = VisibleText()
    parser.feed(html)
    return list(dict.fromkeys(piece for piece in parser.pieces if ENGLISH_WORD.search(piece)))


def english_on(response, page):
    """Return the English of a Finnish page `response` (and check it is one)."""
    assert response.status_code == 200, (page, response.status_code)
    assert response["Content-Language"] == "fi", page
    return english_in(response.content.decode())


def assert_finnish(response, page):
    found = english_on(response, page)
    assert not found, f"English on {page}: {found}"


def assert_pages_finnish(client, urls):
    english = {url: english_on(get(client, url), url) for url in urls}
    english = {url: found for url, found in english.items() if found}
    assert not english, "English on the pages:\n" + "\n".join(
        f"{url}: {found}" for url, found in english.items()
    )


def get(client, url, **kwargs):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=ENGLISH, **kwargs)


def post(client, url, data, **kwargs):
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE=ENGLISH, **kwargs)


@pytest.fixture
def vocabulary():
    make_municipality(code="564")
    make_service(slug="tyopajat")
    make_target_group(slug="nuoret")


@pytest.fixture
def actor(client, admin_user, vocabulary):
    """An actor with history: created, then changed through the admin's change form."""
    actor = make_actor(slug="historiallinen", name="Historiallinen toimija")
    actor.name = "Historiallinen toimija, uusi nimi"
    actor.save()
    return actor


@pytest.fixture(params=["superuser", "curator"])
def user(request, admin_user):
    return admin_user if request.param == "superuser" else make_curator()


def test_the_login_page_is_finnish(client):
    assert_finnish(get(client, f"{ADMIN}login/"), "login")


def test_the_pages_a_curator_uses_are_finnish(client, user, actor):
    client.force_login(user)
    funding_source = make_funding_source()
    practice = make_practice()
    term = make_term()
    version = actor.history.earliest()
    pages = [
        ADMIN,
        reverse("admin:actors_actor_changelist"),
        reverse("admin:actors_actor_changelist") + "?q=ei-osumia",
        reverse("admin:actors_actor_add"),
        reverse("admin:actors_actor_change", args=[actor.pk]),
        reverse("admin:actors_actor_history", args=[actor.pk]),
        reverse("admin:actors_actor_simple_history", args=[actor.pk, version.pk]),
        reverse("admin:actors_actor_import"),
        reverse("admin:actors_actor_export"),
        reverse("admin:funding_fundingsource_changelist"),
        reverse("admin:funding_fundingsource_change", args=[funding_source.pk]),
        reverse("admin:practices_practice_changelist"),
        reverse("admin:practices_practice_change", args=[practice.pk]),
        reverse("admin:glossary_term_changelist"),
        reverse("admin:glossary_term_change", args=[term.pk]),
    ]
    assert_pages_finnish(client, pages)


def test_the_login_lockout_pages_are_finnish(client, admin_user):
    client.force_login(admin_user)
    # A failed login fills the lists of attempts, failures and logs.
    client.post(f"{ADMIN}login/", {"username": admin_user.username, "password": "väärä"})
    client.force_login(admin_user)
    pages = [reverse(f"admin:axes_{model}_changelist") for model in AXES_MODELS]
    pages += [f"{ADMIN}axes/", ADMIN]
    assert_pages_finnish(client, pages)


def test_the_many_to_many_pickers_script_catalogue_is_finnish(client, user):
    client.force_login(user)
    catalogue = get(client, reverse("admin:jsi18n"))
    assert catalogue.status_code == 200
    text = catalogue.content.decode()
    for finnish in (
        "Valitse kaikki %s",
        "Poista kaikki %s",
        "Valitse %s merkitsem\\u00e4ll\\u00e4 ne",
        "Mahdolliset %s",  # Django's own Finnish, still there
    ):
        assert finnish in text, finnish


def test_import_confirm_result_and_revert_are_finnish(client, admin_user, vocabulary):
    client.force_login(admin_user)
    importing = reverse("admin:actors_actor_import")
    page = get(client, importing)
    formats = page.context["form"].fields["format"].choices
    csv = next(str(value) for value, label in formats if label.lower() == "csv")
    upload = SimpleUploadedFile("toimijat.csv", (HEADER + ROW).encode())
    confirm = post(client, importing, {"import_file": upload, "format": csv, "resource": "0"})
    assert "confirm_form" in confirm.context, confirm.content.decode()
    assert_finnish(confirm, "import confirm")

    result = post(
        client,
        reverse("admin:actors_actor_process_import"),
        {**confirm.context["confirm_form"].initial, "resource": "0"},
        follow=True,
    )
    assert_finnish(result, "import result")
    imported = Actor.objects.get(slug="kokeilu-ry")

    history = reverse("admin:actors_actor_history", args=[imported.pk])
    assert_finnish(get(client, history), "history of an imported actor")
    version = imported.history.earliest()
    revert = reverse("admin:actors_actor_simple_history", args=[imported.pk, version.pk])
    assert_finnish(get(client, revert), "revert")


def test_the_scan_finds_english():
    assert english_in('<p>Choose a date</p><input type="submit" value="Save">') == [
        "Choose a date",
        "Save",
    ]
    assert english_in('<a title="Remove all">x</a><script>Add</script><code>slug</code>') == [
        "Remove all"
    ]
    assert english_in("<p>Lisää toimija</p><p>data-analyysi</p>") == []
