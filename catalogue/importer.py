"""The PTV import: fetch everything of an area first, then write it in one transaction.

    fetch(client, area)  ->  Fetched (organisations mapped to actor values, skipped records)
    write(fetched, area) ->  Result  (created / updated / unchanged / conflicts / missing)

Nothing is written while PTV is read, so a service that fails halfway changes nothing.

**Matching.** An organisation is the actor linked to its PTV id (`CatalogueRecord`), else the
actor with its Y-tunnus, else the actor of exactly its Finnish name in its home municipality;
else a new draft. An actor already linked to another PTV organisation is never matched again:
the organisation is skipped and reported instead of making a duplicate.

**Curators' edits win.** Each field the import writes keeps the value it wrote
(`FieldProvenance`). On the next run a field whose current value still equals that value is
updated from PTV; a field a curator changed since is left alone, and if PTV changed it too both
values go to an `ImportConflict` for a curator to choose from. On an actor matched for the first
time, empty fields are filled and differing ones become conflicts.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from actors.models import Actor, Municipality, Region, ServiceType, TargetGroup
from keko.models import Status

from . import mapping as ptv_mapping
from .models import CatalogueRecord, FieldProvenance, ImportConflict, Source
from .ptv import PTVClientV11, PTVNotFound

logger = logging.getLogger(__name__)

SOURCE = Source.PTV
SOURCE_LABEL = "Suomi.fi-palvelutietovaranto (PTV)"
CHANGE_REASON = "Päivitetty PTV:stä"
LINK_LOOKUPS = {
    "served_regions": "code",
    "served_municipalities": "code",
    "services": "slug",
    "target_groups": "slug",
}


class AreaError(ValueError):
    """An area the directory does not know; the message is Finnish."""


@dataclass
class Area:
    """What to import: a region, a municipality or the whole country."""

    key: str  # "region:<slug>", "municipality:<slug>" or "all": stored on CatalogueImport
    label: str
    area_type: str | None = None  # PTV's area type and code; None for the whole country
    code: str | None = None

    @property
    def listing(self):
        """The PTV list this area reads, as CatalogueRecord.listed_in names it."""
        return f"{self.area_type}:{self.code}" if self.area_type else "all"

    @classmethod
    def from_key(cls, key):
        kind, _sep, slug = key.partition(":")
        if kind == "all":
            return cls(key="all", label=_("koko maa"))
        if kind == "region":
            region = Region.objects.filter(slug=slug).first()
            if region is None:
                raise AreaError(_("Maakuntaa %(slug)s ei ole.") % {"slug": slug})
            return cls(key, region.name_fi, PTVClientV11.AREA_REGION, region.code)
        if kind == "municipality":
            municipality = Municipality.objects.filter(slug=slug).first()
            if municipality is None:
                raise AreaError(_("Kuntaa %(slug)s ei ole.") % {"slug": slug})
            return cls(key, municipality.name_fi, PTVClientV11.AREA_MUNICIPALITY, municipality.code)
        raise AreaError(_("Tuntematon alue %(key)s.") % {"key": key})


@dataclass
class Fetched:
    organisations: list = field(default_factory=list)  # mapping.Organisation
    skipped: list = field(default_factory=list)  # Finnish lines
    seen: set = field(default_factory=set)  # every PTV id listed, imported or not
    not_employment: int = 0
    complete: bool = True  # the area's whole list (no --since): absences mean something
    requests: int = 0


@dataclass
class Result:
    area: Area
    counts: dict
    skipped: list
    dry_run: bool = False

    def summary(self):
        counts = self.counts
        text = _(
            "PTV-tuonti (%(area)s): %(created)d uutta, %(updated)d päivitetty, %(unchanged)d "
            "ennallaan, %(conflicts)d uutta ristiriitaa, %(skipped)d ohitettu, %(not_employment)d "
            "ei työllisyyteen liittyvää, %(missing)d puuttuu PTV:stä; %(requests)d pyyntöä."
        ) % {"area": self.area.label, **counts}
        if self.dry_run:
            text += " " + _("Kuivaharjoitus: mitään ei tallennettu.")
        return text


def make_client():
    """The adapter of the production service (the tests hand in their own)."""
    return PTVClientV11()


def run(area, *, client=None, since=None, dry_run=False, mapping=None, progress=None, user=None):
    """Fetch `area` from PTV and write it; PTVError (nothing written) if PTV fails."""
    client = client or make_client()
    mapping = mapping or ptv_mapping.Mapping.load()
    fetched = fetch(client, area, mapping=mapping, since=since, progress=progress)
    return write(fetched, area, mapping=mapping, dry_run=dry_run, user=user)


# -- fetching ----------------------------------------------------------------------------------


def fetch(client, area, *, mapping, since=None, progress=None):
    """Read every organisation of `area` (changed since `since`) with its services and
    channels. Raises PTVError if the service fails; a bad record is skipped and reported."""
    fetched = Fetched(complete=since is None)
    services, channels = {}, {}
    done = 0
    for record, total in _records(client, area, since, fetched):
        done += 1
        _fetch_one(client, record, mapping, fetched, services, channels)
        if progress:
            progress(done, total)
    fetched.requests = client.requests_made
    return fetched


def _records(client, area, since, fetched):
    """Yield (organisation record, estimated total) of the area's list, page by page."""
    if area.area_type and since is None:
        pages = lambda page: client.organizations_in_area(area.area_type, area.code, page)  # noqa: E731
        full = True
    elif area.area_type:
        pages = lambda page: client.organization_ids_in_area(  # noqa: E731
            area.area_type, area.code, since=since, page=page
        )
        full = False
    else:
        pages = lambda page: client.organization_ids(since=since, page=page)  # noqa: E731
        full = False
    page = 1
    while True:
        data = pages(page) or {}
        items = data.get("itemList") or []
        page_count = int(data.get("pageCount") or 1)
        total = page_count * int(data.get("pageSize") or len(items) or 1)
        for item in items:
            if full:
                yield item, total
                continue
            item_id = (item or {}).get("id")
            try:
                yield client.organization(item_id), total
            except PTVNotFound:
                fetched.skipped.append(_("%(id)s: organisaatiota ei enää löydy") % {"id": item_id})
        if page >= page_count:
            return
        page += 1


