"""The API's own tables: the HSDS data package and the services list's index.

The data package (`/api/hsds/datapackage.zip`) is built in the task queue.

A row per build, under the stamp of the data it was asked for (opendata/tasks.py): requests
that find the newest package out of date share one row, so one build, however many they are.
The zip itself is kept in the row: every app server reads the same one, and nothing is written
to the file system. Only the newest finished package is kept; a new one can always be built.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, ServiceType
from keko.models import Status


class DataPackage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("jonossa")
        BUILDING = "building", _("tekeillä")
        DONE = "done", _("valmis")
        FAILED = "failed", _("epäonnistui")

    # The data the package was asked for: the directory version and the day (opendata.tasks).
    stamp = models.CharField(max_length=64, unique=True)
    # The data it holds: the stamp when its build began (newer than `stamp` if the data
    # changed while the build was queued). A package is current while this is the stamp.
    built_stamp = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True, db_index=True)
    built_at = models.DateTimeField(null=True, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    organization_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("HSDS-datapaketti")
        verbose_name_plural = _("HSDS-datapaketit")

    def __str__(self):
        return f"{self.stamp} ({self.get_status_display()})"


class ServiceListingQuerySet(models.QuerySet):
    def listed(self, *, include_ended=False, on=None):
        """The services of published actors, of those active on `on` (today) unless
        `include_ended`."""
        rows = self.filter(status=Status.PUBLISHED)
        if include_ended:
            return rows
        on = on or timezone.localdate()
        return rows.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=on),
            Q(active_until__isnull=True) | Q(active_until__gte=on),
        )


class ServiceListing(models.Model):
    """A service of the API (a row of Actor.services.through) with the actor's name, status
    and active period copied in, and whether the actor has a visiting address (`located`):
    derived data, rebuilt by opendata.listings on every write.

    `/services` pages through every published actor's services in the actor's name order; on
    the link table that is a join and a sort of all of them on every page. Here the page is a
    range of one index, and the count one scan of a small partial index. `/service_at_locations`
    is the located ones, likewise.
    """

    # Indexed by the unique constraint (actor, servicetype).
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+", db_index=False)
    servicetype = models.ForeignKey(ServiceType, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=250)
    status = models.CharField(max_length=10, choices=Status.choices)
    active_from = models.DateField(null=True)
    active_until = models.DateField(null=True)
    # The actor has a visiting address (a street address): its one HSDS location.
    located = models.BooleanField(default=False)
    # The API's ids of the service and of the service at its location (opendata.identifiers,
    # derived from the actor's and the service type's UUIDs): a detail is found by its id in
    # an index, where the id of every service was derived in turn until one matched (1.3 s
    # for an id not found, at 100 000 actors).
    service_id = models.UUIDField(unique=True)
    located_id = models.UUIDField(unique=True)

    objects = ServiceListingQuerySet.as_manager()
    # Rebuilt from the actors' own saves (keko.registry.directory_models leaves it out).
    derived_data = True

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "servicetype"], name="unique_service_listing"),
        ]
        indexes = [
            models.Index(
                fields=["status", "name", "actor", "servicetype"],
                # A page skips its offset in the index alone (an index-only scan).
                include=["active_from", "active_until", "located", "id"],
                name="opendata_listing_page_idx",
            ),
            models.Index(
                fields=["active_until", "active_from"],
                condition=Q(status=Status.PUBLISHED),
                name="opendata_listing_count_idx",
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.servicetype_id}"
