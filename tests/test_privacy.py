"""Private contacts and drafts never reach a public output; ended actors only when asked for.

The test builds every kind of hidden entry with a unique marker word, fetches every public
page type, search results, the CSV, the print page, its PDF and the iCalendar feed, and scans
them all for the markers.
"""

import datetime
import subprocess

import pytest
from django.urls import reverse

from actors.models import ActorKind
from keko.models import Status
from tests.factories import (
    make_actor,
    make_contact,
    make_contact_role,
    make_funding_source,
    make_membership,
    make_municipality,
    make_practice,
    make_project_funding,
    make_region,
    make_service,
    make_term,
    make_window,
)

pytestmark = pytest.mark.django_db

ENDED = datetime.date(2020, 12, 31)
# Words no page contains by chance; one per hidden entry or field.
HIDDEN = {
    "private_contact_name": "Zqsalainennimi",
    "private_contact_email": "zqsalainen@example.org",
    "private_contact_phone": "+358 40 999 0001",
    "private_contact_title": "Zqsalainentitteli",
    "draft_actor": "Zqluonnostoimija",
    "draft_actor_contact": "Zqluonnosyhteys",
    "draft_member": "Zqluonnosjasen",
    "draft_child": "Zqluonnoshanke",
    "draft_practice": "Zqluonnoskaytanto",
    "draft_funding": "Zqluonnosrahoitus",
    "draft_window": "Zqluonnoshaku",
    "draft_term": "Zqluonnoskasite",
}
ENDED_ACTOR = "Zqpaattynyttoimija"
VISIBLE = "Zqnakyvatoimija"


@pytest.fixture
def hidden_data():
    """A region with a published actor and, around it, every kind of entry visitors must not
    see."""
    region = make_region(name_fi="Salamaakunta", slug="salamaakunta")
    town = make_municipality(name_fi="Salakunta", slug="salakunta", region=region)
    service = make_service(slug="palvelu-x")
    role = make_contact_role(checklist_order=1)
    visible = make_actor(
        name=VISIBLE,
        slug="nakyva",
        kind=ActorKind.NETWORK,
        municipality=town,
        services=[service],
        description="Zqtyopaja",
    )
    make_contact(actor=visible, role=role, name="Zqjulkinenyhteys", public=True)
    make_contact(
        actor=visible,
        role=role,
        name=HIDDEN["private_contact_name"],
        email=HIDDEN["private_contact_email"],
        phone=HIDDEN["private_contact_phone"],
        title=HIDDEN["private_contact_title"],
        public=False,
    )
    draft = make_actor(
        name=HIDDEN["draft_actor"],
        slug="luonnos",
        status=Status.DRAFT,
        municipality=town,
        served_regions=[region],
        services=[service],
    )
    make_contact(actor=draft, role=role, name=HIDDEN["draft_actor_contact"], public=True)
    make_membership(
        network=visible,
        member=make_actor(name=HIDDEN["draft_member"], status=Status.DRAFT, municipality=town),
    )
    make_actor(
        name=HIDDEN["draft_child"],
        status=Status.DRAFT,
        kind=ActorKind.PROJECT,
        parent=visible,
        municipality=town,
    )
    ended = make_actor(
        name=ENDED_ACTOR,
        slug="paattynyt",
        municipality=town,
        services=[service],
        active_until=ENDED,
    )
    make_contact(actor=ended, role=role, name="Zqpaattynytyhteys", public=True)
    make_practice(
        title=HIDDEN["draft_practice"],
        slug="luonnoskaytanto",
        status=Status.DRAFT,
        participants=[visible],
        regions=[region],
    )
    draft_funding = make_funding_source(
        name=HIDDEN["draft_funding"],
        slug="luonnosrahoitus",
        status=Status.DRAFT,
        regions=[region],
        administrator=visible,
    )
    make_window(funding_source=draft_funding, name=HIDDEN["draft_window"])
    make_project_funding(project=visible, funding_source=draft_funding)
    published_funding = make_funding_source(
        name="Zqjulkinenrahoitus", slug="julkinen-rahoitus", regions=[region]
    )
    make_window(funding_source=published_funding, name="Zqjulkinenhaku")
    make_term(
        term="Zqjulkinenkasite",
        slug="julkinen-kasite",
        related=[make_term(term=HIDDEN["draft_term"], slug="luonnoskasite", status=Status.DRAFT)],
    )
    return {"region": region, "town": town, "visible": visible, "ended": ended, "draft": draft}