def _fetch_one(client, record, mapping, fetched, services, channels):
    try:
        ptv_id, _names, service_ids = ptv_mapping.organisation_header(record)
    except ptv_mapping.MalformedRecord as error:
        fetched.skipped.append(_("%(id)s: %(error)s") % {"id": _record_id(record), "error": error})
        return
    fetched.seen.add(ptv_id)
    own = [s for s in (_cached(services, client.service, i) for i in service_ids) if s]
    if not ptv_mapping.is_employment_related(own, mapping):
        fetched.not_employment += 1
        return
    linked = [_cached(channels, client.service_channel, i) for i in ptv_mapping.channel_ids(own)]
    try:
        organisation = ptv_mapping.organisation(record, own, [c for c in linked if c], mapping)
    except ptv_mapping.MalformedRecord as error:
        fetched.skipped.append(_("%(id)s: %(error)s") % {"id": ptv_id, "error": error})
        return
    fetched.organisations.append(organisation)


def _cached(cache, fetch_one, entity_id):
    """Fetch an entity once per run (services and channels are shared); None if it is gone."""
    if entity_id not in cache:
        try:
            cache[entity_id] = fetch_one(entity_id)
        except PTVNotFound:
            cache[entity_id] = None
    return cache[entity_id]


def _record_id(record):
    return str((record or {}).get("id") or "?") if isinstance(record, dict) else "?"


# -- writing -----------------------------------------------------------------------------------


def write(fetched, area, *, mapping, dry_run=False, user=None, now=None):
    """Write `fetched` in one transaction (rolled back for a dry run) and return the Result."""
    now = now or timezone.now()
    counts = dict.fromkeys(
        ["created", "updated", "unchanged", "conflicts", "skipped", "missing"], 0
    )
    counts.update(not_employment=fetched.not_employment, requests=fetched.requests)
    skipped = list(fetched.skipped)
    with transaction.atomic():
        writer = _Writer(area, now=now, user=user, skipped=skipped, counts=counts)
        writer.report_unknown_slugs(mapping)
        for organisation in fetched.organisations:
            writer.write(organisation)
        if fetched.complete:
            writer.mark_missing(fetched.seen)
        counts["skipped"] = len(skipped)
        if dry_run:
            transaction.set_rollback(True)
    return Result(area=area, counts=counts, skipped=skipped, dry_run=dry_run)


