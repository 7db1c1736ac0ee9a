"""The directory's rows in the shapes of HSDS 3.0 (docs/open-data.md has the mapping).

Read-only DRF serializers: each builds its HSDS object from rows that the views have already
fetched with everything they need (select_related and prefetch_related), so that serializing
a page runs no query. Empty optional values are left out rather than sent as empty strings.
"""

from rest_framework import serializers

from keko.models import Status

from . import identifiers, vocabularies


def _compact(data):
    return {key: value for key, value in data.items() if value not in ("", None, [])}


def _absolute(request, path):
    return request.build_absolute_uri(path)


def service_status(actor):
    """HSDS status of an actor's services: ended actors' are defunct, those not started yet
    inactive (both appear only with include_ended=1)."""
    if actor.has_ended:
        return "defunct"
    return "active" if actor.is_active() else "inactive"


def attribute(link_id, link_entity, term, request):
    return {
        "id": str(identifiers.derived(link_id, f"attribute:{term.id}")),
        "link_id": str(link_id),
        "link_type": term.key,
        "link_entity": link_entity,
        "taxonomy_term_id": str(term.id),
        "taxonomy_term": term.as_hsds(request),
    }


def phone(number, owner_id, **links):
    return {
        "id": str(identifiers.derived(owner_id, "phone")),
        **{key: str(value) for key, value in links.items()},
        "number": number,
    }


def service_areas(actor, service_id, request):
    """The areas an actor serves, as on its page: the whole country, its regions and
    municipalities, or else its home municipality. Extents are text: "FI", "maakunta:<code>",
    "kunta:<code>" (Statistics Finland's codes)."""
    areas = []
    if actor.is_national:
        areas.append(("FI", "Suomi", None))
    areas += [(f"maakunta:{r.code}", r.name_fi, r) for r in actor.served_regions.all()]
    areas += [(f"kunta:{m.code}", m.name_fi, m) for m in actor.served_municipalities.all()]
    if not areas and actor.municipality_id:
        m = actor.municipality
        areas.append((f"kunta:{m.code}", m.name_fi, m))
    return [
        _compact(
            {
                "id": str(identifiers.derived(service_id, f"area:{extent}")),
                "service_id": str(service_id),
                "name": name,
                "extent": extent,
                "extent_type": "text",
                "uri": _absolute(request, area.get_absolute_url()) if area else None,
            }
        )
        for extent, name, area in areas
    ]


class HSDSSerializer(serializers.BaseSerializer):
    """`full`: the nested form (HSDS's `full` parameter)."""

    def __init__(self, *args, full=False, **kwargs):
        self.full = full
        super().__init__(*args, **kwargs)

    @property
    def request(self):
        return self.context["request"]


class OrganizationSerializer(HSDSSerializer):
    """An actor: its own fields (the list), or with `full` its identifiers, phone, public
    contacts, visiting address, funding, kind and services (the detail)."""

    def to_representation(self, actor):
        data = organization_fields(actor, self.request)
        if self.full:
            data.update(self.related(actor))
        return data

    def related(self, actor):
        request, org_id = self.request, actor.uuid
        data = {}
        if actor.business_id:
            data["organization_identifiers"] = [
                {
                    "id": str(identifiers.derived(org_id, "identifier:FI-PRO")),
                    "organization_id": str(org_id),
                    "identifier_scheme": "FI-PRO",
                    "identifier_type": "Y-tunnus",
                    "identifier": actor.business_id,
                }
            ]
        if actor.phone:
            data["phones"] = [phone(actor.phone, org_id, organization_id=org_id)]
        data["contacts"] = [contact(c, org_id) for c in actor.public_contacts]
        if actor.street_address:
            data["locations"] = [location(actor)]
        data["funding"] = [
            {
                "id": str(funding.uuid),
                "organization_id": str(org_id),
                "source": funding_source_text(funding),
            }
            for funding in actor.published_fundings
        ]
        data["attributes"] = [
            attribute(org_id, "organization", vocabularies.kind_term(actor.kind), request)
        ]
        data["services"] = [
            service_fields(actor, service, request, organization=False)
            for service in actor.services.all()
        ]
        return _compact(data)


