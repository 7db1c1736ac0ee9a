"""What a workshop print of actors contains: the selection, the checklist, the workshop pack
and the CSV.

Every function runs a fixed number of queries whatever the number of actors.
"""

import csv
import unicodedata
from dataclasses import dataclass, field, replace
from html import escape
from itertools import groupby

from django.conf import settings
from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from actors.models import Actor, ActorKind, Contact
from keko import qr as qr_codes
from keko.markup import finnish_date, slug_urls
from keko.search import AnyOf
from keko.spreadsheets import as_text_cell
from practices.models import Practice

from .areas import NATIONAL, KindGroup, actor_rows, checklist

# The layouts of a print (`asettelu`): full entries, or compact ones of two lines.
FULL, COMPACT = "taysi", "tiivis"
# A short description is the first sentence of the actor's description, at most this long.
SHORT_DESCRIPTION_CHARS = 160
# The workshop pack's table of new actors to fill in by hand: this many empty rows.
BLANK_ROWS = 10
# The workshop pack lists this many of the region's good practices, on the same page.
PACK_PRACTICES = 8
# The many-to-many fields whose names an entry shows: the attribute attach_names() sets.
NAMED_LINKS = {"services": "service_names", "target_groups": "target_group_names"}
# Actors read and written at a time by csv_lines(): a CSV of a region or of the whole list is
# sent a part at a time (the whole list's 100 000 rows, made at once, took 665 MB and 7.3 s
# before its first byte).
CSV_PART = 1000


@dataclass
class PrintOptions:
    """The cleaned choices of PrintOptionsForm."""

    kinds: list = field(default_factory=list)
    services: list = field(default_factory=list)
    target_groups: list = field(default_factory=list)
    contacts: bool = False
    include_ended: bool = False
    checklist: bool = False
    # National actors serve every area: listed after the area's own unless left out.
    national: bool = True
    layout: str = FULL
    workshop_pack: bool = False

    @property
    def compact(self):
        return self.layout == COMPACT

    @property
    def kind_labels(self):
        labels = dict(ActorKind.choices)
        return [labels[kind] for kind in self.kinds]

    def cache_key(self):
        """Return the options as text that is the same for the same selection."""
        services = sorted(service.slug for service in self.services)
        target_groups = sorted(group.slug for group in self.target_groups)
        flags = (self.contacts, self.include_ended, self.checklist, self.national)
        pack = (self.layout, self.workshop_pack)
        return f"{sorted(self.kinds)}:{services}:{target_groups}:{flags}:{pack}"

    @classmethod
    def from_form(cls, form):
        data = form.cleaned_data
        return cls(
            kinds=list(data.get("tyyppi") or []),
            services=list(data.get("palvelu") or []),
            target_groups=list(data.get("kohderyhma") or []),
            contacts=data.get("yhteystiedot", False),
            include_ended=data.get("paattyneet", False),
            checklist=data.get("tarkistuslista", False),
            national=data.get("valtakunnalliset", True),
            layout=data.get("asettelu") or FULL,
            workshop_pack=data.get("tyopajapaketti", False),
        )


@dataclass
class PrintSheet:
    """Actors grouped by kind, the checklist when asked for, and the rest of the workshop
    pack (`practices`: the region's good practices) when that was asked for.

    A sheet may be one of the parts of a longer one (sheet_parts): the first part carries
    the heading, the last one the checklist, the pack and the source line.
    """

    groups: list
    total: int
    checklist: list
    printed_on: object
    first_part: bool = True
    last_part: bool = True
    workshop_pack: bool = False
    practices: list = field(default_factory=list)

    @property
    def blank_rows(self):
        return range(BLANK_ROWS) if self.workshop_pack else range(0)


def sheet_parts(sheet, size):
    """Split `sheet` into sheets of `size` entries (the last one fewer), in order, for laying
    out side by side (keko.pdf). Each part starts a page.

    A kind may run over into the next part; its heading is repeated there, marked
    `continued`. The checklist and the workshop pack are a part of their own when the entries
    take more than one, and stay with them otherwise, so that a short sheet is laid out in
    one go.
    """
    entries = [(group, actor) for group in sheet.groups for actor in group.actors]
    parts = []
    for start in range(0, max(len(entries), 1), size):
        groups = []
        for _kind, run in groupby(entries[start : start + size], key=lambda e: e[0].kind):
            run = list(run)
            group, actors = run[0][0], [actor for _group, actor in run]
            groups.append(replace(group, actors=actors, continued=actors[0] is not group.actors[0]))
        parts.append(replace(sheet, groups=groups, checklist=[], workshop_pack=False, practices=[]))
    if len(parts) == 1:
        parts = [sheet]
    elif sheet.checklist or sheet.workshop_pack:
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


