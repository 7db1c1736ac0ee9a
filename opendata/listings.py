"""The services list's index (ServiceListing), kept on every write.

Rebuilt for the actors concerned when
- actors.areas refreshes their area rows (`areas.refreshed`): an actor saved, created or
  updated in bulk, a backup restored, synthetic data loaded — every path that changes the
  actor's name, status or active period already ends there;
- an actor's `services` change, from either side (m2m_changed).
An actor or a service type deleted takes its rows along (ON DELETE CASCADE).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed

BATCH = 2000
COPIED_FIELDS = ("name", "status", "active_from", "active_until")


def _models(apps=None):
    if apps is None:
        from actors.models import Actor

        from .models import ServiceListing

        return Actor, ServiceListing
    return apps.get_model("actors", "Actor"), apps.get_model("opendata", "ServiceListing")


def refresh(actor_ids, *, apps=None):
    """Rebuild the rows of the actors `actor_ids` (None: of every actor)."""
    Actor, ServiceListing = _models(apps)  # noqa: N806 - model classes
    links = Actor.services.through.objects.order_by()
    actors = Actor.objects.order_by()
    rows = ServiceListing.objects.all()
    if actor_ids is not None:
        actor_ids = sorted(set(actor_ids))
        links = links.filter(actor_id__in=actor_ids)
        actors = actors.filter(pk__in=actor_ids)
        rows = rows.filter(actor_id__in=actor_ids)
    with transaction.atomic():
        rows.delete()
        copied = {pk: values for pk, *values in actors.values_list("pk", *COPIED_FIELDS)}
        new = (
            ServiceListing(
                actor_id=actor,
                servicetype_id=service,
                **dict(zip(COPIED_FIELDS, copied[actor], strict=True)),
            )
            for actor, service in links.values_list("actor_id", "servicetype_id").iterator()
        )
        ServiceListing.objects.bulk_create(new, batch_size=BATCH)


def rebuild(*, apps=None):
    refresh(None, apps=apps)


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


def connect():
    from actors import areas
    from actors.models import Actor

    areas.refreshed.connect(areas_refreshed, dispatch_uid="opendata.listings.areas_refreshed")
    m2m_changed.connect(
        services_changed, sender=Actor.services.through, dispatch_uid="opendata.listings.services"
    )
