"""The municipality box's suggestions as you type (static/js/place-suggest.js) in a real
browser: the WAI-ARIA combobox pattern with the keyboard, axe-core, and the form without
JavaScript."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import make_municipality, make_region

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def places():
    north = make_region(
        name_fi="Pohjois-Pohjanmaa", name_sv="Norra Österbotten", slug="pohjois-pohjanmaa"
    )
    make_municipality(name_fi="Oulainen", name_sv="Oulainen", slug="oulainen", region=north)
    return make_municipality(name_fi="Oulu", name_sv="Uleåborg", slug="oulu", region=north)


def home(page, live_server):
    page.goto(live_server.url + reverse("directory:home"))
    return page.get_by_role("combobox", name="Etsi kunta nimellä")


def test_type_choose_with_the_keyboard_and_land_on_the_municipality(page, live_server, places):
    box = home(page, live_server)
    expect(box).to_have_attribute("aria-expanded", "false")

    box.press_sequentially("Oul")

    listbox = page.get_by_role("listbox", name="Ehdotukset")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options).to_have_text(["Oulainen (Pohjois-Pohjanmaa)", "Oulu (Pohjois-Pohjanmaa)"])
    expect(page.get_by_role("status").filter(has_text="ehdotusta")).to_have_text(
        "2 ehdotusta. Valitse nuolinäppäimillä."
    )
    # With the list open, the page has no WCAG 2.1 A/AA violations.
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()

    box.press("ArrowDown")
    box.press("ArrowDown")
    oulu = options.nth(1)
    expect(oulu).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", oulu.get_attribute("id"))
    # Down from the last wraps round to the first, and up again to the last.
    box.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    expect(oulu).to_have_attribute("aria-selected", "true")

    box.press("Enter")

    expect(page).to_have_url(re.compile(f"{places.get_absolute_url()}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oulu")


def test_escape_closes_the_list_and_enter_then_sends_the_form(page, live_server, places):
    box = home(page, live_server)
    box.press_sequentially("Oulussa")
    expect(page.get_by_role("listbox").get_by_role("option")).to_have_text(
        ["Oulu (Pohjois-Pohjanmaa)"]
    )

    box.press("Escape")

    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))
    # No option chosen: Enter sends the text to the finder, which reads the inflected name.
    box.press("Enter")
    expect(page).to_have_url(re.compile(f"{places.get_absolute_url()}$"))


def test_the_finder_page_suggests_regions_too(page, live_server, places):
    page.goto(live_server.url + reverse("directory:municipality_search"))
    box = page.get_by_role("combobox", name="Kunnan nimi")
    box.press_sequentially("pohjois")
    option = page.get_by_role("option", name="Pohjois-Pohjanmaa (maakunta)")
    expect(option).to_be_visible()
    option.click()
    expect(page).to_have_url(re.compile(f"{places.region.get_absolute_url()}$"))


def test_without_javascript_the_box_is_a_plain_form(browser, live_server, places):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + reverse("directory:home"))
    box = page.get_by_role("searchbox", name="Etsi kunta nimellä")
    expect(page.get_by_role("combobox")).to_have_count(0)
    box.fill("Oulussa")
    box.press("Enter")
    expect(page).to_have_url(re.compile(f"{places.get_absolute_url()}$"))
    context.close()


def test_the_open_list_fits_a_320_pixel_screen(browser, live_server, places):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + reverse("directory:home"))
    page.get_by_role("combobox", name="Etsi kunta nimellä").press_sequentially("Oul")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    box = listbox.bounding_box()
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width == 320 and box["x"] >= 0 and box["x"] + box["width"] <= 320
