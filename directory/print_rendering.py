"""The workshop print of an area's actors as the site lays it out: the selection for a request,
its HTML sheet and its PDF. The print views and the queued PDF renders (print_jobs.py) share it.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from actors.models import Actor, Municipality, Region
from keko.pdf import render_pdf

from .forms import PrintOptionsForm
from .printing import PrintOptions, prepare_entries, print_selection, selected_actors, sheet_parts

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


def area_actors(scope, slug):
    """Return the area, its region and its published actors (ended ones included), the
    national ones too: they serve every area (printing.area_actors may leave them out)."""
    published = Actor.objects.published()
    if scope == "region":
        region = get_object_or_404(Region, slug=slug)
        return region, region, published.serving_regions([region], national=True)
    municipality = get_object_or_404(Municipality.objects.select_related("region"), slug=slug)
    actors = published.serving_municipalities([municipality], national=True)
    return municipality, municipality.region, actors


def print_context(request, scope, slug, *, qr=None, form=None, selection=None, count=None):
    """Return the template context and whether the options were valid (`form`: the print
    options already read from the request, `selection`: what area_actors() returned, and
    `count`: the size of the selection, if the caller has them already).

    Printed selections (`qr` set) are capped at MAX_PRINTED_ACTORS: a sheet of tens of
    thousands of entries helps nobody at a workshop table, and would take minutes and
    gigabytes to lay out. The CSV has no cap.
    """
    area, region, actors = selection or area_actors(scope, slug)
    form = form or PrintOptionsForm(request.GET)
    context = {"area": area, "region": region, "form": form, "print_urls": print_urls(area)}
    if not form.is_valid():
        return context, False
    options = PrintOptions.from_form(form)
    if qr is not None:
        if count is None:
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


def sheet_pdf(request, context, *, timeout=None):
    """Render the print sheet of `context` to PDF, in parts of PDF_PART_SIZE entries laid out
    side by side (keko.pdf), by `timeout` seconds if given. Returns a keko.pdf.Rendering."""
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
        timeout=timeout,
    )
