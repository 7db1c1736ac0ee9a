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
from keko.cache import cache_public_page, cached
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
    # Published data, the same for every visitor: cached in the shared cache (keko/cache.py).
    regions = cached(["regions"], lambda: list(Region.objects.all()))
    for region in regions:
        region.map_path = paths.get(region.code, "")
    return render(
        request,
        "home.html",
        {"regions": regions, "figures": cached(["home-figures"], home_figures)},
    )


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
                "model": Actor.objects.published(),
                "rows": Actor.objects.for_list(),
            },
            {
                "kind": "practices",
                "title": _("Hyvät käytännöt"),
                "list_url": reverse("practices:list") + "?" + urlencode({"q": text}),
                "model": Practice.objects.published(),
                "rows": Practice.objects.for_list(),
            },
            {
                "kind": "funding",
                "title": _("Rahoitus"),
                "list_url": reverse("funding:list") + "?" + urlencode({"q": text}),
                "model": FundingSource.objects.published(),
                "rows": FundingSource.objects.select_related("administrator"),
            },
            {
                "kind": "terms",
                "title": _("Käsitteet"),
                "list_url": reverse("glossary:list") + "?" + urlencode({"q": text}),
                "model": Term.objects.published(),
                "rows": Term.objects.all(),
            },
        ]
        for group in groups:
            # Ranking every match is the costly part, and the results are published data:
            # keep the count and the best matches' keys under the directory version.
            results = group.pop("model").search(text)
            group["count"], pks = cached(
                ("search", group["kind"], text),
                lambda results=results: (
                    results.count(),
                    list(results.values_list("pk", flat=True)[:SEARCH_GROUP_SIZE]),
                ),
            )
            rows = {row.pk: row for row in group.pop("rows").filter(pk__in=pks)} if pks else {}
            group["first"] = [rows[pk] for pk in pks if pk in rows]
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
