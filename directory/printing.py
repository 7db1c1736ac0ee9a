"""What a workshop print of an area's actors contains: the selection, the checklist and the CSV.

Every function runs a fixed number of queries whatever the number of actors.
"""

import csv
from dataclasses import dataclass, field, replace
from itertools import groupby

from django.db.models import Prefetch
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from actors.models import Actor, ActorKind, Contact
from keko import qr as qr_codes
from keko.spreadsheets import as_text_cell

from .areas import NATIONAL, KindGroup, checklist


@dataclass
class PrintOptions:
    """The cleaned choices of PrintOptionsForm."""

    kinds: list = field(default_factory=list)
    services: list = field(default_factory=list)
    contacts: bool = False
    include_ended: bool = False
    checklist: bool = False
    # National actors serve every area: listed after the area's own unless left out.
    national: bool = True

    @property
    def kind_labels(self):
        labels = dict(ActorKind.choices)
        return [labels[kind] for kind in self.kinds]

    def cache_key(self):
        """Return the options as text that is the same for the same selection."""
        services = sorted(service.slug for service in self.services)
        flags = (self.contacts, self.include_ended, self.checklist, self.national)
        return f"{sorted(self.kinds)}:{services}:{flags}"

    @classmethod
    def from_form(cls, form):
        data = form.cleaned_data
        return cls(
            kinds=list(data.get("tyyppi") or []),
            services=list(data.get("palvelu") or []),
            contacts=data.get("yhteystiedot", False),
            include_ended=data.get("paattyneet", False),
            checklist=data.get("tarkistuslista", False),
            national=data.get("valtakunnalliset", True),
        )


@dataclass
class PrintSheet:
    """An area's actors grouped by kind, and the checklist when asked for.

    A sheet may be one of the parts of a longer one (sheet_parts): the first part carries
    the heading, the last one the source line.
    """

    groups: list
    total: int
    checklist: list
    printed_on: object
    first_part: bool = True
    last_part: bool = True


def sheet_parts(sheet, size):
    """Split `sheet` into sheets of `size` entries (the last one fewer), in order, for laying
    out side by side (keko.pdf). Each part starts a page.

    A kind may run over into the next part; its heading is repeated there, marked
    `continued`. The checklist is a part of its own when the entries take more than one, and
    stays with them otherwise, so that a short sheet is laid out in one go.
    """
    entries = [(group, actor) for group in sheet.groups for actor in group.actors]
    parts = []
    for start in range(0, max(len(entries), 1), size):
        groups = []
        for _kind, run in groupby(entries[start : start + size], key=lambda e: e[0].kind):
            run = list(run)
            group, actors = run[0][0], [actor for _group, actor in run]
            groups.append(replace(group, actors=actors, continued=actors[0] is not group.actors[0]))
        parts.append(replace(sheet, groups=groups, checklist=[]))
    if len(parts) == 1:
        parts = [sheet]
    elif sheet.checklist:
        parts.append(replace(sheet, groups=[]))
    for number, part in enumerate(parts):
        part.first_part = number == 0
        part.last_part = number == len(parts) - 1
    return parts


def area_actors(actors, options):
    """Return the area's `actors` (which include the national ones) that are active, unless
    ended ones were asked for too, and without the national ones if they were left out."""
    actors = actors if options.include_ended else actors.active()
    return actors if options.national else actors.filter(is_national=False)


def selected_actors(actors, options, *, target_groups=False):
    """Return `actors` narrowed to the chosen kinds and services, with what an entry shows.

    Contacts are prefetched only when asked for, and then only the public ones. The names
    of services and target groups (`target_groups`: the CSV has a column for them, the print
    does not) are attached by print_selection().
    """
    actors = area_actors(actors, options)
    if options.kinds:
        actors = actors.filter(kind__in=options.kinds)
    if options.services:
        actors = actors.linked_to_any("services", options.services)
    # Services and target groups are read by attach_names() in one query each: a prefetch
    # builds a queryset per actor, which costs more than the query with 2 000 actors.
    prefetches = []
    if options.contacts:
        prefetches.append(
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(public=True).select_related("role"),
                to_attr="public_contacts",
            )
        )
    # The area's own actors by kind, then the national ones (print_selection splits them).
    return (
        actors.select_related("municipality")
        .prefetch_related(*prefetches)
        .order_by("is_national", "kind", "name", "pk")
    )


def national_group(actors):
    """The national actors of a print, after the area's own: one group of every kind."""
    return KindGroup(NATIONAL, _("Valtakunnalliset toimijat"), len(actors), actors, national=True)


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


