"""The visitors' journeys in Swedish and in English, in a real browser, on a desktop and on a
phone: home → region → a print of its associations for immigrants (page, PDF, CSV) → the
actor list filtered by target group → an actor → site search → funding calendar → a glossary
term. Every page is in the journey's language (`<html lang>` and the interface's own labels),
has no WCAG 2.1 A/AA violations and does not scroll sideways.

Also: the language switcher keeps a filtered list's query, the one-time suggestion of the
browser's language, and the place-suggestion combobox's count in Swedish.

The directory's content (names, target groups) may be Finnish, marked lang="fi", in every
language: the checks here read the interface, and find content by its address or value.
"""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.test_journeys import (  # noqa: F401 (fixtures)
    PRINTED,
    browser_context_args,
    check_page,
    directory,
    fetch,
    printed_names,
)
from tests.browser.test_place_suggest import places  # noqa: F401 (a fixture)
from tests.factories import make_funding_source, make_term, make_window

pytestmark = pytest.mark.django_db(transaction=True)

# The interface's labels in each language, as the catalogues (locale/) translate them.
INTERFACE = {
    "sv": {
        "main_menu": "Huvudmeny",
        "nav": ["Områden", "Aktörer", "Finansiering", "Goda praxis", "Begrepp"],
        "skip_link": "Gå till huvudinnehållet",
        "search_label": "Sök i katalogen",
        "search_button": "Sök",
        "home_heading": "Känner du aktörerna i ditt område?",
        "choose_area": "Välj område",
        "actors_by_kind": "Aktörer efter typ",
        "print_summary": "Skriv ut aktörerna för en workshop (PDF eller tabell)",
        "print_options": "Utskriftsval",
        "association": "Förening eller organisation",
        "show_print": "Visa sidan för utskrift",
        "print_tools": "Verktyg för utskriften",
        "download_pdf": "Ladda ner PDF",
        "download_csv": "Ladda ner tabellen (CSV)",
        "csv_header": ["namn", "typ", "hemkommun", "riksomfattande"],
        "csv_last_column": "länk",
        "browse_all": "Bläddra bland och avgränsa alla",
        "filters": "Avgränsa sökningen",
        "show": "Visa",
        "four_actors": "4 aktörer",
        "remove_filter": "Ta bort avgränsning",
        "contact_details": "Kontaktuppgifter",
        "search_heading": "Sökning",
        "calendar_heading": "Ansökningstider för finansiering månad för månad",
        "month": "Månad",
        "open_calls": "Öppna ansökningar",
        "source": "Källa för uppgifterna",
        "category": "Kategori",
    },
    "en": {
        "main_menu": "Main menu",
        "nav": ["Areas", "Actors", "Funding", "Good practices", "Glossary"],
        "skip_link": "Skip to main content",
        "search_label": "Search the directory",
        "search_button": "Search",
        "home_heading": "Do you know the actors in your area?",
        "choose_area": "Choose an area",
        "actors_by_kind": "Actors by type",
        "print_summary": "Print the actors for a workshop (PDF or table)",
        "print_options": "Print options",
        "association": "Association or NGO",
        "show_print": "Show the printable page",
        "print_tools": "Printout tools",
        "download_pdf": "Download PDF",
        "download_csv": "Download the table (CSV)",
        "csv_header": ["name", "type", "home municipality", "national"],
        "csv_last_column": "link",
        "browse_all": "Browse and filter all",
        "filters": "Narrow the search",
        "show": "Show",
        "four_actors": "4 actors",
        "remove_filter": "Remove filter",
        "contact_details": "Contact details",
        "search_heading": "Search",
        "calendar_heading": "Funding application periods by month",
        "month": "Month",
        "open_calls": "Open calls",
        "source": "Source of information",
        "category": "Category",
    },
}
LANGUAGES = list(INTERFACE)


@pytest.fixture
def journey_directory(directory):  # noqa: F811 (the imported fixture)
    """The journeys' directory, with a funding source open in April and May and a term."""
    source = make_funding_source(name="Testisäätiön avustus", slug="testisaation-avustus")
    make_window(funding_source=source, name="Kevään haku", start_month=4, end_month=5)
    make_term(term="Välityömarkkinat", slug="valityomarkkinat")
    return directory