def selected_actors(actors, options):
    """Return `actors` narrowed to the chosen kinds, services and target groups, in the order
    a print lists them: the area's own actors by kind and name, then the national ones
    (print_selection splits them)."""
    actors = area_actors(actors, options)
    if options.kinds:
        actors = actors.of_kinds(options.kinds)
    if options.services:
        actors = actors.linked_to_any("services", options.services)
    if options.target_groups:
        actors = actors.linked_to_any("target_groups", options.target_groups)
    return actors.order_by("is_national", "kind", "name", "pk")


class SelectionTooLarge(Exception):
    """The selection has more actors than a print may list."""


def print_entries(actors, options, *, limit=None):
    """Return the selected actors (selected_actors()) with what an entry shows, or raise
    SelectionTooLarge if there are more than `limit` of them.

    The entries are PrintedActors (Actor.objects.for_print()). The limit is checked by
    reading one row more than it, in the query that reads the entries, rather than by
    counting the selection first. Contacts are read only when asked for (never in the
    compact layout), and then only the public ones; the names of services and target groups
    are attached in one query (attach_names()): a prefetch builds a queryset per actor, which
    costs more than the query with 2 000 actors.
    """
    rows = selected_actors(actors, options).for_print()
    entries = list(rows if limit is None else rows[: limit + 1])
    if limit is not None and len(entries) > limit:
        raise SelectionTooLarge
    complete_entries(entries, options)
    return entries


def complete_entries(entries, options):
    """Give `entries` (PrintedActors) their public contacts if asked for, and the names of
    their services and target groups: two queries at most."""
    if options.contacts and not options.compact:
        attach_public_contacts(entries)
    attach_names(entries, NAMED_LINKS)


