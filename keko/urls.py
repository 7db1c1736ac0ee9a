"""The root URLconf: each app's URLs under its path. Apps are named by their URLconf modules
(strings), so that the base imports no app."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "saavutettavuusseloste/",
        views.accessibility_statement,
        name="accessibility_statement",
    ),
    # Before the directory: its funding-source pattern would take "kalenteri" for a slug.
    path("rahoitus/", include("funding.urls")),
    path("kaytannot/", include("practices.urls")),
    path("kasitteet/", include("glossary.urls")),
    path("", include("curation.urls")),
    path("api/hsds/", include("opendata.urls")),
    path("", include("opendata.site_urls")),  # /avoin-data/, the areas' muutokset.atom
    path("", include("directory.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]