class _Writer:
    def __init__(self, area, *, now, user, skipped, counts):
        self.area, self.now, self.user = area, now, user
        self.skipped, self.counts = skipped, counts
        self.lookups = {
            "municipality": {m.code: m for m in Municipality.objects.all()},
            "served_municipalities": dict(Municipality.objects.values_list("code", "pk")),
            "served_regions": dict(Region.objects.values_list("code", "pk")),
            "services": dict(ServiceType.objects.values_list("slug", "pk")),
            "target_groups": dict(TargetGroup.objects.values_list("slug", "pk")),
        }

    def report_unknown_slugs(self, mapping):
        services, groups = mapping.slugs_used()
        unknown = sorted(services - set(self.lookups["services"]))
        unknown += sorted(groups - set(self.lookups["target_groups"]))
        if unknown:
            self.skipped.append(
                _("Kuvaustiedoston tunnisteita, joita hakemistossa ei ole: %(slugs)s")
                % {"slugs": ", ".join(unknown)}
            )

    # one organisation

    def write(self, organisation):
        incoming = self._known(organisation.values)
        record = (
            CatalogueRecord.objects.filter(source=SOURCE, external_id=organisation.ptv_id)
            .select_related("actor__municipality")
            .first()
        )
        actor = record.actor if record else self._match(organisation, incoming)
        if actor is False:
            return  # skipped and reported
        if actor is None:
            actor = self._create(incoming)
            self.counts["created"] += 1
        else:
            changed, conflicts = self._merge(actor, incoming)
            self.counts["updated" if changed else "unchanged"] += 1
            self.counts["conflicts"] += conflicts
        record = record or CatalogueRecord(source=SOURCE, external_id=organisation.ptv_id)
        record.actor = actor
        record.texts = organisation.texts
        record.modified_at_source = _parse_datetime(organisation.modified)
        record.fetched_at = self.now
        record.missing_since = None
        if self.area.listing not in record.listed_in:
            record.listed_in = [*record.listed_in, self.area.listing]
        record.save()

    def _match(self, organisation, incoming):
        """The actor to update: by Y-tunnus, then by name in the home municipality; None for a
        new one; False when the match is linked to another PTV organisation (reported)."""
        candidates = []
        if incoming["business_id"]:
            candidates.append(
                ("Y-tunnus", Actor.objects.filter(business_id=incoming["business_id"]))
            )
        municipality = self.lookups["municipality"].get(incoming["municipality"])
        if municipality is not None:
            same_name = Actor.objects.filter(name=organisation.name, municipality=municipality)
            candidates.append((_("nimi ja kunta"), same_name))
        for how, actors in candidates:
            actor = actors.select_related("municipality").first()
            if actor is None:
                continue
            other = actor.catalogue_records.filter(source=SOURCE).first()
            if other is not None:
                self.skipped.append(
                    _(
                        "%(id)s (%(name)s): sama %(how)s kuin PTV-organisaatiolla %(other)s, "
                        "joka on jo tuotu toimijaksi %(actor)s; ei tuotu kahdesti."
                    )
                    % {
                        "id": organisation.ptv_id,
                        "name": organisation.name,
                        "how": how,
                        "other": other.external_id,
                        "actor": actor.name,
                    }
                )
                return False
            return actor
        return None

    def _create(self, incoming):
        actor = Actor(
            slug=Actor.objects.free_slug(incoming["name"]),
            status=Status.DRAFT,
            source=SOURCE_LABEL,
            **{f: self._model_value(f, incoming[f]) for f in ptv_mapping.SCALAR_FIELDS},
        )
        actor._history_user = self.user
        actor._change_reason = _("Tuotu PTV:stä")
        actor.save()
        for name in ptv_mapping.LINK_FIELDS:
            getattr(actor, name).set(self._model_value(name, incoming[name]))
        FieldProvenance.objects.bulk_create(
            FieldProvenance(
                actor=actor,
                field=name,
                source=SOURCE,
                imported_value=incoming[name],
                fetched_at=self.now,
            )
            for name in ptv_mapping.FIELDS
        )
        return actor

    def _merge(self, actor, incoming):
        """Apply what PTV changed to fields no curator has changed; return (changed, new
        conflicts)."""
        provenance = {
            p.field: p for p in FieldProvenance.objects.filter(actor=actor, source=SOURCE)
        }
        changed_scalars, changed_links, conflicts = [], [], 0
        for name in ptv_mapping.FIELDS:
            current, new = current_value(actor, name), incoming[name]
            known = provenance.get(name)
            take, record_value = False, None
            if known is None:
                if current == new:
                    record_value = new
                elif _is_empty(current) and self._may_set(actor, name, new):
                    take, record_value = True, new
                else:
                    conflicts += self._conflict(actor, name, current, new)
            elif current == known.imported_value:  # no curator has changed it
                if new == current:
                    record_value = new
                elif self._may_set(actor, name, new):
                    take, record_value = True, new
            elif new == current:  # a curator made the same change as PTV
                record_value = new
            elif new != known.imported_value:  # both changed it
                conflicts += self._conflict(actor, name, current, new)
            if take:
                if name in ptv_mapping.LINK_FIELDS:
                    changed_links.append(name)
                else:
                    setattr(actor, name, self._model_value(name, new))
                    changed_scalars.append(name)
            self._remember(actor, name, known, record_value)
        if changed_scalars:
            actor.version += 1
            actor._history_user = self.user
            actor._change_reason = CHANGE_REASON
            actor.save()
        for name in changed_links:
            getattr(actor, name).set(self._model_value(name, incoming[name]))
        return bool(changed_scalars or changed_links), conflicts

    def _may_set(self, actor, name, value):
        """Whether `value` can be written; a Y-tunnus another actor has is reported instead."""
        if name != "business_id" or not value:
            return True
        taken = Actor.objects.filter(business_id=value).exclude(pk=actor.pk).first()
        if taken is None:
            return True
        self.skipped.append(
            _("%(actor)s: Y-tunnus %(code)s on jo toimijalla %(other)s; sitä ei vaihdettu.")
            % {"actor": actor.name, "code": value, "other": taken.name}
        )
        return False

    def _remember(self, actor, name, known, value):
        remember(actor, name, known, value, source=SOURCE, now=self.now)

    def _conflict(self, actor, name, current, incoming):
        return record_conflict(actor, name, current, incoming, source=SOURCE)

    def mark_missing(self, seen):
        """Flag the records this area's full list used to have and no longer has."""
        listing = self.area.listing
        for record in CatalogueRecord.objects.filter(source=SOURCE, missing_since__isnull=True):
            if record.external_id not in seen and (listing == "all" or listing in record.listed_in):
                record.missing_since = self.now
                record.save(update_fields=["missing_since"])
                self.counts["missing"] += 1

    # values

    def _known(self, values):
        """The incoming values with codes and slugs the directory lacks left out, so that they
        compare with what an actor can hold."""
        values = dict(values)
        if values["municipality"] not in self.lookups["municipality"]:
            values["municipality"] = ""
        for name in ptv_mapping.LINK_FIELDS:
            values[name] = sorted(key for key in values[name] if key in self.lookups[name])
        return values

    def _model_value(self, name, value):
        if name == "municipality":
            return self.lookups["municipality"].get(value)
        if name in ptv_mapping.LINK_FIELDS:
            return [self.lookups[name][key] for key in value]
        return value


