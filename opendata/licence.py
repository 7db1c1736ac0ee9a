"""The terms of the directory's open data: its licence, attribution and sources (the data
package, the profile, the OpenAPI description and the "Avoin data" page name them alike)."""

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
