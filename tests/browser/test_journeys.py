"""The three users' journeys, end to end in a real browser, on a desktop and on a phone.

- A workshop organiser prints a region's associations serving immigrants (page, PDF, CSV),
  and the same selection from the actor list.
- An employment worker on a phone looks for actors serving immigrants or partially able
  people: skip link, folded filters, chips, counts, a notice for an unknown value, an actor.
- A curator adds an actor in the admin and finds it, and the import's template.

Every public page on the way is audited with axe-core and must not scroll sideways.
"""

import csv
import io
import re
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from actors.models import ActorKind
from tests.factories import (
    make_actor,
    make_municipality,
    make_region,
    make_target_group,
)

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

# The workshop print's selection: associations in Pirkanmaa serving immigrants.
PRINTED = ["Monikulttuurinen Naisyhdistys ry", "Tampereen Kotoutumisyhdistys ry"]
NOT_PRINTED = [
    "Kielikoulu Oy",  # a company
    "Pirkanmaan Kotoutumishanke",  # a project
    "Työkykyä Pirkanmaalle ry",  # another target group
    "Helsingin Kotoutumispiste ry",  # another region
]


@pytest.fixture(params=VIEWPORTS.values(), ids=VIEWPORTS.keys())
def browser_context_args(browser_context_args, request):
    return {**browser_context_args, "viewport": request.param}


@pytest.fixture
def directory():
    """Two regions, actors of several kinds serving immigrants, partially able people or the
    young; one actor with every contact detail, one with none."""
    pirkanmaa = make_region(name_fi="Pirkanmaa", name_sv="Birkaland", code="06", slug="pirkanmaa")
    uusimaa = make_region(name_fi="Uusimaa", name_sv="Nyland", code="01", slug="uusimaa")
    tampere = make_municipality(name_fi="Tampere", slug="tampere", region=pirkanmaa)
    helsinki = make_municipality(name_fi="Helsinki", slug="helsinki", region=uusimaa)
    immigrants = make_target_group(name="Maahanmuuttajat", slug="maahanmuuttajat")
    partially_able = make_target_group(name="Osatyökykyiset", slug="osatyokykyiset")
    youth = make_target_group(name="Nuoret", slug="nuoret")
    make_actor(
        name="Tampereen Kotoutumisyhdistys ry",
        slug="tampereen-kotoutumisyhdistys",
        municipality=tampere,
        target_groups=[immigrants],
        business_id="1234567-8",
        website="https://example.org",
        email="info@example.org",
        verified_on=date(2026, 3, 2),
        verified_by="Kaisa Kuraattori",
    )
    make_actor(
        name="Monikulttuurinen Naisyhdistys ry",
        municipality=tampere,
        target_groups=[immigrants, partially_able],
    )
    make_actor(
        name="Työkykyä Pirkanmaalle ry", municipality=tampere, target_groups=[partially_able]
    )
    make_actor(
        name="Kielikoulu Oy",
        kind=ActorKind.COMPANY,
        municipality=tampere,
        target_groups=[immigrants],
    )
    make_actor(
        name="Pirkanmaan Kotoutumishanke",
        kind=ActorKind.PROJECT,
        municipality=tampere,
        target_groups=[immigrants],
    )
    make_actor(
        name="Tampereen seurakunta",
        kind=ActorKind.PARISH,
        municipality=tampere,
        target_groups=[youth],
    )
    make_actor(
        name="Helsingin Kotoutumispiste ry",
        slug="helsingin-kotoutumispiste",
        municipality=helsinki,
        target_groups=[immigrants],
    )
    make_actor(name="Vantaan Työpaja ry", municipality=helsinki, target_groups=[partially_able])
    return {"region": pirkanmaa}


# Markup that Django's admin scripts draw, which no template or style of the project can
# change: Select2's boxes of the autocomplete fields (no name for the ARIA combobox and its
# search input) and the filter_horizontal boxes' help icons (an aria-label on a bare span).
DJANGO_ADMIN_WIDGETS = [[".select2-container"], [".selector .help-tooltip"]]


def check_page(page, exclude=()):
    """Assert that the page has no WCAG 2.1 A/AA violations and does not scroll sideways."""
    results = Axe().run(
        page,
        context={"include": [["html"]], "exclude": list(exclude)},
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}},
    )
    assert results.violations_count == 0, results.generate_report()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], page.url