def remember(actor, name, known, value, *, source, now):
    """Record the value an import wrote or found equal (`known` is the field's provenance of
    `source`, or None); only the fetch time when `value` is None."""
    if known is None:
        if value is not None:
            FieldProvenance.objects.create(
                actor=actor, field=name, source=source, imported_value=value, fetched_at=now
            )
        return
    if value is not None:
        known.imported_value = value
    known.fetched_at = now
    known.save(update_fields=["imported_value", "fetched_at"])


def record_conflict(actor, name, current, incoming, *, source):
    """Record (or refresh) the open conflict of this field and source; 1 if it is new."""
    open_conflict = ImportConflict.objects.filter(
        actor=actor, field=name, source=source, resolution=""
    ).first()
    if open_conflict is None:
        ImportConflict.objects.create(
            actor=actor,
            field=name,
            source=source,
            current_value=current,
            incoming_value=incoming,
        )
        return 1
    if (open_conflict.current_value, open_conflict.incoming_value) != (current, incoming):
        open_conflict.current_value, open_conflict.incoming_value = current, incoming
        open_conflict.save(update_fields=["current_value", "incoming_value"])
    return 0


def current_value(actor, name):
    """An actor's field as provenance and conflicts record it (codes and slugs for links)."""
    if name == "municipality":
        return actor.municipality.code if actor.municipality_id else ""
    if name in LINK_LOOKUPS:
        return sorted(getattr(actor, name).values_list(LINK_LOOKUPS[name], flat=True))
    return getattr(actor, name)


def set_value(actor, name, value, *, user=None, reason=CHANGE_REASON):
    """Write one recorded value (a conflict's) into the actor, with history."""
    if name in LINK_LOOKUPS:
        model = actor._meta.get_field(name).related_model
        getattr(actor, name).set(model.objects.filter(**{f"{LINK_LOOKUPS[name]}__in": value}))
        return
    if name == "municipality":
        value = Municipality.objects.filter(code=value).first() if value else None
    setattr(actor, name, value)
    actor.version += 1
    actor._history_user = user
    actor._change_reason = reason
    actor.save()


def _is_empty(value):
    return value in ("", None, [], False)


def _parse_datetime(value):
    try:
        parsed = parse_datetime(value) if value else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed
