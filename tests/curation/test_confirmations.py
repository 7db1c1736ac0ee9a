"""The yearly "still correct?" e-mail: `manage.py request_confirmations`, its task, the signed
link's page and the stale list (curation/confirmations.py, curation/stale.py)."""

import datetime
import re
import time

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from actors.models import Actor
from curation import confirmations
from curation.models import ConfirmationRequest, OrganisationProposal
from curation.stale import unanswered_confirmations
from keko.models import Status
from keko.services import mark_verified
from keko.settings import parse_email_url
from tests.factories import (
    make_actor,
    make_contact,
    make_contact_role,
    make_curator,
    make_region,
    make_service,
)

pytestmark = pytest.mark.django_db

SITE = "https://keko.example.fi"
LINK = re.compile(re.escape(SITE) + r"(/vahvista/[^/\s]+/)")


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.CONFIRMATION_INTERVAL_DAYS = 365
    settings.CONFIRMATION_LINK_DAYS = 30
    settings.CONFIRMATION_ANSWER_DAYS = 60


def ask(run_queued_tasks):
    """Run the command and the worker; return the e-mails sent."""
    mail.outbox.clear()
    call_command("request_confirmations", verbosity=0)
    run_queued_tasks()
    return list(mail.outbox)


def link_path(message):
    return LINK.search(message.body).group(1)


def test_each_published_actor_with_an_address_gets_one_email_from_the_worker(run_queued_tasks):
    actor = make_actor(name="Tampereen Paja ry", email="info@paja.example")
    actor.services.add(make_service(name="Työhönvalmennus"))
    make_actor(email="luonnos@x.example", status=Status.DRAFT)
    make_actor(email="")
    make_actor(email="paattynyt@x.example", active_until=datetime.date(2020, 1, 1))

    call_command("request_confirmations", verbosity=0)
    assert mail.outbox == []  # queued, not sent: the worker sends
    request = ConfirmationRequest.objects.get()
    assert request.sent_at is None and request.email == "info@paja.example"
    run_queued_tasks()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["info@paja.example"]
    assert "Tampereen Paja ry" in message.subject
    assert f"{SITE}{actor.get_absolute_url()}" in message.body
    assert "Tiedot ovat oikein" in message.body and "Ehdota muutosta" in message.body
    assert "Linkki on voimassa 30 päivää" in message.body
    assert link_path(message)
    request.refresh_from_db()
    assert request.sent_at is not None


def test_nobody_is_asked_twice_within_the_interval(run_queued_tasks):
    make_actor(email="info@paja.example")
    assert len(ask(run_queued_tasks)) == 1
    assert ask(run_queued_tasks) == []
    # Eleven months later: still within the year.
    ConfirmationRequest.objects.update(created_at=timezone.now() - datetime.timedelta(days=330))
    assert ask(run_queued_tasks) == []
    ConfirmationRequest.objects.update(created_at=timezone.now() - datetime.timedelta(days=366))
    assert len(ask(run_queued_tasks)) == 1
    assert ConfirmationRequest.objects.count() == 2


def test_a_failed_send_is_recorded_and_asked_again_next_run(run_queued_tasks, settings):
    make_actor(email="info@paja.example")
    settings.EMAIL_BACKEND = "tests.curation.test_confirmations.FailingBackend"
    ask(run_queued_tasks)
    request = ConfirmationRequest.objects.get()
    assert request.sent_at is None and "postipalvelin ei vastaa" in request.send_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert len(ask(run_queued_tasks)) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("postipalvelin ei vastaa")


def test_the_command_needs_the_sites_address(settings):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="SITE_URL"):
        call_command("request_confirmations")


def test_dry_run_lists_and_queues_nothing(capsys):
    make_actor(name="Paja ry", email="info@paja.example")
    call_command("request_confirmations", "--dry-run")
    assert "Paja ry <info@paja.example>" in capsys.readouterr().out
    assert not ConfirmationRequest.objects.exists()


