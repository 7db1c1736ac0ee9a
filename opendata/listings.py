"""The services list's index (ServiceListing), kept on every write.

Rebuilt for the actors concerned when
- actors.areas refreshes their area rows (`areas.refreshed`): an actor saved, created or
  updated in bulk, a backup restored, synthetic data loaded — every path that changes the
  actor's name, status, active period or address already ends there;
- an actor's `services` change, from either side (m2m_changed).
An actor or a service type deleted takes its rows along (ON DELETE CASCADE).

An actor's rows are rewritten only when what they copy changed (most edits change a
description or a contact, not a name or a status), and each rewrite moves on the listing
version kept in the shared cache. The count of the unfiltered list is cached under that
version and the day, so one curator's edit of a description does not make every harvester's
next page count all 200 000 services again.
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.signals import m2m_changed, post_delete
from django.utils import timezone

from . import identifiers

BATCH = 2000
COPIED_FIELDS = ("name", "status", "active_from", "active_until")
# What a row has of its actor: the copied fields, and whether it has a visiting address.
ROW_FIELDS = (*COPIED_FIELDS, "located")
# And the API's ids of the service, derived from the actor's and the service type's UUIDs.
ID_FIELDS = ["service_id", "located_id"]
VERSION_KEY = "opendata:listing-version"
COUNT_TIMEOUT = 24 * 60 * 60


def _models(apps=None):
    if apps is None:
        from actors.models import Actor, ServiceType

        from .models import ServiceListing

        return Actor, ServiceType, ServiceListing
    return (
        apps.get_model("actors", "Actor"),
        apps.get_model("actors", "ServiceType"),
        apps.get_model("opendata", "ServiceListing"),
    )


def refresh(actor_ids, *, apps=None):
    """Rebuild the rows of the actors `actor_ids` (None: of every actor)."""
    Actor, ServiceType, ServiceListing = _models(apps)  # noqa: N806 - model classes
    links = Actor.services.through.objects.order_by()
    actors = Actor.objects.order_by()
    rows = ServiceListing.objects.all()
    if actor_ids is not None:
        actor_ids = sorted(set(actor_ids))
        links = links.filter(actor_id__in=actor_ids)
        actors = actors.filter(pk__in=actor_ids)
        rows = rows.filter(actor_id__in=actor_ids)
    with transaction.atomic():
        # A migration's historical model may predate a field (`located`, in opendata/0002).
        fields = [name for name in ROW_FIELDS if _has_field(ServiceListing, name)]
        with_ids = all(_has_field(ServiceListing, name) for name in ID_FIELDS)
        located = ExpressionWrapper(~Q(street_address=""), output_field=BooleanField())
        copied = {
            pk: (actor_uuid, tuple(values))
            for pk, actor_uuid, *values in actors.annotate(located=located).values_list(
                "pk", "uuid", *fields
            )
        }
        type_uuids = dict(ServiceType.objects.values_list("pk", "uuid")) if with_ids else {}

        def row(actor, service):
            actor_uuid, values = copied[actor]
            if with_ids:
                service_id = identifiers.service_id(actor_uuid, type_uuids[service])
                values = (*values, service_id, identifiers.service_at_location_id(service_id))
            return (actor, service, *values)

        wanted = {
            row(actor, service)
            for actor, service in links.values_list("actor_id", "servicetype_id").iterator()
        }
        fields += ID_FIELDS if with_ids else []
        held = set(rows.values_list("actor_id", "servicetype_id", *fields).iterator())
        if wanted == held:
            return
        rows.delete()
        new = (
            ServiceListing(
                actor_id=actor,
                servicetype_id=service,
                **dict(zip(fields, values, strict=True)),
            )
            for actor, service, *values in wanted
        )
        ServiceListing.objects.bulk_create(new, batch_size=BATCH)
        if apps is None:
            _changed()


def _has_field(model, name):
    return any(field.name == name for field in model._meta.concrete_fields)


def rebuild(*, apps=None):
    refresh(None, apps=apps)


def version():
    """The listing version: changed by every rewrite of the index."""
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)  # add: two servers agree
        current = cache.get(VERSION_KEY)
    return current


def _new_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _changed():
    # Now, so that this request sees its change; again at commit, because another server may
    # have cached a count of the old rows in between (as keko.cache does with its version).
    _new_version()
    transaction.on_commit(_new_version)


def cached_count(key, count):
    """Return `count()` of the index, cached under the listing version, the day and `key`:
    only for selections of the index's own columns (its copied fields and service types)."""
    cache_key = f"opendata:listing-count:{version()}:{timezone.localdate()}:{key}"
    value = cache.get(cache_key)
    if value is None:
        value = count()
        cache.set(cache_key, value, COUNT_TIMEOUT)
    return value


def areas_refreshed(sender, actor_ids, **kwargs):
    refresh(actor_ids)


def services_changed(sender, instance, action, reverse, pk_set, **kwargs):  # noqa: PLR0913
    """A service added to or removed from an actor, from the actor's side (`instance` an
    actor) or the service type's (`instance` a service type, `pk_set` actors)."""
    if action == "pre_clear" and reverse:
        # Which actors lose the link is known only before it goes.
        links = sender.objects.filter(servicetype_id=instance.pk)
        instance._actors_before_clear = list(links.values_list("actor_id", flat=True))
    elif action in ("post_add", "post_remove"):
        refresh(pk_set if reverse else [instance.pk])
    elif action == "post_clear":
        refresh(getattr(instance, "_actors_before_clear", []) if reverse else [instance.pk])


def rows_deleted(sender, **kwargs):
    """An actor or a service type deleted took its rows along (CASCADE): the counts are old."""
    _changed()


def connect():
    from actors import areas
    from actors.models import Actor, ServiceType

    areas.refreshed.connect(areas_refreshed, dispatch_uid="opendata.listings.areas_refreshed")
    areas.watch(["street_address"])  # `located`
    for model in (Actor, ServiceType):
        post_delete.connect(
            rows_deleted, sender=model, dispatch_uid=f"opendata.listings.{model.__name__}"
        )
    m2m_changed.connect(
        services_changed, sender=Actor.services.through, dispatch_uid="opendata.listings.services"
    )
