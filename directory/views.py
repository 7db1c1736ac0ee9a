"""The directory's pages that draw on several apps: home, site search, areas, actors."""

import re
from functools import lru_cache, partial
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from actors.filters import OptionChoices, order_actors
from actors.models import (
    ACTOR_PAGES,
    Actor,
    ActorKind,
    Municipality,
    Region,
    actor_page_scope,
    sparse_page_links,
)
from actors.place_names import Place, all_places, find_place, places_named, places_starting
from funding.models import FundingSource, ProjectFunding
from glossary.models import Term
from keko.cache import ALL_AREAS, TIMEOUT, cache_public_page, cached, directory_key
from keko.forms import SearchForm
from keko.models import Status
from keko.pagination import CachedPaginationMixin
from keko.prefetch import Sparse, fetch_sparse, flag_sparse
from keko.search import is_capped, search_cap
from practices.models import Participation, Practice

from .areas import area_directory, area_page_scopes, with_urls
from .filters import ActorDirectoryFilter, english_kinds_redirect
from .forms import MunicipalitySearchForm
from .print_rendering import print_urls

SEARCH_GROUP_SIZE = 10
# The municipality box's suggestions: how many at most, and how long browsers and proxies may
# keep them (the names of places change seldom).
SUGGESTIONS_SHOWN = 10
SUGGESTIONS_MAX_AGE = 3600
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


@cache_public_page(params=("q",))
def site_search(request):
    """Search actors, practices, funding and terms at once; show the best of each kind."""
    form = SearchForm(request.GET or None)
    groups, places = [], []
    if form.is_valid():
        text = form.cleaned_data["q"]
        # A region or a municipality the text names ("Oulussa") is offered first: its page
        # lists the area's actors better than any text match.
        places = places_named(text, cached_places())
        groups = [
            {
                "kind": "actors",
                "title": _("Toimijat"),
                # The actor list hides ended actors by default; the search includes them.
                "list_url": reverse("directory:actors")
                + "?"
                + urlencode({"q": text, "voimassa": "0"}),
                "results": Actor.objects.published().search(text),
                # What the card shows (ListedActors); the search shows no services.
                "rows": lambda keys: Actor.objects.filter(pk__in=keys).for_list(services=False),
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
            # The count and the best few in one query for each kind.
            results, rows = group.pop("results"), group.pop("rows", None)
            group["count"], group["first"] = results.best_matches(SEARCH_GROUP_SIZE, rows)
            group["capped"] = is_capped(group["count"])
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "places": places,
            "places_title": places_title(places),
            "groups": groups,
            "total": sum(group["count"] for group in groups),
            "total_capped": any(group["capped"] for group in groups),
            "search_cap": search_cap(),
        },
    )


def cached_places():
    """Return every region and municipality (all_places) from the cache: they are read on
    every search, and change only with a save of a region or a municipality, which makes a
    new directory version (keko.cache); an actor's edit leaves them cached."""
    return cached(("places",), all_places, scopes=(), in_process=True)


def places_title(places):
    """Return the heading of the areas a search names: "Alue", "Kunta", or both kinds."""
    regions = sum(place.is_region for place in places)
    if regions == len(places):
        return ngettext("Alue", "Alueet", regions)
    if not regions:
        return ngettext("Kunta", "Kunnat", len(places))
    return _("Alueet ja kunnat")


# The way out of an empty list that shows ended actors too (ActorFilter.widenings).
WIDENING_ALL_ENDED = "voimassa"
# A list of options longer than this scrolls (static/css/site.css); its chosen ones go first.
LONG_OPTION_LIST = 12


def actor_list_parameters():
    """The query parameters the actor list reads: its filters, and the page."""
    return [*ActorDirectoryFilter.base_filters, "page"]


