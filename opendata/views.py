"""The HSDS 3.0 API: read-only, public data only (docs/open-data.md).

Every list starts from published actors (`Actor.objects.published()`), without ended ones
unless `include_ended=1`; contacts are the public ones, funding that of published sources.
Each endpoint runs a fixed number of queries, whatever the page size.
"""

import math
from functools import partial

from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.functional import cached_property
from django.utils.http import http_date
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from actors.models import Actor, Contact
from funding.models import ProjectFunding
from keko.cache import cached
from keko.models import Status

from . import identifiers, profile, vocabularies
from .filters import HSDSFilter, flag
from .listings import cached_count
from .models import ServiceListing
from .pagination import HSDSPagination, KnownCountPaginator
from .serializers import (
    OrganizationSerializer,
    ServiceAtLocationSerializer,
    ServiceSerializer,
    TaxonomySerializer,
    TaxonomyTermSerializer,
)
from .throttling import AddressRateThrottle, TooManyRequests

ServiceLink = Actor.services.through


class PublicView(APIView):
    """Every endpoint: open to scripts on any site (CORS, for GET; the data is public and no
    request carries credentials), limited per client address (opendata/throttling.py), and
    answered 304 Not Modified when the client already has the response (an ETag of its
    content)."""

    throttle_classes = [AddressRateThrottle]

    def throttled(self, request, wait):
        raise TooManyRequests(math.ceil(wait or 1))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or not isinstance(response, Response)  # a file, with validators of its own
        ):
            return response
        response.render()
        set_response_etag(response)
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        conditional["Access-Control-Allow-Origin"] = "*"
        return conditional


class HSDSView(PublicView, generics.GenericAPIView):
    pagination_class = HSDSPagination

    @cached_property
    def hsds_filter(self):
        """The request's filter parameters, read once (its list, its count, its page)."""
        return HSDSFilter(self.request.query_params)

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("full", flag(self.request.query_params, "full"))
        return super().get_serializer(*args, **kwargs)

    def count(self, queryset):
        """Return the number of rows of the list's selection, counted once for the data's
        version and the day whatever the page: a harvester asks for every page in turn, and
        each counted its whole selection again (an area's services: 20-45 ms)."""
        return cached(
            ("hsds-count", type(self).__name__, self.hsds_filter.selection_key()),
            queryset.count,
            per_language=False,
        )

    def count_once(self, queryset):
        """Give the paginator the list's count (count()) rather than let it count."""
        count = self.count(queryset)
        self.paginator.django_paginator_class = partial(KnownCountPaginator, count=count)

    def list(self):
        page = self.paginate_queryset(self.get_queryset())
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        # Last-Modified: the page's newest actor save, from the rows at hand. Informative only:
        # an actor unpublished or deleted changes no date, so revalidation goes by the ETag
        # (no-cache keeps caches from guessing a lifetime from the date).
        moments = [moment for moment in map(last_saved, page) if moment]
        if moments:
            response["Last-Modified"] = http_date(max(moments).timestamp())
            response["Cache-Control"] = "no-cache"
        return response


def last_saved(item):
    """The last save of a list item's actor (an actor, or a service link), if it has one."""
    actor = getattr(item, "actor", item)
    return getattr(actor, "updated_at", None)


class Root(PublicView):
    """GET /: the HSDS version, the profile and the OpenAPI description."""

    def get(self, request):
        return Response(
            {
                "version": profile.HSDS_VERSION,
                "profile": request.build_absolute_uri(reverse("opendata:profile")),
                "openapi_url": request.build_absolute_uri(reverse("opendata:openapi")),
            }
        )


def organizations_for_detail(actors):
    return actors.select_related("parent", "municipality__region").prefetch_related(
        Prefetch(
            "contacts",
            queryset=Contact.objects.filter(public=True).select_related("role"),
            to_attr="public_contacts",
        ),
        Prefetch(
            "fundings",
            queryset=ProjectFunding.objects.filter(
                funding_source__status=Status.PUBLISHED
            ).select_related("funding_source"),
            to_attr="published_fundings",
        ),
        "services",
    )


class OrganizationList(HSDSView):
    """The organizations in name order: a page's ids first, then those actors with what they
    show. The ids of the unfiltered list are a range of the name index alone (an index-only
    scan skips the offset), where reading whole rows to skip it took 89 ms for page 500 at
    100 000 actors."""

    serializer_class = OrganizationSerializer

    def get_queryset(self):
        keys = self.hsds_filter.keys_by_name()
        return self.hsds_filter.actors().values_list("pk", flat=True) if keys is None else keys

    def paginate_queryset(self, queryset):
        self.count_once(queryset)
        ids = super().paginate_queryset(queryset)
        actors = Actor.objects.filter(pk__in=ids).select_related("parent")
        if flag(self.request.query_params, "full"):
            actors = organizations_for_detail(actors)
        by_pk = {actor.pk: actor for actor in actors}
        return [by_pk[pk] for pk in ids]

    def get(self, request):
        return self.list()


class OrganizationDetail(HSDSView):
    serializer_class = OrganizationSerializer

    def get(self, request, pk):
        org_id = identifiers.parse(pk)
        actors = Actor.objects.published()
        if not flag(request.query_params, "include_ended"):
            actors = actors.active()
        actor = organizations_for_detail(actors).filter(uuid=org_id).first() if org_id else None
        if actor is None:
            raise Http404
        return Response(self.get_serializer(actor, full=True).data)


def services_for_list(links, full):
    links = links.select_related("actor__parent", "servicetype")
    if full:
        links = links.select_related("actor__municipality").prefetch_related(
            "actor__served_regions", "actor__served_municipalities", "actor__target_groups"
        )
    return links


