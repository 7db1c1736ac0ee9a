"""The HSDS data package (`/api/hsds/datapackage.zip`), built in the task queue.

A row per build, under the stamp of the data it was asked for (opendata/tasks.py): requests
that find the newest package out of date share one row, so one build, however many they are.
The zip itself is kept in the row: every app server reads the same one, and nothing is written
to the file system. Only the newest finished package is kept; a new one can always be built.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
