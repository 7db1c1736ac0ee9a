"""From PTV's records to the values of an actor, as the mapping file (mapping/ptv.json) says.

Reads plain dicts in PTV's documented v11 shape (organisations, services, service channels)
and knows nothing of HTTP or of the database: `organisation()` returns what the actor's
fields should hold, as strings, booleans and sorted lists of codes or slugs, which is also how
catalogue.importer records them as provenance.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from actors.models import CONTACT_DETAIL_FIELDS, ActorKind
from actors.validators import validate_business_id

MAPPING_FILE = Path(__file__).resolve().parent / "mapping" / "ptv.json"
LANGUAGES = ("fi", "sv", "en")
NATIONWIDE = {"Nationwide", "NationwideExceptAlandIslands"}
REGION_AREA_TYPES = {"Region", "Province"}  # v8+ and v7 names of a maakunta

# The actor's fields an import writes: scalar values, and links kept as sorted key lists.
SCALAR_FIELDS = (
    "name",
    "description",
    # The Swedish and English versions the catalogue has (the Finnish one is `name`).
    "name_sv",
    "name_en",
    "description_sv",
    "description_en",
    "kind",
    "business_id",
    "is_national",
    *CONTACT_DETAIL_FIELDS,
    "municipality",  # by its code
)
LINK_FIELDS = ("served_regions", "served_municipalities", "services", "target_groups")
FIELDS = SCALAR_FIELDS + LINK_FIELDS


class MalformedRecord(Exception):
    """A record that cannot be read as an organisation: skipped and reported (in Finnish)."""


@dataclass
class Mapping:
    kinds: dict
    default_kind: str
    employment_classes: set
    employment_terms: set
    service_classes: dict
    ontology_terms: dict
    target_groups: dict

    @classmethod
    def load(cls, path=None):
        data = json.loads(Path(path or MAPPING_FILE).read_text(encoding="utf-8"))
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data):
        def entries(section):
            return {k: v for k, v in (data.get(section) or {}).items() if not k.startswith("_")}

        kinds = entries("organization_types")
        valid = set(ActorKind.values)
        unknown = sorted({*kinds.values(), data.get("default_kind", "other")} - valid)
        if unknown:
            raise ValueError(f"Unknown actor kinds in the mapping: {', '.join(unknown)}")
        employment = data.get("employment") or {}
        return cls(
            kinds=kinds,
            default_kind=data.get("default_kind", ActorKind.OTHER),
            employment_classes=set(employment.get("service_classes") or ()),
            employment_terms=set(employment.get("ontology_terms") or ()),
            service_classes=entries("service_classes"),
            ontology_terms=entries("ontology_terms"),
            target_groups=entries("target_groups"),
        )

    def slugs_used(self):
        """Every service and target-group slug the file names."""
        services = {s for slugs in self.service_classes.values() for s in slugs}
        services |= {s for slugs in self.ontology_terms.values() for s in slugs}
        groups = {s for slugs in self.target_groups.values() for s in slugs}
        return services, groups


@dataclass
class Organisation:
    """What PTV says of one organisation, in the actor's terms."""

    ptv_id: str
    modified: str
    texts: dict
    values: dict  # field -> value (FIELDS)
    service_ids: list = field(default_factory=list)

    @property
    def name(self):
        return self.values["name"]


def organisation_header(record):
    """Read an organisation's id, names and service ids; MalformedRecord if it has none."""
    if not isinstance(record, dict):
        raise MalformedRecord(_("tietue ei ole JSON-olio"))
    ptv_id = str(record.get("id") or "").strip()
    if not ptv_id:
        raise MalformedRecord(_("organisaatiolta puuttuu tunnus (id)"))
    names = _names(record.get("organizationNames"), record.get("displayNameType"))
    if not names:
        raise MalformedRecord(_("organisaatiolta %(id)s puuttuu nimi") % {"id": ptv_id})
    services = record.get("services") or []
    if not isinstance(services, list):
        raise MalformedRecord(_("organisaation %(id)s palvelulista on viallinen") % {"id": ptv_id})
    service_ids = []
    for link in services:
        service_id = (
            ((link or {}).get("service") or {}).get("id") if isinstance(link, dict) else None
        )
        if service_id and service_id not in service_ids:
            service_ids.append(service_id)
    return ptv_id, names, service_ids


def is_employment_related(services, mapping):
    """Whether any of `services` has an employment-related service class or ontology term."""
    return any(
        _class_keys(service) & mapping.employment_classes
        or _term_keys(service) & mapping.employment_terms
        for service in services
    )


def channel_ids(services):
    """The ids of the service channels linked to `services`, in order, once each."""
    ids = []
    for service in services:
        for link in service.get("serviceChannels") or []:
            channel_id = ((link or {}).get("serviceChannel") or {}).get("id")
            if channel_id and channel_id not in ids:
                ids.append(channel_id)
    return ids


