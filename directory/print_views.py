"""Workshop prints of a region's or a municipality's actors: a print page, its PDF and a CSV.

The URL patterns pass `scope="region"` or `scope="municipality"`; everything else is shared.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from actors.models import Actor, Municipality, Region
from keko.cache import TIMEOUT, directory_key
from keko.pdf import render_pdf

from .forms import PrintOptionsForm
from .printing import (
    PrintOptions,
    actors_csv,
    prepare_entries,
    print_selection,
    selected_actors,
    sheet_parts,
)

TEMPLATE = "directory/print/sheet.html"
RUNNING_PAGES_TEMPLATE = "directory/print/running_pages.html"
MAX_PRINTED_ACTORS = 2500
STYLESHEET = "css/print-sheet.css"
# Entries per part of a PDF laid out by one worker process (keko.pdf): a few seconds' and
# some 100 MB's worth.
PDF_PART_SIZE = 250


def print_urls(area):
    """Return the URLs of `area`'s print page, PDF and CSV (`area` a region or municipality)."""
    scope = "region" if isinstance(area, Region) else "municipality"
    names = {"page": "print", "pdf": "print_pdf", "csv": "csv"}
    return {
        what: reverse(f"directory:{scope}_{name}", kwargs={"slug": area.slug})
        for what, name in names.items()
    }


def _area(scope, slug):
    """Return the area, its region and its published actors (ended ones included)."""
    if scope == "region":
        region = get_object_or_404(Region, slug=slug)
        return region, region, Actor.objects.published().serving_regions([region])
    municipality = get_object_or_404(Municipality.objects.select_related("region"), slug=slug)
    actors = Actor.objects.published().serving_municipalities([municipality])
    return municipality, municipality.region, actors


def _print_context(request, scope, slug, *, qr=None, form=None):
    """Return the template context and whether the options were valid (`form`: the print
    options already read from the request, if any).

    Printed selections (`qr` set) are capped at MAX_PRINTED_ACTORS: a sheet of tens of
    thousands of entries helps nobody at a workshop table, and would take minutes and
    gigabytes to lay out. The CSV has no cap.
    """
    area, region, actors = _area(scope, slug)
    form = form or PrintOptionsForm(request.GET)
    context = {"area": area, "region": region, "form": form, "print_urls": print_urls(area)}
    if not form.is_valid():
        return context, False
    options = PrintOptions.from_form(form)
    if qr is not None:
        count = selected_actors(actors, options).count()
        if count > MAX_PRINTED_ACTORS:
            form.add_error(
                None,
                _(
                    "Valinnassa on %(count)s toimijaa, ja tulosteeseen mahtuu enintään "
                    "%(limit)s. Rajaa toimijatyypillä tai palvelulla, tai lataa CSV-tiedosto."
                )
                % {"count": count, "limit": MAX_PRINTED_ACTORS},
            )
            return context, False
    sheet = print_selection(actors, options, target_groups=qr is None)
    prepare_entries(sheet, request.build_absolute_uri, qr=qr)
    context.update(options=options, sheet=sheet)
    return context, True


def _invalid(request, context):
    # The print page itself explains what is wrong, next to the options to fix it.
    return render(request, TEMPLATE, context, status=400)


def _filename(slug, extension):
    return f"keko-{slug}-{timezone.localdate().isoformat()}.{extension}"


def print_page(request, slug, scope):
    context, valid = _print_context(request, scope, slug, qr="svg")
    if not valid:
        return _invalid(request, context)
    return render(request, TEMPLATE, context)


def print_pdf(request, slug, scope):
    # Rendering takes seconds for a large area, and organisers print the same selection again
    # and again: keep the PDF under the directory version, which any edit of published data
    # moves on (keko.cache). The key is the cleaned options, so that parameters the form does
    # not know, or the same ones in another order, find the same PDF; it is looked up before
    # the selection is queried.
    form = PrintOptionsForm(request.GET)
    key = None
    if form.is_valid():
        options = PrintOptions.from_form(form)
        key = directory_key("print-pdf", scope, slug, request.get_host(), options.cache_key())
    pdf = cache.get(key) if key else None
    if pdf is None:
        context, valid = _print_context(request, scope, slug, qr="pdf", form=form)
        if not valid:
            return _invalid(request, context)
        pdf = sheet_pdf(request, context).pdf
        cache.set(key, pdf, TIMEOUT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, _filename(slug, "pdf"))
    return response


def print_csv(request, slug, scope):
    context, valid = _print_context(request, scope, slug)
    if not valid:
        return _invalid(request, context)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, _filename(slug, "csv"))
    actors_csv(response, context["sheet"], context["options"])
    return response


def sheet_pdf(request, context):
    """Render the print sheet of `context` to PDF, in parts of PDF_PART_SIZE entries laid out
    side by side (keko.pdf). Returns a keko.pdf.Rendering."""
    parts = [
        render_to_string(TEMPLATE, {**context, "sheet": part, "for_pdf": True}, request)
        for part in sheet_parts(context["sheet"], PDF_PART_SIZE)
    ]

    def running_pages(numbers, total):
        running = {**context, "numbers": numbers, "total": total}
        return render_to_string(RUNNING_PAGES_TEMPLATE, running, request)

    with open(finders.find(STYLESHEET), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    return render_pdf(
        parts,
        stylesheet=css,
        running_pages=running_pages,
        base_url=request.build_absolute_uri("/"),
        processes=settings.PDF_PROCESSES,
    )
