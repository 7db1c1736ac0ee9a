"""Enriching actors from the business register's open data (YTJ): fetch every company first,
then write in one transaction, so a register that fails halfway changes nothing.

    due(stale_days=…, limit=…)  ->  the actors with a Y-tunnus not asked within the stale days
    fetch(client, actors)       ->  Fetched ((actor, Y-tunnus, mapped company or None), …)
    write(fetched)              ->  Result  (updated / unchanged / conflicts / not found / ended)

**What it writes.** Into the actor, only its visiting address (street address, postal code,
post office) and website, and only where the actor has none: a value the directory already has
is left as it is. The register's current name, company form and status go to the actor's YTJ
`CatalogueRecord` (source "ytj", the Y-tunnus as its id): the actor's own name is never touched.

**Curators' edits win**, as in the PTV import (catalogue/importer.py): each value written keeps
a `FieldProvenance` of source YTJ. A later run updates a field that still holds that value when
the register changes it; a field a curator has edited since is left alone, and if the register
changed it too both values go to an `ImportConflict`. The register never empties a field.

**Ended companies.** A company with an end date (lakannut), or in bankruptcy (KONK) or
liquidation (SELTILA), is flagged on its record (`ended_in_register`) for curators to look at
in the admin. Nothing is unpublished or deleted.

Registered associations (ry) are not in YTJ's open data: their records say so, with a fetch
time, so they are not asked again before the stale days are over.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from actors.models import Actor
from keko.markup import finnish_date

from .importer import record_conflict, remember
from .models import CatalogueRecord, FieldProvenance, Source
from .ytj import YTJClientV3

SOURCE = Source.YTJ
CHANGE_REASON = "Täydennetty YTJ:stä"
DEFAULT_STALE_DAYS = 30
# The actor's fields the register fills where empty, with their lengths in actors.Actor.
FIELDS = {"street_address": 200, "postal_code": 10, "post_office": 100, "website": 500}
LANGUAGES = {"1": "fi", "2": "sv", "3": "en"}  # the schema's DescriptionEntry.languageCode
MAIN_NAME = "1"  # names[].type: 1 the name, 2 a parallel name, 3 an auxiliary name
VISITING, POSTAL = 1, 2  # addresses[].type
# companySituations[].type that mean the company is ending; SANE (restructuring) does not.
ENDING_SITUATIONS = {"KONK", "SELTILA"}


def not_found_status():
    return _("Ei YTJ:n avoimessa datassa (esim. rekisteröity yhdistys)")


@dataclass
class Company:
    """A company of the register as the directory uses it."""

    business_id: str
    name: str
    company_form: str
    texts: dict  # {"name": {"fi": …}, "company_form": {"fi": …, "sv": …, "en": …}}
    values: dict  # FIELDS -> str ("" when the register has none)
    register_status: str
    ended: bool
    ended_on: datetime.date | None
    modified: datetime.datetime | None


@dataclass
class Fetched:
    items: list = field(default_factory=list)  # (actor, Y-tunnus, Company or None)
    requests: int = 0


@dataclass
class Result:
    counts: dict
    ended: list  # Finnish lines: the actors newly found ended in the register
    dry_run: bool = False

    def summary(self):
        text = (
            _(
                "YTJ-täydennys: %(checked)d Y-tunnusta haettu, %(updated)d toimijaa "
                "täydennetty, %(unchanged)d ennallaan, %(conflicts)d uutta ristiriitaa, "
                "%(not_found)d ei YTJ:n avoimessa datassa, %(ended)d päättynyt "
                "kaupparekisterissä (%(newly_ended)d uutta); %(requests)d pyyntöä."
            )
            % self.counts
        )
        if self.dry_run:
            text += " " + _("Kuivaharjoitus: mitään ei tallennettu.")
        return text


def make_client():
    """The adapter of the production service (the tests hand in their own)."""
    return YTJClientV3()


def run(*, client=None, stale_days=DEFAULT_STALE_DAYS, limit=None, dry_run=False, progress=None):
    """Fetch the due actors' companies and write them; YTJError (nothing written) if the
    register fails."""
    client = client or make_client()
    now = timezone.now()
    actors = due(stale_days=stale_days, limit=limit, now=now)
    fetched = fetch(client, actors, progress=progress)
    return write(fetched, dry_run=dry_run, now=now)


def due(*, stale_days=DEFAULT_STALE_DAYS, limit=None, now=None):
    """The actors with a Y-tunnus whose company was not fetched within `stale_days`, the
    longest unasked first (so that `limit` works through all of them over the nights)."""
    now = now or timezone.now()
    last_fetch = CatalogueRecord.objects.filter(
        source=SOURCE, actor=OuterRef("pk"), external_id=OuterRef("business_id")
    ).values("fetched_at")[:1]
    actors = (
        Actor.objects.exclude(business_id="")
        .annotate(ytj_fetched_at=Subquery(last_fetch))
        .filter(
            Q(ytj_fetched_at__isnull=True)
            | Q(ytj_fetched_at__lte=now - datetime.timedelta(days=stale_days))
        )
        .order_by(F("ytj_fetched_at").asc(nulls_first=True), "pk")
    )
    return list(actors[:limit] if limit else actors)


# -- fetching ----------------------------------------------------------------------------------


def fetch(client, actors, *, progress=None, today=None):
    """Ask the register for each actor's Y-tunnus; YTJError if the register fails."""
    today = today or timezone.localdate()
    fetched = Fetched()
    for done, actor in enumerate(actors, start=1):
        data = client.company(actor.business_id)
        company = None if data is None else company_of(data, today=today)
        fetched.items.append((actor, actor.business_id, company))
        if progress:
            progress(done, len(actors))
    fetched.requests = client.requests_made
    return fetched


