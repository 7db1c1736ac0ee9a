"""The workshop print as the site lays it out: the selection for a request, its HTML sheet and
its PDF. The print views and the queued PDF renders (print_jobs.py) share it.

A print lists the published actors of a `scope`: a region's or a municipality's (`slug`), or
those of a selection of the actor list (LIST, by the list's own filter parameters).
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.staticfiles import finders
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from actors.models import Actor, Municipality, Region
from keko.pdf import render_pdf

from .filters import ActorDirectoryFilter
from .forms import ListPrintOptionsForm, PrintOptionsForm
from .printing import (
    PrintOptions,
    SelectionTooLarge,
    csv_lines,
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
# The scope of a print of the actor list's selection (the others: "region", "municipality").
LIST = "list"
# The list's parameters that do not change which actors it lists.
NOT_SELECTING = ("jarjestys", "page", "sivu")


@dataclass
class Selection:
    """What a print lists before its options, and what names it.

    `actors`: the published actors (ended and national ones included unless the list's
    filters left them out); `key`: the selection as text for the PDF's cache key; `name`:
    the running title; `filters`: the list's cleaned parameters, which its print form
    carries along; `notices`: the list's notices of values it dropped.
    """

    scope: str
    name: str
    heading: str
    key: str
    filename: str
    back_url: str
    urls: dict
    actors: object
    area: object = None
    region: object = None
    # Whether the national actors are listed after the others (an area's print).
    nationals_apart: bool = True
    # The area's actors that the checklist describes, if an area is chosen.
    checklist_actors: object = None
    filters: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    filterset: object = None

    @property
    def is_list(self):
        return self.scope == LIST

    @property
    def area_chosen(self):
        return self.checklist_actors is not None

    def options_form(self, data):
        """Return the print options form of this selection, bound to `data`."""
        if self.is_list:
            return ListPrintOptionsForm(data, area_chosen=self.area_chosen)
        return PrintOptionsForm(data)

    def read_options(self, data):
        """Return the print options form bound to `data` and, if it is valid, the
        PrintOptions it chose (adjust()ed); else None."""
        form = self.options_form(data)
        if not form.is_valid():
            return form, None
        return form, self.adjust(PrintOptions.from_form(form))

    def csv_lines(self, options, absolute_url):
        """Return the CSV of this selection with `options` (printing.csv_lines())."""
        return csv_lines(self.actors, options, absolute_url, nationals_apart=self.nationals_apart)

    def adjust(self, options):
        """Return `options` with what the list's filters chose already: whether ended and
        national actors are included (the list's `voimassa` and `valtakunnalliset`)."""
        if not self.is_list:
            return options
        data = self.filterset.form.cleaned_data
        options.include_ended = data.get("voimassa") == "0"
        options.national = data.get("valtakunnalliset") != "0"
        return options


def print_urls(area):
    """Return the URLs of `area`'s print page, PDF and CSV (`area` a region or municipality)."""
    scope = "region" if isinstance(area, Region) else "municipality"
    names = {"page": "print", "pdf": "print_pdf", "csv": "csv"}
    return {
        what: reverse(f"directory:{scope}_{name}", kwargs={"slug": area.slug})
        for what, name in names.items()
    }


LIST_URLS = {"page": "list_print", "pdf": "list_print_pdf", "csv": "list_csv"}


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


def load_selection(request, scope, slug):
    """Return the Selection of a print URL: an area's (`slug`), or the actor list's selection
    by the filter parameters of `request`."""
    if scope == LIST:
        return list_selection(request.GET)
    area, region, actors = area_actors(scope, slug)
    return Selection(
        scope=scope,
        name=area.name,
        heading=_("%(area)s: työllisyyttä edistävät toimijat") % {"area": area.name},
        key=slug,
        filename=slug,
        back_url=area.get_absolute_url(),
        urls=print_urls(area),
        actors=actors,
        area=area,
        region=region,
        checklist_actors=actors,
    )


def list_selection(query):
    """Return the Selection of the actor list's filters in `query` (a QueryDict): unknown
    values dropped with the list's notices, as on the list page."""
    filterset = ActorDirectoryFilter(query, queryset=Actor.objects.published())
    # Valid once the filterset has dropped what it does not know (ActorFilter); checked
    # here, as the list view does, so that the form has its cleaned values.
    filterset.form.is_valid()
    data = filterset.form.cleaned_data
    # The cleaned values in a fixed order, as the list's links write them.
    pairs = sorted(
        (name, value)
        for name, values in filterset.data.lists()
        if name in filterset.filters and name not in NOT_SELECTING
        for value in values
        if value
    )
    chosen = [str(option.label) for _name, option in filterset.selected()]
    if data.get("q"):
        chosen.insert(0, f"”{data['q']}”")
    if data.get("voimassa") == "0":
        chosen.append(_("myös päättyneet"))
    if data.get("valtakunnalliset") == "0":
        chosen.append(_("ilman valtakunnallisia"))
    name = _("Toimijat: %(selection)s") % {
        "selection": " · ".join(chosen) if chosen else _("kaikki")
    }
    checklist_actors = None
    if filterset.area_chosen():
        # The checklist describes the chosen areas, whatever else the list narrows by.
        area_filters = ("alue", "kunta", "valtakunnalliset", "voimassa")
        checklist_actors = filterset.filtered(
            **{filter_name: None for filter_name in data if filter_name not in area_filters}
        )
    list_url = reverse("directory:actors")
    shown = [pair for pair in pairs if pair != ("voimassa", "1")]
    return Selection(
        scope=LIST,
        name=name,
        heading=name,
        key=urlencode(pairs),
        filename="toimijat",
        back_url=f"{list_url}?{urlencode(shown)}" if shown else list_url,
        urls={what: reverse(f"directory:{name}") for what, name in LIST_URLS.items()},
        actors=filterset.qs,
        nationals_apart=filterset.nationals_listed_apart(),
        checklist_actors=checklist_actors,
        filters=shown,
        notices=filterset.notices,
        filterset=filterset,
    )


def print_context(request, scope, slug, *, qr=None, form=None, selection=None, count=None):
    """Return the template context and whether the options were valid (`form`: the print
    options already read from the request, `selection`: what load_selection() returned, and
    `count`: the size of the selection, if the caller has them already).

    Printed selections (`qr` set) are capped at MAX_PRINTED_ACTORS: a sheet of tens of
    thousands of entries helps nobody at a workshop table, and would take minutes and
    gigabytes to lay out. The CSV has no cap.
    """
    selection = selection or load_selection(request, scope, slug)
    actors = selection.actors
    form = form or selection.options_form(request.GET)
    context = {
        "selection": selection,
        "area": selection.area,
        "region": selection.region,
        "form": form,
        "print_urls": selection.urls,
    }
    if not form.is_valid():
        return context, False
    options = selection.adjust(PrintOptions.from_form(form))
    # Unless the caller has counted the selection (the PDF view, to choose between laying
    # out here and queueing), the entries are read with the cap: a row past it means too
    # many, and only then are they counted, for the message.
    too_many = qr is not None and count is not None and count > MAX_PRINTED_ACTORS
    if not too_many:
        try:
            sheet = print_selection(
                actors,
                options,
                nationals_apart=selection.nationals_apart,
                checklist_actors=selection.checklist_actors,
                region=selection.region,
                limit=MAX_PRINTED_ACTORS if qr is not None and count is None else None,
            )
        except SelectionTooLarge:
            too_many = True
    if too_many:
        form.add_error(
            None,
            _(
                "Valinnassa on %(count)s toimijaa, ja tulosteeseen mahtuu enintään "
                "%(limit)s. Rajaa toimijatyypillä tai palvelulla, tai lataa CSV-tiedosto."
            )
            % {
                "count": count or selected_actors(actors, options).count(),
                "limit": MAX_PRINTED_ACTORS,
            },
        )
        return context, False
    prepare_entries(sheet, request.build_absolute_uri, qr=qr, compact=options.compact)
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
