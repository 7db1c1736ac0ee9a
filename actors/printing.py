"""What a workshop print of an area's actors contains: the selection, the checklist and the CSV.

Every function runs a fixed number of queries whatever the number of actors.
"""

import csv
import re
from dataclasses import dataclass, field

import segno
from django.db.models import Prefetch
from django.utils import timezone
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


def selected_actors(actors, options):
    """Return `actors` narrowed to the chosen kinds and services, with what an entry shows.

    Contacts are prefetched only when asked for, and then only the public ones.
    """
    actors = area_actors(actors, options)
    if options.kinds:
        actors = actors.filter(kind__in=options.kinds)
    if options.services:
        # A subquery rather than a join, so that an actor offering two chosen services
        # is listed once without DISTINCT.
        offering = Actor.services.through.objects.filter(servicetype__in=options.services)
        actors = actors.filter(pk__in=offering.values("actor_id"))
    prefetches = ["services", "target_groups"]
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


def print_selection(actors, options):
    """Build the print sheet of the published `actors` of an area according to `options`."""
    groups = group_by_kind(selected_actors(actors, options))
    return PrintSheet(
        groups=groups,
        total=sum(group.count for group in groups),
        checklist=print_checklist(actors, options) if options.checklist else [],
        printed_on=timezone.localdate(),
    )


def qr_data_uri(url):
    """Return a QR code of `url` as an SVG data URI, black on white, for screen and WeasyPrint."""
    return segno.make(url, error="m", micro=False).svg_data_uri(
        border=2, omitsize=True, dark="#000", light="#fff"
    )


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


def actors_csv(out, sheet, options, *, absolute_url):
    """Write the actors of `sheet` to the text stream `out` as a spreadsheet-friendly CSV.

    UTF-8 with a byte order mark and `;` between fields, as Finnish Excel expects;
    `absolute_url(path)` turns an entry's path into the link written in the last column.
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
                absolute_url(actor.get_absolute_url()),
            ]
            writer.writerow([_cell(value) for value in row])
