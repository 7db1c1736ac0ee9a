"""Curation workflows that write several rows: called alike by admin actions and commands."""

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keko.models import Status

from .models import CorrectionRequest


def _update_entries(entries, user, reason, **values):
    """Set `values` on every entry that differs, one validated and recorded save each.

    Each save bumps the entry's version, so that an editor who has the entry open in the admin
    cannot overwrite the change unknowingly, and leaves a history record naming `user`.
    Return the number of entries changed.
    """
    changed = 0
    for entry in entries:
        if all(getattr(entry, name) == value for name, value in values.items()):
            continue
        for name, value in values.items():
            setattr(entry, name, value)
        entry.full_clean()
        entry.version += 1
        entry._history_user = user
        entry._change_reason = reason
        entry.save()
        changed += 1
    return changed


@transaction.atomic
def publish(*, entries, user):
    """Publish `entries` (curated model instances). Return how many changed."""
    return _update_entries(entries, user, _("Julkaistu"), status=Status.PUBLISHED)


@transaction.atomic
def unpublish(*, entries, user):
    """Return `entries` to drafts, hiding them from the public. Return how many changed."""
    return _update_entries(entries, user, _("Palautettu luonnokseksi"), status=Status.DRAFT)


@transaction.atomic
def mark_verified(*, entries, user, on=None):
    """Record that `user` checked `entries` on `on` (today by default). Return how many."""
    on = on or timezone.localdate()
    return _update_entries(entries, user, _("Merkitty tarkistetuksi"), verified_on=on)


def hash_ip(ip):
    """Return a keyed hash of an IP address, so that requests can be grouped by sender."""
    return hmac.new(settings.SECRET_KEY.encode(), (ip or "").encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def submit_correction(*, entry, what_is_wrong, proposed_fix, email="", ip_hash=""):
    """Store a visitor's correction to `entry` (an actor or a practice) for curators;
    `ip_hash` is hash_ip() of the sender's address."""
    correction = CorrectionRequest(
        what_is_wrong=what_is_wrong,
        proposed_fix=proposed_fix,
        email=email,
        ip_hash=ip_hash,
    )
    setattr(correction, entry._meta.model_name, entry)
    correction.full_clean()
    correction.save()
    return correction


@transaction.atomic
def resolve_corrections(*, corrections, status, user):
    """Mark `corrections` applied or rejected by `user`. Return how many changed."""
    if status not in (CorrectionRequest.Status.APPLIED, CorrectionRequest.Status.REJECTED):
        raise ValueError(f"Not a resolution: {status!r}")
    changed = 0
    now = timezone.now()
    for correction in corrections:
        if correction.status == status:
            continue
        correction.status = status
        correction.handled_by = user
        correction.handled_at = now
        correction.full_clean()
        correction.save()
        changed += 1
    return changed