def attach_names(actors, field_name, attribute):
    """Set `attribute` of each of `actors` to the names of its linked `field_name` entries
    (services, target groups), sorted: one query for all of them."""
    field = Actor._meta.get_field(field_name)
    through = field.remote_field.through
    names = {actor.pk: [] for actor in actors}
    links = through.objects.filter(**{f"{field.m2m_field_name()}__in": list(names)})
    target = field.m2m_reverse_field_name()
    for actor_id, name in links.values_list(field.m2m_column_name(), f"{target}__name").order_by(
        f"{target}__name"
    ):
        names[actor_id].append(name)
    for actor in actors:
        setattr(actor, attribute, names[actor.pk])


def print_selection(actors, options, *, target_groups=False):
    """Build the print sheet of the published `actors` of an area according to `options`."""
    entries = list(selected_actors(actors, options, target_groups=target_groups))
    attach_names(entries, "services", "service_names")
    if target_groups:
        attach_names(entries, "target_groups", "target_group_names")
    groups = group_by_kind([actor for actor in entries if not actor.is_national])
    national = [actor for actor in entries if actor.is_national]
    if national:
        groups.append(national_group(national))
    return PrintSheet(
        groups=groups,
        total=sum(group.count for group in groups),
        checklist=print_checklist(actors, options) if options.checklist else [],
        printed_on=timezone.localdate(),
    )


def qr_svg(url):
    """A QR code of `url` as inline SVG: inline rather than a data: URI, so that a
    Content-Security-Policy restricting images does not hide it in browsers."""
    # Markup generated by segno from the code's modules only; the URL is not in it as text.
    return mark_safe(qr_codes.qr_svg(url))


def qr_img(url):
    """A QR code of `url` for the PDF, drawn where the PDF is laid out (keko.pdf_render)."""
    return format_html('<img class="qr-code" src="{}{}" alt="">', qr_codes.QR_SCHEME, url)


QR_FORMATS = {"svg": qr_svg, "pdf": qr_img}


def prepare_entries(sheet, absolute_url, *, qr=None):
    """Give every listed actor what its entry shows beyond its fields.

    `live_url`: the absolute URL of its live page (`absolute_url(path)` is e.g.
    request.build_absolute_uri). For a printed sheet, where `qr` names the format of the QR
    codes ("svg" for the page, "pdf" for the PDF), also `qr_code`, a QR code of it, and
    `entry_lines`, the lines under its name; the CSV (no `qr`) has columns instead.
    """
    make_qr = QR_FORMATS.get(qr)
    for group in sheet.groups:
        for actor in group.actors:
            actor.live_url = absolute_url(actor.get_absolute_url())
            if make_qr:
                actor.qr_code = make_qr(actor.live_url)
                actor.entry_lines = entry_lines(actor)


def entry_lines(actor):
    """The lines of an actor's printed entry under its name: where, what it offers, how to
    reach it. Each line is a list of (label, text) items; missing ones are left out, and so
    is a line with none."""
    town = actor.municipality.name_fi if actor.municipality else ""
    # Listed apart from its kind in a print, a national actor names its kind itself.
    national = f"{actor.get_kind_display()}, {_('valtakunnallinen')}" if actor.is_national else ""
    ended = dateformat.format(actor.active_until, "j.n.Y") if actor.has_ended else ""
    services = ", ".join(_names(actor, "services", "service_names"))
    website = actor.website.removeprefix("https://").removeprefix("http://")
    if actor.verified_on:
        verified = _("Tarkistettu %(date)s") % {
            "date": dateformat.format(actor.verified_on, "j.n.Y")
        }
    else:
        verified = _("Tarkistuspäivä ei tiedossa")
    lines = [
        [
            ("", town if town != actor.name else ""),
            ("", national),
            (_("Päättynyt"), ended),
            (_("Tarjoaa:"), services),
        ],
        [(_("S-posti"), actor.email), (_("Puh."), actor.phone), (_("Verkossa"), website)],
        [(_("Osoite"), _address(actor)), ("", verified)],
    ]
    lines = [[(label, text) for label, text in line if text] for line in lines]
    return [line for line in lines if line]


def _names(actor, field_name, attribute):
    """The names attach_names() set on `actor`, or else those of its linked entries."""
    if hasattr(actor, attribute):
        return getattr(actor, attribute)
    return [entry.name for entry in getattr(actor, field_name).all()]


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
        _("valtakunnallinen"),
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
    column is the entry's live URL set by prepare_entries().
    """
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(csv_header(options))
    for group in sheet.groups:
        for actor in group.actors:
            row = [
                actor.name,
                actor.get_kind_display(),
                actor.municipality.name_fi if actor.municipality else "",
                _("kyllä") if actor.is_national else "",
                ", ".join(_names(actor, "services", "service_names")),
                ", ".join(_names(actor, "target_groups", "target_group_names")),
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
            writer.writerow([as_text_cell(value) for value in row])
