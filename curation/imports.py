"""Large actor imports through the task queue: the dry run, then, once the curator confirms,
the import, each as a task (`manage.py db_worker` runs them), recorded in an `ImportJob`.

A file of more than `IMPORT_INLINE_MAX_ROWS` rows leaves the admin's import page here
(`queue_import`, registered with actors/importing.py): it is stored under a random name, a job
is created and `check_import` queued, and the curator follows the job's page (curation/admin.py)
as the tasks move it on::

    queued -> checking -> checked --(confirm)--> confirmed -> importing -> done
                       -> invalid (row errors: nothing imported; upload a corrected file)
    any step           -> failed  (unreadable file, too many rows, an unexpected error)

**Atomicity and progress.** Both the dry run and the import are one `import_data` over the
whole file inside one transaction, exactly as the admin's own import runs: the dry run is
rolled back, and the import commits only if no row has an error (all or nothing; a file
whose rows became invalid after the dry run imports nothing and shows why). Because of that,
progress is never written to the database while the transaction is open — the job's row would
be invisible until the commit on PostgreSQL, and on SQLite a second connection writing it
would wait for the very write lock the import holds. The task writes the rows it has done to
the cache every `PROGRESS_EVERY` rows (`progress_key`; the cache is shared by every process,
see keko/settings.py), and the job's row only before and after each transaction. Chunking the
dry run (committing progress between chunks) was rejected: chunks would not see each other's
rows, so a slug repeated across chunks or other cross-row conflicts would be reported
differently than the real import meets them, and the dry run must tell what the import will do.
The price: on SQLite (development) the open transaction holds the database's write lock for
the whole step, so other writes wait while a large file is checked or imported; production
runs PostgreSQL, where the step locks only the rows it changes.

Memory: files are limited to `IMPORT_MAX_BYTES` and `IMPORT_MAX_ROWS` (actors/importing.py,
read row by row up to the limit); the resource keeps no HTML diffs and no instances, and at
most `ERRORS_SHOWN` errors are stored.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from import_export.results import RowResult
from import_export.signals import post_import

from actors import importing
from actors.models import Actor
from actors.resources import ActorResource

from .models import ImportJob

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 100
ERRORS_SHOWN = 1000
PREVIEW_ROWS = 100
PROGRESS_TIMEOUT = 24 * 3600


def progress_key(job_id):
    return f"curation:import-job:{job_id}:rows-done"


def rows_done(job):
    """The rows the job's running step has done (from the cache while its transaction is
    open), else the row's own count."""
    if job.status in {ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING}:
        return min(cache.get(progress_key(job.pk), 0), job.rows_total)
    return job.rows_done


class JobActorResource(ActorResource):
    """The actor resource as the queue runs it: it reports progress to the cache, records
    the job's user in the history (there is no request), and keeps no HTML diffs."""

    class Meta:
        skip_html_diff = True

    def __init__(self, *, job_id, user, **kwargs):
        super().__init__(**kwargs)
        self.job_id = job_id
        self.user = user

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        number = kwargs.get("row_number") or 0
        if number % PROGRESS_EVERY == 0:
            cache.set(progress_key(self.job_id), number, PROGRESS_TIMEOUT)

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        instance._history_user = self.user


def queue_import(request, model_admin, *, stored_name, original_name, extension):
    """Record a job for the stored file, queue its dry run, and send the curator to its page."""
    job = ImportJob.objects.create(
        user=request.user,
        original_name=original_name[:255],
        stored_name=stored_name,
        file_format=extension,
    )
    check_import.enqueue(job.pk)
    messages.info(
        request,
        _(
            "Tiedostossa on yli %(limit)s riviä: se tarkistetaan taustalla. Tällä sivulla näet, "
            "miten tarkistus etenee; tuonti tehdään vasta, kun vahvistat sen."
        )
        % {"limit": settings.IMPORT_INLINE_MAX_ROWS},
    )
    return redirect("admin:curation_importjob_change", job.pk)


def confirm(job):
    """Queue the import of a checked job; False if it is not waiting for a confirmation (it
    was confirmed already, or has errors)."""
    claimed = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.CHECKED, error_count=0
    ).update(status=ImportJob.Status.CONFIRMED)
    if claimed:
        run_import.enqueue(job.pk)
    return bool(claimed)


