from django import template
from django.urls import reverse

from actors.admin import AreaFilter
from curation import permissions
from curation.stale import actors_without_area

register = template.Library()


@register.inclusion_tag("admin/includes/without_area.html", takes_context=True)
def without_area(context):
    """Render, for the admin index, how many of the user's actors no area's selection lists
    (no home municipality, no area served, not national), linked to their list."""
    user = context["request"].user
    if not user.has_perm("actors.view_actor"):
        return {"count": None}
    changelist = reverse("admin:actors_actor_changelist")
    return {
        "count": actors_without_area(permissions.actors_for(user)).count(),
        "url": f"{changelist}?{AreaFilter.parameter_name}={AreaFilter.WITHOUT}",
    }
