"""The terms of the directory's open data: its licence, attribution and sources (the data
package, the profile, the OpenAPI description and the "Avoin data" page name them alike).

The outside catalogues whose data published actors hold (keko.registry.data_sources: PTV,
YTJ once imported) are carried along, with their own attribution."""

from keko import registry

LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Nimeä 4.0 Kansainvälinen (CC BY 4.0)",
    "path": "https://creativecommons.org/licenses/by/4.0/deed.fi",
}
ATTRIBUTION = (
    "Lähde: KeKo-hakemisto (CC BY 4.0). Maakunnat ja kunnat: Tilastokeskuksen "
    "maakunta- ja kuntaluokitukset (CC BY 4.0)."
)
SOURCES = [
    {"title": "KeKo-hakemisto"},
    {
        "title": "Tilastokeskus: maakunta- ja kuntaluokitukset (CC BY 4.0)",
        "path": "https://stat.fi/fi/luokitukset/",
    },
]


def sources():
    """The sources of the published data: the directory, Statistics Finland, and the outside
    catalogues in use."""
    return [*SOURCES, *({"title": s["title"], "path": s["path"]} for s in registry.data_sources())]


def attribution():
    """The attribution text, with the outside catalogues' in use."""
    return " ".join([ATTRIBUTION, *(s["attribution"] for s in registry.data_sources())])
