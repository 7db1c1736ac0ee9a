"""Discover the project's own apps and the models that hold directory content.

Lists of "every model of the directory" are never written by hand: a domain app declares
itself with `ContentAppConfig`, and whatever must cover every such model (the page cache's
invalidation, backups, the curators' permissions) asks here. So with outside data: an app that
imports it names the sources in use with a `data_sources()` method of its AppConfig, and the
open data's attribution asks `data_sources()` here. Apps subclass it as
`registry.ContentAppConfig`: Django takes the only AppConfig class named in an apps.py as the
app's, so the base class is not imported by name.
"""

from pathlib import Path

from django.apps import AppConfig, apps
from django.conf import settings


class ContentAppConfig(AppConfig):
    """The AppConfig of an app whose models hold directory content shown on public pages."""

    directory_content = True

    def loaded_in_bulk(self):
        """Rebuild what the app derives from its rows on every save, after a load that
        bypassed those saves' signals (a restore). Nothing by default."""


def project_app_configs():
    """Return the installed apps of this project (not Django's or a library's), with models."""
    base = Path(settings.BASE_DIR).resolve()
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base and config.models_module is not None
    ]


def directory_models():
    """Return every model whose rows a public page may show, the edit history left out, and
    so are the models marked `derived_data = True`: rows an app rebuilds from the others on
    their every save, which already tells whoever listens (actors.areas)."""
    # Imported here: this module is loaded with the AppConfigs, before any model can be.
    from simple_history.models import HistoricalChanges

    return [
        model
        for config in apps.get_app_configs()
        if getattr(config, "directory_content", False)
        for model in config.get_models()
        if not issubclass(model, HistoricalChanges) and not getattr(model, "derived_data", False)
    ]


def data_sources():
    """Return the outside sources whose data the published directory holds: the dicts
    (title, path, attribution) that apps' `AppConfig.data_sources()` give."""
    return [
        source
        for config in apps.get_app_configs()
        if hasattr(config, "data_sources")
        for source in config.data_sources()
    ]
