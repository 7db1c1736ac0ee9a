from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The terms of each catalogue's open data, carried into the directory's (keko.registry).
SOURCE_TERMS = {
    "ptv": {
        "title": "Suomi.fi-palvelutietovaranto (PTV), Digi- ja väestötietovirasto (CC BY 4.0)",
        "path": "https://kehittajille.suomi.fi/palvelut/palvelutietovaranto",
        "attribution": "Osa tiedoista: Suomi.fi-palvelutietovaranto, DVV (CC BY 4.0).",
    },
    "ytj": {
        "title": "Yritys- ja yhteisötietojärjestelmä (YTJ), Patentti- ja rekisterihallitus "
        "(CC BY 4.0)",
        "path": "https://avoindata.prh.fi/",
        "attribution": "Osa tiedoista: YTJ:n avoin data, PRH (CC BY 4.0).",
    },
}


class CatalogueConfig(AppConfig):
    """Imports from national catalogues (Suomi.fi Palvelutietovaranto); see docs/catalogue.md."""

    name = "catalogue"
    verbose_name = _("Kansalliset luettelot")

    def data_sources(self):
        """The catalogues whose values published actors hold (by their provenance)."""
        from keko.models import Status

        from .models import FieldProvenance

        used = (
            FieldProvenance.objects.filter(actor__status=Status.PUBLISHED)
            .order_by("source")
            .values_list("source", flat=True)
            .distinct()
        )
        return [SOURCE_TERMS[source] for source in used if source in SOURCE_TERMS]
