from django import template
from django.urls import reverse

from curation import permissions
from curation.stale import stale_actors_by_region, unanswered_confirmations
from keko.admin import VerifiedFilter

register = template.Library()


# Actors whose yearly e-mail went unanswered, listed by name on the admin index.
UNANSWERED_SHOWN = 20


@register.inclusion_tag("curation/admin_review.html", takes_context=True)
def stale_by_region(context):
    """Render, for the admin index, how many of the user's actors are stale per region, and
    the actors whose yearly e-mail came back or went unanswered (curation/stale.py)."""
    user = context["request"].user
    if not user.has_perm("actors.view_actor"):
        return {"rows": None}
    unanswered = unanswered_confirmations(permissions.actors_for(user))
    shown = list(unanswered[: UNANSWERED_SHOWN + 1])
    rows = stale_actors_by_region(permissions.actors_for(user))
    changelist = reverse("admin:actors_actor_changelist")
    for row in rows:
        query = f"{VerifiedFilter.parameter_name}={VerifiedFilter.STALE}"
        if row["region_id"]:
            query += f"&municipality__region__id__exact={row['region_id']}"
        else:
            query += "&municipality__isnull=True"
        row["url"] = f"{changelist}?{query}"
    for actor in shown:
        actor.admin_url = reverse("admin:actors_actor_change", args=[actor.pk])
    return {
        "rows": rows,
        "unanswered": shown[:UNANSWERED_SHOWN],
        "unanswered_more": len(shown) > UNANSWERED_SHOWN,
        "requests_url": reverse("admin:curation_confirmationrequest_changelist")
        + "?vastaus=vastaamatta",
    }
