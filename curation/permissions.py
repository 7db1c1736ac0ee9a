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

The admin applies these functions in `get_queryset` (what a user can see, and so open, change
or act on), in `has_*_permission(obj)` and in form validation (what a user can save).
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext as _

from actors.models import Actor, Region
from practices.models import Practice

CURATOR_GROUP = "Kuraattori"
REGIONAL_EDITOR_GROUP = "Alueellinen toimittaja"

ALL_REGIONS = "curation.edit_all_regions"
EXPORT_PRIVATE_CONTACTS = "curation.export_private_contacts"

# Apps whose every permission a curator gets.
CURATOR_APPS = ["actors", "funding", "practices", "glossary", "curation"]
CURATOR_EXTRA = ["auth.view_user"]  # to pick users for RegionalEditor rows

_READ = ["view"]
_EDIT = ["add", "change", "view"]
_ALL = ["add", "change", "delete", "view"]
REGIONAL_EDITOR_PERMISSIONS = {
    "actors": {
        "actor": _EDIT,
        "contact": _ALL,
        "networkmembership": _ALL,
        "region": _READ,
        "municipality": _READ,
        "servicetype": _READ,
        "targetgroup": _READ,
        "contactrole": _READ,
        "typicalservice": _READ,
    },
    "practices": {"practice": _EDIT, "participation": _ALL},
    "funding": {
        "fundingsource": _READ,
        "applicationwindow": _READ,
        "applicanttype": _READ,
        "projectfunding": _READ,
    },
    "glossary": {"term": _READ},
    "curation": {"correctionrequest": ["change", "view"]},
}


def group_permission_codes():
    """Return {group name: [(app_label, codename), …]} or, for curators, whole apps."""
    editor = [
        (app, f"{action}_{model}")
        for app, models in REGIONAL_EDITOR_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
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
            permissions += list(
                permission_model.objects.filter(content_type__app_label__in=CURATOR_APPS)
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


def contacts_for(user, queryset):
    """Return the contacts of the actors `user` may change."""
    if not is_region_limited(user):
        return queryset
    return queryset.filter(actor__in=actors_for(user).values("pk"))


def corrections_for(user, queryset):
    """Return the correction requests about entries `user` may change."""
    if not is_region_limited(user):
        return queryset
    return queryset.filter(
        Q(actor__in=actors_for(user).values("pk"))
        | Q(practice__in=practices_for(user).values("pk"))
    )


def can_change_actor(user, actor):
    return actor is None or actors_for(user).filter(pk=actor.pk).exists()


def can_change_practice(user, practice):
    return practice is None or practices_for(user).filter(pk=practice.pk).exists()


def actor_area_errors(user, *, municipality, served_municipalities, served_regions):
    """Return {field: message} for an actor's area that `user` may not save.

    A regional editor may only place an actor in their own regions, and the actor must stay in
    at least one of them (otherwise the editor would lose it from sight).
    """
    if not is_region_limited(user):
        return {}
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


def practice_region_errors(user, *, regions):
    """Return {field: message} for a practice's regions that `user` may not save."""
    if not is_region_limited(user):
        return {}
    allowed = set(editor_regions(user).values_list("pk", flat=True))
    if not regions:
        return {"regions": _("Valitse vähintään yksi omista maakunnistasi.")}
    if any(r.pk not in allowed for r in regions):
        return {"regions": _("Voit valita vain omia maakuntiasi.")}
    return {}


def can_import(user):
    """Imports may create actors anywhere, so only users free of region limits may import."""
    return user.has_perms(["actors.add_actor", "actors.change_actor"]) and not (
        is_region_limited(user)
    )


def can_export_private_contacts(user):
    return user.has_perm(EXPORT_PRIVATE_CONTACTS)
