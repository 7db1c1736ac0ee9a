from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/minimal/", views.minimal, name="bench_minimal"),
    path("bench/edit/<slug:slug>/", views.edit, name="bench_edit"),
    path("", include("keko.urls")),
]
