"""What a workshop print of an area's actors contains: the selection, the checklist and the CSV.

Every function runs a fixed number of queries whatever the number of actors.
"""

import base64
import csv
import functools
import io
import re
from dataclasses import dataclass, field

import segno
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .directory import KindGroup, checklist
from .models import Actor, ActorKind, Contact


@dataclass
class PrintOptions:
    """The cleaned choices of PrintOptionsForm."""

    kinds: list = field(default_factory=list)
    services: list = field(default_factory=list)
    contacts: bool = False
    include_ended: bool = False
    checklist: bool = False

    @property
    def kind_labels(self):
        labels = dict(ActorKind.choices)
        return [labels[kind] for kind in self.kinds]

    @classmethod
    def from_form(cls, form):
        data = form.cleaned_data
        return cls(
            kinds=list(data.get("tyyppi") or []),
            services=list(data.get("palvelu") or []),
            contacts=data.get("yhteystiedot", False),
            include_ended=data.get("paattyneet", False),
            checklist=data.get("tarkistuslista", False),
        )


@dataclass
class PrintSheet:
    """An area's actors grouped by kind, and the checklist when asked for."""

    groups: list
    total: int
    checklist: list
    printed_on: object


def area_actors(actors, options):
    """Return the area's `actors` that are active, unless ended ones were asked for too."""
    return actors if options.include_ended else actors.active()


def selected_actors(actors, options, *, target_groups=False):
    """Return `actors` narrowed to the chosen kinds and services, with what an entry shows.

    Contacts are prefetched only when asked for, and then only the public ones; target
    groups only when `target_groups` (the CSV has a column for them, the print does not).
    """
    actors = area_actors(actors, options)
    if options.kinds:
        actors = actors.filter(kind__in=options.kinds)
    if options.services:
        # A subquery rather than a join, so that an actor offering two chosen services
        # is listed once without DISTINCT.
        offering = Actor.services.through.objects.filter(servicetype__in=options.services)
        actors = actors.filter(pk__in=offering.values("actor_id"))
    prefetches = ["services", "target_groups"] if target_groups else ["services"]
    if options.contacts:
        prefetches.append(
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(public=True).select_related("role"),
                to_attr="public_contacts",
            )
        )
    return (
        actors.select_related("municipality")
        .prefetch_related(*prefetches)
        .order_by("kind", "name", "pk")
    )


def group_by_kind(actors):
    """Group an iterable of actors (ordered by name within a kind) in the order of ActorKind.

    Returns KindGroups holding every actor of the kind, so that directory.checklist lists
    them all rather than the first few an area page shows.
    """
    by_kind = {}
    for actor in actors:
        by_kind.setdefault(actor.kind, []).append(actor)
    return [
        KindGroup(kind, label, len(by_kind[kind]), by_kind[kind])
        for kind, label in ActorKind.choices
        if kind in by_kind
    ]


def print_checklist(actors, options):
    """Return the handbook's checklist for the area, each role with all the actors filling it.

    The checklist describes the whole area, so it is not narrowed by the chosen kinds or
    services. Three queries: the area's actors, the public contacts with a checklist role,
    and the roles.
    """
    area = area_actors(actors, options)
    groups = group_by_kind(area.only("pk", "name", "slug", "kind").order_by("name", "pk"))
    return checklist(groups, area)


def print_selection(actors, options, *, target_groups=False):
    """Build the print sheet of the published `actors` of an area according to `options`."""
    groups = group_by_kind(selected_actors(actors, options, target_groups=target_groups))
    return PrintSheet(
        groups=groups,
        total=sum(group.count for group in groups),
        checklist=print_checklist(actors, options) if options.checklist else [],
        printed_on=timezone.localdate(),
    )


# A fixed mask pattern: choosing the best of eight is most of the encoding time, and any of
# them scans; a print of 2 000 entries encodes 2 000 codes.
MASK = 2


