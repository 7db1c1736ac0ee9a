"""Real-browser tests: Playwright drives Debian's Chromium against the live server.

Every page type is also audited with axe-core for WCAG 2.1 A/AA violations.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from actors.models import ActorKind
from tests.factories import (
    make_actor,
    make_contact,
    make_contact_role,
    make_funding_source,
    make_municipality,
    make_practice,
    make_region,
    make_service,
    make_target_group,
    make_term,
    make_window,
)

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def directory():
    """A small region with actors of several kinds, a practice, funding and terms."""
    region = make_region(name_fi="Pirkanmaa", name_sv="Birkaland", code="06", slug="pirkanmaa")
    tampere = make_municipality(
        name_fi="Tampere", name_sv="Tammerfors", slug="tampere", region=region
    )
    make_region(name_fi="Lappi", name_sv="Lappland", code="19", slug="lappi")
    coaching = make_service(name="Työhönvalmennus", slug="tyohonvalmennus")
    workshops = make_service(name="Työpajat", slug="tyopajat")
    youth = make_target_group(name="Nuoret", slug="nuoret")
    association = make_actor(
        name="Tampereen Työpaja ry",
        slug="tampereen-tyopaja",
        municipality=tampere,
        description="Järjestö, joka tarjoaa nuorille työpajoja.",
        services=[coaching, workshops],
        target_groups=[youth],
        website="https://example.org",
    )
    make_actor(
        name="Pirkan Seurakunta", kind=ActorKind.PARISH, municipality=tampere, services=[workshops]
    )
    make_actor(
        name="Valmennus Oy", kind=ActorKind.COMPANY, municipality=tampere, services=[coaching]
    )
    role = make_contact_role(name="TYP:n työntekijä", checklist_order=1)
    make_contact(actor=association, role=role, name="Tiina Testaaja", public=True)
    stea = make_funding_source(name="STEA-avustukset", slug="stea", regions=[region])
    make_window(funding_source=stea, name="Uudet avustukset", start_month=4, end_month=5)
    practice = make_practice(
        title="Yhteinen työpaja",
        participants=[association],
        regions=[region],
        funding_sources=[stea],
        target_groups=[youth],
    )
    verkosto = make_term(term="Verkosto", slug="verkosto")
    make_term(term="Kumppanuus", slug="kumppanuus", related=[verkosto])
    return {
        "region": region,
        "municipality": tampere,
        "actor": association,
        "practice": practice,
        "funding": stea,
        "term": verkosto,
    }


def url(live_server, name, *args):
    return live_server.url + reverse(name, args=args)


def test_pick_a_region_narrow_by_kind_and_service_and_open_an_actor(page, live_server, directory):
    page.goto(url(live_server, "directory:home"))
    page.get_by_role("link", name="Pirkanmaa", exact=True).first.click()
    expect(page).to_have_title(re.compile("Pirkanmaa"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pirkanmaa")

    page.get_by_role("link", name="Selaa ja rajaa kaikkia").click()
    expect(page.get_by_role("heading", name="3 toimijaa")).to_be_visible()
    # With a filter chosen the filters are folded away; each option shows its count.
    page.get_by_text("Rajaa hakua (1 valittu)").click()
    page.get_by_label(re.compile(r"^Yhdistys tai järjestö \(\d+\)$")).check()
    page.get_by_label(re.compile(r"^Yritys \(\d+\)$")).check()
    page.get_by_role("button", name="Näytä").click()
    expect(page.get_by_role("heading", name="2 toimijaa")).to_be_visible()
    assert "tyyppi=yhdistys" in page.url and "alue=pirkanmaa" in page.url

    page.get_by_text("Rajaa hakua (3 valittu)").click()
    page.get_by_label(re.compile(r"^Työpajat \(\d+\)$")).check()
    page.get_by_role("button", name="Näytä").click()
    expect(page.get_by_role("heading", name="1 toimija")).to_be_visible()
    # A chosen value is a chip that removes it.
    page.get_by_role("link", name=re.compile("Poista rajaus Palvelu: Työpajat")).click()
    expect(page.get_by_role("heading", name="2 toimijaa")).to_be_visible()
    page.go_back()

    page.get_by_role("link", name="Tampereen Työpaja ry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tampereen Työpaja ry")
    expect(page.get_by_text("Tiina Testaaja")).to_be_visible()


def test_region_map_links_to_the_region(page, live_server, directory):
    page.goto(url(live_server, "directory:home"))
    page.locator('svg a[aria-label="Pirkanmaa"]').click()
    expect(page).to_have_url(re.compile("/alueet/pirkanmaa/$"))


def test_search_with_an_inflected_word(page, live_server, directory):
    page.goto(url(live_server, "directory:home"))
    page.get_by_label("Hae hakemistosta").fill("järjestöjen")
    page.get_by_label("Hae hakemistosta").press("Enter")
    expect(page).to_have_url(re.compile(r"/haku/\?q="))
    expect(page.get_by_role("link", name="Tampereen Työpaja ry")).to_be_visible()


def test_download_the_calendar_feed(page, live_server, directory):
    page.goto(url(live_server, "funding:calendar"))
    expect(page.get_by_text("Uudet avustukset").first).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="lataa iCalendar-tiedosto").click()
    path = download_info.value.path()
    text = open(path, encoding="utf-8").read()
    assert text.startswith("BEGIN:VCALENDAR")
    assert "RRULE:FREQ=YEARLY" in text and "Uudet avustukset" in text
    assert "Hakuaika päättyy: " in text
    subscribe = page.get_by_role("link", name="Tilaa hakuajat kalenteriisi")
    assert subscribe.get_attribute("href").startswith("webcal://")


def test_skip_link_moves_focus_to_the_main_content(page, live_server, directory):
    page.goto(url(live_server, "directory:actors"))
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Siirry pääsisältöön")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


PAGE_TYPES = [
    ("directory:home", ()),
    ("directory:regions", ()),
    ("directory:region", ("pirkanmaa",)),
    ("directory:municipality", ("tampere",)),
    ("directory:municipality_search", ()),
    ("directory:actors", ()),
    ("directory:actor", ("tampereen-tyopaja",)),
    ("funding:list", ()),
    ("directory:funding_source", ("stea",)),
    ("funding:calendar", ()),
    ("practices:list", ()),
    ("glossary:list", ()),
    ("glossary:detail", ("verkosto",)),
    ("directory:search", ()),
    ("directory:region_print", ("pirkanmaa",)),
    ("directory:list_print", ()),
    ("accessibility_statement", ()),
    ("opendata_site:page", ()),
]


@pytest.mark.parametrize(("name", "args"), PAGE_TYPES)
def test_page_has_no_accessibility_violations(page, live_server, directory, name, args):
    page.goto(url(live_server, name, *args) + ("?q=työpaja" if name == "directory:search" else ""))
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize(("name", "args"), PAGE_TYPES)
def test_page_fits_a_320_pixel_screen(browser, live_server, directory, name, args):
    """WCAG 1.4.10 Reflow: nothing scrolls sideways at 320 CSS pixels."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(url(live_server, name, *args))
    overflowing = page.evaluate(
        """[...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 320 + 0.5)
            .filter(e => !e.closest('pre, table'))
            .map(e => e.tagName + '.' + e.className + ' ' + e.outerHTML.slice(0, 60))"""
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert (width, overflowing) == (320, [])


def test_practice_page_and_filter_errors_have_no_accessibility_violations(
    page, live_server, directory
):
    for path in (
        directory["practice"].get_absolute_url(),
        reverse("directory:actors") + "?alue=nope",
        # notices (an unknown kind, a municipality outside the region), chips, ways out
        reverse("directory:actors") + "?alue=lappi&kunta=tampere&tyyppi=jarjesto",
    ):
        page.goto(live_server.url + path)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, results.generate_report()


def test_print_page_has_a_print_button_that_opens_the_browsers_print(page, live_server, directory):
    # window.print() blocks in a headless browser: count the calls instead.
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1 }")
    page.goto(url(live_server, "directory:region_print", "pirkanmaa"))
    button = page.get_by_role("button", name="Tulosta", exact=True)
    expect(button).to_be_visible()
    button.click()
    assert page.evaluate("window.printed") == 1