def organisation(record, services, channels, mapping):
    """Map an organisation with its services and channels; MalformedRecord if it is bad."""
    ptv_id, names, service_ids = organisation_header(record)
    descriptions = _localized(record.get("organizationDescriptions"), "Description") or (
        _localized(record.get("organizationDescriptions"), "Summary")
    )
    business_id = str(record.get("businessCode") or "").strip()
    if business_id:
        try:
            validate_business_id(business_id)
        except ValidationError:
            raise MalformedRecord(
                _("organisaation %(id)s Y-tunnus %(code)s on virheellinen")
                % {"id": ptv_id, "code": business_id}
            ) from None
    kind = mapping.kinds.get(record.get("organizationType") or "", mapping.default_kind)
    national = record.get("areaType") in NATIONWIDE
    regions, municipalities = set(), set()
    if not national:
        for area in record.get("areas") or []:
            if area.get("type") in REGION_AREA_TYPES and area.get("code"):
                regions.add(str(area["code"]))
            elif area.get("type") == "Municipality" and area.get("code"):
                municipalities.add(str(area["code"]))
            else:  # a business region or hospital district: the municipalities in it
                municipalities |= {str(m["code"]) for m in area.get("municipalities") or () if m}
        municipalities |= {
            str(m["code"]) for m in record.get("areaMunicipalities") or () if m and m.get("code")
        }
    address = _visiting_address(record.get("addresses"), "Visiting") or next(
        (
            found
            for channel in channels
            if (found := _visiting_address(channel.get("addresses"), "Location"))
        ),
        None,
    )
    home = ((record.get("municipality") or {}).get("code")) or (address or {}).get("municipality")
    texts = {"name": names}
    if descriptions:
        texts["description"] = descriptions
    values = {
        "name": _first(names)[:250],
        "description": _first(descriptions),
        "name_sv": names.get("sv", "")[:250],
        "name_en": names.get("en", "")[:250],
        "description_sv": (descriptions or {}).get("sv", ""),
        "description_en": (descriptions or {}).get("en", ""),
        "kind": kind,
        "business_id": business_id,
        "is_national": national,
        "website": _website(record, channels),
        "email": _email(record, channels),
        "phone": _phone(record, channels),
        "street_address": (address or {}).get("street", ""),
        "postal_code": (address or {}).get("postal_code", ""),
        "post_office": (address or {}).get("post_office", ""),
        "municipality": str(home or ""),
        "served_regions": sorted(regions),
        "served_municipalities": sorted(municipalities),
        "services": sorted(_service_slugs(services, mapping)),
        "target_groups": sorted(_target_group_slugs(services, mapping)),
    }
    return Organisation(
        ptv_id=ptv_id,
        modified=str(record.get("modified") or ""),
        texts=texts,
        values=values,
        service_ids=service_ids,
    )


# -- reading PTV's structures ------------------------------------------------------------------


def _first(versions):
    """The Finnish version, else the Swedish, else the English, else ""."""
    return next((versions[lang] for lang in LANGUAGES if versions.get(lang)), "")


def _localized(items, item_type=None):
    """{language: value} of a PTV localized list, of one `type` if given."""
    versions = {}
    for item in items or ():
        if not isinstance(item, dict) or (item_type and item.get("type") != item_type):
            continue
        language, value = item.get("language"), (item.get("value") or "").strip()
        if language in LANGUAGES and value and language not in versions:
            versions[language] = value
    return versions


def _names(items, display_types):
    """The display name in each language: the type displayNameType asks for, else "Name"."""
    preferred = {
        d.get("language"): d.get("type") for d in display_types or () if isinstance(d, dict)
    }
    names = {}
    for language in LANGUAGES:
        wanted = preferred.get(language) or "Name"
        for item_type in (wanted, "Name"):
            value = _localized(items, item_type).get(language)
            if value:
                names[language] = value
                break
    return names


def _class_keys(service):
    keys = set()
    for item in service.get("serviceClasses") or ():
        keys |= {item.get("code"), item.get("uri")} - {None, ""}
    return keys


def _term_keys(service):
    return {item.get("uri") for item in service.get("ontologyTerms") or ()} - {None, ""}


def _service_slugs(services, mapping):
    slugs = set()
    for service in services:
        for key in _class_keys(service):
            slugs.update(mapping.service_classes.get(key, ()))
        for key in _term_keys(service):
            slugs.update(mapping.ontology_terms.get(key, ()))
    return slugs


def _target_group_slugs(services, mapping):
    slugs = set()
    for service in services:
        for group in service.get("targetGroups") or ():
            slugs.update(mapping.target_groups.get(group.get("code"), ()))
    return slugs


def _by_language(items, key):
    """The `key` of the first item in Finnish, else Swedish, else English, else any."""
    items = [item for item in items or () if isinstance(item, dict) and item.get(key)]
    for language in LANGUAGES:
        for item in items:
            if item.get("language") == language:
                return item[key]
    return items[0][key] if items else ""


def _visiting_address(addresses, visiting_type):
    """Street, postal code, post office and municipality code of the first street address of
    `visiting_type` ("Visiting" on organisations, "Location" on service locations)."""
    for address in addresses or ():
        street = (address or {}).get("streetAddress")
        if address.get("type") != visiting_type or not street:
            continue
        name = _first(_localized(street.get("street")))
        number = (street.get("streetNumber") or "").strip()
        return {
            "street": f"{name} {number}".strip()[:200],
            "postal_code": (street.get("postalCode") or "").strip()[:10],
            "post_office": _first(_localized(street.get("postOffice")))[:100],
            "municipality": (street.get("municipality") or {}).get("code") or "",
        }
    return None


def _email(record, channels):
    email = _by_language(record.get("emails"), "value")
    for channel in channels:
        email = email or _by_language(channel.get("supportEmails"), "value")
    return email.strip()[:254]


def _phone(record, channels):
    phones = list(record.get("phoneNumbers") or ())
    for channel in channels:
        phones += [
            p for p in channel.get("phoneNumbers") or () if p.get("type", "Phone") == "Phone"
        ]
        phones += list(channel.get("supportPhones") or ())
    for language in LANGUAGES:
        for phone in phones:
            if phone.get("language") == language and phone.get("number"):
                prefix = "" if phone.get("isFinnishServiceNumber") else phone.get("prefixNumber")
                return " ".join(p for p in (prefix, phone["number"]) if p).strip()[:50]
    return ""


def _website(record, channels):
    url = _by_language(record.get("webPages"), "url")
    for channel in channels:
        url = url or _by_language(channel.get("webPages"), "url")
    return url.strip()[:500]