@task()
def check_import(job_id):
    """The dry run of a job's file: what would be created, changed and skipped, and every bad
    row with its column."""
    job = _claim(job_id, ImportJob.Status.QUEUED, ImportJob.Status.CHECKING)
    if job is None:
        return
    result = _run(job, dry_run=True)
    if result is None:
        return
    errors, count = importing.result_errors(result, ERRORS_SHOWN)
    job.totals = _totals(result)
    job.errors, job.error_count = errors, count
    job.preview = _preview(result)
    job.rows_done = job.rows_total
    job.checked_at = timezone.now()
    if count:
        job.status = ImportJob.Status.INVALID
        job.finished_at = job.checked_at
        importing.remove_stored_file(job.stored_name)
    else:
        job.status = ImportJob.Status.CHECKED
    job.save()


@task()
def run_import(job_id):
    """The confirmed import of a job's file, in one transaction: all rows or none."""
    job = _claim(job_id, ImportJob.Status.CONFIRMED, ImportJob.Status.IMPORTING)
    if job is None:
        return
    result = _run(job, dry_run=False)
    if result is None:
        return
    importing.remove_stored_file(job.stored_name)
    errors, count = importing.result_errors(result, ERRORS_SHOWN)
    job.totals = _totals(result)
    job.errors, job.error_count = errors, count
    job.finished_at = timezone.now()
    if count:
        job.status = ImportJob.Status.INVALID  # rolled back: nothing was imported
        job.save()
        return
    job.status = ImportJob.Status.DONE
    job.rows_done = job.rows_total
    job.save()
    _log_entries(job, result)
    post_import.send(sender=None, model=Actor)


def _claim(job_id, current, new):
    if not ImportJob.objects.filter(pk=job_id, status=current).update(status=new):
        return None  # gone, or run already
    cache.set(progress_key(job_id), 0, PROGRESS_TIMEOUT)
    return ImportJob.objects.select_related("user").get(pk=job_id)


def _run(job, *, dry_run):
    """Read the job's file and run the import over it; return the result, or None when the
    job failed (the job's row then says why)."""
    try:
        data = importing.read_stored_file(job.stored_name)
        dataset = importing.read_dataset(data, job.file_format, max_rows=settings.IMPORT_MAX_ROWS)
        del data
        resource = JobActorResource(job_id=job.pk, user=job.user)
        errors = importing.header_errors(dataset.headers, resource)
        if errors:
            raise importing.ImportFileError(" ".join(errors))
        job.rows_total = len(dataset)
        job.save(update_fields=["rows_total"])
        return resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            file_name=job.original_name,
            user=job.user,
        )
    except importing.ImportFileError as error:
        _fail(job, str(error))
    except Exception as error:
        logger.exception("Import job %s failed", job.pk)
        _fail(job, importing.base_error_message(error))
    return None


def _fail(job, message):
    importing.remove_stored_file(job.stored_name)
    job.status = ImportJob.Status.FAILED
    job.errors = [{"row": None, "column": "", "message": message}]
    job.error_count = 1
    job.finished_at = timezone.now()
    job.save()


def _totals(result):
    return {key: int(value) for key, value in result.totals.items()}


def _preview(result):
    """The first rows that create or change an actor, as the admin's dry run lists them."""
    changing = {RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE}
    preview = []
    for number, row in enumerate(result.rows, 1):
        if row.import_type in changing:
            preview.append({"row": number, "type": row.import_type, "name": row.object_repr})
            if len(preview) == PREVIEW_ROWS:
                break
    return preview


def _log_entries(job, result):
    """One admin log entry per created or changed actor, as the admin's import writes them."""
    flags = {RowResult.IMPORT_TYPE_NEW: ADDITION, RowResult.IMPORT_TYPE_UPDATE: CHANGE}
    content_type = ContentType.objects.get_for_model(Actor)
    message = _("Tuotu tiedostosta %(name)s") % {"name": job.original_name}
    entries = (
        LogEntry(
            user_id=job.user_id,
            content_type=content_type,
            object_id=str(row.object_id),
            object_repr=(row.object_repr or "")[:200],
            action_flag=flags[row.import_type],
            change_message=message,
        )
        for row in result.rows
        if row.import_type in flags
    )
    LogEntry.objects.bulk_create(entries, batch_size=1000)