def attach_public_contacts(actors):
    """Set the `public_contacts` of each of `actors` to its public contacts with their roles,
    in the contacts' own order (by role, then name): one query for all of them."""
    contacts = {actor.pk: [] for actor in actors}
    public = Contact.objects.filter(AnyOf(F("actor_id"), list(contacts)), public=True)
    for contact in public.select_related("role"):
        contacts[contact.actor_id].append(contact)
    for actor in actors:
        actor.public_contacts = contacts[actor.pk]


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
    services. Three queries: the area's actors (ActorRows), the public contacts with a
    checklist role, and the roles.
    """
    area = area_actors(actors, options)
    groups = group_by_kind(actor_rows(area.order_by("name", "pk")))
    return checklist(groups, area)


def name_in_language(model, lookup):
    """The name of `model`, reached by `lookup` ("servicetype"), in the active language, or
    the Finnish one where it has none: the original `name` column holds the Finnish name,
    `name_sv` and `name_en` (django-modeltranslation) the others, empty if untranslated."""
    column = f"name_{translation.get_language()}"
    finnish = F(f"{lookup}__name")
    translated = {field.name for field in model._meta.get_fields()}
    if column == f"name_{settings.LANGUAGE_CODE}" or column not in translated:
        return finnish
    return Coalesce(NullIf(F(f"{lookup}__{column}"), Value("")), finnish)


def attach_names(actors, attributes):
    """Set each attribute of `attributes` ({many-to-many field name: attribute}) of each of
    `actors` to the names of its linked entries (services, target groups) in the active
    language, sorted: one query for all of them, a UNION of the link tables."""
    names = {attribute: {actor.pk: [] for actor in actors} for attribute in attributes.values()}
    pks = [actor.pk for actor in actors]
    links = []
    for field_name, attribute in attributes.items():
        field = Actor._meta.get_field(field_name)
        target = field.m2m_reverse_field_name()
        links.append(
            field.remote_field.through.objects.filter(AnyOf(F(field.m2m_field_name()), pks))
            .order_by()
            .values_list(
                field.m2m_column_name(),
                name_in_language(field.related_model, target),
                Value(attribute, CharField()),
            )
        )
    rows = links[0].union(*links[1:], all=True) if len(links) > 1 else links[0]
    for actor_id, name, attribute in sorted(rows, key=lambda row: row[1]):
        names[attribute][actor_id].append(name)
    for actor in actors:
        for attribute in attributes.values():
            setattr(actor, attribute, names[attribute][actor.pk])


def print_selection(
    actors, options, *, nationals_apart=True, checklist_actors=None, region=None, limit=None
):
    """Build the print sheet of the published `actors` according to `options`.

    `nationals_apart`: the national actors are listed after the others, in a group of their
    own (an area's print), rather than by kind among them. `checklist_actors`: the area's
    actors the checklist describes (default: `actors`); `region`: whose good practices the
    workshop pack lists. Raises SelectionTooLarge if more than `limit` actors are selected.
    """
    entries = print_entries(actors, options, limit=limit)
    if nationals_apart:
        groups = group_by_kind([actor for actor in entries if not actor.is_national])
        national = [actor for actor in entries if actor.is_national]
        if national:
            groups.append(national_group(national))
    else:
        groups = group_by_kind(entries)
    area = actors if checklist_actors is None else checklist_actors
    return PrintSheet(
        groups=groups,
        total=sum(group.count for group in groups),
        checklist=print_checklist(area, options)
        if options.checklist or options.workshop_pack
        else [],
        printed_on=timezone.localdate(),
        workshop_pack=options.workshop_pack,
        practices=region_practices(region) if options.workshop_pack and region else [],
    )


def region_practices(region):
    """Return the first PACK_PRACTICES published good practices of `region` (one query)."""
    return list(
        Practice.objects.published()
        .filter(regions=region)
        .only("title", "slug", "summary")
        .order_by("title", "pk")[:PACK_PRACTICES]
    )


def short_description(text):
    """Return the first sentence of `text`, cut to SHORT_DESCRIPTION_CHARS characters."""
    text = " ".join(text.split())
    for end in (". ", "! ", "? "):
        if end in text:
            text = text[: text.index(end) + 1]
    # Most first sentences fit: Truncator counts a text's characters one by one in Python.
    text = unicodedata.normalize("NFC", text)
    if len(text) <= SHORT_DESCRIPTION_CHARS:
        return text
    return Truncator(text).chars(SHORT_DESCRIPTION_CHARS)


def qr_svg(url):
    """A QR code of `url` as inline SVG: inline rather than a data: URI, so that a
    Content-Security-Policy restricting images does not hide it in browsers."""
    # Markup drawn from the code's modules only (keko.qr); the URL is not in it as text.
    return mark_safe(qr_codes.qr_svg(url))


def qr_img(url):
    """A QR code of `url` for the PDF, drawn where the PDF is laid out (keko.pdf_render)."""
    return format_html('<img class="qr-code" src="{}{}" alt="">', qr_codes.QR_SCHEME, url)


QR_FORMATS = {"svg": qr_svg, "pdf": qr_img}


def prepare_entries(sheet, absolute_url, *, qr=None, compact=False):
    """Give every listed actor what its entry shows beyond its fields.

    `live_url`: the absolute URL of its live page (`absolute_url(path)` is e.g.
    request.build_absolute_uri). For a printed sheet, where `qr` names the format of the QR
    codes ("svg" for the page, "pdf" for the PDF), also `qr_code`, a QR code of it, and
    `entry_html`, the lines under its name (`compact`: one line) as paragraphs; the CSV (no
    `qr`) has columns instead. The workshop pack's practices get their `live_url` too.
    """
    make_qr = QR_FORMATS.get(qr)
    lines = compact_lines if compact else entry_lines
    labels = entry_labels()
    # One reverse() and one absolute URL for the thousands of entries.
    actor_path, site = slug_urls("directory:actor"), absolute_url("/").removesuffix("/")
    for group in sheet.groups:
        for actor in group.actors:
            actor.live_url = site + actor_path(actor.slug)
            if make_qr:
                actor.qr_code = make_qr(actor.live_url)
                actor.entry_html = lines_html(lines(actor, labels))
    for practice in sheet.practices:
        practice.live_url = absolute_url(practice.get_absolute_url())
        practice.short_summary = short_description(practice.summary)


def lines_html(lines):
    """The paragraphs of an entry's `lines` (entry_lines()), each line's items joined by
    " · ", escaped. Plain text in, so escaped as format_html() would, without its cost per
    item: a print of 2 000 entries has some 20 000 items."""
    return mark_safe(  # noqa: S308 - every text escaped here
        "".join(
            "<p>"
            + " · ".join(
                f"{escape(label)} {escape(text)}" if label else escape(text) for label, text in line
            )
            + "</p>"
            for line in lines
        )
    )


def entry_labels():
    """The labels of an entry's lines in the active language, translated once for the
    thousands of entries of a print rather than for each."""
    return {
        "national": _("valtakunnallinen"),
        "ended": _("Päättynyt"),
        "offers": _("Tarjoaa:"),
        "for": _("Kenelle:"),
        "email": _("S-posti"),
        "phone": _("Puh."),
        "online": _("Verkossa"),
        "address": _("Osoite"),
        "verified": _("Tarkistettu %(date)s"),
        "not_verified": _("Tarkistuspäivä ei tiedossa"),
    }


def compact_lines(actor, labels=None):
    """The one line of an actor's compact entry under its name: kind, town, phone, e-mail
    (`labels`: entry_labels(), if the caller has them)."""
    labels = labels or entry_labels()
    town = actor.municipality.name if actor.municipality else ""
    kind = actor.get_kind_display()
    if actor.is_national:
        kind = f"{kind}, {labels['national']}"
    items = [("", kind), ("", town), (labels["phone"], actor.phone), ("", actor.email)]
    line = [(label, text) for label, text in items if text]
    return [line] if line else []


def entry_lines(actor, labels=None):
    """The lines of an actor's printed entry under its name: what it does, where, what it
    offers and to whom, how to reach it (`labels`: entry_labels(), if the caller has them).
    Each line is a list of (label, text) items; missing ones are left out, and so is a line
    with none."""
    labels = labels or entry_labels()
    town = actor.municipality.name if actor.municipality else ""
    # Listed apart from its kind in a print, a national actor names its kind itself.
    national = f"{actor.get_kind_display()}, {labels['national']}" if actor.is_national else ""
    ended = finnish_date(actor.active_until) if actor.has_ended else ""
    services = ", ".join(_names(actor, "services", "service_names"))
    target_groups = ", ".join(_names(actor, "target_groups", "target_group_names"))
    website = actor.website.removeprefix("https://").removeprefix("http://")
    if actor.verified_on:
        verified = labels["verified"] % {"date": finnish_date(actor.verified_on)}
    else:
        verified = labels["not_verified"]
    lines = [
        [("", short_description(actor.description))],
        [
            ("", town if town != actor.name else ""),
            ("", national),
            (labels["ended"], ended),
            (labels["offers"], services),
        ],
        [(labels["for"], target_groups)],
        [
            (labels["email"], actor.email),
            (labels["phone"], actor.phone),
            (labels["online"], website),
        ],
        [(labels["address"], _address(actor)), ("", verified)],
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


def csv_lines(actors, options, absolute_url, *, nationals_apart=True):
    """Return the CSV of the selected actors (selected_actors()), in the order of their print
    (print_selection()), as an iterator of text a part of CSV_PART actors at a time: for a
    streamed response, which never holds the whole selection.

    UTF-8 with a byte order mark and `;` between fields, as Finnish Excel expects. The last
    column is the entry's live URL (`absolute_url(path)` is e.g. request.build_absolute_uri).
    """
    # Read now, in the request's language: the iterator runs as the response is sent.
    language = translation.get_language()
    site = absolute_url("/").removesuffix("/")
    order = csv_order(actors, options, nationals_apart=nationals_apart)
    return _csv_parts(options, order, site, language)


def _csv_parts(options, order, site, language):
    writer = csv.writer(_Lines(), delimiter=";", lineterminator="\r\n")
    actor_path = slug_urls("directory:actor")
    with translation.override(language):
        yield "\ufeff" + writer.writerow(csv_header(options))
        for start in range(0, len(order), CSV_PART):
            keys = order[start : start + CSV_PART]
            # By key: the selection's conditions were read with the order. Published still,
            # should one have been withdrawn since.
            selected = Actor.objects.published().filter(AnyOf(F("pk"), keys))
            found = {actor.pk: actor for actor in selected.for_print()}
            entries = [found[key] for key in keys if key in found]
            complete_entries(entries, options)
            yield "".join(
                writer.writerow(csv_row(actor, options, site + actor_path(actor.slug)))
                for actor in entries
            )


class _Lines:
    """What csv.writer writes to: each row written is returned as text, to be yielded."""

    def write(self, text):
        return text


def csv_order(actors, options, *, nationals_apart=True):
    """Return the keys of the selected actors in the order print_selection() lists them: by
    kind (group_by_kind()) and by name within, the national ones in a group of their own
    after the others when `nationals_apart`."""
    rows = list(
        selected_actors(actors, options).values_list("pk", "kind", "is_national", named=True)
    )
    if nationals_apart:
        grouped = group_by_kind(row for row in rows if not row.is_national)
        national = [row.pk for row in rows if row.is_national]
    else:
        grouped, national = group_by_kind(rows), []
    return [row.pk for group in grouped for row in group.actors] + national


def csv_row(actor, options, live_url):
    """The CSV cells of `actor` (complete_entries() done), spreadsheet formulas defused."""
    row = [
        actor.name,
        actor.get_kind_display(),
        actor.municipality.name if actor.municipality else "",
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
    row += [actor.verified_on.isoformat() if actor.verified_on else "", live_url]
    return [as_text_cell(value) for value in row]