def test_the_link_shows_the_entry_and_confirming_sets_the_verified_date(client, run_queued_tasks):
    actor = make_actor(
        name="Tampereen Paja ry",
        email="info@paja.example",
        phone="03 1",
        served_regions=[make_region(name_fi="Pirkanmaa")],
    )
    make_contact(actor=actor, name="Julkinen Henkilö", public=True)
    make_contact(actor=actor, name="Salainen Henkilö", public=False)
    path = link_path(ask(run_queued_tasks)[0])
    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Tampereen Paja ry" in html and "03 1" in html
    # The entry as its page shows it: the areas it serves, its public contacts alone.
    assert "Pirkanmaa" in html and "Julkinen Henkilö" in html and "Salainen" not in html
    assert "Tiedot ovat oikein" in html and "Ehdota muutosta" in html
    assert '<meta name="robots" content="noindex">' in html

    response = client.post(path, {"oikein": "1"})
    assert response.status_code == 302
    assert "tiedot on merkitty tarkistetuiksi" in client.get(response["Location"]).content.decode()
    actor.refresh_from_db()
    assert actor.verified_on == timezone.localdate()
    assert actor.verified_by == "vahvistanut organisaatio itse"
    assert actor.history.first().history_change_reason == "Vahvistanut organisaatio itse"
    request = ConfirmationRequest.objects.get()
    assert request.answer == ConfirmationRequest.Answer.CONFIRMED and request.answered_at
    # The actor's page says who checked it; a curator's later check says no more.
    page = client.get(actor.get_absolute_url()).content.decode()
    assert "(vahvistanut organisaatio itse)" in page
    mark_verified(entries=Actor.objects.filter(pk=actor.pk), user=make_curator())
    actor.refresh_from_db()
    assert (actor.verified_on, actor.verified_by) == (timezone.localdate(), "")


def test_an_expired_link_gets_a_finnish_page(client, run_queued_tasks, monkeypatch):
    make_actor(email="info@paja.example")
    path = link_path(ask(run_queued_tasks)[0])
    later = time.time() + 31 * 24 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    response = client.get(path)
    assert response.status_code == 410
    assert "Linkki on vanhentunut" in response.content.decode()
    assert client.post(path, {"oikein": "1"}).status_code == 410
    # 29 days is still in time.
    monkeypatch.setattr("django.core.signing.time.time", lambda: later - 2 * 24 * 3600)
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("aa" if not token.endswith("aa") else "bb"),
        lambda token: "1:" + token.split(":", 1)[1],
        lambda token: "roskaa",
    ],
)
def test_a_tampered_link_gets_a_finnish_error_page_not_a_500(client, run_queued_tasks, tamper):
    actor = make_actor(email="info@paja.example")
    token = link_path(ask(run_queued_tasks)[0]).split("/")[2]
    path = reverse("curation:confirmation", kwargs={"token": tamper(token)})
    response = client.get(path)
    assert response.status_code == 400
    assert "Linkki ei kelpaa" in response.content.decode()
    assert client.post(path, {"oikein": "1"}).status_code == 400
    actor.refresh_from_db()
    assert actor.verified_on is None


def test_a_link_of_another_signing_purpose_is_refused(client):
    from django.core import signing

    actor = make_actor(email="info@paja.example")
    request = ConfirmationRequest.objects.create(actor=actor, email=actor.email)
    token = signing.dumps(request.pk)  # the right id, signed without our salt
    response = client.get(reverse("curation:confirmation", kwargs={"token": token}))
    assert response.status_code == 400


def test_a_link_to_an_unpublished_actor_says_so(client, run_queued_tasks):
    actor = make_actor(email="info@paja.example")
    path = link_path(ask(run_queued_tasks)[0])
    actor.status = Status.DRAFT
    actor.save()
    response = client.get(path)
    assert response.status_code == 404 and "Merkintää ei löydy" in response.content.decode()