def company_of(data, *, today):
    """Map one `Company` of the schema to what the directory keeps of it."""
    names = _current(
        [n for n in data.get("names") or () if n.get("type") == MAIN_NAME], today=today
    )
    name = (names[0].get("name") or "").strip() if names else ""
    forms = _current(data.get("companyForms") or [], today=today)
    form_texts = _descriptions(forms[0]) if forms else {}
    form = next((form_texts[lang] for lang in ("fi", "sv", "en") if form_texts.get(lang)), "")
    if not form and forms:
        form = forms[0].get("type") or ""  # a code without descriptions, e.g. "OY"
    texts = {}
    if name:
        # The register's name has no language; it goes under "fi" so that record.text("name")
        # finds it, as PTV's names do.
        texts["name"] = {"fi": name}
    if form_texts:
        texts["company_form"] = form_texts
    status, ended, ended_on = _status(data, today=today)
    return Company(
        business_id=(data.get("businessId") or {}).get("value") or "",
        name=name,
        company_form=form[:100],
        texts=texts,
        values={**_address(data.get("addresses") or ()), "website": _website(data)},
        register_status=status[:200],
        ended=ended,
        ended_on=ended_on,
        modified=_parse_datetime(data.get("lastModified")),
    )


def _current(items, *, today):
    """The entries in force (no end date, or one still ahead), the current version first."""
    valid = [
        item
        for item in items
        if isinstance(item, dict) and not _has_ended(_parse_date(item.get("endDate")), today)
    ]
    return sorted(valid, key=lambda item: item.get("version") or 1)


def _descriptions(entry):
    texts = {}
    for description in entry.get("descriptions") or ():
        lang = LANGUAGES.get(str(description.get("languageCode") or ""))
        if lang and (description.get("description") or "").strip():
            texts[lang] = description["description"].strip()
    return texts


def _address(addresses):
    """The visiting address (type 1), else the postal one (type 2), if it has a street: a
    post-office box is no place to visit."""
    by_type = {}
    for address in addresses:
        if isinstance(address, dict) and (address.get("country") or "FI").upper() == "FI":
            by_type.setdefault(address.get("type"), address)
    for kind in (VISITING, POSTAL):
        address = by_type.get(kind)
        if address and (address.get("street") or "").strip():
            return {
                "street_address": _street(address)[: FIELDS["street_address"]],
                "postal_code": (address.get("postCode") or "").strip()[: FIELDS["postal_code"]],
                "post_office": _post_office(address)[: FIELDS["post_office"]],
            }
    return {"street_address": "", "postal_code": "", "post_office": ""}


def _street(address):
    """ "Esimerkkikatu 5 B 12a" from the schema's separate parts."""
    apartment = "".join(
        (address.get(part) or "").strip() for part in ("apartmentNumber", "apartmentIdSuffix")
    )
    parts = [address.get(part) for part in ("street", "buildingNumber", "entrance")]
    return " ".join(p.strip() for p in [*parts, apartment] if p and p.strip())


def _post_office(address):
    offices = [o for o in address.get("postOffices") or () if (o.get("city") or "").strip()]
    for language in ("1", "2"):  # Finnish, then Swedish
        for office in offices:
            if str(office.get("languageCode")) == language:
                return office["city"].strip()
    return offices[0]["city"].strip() if offices else ""