def address(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


def expect_interface_in(page, language):
    """The page is in `language`: its lang, the header's menu, search, skip link and switcher."""
    labels = INTERFACE[language]
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("link", name=labels["skip_link"])).to_have_count(1)
    menu = page.get_by_role("navigation", name=labels["main_menu"])
    expect(menu.get_by_role("link")).to_have_text(labels["nav"])
    search = page.locator("form.site-search")
    expect(search.locator("label")).to_have_text(labels["search_label"])
    expect(search.get_by_role("button")).to_have_text(labels["search_button"])
    expect(page.locator('nav.language-switcher a[aria-current="true"]')).to_have_attribute(
        "lang", language
    )


def assert_downloads_in(page, language, names):
    """Follow the print page's PDF and CSV buttons: a PDF, and a CSV of exactly `names` whose
    header row is in `language`."""
    labels = INTERFACE[language]
    with page.expect_response(re.compile(r"\.pdf\?")) as pdf:
        page.get_by_role("button", name=labels["download_pdf"]).click()
    pdf_response = fetch(page, pdf.value.url)
    assert pdf_response.headers["content-type"] == "application/pdf"
    assert pdf_response.body().startswith(b"%PDF")
    page.go_back()
    with page.expect_response(re.compile(r"\.csv\?")) as table:
        page.get_by_role("button", name=labels["download_csv"]).click()
    csv_response = fetch(page, table.value.url)
    assert csv_response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(csv_response.text().lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    assert header[:4] == labels["csv_header"], header
    assert header[-1] == labels["csv_last_column"], header
    assert sorted(row[0] for row in rows[1:]) == names


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_visitors_journey_in_their_language(page, live_server, journey_directory, language):
    labels = INTERFACE[language]
    region = journey_directory["region"]

    page.goto(live_server.url + address(language, "directory:home"))
    expect_interface_in(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(labels["home_heading"])
    expect(page.get_by_role("heading", name=labels["choose_area"])).to_be_visible()
    check_page(page)

    # The region, from the home page's list of regions (its name may be Finnish or Swedish).
    region_path = address(language, "directory:region", region.slug)
    page.locator(f'.region-picker ul a[href="{region_path}"]').click()
    expect(page).to_have_url(live_server.url + region_path)
    expect_interface_in(page, language)
    expect(page.get_by_role("heading", name=labels["actors_by_kind"], level=2)).to_be_visible()
    check_page(page)

    # A print of the region's associations serving immigrants.
    page.get_by_text(labels["print_summary"]).click()
    options = page.get_by_role("form", name=labels["print_options"])
    options.locator('input[name="kohderyhma"][value="maahanmuuttajat"]').check()
    options.get_by_label(labels["association"], exact=True).check()
    options.get_by_role("button", name=labels["show_print"]).click()
    print_path = address(language, "directory:region_print", region.slug)
    expect(page).to_have_url(re.compile(re.escape(live_server.url + print_path) + r"\?"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("region", name=labels["print_tools"])).to_be_visible()
    assert printed_names(page) == PRINTED
    check_page(page)
    assert_downloads_in(page, language, PRINTED)

    # The list of all the region's actors, narrowed to those serving immigrants.
    page.goto(live_server.url + region_path)
    page.get_by_role("link", name=labels["browse_all"]).click()
    expect(page).to_have_url(re.compile(re.escape(address(language, "directory:actors")) + r"\?"))
    filters = page.locator("details.filter-panel")
    if filters.get_attribute("open") is None:
        filters.locator("summary").click()
    page.locator('input[name="kohderyhma"][value="maahanmuuttajat"]').check()
    page.get_by_role("form", name=labels["filters"]).get_by_role(
        "button", name=labels["show"], exact=True
    ).click()
    expect(page.get_by_role("heading", name=labels["four_actors"])).to_be_visible()
    chips = page.get_by_role("link", name=re.compile("^" + labels["remove_filter"]))
    expect(chips).to_have_count(2)  # the region's and the target group's
    expect_interface_in(page, language)
    check_page(page)

    page.locator("#results-heading ~ ul.cards").get_by_role(
        "link", name="Tampereen Kotoutumisyhdistys ry"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tampereen Kotoutumisyhdistys ry")
    expect(page.get_by_role("heading", name=labels["contact_details"])).to_be_visible()
    expect_interface_in(page, language)
    check_page(page)

    # The site search, from the header.
    page.get_by_label(labels["search_label"]).fill("Kotoutumis")
    page.locator("form.site-search").get_by_role("button").click()
    expect(page).to_have_url(re.compile(re.escape(address(language, "directory:search")) + r"\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text(labels["search_heading"])
    expect(page.get_by_role("link", name="Tampereen Kotoutumisyhdistys ry")).to_be_visible()
    expect_interface_in(page, language)
    check_page(page)

    page.goto(live_server.url + address(language, "funding:calendar"))
    expect(page.get_by_role("heading", level=1)).to_have_text(labels["calendar_heading"])
    expect(page.get_by_role("columnheader")).to_have_text([labels["month"], labels["open_calls"]])
    expect(page.locator("#kuukausi-4")).to_contain_text("Testisäätiön avustus")
    expect_interface_in(page, language)
    check_page(page)

    # A glossary term, from the main menu.
    page.get_by_role("navigation", name=labels["main_menu"]).get_by_role(
        "link", name=labels["nav"][-1]
    ).click()
    expect(page).to_have_url(live_server.url + address(language, "glossary:list"))
    page.get_by_role("main").get_by_role("link", name="Välityömarkkinat").click()
    expect(page).to_have_url(
        live_server.url + address(language, "glossary:detail", "valityomarkkinat")
    )
    expect(page.get_by_role("heading", name=labels["source"])).to_be_visible()
    expect(page.locator("main .meta")).to_contain_text(labels["category"])
    expect_interface_in(page, language)
    check_page(page)


def test_the_switcher_keeps_a_filtered_list_in_swedish(page, live_server, directory):  # noqa: F811
    query = "?alue=pirkanmaa&kohderyhma=maahanmuuttajat"
    page.goto(live_server.url + reverse("directory:actors") + query)
    expect(page.get_by_role("heading", name="4 toimijaa")).to_be_visible()

    page.locator("nav.language-switcher").get_by_role("link", name="Svenska").click()

    expect(page).to_have_url(live_server.url + address("sv", "directory:actors") + query)
    expect_interface_in(page, "sv")
    expect(page.get_by_role("heading", name="4 aktörer")).to_be_visible()
    chips = page.get_by_role("link", name=re.compile("^Ta bort avgränsning"))
    expect(chips).to_have_count(2)
    check_page(page)


def test_the_browsers_language_is_suggested_once(browser, live_server, directory):  # noqa: F811
    region_path = reverse("directory:region", args=["pirkanmaa"])
    swedish = browser.new_context(locale="sv-FI")
    page = swedish.new_page()
    page.goto(live_server.url + region_path)

    suggestion = page.locator('[data-language-suggestion="sv"]')
    expect(suggestion).to_be_visible()
    expect(suggestion).to_have_attribute("lang", "sv")
    expect(suggestion).to_contain_text("Den här sidan finns också på svenska.")
    expect(page.locator('[data-language-suggestion="en"]')).to_be_hidden()
    check_page(page)
    link = suggestion.get_by_role("link", name="Gå till sidan på svenska")
    swedish_path = address("sv", "directory:region", "pirkanmaa")
    expect(link).to_have_attribute("href", swedish_path)

    # Once: not on the next page load, the choice being kept in localStorage.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.locator('[data-language-suggestion="sv"]')).to_be_hidden()
    page.goto(live_server.url + reverse("directory:home"))
    expect(page.locator('[data-language-suggestion="sv"]')).to_be_hidden()
    swedish.close()

    # Followed in a new browser, the link leads to the same page in Swedish.
    swedish = browser.new_context(locale="sv-FI")
    page = swedish.new_page()
    page.goto(live_server.url + region_path)
    page.get_by_role("link", name="Gå till sidan på svenska").click()
    expect(page).to_have_url(live_server.url + swedish_path)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    swedish.close()

    finnish = browser.new_context(locale="fi-FI")
    page = finnish.new_page()
    page.goto(live_server.url + region_path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pirkanmaa")
    expect(page.locator("[data-language-suggestion]")).to_have_count(2)
    for box in page.locator("[data-language-suggestion]").all():
        expect(box).to_be_hidden()
    assert page.evaluate("localStorage.getItem('keko-language-suggested')") is None
    finnish.close()


def test_the_place_suggestions_are_counted_in_swedish(page, live_server, places):  # noqa: F811
    page.goto(live_server.url + address("sv", "directory:municipality_search"))
    box = page.get_by_role("combobox", name="Kommunens namn")

    box.press_sequentially("Oul")

    expect(page.get_by_role("listbox").get_by_role("option")).to_have_count(2)
    expect(page.get_by_role("status").filter(has_text="förslag")).to_have_text(
        "2 förslag. Välj med piltangenterna."
    )
    check_page(page)
