"""End to end in a real browser: an organisation adds itself through the public form, a curator
approves it in the admin, and the yearly e-mail's link confirms the entry. The new pages are
audited with axe-core like every other page (tests/browser/test_browser.py)."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from actors.models import Actor
from curation.models import ConfirmationRequest, OrganisationProposal
from keko.models import Status
from tests.factories import (
    make_actor,
    make_contact_role,
    make_curator,
    make_municipality,
    make_region,
    make_service,
    make_target_group,
)

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "kuraattorin-salasana-1"


@pytest.fixture
def vocab(settings, live_server):
    # The e-mails link to the live server; sent by the worker in this process, they land
    # in django.core.mail.outbox (the tests' in-memory backend).
    settings.SITE_URL = live_server.url
    region = make_region(name_fi="Pirkanmaa", slug="pirkanmaa")
    return {
        "region": region,
        "nokia": make_municipality(name_fi="Nokia", slug="nokia", region=region),
        "service": make_service(name="Työhönvalmennus"),
        "group": make_target_group(name="Nuoret"),
        "role": make_contact_role(name="Yhteyshenkilö", slug="yhteyshenkilo"),
    }


def audit(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def test_add_approve_and_confirm_an_organisation(browser, live_server, vocab, run_queued_tasks):
    # A visitor, without JavaScript: the form needs none. (axe needs JavaScript: the same
    # pages are audited in test_new_pages_have_no_accessibility_violations.)
    visitor = browser.new_context(java_script_enabled=False)
    page = visitor.new_page()
    page.goto(live_server.url + reverse("curation:organisation_new"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lisää organisaatio")
    page.get_by_label("Organisaation nimi").fill("Nokian Työpaja ry")
    page.get_by_label("Organisaation tyyppi").select_option(label="Yhdistys tai järjestö")
    page.get_by_label("Y-tunnus").fill("0201256-7")  # a wrong check digit
    page.get_by_label("Organisaation yleinen sähköposti").fill("info@nokiantyopaja.example")
    page.get_by_label("Kotikunta").select_option(label="Nokia")
    page.get_by_label("Työhönvalmennus").check()
    page.get_by_label("Nuoret").check()
    page.locator("#id_yhteyshenkilot-0-name").fill("Paula Paja")
    page.locator("#id_yhteyshenkilot-0-title").fill("Toiminnanjohtaja")
    page.locator("#id_yhteyshenkilot-0-email").fill("paula@nokiantyopaja.example")
    page.locator("#id_yhteyshenkilot-0-public").check()
    # A second contact row, without JavaScript: the page comes back with everything kept.
    page.get_by_role("button", name="Lisää yhteyshenkilö").click()
    expect(page.get_by_role("group", name="Yhteyshenkilö 2")).to_be_visible()
    expect(page.locator("#id_yhteyshenkilot-0-name")).to_have_value("Paula Paja")
    page.locator("#id_yhteyshenkilot-1-name").fill("Ossi Ohjaaja")
    page.locator("#id_yhteyshenkilot-1-phone").fill("040 123 4567")
    page.get_by_label("Sähköpostisi").fill("paula@nokiantyopaja.example")
    page.get_by_role("button", name="Lähetä ylläpidon tarkistettavaksi").click()

    # The error summary links to the field; nothing typed is lost.
    summary = page.locator("#virheet")
    expect(summary).to_contain_text("Y-tunnuksen tarkistusmerkki ei täsmää.")
    expect(page).to_have_title(re.compile("^Virhe: Lisää organisaatio"))
    summary.get_by_role("link", name=re.compile("Y-tunnus")).click()
    expect(page).to_have_url(re.compile("#id_business_id$"))
    expect(page.get_by_label("Organisaation nimi")).to_have_value("Nokian Työpaja ry")
    expect(page.get_by_label("Työhönvalmennus")).to_be_checked()
    expect(page.locator("#id_yhteyshenkilot-1-name")).to_have_value("Ossi Ohjaaja")
    page.get_by_label("Y-tunnus").fill("0201256-6")
    page.get_by_role("button", name="Lähetä ylläpidon tarkistettavaksi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiitos, tiedot lähetetty!")

    actor = Actor.objects.get(name="Nokian Työpaja ry")
    assert actor.status == Status.DRAFT and actor.contacts.count() == 2
    # Nothing is public before a curator approves it.
    assert page.goto(live_server.url + actor.get_absolute_url()).status == 404
    visitor.close()

    # A curator approves it in the admin.
    curator = make_curator(password=PASSWORD)
    admin = browser.new_context()
    page = admin.new_page()
    page.goto(live_server.url + reverse("admin:curation_organisationproposal_changelist"))
    page.locator("#id_username").fill(curator.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page.get_by_text("Nokian Työpaja ry")).to_be_visible()
    proposal = OrganisationProposal.objects.get()
    page.goto(
        live_server.url + reverse("admin:curation_organisationproposal_change", args=[proposal.pk])
    )
    expect(page.get_by_text("Uusi organisaatio: sen luonnos on toimijoissa")).to_be_visible()
    page.get_by_role("button", name="Hyväksy ja julkaise").click()
    expect(page.get_by_text("Ilmoitus hyväksytty.")).to_be_visible()
    admin.close()
    actor.refresh_from_db()
    assert actor.status == Status.PUBLISHED
    assert OrganisationProposal.objects.get().status == OrganisationProposal.Status.APPROVED

    # The yearly e-mail: queued by the command, sent by the worker.
    Actor.objects.filter(pk=actor.pk).update(verified_on=None, verified_by="")
    mail.outbox.clear()
    call_command("request_confirmations", verbosity=0)
    run_queued_tasks()
    assert [message.to for message in mail.outbox] == [["info@nokiantyopaja.example"]]
    link = re.search(re.escape(live_server.url) + r"/vahvista/\S+/", mail.outbox[0].body).group(0)

    organisation = browser.new_context()
    page = organisation.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nokian Työpaja ry")
    expect(page.get_by_text("Paula Paja")).to_be_visible()
    audit(page)
    page.get_by_role("button", name="Tiedot ovat oikein").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiitos, tiedot vahvistettu!")
    audit(page)
    organisation.close()
    actor.refresh_from_db()
    assert actor.verified_on == timezone.localdate()
    assert actor.verified_by == "vahvistanut organisaatio itse"
    assert ConfirmationRequest.objects.get().answer == ConfirmationRequest.Answer.CONFIRMED


def test_new_pages_have_no_accessibility_violations(page, live_server, vocab):
    actor = make_actor(name="Tampereen Paja ry", slug="tampereen-paja", municipality=vocab["nokia"])
    paths = [
        reverse("curation:organisation_new"),
        reverse("curation:organisation_new_thanks"),
        reverse("curation:organisation_update_thanks", kwargs={"slug": actor.slug}),
        reverse("curation:organisation_update", kwargs={"slug": actor.slug}),
        reverse("curation:confirmation", kwargs={"token": "roskaa"}),
        actor.get_absolute_url(),
    ]
    for path in paths:
        page.goto(live_server.url + path)
        audit(page)
    # The new organisation's form with errors: the summary, marked fields, a second contact.
    page.goto(live_server.url + reverse("curation:organisation_new"))
    page.get_by_label("Y-tunnus").fill("123")
    page.get_by_role("button", name="Lisää yhteyshenkilö").click()
    expect(page.get_by_role("group", name="Yhteyshenkilö 2")).to_be_visible()
    page.get_by_role("button", name="Lähetä ylläpidon tarkistettavaksi").click()
    expect(page.locator("#virheet")).to_contain_text("Y-tunnuksen muoto on 1234567-8.")
    audit(page)
    page.goto(live_server.url + actor.get_absolute_url())
    # The update button on the actor page leads to the form.
    page.get_by_role("link", name="Tämä on meidän organisaatiomme — päivitä tiedot").click()
    expect(page.get_by_label("Organisaation nimi")).to_have_value("Tampereen Paja ry")
    # An empty submission: the error summary and the marked fields.
    page.get_by_label("Organisaation nimi").fill("")
    page.get_by_role("button", name="Lähetä muutokset ylläpidon tarkistettaviksi").click()
    expect(page.locator("#virheet")).to_contain_text("Organisaation nimi")
    audit(page)


def test_the_form_fits_a_320_pixel_screen(browser, live_server, vocab):
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + reverse("curation:organisation_new"))
    page.get_by_role("button", name="Lähetä ylläpidon tarkistettavaksi").click()
    expect(page.locator("#virheet")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    overflowing = page.evaluate(
        """[...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 320)
            .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert overflowing == [], overflowing
    context.close()
