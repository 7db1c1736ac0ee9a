"""The API's query parameters, applied to published actors.

The directory's own filters are reused as they are: the API's names are translated to those
of the actor list (actors.filters.ActorFilter), whose values they take (slugs of regions,
municipalities, services and target groups; kind codes), so that `?region=uusimaa` lists what
/toimijat/?alue=uusimaa lists. HSDS's own parameters (`modified_after`, `taxonomy_term_id`,
`organization_id`) are applied on top.
"""

import datetime

from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError

from actors import facets
from actors.filters import ActorFilter
from actors.models import Actor, ActorKind
from keko.search import AnyOf

from . import identifiers, vocabularies

# API parameter: ActorFilter parameter
SITE_PARAMETERS = {
    "search": "q",
    "region": "alue",
    "municipality": "kunta",
    "kind": "tyyppi",
    "service": "palvelu",
    "target_group": "kohderyhma",
}
# HSDS's own parameters that choose the rows.
OWN_PARAMETERS = ["modified_after", "organization_id", "taxonomy_term_id", "include_ended"]
TRUE = {"1", "true", "yes"}


def site_kind(value):
    """Return an actor kind, given as its code (the taxonomy term's `code`), as the actor
    list's `tyyppi` takes it."""
    if value in ActorKind.values:
        return getattr(ActorKind(value), "url_slug", value)
    return value


def flag(params, name):
    return params.get(name, "").strip().lower() in TRUE


def _values(params, name):
    """Return the values of a parameter, repeated (`?kind=a&kind=b`) or comma-separated."""
    return [v.strip() for value in params.getlist(name) for v in value.split(",") if v.strip()]