def printed_names(page):
    return sorted(page.locator("main article.entry h3").all_inner_texts())


def fetch(page, url):
    """GET `url` with the page's cookies, as a click on a download would."""
    response = page.request.get(url)
    assert response.status == 200, url
    return response


def assert_downloads_match(page, names):
    """Follow the print page's PDF and CSV buttons: a PDF, and a CSV of exactly `names`."""
    with page.expect_response(re.compile(r"\.pdf\?")) as pdf:
        page.get_by_role("button", name="Lataa PDF").click()
    pdf_response = fetch(page, pdf.value.url)
    assert pdf_response.headers["content-type"] == "application/pdf"
    assert pdf_response.body().startswith(b"%PDF")
    page.go_back()
    with page.expect_response(re.compile(r"\.csv\?")) as table:
        page.get_by_role("button", name="Lataa taulukko (CSV)").click()
    csv_response = fetch(page, table.value.url)
    assert csv_response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(csv_response.text().lstrip("\ufeff")), delimiter=";"))
    assert sorted(row[0] for row in rows[1:]) == names


def test_workshop_organiser_prints_a_regions_associations_for_immigrants(
    page, live_server, directory
):
    page.goto(live_server.url + reverse("directory:home"))
    check_page(page)
    page.get_by_role("link", name="Pirkanmaa", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pirkanmaa")
    check_page(page)

    page.get_by_text("Tulosta toimijat työpajaan (PDF tai taulukko)").click()
    options = page.get_by_role("form", name="Tulostusvalinnat")
    options.get_by_label("Maahanmuuttajat", exact=True).check()
    options.get_by_label("Yhdistys tai järjestö", exact=True).check()
    options.get_by_role("button", name="Näytä tulostettava sivu").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Pirkanmaa")
    assert printed_names(page) == PRINTED
    for name in NOT_PRINTED:
        expect(page.get_by_text(name)).to_have_count(0)
    check_page(page)
    assert_downloads_match(page, PRINTED)

    # The list's selection, printed from the list: the region's actors serving immigrants.
    page.goto(
        live_server.url + reverse("directory:actors") + "?alue=pirkanmaa&kohderyhma=maahanmuuttajat"
    )
    expect(page.get_by_role("heading", name="4 toimijaa")).to_be_visible()
    listed = sorted(page.locator("#results-heading ~ ul.cards h3").all_inner_texts())
    assert listed == sorted([*PRINTED, "Kielikoulu Oy", "Pirkanmaan Kotoutumishanke"])
    page.get_by_role("link", name="Tulosta valinta (PDF tai CSV)").click()
    assert page.url.startswith(live_server.url + reverse("directory:list_print") + "?")
    assert printed_names(page) == listed
    check_page(page)
    assert_downloads_match(page, listed)


def test_employment_worker_finds_actors_for_immigrants_on_a_phone(page, live_server, directory):
    page.goto(live_server.url + reverse("directory:actors"))
    check_page(page)
    expect(page.get_by_role("heading", name="8 toimijaa")).to_be_visible()

    # By keyboard: past the header with "Siirry pääsisältöön", then "Siirry tuloksiin" is
    # the first stop in the content and moves the focus to the results, past the filters.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Siirry pääsisältöön")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Siirry tuloksiin")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_be_focused()

    # Nothing chosen yet: on a phone the filters are folded behind their summary, so that
    # the results come first; on a wide screen they are open beside the results.
    filters = page.locator("details.filter-panel")
    expect(filters.locator("summary")).to_have_text("Rajaa hakua (0 valittu)")
    if page.viewport_size["width"] < 600:
        expect(filters).not_to_have_attribute("open", "")
        assert page.locator("#results-heading").bounding_box()["y"] < 844
        filters.locator("summary").click()
    expect(filters).to_have_attribute("open", "")
    # Checkbox lists show each option's count.
    page.get_by_label("Pirkanmaa (6)", exact=True).check()
    page.get_by_label("Maahanmuuttajat (5)", exact=True).check()
    page.get_by_role("button", name="Näytä").click()

    expect(page.get_by_role("heading", name="4 toimijaa")).to_be_visible()
    # With choices made the filters fold away behind the count of them.
    expect(filters).not_to_have_attribute("open", "")
    expect(filters.locator("summary")).to_have_text("Rajaa hakua (2 valittu)")
    region_chip = page.get_by_role("link", name="Poista rajaus Maakunta: Pirkanmaa", exact=True)
    expect(region_chip).to_be_visible()
    expect(
        page.get_by_role("link", name="Poista rajaus Kohderyhmä: Maahanmuuttajat", exact=True)
    ).to_be_visible()
    check_page(page)

    # Partially able people too, from the folded filters.
    filters.locator("summary").click()
    page.get_by_label(re.compile(r"^Osatyökykyiset \(\d+\)$")).check()
    page.get_by_role("button", name="Näytä").click()
    expect(page.get_by_role("heading", name="5 toimijaa")).to_be_visible()
    expect(filters.locator("summary")).to_have_text("Rajaa hakua (3 valittu)")

    region_chip.click()
    expect(page.get_by_role("heading", name="7 toimijaa")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Poista rajaus Maakunta"))).to_have_count(0)

    # An old link with a value the list does not know: a notice, and the list still answers.
    page.goto(live_server.url + reverse("directory:actors") + "?tyyppi=jarjesto")
    expect(page.locator(".notices")).to_contain_text("Tuntematon toimijatyyppi")
    expect(page.get_by_role("heading", name="8 toimijaa")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Tampereen Kotoutumisyhdistys ry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tampereen Kotoutumisyhdistys ry")
    business_id = page.get_by_role("link", name="1234567-8")
    assert business_id.get_attribute("href") == "https://tietopalvelu.ytj.fi/yritys/1234567-8"
    verified = page.locator("dt", has_text="Tarkistettu").locator("xpath=following-sibling::dd[1]")
    expect(verified).to_contain_text("2.3.2026")
    expect(verified).to_contain_text("Kaisa Kuraattori")
    check_page(page)

    # An actor with no contact details has no empty "Yhteystiedot" heading.
    page.goto(live_server.url + reverse("directory:actor", args=["helsingin-kotoutumispiste"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Helsingin Kotoutumispiste ry")
    expect(page.get_by_role("heading", name="Yhteystiedot")).to_have_count(0)
    check_page(page)


def test_curator_adds_an_actor_in_the_admin(page, live_server, directory):
    get_user_model().objects.create_superuser("kuraattori", password="Pitka-salasana-2026")
    page.goto(live_server.url + reverse("admin:index"))
    check_page(page)
    page.locator("#id_username").fill("kuraattori")
    page.locator("#id_password").fill("Pitka-salasana-2026")
    page.locator("input[type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text("kuraattori")

    page.goto(live_server.url + reverse("admin:actors_actor_add"))
    first_fields = page.evaluate(
        """[...document.querySelectorAll(
            '#actor_form fieldset :is(input, select, textarea):not([type=hidden])')]
            .slice(0, 4).map(e => e.name)"""
    )
    assert first_fields == ["name_fi", "name_sv", "name_en", "kind"]
    check_page(page, exclude=DJANGO_ADMIN_WIDGETS)

    # No home municipality, no area, not national: saved, with a warning to add one.
    page.locator("#id_name_fi").fill("Uusi kumppani ry")
    page.locator("#id_slug").fill("uusi-kumppani")
    page.locator("#id_kind").select_option(label="Yhdistys tai järjestö")
    page.locator("input[name=_save]").click()
    messages = page.locator("ul.messagelist")
    expect(messages.locator(".success")).to_contain_text("Uusi kumppani ry")
    expect(messages.locator(".warning")).to_contain_text(re.compile("alue", re.IGNORECASE))

    # The changelist shows the newest entry, the draft, first.
    page.goto(live_server.url + reverse("admin:actors_actor_changelist"))
    first_row = page.locator("#result_list tbody tr").first
    expect(first_row).to_contain_text("Uusi kumppani ry")
    expect(first_row).to_contain_text("Luonnos")
    check_page(page)

    page.goto(live_server.url + reverse("admin:actors_actor_import"))
    template = page.get_by_role("link", name="Lataa pohjatiedosto (CSV, Excel)")
    check_page(page)
    response = fetch(page, live_server.url + template.get_attribute("href"))
    assert response.headers["content-type"].startswith("text/csv")
    header, example = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff")), delimiter=";"))
    assert "name" in header and example[header.index("name")]  # the columns and an example
