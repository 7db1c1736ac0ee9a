from django import template
from django.urls import reverse

from curation import permissions
from curation.stale import stale_actors_by_region
from keko.admin import VerifiedFilter

register = template.Library()


@register.inclusion_tag("admin/includes/stale_by_region.html", takes_context=True)
def stale_by_region(context):
    """Render, for the admin index, how many of the user's actors are stale per region."""
    user = context["request"].user
    if not user.has_perm("actors.view_actor"):
        return {"rows": None}
    rows = stale_actors_by_region(permissions.actors_for(user))
    changelist = reverse("admin:actors_actor_changelist")
    for row in rows:
        query = f"{VerifiedFilter.parameter_name}={VerifiedFilter.STALE}"
        if row["region_id"]:
            query += f"&municipality__region__id__exact={row['region_id']}"
        else:
            query += "&municipality__isnull=True"
        row["url"] = f"{changelist}?{query}"
    return {"rows": rows}