def test_propose_a_change_from_the_link(client, run_queued_tasks):
    role = make_contact_role(slug="yhteyshenkilo")
    actor = make_actor(email="info@paja.example", phone="03 1")
    path = link_path(ask(run_queued_tasks)[0])
    token = path.split("/")[2]
    html = client.get(path).content.decode()
    update = re.search(r'href="([^"]*/paivita/\?vahvistus=[^"]+)"', html).group(1)
    form_page = client.get(update.replace("&amp;", "&"))
    assert f'name="vahvistus" value="{token}"' in form_page.content.decode()
    form = form_page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "kind": actor.kind,
            "phone": "03 2",
            "vahvistus": token,
            "submitter_email": "info@paja.example",
            "yhteyshenkilot-TOTAL_FORMS": "1",
            "yhteyshenkilot-INITIAL_FORMS": "0",
            "yhteyshenkilot-0-role": str(role.pk),
            "yhteyshenkilot-0-name": "Paula",
            "yhteyshenkilot-0-email": "paula@paja.example",
        }
    )
    for name in ("is_national", "served_regions", "served_municipalities", "services"):
        data.pop(name)
    data["target_groups"] = []
    data["municipality"] = ""
    data["is_national"] = "on"
    response = client.post(update_url(actor), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    proposal = OrganisationProposal.objects.get()
    request = ConfirmationRequest.objects.get()
    assert proposal.confirmation == request
    assert request.answer == ConfirmationRequest.Answer.PROPOSED
    actor.refresh_from_db()
    assert actor.phone == "03 1"


def update_url(actor):
    return reverse("curation:organisation_update", kwargs={"slug": actor.slug})


def test_unanswered_and_bounced_requests_list_the_actor_as_stale(client, run_queued_tasks):
    silent = make_actor(name="Hiljainen ry", email="a@x.example")
    bounced = make_actor(name="Palautunut ry", email="b@x.example")
    answered = make_actor(name="Vastannut ry", email="c@x.example")
    checked = make_actor(name="Tarkistettu ry", email="d@x.example")
    recent = make_actor(name="Tuore ry", email="e@x.example")
    ask(run_queued_tasks)
    long_ago = timezone.now() - datetime.timedelta(days=61)
    ConfirmationRequest.objects.exclude(actor=recent).update(sent_at=long_ago)
    ConfirmationRequest.objects.filter(actor=bounced).update(
        sent_at=timezone.now(), bounced_at=timezone.now()
    )
    confirmations.confirm(ConfirmationRequest.objects.get(actor=answered))
    checked.verified_on = timezone.localdate()
    checked.save()

    from actors.models import Actor

    stale = unanswered_confirmations(Actor.objects.all())
    assert {a.name for a in stale} == {"Hiljainen ry", "Palautunut ry"}

    client.force_login(make_curator())
    html = client.get(reverse("admin:index")).content.decode()
    assert "Vuosittaiseen tarkistuspyyntöön ei vastattu" in html
    assert "Hiljainen ry" in html and "Palautunut ry" in html
    assert "sähköposti palautui" in html and "Tuore ry" not in html
    assert silent.name in html

    # A curator records a bounce in the admin.
    changelist = reverse("admin:curation_confirmationrequest_changelist")
    request = ConfirmationRequest.objects.get(actor=recent)
    client.post(changelist, {"action": "mark_bounced", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert request.bounced_at is not None
    filtered = client.get(changelist, {"vastaus": "vastaamatta"}).content.decode()
    assert "Hiljainen ry" in filtered and "Tuore ry" not in filtered


def test_only_an_actors_latest_request_decides_whether_it_is_unanswered():
    now = timezone.now()

    def request(actor, days_ago, *, answered):
        sent = now - datetime.timedelta(days=days_ago)
        ConfirmationRequest.objects.create(
            actor=actor,
            email="a@x.example",
            sent_at=sent,
            answered_at=sent + datetime.timedelta(days=1) if answered else None,
        )

    answered_last = make_actor(name="Vastasi viimeksi ry")
    request(answered_last, 400, answered=False)
    request(answered_last, 70, answered=True)
    silent_last = make_actor(name="Ei vastannut viimeksi ry")
    request(silent_last, 400, answered=True)
    request(silent_last, 70, answered=False)

    stale = unanswered_confirmations(Actor.objects.all())
    assert [actor.name for actor in stale] == ["Ei vastannut viimeksi ry"]
    assert stale[0].asked_at == now - datetime.timedelta(days=70)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://keko%40example.fi:s%3Aala@mail.example.fi:587",
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "mail.example.fi",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "keko@example.fi",
                "EMAIL_HOST_PASSWORD": "s:ala",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        ),
        (
            "smtps://u:p@mail.example.fi?timeout=5",
            {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False, "EMAIL_TIMEOUT": 5},
        ),
        ("smtp://localhost", {"EMAIL_PORT": 25, "EMAIL_USE_TLS": False, "EMAIL_HOST_USER": ""}),
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
        ("file:///var/mail/keko", {"EMAIL_FILE_PATH": "/var/mail/keko"}),
    ],
)
def test_email_url(url, expected):
    config = parse_email_url(url)
    assert config | expected == config


def test_an_unknown_email_url_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        parse_email_url("mailto://x")
