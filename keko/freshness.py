"""Data freshness: an entry is stale when nobody has verified it for over 12 months."""

import datetime

from django.db.models import Q
from django.utils import timezone

STALE_AFTER_DAYS = 365


def stale_cutoff(on=None):
    """Return the first date still counted as fresh on `on` (today by default)."""
    return (on or timezone.localdate()) - datetime.timedelta(days=STALE_AFTER_DAYS)


def stale_q(on=None):
    """Return a Q matching entries never verified, or verified over 12 months before `on`."""
    return Q(verified_on__isnull=True) | Q(verified_on__lt=stale_cutoff(on))
