"""The OpenAPI description served at /api/hsds/openapi.json: HSDS 3.0's own (hsds/openapi.json,
a copy of Open Referral's, CC BY-SA 4.0), with this API's details, the directory's filters as
extension parameters, and the detail of a service at a location pointing to its own schema."""

import copy
import functools
import json
from pathlib import Path

from .licence import LICENSE, attribution

SOURCE = Path(__file__).resolve().parent / "hsds" / "openapi.json"
SERVICE_AT_LOCATION = (
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/compiled/"
    "service_at_location.json"
)

EXTENSIONS = [
    ("region", "Maakunnan tunniste (slug, kuten sivuston osoitteissa); useita pilkuin."),
    ("municipality", "Kunnan tunniste (slug); useita pilkuin."),
    ("kind", "Toimijatyypin koodi (taksonomia Toimijatyypit); useita pilkuin."),
    ("service", "Palvelun tunniste (slug); palveluista vain tämän tyyppiset; useita pilkuin."),
    ("target_group", "Kohderyhmän tunniste (slug); useita pilkuin."),
    ("include_ended", "1: myös toimintansa päättäneet toimijat (oletuksena ei)."),
]


@functools.cache
def _hsds():
    return json.loads(SOURCE.read_text(encoding="utf-8"))


def document(api_url):
    doc = copy.deepcopy(_hsds())
    doc["info"] = {
        "title": "KeKo-hakemiston avoin rajapinta (HSDS 3.0)",
        "version": "1.0",
        "summary": "Työllisyyttä edistävät toimijat ja niiden palvelut Open Referral HSDS 3.0 "
        "-muodossa. Vain julkaistut tiedot.",
        "description": "Kuvaus tietojen vastaavuudesta: docs/open-data.md. Parametrit region, "
        "municipality, kind, service, target_group ja include_ended ovat hakemiston omia "
        "laajennuksia. Parametreja format, minimal, full_service, postcode ja proximity ei "
        f"tueta; format on aina json. Tiedot: {attribution()} Tämä kuvaus perustuu Open "
        "Referralin HSDS 3.0 -kuvaukseen (CC BY-SA 4.0).",
        # The data's licence; the description's own is HSDS's, named above.
        "license": {"name": LICENSE["title"], "identifier": LICENSE["name"]},
    }
    doc["servers"] = [{"url": api_url.rstrip("/")}]
    # HSDS's description gives the detail the service's schema, by a slip: it is the
    # service_at_location's.
    detail = doc["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]
    detail["content"]["application/json"]["schema"] = {"$ref": SERVICE_AT_LOCATION}
    for name, description in EXTENSIONS:
        doc["components"]["parameters"][name] = {
            "name": name,
            "in": "query",
            "required": False,
            "description": description,
            "schema": {"type": "string"},
        }
    for path in ("/services", "/organizations", "/service_at_locations"):
        parameters = doc["paths"][path]["get"].setdefault("parameters", [])
        names = [name for name, _ in EXTENSIONS]
        if path == "/organizations":  # served there too, as on /services
            names = ["modified_after", "taxonomy_term_id", *names]
        parameters.extend({"$ref": f"#/components/parameters/{name}"} for name in names)
    return doc
