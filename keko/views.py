import logging
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from actors.models import Actor, Region
from funding.models import FundingSource
from glossary.models import Term
from keko.cache import cache_public_page
from keko.forms import SearchForm
from practices.models import Practice

logger = logging.getLogger(__name__)

SEARCH_GROUP_SIZE = 10
MAP_PATH = Path(settings.BASE_DIR) / "fixtures" / "reference" / "regions.svg"


@lru_cache
def region_map_paths():
    """Return the region map's path outlines by region code, read once per process."""
    svg = MAP_PATH.read_text(encoding="utf-8")
    return {code: d for code, d in re.findall(r'<path id="region-(\d\d)"[^>]* d="([^"]+)"', svg)}


def home_figures():
    """Return how many published entries of each kind the directory holds."""
    return {
        "actors": Actor.objects.published().active().count(),
        "funding": FundingSource.objects.published().count(),
        "practices": Practice.objects.published().count(),
        "terms": Term.objects.published().count(),
    }


@cache_public_page
def home(request):
    paths = region_map_paths()
    regions = list(Region.objects.all())
    for region in regions:
        region.map_path = paths.get(region.code, "")
    return render(request, "home.html", {"regions": regions, "figures": home_figures()})


@cache_public_page
def site_search(request):
    """Search actors, practices, funding and terms at once; show the best of each kind."""
    form = SearchForm(request.GET or None)
    groups = []
    if form.is_valid():
        text = form.cleaned_data["q"]
        groups = [
            {
                "kind": "actors",
                "title": _("Toimijat"),
                # The actor list hides ended actors by default; the search includes them.
                "list_url": reverse("actors:list") + "?" + urlencode({"q": text, "voimassa": "0"}),
                "results": Actor.objects.published().search(text).for_list(),
            },
            {
                "kind": "practices",
                "title": _("Hyvät käytännöt"),
                "list_url": reverse("practices:list") + "?" + urlencode({"q": text}),
                "results": Practice.objects.published().search(text).for_list(),
            },
            {
                "kind": "funding",
                "title": _("Rahoitus"),
                "list_url": reverse("funding:list") + "?" + urlencode({"q": text}),
                "results": FundingSource.objects.published().search(text),
            },
            {
                "kind": "terms",
                "title": _("Käsitteet"),
                "list_url": reverse("glossary:list") + "?" + urlencode({"q": text}),
                "results": Term.objects.published().search(text),
            },
        ]
        for group in groups:
            results = group.pop("results")
            group["count"] = results.count()
            group["first"] = list(results[:SEARCH_GROUP_SIZE]) if group["count"] else []
    return render(
        request,
        "search.html",
        {
            "form": form,
            "groups": groups,
            "total": sum(group["count"] for group in groups),
        },
    )


@never_cache
def healthz(request):
    """Report whether the site can reach its database, for the load balancer and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.error("Health check failed: %s", error)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
