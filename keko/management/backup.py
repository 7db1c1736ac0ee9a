"""What a backup holds: the directory's content, curators' accounts and the edit history.

A Django-level JSON backup, so that one file restores on SQLite and PostgreSQL alike.
Left out: what migrations recreate (content types, permissions), what expires anyway
(sessions, the rate limits' counters) and login-attempt records (django-axes). Permissions
and content types are referenced by natural keys, so that a backup restores into any
migrated database.
"""

import datetime
import gzip

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder

from keko.registry import project_app_configs

# auth.User and auth.Group keep their primary keys (the edit history refers to users by id).
LABELS = ["auth.User", "auth.Group", "admin.LogEntry"]
# Project models whose rows expire anyway, or are made again from the rest.
TRANSIENT = {
    "keko.RateLimitCounter",
    # Which areas each actor serves: kept by actors.areas as the actors load.
    "actors.ActorRegion",
    "actors.ActorMunicipality",
    "directory.PrintRender",
    "directory.RenderSlot",
    "opendata.DataPackage",
    # The API's services index: kept by opendata.listings as the actors load.
    "opendata.ServiceListing",
    # The log of catalogue import runs (their results stay on the actors and records).
    "catalogue.CatalogueImport",
}


def backed_up_models():
    """Return the models whose rows a backup holds, auto-created many-to-many tables excluded
    (their rows travel inside the models' fields)."""
    models = [apps.get_model(label) for label in LABELS]
    for config in project_app_configs():
        models += [m for m in config.get_models() if m._meta.label not in TRANSIENT]
    return models


def _installed(label):
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def content_models():
    """Return the models that make a database "not empty": everything but the groups, which
    migrations create."""
    return [model for model in backed_up_models() if model._meta.label != "auth.Group"]


def tables():
    """Return every table a restore replaces, many-to-many tables included: the backed-up
    ones, and the transient ones, which would otherwise keep rows of the replaced data."""
    transient = [apps.get_model(label) for label in TRANSIENT if _installed(label)]
    names = []
    for model in backed_up_models() + transient:
        names.append(model._meta.db_table)
        names += [
            field.remote_field.through._meta.db_table
            for field in model._meta.local_many_to_many
            if field.remote_field.through._meta.auto_created
        ]
    return names


class PreciseJSONEncoder(DjangoJSONEncoder):
    """Keep microseconds, which Django's encoder cuts to milliseconds (ECMA-262 dates): a
    restored row must equal the original, and the edit history is ordered by its timestamps."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def rows():
    """Yield every backed-up row, each table in primary-key order, users and groups first
    (the edit history refers to users by their natural key)."""
    for model in backed_up_models():
        yield from model._base_manager.order_by("pk").iterator(chunk_size=2000)


def write_backup(path):
    """Stream every backed-up row to `path` as Django's JSON fixture format (gzip for .gz),
    which `loaddata` reads on any database."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as stream:
        serializers.get_serializer("json")().serialize(
            rows(), stream=stream, use_natural_foreign_keys=True, cls=PreciseJSONEncoder
        )