# Encoding takes a few milliseconds per code and the same areas are printed again and again;
# a few kilobytes per code, so the caches stay within a few megabytes.
@functools.lru_cache(maxsize=2048)
def qr_svg(url):
    """Return a QR code of `url` as inline SVG markup, black on white.

    Inline rather than a data: URI so that a Content-Security-Policy restricting images does
    not hide it in browsers.
    """
    svg = segno.make(url, error="m", micro=False, mask=MASK).svg_inline(
        border=2, omitsize=True, dark="#000", light="#fff", svgclass="qr-code", lineclass=None
    )
    # Markup generated by segno from the code's modules only; the URL is not in it as text.
    return mark_safe(svg)


@functools.lru_cache(maxsize=4096)
def qr_png_img(url):
    """Return a QR code of `url` as an <img> with a one-pixel-per-module PNG data URI.

    For the PDF: WeasyPrint places a small image much faster than it draws an SVG path, and
    the PDF stays smaller. CSS scales it up with crisp edges.
    """
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False, mask=MASK).save(buffer, kind="png", scale=1, border=2)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return format_html('<img class="qr-code" src="data:image/png;base64,{}" alt="">', data)


QR_FORMATS = {"svg": qr_svg, "png": qr_png_img}


def add_links(sheet, absolute_url, *, qr=None):
    """Give every listed actor its absolute live URL (`live_url`) and, when `qr` names a
    format ("svg" for the page, "png" for the PDF), a QR code of it (`qr_code`);
    `absolute_url(path)` is e.g. request.build_absolute_uri."""
    make_qr = QR_FORMATS.get(qr)
    for group in sheet.groups:
        for actor in group.first:
            actor.live_url = absolute_url(actor.get_absolute_url())
            if make_qr:
                actor.qr_code = make_qr(actor.live_url)


# A spreadsheet runs a cell starting with one of these as a formula; phone numbers starting
# with "+" are left alone.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE = re.compile(r"^\+?[\d\s()/-]+$")


def _cell(value):
    value = "" if value is None else str(value)
    if value.startswith(_FORMULA_START) and not _PHONE.match(value):
        return "'" + value
    return value


def _address(actor):
    place = " ".join(part for part in (actor.postal_code, actor.post_office) if part)
    return ", ".join(part for part in (actor.street_address, place) if part)


def _contact_text(contact):
    details = [contact.title, contact.role.name]
    text = contact.name or contact.role.name
    extra = ", ".join(d for d in details if d and d != text)
    parts = [f"{text} ({extra})" if extra else text, contact.email, contact.phone]
    return ", ".join(p for p in parts if p)


def csv_header(options):
    header = [
        _("nimi"),
        _("tyyppi"),
        _("kotikunta"),
        _("palvelut"),
        _("kohderyhmät"),
        _("verkkosivut"),
        _("sähköposti"),
        _("puhelin"),
        _("osoite"),
    ]
    if options.contacts:
        header.append(_("yhteyshenkilöt"))
    return header + [_("tarkistettu"), _("linkki")]


def actors_csv(out, sheet, options):
    """Write the actors of `sheet` to the text stream `out` as a spreadsheet-friendly CSV.

    UTF-8 with a byte order mark and `;` between fields, as Finnish Excel expects. The last
    column is the entry's live URL set by add_links().
    """
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(csv_header(options))
    for group in sheet.groups:
        for actor in group.first:
            row = [
                actor.name,
                group.label,
                actor.municipality.name_fi if actor.municipality else "",
                ", ".join(service.name for service in actor.services.all()),
                ", ".join(target.name for target in actor.target_groups.all()),
                actor.website,
                actor.email,
                actor.phone,
                _address(actor),
            ]
            if options.contacts:
                row.append("; ".join(_contact_text(c) for c in actor.public_contacts))
            row += [
                actor.verified_on.isoformat() if actor.verified_on else "",
                actor.live_url,
            ]
            writer.writerow([_cell(value) for value in row])
