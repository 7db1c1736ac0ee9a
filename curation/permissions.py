"""Who may do what in the admin: the rules in one place, enforced on the server side.

Two groups (created by migration curation 0002 and the `setup_groups` command):

* **Kuraattori** (curator) may do everything with the directory's data.
* **Alueellinen toimittaja** (regional editor) is assigned one or more regions through a
  `RegionalEditor` row. They may add and change actors, contacts, network memberships,
  practices and participants *of those regions only*, and publish them; they do not see other
  regions' actors and practices at all; funding sources and glossary terms are read-only for
  them, so they can neither edit nor publish those.

Region-limited users are those without the `curation.edit_all_regions` permission (superusers
have every permission). A staff user who has neither that permission nor a `RegionalEditor`
row is limited to no regions, and so sees no actors or practices: safe by default.

The rules are registered with the admin base (keko.scope) when the app is ready, and the
admin applies them in `get_queryset` (what a user can see, and so open, change or act on), in
`has_*_permission(obj)`, in every link field's choices and in form validation (what a user can
save).
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext as _

from actors.models import Actor, Contact, NetworkMembership, Region
from keko import scope
from keko.registry import directory_models, project_app_configs
from practices.models import Participation, Practice

CURATOR_GROUP = "Kuraattori"
REGIONAL_EDITOR_GROUP = "Alueellinen toimittaja"

ALL_REGIONS = "curation.edit_all_regions"

CURATOR_EXTRA = ["auth.view_user"]  # to pick users for RegionalEditor rows

_EDIT = ["add", "change", "view"]
_ALL = ["add", "change", "delete", "view"]
# What a regional editor may write, within their regions; every other model of the directory
# (keko.registry) they may only view.
REGIONAL_EDITOR_WRITES = {
    "actors.actor": _EDIT,
    "actors.contact": _ALL,
    "actors.networkmembership": _ALL,
    "practices.practice": _EDIT,
    "practices.participation": _ALL,
    "curation.correctionrequest": ["change", "view"],
}


def group_permission_codes():
    """Return {group name: [(app_label, codename), …]}; curators also get whole apps."""
    actions = {model._meta.label_lower: ["view"] for model in directory_models()}
    actions.update(REGIONAL_EDITOR_WRITES)
    editor = [
        (label.split(".")[0], f"{action}_{label.split('.')[1]}")
        for label, model_actions in actions.items()
        for action in model_actions
    ]
    curator_extra = [tuple(code.split(".")) for code in CURATOR_EXTRA]
    return {CURATOR_GROUP: curator_extra, REGIONAL_EDITOR_GROUP: editor}


def sync_groups(*, group_model=Group, permission_model=Permission):
    """Create or update both groups so that they hold exactly their permissions.

    Take the models as arguments so that a data migration can pass its historical models.
    Return {group name: number of permissions}. Permissions not (yet) in the database are
    skipped: re-run `manage.py setup_groups` after adding models.
    """
    counts = {}
    for name, codes in group_permission_codes().items():
        group, _created = group_model.objects.get_or_create(name=name)
        permissions = list(
            permission_model.objects.filter(
                content_type__app_label__in=[app for app, _code in codes],
                codename__in=[code for _app, code in codes],
            ).select_related("content_type")
        )
        wanted = set(codes)
        permissions = [p for p in permissions if (p.content_type.app_label, p.codename) in wanted]
        if name == CURATOR_GROUP:
            every_app = [config.label for config in project_app_configs()]
            permissions += list(
                permission_model.objects.filter(content_type__app_label__in=every_app)
            )
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts


def is_region_limited(user):
    """Return whether `user` may only touch the regions assigned to them."""
    return not user.has_perm(ALL_REGIONS)


def editor_regions(user):
    """Return the regions a region-limited `user` may edit (none if no row assigns any)."""
    return Region.objects.filter(editors__user=user)


def actors_for(user, queryset=None):
    """Return the actors `user` may see and change: those based in or serving their regions."""
    queryset = Actor.objects.all() if queryset is None else queryset
    if not is_region_limited(user):
        return queryset
    return queryset.serving_regions(editor_regions(user))


def practices_for(user, queryset=None):
    """Return the practices `user` may see and change: those of their regions."""
    queryset = Practice.objects.all() if queryset is None else queryset
    if not is_region_limited(user):
        return queryset
    of_regions = Practice.regions.through.objects.filter(region__in=editor_regions(user)).values(
        "practice_id"
    )
    return queryset.filter(pk__in=of_regions)


def corrections_for(user, queryset):
    """Return the correction requests about entries `user` may change."""
    if not is_region_limited(user):
        return queryset
    return queryset.filter(
        Q(actor__in=actors_for(user).values("pk"))
        | Q(practice__in=practices_for(user).values("pk"))
    )


def actor_area_errors(user, cleaned_data):
    """Return {field: message} for an actor's area that `user` may not save.

    A regional editor may only place an actor in their own regions, and the actor must stay in
    at least one of them (otherwise the editor would lose it from sight).
    """
    if not is_region_limited(user):
        return {}
    municipality = cleaned_data.get("municipality")
    served_municipalities = list(cleaned_data.get("served_municipalities") or [])
    served_regions = list(cleaned_data.get("served_regions") or [])
    allowed = set(editor_regions(user).values_list("pk", flat=True))
    errors = {}
    outside = _("Voit valita vain omien maakuntiesi alueita.")
    if municipality is not None and municipality.region_id not in allowed:
        errors["municipality"] = outside
    if any(m.region_id not in allowed for m in served_municipalities):
        errors["served_municipalities"] = outside
    if any(r.pk not in allowed for r in served_regions):
        errors["served_regions"] = outside
    if not errors and municipality is None and not served_municipalities and not served_regions:
        errors["municipality"] = _("Valitse kotikunta tai toiminta-alue omista maakunnistasi.")
    return errors


def practice_region_errors(user, cleaned_data):
    """Return {field: message} for a practice's regions that `user` may not save."""
    if not is_region_limited(user):
        return {}
    regions = list(cleaned_data.get("regions") or [])
    allowed = set(editor_regions(user).values_list("pk", flat=True))
    if not regions:
        return {"regions": _("Valitse vähintään yksi omista maakunnistasi.")}
    if any(r.pk not in allowed for r in regions):
        return {"regions": _("Voit valita vain omia maakuntiasi.")}
    return {}


def linked_to_actors_for(user, queryset, field="actor"):
    """Return the rows of `queryset` (contacts, memberships…) whose `field` is an actor
    `user` may change."""
    if not is_region_limited(user):
        return queryset
    return queryset.filter(**{f"{field}__in": actors_for(user).values("pk")})


def participations_for(user, queryset):
    """Return the participations in the practices `user` may change."""
    if not is_region_limited(user):
        return queryset
    return queryset.filter(practice__in=practices_for(user).values("pk"))


def register_scope_rules():
    """Limit regional editors to their regions wherever the admin shows or links entries."""
    rules = {
        Actor: scope.ScopeRule(limit=actors_for, errors=actor_area_errors),
        Contact: scope.ScopeRule(limit=linked_to_actors_for),
        NetworkMembership: scope.ScopeRule(
            limit=lambda user, queryset: linked_to_actors_for(user, queryset, "network")
        ),
        Practice: scope.ScopeRule(limit=practices_for, errors=practice_region_errors),
        Participation: scope.ScopeRule(limit=participations_for),
    }
    for model, rule in rules.items():
        scope.register(model, rule)
