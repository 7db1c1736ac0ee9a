"""The directory's vocabularies as HSDS taxonomies and taxonomy terms.

Four taxonomies: the actor kinds (choices, so their term ids are derived), the service types,
the target groups, and the areas (regions, with their municipalities as child terms).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from actors.models import ActorKind, Municipality, Region, ServiceType, TargetGroup

from . import identifiers

KINDS, SERVICES, TARGET_GROUPS, AREAS = "kinds", "services", "target_groups", "areas"

TAXONOMIES = {
    KINDS: ("Toimijatyypit", "KeKo-hakemiston toimijatyypit: millainen toimija on."),
    SERVICES: (
        "Palvelut",
        "KeKo-hakemiston palvelut: työllisyyttä edistävien palvelujen alat (KeKo-käsikirja).",
    ),
    TARGET_GROUPS: ("Kohderyhmät", "KeKo-hakemiston kohderyhmät: kenelle palvelut on tarkoitettu."),
    AREAS: (
        "Maakunnat ja kunnat",
        "Tilastokeskuksen maakunta- ja kuntaluokitus; kunnat ovat maakuntiensa alatermejä. "
        "Termin koodi on luokituksen koodi.",
    ),
}


def taxonomy(key):
    name, description = TAXONOMIES[key]
    return {
        "id": str(identifiers.taxonomy_id(key)),
        "name": name,
        "description": description,
    }


def taxonomies():
    return [taxonomy(key) for key in TAXONOMIES]


@dataclass(frozen=True)
class Term:
    """A term of one of the taxonomies, whatever the row (or choice) behind it."""

    key: str  # the taxonomy
    id: object  # UUID
    code: str
    name: str
    description: str = ""
    parent_id: object = None
    path: str = ""  # the term's page on the site
    obj: object = None  # the row, if any

    def as_hsds(self, request):
        data = {
            "id": str(self.id),
            "code": self.code,
            "name": self.name,
            "description": self.description,
            "taxonomy": TAXONOMIES[self.key][0],
            "taxonomy_id": str(identifiers.taxonomy_id(self.key)),
            "language": "fi",
        }
        if self.parent_id:
            data["parent_id"] = str(self.parent_id)
        if self.path:
            data["term_uri"] = request.build_absolute_uri(self.path)
        return data


def _listed(**params):
    return f"{reverse('directory:actors')}?{urlencode(params)}"


def kind_term(kind):
    kind = ActorKind(kind)
    return Term(
        KINDS,
        identifiers.kind_term_id(kind.value),
        kind.value,
        str(kind.label),
        path=_listed(tyyppi=getattr(kind, "url_slug", kind.value)),
    )


def service_term(service):
    return Term(
        SERVICES,
        service.uuid,
        service.slug,
        service.name,
        service.description,
        path=_listed(palvelu=service.slug),
        obj=service,
    )


def target_group_term(group):
    return Term(
        TARGET_GROUPS,
        group.uuid,
        group.slug,
        group.name,
        path=_listed(kohderyhma=group.slug),
        obj=group,
    )


def region_term(region):
    return Term(
        AREAS,
        region.uuid,
        region.code,
        region.name_fi,
        "Maakunta",
        path=region.get_absolute_url(),
        obj=region,
    )


def municipality_term(municipality, region_uuid):
    return Term(
        AREAS,
        municipality.uuid,
        municipality.code,
        municipality.name_fi,
        "Kunta",
        parent_id=region_uuid,
        path=municipality.get_absolute_url(),
        obj=municipality,
    )


def all_terms(keys=tuple(TAXONOMIES)):
    """Return every term of the taxonomies `keys`, in a fixed number of queries (one a table)."""
    terms = []
    if KINDS in keys:
        terms += [kind_term(kind) for kind in ActorKind.values]
    if SERVICES in keys:
        terms += [service_term(s) for s in ServiceType.objects.all()]
    if TARGET_GROUPS in keys:
        terms += [target_group_term(g) for g in TargetGroup.objects.all()]
    if AREAS in keys:
        regions = list(Region.objects.order_by("code"))
        terms += [region_term(r) for r in regions]
        region_uuids = {r.pk: r.uuid for r in regions}
        terms += [
            municipality_term(m, region_uuids.get(m.region_id))
            for m in Municipality.objects.order_by("code")
        ]
    return terms


def find_term(term_id):
    """Return the Term with the UUID `term_id`, or None: a query a table at most."""
    for kind in ActorKind.values:
        if identifiers.kind_term_id(kind) == term_id:
            return kind_term(kind)
    for model, build in (
        (ServiceType, service_term),
        (TargetGroup, target_group_term),
        (Region, region_term),
    ):
        row = model.objects.filter(uuid=term_id).first()
        if row:
            return build(row)
    municipality = Municipality.objects.filter(uuid=term_id).select_related("region").first()
    if municipality:
        return municipality_term(municipality, municipality.region.uuid)
    return None
