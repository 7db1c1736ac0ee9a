"""The KeKo-FI profile of HSDS 3.0, published at /api/hsds/profile (the `profile` of `GET /`).

A profile in HSDS's own way: JSON Merge Patches (RFC 7396) of HSDS's schema files, in
hsds/profile/ under the names of the files they patch. They add nothing to HSDS; they require
what this directory always has (the organization's page, the service's organization and last
change, the area as a Statistics Finland code, the Y-tunnus under scheme FI-PRO) and narrow the
values to those it uses. tests/opendata/test_profile.py validates the API against HSDS's
schemas patched with them.
"""

import functools
import json
from pathlib import Path

from django.urls import reverse

from . import vocabularies
from .licence import LICENSE, attribution, sources

HSDS_VERSION = "3.0"
PATCHES = Path(__file__).resolve().parent / "hsds" / "profile"


@functools.cache
def schema_patches():
    """Return {HSDS schema file name: its merge patch}."""
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(PATCHES.glob("*.json"))
    }


def document(request):
    return {
        "name": "KeKo-FI",
        "title": "KeKo-hakemiston HSDS-profiili",
        "hsds_version": HSDS_VERSION,
        "description": (
            "Open Referral HSDS 3.0 ilman lisättyjä kenttiä. Toimija on organisaatio (Y-tunnus: "
            "identifier_scheme FI-PRO), jokainen sen palvelu on palvelu, ja hakemiston sanastot "
            "(toimijatyypit, palvelut, kohderyhmät, maakunnat ja kunnat) ovat taksonomioita. "
            "Palvelualueet ovat tekstiä: FI, maakunta:<koodi> tai kunta:<koodi> "
            "(Tilastokeskuksen luokitukset)."
        ),
        "profile_format": (
            "JSON Merge Patch (RFC 7396) -tiedostot HSDS 3.0:n skeematiedostoihin, kuten HSDS:n "
            "profiilit: schema_patches-kentän avain on korjattavan skeematiedoston nimi."
        ),
        "schema_patches": schema_patches(),
        "api": request.build_absolute_uri(reverse("opendata:root")),
        "taxonomies": vocabularies.taxonomies(),
        "license": LICENSE,
        "attribution": attribution(),
        "sources": sources(),
        "credits": "Open Referral Human Services Data Specification 3.0 (CC BY-SA 4.0)",
    }