@method_decorator(cache_public_page(params=actor_list_parameters), name="dispatch")
class ActorListView(CachedPaginationMixin, FilterView):
    """The actor list: filters that never lead to a dead end.

    Unknown values are dropped with a notice, a municipality outside the chosen regions is
    pointed out, the chosen values are removable chips, every option shows how many actors
    choosing it would list, and an empty list offers the selections with one filter less.
    """

    filterset_class = ActorDirectoryFilter
    paginate_by = 50
    template_name = "directory/actor_list.html"

    def get(self, request, *args, **kwargs):
        return english_kinds_redirect(request) or super().get(request, *args, **kwargs)

    def get_queryset(self):
        # The default order (actors.filters.order_actors); `jarjestys` and a search's
        # ranking replace it.
        return order_actors(Actor.objects.published())

    def page_rows(self, pks):
        """Fetch the actors of one page with everything the list shows (deferred join)."""
        return Actor.objects.filter(pk__in=pks).for_list()

    @cached_property
    def selection(self):
        """The chosen filters, without the page and the order, as a cache key's part."""
        return sorted(
            (key, values)
            for key, values in self.filterset.data.lists()
            if key not in (self.page_kwarg, "jarjestys")
        )

    @cached_property
    def counts(self):
        """(the number of actors listed or None, the facets): counted once per selection,
        whatever the page and the order (ActorFilter.counts)."""
        filterset = self.filterset
        # The page asked for, read with the counts where they scan the list's rows.
        number = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        if str(number).isdigit() and int(number) >= 1:
            filterset.page_wanted = ((int(number) - 1) * self.paginate_by, self.paginate_by)
        return cached(
            ("list-counts", self.selection), filterset.counts, scopes=filterset.counts_scopes()
        )

    def page_keys(self, page):
        # From the facet table's indexes where it can tell (ActorFilter.table_page_keys).
        per_page = page.paginator.per_page
        keys = self.filterset.table_page_keys(
            (page.number - 1) * per_page, per_page, total=page.paginator.count
        )
        return super().page_keys(page) if keys is None else keys

    def result_count(self, queryset):
        # Counted with the facets where they are (one query for both), else by the list.
        total, _facets = self.counts
        return super().result_count(queryset) if total is None else total

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        _total, facets = self.counts
        self._show_counts(filterset, facets)
        if "search_rank" in filterset.qs.query.annotations:
            # A ranked search (PostgreSQL) keeps its best matches first unless asked otherwise.
            order = filterset.form.fields["jarjestys"]
            order.empty_label = _("Osuvimmat ensin")
            # Assigned anew, so that the widget's copy of the choices has the new label too.
            order.choices = [choice for choice in order.choices if choice[0]]
        chips = self._chips(filterset)
        context.update(
            notices=[{"text": text, "links": []} for text in filterset.notices]
            + self._conflict_notices(filterset)
            + self._place_notices(filterset),
            chips=chips,
            chosen_count=len(chips),
            suggestions=[],
            # A search counts its matches up to keko.search.SEARCH_CAP, and says "over" past it.
            search_capped=bool(filterset.form.cleaned_data.get("q"))
            and is_capped(context["paginator"].count),
            search_cap=search_cap(),
        )
        if not context["paginator"].count:
            context["suggestions"] = self._suggestions(
                filterset, cached(("list-widenings", self.selection), filterset.widenings)
            )
        page = context["page_obj"]
        # An area's own actors, then the national ones (ActorFilter orders them so): the
        # page shows the national ones under a heading of their own.
        context["national_actors"] = []
        if filterset.nationals_listed_apart():
            context["object_list"] = [a for a in page.object_list if not a.is_national]
            context["national_actors"] = [a for a in page.object_list if a.is_national]
        context["page_range"] = list(
            page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        )
        return context

    # Links to other selections

    def _pairs(self, filterset):
        """Return the current selection as (name, value) pairs: the cleaned values in the
        order of the URL, without the page, empty values or the defaults."""
        return [
            (key, value)
            for key, values in filterset.data.lists()
            if key != self.page_kwarg
            for value in values
            if value and (key, value) != ("voimassa", "1")
        ]

    def _url(self, pairs):
        return f"{self.request.path}?{urlencode(pairs)}" if pairs else self.request.path

    def _show_counts(self, filterset, facets):
        """Write each option's count into its label; leave out the options that would empty
        the list (count 0), unless chosen."""
        form = filterset.form
        for name, counts in facets.items():
            chosen = set(form.cleaned_data.get(name) or [])
            options = [
                option
                for option in filterset.options[name]
                if counts.get(option.value) or option.value in chosen
            ]
            if len(options) > LONG_OPTION_LIST:
                # The chosen ones first, in sight at the top of a long scrolling list.
                options.sort(key=lambda option: option.value not in chosen)
            form.fields[name].choices = OptionChoices(
                (option.value, f"{option.label} ({counts.get(option.value, 0)})")
                for option in options
            )

    def _chips(self, filterset):
        pairs = self._pairs(filterset)
        chips = []
        text = filterset.form.cleaned_data.get("q")
        if text:
            chips.append(
                {
                    "label": _("Hakusana: %(text)s") % {"text": text},
                    "url": self._url([pair for pair in pairs if pair[0] != "q"]),
                }
            )
        for name, option in filterset.selected():
            chips.append(
                {
                    "label": f"{filterset.filters[name].label}: {option.label}",
                    "url": self._url([pair for pair in pairs if pair != (name, option.value)]),
                }
            )
        return chips

    def _conflict_notices(self, filterset):
        pairs = self._pairs(filterset)
        chosen_regions = [option.label for name, option in filterset.selected() if name == "alue"]
        notices = []
        for municipality, region in filterset.conflicts():
            text = ngettext(
                "Kunta %(municipality)s (%(region)s) ei ole valitussa maakunnassa "
                "%(regions)s, joten listalla ovat vain toimijat, jotka toimivat molemmilla "
                "alueilla.",
                "Kunta %(municipality)s (%(region)s) ei ole yhdessäkään valituista "
                "maakunnista %(regions)s, joten listalla ovat vain toimijat, jotka toimivat "
                "molemmilla alueilla.",
                len(chosen_regions),
            ) % {
                "municipality": municipality.label,
                "region": region.label if region else "",
                "regions": ", ".join(chosen_regions),
            }
            links = [
                {
                    "label": _("Poista kunta %(name)s") % {"name": municipality.label},
                    "url": self._url([p for p in pairs if p != ("kunta", municipality.value)]),
                },
                {
                    "label": ngettext("Poista maakunta", "Poista maakunnat", len(chosen_regions)),
                    "url": self._url([p for p in pairs if p[0] != "alue"]),
                },
            ]
            notices.append({"text": text, "links": links})
        return notices

    def _place_notices(self, filterset):
        """Point to the page of a region or a municipality the search text names, read from
        the filters' options (their Finnish names), so without a query of its own."""
        text = filterset.form.cleaned_data.get("q")
        if not text:
            return []
        options = filterset.options
        places = [Place(Place.REGION, o.value, o.label) for o in options["alue"]] + [
            Place(Place.MUNICIPALITY, o.value, o.label) for o in options["kunta"]
        ]
        links = [
            {
                "label": (
                    _("Katso maakunnan %(name)s sivu")
                    if place.is_region
                    else _("Katso kunnan %(name)s sivu")
                )
                % {"name": place.name},
                "url": place.url,
            }
            for place in places_named(text, places)
        ]
        return [{"text": _("Etsitkö aluetta?"), "links": links}] if links else []

    def _suggestions(self, filterset, widenings):
        """Return links to the selections with one filter less that list some actors."""
        pairs = self._pairs(filterset)
        chosen = {}
        for name, option in filterset.selected():
            chosen.setdefault(name, []).append(option.label)
        suggestions = []
        for name, count in widenings:
            if not count:
                continue
            if name == WIDENING_ALL_ENDED:
                label = _("Näytä myös päättyneet toimijat")
                url = self._url([p for p in pairs if p[0] != "voimassa"] + [("voimassa", "0")])
            else:
                values = chosen.get(name) or [filterset.form.cleaned_data.get(name, "")]
                label = _("Ilman rajausta %(filter)s: %(values)s") % {
                    "filter": filterset.filters[name].label,
                    "values": ", ".join(str(value) for value in values),
                }
                url = self._url([p for p in pairs if p[0] != name])
            suggestions.append({"label": label, "url": url, "count": count})
        return sorted(suggestions, key=lambda s: -s["count"])


