"""Workshop PDFs and CSVs of large selections, made in the task queue (django-tasks) and never
in a web request.

The PDF and CSV views look up the render of a selection (`existing_job`) or queue one
(`start_job`): identical requests (the same cleaned options of the same data version, i.e. the
same cache key) share one PrintRender row and one queued task. A PDF's task waits for one of
PDF_CONCURRENCY places (RenderSlot) and lays the PDF out with a deadline (keko.pdf); a CSV's
writes the sheet (printing.csv_lines()). Either puts the file into the cache under the key,
where the view finds it on the visitor's next refresh.

The key includes the language of the page asked from (keko.cache.directory_key), so a Finnish
and a Swedish request never share a render; the job records the language, and the task, which
runs with no request, lays the PDF out in it.
"""

import datetime
import hashlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from keko.cache import TIMEOUT
from keko.pdf import RenderTimeout

from .models import PrintRender, RenderSlot
from .print_rendering import load_selection, print_context, sheet_pdf

# A render that found every place taken tries again after this many seconds.
RETRY_SECONDS = 2
# Rows of finished renders are kept this long (the PDFs themselves live in the cache).
KEPT_FOR = datetime.timedelta(days=1)


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def existing_job(key):
    """Return the PrintRender of the cache key `key`, or None. A render queued or started
    longer ago than twice the deadline died with its worker: it is dropped, and None
    returned, so that the visitor's next request starts afresh instead of waiting forever."""
    job = PrintRender.objects.filter(key=digest(key)).first()
    lost = timezone.now() - datetime.timedelta(seconds=2 * settings.PDF_RENDER_TIMEOUT)
    waiting = (PrintRender.Status.QUEUED, PrintRender.Status.RENDERING)
    if job is not None and job.status in waiting and job.created_at < lost:
        forget(job)
        return None
    return job


def start_job(key, *, output, scope, slug, query, origin, actor_count, language):  # noqa: PLR0913
    """Queue the render of a selection's `output` (PrintRender.Output) in `language` and
    return its PrintRender; if another request queued the same one meanwhile, return that one
    instead."""
    PrintRender.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
    try:
        with transaction.atomic():
            job = PrintRender.objects.create(
                key=digest(key), output=output, actor_count=actor_count, language=language
            )
    except IntegrityError:
        return PrintRender.objects.get(key=digest(key))
    task = render_print_csv if output == PrintRender.Output.CSV else render_print_pdf
    task.enqueue(job_id=job.pk, key=key, scope=scope, slug=slug, query=query, origin=origin)
    return job


def forget(job):
    """Drop a finished job so that the next request starts afresh (after a failure, or once
    its PDF has left the cache)."""
    PrintRender.objects.filter(pk=job.pk).delete()


def _take_slot(job):
    """Take one of the PDF_CONCURRENCY places for `job`; return whether one was free. A place
    held past twice the render timeout is taken as free: its render died with its worker."""
    limit = settings.PDF_CONCURRENCY
    RenderSlot.objects.bulk_create(
        [RenderSlot(number=number) for number in range(1, limit + 1)], ignore_conflicts=True
    )
    now = timezone.now()
    abandoned = now - datetime.timedelta(seconds=2 * settings.PDF_RENDER_TIMEOUT)
    for number in range(1, limit + 1):
        free = Q(render=None) | Q(taken_at__lt=abandoned)
        if RenderSlot.objects.filter(free, number=number).update(render=job, taken_at=now):
            return True
    return False


def _release_slot(job):
    RenderSlot.objects.filter(render=job).update(render=None, taken_at=None)


def print_request(origin, query):
    """A GET request for the print of `query` as the visitor's came, at `origin`
    ("https://host"), in the active language as LocaleMiddleware marks a request: the print's
    links and QR codes are absolute URLs of the site."""
    parts = urlsplit(origin)
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(query)
    request.META = {
        "HTTP_HOST": parts.netloc,
        "SERVER_NAME": parts.hostname or "",
        "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)),
    }
    if parts.scheme == "https":
        # What the TLS proxy tells the site (settings.SECURE_PROXY_SSL_HEADER).
        request.META["HTTP_X_FORWARDED_PROTO"] = "https"
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = translation.get_language()
    return request


@task()
def render_print_pdf(*, job_id, key, scope, slug, query, origin):
    """Lay out the PDF of a selection in the job's language and keep it in the cache under
    `key`."""
    job = PrintRender.objects.filter(pk=job_id).first()
    if job is None:  # dropped meanwhile (a day old)
        return "dropped"
    # Its texts, the links and QR codes (reverse()), and the failure messages it records.
    with translation.override(job.language):
        return _render(job, key=key, scope=scope, slug=slug, query=query, origin=origin)


def _render(job, *, key, scope, slug, query, origin):
    if not _take_slot(job):
        run_after = timezone.now() + datetime.timedelta(seconds=RETRY_SECONDS)
        render_print_pdf.using(run_after=run_after).enqueue(
            job_id=job.pk, key=key, scope=scope, slug=slug, query=query, origin=origin
        )
        return "waiting"
    PrintRender.objects.filter(pk=job.pk).update(
        status=PrintRender.Status.RENDERING, started_at=timezone.now()
    )
    try:
        request = print_request(origin, query)
        context, valid = print_context(request, scope, slug, qr="pdf")
        if not valid:
            # The data changed under the selection (e.g. it grew past the cap).
            message = _("Valinta ei ole enää tulostettavissa.")
            return _finish(job, PrintRender.Status.FAILED, message)
        pdf = sheet_pdf(request, context, timeout=settings.PDF_RENDER_TIMEOUT).pdf
        cache.set(key, pdf, TIMEOUT)
        return _finish(job, PrintRender.Status.DONE)
    except RenderTimeout:
        return _finish(
            job,
            PrintRender.Status.FAILED,
            _("PDF:n tekeminen kesti liian kauan. Rajaa valintaa ja yritä uudelleen."),
        )
    except Exception:
        _finish(job, PrintRender.Status.FAILED, _("PDF:n tekeminen epäonnistui."))
        raise
    finally:
        _release_slot(job)


@task()
def render_print_csv(*, job_id, key, scope, slug, query, origin):
    """Write the CSV of a selection in the job's language and keep it in the cache under
    `key`, as UTF-8 bytes."""
    job = PrintRender.objects.filter(pk=job_id).first()
    if job is None:  # dropped meanwhile (a day old)
        return "dropped"
    PrintRender.objects.filter(pk=job.pk).update(
        status=PrintRender.Status.RENDERING, started_at=timezone.now()
    )
    # Its column headings and texts, and the failure messages it records.
    with translation.override(job.language):
        try:
            request = print_request(origin, query)
            selection = load_selection(request, scope, slug)
            options = selection.read_options(request.GET)[1]
            if options is None:  # valid when queued: a choice they named has gone since
                message = _("Valinta ei ole enää tulostettavissa.")
                return _finish(job, PrintRender.Status.FAILED, message)
            lines = selection.csv_lines(options, request.build_absolute_uri)
            cache.set(key, "".join(lines).encode(), TIMEOUT)
            return _finish(job, PrintRender.Status.DONE)
        except Exception:
            _finish(job, PrintRender.Status.FAILED, _("CSV-tiedoston tekeminen epäonnistui."))
            raise


def _finish(job, status, message=""):
    PrintRender.objects.filter(pk=job.pk).update(
        status=status, message=message, finished_at=timezone.now()
    )
    return status
