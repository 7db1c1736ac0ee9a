from django.urls import path

from curation import views as curation_views

from . import print_views, views
from .models import Actor

app_name = "actors"

urlpatterns = [
    path("alueet/", views.RegionListView.as_view(), name="regions"),
    path("alueet/<slug:slug>/", views.region_detail, name="region"),
    path("kunnat/", views.municipality_search, name="municipality_search"),
    path("kunnat/<slug:slug>/", views.municipality_detail, name="municipality"),
    path("toimijat/", views.ActorListView.as_view(), name="list"),
    path("toimijat/<slug:slug>/", views.ActorDetailView.as_view(), name="detail"),
    # Workshop prints of an area's actors (actors/print_views.py).
    path(
        "alueet/<slug:slug>/tulosta/",
        print_views.print_page,
        {"scope": "region"},
        name="region_print",
    ),
    path(
        "alueet/<slug:slug>/tulosta.pdf",
        print_views.print_pdf,
        {"scope": "region"},
        name="region_print_pdf",
    ),
    path(
        "alueet/<slug:slug>/toimijat.csv",
        print_views.print_csv,
        {"scope": "region"},
        name="region_csv",
    ),
    path(
        "kunnat/<slug:slug>/tulosta/",
        print_views.print_page,
        {"scope": "municipality"},
        name="municipality_print",
    ),
    path(
        "kunnat/<slug:slug>/tulosta.pdf",
        print_views.print_pdf,
        {"scope": "municipality"},
        name="municipality_print_pdf",
    ),
    path(
        "kunnat/<slug:slug>/toimijat.csv",
        print_views.print_csv,
        {"scope": "municipality"},
        name="municipality_csv",
    ),
    # Visitors' corrections (curation/views.py).
    path(
        "toimijat/<slug:slug>/korjaus/",
        curation_views.correction,
        {"model": Actor},
        name="correction",
    ),
    path(
        "toimijat/<slug:slug>/korjaus/kiitos/",
        curation_views.correction_thanks,
        {"model": Actor},
        name="correction_thanks",
    ),
]