def pdf_text(pdf):
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def fetch(client, path, **params):
    response = client.get(path, params)
    assert response.status_code == 200, (path, params, response.status_code)
    if response["Content-Type"].startswith("application/pdf"):
        return pdf_text(response.content)
    return response.getvalue().decode("utf-8-sig")


def control_word(word):
    """Return a word like `word` that matches nothing: "Zqx" becomes "Zxx"."""
    if word[:2].lower() == "zq":
        return word[0] + "x" + word[2:]
    return word[:-1] + "9"


def searched(client, path, word):
    """Return the results of searching `path` for `word`, without the page's echo of the query.

    The echo (title, search box, links) is as long as that of a search that finds nothing,
    so the word is removed only when it occurs exactly that often.
    """
    text = fetch(client, path, q=word, voimassa="0")
    control = control_word(word)
    echo = fetch(client, path, q=control, voimassa="0").count(control)
    return text.replace(word, "") if text.count(word) == echo else text


def outputs(client, data):
    """Return every public output, by name: (text, whether ended actors were asked for)."""
    region, town = data["region"].slug, data["town"].slug
    every_print_option = {"yhteystiedot": "1", "tarkistuslista": "1"}
    pages = {
        "home": (reverse("directory:home"), {}),
        "regions": (reverse("directory:regions"), {}),
        "region": (reverse("directory:region", args=[region]), {}),
        "municipality": (reverse("directory:municipality", args=[town]), {}),
        "actors": (reverse("directory:actors"), {}),
        "actors_of_region": (reverse("directory:actors"), {"alue": region, "palvelu": "palvelu-x"}),
        "actor": (data["visible"].get_absolute_url(), {}),
        "funding": (reverse("funding:list"), {}),
        "funding_detail": (reverse("directory:funding_source", args=["julkinen-rahoitus"]), {}),
        "calendar": (reverse("funding:calendar"), {}),
        "calendar_ics": (reverse("funding:calendar_ics"), {}),
        "practices": (reverse("practices:list"), {}),
        "glossary": (reverse("glossary:list"), {}),
        "term": (reverse("glossary:detail", args=["julkinen-kasite"]), {}),
        "api_organizations": (reverse("opendata:organizations"), {"full": "1"}),
        "api_organization": (
            reverse("opendata:organization", args=[data["visible"].uuid]),
            {},
        ),
        "api_services": (reverse("opendata:services"), {"full": "1"}),
        "api_services_of_region": (reverse("opendata:services"), {"region": region}),
        "api_service_at_locations": (reverse("opendata:service_at_locations"), {"full": "1"}),
        "api_taxonomy_terms": (reverse("opendata:taxonomy_terms"), {"per_page": "100"}),
    }
    for scope, slug in (("region", region), ("municipality", town)):
        for suffix in ("print", "print_pdf", "csv"):
            pages[f"{scope}_{suffix}"] = (
                reverse(f"directory:{scope}_{suffix}", args=[slug]),
                every_print_option,
            )
    texts = {name: (fetch(client, path, **params), False) for name, (path, params) in pages.items()}
    # Searches for every hidden word, in the site search and in each list's own search.
    for key, word in HIDDEN.items():
        for name in (
            "directory:search",
            "directory:actors",
            "funding:list",
            "practices:list",
            "glossary:list",
        ):
            texts[f"{name}:{key}"] = (searched(client, reverse(name), word), True)
    # What asks for ended actors too.
    texts["actors_all"] = (fetch(client, reverse("directory:actors"), voimassa="0"), True)
    for name in ("organizations", "services"):
        texts[f"api_{name}_ended"] = (
            fetch(client, reverse(f"opendata:{name}"), full="1", include_ended="1"),
            True,
        )
    texts["search_ended"] = (
        searched(client, reverse("directory:search"), ENDED_ACTOR.lower()),
        True,
    )
    texts["ended_actor"] = (fetch(client, data["ended"].get_absolute_url()), True)
    for scope, slug in (("region", region), ("municipality", town)):
        for suffix in ("print", "print_pdf", "csv"):
            texts[f"{scope}_{suffix}_ended"] = (
                fetch(
                    client,
                    reverse(f"directory:{scope}_{suffix}", args=[slug]),
                    paattyneet="1",
                    **every_print_option,
                ),
                True,
            )
    return texts


