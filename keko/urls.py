from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("haku/", views.site_search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("actors.urls")),
    path("rahoitus/", include("funding.urls")),
    path("kaytannot/", include("practices.urls")),
    path("kasitteet/", include("glossary.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]