def actor_page_links():
    """The Sparse relations an actor's page shows (keko.prefetch): its own app's
    (sparse_page_links), and its practices and funding. Drafts of related entries stay
    hidden, as on their own pages."""
    return [
        *sparse_page_links(),
        Sparse(
            "participations",
            Participation.objects.filter(practice__status=Status.PUBLISHED).select_related(
                "practice"
            ),
        ),
        Sparse("administered_funding", FundingSource.objects.published()),
        Sparse(
            "fundings",
            ProjectFunding.objects.filter(funding_source__status=Status.PUBLISHED).select_related(
                "funding_source"
            ),
        ),
    ]


# An actor's page shows it and the names of the actors it links to: another actor's edit
# leaves it cached unless it names that actor (Actor.page_scopes).
@method_decorator(
    cache_public_page(scopes=lambda slug: (ACTOR_PAGES, actor_page_scope(slug))), name="dispatch"
)
class ActorDetailView(DetailView):
    template_name = "directory/actor_detail.html"
    # Built once, as DetailView's `queryset` is, and cloned for each page: flagging the
    # eleven Sparse relations (an EXISTS each) took 1.6 ms of a 12 ms page, building their
    # querysets 0.5 ms more. Each page's prefetches filter a clone of those querysets.
    page_links = actor_page_links()
    queryset = flag_sparse(Actor.objects.for_detail(), page_links)

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def get_object(self, queryset=None):
        actor = super().get_object(queryset)
        fetch_sparse([actor], self.page_links)
        return actor


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
    directory = area_directory(actors, regions=[region])
    list_url = f"{reverse('directory:actors')}?{urlencode(filter_query)}"
    for group in directory.groups:
        # The kind's Finnish URL value, for the actor list of the area and the kind and for
        # the print options.
        group.url_slug = ActorKind(group.kind).url_slug
        group.list_url = f"{list_url}&{urlencode({'tyyppi': group.url_slug})}"
    return render(
        request,
        "directory/area_detail.html",
        {
            "area": area,
            "region": region,
            "directory": directory,
            "list_url": list_url,
            "print_urls": print_urls(area),
            # The national actors' part, the same on every area page (area_detail.html).
            "national_key": directory_key("area-national", scopes=(ALL_AREAS,)),
            # The print options, the same on every area page (includes/print_options.html).
            "print_fields_key": directory_key("print-option-fields", scopes=()),
            "cache_timeout": TIMEOUT,
            **extra,
        },
    )


