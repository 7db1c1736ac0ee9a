from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    """Imports from national catalogues (Suomi.fi Palvelutietovaranto); see docs/catalogue.md."""

    name = "catalogue"
    verbose_name = _("Kansalliset luettelot")