def test_print_button_stays_hidden_without_javascript(browser, live_server, directory):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url(live_server, "directory:region_print", "pirkanmaa"))
    expect(page.get_by_role("button", name="Tulosta", exact=True)).to_have_count(0)
    context.close()


def test_a_long_list_of_choices_narrows_as_one_types_on_a_phone(browser, live_server, directory):
    for n, name in enumerate(["Akaa", "Hämeenkyrö", "Ikaalinen", "Juupajoki", "Kangasala"] * 3):
        town = make_municipality(name_fi=f"{name} {n}", region=directory["region"])
        make_actor(name=f"Toimija {n}", municipality=town)
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(url(live_server, "directory:actors"))
    panel = page.locator("details.filter-panel")
    expect(panel).not_to_have_attribute("open", "")  # folded on a phone, results first
    panel.locator("summary").click()
    narrow = page.get_by_label("Etsi listasta: Kunta")
    narrow.fill("tamp")
    municipalities = page.locator("fieldset", has=narrow)
    expect(municipalities.locator("li:visible")).to_have_count(1)
    municipalities.get_by_label(re.compile(r"^Tampere \(\d+\)$")).check()
    narrow.fill("")
    expect(municipalities.locator("li:visible")).to_have_count(16)
    page.get_by_role("button", name="Näytä").click()
    expect(page.get_by_role("heading", name="3 toimijaa")).to_be_visible()
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def test_filters_opened_on_a_phone_before_the_script_has_run_stay_open(
    browser, live_server, directory
):
    # A slow connection: the deferred script that folds the filters arrives only after the
    # visitor has already opened them. It must not fold them again under their finger.
    page = browser.new_page(viewport={"width": 390, "height": 844})
    held = []
    page.route(re.compile(r"/js/filter-panel[^/]*\.js$"), lambda route: held.append(route))
    page.goto(url(live_server, "directory:actors") + "?alue=pirkanmaa", wait_until="commit")
    panel = page.locator("details.filter-panel")
    expect(panel).not_to_have_attribute("open", "")  # something chosen: sent folded
    panel.locator("summary").click()
    expect(panel).to_have_attribute("open", "")
    assert len(held) == 1, "the script was not held back"
    held[0].continue_()
    page.wait_for_load_state()  # the deferred script has run
    assert page.evaluate("() => document.querySelector('details.filter-panel').open")
