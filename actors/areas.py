"""The areas each actor serves, kept in ActorRegion and ActorMunicipality on every write.

An actor serves its home municipality and that municipality's region, the municipalities it
serves and their regions, and the regions it serves with every municipality in them. Asking
that of the actor table is an OR of three joins that no index answers; the membership tables
hold the answer, one row per (actor, area), with the actor's kind, name, status and active
period, so that an area's actors are one index range.

Kept up to date here:

- `Actor` saved (post_save), its `served_municipalities` or `served_regions` changed
  (m2m_changed, from either side), a municipality saved (its region may have changed):
  the rows of the actors concerned are rebuilt;
- `Actor.objects.bulk_create()` and `Actor.objects.filter(…).update()` of a copied field
  (ActorQuerySet, which calls `refresh`);
- an actor deleted: its rows go with it (ON DELETE CASCADE, emulated by Django);
- bulk inserts into the link tables (bench/synthetic.py, imports that bypass the ORM's
  signals) must call `refresh(actor_ids)` or `rebuild()` themselves.

Each row also says whether its actor has a public contact (`has_public_contact`), so that an
area page's checklist joins its contacts with those rows only (a partial index): kept by
`contacts_changed()` on a contact's save and delete (signals), and on `Contact.objects`'
`bulk_create()` and `update()` (ContactQuerySet).

Apps that keep derived rows of their own listen to `refreshed`, sent after every refresh and
rebuild, rather than repeat this list of write paths (and name the other fields of the actor
that their rows copy: watch()).

A refresh also moves on the page cache of the areas the actors served before it and serve
after it (keko.cache scopes), so that an actor who moves leaves its old area's page too.
"""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

from keko.cache import bump_directory_version, bump_scopes

# The actor's fields copied into every membership row.
COPIED_FIELDS = ("kind", "name", "status", "active_from", "active_until")
# A change of these fields (in an update()) changes the rows; and of those that the rows of
# apps listening to `refreshed` copy (watch()).
WATCHED_FIELDS = {*COPIED_FIELDS, "municipality", "municipality_id"}
BATCH = 500
# Sent with `actor_ids` (None: every actor) once their rows are rebuilt.
refreshed = Signal()


def _models(apps=None):
    if apps is None:
        from . import models
    else:

        class models:  # noqa: N801 - a namespace of the historical models
            pass

        for name in ("Actor", "ActorRegion", "ActorMunicipality", "Contact", "Municipality"):
            setattr(models, name, apps.get_model("actors", name))
    return models


def memberships(actor_ids, *, apps=None):
    """Return ({actor_id: region_ids}, {actor_id: municipality_ids}, {actor_id: copied values})
    of the actors `actor_ids` (None: every actor)."""
    m = _models(apps)
    through_m = m.Actor.served_municipalities.through.objects.all()
    through_r = m.Actor.served_regions.through.objects.all()
    actors = m.Actor.objects.all()
    if actor_ids is not None:
        actors = actors.filter(pk__in=actor_ids)
        through_m = through_m.filter(actor_id__in=actor_ids)
        through_r = through_r.filter(actor_id__in=actor_ids)
    region_of = dict(m.Municipality.objects.values_list("pk", "region_id"))
    municipalities_of = {}
    for municipality, region in region_of.items():
        municipalities_of.setdefault(region, []).append(municipality)
    regions, municipalities, values = {}, {}, {}
    with_contacts = None
    if _marks_contacts(m.ActorRegion):
        contacts = m.Contact.objects.filter(public=True)
        if actor_ids is not None:
            contacts = contacts.filter(actor_id__in=actor_ids)
        with_contacts = set(contacts.values_list("actor_id", flat=True))
    for pk, municipality, *copied in actors.order_by().values_list(
        "pk", "municipality_id", *COPIED_FIELDS
    ):
        values[pk] = dict(zip(COPIED_FIELDS, copied, strict=True))
        if with_contacts is not None:
            values[pk]["has_public_contact"] = pk in with_contacts
        regions[pk], municipalities[pk] = set(), set()
        if municipality is not None:
            municipalities[pk].add(municipality)
            regions[pk].add(region_of[municipality])
    for actor, municipality in through_m.values_list("actor_id", "municipality_id"):
        if actor in values:
            municipalities[actor].add(municipality)
            regions[actor].add(region_of[municipality])
    for actor, region in through_r.values_list("actor_id", "region_id"):
        if actor in values:
            regions[actor].add(region)
            municipalities[actor].update(municipalities_of.get(region, ()))
    return regions, municipalities, values


def _marks_contacts(membership_model):
    """Whether the membership rows have `has_public_contact`: a migration's historical models
    before actors/0020 do not."""
    return any(field.name == "has_public_contact" for field in membership_model._meta.fields)


def contacts_changed(actor_ids):
    """Mark the membership rows of the actors `actor_ids` by whether each has a public
    contact now: after contacts of theirs were written."""
    from .models import ActorMunicipality, ActorRegion, Contact

    actor_ids = sorted({pk for pk in actor_ids if pk is not None})
    has_public = Exists(Contact.objects.filter(public=True, actor_id=OuterRef("actor_id")))
    for start in range(0, len(actor_ids), BATCH):
        batch = actor_ids[start : start + BATCH]
        for model in (ActorRegion, ActorMunicipality):
            model.objects.filter(actor_id__in=batch).update(has_public_contact=has_public)


def region_scope(slug):
    """The page cache's scope (keko.cache) of the region `slug`'s page."""
    return f"region:{slug}"


def municipality_scope(slug):
    """The page cache's scope (keko.cache) of the municipality `slug`'s page."""
    return f"municipality:{slug}"