def _website(data):
    url = ((data.get("website") or {}).get("url") or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url  # the register often has "www.example.org"
    try:
        URLValidator()(url)
    except ValidationError:
        return ""  # not a web address the directory could link to
    return url[: FIELDS["website"]]


def _status(data, *, today):
    """(Finnish status line, ended?, the day it ended or began to end)."""
    end = _parse_date(data.get("endDate"))
    if _has_ended(end, today):
        return _("Lakannut %(date)s") % {"date": finnish_date(end)}, True, end
    lines, ended, ended_on = [], False, None
    labels = {
        "KONK": _("Konkurssissa"),
        "SELTILA": _("Selvitystilassa"),
        "SANE": _("Yrityssaneerauksessa"),
    }
    for situation in _current(data.get("companySituations") or [], today=today):
        kind = situation.get("type")
        if kind not in labels:
            continue
        since = _parse_date(situation.get("registrationDate"))
        line = labels[kind]
        if since:
            line += " " + _("%(date)s alkaen") % {"date": finnish_date(since)}
        lines.append(line)
        if kind in ENDING_SITUATIONS:
            ended = True
            if since and (ended_on is None or since < ended_on):
                ended_on = since
    return ("; ".join(lines) or _("Voimassa")), ended, ended_on


def _has_ended(day, today):
    return day is not None and day <= today


def _parse_date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _parse_datetime(value):
    """lastModified is "yyyy-MM-ddTHH:mm:ss" without a zone: Finnish time."""
    try:
        parsed = parse_datetime(value) if value else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


# -- writing -----------------------------------------------------------------------------------


def write(fetched, *, dry_run=False, now=None):
    """Write `fetched` in one transaction (rolled back for a dry run) and return the Result."""
    now = now or timezone.now()
    counts = dict.fromkeys(
        ["checked", "updated", "unchanged", "conflicts", "not_found", "ended", "newly_ended"], 0
    )
    counts["requests"] = fetched.requests
    ended_lines = []
    with transaction.atomic():
        for fetched_actor, business_id, company in fetched.items:
            # Read again inside the transaction: a curator may have saved it while we fetched.
            actor = Actor.objects.filter(pk=fetched_actor.pk, business_id=business_id).first()
            if actor is None:
                continue  # deleted, or its Y-tunnus changed meanwhile: the next run asks again
            counts["checked"] += 1
            record = _record(actor, business_id)
            was_ended = record.ended_in_register
            if company is None:
                counts["not_found"] += 1
                # What an earlier fetch found (an ended company) stays for curators to see.
                record.register_status = not_found_status()
            else:
                changed, conflicts = _merge(actor, company.values, now=now)
                counts["updated" if changed else "unchanged"] += 1
                counts["conflicts"] += conflicts
                record.texts = company.texts
                record.company_form = company.company_form
                record.register_status = company.register_status
                record.ended_in_register = company.ended
                record.register_ended_on = company.ended_on
                record.modified_at_source = company.modified
            if record.ended_in_register:
                counts["ended"] += 1
                if not was_ended:
                    counts["newly_ended"] += 1
                    ended_lines.append(
                        _("%(actor)s (%(id)s): %(status)s")
                        % {"actor": actor.name, "id": business_id, "status": record.register_status}
                    )
            record.fetched_at = now
            record.save()
        if dry_run:
            transaction.set_rollback(True)
    return Result(counts=counts, ended=ended_lines, dry_run=dry_run)


def _record(actor, business_id):
    """The actor's YTJ record: by the Y-tunnus, else the actor's (its Y-tunnus changed)."""
    record = (
        CatalogueRecord.objects.filter(source=SOURCE, external_id=business_id).first()
        or CatalogueRecord.objects.filter(source=SOURCE, actor=actor).first()
        or CatalogueRecord(source=SOURCE)
    )
    record.actor, record.external_id = actor, business_id
    return record


def _merge(actor, values, *, now):
    """Fill the actor's empty fields and follow the register's changes to fields no curator
    has changed since; return (changed, new conflicts)."""
    provenance = {p.field: p for p in FieldProvenance.objects.filter(actor=actor, source=SOURCE)}
    changed, conflicts = [], 0
    for name in FIELDS:
        current, new = getattr(actor, name), values[name]
        known = provenance.get(name)
        record_value = None
        if not new:
            pass  # the register has nothing: it never empties a field
        elif known is None:
            if current == new:
                record_value = new
            elif not current:
                setattr(actor, name, new)
                changed.append(name)
                record_value = new
            # else the directory's own value stays: the register only fills empty fields
        elif current == known.imported_value:  # no curator has changed it since
            if new != current:
                setattr(actor, name, new)
                changed.append(name)
            record_value = new
        elif new == current:  # a curator made the same change as the register
            record_value = new
        elif new != known.imported_value:  # both changed it
            conflicts += record_conflict(actor, name, current, new, source=SOURCE)
        if known is not None or record_value is not None:
            remember(actor, name, known, record_value, source=SOURCE, now=now)
    if changed:
        actor.version += 1
        actor._history_user = None
        actor._change_reason = CHANGE_REASON
        actor.save()
    return bool(changed), conflicts
