"""The root URLconf: each app's URLs under its path. Apps are named by their URLconf modules
(strings), so that the base imports no app.

The public pages are in three languages: Finnish at the root (every address of the Finnish site
stays as it was), Swedish under /sv/ and English under /en/, with the path words translated in
the catalogues (locale/). The admin, the API and the health check are outside the prefixes and
always Finnish."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/hsds/", include("opendata.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]

urlpatterns += i18n_patterns(
    # The scripts' texts in the page's language (locale/*/LC_MESSAGES/djangojs.po).
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path(
        _("saavutettavuusseloste/"),
        views.accessibility_statement,
        name="accessibility_statement",
    ),
    # Before the directory: its funding-source pattern would take "kalenteri" for a slug.
    path(_("rahoitus/"), include("funding.urls")),
    path(_("kaytannot/"), include("practices.urls")),
    path(_("kasitteet/"), include("glossary.urls")),
    path("", include("curation.urls")),
    path("", include("opendata.site_urls")),  # /avoin-data/, the areas' muutokset.atom
    path("", include("directory.urls")),
    prefix_default_language=False,
)
