"""The PTV import as a task of the queue (`manage.py db_worker`), started from the admin.

The task reads PTV first, with no transaction open, so it can write how many organisations it
has fetched into its `CatalogueImport` row as it goes (the admin page shows it); then it writes
everything in one transaction (catalogue.importer.write) and the row gets the counts.
"""

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from . import importer
from . import mapping as ptv_mapping
from .models import CatalogueImport
from .ptv import PTVError

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 5


def queue_import(area, *, user=None):
    """Record a run of `area` (an importer.Area) and queue it; return the CatalogueImport."""
    run = CatalogueImport.objects.create(area=area.key, area_label=area.label, started_by=user)
    import_area.enqueue(run.pk)
    return run


@task()
def import_area(import_id):
    claimed = CatalogueImport.objects.filter(
        pk=import_id, status=CatalogueImport.Status.QUEUED
    ).update(status=CatalogueImport.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return  # gone, or run already
    run = CatalogueImport.objects.select_related("started_by").get(pk=import_id)

    def progress(done, total):
        if done % PROGRESS_EVERY == 0:
            CatalogueImport.objects.filter(pk=run.pk).update(fetched=done)

    try:
        area = importer.Area.from_key(run.area)
        mapping = ptv_mapping.Mapping.load()
        fetched = importer.fetch(importer.make_client(), area, mapping=mapping, progress=progress)
        result = importer.write(fetched, area, mapping=mapping, user=run.started_by)
    except (PTVError, importer.AreaError) as error:
        _finish(run, CatalogueImport.Status.FAILED, str(error))
        return
    except Exception:
        logger.exception("Catalogue import %s failed", run.pk)
        _finish(run, CatalogueImport.Status.FAILED, _("Odottamaton virhe; katso palvelimen loki."))
        raise
    run.fetched = len(fetched.seen) + len(fetched.skipped)
    run.counts = result.counts
    lines = [result.summary(), *(_("Ohitettu: %(line)s") % {"line": s} for s in result.skipped)]
    _finish(run, CatalogueImport.Status.DONE, "\n".join(lines))


def _finish(run, status, message):
    run.status = status
    run.message = message
    run.finished_at = timezone.now()
    run.save()
