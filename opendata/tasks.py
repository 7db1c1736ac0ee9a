"""Building the data package in the task queue (django-tasks), never in a web request.

The package's view asks `current_package()` for the newest finished package and
`request_build()` when that one is out of date: the data's stamp (the directory version, which
every save of directory data changes, and the day, on which "active" depends) differs from
the stamp it was built for. Requests for the same stamp share one DataPackage row and one
queued task (the stamp is unique); meanwhile the previous package is served.
"""

import datetime
import hashlib

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from keko.cache import ACTORS, versions

from .models import DataPackage
from .tabular import build_zip

# A build queued or running this long is taken as lost (its worker died) and queued again;
# a failed one is tried again after FAILED_RETRY.
LOST_AFTER = datetime.timedelta(hours=1)
FAILED_RETRY = datetime.timedelta(minutes=10)


def data_stamp():
    """Return the stamp of the data a package built now would hold."""
    # Every actor is in the package: any edit, of an actor or of anything else, moves it on.
    stamp = ".".join(str(version) for version in versions([ACTORS]))
    return f"{stamp}:{timezone.localdate().isoformat()}"


def current_package():
    """Return the newest finished package (without its content), or None."""
    return (
        DataPackage.objects.filter(status=DataPackage.Status.DONE)
        .defer("content")
        .order_by("-started_at", "-pk")
        .first()
    )


def request_build(stamp, origin):
    """Queue the build of the package of `stamp` unless it is queued, running or built
    already; return its DataPackage. `origin` ("https://host") makes the package's links."""
    try:
        with transaction.atomic():
            package = DataPackage.objects.create(stamp=stamp)
    except IntegrityError:
        package = DataPackage.objects.defer("content").get(stamp=stamp)
        if not _retry(package):
            return package
    build_data_package.enqueue(package_id=package.pk, origin=origin)
    return package


def _retry(package):
    """Queue a lost or failed build again: one conditional update, so one request does."""
    now = timezone.now()
    Status = DataPackage.Status
    stale = Q(status__in=[Status.QUEUED, Status.BUILDING], requested_at__lt=now - LOST_AFTER)
    failed = Q(status=Status.FAILED, requested_at__lt=now - FAILED_RETRY)
    return bool(
        DataPackage.objects.filter(stale | failed, pk=package.pk).update(
            status=Status.QUEUED, requested_at=now, message=""
        )
    )


@task()
def build_data_package(*, package_id, origin):
    """Build the package of a DataPackage row and keep it there; drop the older ones."""
    Status = DataPackage.Status
    started_at = timezone.now()
    # Read before the data: an edit saved meanwhile changes the stamp, and asks for a rebuild.
    built_stamp = data_stamp()
    if not DataPackage.objects.filter(pk=package_id, status=Status.QUEUED).update(
        status=Status.BUILDING, started_at=started_at, built_stamp=built_stamp
    ):
        return "skipped"  # built, being built by another worker, or dropped
    package = DataPackage.objects.defer("content").get(pk=package_id)
    # A build started after this one was asked for already holds its data (or newer).
    if DataPackage.objects.filter(
        status=Status.DONE, started_at__gte=package.requested_at
    ).exists():
        DataPackage.objects.filter(pk=package_id).delete()
        return "superseded"
    try:
        content, organizations = build_zip(origin, built_at=started_at)
    except Exception:
        DataPackage.objects.filter(pk=package_id).update(
            status=Status.FAILED, message=_("Datapaketin kokoaminen epäonnistui.")
        )
        raise
    DataPackage.objects.filter(pk=package_id).update(
        status=Status.DONE,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        organization_count=organizations,
        built_at=timezone.now(),
    )
    # Only the newest package is served: older ones, and old failures, go.
    DataPackage.objects.filter(
        Q(status=Status.DONE, started_at__lt=started_at)
        | Q(status=Status.FAILED, requested_at__lt=started_at - datetime.timedelta(days=1))
    ).delete()
    return "done"
