"""The API's identifiers: UUIDs stored on rows, and UUIDs derived from them with uuid5.

Rows the directory stores (actors, contacts, regions, municipalities, service types, target
groups, project funding) carry a random `uuid` of their own, kept for good. What has no row of
its own gets a name-based UUID (RFC 4122 version 5), derived from a stored UUID and a fixed
name, so that it is stable across requests, exports and databases with the same rows:

- a service (an actor × a service type it offers): uuid5(actor.uuid, str(service_type.uuid));
- the parts of an organization or a service (its phone, identifier, service areas, attributes,
  location and address): uuid5(the owner's id, a fixed name such as "phone");
- the vocabularies that are not tables (the taxonomies; the actor kinds, which are choices):
  uuid5(NAMESPACE, a fixed name such as "taxonomy:kinds" or "kind:association").

Never change a name below: every published identifier would change with it.
"""

import uuid

# The namespace of the directory's own derived identifiers; generated once, never to change.
NAMESPACE = uuid.UUID("1aa1b290-1dab-4025-83e5-7cc0932ebb2d")


def derived(owner, name):
    """Return the UUID of the part `name` of the entry identified by `owner` (a UUID)."""
    return uuid.uuid5(owner, name)


def service_id(actor_uuid, service_type_uuid):
    return uuid.uuid5(actor_uuid, str(service_type_uuid))


def service_at_location_id(service_id):
    """A service at its actor's location (the visiting address)."""
    return derived(service_id, "location")


def taxonomy_id(key):
    return uuid.uuid5(NAMESPACE, f"taxonomy:{key}")


def kind_term_id(kind):
    return uuid.uuid5(NAMESPACE, f"kind:{kind}")


def parse(value):
    """Return `value` as a UUID, or None if it is not one."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
