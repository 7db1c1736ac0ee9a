"""Workshop prints of a region's or a municipality's actors, or of a selection of the actor
list: a print page, its PDF and a CSV.

The URL patterns pass `scope` ("region", "municipality" or print_rendering.LIST) and, for the
list, an empty `slug`; everything else is shared.
"""

import functools

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from keko import ratelimit
from keko.cache import ACTORS, TIMEOUT, cache_public_page, directory_key
from keko.middleware import client_ip

from . import print_jobs
from .areas import area_page_scopes
from .filters import ActorDirectoryFilter, english_kinds_redirect
from .forms import PrintOptionsForm
from .models import PrintRender
from .print_rendering import LIST, TEMPLATE, load_selection, print_context, sheet_pdf
from .printing import selected_actors

STATUS_TEMPLATE = "directory/print/render_status.html"
# How often the "PDF valmistuu" (or CSV) page asks again, in seconds.
REFRESH_SECONDS = 3


def _invalid(request, context):
    # The print page itself explains what is wrong, next to the options to fix it.
    return render(request, TEMPLATE, context, status=400)


def _read_options(request, scope, slug):
    """Return the selection of the request, its options form and its print options, and None;
    or, if the options are invalid, the print page that explains them last."""
    selection = load_selection(request, scope, slug)
    form, options = selection.read_options(request.GET)
    if options is None:
        context = print_context(request, scope, slug, form=form, selection=selection)[0]
        return selection, form, None, _invalid(request, context)
    return selection, form, options, None


def _filename(slug, extension):
    return f"keko-{slug}-{timezone.localdate().isoformat()}.{extension}"


def finnish_kinds(view):
    """Redirect a print URL with the old English kind values to the Finnish ones."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return english_kinds_redirect(request) or view(request, *args, **kwargs)

    return wrapped


def print_parameters(slug, scope):
    """The query parameters a print page reads: the print options, and for a print of the
    list, the list's filters."""
    if scope == LIST:
        return [*ActorDirectoryFilter.base_filters, *PrintOptionsForm.print_only]
    return list(PrintOptionsForm.base_fields)


def print_scopes(slug, scope):
    """What a print page shows (keko.cache scopes): an area's print, what its page shows."""
    return (ACTORS,) if scope == LIST else area_page_scopes(scope, slug)


@finnish_kinds
@cache_public_page(params=print_parameters, scopes=print_scopes)
def print_page(request, slug, scope):
    context, valid = print_context(request, scope, slug, qr="svg")
    if not valid:
        return _invalid(request, context)
    return render(request, TEMPLATE, context)


@finnish_kinds
@never_cache
def print_pdf(request, slug, scope):
    """The PDF of a selection: from the cache if made already; laid out here if small; else
    queued (print_jobs), answered at once with a page that refreshes itself until it is ready.

    Organisers print the same selection again and again: the PDF is kept under the directory
    version, which any edit of published data moves on, and the page's language (keko.cache),
    in which the queue lays it out too. The key is the cleaned options, so that parameters
    the form does not know, or the same ones in another order, find the same PDF (and the
    same render in the queue); it is looked up before the selection's actors are queried.
    (A list's selection is named by its cleaned filters, which takes reading the filters'
    options first.)
    """
    selection, form, options, invalid = _read_options(request, scope, slug)
    if invalid is not None:
        return invalid
    key = _file_key(request, PrintRender.Output.PDF, scope, selection, options)
    made = _made_or_waiting(request, selection, key, _pdf_response)
    if made is not None:
        return made
    count = selected_actors(selection.actors, options).count()
    context, valid = print_context(
        request, scope, slug, qr="pdf", form=form, selection=selection, count=count
    )
    if not valid:  # past the cap: the print page asks to narrow the selection
        return _invalid(request, context)
    refused = _refused(request, selection, PrintRender.Output.PDF)
    if refused is not None:
        return refused
    if count <= settings.PDF_INLINE_MAX_ACTORS:
        pdf = sheet_pdf(request, context).pdf
        cache.set(key, pdf, TIMEOUT)
        return _pdf_response(pdf, selection.filename)
    return _queue(request, selection, key, PrintRender.Output.PDF, count, scope=scope, slug=slug)


def _file_key(request, output, scope, selection, options):
    """The cache key of the selection's file of `output` with `options` (print_pdf())."""
    parts = (f"print-{output}", scope, selection.key, request.get_host(), options.cache_key())
    return directory_key(*parts)


