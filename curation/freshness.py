"""Data freshness: an entry is stale when nobody has verified it for over 12 months."""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

STALE_AFTER_DAYS = 365


def stale_cutoff(on=None):
    """Return the first date still counted as fresh on `on` (today by default)."""
    return (on or timezone.localdate()) - datetime.timedelta(days=STALE_AFTER_DAYS)


def stale_q(on=None):
    """Return a Q matching entries never verified, or verified over 12 months before `on`."""
    return Q(verified_on__isnull=True) | Q(verified_on__lt=stale_cutoff(on))


def stale_actors_by_region(actors, on=None):
    """Return rows {region id, name, total, stale} of `actors` by home region, in one query.

    Actors without a home municipality form one row with region None, listed last.
    """
    rows = (
        actors.order_by()
        .values(
            region_id=F("municipality__region_id"),
            region_name=F("municipality__region__name_fi"),
        )
        .annotate(total=Count("pk"), stale=Count("pk", filter=stale_q(on)))
        .order_by("region_name")
    )
    rows = list(rows)
    return [r for r in rows if r["region_id"]] + [r for r in rows if not r["region_id"]]
