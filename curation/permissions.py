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
    "curation.organisationproposal": ["change", "view"],
    "curation.confirmationrequest": ["change", "view"],
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


def proposals_for(user, queryset):
    """Return the organisations' proposals about actors `user` may change."""
    if not is_region_limited(user):
        return queryset
    return queryset.filter(actor__in=actors_for(user).values("pk"))


OUTSIDE = _("Voit valita vain omien maakuntiesi alueita.")
OTHERS_KEPT = _(
    "Toisen maakunnan alueet pysyvät: niitä voi poistaa vain sen maakunnan toimittaja tai "
    "kuraattori."
)


def _area_change_errors(allowed, new, old):
    """Return {field: message} where the areas of other regions in `new` differ from `old`.

    Both map a field to {area id: its region id}. An editor may add and remove areas of their
    own regions only; those of other regions (a shared entry's) must stay as they were.
    """
    errors = {}
    for field, areas in new.items():
        outside_new = {pk for pk, region in areas.items() if region not in allowed}
        outside_old = {pk for pk, region in old.get(field, {}).items() if region not in allowed}
        if outside_new - outside_old:
            errors[field] = OUTSIDE
        elif outside_old - outside_new:
            errors[field] = OTHERS_KEPT
    return errors


def _in_allowed(allowed, areas):
    return any(region in allowed for by_id in areas.values() for region in by_id.values())


def actor_area_errors(user, cleaned_data, instance):
    """Return {field: message} for an actor's area that `user` may not save.

    A regional editor places an actor only in their own regions; the areas of other regions
    that a shared actor already has stay as they are. The actor must stay in at least one of
    the editor's regions (otherwise the editor would lose it from sight).
    """
    if not is_region_limited(user):
        return {}
    allowed = set(editor_regions(user).values_list("pk", flat=True))
    municipality = cleaned_data.get("municipality")
    new = {
        "municipality": {municipality.pk: municipality.region_id} if municipality else {},
        "served_municipalities": {
            m.pk: m.region_id for m in cleaned_data.get("served_municipalities") or []
        },
        "served_regions": {r.pk: r.pk for r in cleaned_data.get("served_regions") or []},
    }
    old = {}
    if instance.pk is not None:
        stored = type(instance)._default_manager.select_related("municipality").get(pk=instance.pk)
        old = {
            "municipality": (
                {stored.municipality_id: stored.municipality.region_id}
                if stored.municipality
                else {}
            ),
            "served_municipalities": dict(
                stored.served_municipalities.values_list("pk", "region_id")
            ),
            "served_regions": {pk: pk for pk in stored.served_regions.values_list("pk", flat=True)},
        }
    errors = _area_change_errors(allowed, new, old)
    if not errors and not _in_allowed(allowed, new):
        errors["municipality"] = _("Valitse kotikunta tai toiminta-alue omista maakunnistasi.")
    return errors


def practice_region_errors(user, cleaned_data, instance):
    """Return {field: message} for a practice's regions that `user` may not save: as for an
    actor's areas, their own regions only, other regions' kept, at least one of their own."""
    if not is_region_limited(user):
        return {}
    allowed = set(editor_regions(user).values_list("pk", flat=True))
    new = {"regions": {r.pk: r.pk for r in cleaned_data.get("regions") or []}}
    old = {}
    if instance.pk is not None:
        stored = instance.regions.values_list("pk", flat=True)
        old = {"regions": {pk: pk for pk in stored}}
    errors = _area_change_errors(allowed, new, old)
    if not errors and not _in_allowed(allowed, new):
        errors["regions"] = _("Valitse vähintään yksi omista maakunnistasi.")
    return errors


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