# An area's page goes stale with an edit of an actor serving it (or the whole country), not of
# an actor elsewhere.
@cache_public_page(scopes=partial(area_page_scopes, "region"))
def region_detail(request, slug):
    region = get_object_or_404(Region, slug=slug)
    return _area_page(
        request,
        area=region,
        region=region,
        actors=Actor.objects.published().active().serving_regions([region]),
        filter_query={"alue": region.slug},
        municipalities=with_urls(region.municipalities.all(), "directory:municipality"),
    )


@cache_public_page(scopes=partial(area_page_scopes, "municipality"))
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
    """Find a region or a municipality by name, also inflected, from the home page's box."""
    form = MunicipalitySearchForm(request.GET)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    found = None
    if text:
        found = find_place(text, cached_places())
        if found.place:
            return redirect(found.place.url)
    return render(
        request,
        "directory/municipality_search.html",
        {
            "form": form,
            "q": text,
            # Sent, but blank: the page says what to write.
            "asked_nothing": "q" in request.GET and form.is_valid() and not text,
            "found": found,
            "title": _("Kuntahaku"),
        },
    )


@cache_control(public=True, max_age=SUGGESTIONS_MAX_AGE)
@cache_public_page(params=("q",))
def municipality_suggestions(request):
    """Return, as JSON, the regions and municipalities whose name begins with the text typed
    (or its base form): the suggestions of the municipality box (static/js/place-suggest.js).
    """
    form = MunicipalitySearchForm(request.GET)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    places = places_starting(text, cached_places())[:SUGGESTIONS_SHOWN] if text else []
    return JsonResponse(
        {
            "results": [
                {
                    "name": place.name,
                    "region": place.region,
                    "kind": _("maakunta") if place.is_region else _("kunta"),
                    "url": place.url,
                }
                for place in places
            ]
        }
    )
