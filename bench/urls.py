from django.urls import path

from bench import views
from keko.urls import urlpatterns as site_urlpatterns

# The site's own patterns appended, not include()d: Django allows i18n_patterns (the /sv/ and
# /en/ prefixes) only in the root URLconf.
urlpatterns = [
    path("bench/minimal/", views.minimal, name="bench_minimal"),
    path("bench/edit/<slug:slug>/", views.edit, name="bench_edit"),
    *site_urlpatterns,
]
