"""The yearly "are your details still correct?" e-mail.

`manage.py request_confirmations` records a `ConfirmationRequest` for each published, active
actor with a public e-mail address that has not been asked within CONFIRMATION_INTERVAL_DAYS,
and queues `send_confirmation` for it: the e-mail is sent by the task worker, never in a web
request. The e-mail carries a link signed with django.core.signing (the request's id, with a
timestamp) that works for CONFIRMATION_LINK_DAYS. Its page shows the entry with two buttons:
"Tiedot ovat oikein" (confirm(): the actor's verified date is set, by the organisation
itself) and "Ehdota muutosta" (the organisation's update form, curation/proposals.py).
A request unanswered after CONFIRMATION_ANSWER_DAYS, or one a curator marked bounced, lists the
entry as stale (curation/stale.py).
"""

import datetime
import logging

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from actors.models import Actor

from .models import ConfirmationRequest
from .proposals import VERIFIED_BY_ORGANISATION

logger = logging.getLogger(__name__)

SALT = "curation.confirmation"


class InvalidLink(Exception):
    """A confirmation link that was tampered with, or whose request is gone."""


class ExpiredLink(InvalidLink):
    """A genuine confirmation link older than CONFIRMATION_LINK_DAYS."""


def make_token(confirmation):
    return signing.dumps(confirmation.pk, salt=SALT)


def read_token(token):
    """Return the ConfirmationRequest of a link's `token`; raise ExpiredLink or InvalidLink."""
    max_age = datetime.timedelta(days=settings.CONFIRMATION_LINK_DAYS)
    try:
        pk = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise ExpiredLink from error
    except signing.BadSignature as error:
        raise InvalidLink from error
    confirmation = ConfirmationRequest.objects.select_related("actor").filter(pk=pk).first()
    if confirmation is None:
        raise InvalidLink
    return confirmation


def link(confirmation):
    """The absolute address of the confirmation page, for the e-mail."""
    path = reverse("curation:confirmation", kwargs={"token": make_token(confirmation)})
    return f"{settings.SITE_URL}{path}"


def actors_due(now=None):
    """Return the published, active actors with a public e-mail address that have not been
    asked within the interval (a request whose sending failed does not count)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.CONFIRMATION_INTERVAL_DAYS)
    asked = ConfirmationRequest.objects.filter(created_at__gte=since, send_error="")
    return (
        Actor.objects.published()
        .active(timezone.localdate(now))
        .exclude(email="")
        .exclude(pk__in=asked.values("actor_id"))
        .order_by("pk")
    )


def queue_requests(*, limit=None):
    """Record a request for each actor due and queue its e-mail. Return the requests."""
    actors = actors_due()
    if limit is not None:
        actors = actors[:limit]
    queued = []
    for actor in actors.only("pk", "email"):
        confirmation = ConfirmationRequest.objects.create(actor=actor, email=actor.email)
        send_confirmation.enqueue(confirmation.pk)
        queued.append(confirmation)
    return queued


def render_email(confirmation):
    """Return (subject, body) of a request's e-mail."""
    actor = confirmation.actor
    context = {
        "actor": actor,
        "link": link(confirmation),
        "link_days": settings.CONFIRMATION_LINK_DAYS,
        "page": f"{settings.SITE_URL}{actor.get_absolute_url()}",
        "services": list(actor.services.all()),
    }
    subject = _("Ovatko %(name)s tiedot KeKo-hakemistossa ajan tasalla?") % {"name": actor.name}
    body = render_to_string("curation/email/confirmation_request.txt", context)
    return subject, body


@task()
def send_confirmation(confirmation_id):
    """Send one request's e-mail (once): the worker runs it, never a web request."""
    confirmation = (
        ConfirmationRequest.objects.select_related("actor__municipality")
        .filter(pk=confirmation_id, sent_at__isnull=True, send_error="")
        .first()
    )
    if confirmation is None:
        return  # sent already, or gone
    if not confirmation.actor.is_published:
        confirmation.send_error = _("Toimija ei ole enää julkaistu; ei lähetetty.")
        confirmation.save(update_fields=["send_error"])
        return
    subject, body = render_email(confirmation)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [confirmation.email])
    except Exception as error:
        # Recorded, so that the next run asks the actor again; raised, so that the worker
        # records the failed task too.
        confirmation.send_error = str(error)[:1000] or type(error).__name__
        confirmation.save(update_fields=["send_error"])
        raise
    confirmation.sent_at = timezone.now()
    confirmation.save(update_fields=["sent_at"])


@transaction.atomic
def confirm(confirmation):
    """The organisation says its entry is correct: the actor is verified today, by itself."""
    actor = confirmation.actor
    actor.verified_on = timezone.localdate()
    actor.verified_by = VERIFIED_BY_ORGANISATION
    actor.version += 1  # an editor's open form must not overwrite this unknowingly
    actor._change_reason = _("Vahvistanut organisaatio itse")
    actor.save(update_fields=["verified_on", "verified_by", "version", "updated_at"])
    confirmation.answer = ConfirmationRequest.Answer.CONFIRMED
    confirmation.answered_at = timezone.now()
    confirmation.save(update_fields=["answer", "answered_at"])
