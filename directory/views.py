"""The directory's pages that draw on several apps: home, site search, areas, actors."""

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from actors.models import Actor, Municipality, Region
from funding.models import FundingSource, ProjectFunding
from glossary.models import Term
from keko.cache import cache_public_page
from keko.forms import SearchForm
from keko.models import Status
from keko.pagination import CachedPaginationMixin
from practices.models import Participation, Practice

from .areas import area_directory
from .filters import ActorDirectoryFilter
from .forms import MunicipalitySearchForm
from .print_rendering import print_urls

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
    return render(request, "directory/home.html", {"regions": regions, "figures": home_figures()})


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
                "list_url": reverse("directory:actors")
                + "?"
                + urlencode({"q": text, "voimassa": "0"}),
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
        "directory/search.html",
        {
            "form": form,
            "groups": groups,
            "total": sum(group["count"] for group in groups),
        },
    )


@method_decorator(cache_public_page, name="dispatch")
class ActorListView(CachedPaginationMixin, FilterView):
    filterset_class = ActorDirectoryFilter
    paginate_by = 50
    template_name = "directory/actor_list.html"

    def get_queryset(self):
        # Name, then pk: a stable order that the (status, name, id) index serves.
        return Actor.objects.published().order_by("name", "pk")

    def page_rows(self, pks):
        """Fetch the actors of one page with everything the list shows (deferred join)."""
        return Actor.objects.filter(pk__in=pks).for_list()


@method_decorator(cache_public_page, name="dispatch")
class ActorDetailView(DetailView):
    template_name = "directory/actor_detail.html"

    def get_queryset(self):
        # Drafts of related entries stay hidden, as on their own pages.
        return (
            Actor.objects.visible_to(self.request.user)
            .for_detail()
            .prefetch_related(
                Prefetch(
                    "participations",
                    queryset=Participation.objects.filter(
                        practice__status=Status.PUBLISHED
                    ).select_related("practice"),
                ),
                Prefetch("administered_funding", queryset=FundingSource.objects.published()),
                Prefetch(
                    "fundings",
                    queryset=ProjectFunding.objects.filter(
                        funding_source__status=Status.PUBLISHED
                    ).select_related("funding_source"),
                ),
            )
        )


class FundingSourceDetailView(DetailView):
    template_name = "directory/fundingsource_detail.html"
    context_object_name = "funding"

    def get_queryset(self):
        return (
            FundingSource.objects.visible_to(self.request.user)
            .for_detail()
            .prefetch_related(Prefetch("practices", queryset=Practice.objects.published()))
        )


class RegionListView(ListView):
    template_name = "directory/region_list.html"

    def get_queryset(self):
        return Region.objects.annotate(municipality_count=Count("municipalities"))


def _area_page(request, *, area, region, actors, filter_query, **extra):
    """Render a region's or a municipality's page: its published, active `actors`."""
    return render(
        request,
        "directory/area_detail.html",
        {
            "area": area,
            "region": region,
            "directory": area_directory(actors, regions=[region]),
            "list_url": f"{reverse('directory:actors')}?{urlencode(filter_query)}",
            "print_urls": print_urls(area),
            **extra,
        },
    )


@cache_public_page
def region_detail(request, slug):
    region = get_object_or_404(Region, slug=slug)
    return _area_page(
        request,
        area=region,
        region=region,
        actors=Actor.objects.published().active().serving_regions([region]),
        filter_query={"alue": region.slug},
        municipalities=region.municipalities.all(),
    )


@cache_public_page
def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality.objects.select_related("region"), slug=slug)
    return _area_page(
        request,
        area=municipality,
        region=municipality.region,
        actors=Actor.objects.published().active().serving_municipalities([municipality]),
        filter_query={"kunta": municipality.slug},
    )


def municipality_search(request):
    """Find a municipality by name from the home page's search box."""
    form = MunicipalitySearchForm(request.GET)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    matches = Municipality.objects.none()
    if text:
        matches = Municipality.objects.filter(
            Q(name_fi__istartswith=text) | Q(name_sv__istartswith=text)
        ).select_related("region")
        exact = [m for m in matches if text.lower() in (m.name_fi.lower(), m.name_sv.lower())]
        if len(exact) == 1:
            return redirect(exact[0])
        if len(matches) == 1:
            return redirect(matches[0])
    return render(
        request,
        "directory/municipality_search.html",
        {"form": form, "q": text, "matches": matches, "title": _("Kuntahaku")},
    )
