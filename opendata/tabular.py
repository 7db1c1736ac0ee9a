"""The HSDS 3.0 tabular form of the API's data: a zip of one CSV per table and a
`datapackage.json` (Frictionless Data's tabular data package) describing them.

The rows are the API's own objects, flattened: each actor goes through the organization and
service serializers of the API (`full`), and every list nested in an object becomes rows of its
table (an organization's `contacts` rows of contacts.csv, a contact's `phones` rows of
phones.csv, …), with the object's one-to-one fields as its own row. So the package and the API
never disagree, and the package holds exactly what the API shows: published, active actors,
public contacts, funding of published sources, and the vocabularies.

The tables and their columns are HSDS's (`hsds/tabular.json`, the compiled tabular schema):
a CSV has every column of its table, in HSDS's order, empty where the directory has no value.
Tables the directory has no data for (programs, schedules, …) are left out.
"""

import csv
import datetime
import functools
import io
import json
import tempfile
import zipfile
from pathlib import Path
from types import SimpleNamespace

from actors.models import Actor

from . import vocabularies
from .licence import LICENSE, attribution, sources
from .profile import HSDS_VERSION
from .serializers import OrganizationSerializer, ServiceAtLocationSerializer, ServiceSerializer
from .views import organizations_for_detail

TABULAR_SCHEMA = Path(__file__).resolve().parent / "hsds" / "tabular.json"

# An object's nested list: the table its items are rows of.
NESTED = {
    "organization_identifiers": "organization_identifier",
    "phones": "phone",
    "contacts": "contact",
    "locations": "location",
    "addresses": "address",
    "funding": "funding",
    "attributes": "attribute",
    "service_areas": "service_area",
}
# The tables the directory fills, in HSDS's order (datapackage_metadata.order).
TABLES = [
    "organization",
    "service",
    "attribute",
    "service_at_location",
    "location",
    "phone",
    "contact",
    "address",
    "funding",
    "service_area",
    "taxonomy_term",
    "organization_identifier",
    "taxonomy",
]
# Table Schema's formats of strings that HSDS uses.
FORMATS = {"uuid", "email", "uri"}
CHUNK = 2000


@functools.cache
def hsds_tables():
    """Return {table: its HSDS description}: `path` (the CSV's name), `description` and
    `columns` (name: field), from the compiled tabular schema. A table's columns are its
    fields but the nested lists (which are tables of their own)."""
    schema = json.loads(TABULAR_SCHEMA.read_text())
    tables = {}
    for name, table in schema["properties"].items():
        item = table["items"]
        tables[name] = {
            "path": item["path"],
            "description": item.get("description", ""),
            "order": item.get("datapackage_metadata", {}).get("order", 0),
            "columns": {
                field: spec
                for field, spec in item["properties"].items()
                if spec.get("type") != "array"
            },
        }
    return tables


def columns(table):
    return list(hsds_tables()[table]["columns"])


class Origin:
    """What the serializers need of a request: absolute URLs of the site at `origin`
    ("https://host")."""

    def __init__(self, origin):
        self.origin = origin.rstrip("/")

    def build_absolute_uri(self, path):
        return f"{self.origin}{path}"


def flatten(table, data, emit):
    """Emit `data` (an HSDS object of `table`) as its row, and its nested lists as rows of
    their tables. Nested single objects (a service's organization, a term) are left out: they
    are rows of their own tables already."""
    row = {}
    for key, value in data.items():
        if isinstance(value, list):
            if key in NESTED:
                for item in value:
                    flatten(NESTED[key], item, emit)
        elif not isinstance(value, dict):
            row[key] = value
    emit(table, row)


def published_actors():
    """The actors the API lists by default, with everything the full serializers read."""
    actors = Actor.objects.published().active().order_by("name", "pk")
    return organizations_for_detail(actors).prefetch_related(
        "served_regions",
        "served_municipalities",
        "target_groups",
    )