def test_hidden_entries_never_reach_a_public_output(client, hidden_data):
    # One scan for all the checks: it renders PDFs and runs a hundred searches.
    texts = outputs(client, hidden_data)
    assert len(texts) > 80

    # The markers of visible entries are found where expected, so absence means something.
    for name in ["region", "actors", "region_print", "region_print_pdf", "region_csv"]:
        assert VISIBLE in texts[name][0], name
    for name in ["api_organizations", "api_services", "api_services_of_region"]:
        assert VISIBLE in texts[name][0], name
    for name in ["actor", "region", "region_print", "region_print_pdf", "region_csv"]:
        assert "Zqjulkinenyhteys" in texts[name][0], name
    assert "Zqjulkinenyhteys" in texts["api_organization"][0]
    assert "Zqjulkinenhaku" in texts["calendar"][0] and "Zqjulkinenhaku" in texts["calendar_ics"][0]
    assert VISIBLE in searched(client, reverse("directory:search"), VISIBLE)

    # Private contacts and drafts: nowhere.
    for name, (text, _) in texts.items():
        for key, word in HIDDEN.items():
            assert word not in text, f"{key} ({word}) shown in {name}"

    # Ended actors: only where asked for (the site search includes them by design).
    for name, (text, asked) in texts.items():
        if not asked:
            assert ENDED_ACTOR not in text, f"ended actor shown in {name}"
    for name in [
        "actors_all",
        "search_ended",
        "ended_actor",
        "api_organizations_ended",
        "api_services_ended",
        "region_print_ended",
        "region_print_pdf_ended",
        "region_csv_ended",
        "municipality_csv_ended",
    ]:
        assert ENDED_ACTOR in texts[name][0], f"ended actor missing from {name}"


def test_hidden_entries_have_no_public_address(client, hidden_data):
    for path in [
        hidden_data["draft"].get_absolute_url(),
        reverse("practices:detail", args=["luonnoskaytanto"]),
        reverse("directory:funding_source", args=["luonnosrahoitus"]),
        reverse("glossary:detail", args=["luonnoskasite"]),
    ]:
        assert client.get(path).status_code == 404, path


def test_the_open_data_package_holds_no_hidden_or_ended_entry(
    client, hidden_data, run_queued_tasks
):
    """The data package (opendata/tabular.py), built through the queue: every file of it."""
    import io
    import zipfile

    url = reverse("opendata:datapackage")
    assert client.get(url).status_code == 503  # queues the build
    run_queued_tasks()
    response = client.get(url)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    assert VISIBLE in texts["organizations.csv"]
    assert "Zqjulkinenyhteys" in texts["contacts.csv"]
    for name, text in texts.items():
        for key, word in HIDDEN.items():
            assert word not in text, f"{key} ({word}) in {name} of the data package"
        assert ENDED_ACTOR not in text, f"ended actor in {name} of the data package"
        assert "Zqpaattynytyhteys" not in text, f"ended actor's contact in {name}"


def test_the_change_feeds_hold_no_hidden_entry(client, hidden_data):
    """The areas' Atom feeds list ended actors (their end is a change), never drafts or
    contacts."""
    region, town = hidden_data["region"].slug, hidden_data["town"].slug
    for name, slug in (("region_feed", region), ("municipality_feed", town)):
        text = fetch(client, reverse(f"opendata_site:{name}", args=[slug]))
        assert VISIBLE in text, name
        assert ENDED_ACTOR in text, name  # by design: "Toiminta päättynyt"
        for key, word in HIDDEN.items():
            assert word not in text, f"{key} ({word}) shown in {name}"
        assert "Zqjulkinenyhteys" not in text and "Zqpaattynytyhteys" not in text