def parse_moment(text):
    """Return `text` (an ISO 8601 date or date-time) as an aware datetime, or raise."""
    text = text.strip().replace(" ", "+")  # an unescaped "+" of a time zone reads as a space
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ValidationError({"modified_after": "Anna päivä tai aika ISO 8601 -muodossa."})
        moment = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class HSDSFilter:
    """The parameters of one request; `actors()` the published actors they select, and
    `service_types()` the service types they narrow the services to (None: all)."""

    def __init__(self, params):
        self.params = params
        self.include_ended = flag(params, "include_ended")
        self.term = None
        term_id = params.get("taxonomy_term_id")
        if term_id:
            parsed = identifiers.parse(term_id)
            self.term = vocabularies.find_term(parsed) if parsed else None
            self.unknown_term = self.term is None
        else:
            self.unknown_term = False

    def selection_key(self):
        """The parameters that choose the rows (not the page, nor how they are shown), in a
        canonical order: a cache key's part."""
        names = sorted({*SITE_PARAMETERS, *OWN_PARAMETERS})
        return [(name, sorted(self.params.getlist(name))) for name in names if name in self.params]

    def narrows_actors(self):
        """Whether `actors()` is narrower than the published (active) actors."""
        asked = {*SITE_PARAMETERS, "modified_after", "organization_id"}
        return self.term is not None or self.unknown_term or any(self.params.get(n) for n in asked)

    @cached_property
    def term_for_site(self):
        """Return (the site's parameter, its value) that selects the actors of the term
        asked for, where the request gives that parameter no value of its own (whose values
        are alternatives, where the term narrows them); else None. The term is then one of
        the site's filters, found from the facet table like the rest (table_where),
        where an area's term was a subquery of the actor table probed actor by actor
        (Uusimaa's services at 100 000 actors: 370 ms)."""
        term = self.term
        if term is None:
            return None
        if term.key == vocabularies.KINDS:
            name, value = "tyyppi", site_kind(term.code)
        elif term.key == vocabularies.SERVICES:
            name, value = "palvelu", term.obj.slug
        elif term.key == vocabularies.TARGET_GROUPS:
            name, value = "kohderyhma", term.obj.slug
        else:
            name, value = ("kunta" if term.parent_id else "alue"), term.obj.slug
        api_name = next(api for api, site in SITE_PARAMETERS.items() if site == name)
        return None if _values(self.params, api_name) else (name, value)

    @cached_property
    def site_filter(self):
        """The actor list's filters (ActorFilter) of the parameters the site shares."""
        data = QueryDict(mutable=True)
        for name, site_name in SITE_PARAMETERS.items():
            values = _values(self.params, name) if name != "search" else [self.params.get(name)]
            if name == "kind":
                values = [site_kind(value) for value in values]
            data.setlist(site_name, [v for v in values if v])
        if self.term_for_site:
            name, value = self.term_for_site
            data.setlist(name, [value])
        data["voimassa"] = "0" if self.include_ended else "1"
        site_filter = ActorFilter(data, queryset=Actor.objects.published())
        # The list drops unknown values with a notice; an API answers them with an error
        # rather than with a wider selection than asked for.
        notices = getattr(site_filter, "notices", [])
        if notices or not site_filter.is_valid():
            api_names = {site: api for api, site in SITE_PARAMETERS.items()}
            errors = {api_names.get(key, key): value for key, value in site_filter.errors.items()}
            if notices:
                errors["parameters"] = [str(notice) for notice in notices]
            raise ValidationError(errors)
        return site_filter

    def actors(self):
        actors = self.site_filter.qs
        if not self.params.get("search"):
            actors = actors.order_by("name", "pk")
        if self.params.get("modified_after"):
            actors = actors.filter(updated_at__gte=parse_moment(self.params["modified_after"]))
        if self.params.get("organization_id"):
            org_id = identifiers.parse(self.params["organization_id"])
            actors = actors.filter(uuid=org_id) if org_id else actors.none()
        if self.unknown_term:
            return actors.none()
        if self.term and not self.term_for_site:
            actors = self._by_term(actors, self.term)
        return actors

    @cached_property
    def table_where(self):
        """The facet table's conditions (ActorFilter.table_where()) of the actors the site's
        filters choose, where they choose options and nothing else narrows the actors; else
        None. An area's actors were probed in the actor table one by one and joined to every
        row of the list (Uusimaa's services at 100 000 actors: 160 ms for their count and
        again for their page); every published actor is read faster from that table."""
        site_filter = self.site_filter
        data = site_filter.form.cleaned_data
        if not any(data.get(name) for name in site_filter.options):
            return None
        if self.unknown_term or (self.term is not None and not self.term_for_site):
            return None
        if any(self.params.get(name) for name in ("search", "modified_after", "organization_id")):
            return None
        return site_filter.table_where() if site_filter.facets_from_table() else None

    def keys_by_name(self):
        """Return the keys of actors() in their order (by name) from the facet table, as a
        sequence Django's paginator pages (facets.Selection), where table_where applies;
        else None. An area's actors are counted and sorted there, where the actor table
        walked its order index probing each actor (Kainuu's first page: 9 000 probes) or
        counted the area's members against every actor (Uusimaa: 180 ms a page)."""
        if self.table_where is None:
            return None
        where, params = self.table_where
        return facets.Selection(where, params, ["f.name", "f.actor_id"])

    def of_actors(self, field):
        """Return a Q of the rows whose `field` (an actor's key) is among actors(): from the
        facet table (table_where); a search's matches by their keys, looked up in this
        request already (PostgreSQL); else the actors' subquery. The keys let the rows' own
        index find each actor's: as a subquery of the actor table, PostgreSQL hashed the keys
        and read every service of every actor (24 ms for the count and again for the page at
        100 000 actors)."""
        if self.table_where is not None:
            where, params = self.table_where
            return Q(**{f"{field}__in": RawSQL(facets.selection(where), params)})
        actors = self.actors()
        keys = actors.matched_keys()
        if keys is not None:
            return Q(AnyOf(F(field), keys))
        return Q(**{f"{field}__in": actors.values("pk")})

    @staticmethod
    def _by_term(actors, term):
        if term.key == vocabularies.KINDS:
            return actors.filter(kind=term.code)
        if term.key == vocabularies.SERVICES:
            return actors.linked_to_any("services", [term.obj])
        if term.key == vocabularies.TARGET_GROUPS:
            return actors.linked_to_any("target_groups", [term.obj])
        # National actors serve every area, as `?region=` and `?municipality=` list them.
        if term.parent_id:  # a municipality
            return actors.serving_municipalities([term.obj], national=True)
        return actors.serving_regions([term.obj], national=True)

    def services(self, links):
        """Narrow the services (rows of Actor.services.through or ServiceListing) to the types asked
        for: a service of an actor is listed for its own type, not for the actor's others."""
        slugs = _values(self.params, "service")
        if slugs:
            links = links.filter(servicetype__slug__in=slugs)
        if self.term and self.term.key == vocabularies.SERVICES:
            links = links.filter(servicetype=self.term.obj)
        return links
