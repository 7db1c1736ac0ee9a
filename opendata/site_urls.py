"""The open-data addresses outside /api/hsds/, included at the site's root before the
directory's URLs: the "Avoin data" page and the areas' Atom feeds of changes, which sit beside
the area pages (/alueet/<slug>/, /kunnat/<slug>/) whose changes they follow."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import feeds, pages

app_name = "opendata_site"

urlpatterns = [
    path(_("avoin-data/"), pages.open_data, name="page"),
    path(_("alueet/<slug:slug>/muutokset.atom"), feeds.RegionChangesFeed(), name="region_feed"),
    path(
        _("kunnat/<slug:slug>/muutokset.atom"),
        feeds.MunicipalityChangesFeed(),
        name="municipality_feed",
    ),
]