def _made_or_waiting(request, selection, key, respond):
    """Return the file made already under the cache key `key` (`respond(content,
    selection.filename)`), or the status page of its render in the queue; or None if there is
    neither, or its render is done but the file has left the cache (to be made again)."""
    content = cache.get(key)
    if content is not None:
        return respond(content, selection.filename)
    job = print_jobs.existing_job(key)
    if job is None:
        return None
    if job.status == PrintRender.Status.FAILED:
        print_jobs.forget(job)  # asking again starts afresh
        return _status_page(request, selection, job, failed=True)
    if job.status != PrintRender.Status.DONE:
        return _status_page(request, selection, job)
    print_jobs.forget(job)  # done, but its file has left the cache: make it again
    return None


def _queue(request, selection, key, output, count, *, scope, slug):  # noqa: PLR0913
    """Queue the render of the selection's `output` and answer with its status page."""
    job = print_jobs.start_job(
        key,
        output=output,
        scope=scope,
        slug=slug,
        query=request.GET.urlencode(),
        origin=request.build_absolute_uri("/").rstrip("/"),
        actor_count=count,
        language=translation.get_language(),
    )
    return _status_page(request, selection, job)


def _render_limit_key(request, output):
    """The rate-limit key of the visitor's new renders of `output`: curators have none (no
    limit), an anonymous address PDF_RENDERS_PER_ADDRESS per PDF_RENDER_PERIOD of each of
    PDFs and large CSVs (keko.ratelimit)."""
    return None if request.user.is_staff else f"print-{output}:{client_ip(request)}"


def _refused(request, selection, output):
    """The 429 page if the visitor may start no new render of `output` now, else None."""
    limit_key = _render_limit_key(request, output)
    if limit_key is None or ratelimit.allow(
        limit_key, limit=settings.PDF_RENDERS_PER_ADDRESS, period=settings.PDF_RENDER_PERIOD
    ):
        return None
    return _too_many(request, selection, limit_key, output)


def _pdf_response(pdf, slug):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, _filename(slug, "pdf"))
    return response


def _status_page(request, selection, job, *, failed=False):
    """ "PDF valmistuu…" (or the CSV), refreshing itself (202), or why it could not be made
    (200)."""
    context = {
        "selection": selection,
        "print_urls": selection.urls,
        "job": job,
        "output": job.output,
        "file_url": selection.urls[job.output],
        "failed": failed,
        "refresh_seconds": REFRESH_SECONDS,
        "query": request.GET.urlencode(),
    }
    return render(request, STATUS_TEMPLATE, context, status=200 if failed else 202)


def _too_many(request, selection, limit_key, output):
    context = {
        "selection": selection,
        "print_urls": selection.urls,
        "output": output,
        "file_url": selection.urls[output],
        "too_many": True,
        "query": request.GET.urlencode(),
    }
    response = render(request, STATUS_TEMPLATE, context, status=429)
    response["Retry-After"] = str(
        ratelimit.retry_after(limit_key, period=settings.PDF_RENDER_PERIOD)
    )
    return response


@finnish_kinds
@never_cache
def print_csv(request, slug, scope):
    """The CSV of a selection, uncapped. Up to CSV_INLINE_MAX_ACTORS actors, streamed as it is
    read (printing.csv_lines()); a larger one is written in the task queue (print_jobs) and
    kept in the cache, as a large PDF is, under the same kind of key (print_pdf()), while the
    visitor waits on a page that refreshes itself."""
    selection, _form, options, invalid = _read_options(request, scope, slug)
    if invalid is not None:
        return invalid
    key = _file_key(request, PrintRender.Output.CSV, scope, selection, options)
    made = _made_or_waiting(request, selection, key, _csv_response)
    if made is not None:
        return made
    count = selected_actors(selection.actors, options).count()
    if count <= settings.CSV_INLINE_MAX_ACTORS:
        lines = selection.csv_lines(options, request.build_absolute_uri)
        return _csv_response(lines, selection.filename, streaming=True)
    refused = _refused(request, selection, PrintRender.Output.CSV)
    if refused is not None:
        return refused
    return _queue(request, selection, key, PrintRender.Output.CSV, count, scope=scope, slug=slug)


def _csv_response(content, slug, *, streaming=False):
    """The CSV download of `content`: bytes made in the queue, or lines to stream."""
    response_class = StreamingHttpResponse if streaming else HttpResponse
    response = response_class(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, _filename(slug, "csv"))
    return response
