"""Visitors' corrections: stored for curators, resolved by them."""

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import CorrectionRequest


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
