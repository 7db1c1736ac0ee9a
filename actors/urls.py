from django.urls import path

from . import views

app_name = "actors"

urlpatterns = [
    path("alueet/", views.RegionListView.as_view(), name="regions"),
    path("alueet/<slug:slug>/", views.region_detail, name="region"),
    path("kunnat/", views.municipality_search, name="municipality_search"),
    path("kunnat/<slug:slug>/", views.municipality_detail, name="municipality"),
    path("toimijat/", views.ActorListView.as_view(), name="list"),
    path("toimijat/<slug:slug>/", views.ActorDetailView.as_view(), name="detail"),
]
