from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import print_views, views

app_name = "directory"

LIST_PRINT = {"scope": "list", "slug": ""}

urlpatterns = [
    path("", views.home, name="home"),
    path(_("haku/"), views.site_search, name="search"),
    path(_("alueet/"), views.RegionListView.as_view(), name="regions"),
    path(_("alueet/<slug:slug>/"), views.region_detail, name="region"),
    path(_("kunnat/"), views.municipality_search, name="municipality_search"),
    path(_("kunnat/ehdotukset/"), views.municipality_suggestions, name="municipality_suggestions"),
    path(_("kunnat/<slug:slug>/"), views.municipality_detail, name="municipality"),
    path(_("toimijat/"), views.ActorListView.as_view(), name="actors"),
    # Workshop prints of the actor list's selection, before the actor pages' <slug>.
    path(_("toimijat/tulosta/"), print_views.print_page, LIST_PRINT, name="list_print"),
    path(_("toimijat/tulosta.pdf"), print_views.print_pdf, LIST_PRINT, name="list_print_pdf"),
    path(_("toimijat/toimijat.csv"), print_views.print_csv, LIST_PRINT, name="list_csv"),
    path(_("toimijat/<slug:slug>/"), views.ActorDetailView.as_view(), name="actor"),
    path(
        _("rahoitus/<slug:slug>/"), views.FundingSourceDetailView.as_view(), name="funding_source"
    ),
    # Workshop prints of an area's actors (directory/print_views.py).
    path(
        _("alueet/<slug:slug>/tulosta/"),
        print_views.print_page,
        {"scope": "region"},
        name="region_print",
    ),
    path(
        _("alueet/<slug:slug>/tulosta.pdf"),
        print_views.print_pdf,
        {"scope": "region"},
        name="region_print_pdf",
    ),
    path(
        _("alueet/<slug:slug>/toimijat.csv"),
        print_views.print_csv,
        {"scope": "region"},
        name="region_csv",
    ),
    path(
        _("kunnat/<slug:slug>/tulosta/"),
        print_views.print_page,
        {"scope": "municipality"},
        name="municipality_print",
    ),
    path(
        _("kunnat/<slug:slug>/tulosta.pdf"),
        print_views.print_pdf,
        {"scope": "municipality"},
        name="municipality_print_pdf",
    ),
    path(
        _("kunnat/<slug:slug>/toimijat.csv"),
        print_views.print_csv,
        {"scope": "municipality"},
        name="municipality_csv",
    ),
]
