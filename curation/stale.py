"""The admin index's review list: how many of an editor's actors are stale, region by region."""

import datetime

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from keko.freshness import stale_q

from .models import ConfirmationRequest


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
        # Rows counted, not their keys: read from the home municipality's index alone.
        .annotate(total=Count("*"), stale=Count(Value(1), filter=stale_q(on)))
        .order_by("region_name")
    )
    rows = list(rows)
    return [r for r in rows if r["region_id"]] + [r for r in rows if not r["region_id"]]


def unanswered_confirmations(actors, now=None):
    """Return those of `actors` whose latest yearly e-mail (curation/confirmations.py) came
    back (a curator recorded the bounce) or went unanswered for CONFIRMATION_ANSWER_DAYS,
    unless someone has verified the actor since it was sent; annotated with `asked_at`."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.CONFIRMATION_ANSWER_DAYS)
    latest = ConfirmationRequest.objects.filter(
        actor=OuterRef("pk"), sent_at__isnull=False
    ).order_by("-sent_at")
    # Only the actors with an unanswered request can qualify: narrowed to them first, where
    # the conditions on each actor's latest request were evaluated for every actor (105 ms
    # on the admin's index at 100 000 actors).
    unanswered = ConfirmationRequest.objects.filter(sent_at__isnull=False, answered_at=None)
    return (
        actors.filter(pk__in=unanswered.values("actor_id"))
        .annotate(
            asked_at=Subquery(latest.values("sent_at")[:1]),
            answered_at=Subquery(latest.values("answered_at")[:1]),
            bounced_at=Subquery(latest.values("bounced_at")[:1]),
        )
        .filter(
            Q(bounced_at__isnull=False) | Q(asked_at__lt=cutoff),
            asked_at__isnull=False,
            answered_at__isnull=True,
        )
        .exclude(verified_on__gte=TruncDate("asked_at"))
        .order_by("asked_at", "name")
    )


def actors_without_area(actors):
    """Return those of `actors` that serve no area and are not national, so that no region's
    or municipality's selection lists them (ActorQuerySet.without_area). By name."""
    return actors.without_area().order_by("name", "pk")