def organization_fields(actor, request):
    parent = actor.parent
    data = {"id": str(actor.uuid), "name": actor.name, "description": actor.description}
    return data | _compact(
        {
            "email": actor.email,
            "website": actor.website,
            "uri": _absolute(request, actor.get_absolute_url()),
            "parent_organization_id": (
                str(parent.uuid) if parent and parent.status == Status.PUBLISHED else None
            ),
        }
    )


def contact(c, org_id):
    data = _compact(
        {
            "id": str(c.uuid),
            "organization_id": str(org_id),
            "name": c.name,
            # The directory's contacts are role-based: the role is the title when none is given.
            "title": c.title or c.role.name,
            "email": c.email,
        }
    )
    if c.phone:
        data["phones"] = [phone(c.phone, c.uuid, contact_id=c.uuid)]
    return data


def location(actor):
    location_id = identifiers.derived(actor.uuid, "location")
    municipality = actor.municipality
    return {
        "id": str(location_id),
        "location_type": "physical",
        "organization_id": str(actor.uuid),
        "name": actor.name,
        "addresses": [
            {
                "id": str(identifiers.derived(actor.uuid, "address")),
                "location_id": str(location_id),
                "address_1": actor.street_address,
                "city": actor.post_office or (municipality.name_fi if municipality else ""),
                "state_province": municipality.region.name_fi if municipality else "",
                "postal_code": actor.postal_code,
                "country": "FI",
                "address_type": "physical",
            }
        ],
    }


def funding_source_text(funding):
    years = "–".join(str(y) for y in (funding.start_year, funding.end_year) if y)
    name = funding.funding_source.name
    return f"{name} ({years})" if years else name


def service_fields(actor, service, request, organization=True):
    service_id = identifiers.service_id(actor.uuid, service.uuid)
    data = _compact(
        {
            "id": str(service_id),
            "organization_id": str(actor.uuid),
            "name": service.name,
            "description": service.description,
            "url": actor.website,
            "email": actor.email,
            "status": service_status(actor),
            "last_modified": actor.updated_at.isoformat(),
        }
    )
    if organization:
        data["organization"] = organization_fields(actor, request)
    return data


class ServiceSerializer(HSDSSerializer):
    """A service an actor offers (a row of Actor.services.through): its own fields and its
    organization's (the list), or with `full` also its phone, areas and taxonomy terms."""

    def to_representation(self, link):
        actor, service = link.actor, link.servicetype
        request = self.request
        data = service_fields(actor, service, request)
        if not self.full:
            return data
        service_id = identifiers.service_id(actor.uuid, service.uuid)
        if actor.phone:
            data["phones"] = [phone(actor.phone, service_id, service_id=service_id)]
        data["service_areas"] = service_areas(actor, service_id, request)
        terms = [vocabularies.service_term(service)]
        terms += [vocabularies.target_group_term(g) for g in actor.target_groups.all()]
        data["attributes"] = [attribute(service_id, "service", term, request) for term in terms]
        return data


class ServiceAtLocationSerializer(HSDSSerializer):
    """A service at its actor's location: the actor's visiting address is the one location an
    actor has (services of actors without one have none). The list nests the location's and the
    service's one-to-one fields; with `full`, the address and the nested service."""

    def to_representation(self, link):
        actor = link.actor
        service_id = identifiers.service_id(actor.uuid, link.servicetype.uuid)
        place = location(actor)
        if not self.full:
            place = {key: value for key, value in place.items() if key != "addresses"}
        return {
            "id": str(identifiers.service_at_location_id(service_id)),
            "service_id": str(service_id),
            "location_id": place["id"],
            "location": place,
            "service": ServiceSerializer(link, full=self.full, context=self.context).data,
        }


class TaxonomySerializer(HSDSSerializer):
    def to_representation(self, key):
        return vocabularies.taxonomy(key)


class TaxonomyTermSerializer(HSDSSerializer):
    def to_representation(self, term):
        return term.as_hsds(self.request)
