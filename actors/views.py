from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from funding.models import FundingSource, ProjectFunding
from keko.cache import cache_public_page
from keko.pagination import SafePaginationMixin
from practices.models import Participation

from .directory import area_directory
from .filters import ActorFilter
from .forms import MunicipalitySearchForm
from .models import Actor, Contact, Municipality, NetworkMembership, Region


@method_decorator(cache_public_page, name="dispatch")
class ActorListView(SafePaginationMixin, FilterView):
    filterset_class = ActorFilter
    paginate_by = 50
    template_name = "actors/actor_list.html"

    def get_queryset(self):
        # Name, then pk: a stable order that the (status, name, id) index serves.
        return Actor.objects.published().order_by("name", "pk")

    def page_rows(self, pks):
        """Fetch the actors of one page with everything the list shows (deferred join)."""
        return Actor.objects.filter(pk__in=pks).for_list()


@method_decorator(cache_public_page, name="dispatch")
class ActorDetailView(DetailView):
    template_name = "actors/actor_detail.html"

    def get_queryset(self):
        return (
            Actor.objects.visible_to(self.request.user)
            .select_related("municipality__region", "parent")
            .prefetch_related(
                "served_municipalities",
                "served_regions",
                "services",
                "target_groups",
                Prefetch("successors", queryset=Actor.objects.published()),
                Prefetch("predecessors", queryset=Actor.objects.published()),
                Prefetch("children", queryset=Actor.objects.published()),
                Prefetch(
                    "contacts", queryset=Contact.objects.filter(public=True).select_related("role")
                ),
                Prefetch(
                    "memberships",
                    queryset=NetworkMembership.objects.filter(
                        member__status="published"
                    ).select_related("member"),
                ),
                Prefetch(
                    "network_memberships",
                    queryset=NetworkMembership.objects.filter(
                        network__status="published"
                    ).select_related("network"),
                ),
                # Drafts of related entries stay hidden, as on their own pages.
                Prefetch(
                    "participations",
                    queryset=Participation.objects.filter(
                        practice__status="published"
                    ).select_related("practice"),
                ),
                Prefetch("administered_funding", queryset=FundingSource.objects.published()),
                Prefetch(
                    "fundings",
                    queryset=ProjectFunding.objects.filter(
                        funding_source__status="published"
                    ).select_related("funding_source"),
                ),
            )
        )


class RegionListView(ListView):
    template_name = "actors/region_list.html"

    def get_queryset(self):
        return Region.objects.annotate(municipality_count=Count("municipalities"))


def _area_page(request, *, area, region, actors, filter_query, **extra):
    """Render a region's or a municipality's page: its published, active `actors`."""
    return render(
        request,
        "actors/area_detail.html",
        {
            "area": area,
            "region": region,
            "directory": area_directory(actors, regions=[region]),
            "filter_query": filter_query,
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
        "actors/municipality_search.html",
        {"form": form, "q": text, "matches": matches, "title": _("Kuntahaku")},
    )
