"""The admin index's review list: how many of an editor's actors are stale, region by region."""

from django.db.models import Count, F

from keko.freshness import stale_q


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


def actors_without_area(actors):
    """Return those of `actors` that serve no area and are not national, so that no region's
    or municipality's selection lists them (ActorQuerySet.without_area). By name."""
    return actors.without_area().order_by("name", "pk")