def actor_rows(actor, request, emit):
    context = {"request": request}
    organization = OrganizationSerializer(actor, full=True, context=context).data
    organization.pop("services", None)  # written from the full services below
    flatten("organization", organization, emit)
    for service in actor.services.all():
        link = SimpleNamespace(actor=actor, servicetype=service)
        flatten("service", ServiceSerializer(link, full=True, context=context).data, emit)
        if actor.street_address:
            at_location = ServiceAtLocationSerializer(link, context=context).data
            flatten("service_at_location", at_location, emit)


class Tables:
    """One CSV file a table, written row by row into a temporary directory."""

    def __init__(self, directory):
        self.files, self.writers, self.counts = {}, {}, {}
        path = Path(directory)
        for table in TABLES:
            handle = open(path / hsds_tables()[table]["path"], "w", encoding="utf-8", newline="")  # noqa: SIM115
            writer = csv.DictWriter(handle, fieldnames=columns(table), extrasaction="raise")
            writer.writeheader()
            self.files[table], self.writers[table], self.counts[table] = handle, writer, 0

    def emit(self, table, row):
        self.writers[table].writerow({key: "" if v is None else v for key, v in row.items()})
        self.counts[table] += 1

    def close(self):
        for handle in self.files.values():
            handle.close()


def descriptor(origin, built_at, counts):
    """The package's datapackage.json: what it is, its licence and sources, and each CSV's
    columns as HSDS describes them."""
    own, *others = sources()
    resources = []
    for table in TABLES:
        hsds = hsds_tables()[table]
        fields = []
        for name, spec in hsds["columns"].items():
            field = {
                "name": name,
                "type": spec.get("datapackage_type") or spec.get("type", "string"),
                "title": spec.get("title", name),
                "description": spec.get("description", ""),
            }
            if spec.get("format") in FORMATS and field["type"] == "string":
                field["format"] = spec["format"]
            if name == "id":
                field["constraints"] = {"required": True, "unique": True}
            fields.append(field)
        resources.append(
            {
                "name": table,
                "path": hsds["path"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": hsds["description"],
                "count_of_rows": counts[table],
                "schema": {"fields": fields, "primaryKey": "id"},
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": "keko-hakemisto-hsds",
        "title": "KeKo-hakemisto: työllisyyttä edistävät toimijat (HSDS 3.0)",
        "description": (
            "Suomen alueiden työllisyyttä edistävät toimijat ja niiden palvelut Open Referral "
            "HSDS 3.0 -muodossa, taulukkoina. Mukana ovat hakemiston julkaistut, toiminnassa "
            "olevat toimijat, julkiset yhteyshenkilöt ja sanastot, samat tiedot kuin "
            "rajapinnassa " + f"{origin}/api/hsds/."
        ),
        "homepage": f"{origin}/avoin-data/",
        "version": built_at.strftime("%Y%m%d%H%M%S"),
        "created": built_at.isoformat(),
        "hsds_version": HSDS_VERSION,
        "profile_url": f"{origin}/api/hsds/profile",
        "language": "fi",
        "licenses": [LICENSE],
        "attribution": attribution(),
        "sources": [{**own, "path": f"{origin}/"}, *others],
        "resources": resources,
    }


def build_zip(origin, built_at=None):
    """Return (the package as zip bytes, the number of organizations in it)."""
    built_at = built_at or datetime.datetime.now(datetime.UTC)
    request = Origin(origin)
    with tempfile.TemporaryDirectory(prefix="keko-hsds-") as directory:
        tables = Tables(directory)
        try:
            for actor in published_actors().iterator(chunk_size=CHUNK):
                actor_rows(actor, request, tables.emit)
            for taxonomy in vocabularies.taxonomies():
                tables.emit("taxonomy", taxonomy)
            for term in vocabularies.all_terms():
                tables.emit("taxonomy_term", term.as_hsds(request))
        finally:
            tables.close()
        meta = descriptor(request.origin, built_at, tables.counts)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("datapackage.json", json.dumps(meta, ensure_ascii=False, indent=2))
            for table in TABLES:
                name = hsds_tables()[table]["path"]
                archive.write(Path(directory) / name, arcname=name)
    return buffer.getvalue(), tables.counts["organization"]
