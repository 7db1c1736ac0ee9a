"""The fingerprint engine: upsert a seeded entry unless a curator has edited it.

Each seeded entry stores a fingerprint (`seed_hash`) of the values the seed wrote, covering its
own fields, many-to-many links and child rows (contacts, members, windows, participants). On
the next run an entry whose current values no longer match its fingerprint has been edited by
a curator and is left alone; an entry that still matches is brought up to date with the
fixtures; an entry that already equals the fixtures is not touched at all.

The fingerprint format is stored in every seeded database: changing what `_fingerprint`
hashes, or how `_plain` spells a value, makes every existing entry look curator-edited.
"""

import datetime
import decimal
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError

from keko.models import Status


class SeedError(Exception):
    """A fixture refers to something that does not exist or holds an invalid value."""


@dataclass
class Children:
    """Child rows seeded with their parent, identified within it by `key`."""

    related_name: str
    key: tuple
    rows: list = field(default_factory=list)


def _plain(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    if isinstance(value, float):
        return str(decimal.Decimal(str(value)).normalize())
    return value


def _fingerprint(values, m2m, children):
    data = {
        "values": {name: _plain(value) for name, value in sorted(values.items())},
        "m2m": {name: sorted(_plain(v) for v in items) for name, items in sorted(m2m.items())},
        "children": {
            group.related_name: sorted(
                json.dumps({k: _plain(v) for k, v in sorted(row.items())}, sort_keys=True)
                for row in group.rows
            )
            for group in children
        },
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _current_fingerprint(obj, values, m2m, children):
    """Fingerprint `obj` as stored, over the same fields the fixture sets."""
    current_values = {name: getattr(obj, name) for name in values}
    current_m2m = {name: list(getattr(obj, name).values_list("pk", flat=True)) for name in m2m}
    current_children = []
    for group in children:
        fields = group.rows[0].keys() if group.rows else group.key
        rows = [
            {name: getattr(row, name) for name in fields}
            for row in getattr(obj, group.related_name).all()
        ]
        current_children.append(Children(group.related_name, group.key, rows))
    return _fingerprint(current_values, current_m2m, current_children)


def parse_date(value):
    """A fixture's ISO date, or None when it has none."""
    return datetime.date.fromisoformat(value) if value else None


def curated(item):
    """The publication and provenance values of a curated fixture entry."""
    return {
        "status": Status.PUBLISHED,
        "source": item.get("source", ""),
        "source_url": item.get("source_url", ""),
        "verified_on": parse_date(item.get("verified_on")),
    }


class Seeder:
    """Writes seeded entries and counts what it did; the loaders in `seeding.loaders` use it."""

    def __init__(self):
        self.stats = Counter()
        self.kept = []  # entries a curator has changed since they were seeded

    # -- generic upsert ---------------------------------------------------------------------
    def upsert(self, model, slug, values, m2m=None, children=()):
        m2m = m2m or {}
        desired = _fingerprint(values, m2m, children)
        obj = model.objects.filter(slug=slug).first()
        if obj is not None:
            current = _current_fingerprint(obj, values, m2m, children)
            if current != obj.seed_hash:
                self.stats[f"{model._meta.model_name}: kept"] += 1
                self.kept.append(obj)
                return obj
            if current == desired:
                self.stats[f"{model._meta.model_name}: unchanged"] += 1
                return obj
            action = "updated"
        else:
            obj = model(slug=slug)
            action = "created"
        for name, value in values.items():
            setattr(obj, name, value)
        obj.seed_hash = desired
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise SeedError(f"{model.__name__} {slug!r}: {error}") from error
        obj.save()
        for name, items in m2m.items():
            getattr(obj, name).set(items)
        for group in children:
            self._sync_children(obj, group)
        self.stats[f"{model._meta.model_name}: {action}"] += 1
        return obj

    def retire(self, model, slug, values, m2m=None, children=()):
        """Delete the seeded entry `slug` that the fixtures no longer hold, if it still has
        the `values`, links and child rows it was seeded with; an entry a curator has edited,
        or one that other entries refer to, is kept (and reported)."""
        obj = model.objects.filter(slug=slug).first()
        if obj is None:
            return
        name = model._meta.model_name
        if _current_fingerprint(obj, values, m2m or {}, children) != obj.seed_hash:
            self.stats[f"{name}: kept"] += 1
            self.kept.append(obj)
            return
        try:
            with transaction.atomic():
                obj.delete()
        except ProtectedError:
            self.stats[f"{name}: kept"] += 1
            self.kept.append(obj)
            return
        self.stats[f"{name}: deleted"] += 1

    def _sync_children(self, obj, group):
        manager = getattr(obj, group.related_name)
        kept_pks = []
        for row in group.rows:
            lookup = {name: row[name] for name in group.key}
            defaults = {name: value for name, value in row.items() if name not in group.key}
            child, _ = manager.update_or_create(**lookup, defaults=defaults)
            kept_pks.append(child.pk)
        manager.exclude(pk__in=kept_pks).delete()

    # -- lookups ----------------------------------------------------------------------------
    def lookup(self, model, key, where, field_name="slug"):
        try:
            return model.objects.get(**{field_name: key})
        except model.DoesNotExist:
            raise SeedError(f"{where}: unknown {model.__name__} {key!r}") from None

    def many(self, model, keys, where, field_name="slug"):
        found = {
            getattr(o, field_name): o for o in model.objects.filter(**{f"{field_name}__in": keys})
        }
        missing = [k for k in keys if k not in found]
        if missing:
            raise SeedError(f"{where}: unknown {model.__name__} {', '.join(map(repr, missing))}")
        return [found[k] for k in keys]