def area_scopes(actor_ids):
    """Return the page cache's scopes of the areas the actors `actor_ids` serve."""
    from .models import ActorMunicipality, ActorRegion

    def slugs(memberships):
        rows = memberships.objects.filter(actor_id__in=actor_ids).order_by()
        return rows.values_list("area__slug", flat=True).distinct()

    return {
        *map(region_scope, slugs(ActorRegion)),
        *map(municipality_scope, slugs(ActorMunicipality)),
    }


def refresh(actor_ids, *, apps=None):
    """Rebuild the membership rows of the actors `actor_ids` (deleted ones lose theirs)."""
    actor_ids = sorted({pk for pk in actor_ids if pk is not None})
    # A migration's historical models: no listeners, no cache yet.
    listened = apps is None and actor_ids
    # A few actors move on their areas' pages, before and after; more, every page.
    scoped = listened and len(actor_ids) <= BATCH
    served_before = area_scopes(actor_ids) if scoped else set()
    for start in range(0, len(actor_ids), BATCH):
        _refresh(actor_ids[start : start + BATCH], apps=apps)
    if scoped:
        bump_scopes(served_before | area_scopes(actor_ids))
    elif listened:
        bump_directory_version()
    if listened:
        refreshed.send(sender=None, actor_ids=actor_ids)


def rebuild(*, apps=None):
    """Rebuild every actor's membership rows: after bulk loads that bypass signals."""
    m = _models(apps)
    with transaction.atomic():
        m.ActorRegion.objects.all().delete()
        m.ActorMunicipality.objects.all().delete()
        _insert(*memberships(None, apps=apps), apps=apps)
    if apps is None:
        bump_directory_version()
        refreshed.send(sender=None, actor_ids=None)


def _refresh(actor_ids, *, apps=None):
    m = _models(apps)
    with transaction.atomic():
        m.ActorRegion.objects.filter(actor_id__in=actor_ids).delete()
        m.ActorMunicipality.objects.filter(actor_id__in=actor_ids).delete()
        _insert(*memberships(actor_ids, apps=apps), apps=apps)


def _insert(regions, municipalities, values, *, apps=None):
    m = _models(apps)
    for model, areas in ((m.ActorRegion, regions), (m.ActorMunicipality, municipalities)):
        rows = [
            model(actor_id=actor, area_id=area, **values[actor])
            for actor, ids in areas.items()
            for area in sorted(ids)
        ]
        model.objects.bulk_create(rows, batch_size=2000)


# Signals


def watch(fields):
    """Refresh the actors of an update() of `fields` too, and so send `refreshed`: for an
    app whose derived rows copy those fields of the actor."""
    WATCHED_FIELDS.update(fields)


def actor_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh([instance.pk])


def served_areas_changed(sender, instance, action, reverse, pk_set, **kwargs):  # noqa: PLR0913
    """A link of `served_municipalities` or `served_regions` added or removed, from the
    actor's side (`instance` an actor) or the area's (`instance` an area, `pk_set` actors)."""
    if action == "pre_clear" and reverse:
        # Which actors lose the link is known only before it goes.
        links = sender.objects.filter(**{_area_column(instance): instance.pk})
        instance._actors_before_clear = list(links.values_list("actor_id", flat=True))
    elif action in ("post_add", "post_remove"):
        refresh(pk_set if reverse else [instance.pk])
    elif action == "post_clear":
        refresh(getattr(instance, "_actors_before_clear", []) if reverse else [instance.pk])


def contact_written(sender, instance, raw=False, **kwargs):
    """A contact saved or deleted: its actor's rows, and those of the actor it had when read
    or last saved (Contact.from_db), so that a contact moved to another actor leaves it."""
    if not raw:
        contacts_changed([instance.actor_id, getattr(instance, "_stored_actor_id", None)])
        instance._stored_actor_id = instance.actor_id


def _area_column(area):
    from .models import Municipality

    return "municipality_id" if isinstance(area, Municipality) else "region_id"


def municipality_saved(sender, instance, created, raw=False, **kwargs):
    """A municipality added to a region, or moved to another: the actors based in it,
    serving it or serving its region now serve other areas. Any other edit (a new name)
    leaves them: rebuilding their rows took 1.9 s for a municipality at 100 000 actors."""
    from .models import Actor, ActorMunicipality

    moved = created or getattr(instance, "_stored_region_id", None) != instance.region_id
    instance._stored_region_id = instance.region_id
    if not moved:
        return
    served = Actor.served_municipalities.through.objects.filter(municipality_id=instance.pk)
    whole_region = Actor.served_regions.through.objects.filter(region_id=instance.region_id)
    refresh(
        {
            *Actor.objects.filter(municipality_id=instance.pk).values_list("pk", flat=True),
            *served.values_list("actor_id", flat=True),
            *whole_region.values_list("actor_id", flat=True),
            *ActorMunicipality.objects.filter(area_id=instance.pk).values_list(
                "actor_id", flat=True
            ),
        }
    )


def connect():
    from .models import Actor, Contact, Municipality

    post_save.connect(actor_saved, sender=Actor, dispatch_uid="actors.areas.actor_saved")
    for signal in (post_save, post_delete):
        signal.connect(
            contact_written, sender=Contact, dispatch_uid=f"actors.areas.contact.{id(signal)}"
        )
    post_save.connect(
        municipality_saved, sender=Municipality, dispatch_uid="actors.areas.municipality_saved"
    )
    for field in (Actor.served_municipalities, Actor.served_regions):
        m2m_changed.connect(
            served_areas_changed,
            sender=field.through,
            dispatch_uid=f"actors.areas.{field.field.name}",
        )