class ServiceList(HSDSView):
    """The services in the actors' name order, from their index (ServiceListing): a page is
    a range of it, whatever the filters narrow the actors to."""

    serializer_class = ServiceSerializer

    def listings(self):
        hsds_filter = self.hsds_filter
        listings = ServiceListing.objects.listed(include_ended=hsds_filter.include_ended)
        if hsds_filter.narrows_actors():
            listings = listings.filter(hsds_filter.of_actors("actor_id"))
        return hsds_filter.services(listings).order_by("name", "actor_id", "servicetype_id")

    def count_key(self):
        """The key of the list's count in opendata.listings' cache, if the index's own
        columns decide it (no filter on the actors), else None."""
        hsds_filter = self.hsds_filter
        if hsds_filter.narrows_actors() or hsds_filter.term is not None:
            return None
        return f"services:include_ended={hsds_filter.include_ended}"

    def get_queryset(self):
        # The page's ids come from the index alone; then `rows` loads those.
        return self.listings().values_list("pk", flat=True)

    def rows(self, ids):
        full = flag(self.request.query_params, "full")
        return services_for_list(ServiceListing.objects.filter(pk__in=ids), full)

    def count(self, queryset):
        # Unfiltered: the index's own count, under the listing version, which an edit of a
        # description leaves as it is.
        key = self.count_key()
        return super().count(queryset) if key is None else cached_count(key, queryset.count)

    def paginate_queryset(self, queryset):
        self.count_once(queryset)
        ids = super().paginate_queryset(queryset)
        return sorted(self.rows(ids), key=lambda row: ids.index(row.pk))

    def get(self, request):
        return self.list()


class LinkDetail(HSDSView):
    """A service or a service at a location (a row of Actor.services.through), found by its
    id in the services' index (ServiceListing's `id_field`)."""

    id_field = ""

    def listings(self, include_ended):
        return ServiceListing.objects.listed(include_ended=include_ended)

    def links(self):
        return ServiceLink.objects.all()

    def get(self, request, pk):
        wanted = identifiers.parse(pk)
        if wanted is None:
            raise Http404
        listings = self.listings(flag(request.query_params, "include_ended"))
        found = listings.filter(**{self.id_field: wanted}).first()
        if found is None:
            raise Http404
        links = self.links().filter(actor_id=found.actor_id, servicetype_id=found.servicetype_id)
        link = services_for_list(links, full=True).first()
        if link is None:
            raise Http404
        return Response(self.get_serializer(link, full=True).data)


class ServiceDetail(LinkDetail):
    serializer_class = ServiceSerializer
    id_field = "service_id"


def at_locations(links):
    """Only the services (links or listings) of actors with a visiting address (their one
    location)."""
    return links.exclude(actor__street_address="").select_related("actor__municipality__region")


class ServiceAtLocationList(ServiceList):
    serializer_class = ServiceAtLocationSerializer

    def listings(self):
        return super().listings().filter(located=True)

    def count_key(self):
        key = super().count_key()
        return None if key is None else f"{key}:located"

    def rows(self, ids):
        return at_locations(super().rows(ids))


class ServiceAtLocationDetail(LinkDetail):
    serializer_class = ServiceAtLocationSerializer
    id_field = "located_id"

    def listings(self, include_ended):
        return super().listings(include_ended).filter(located=True)

    def links(self):
        return at_locations(super().links())


class TaxonomyList(HSDSView):
    serializer_class = TaxonomySerializer

    def get_queryset(self):
        keys = list(vocabularies.TAXONOMIES)
        search = self.request.query_params.get("search", "").strip().lower()
        if search:
            keys = [k for k in keys if search in vocabularies.TAXONOMIES[k][0].lower()]
        return keys

    def get(self, request):
        return self.list()


class TaxonomyTermList(HSDSView):
    """The terms of every taxonomy (a few hundred, built from four small tables): filtered by
    `taxonomy_id`, `parent_id`, `top_only` and `search` (in the names)."""

    serializer_class = TaxonomyTermSerializer

    def get_queryset(self):
        params = self.request.query_params
        keys = list(vocabularies.TAXONOMIES)
        if params.get("taxonomy_id"):
            wanted = identifiers.parse(params["taxonomy_id"])
            keys = [k for k in keys if identifiers.taxonomy_id(k) == wanted]
        terms = vocabularies.all_terms(keys)
        if params.get("parent_id"):
            parent = identifiers.parse(params["parent_id"])
            terms = [t for t in terms if parent and t.parent_id == parent]
        if flag(params, "top_only"):
            terms = [t for t in terms if t.parent_id is None]
        search = params.get("search", "").strip().lower()
        if search:
            terms = [t for t in terms if search in t.name.lower() or search == t.code.lower()]
        return terms

    def get(self, request):
        return self.list()


class TaxonomyDetail(PublicView):
    def get(self, request, pk):
        key = next(
            (k for k in vocabularies.TAXONOMIES if str(identifiers.taxonomy_id(k)) == pk), None
        )
        if key is None:
            raise Http404
        return Response(vocabularies.taxonomy(key))


class TaxonomyTermDetail(PublicView):
    def get(self, request, pk):
        term_id = identifiers.parse(pk)
        term = vocabularies.find_term(term_id) if term_id else None
        if term is None:
            raise Http404
        return Response(term.as_hsds(request))


class Profile(PublicView):
    """The KeKo-FI profile of HSDS (opendata/profile.py)."""

    def get(self, request):
        return Response(profile.document(request))


class OpenAPI(PublicView):
    """The OpenAPI description of this API: HSDS's own, with this server and its extensions."""

    def get(self, request):
        from .openapi import document

        return Response(document(request.build_absolute_uri(reverse("opendata:root"))))
