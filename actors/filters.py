from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Case, Count, F, Func, IntegerField, Q, Value, When
from django.http import QueryDict
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from keko.cache import ACTORS, cached
from keko.filters import SearchFilter
from keko.models import Status
from keko.search import ANY_KEY, key_array
from keko.widgets import FastCheckboxInput, FastCheckboxSelectMultiple, FastSelect

from . import facets
from .models import (
    Actor,
    ActorKind,
    ActorMunicipality,
    ActorRegion,
    Municipality,
    Region,
    ServiceType,
    TargetGroup,
)

# Shown after the civil-society actors in the default order (see order_actors).
PUBLIC_SECTOR_KINDS = [
    ActorKind.MUNICIPALITY,
    ActorKind.TE_OFFICE,
    ActorKind.EMPLOYMENT_AREA,
    ActorKind.ELY_CENTRE,
    ActorKind.ELINVOIMAKESKUS,
    ActorKind.KELA,
    ActorKind.PUBLIC_AGENCY,
]
# How many unknown values of one parameter a notice names.
NOTICE_VALUES = 5


def order_actors(queryset, order=""):
    """Order actors by `order`: "nimi", "tarkistettu", "lisatty", or "" for the default.

    The default puts associations, foundations, projects, companies and the other actors
    that the directory exists to make known before the public sector (municipalities, the
    TE services, ELY centres, Kela, state agencies), each part by name. The public sector
    is every region's own and easily found (an area page groups it by kind); ordered by
    name across kinds, the 300 municipalities, named after themselves, filled the first
    pages of the unfiltered list.
    """
    if order == "nimi":
        return queryset.order_by("name", "pk")
    if order == "tarkistettu":
        return queryset.order_by(F("verified_on").desc(nulls_last=True), "name", "pk")
    if order == "lisatty":
        return queryset.order_by("-created_at", "-pk")
    return queryset.alias(
        public_sector=Case(When(kind__in=PUBLIC_SECTOR_KINDS, then=Value(1)), default=Value(0))
    ).order_by("public_sector", "name", "pk")


# order_actors()'s orders on the facet table's columns (actors.facets, actors/0024), the key
# last; the default's parts (the public sector after the others) are added where it has two.
TABLE_ORDERS = {
    "": facets.NAME_ORDER,
    "nimi": facets.NAME_ORDER,
    "tarkistettu": ("f.verified_on DESC NULLS LAST", "f.name", "f.actor_id"),
    "lisatty": ("f.created_at DESC", "f.actor_id DESC"),
}

# `valtakunnalliset=0`: the national actors left out of an area's selection.
LEAVE_OUT_NATIONAL = "0"
# A facet table's row among a search's first matches, looked up by key (table_conditions).
KEYS_CONDITION = f"f.actor_id = {ANY_KEY}"


class LeaveOutCheckbox(FastCheckboxInput):
    """One checkbox that sends `name=0` when ticked, and nothing otherwise: a default that
    holds when the box is not ticked, without JavaScript. Hands the raw value to the field."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: value == LEAVE_OUT_NATIONAL)

    def format_value(self, value):
        return LEAVE_OUT_NATIONAL

    def value_from_datadict(self, data, files, name):
        return data.get(name)


@dataclass(frozen=True)
class Option:
    """One choice of a filter: its `value` in the URL, its `label`, and the `key` its facet
    counts are keyed by (a primary key, or a kind's database value); `region` is a
    municipality's region (a primary key)."""

    value: str
    label: str
    key: object
    region: object = None


class OptionChoices(BaseChoiceIterator):
    """The (value, label) pairs of a filter's options, read as they are: Django normalises a
    list of choices again whenever it is set or a form or widget is copied, and deep-copies
    it with the field, a few milliseconds of each list page for every municipality's option.
    These are new for every filter set and form, and never changed in place."""

    def __init__(self, pairs):
        self.choices = tuple(pairs)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class OptionFilter(django_filters.MultipleChoiceFilter):
    """A choice of any of the values in the URL whose options the filterset reads once, from
    the cache (ActorFilter.load_options): validating, rendering, naming the chosen values and
    counting them all use that one list.

    `unknown` is the notice (singular, plural) shown when values outside the options are
    dropped; `%(values)s` names them.
    """

    # Django's field: django-filter's normalises the options again whenever they are read,
    # for an empty or null option that these never have.
    field_class = forms.MultipleChoiceField

    def __init__(self, *, unknown, **kwargs):
        kwargs.setdefault("widget", FastCheckboxSelectMultiple)
        # The filter methods select by subqueries: no duplicate rows, no DISTINCT.
        kwargs.setdefault("distinct", False)
        kwargs.setdefault("choices", [])
        super().__init__(**kwargs)
        self.unknown = unknown


def count_linked(queryset, field_name):
    """Count the actors of `queryset` linked to each value of the many-to-many `field_name`,
    in one query. Returns {primary key of the value: count}."""
    field = Actor._meta.get_field(field_name)
    through = field.remote_field.through
    actor, value = field.m2m_field_name(), field.m2m_reverse_field_name()
    return dict(
        through.objects.filter(**{f"{actor}__in": queryset.values("pk")})
        .order_by()
        .values(value)
        .annotate(n=Count("pk"))
        .values_list(value, "n")
    )


class ActorFilter(django_filters.FilterSet):
    """The filters of /toimijat/, named after what the user sees in the URL.

    No value makes the list empty by being unknown: values outside the options (a kind that
    does not exist, a municipality since merged) and malformed values are dropped before the
    form is validated, and each dropped parameter is named in `notices`.
    """

    q = SearchFilter()
    alue = OptionFilter(
        label=_("Maakunta"),
        method="filter_region",
        unknown=ngettext_lazy(
            "Tuntematon maakunta %(values)s jätettiin pois.",
            "Tuntemattomat maakunnat %(values)s jätettiin pois.",
            "count",
        ),
    )
    kunta = OptionFilter(
        label=_("Kunta"),
        method="filter_municipality",
        unknown=ngettext_lazy(
            "Tuntematon kunta %(values)s jätettiin pois.",
            "Tuntemattomat kunnat %(values)s jätettiin pois.",
            "count",
        ),
    )
    # National actors serve every area: a region's or a municipality's selection lists them
    # after the area's own, unless left out.
    valtakunnalliset = django_filters.ChoiceFilter(
        label=_("Jätä valtakunnalliset toimijat pois"),
        method="filter_national",
        choices=[(LEAVE_OUT_NATIONAL, _("Jätä pois")), ("1", _("Näytä"))],
        widget=LeaveOutCheckbox,
    )
    tyyppi = OptionFilter(
        label=_("Toimijatyyppi"),
        method="filter_kind",
        unknown=ngettext_lazy(
            "Tuntematon toimijatyyppi %(values)s jätettiin pois.",
            "Tuntemattomat toimijatyypit %(values)s jätettiin pois.",
            "count",
        ),
    )
    palvelu = OptionFilter(
        label=_("Palvelu"),
        method="filter_linked",
        field_name="services",
        unknown=ngettext_lazy(
            "Tuntematon palvelu %(values)s jätettiin pois.",
            "Tuntemattomat palvelut %(values)s jätettiin pois.",
            "count",
        ),
    )
    kohderyhma = OptionFilter(
        label=_("Kohderyhmä"),
        method="filter_linked",
        field_name="target_groups",
        unknown=ngettext_lazy(
            "Tuntematon kohderyhmä %(values)s jätettiin pois.",
            "Tuntemattomat kohderyhmät %(values)s jätettiin pois.",
            "count",
        ),
    )
    voimassa = django_filters.ChoiceFilter(
        label=_("Toiminta"),
        method="filter_active",
        empty_label=None,
        choices=[("1", _("Vain toiminnassa olevat")), ("0", _("Myös päättyneet"))],
        widget=FastSelect,
    )
    jarjestys = django_filters.ChoiceFilter(
        label=_("Järjestys"),
        method="filter_order",
        empty_label=_("Järjestöt ja hankkeet ensin"),
        choices=[
            ("nimi", _("Nimen mukaan")),
            ("tarkistettu", _("Viimeksi tarkistetut ensin")),
            ("lisatty", _("Viimeksi lisätyt ensin")),
        ],
        widget=FastSelect,
    )

    # Option filters of subclasses counted on PostgreSQL with the facet table's through a link
    # table of the actors: {filter name: (table, actor column, option column)} (actors.facets),
    # a table that links an actor to an option once.
    linked_facets = {}

    # Single-valued parameters: the notice when their value is unknown.
    unknown_single = {
        "valtakunnalliset": _(
            "Tuntematon valtakunnallisten toimijoiden rajaus %(values)s jätettiin pois."
        ),
        "voimassa": _("Tuntematon toiminnan rajaus %(values)s jätettiin pois."),
        "jarjestys": _("Tuntematon järjestys %(values)s jätettiin pois."),
    }

    class Meta:
        model = Actor
        fields = []

    # The page the view shows ((offset, limit)), if it says: a scan of the list's rows for
    # its counts reads that page too (`page_read`, a facets.PageRead), where
    # table_page_keys() would read the same rows again to sort them.
    page_wanted = None
    page_read = None

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        # Read from the cache: five queries and some 400 rows on every list page otherwise.
        # Regions, municipalities, services, target groups and funders change with a save of
        # their own, which makes a new directory version; an actor's edit leaves them cached.
        self.options = cached(
            ("filter-options", type(self).__qualname__),
            self.load_options,
            scopes=(),
            in_process=True,
        )
        self.notices = []
        self._drop_unknown(data)
        # Ended actors are hidden unless asked for; the default shows in the form too.
        if not data.get("voimassa"):
            data["voimassa"] = "1"
        super().__init__(data, *args, **kwargs)
        # Whether ended actors are shown, and the order, stay the form's last choices,
        # after the filters of subclasses too.
        for name in ("voimassa", "jarjestys"):
            self.filters[name] = self.filters.pop(name)
        for name, options in self.options.items():
            self.filters[name].extra["choices"] = OptionChoices(
                (option.value, option.label) for option in options
            )
        self._drop_invalid()

    def load_options(self):
        """Return the options of every OptionFilter by name, with labels in the active
        language (kept in the cache, so plain text rather than lazy translations)."""
        return {
            # Areas by their name in the page's language (Region.name), in the Finnish order.
            "alue": [Option(r.slug, r.name, r.pk) for r in Region.objects.all()],
            "kunta": [
                Option(m.slug, m.name, m.pk, m.region_id)
                for m in Municipality.objects.only("slug", "name_fi", "name_sv", "region_id")
            ],
            "tyyppi": [Option(kind.url_slug, str(kind.label), kind.value) for kind in ActorKind],
            "palvelu": [Option(s.slug, s.name, s.pk) for s in ServiceType.objects.all()],
            "kohderyhma": [Option(g.slug, g.name, g.pk) for g in TargetGroup.objects.all()],
        }

    def _drop_unknown(self, data):
        """Remove the values outside the options from `data`, with a notice for each
        parameter that had some."""
        for name, filter_ in self.base_filters.items():
            if name not in data:
                continue
            if name in self.options:
                known = {option.value for option in self.options[name]}
                message = filter_.unknown
            elif name in self.unknown_single:
                known = {str(value) for value, _label in filter_.extra["choices"]} | {""}
                message = self.unknown_single[name]
            else:
                continue
            values = data.getlist(name)
            unknown = list(dict.fromkeys(value for value in values if value not in known))
            if not unknown:
                continue
            data.setlist(name, [value for value in values if value in known])
            self.notices.append(unknown_notice(message, unknown))

    def _drop_invalid(self):
        """Leave out what the form still rejects (a search text too long, say), noticed."""
        if self.form.is_valid():
            return
        data = self.data.copy()
        for name, errors in self.form.errors.items():
            if name in data:
                del data[name]
                label = self.filters[name].label if name in self.filters else name
                self.notices.append(
                    _("Rajaus %(label)s jätettiin pois: %(error)s")
                    % {"label": f"”{label}”", "error": " ".join(errors)}
                )
        if not data.get("voimassa"):
            data["voimassa"] = "1"
        self.data = data
        del self._form

    # The filters

    def option_keys(self, name, values):
        keys = {option.value: option.key for option in self.options[name]}
        return [keys[value] for value in values if value in keys]

    def filter_region(self, queryset, name, value):
        # National actors always: `valtakunnalliset=0` leaves them out by a filter of its own,
        # so that each filter can be left out alone (facets, widenings).
        return queryset.serving_regions(self.option_keys("alue", value), national=True)

    def filter_municipality(self, queryset, name, value):
        return queryset.serving_municipalities(self.option_keys("kunta", value), national=True)

    def filter_national(self, queryset, name, value):
        return queryset.filter(is_national=False) if value == LEAVE_OUT_NATIONAL else queryset

    def area_chosen(self):
        """Whether a region or a municipality is chosen (and so national actors are listed
        after the area's own, unless left out)."""
        data = self.form.cleaned_data
        return bool(data.get("alue") or data.get("kunta"))

    def nationals_listed_apart(self):
        """Whether the list shows an area's own actors, then the national ones."""
        data = self.form.cleaned_data
        return self.area_chosen() and data.get("valtakunnalliset") != LEAVE_OUT_NATIONAL

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.nationals_listed_apart():
            # The area's own actors first, in the chosen order; the national ones after.
            order = queryset.query.order_by or queryset.model._meta.ordering
            queryset = queryset.order_by("is_national", *order)
        return queryset

    def filter_kind(self, queryset, name, value):
        # A column of the actor itself: no duplicate rows, so no DISTINCT over 100 000 rows.
        return queryset.filter(kind__in=self.option_keys("tyyppi", value))

    def filter_linked(self, queryset, name, value):
        filter_name = next(n for n, f in self.filters.items() if f.field_name == name)
        return queryset.linked_to_any(name, self.option_keys(filter_name, value))

    def filter_active(self, queryset, name, value):
        return queryset.active() if value == "1" else queryset

    def filter_order(self, queryset, name, value):
        return order_actors(queryset, value)

    # What the list shows around its results

    def filtered(self, **changes):
        """Return the filtered queryset with some cleaned values replaced by `changes`
        (None: that filter left out), unordered, for counting."""
        values = {**self.form.cleaned_data, **changes}
        queryset = self.queryset.order_by()
        for name, value in values.items():
            if name != "jarjestys" and value is not None:
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()

    def selected(self):
        """Return the chosen options as (name, Option) pairs, in the form's order."""
        chosen = []
        for name in self.filters:
            if name in self.options:
                values = set(self.form.cleaned_data.get(name) or [])
                chosen += [(name, o) for o in self.options[name] if o.value in values]
        return chosen

    def count_facet(self, name, queryset):
        """Count the actors of `queryset` for each option of `name`: {option key: count}."""
        if name == "tyyppi":
            return dict(queryset.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
        if name in ("palvelu", "kohderyhma"):
            return count_linked(queryset, self.filters[name].field_name)
        return self.count_areas(name, queryset)

    def count_areas(self, name, queryset):
        """Count the actors of `queryset` serving each region or municipality (`name`): those
        the membership table lists for it, and the national ones, which serve every area.

        One query: the membership rows of the actors that are not national, counted per area
        (actors.areas keeps one row per actor and area), and beside them one row counting
        the national actors, added to every area.
        """
        memberships = {"alue": ActorRegion, "kunta": ActorMunicipality}[name].objects
        own = (
            memberships.filter(actor__in=queryset.filter(is_national=False).values("pk"))
            .order_by()
            .values("area")
            .annotate(n=Count("*"))
        )
        # COUNT as a plain function: one row for the whole selection, no GROUP BY. By key, so
        # that the few national actors are read from their partial index.
        national = (
            queryset.filter(pk__in=Actor.objects.national().order_by().values("pk"))
            .order_by()
            .values(area=Value(None, IntegerField()), n=Func(F("pk"), function="COUNT"))
        )
        by_area, everywhere = {}, 0
        for area, n in own.union(national, all=True).values_list("area", "n"):
            if area is None:
                everywhere = n
            else:
                by_area[area] = n
        return self.with_national(name, by_area, everywhere)

    def with_national(self, name, by_area, everywhere):
        """Return the counts of the area options of `name` from the actors serving each area
        (`by_area`) and the national ones (`everywhere`), who serve every area."""
        return {
            option.key: by_area.get(option.key, 0) + everywhere for option in self.options[name]
        }

    def facet_counts(self):
        """Return, for every option of every OptionFilter, how many actors the list would
        show with that option chosen instead of the filter's current values: the filter's
        count with every other filter applied."""
        return self.counts()[1]

    def counts(self):
        """Return (how many actors the list shows, or None when not counted here;
        facet_counts()).

        On PostgreSQL, the published actors' facets, and the list's own count with them,
        come from one query of the facet table (actors.facets); otherwise one query per
        filter, and the list counts its results itself.
        """
        total, from_table = self.table_counts() if self.facets_from_table() else (None, {})
        counts = {}
        for name, options in self.options.items():
            if name in from_table:
                by_key = from_table[name]
            else:
                by_key = self.count_facet(name, self.filtered(**{name: None}))
            counts[name] = {option.value: by_key.get(option.key, 0) for option in options}
        return total, counts

    def counts_scopes(self):
        """Return the page cache's scopes (keko.cache) of what counts() counts: the actors'
        facets alone, or with a search their texts too (any actor's edit)."""
        return [ACTORS] if self.form.cleaned_data.get("q") else [facets.SCOPE]

    def facets_from_table(self):
        # The table holds every actor; its status column stands for the published() that
        # the list's queryset is.
        published = Actor.objects.published().query.where
        return facets.available() and self.queryset.order_by().query.where == published

    def table_conditions(self):
        """Return {name: (SQL, params)} of every chosen filter on the facet table's rows
        (actors.facets), as the filters of that name do on the actor table."""
        conditions, data = {}, self.form.cleaned_data
        for name, value in data.items():
            if value in (None, "", []) or name == "jarjestys":
                continue
            if name == "voimassa":
                if value == "1":
                    conditions[name] = facets.active_on(timezone.localdate())
            elif name == "valtakunnalliset":
                # Shown, they are no filter: leaving it out shows the same.
                leave_out = value == LEAVE_OUT_NATIONAL
                conditions[name] = ("NOT f.is_national" if leave_out else "TRUE", [])
            elif name in facets.COUNTED:
                conditions[name] = facets.condition(name, self.option_keys(name, value))
            else:
                # A funder: the filter's own subquery of the actors it keeps. A search: the
                # list's selection without its options, which every counted row meets too;
                # without options, the list's own queryset, whose matches are then looked up
                # once, in its order (a search's ranked: its page a slice of them).
                if name in self.options:
                    only_this = self.filters[name].filter(self.queryset.order_by(), value)
                elif not any(data.get(option) for option in self.options):
                    only_this = self.qs
                else:
                    only_this = self.filtered(**dict.fromkeys(self.options))
                keys = only_this.matched_keys()
                if keys is not None:
                    # The search's matches, looked up already: read by key alone.
                    conditions[name] = (KEYS_CONDITION, [key_array(keys)])
                    continue
                sql, params = only_this.order_by().values("pk").query.sql_with_params()
                conditions[name] = (f"f.actor_id IN ({sql})", list(params))
        return conditions

    def table_counts(self):
        """Return (the number of actors listed, or None with a search; the facets of
        actors.facets.COUNTED and of `linked_facets` by name: {option key: count})."""
        data = self.form.cleaned_data
        base, base_params = ["f.status = %s"], [Status.PUBLISHED.value]
        chosen = {}
        # Whether a filter other than the options and the two choices narrows every count
        # (a search), and whether to its first matches' keys (few rows).
        filtered_apart = by_keys = False
        for name, (sql, params) in self.table_conditions().items():
            if name in self.options:
                chosen[name] = (sql, params)
            elif sql != "TRUE":
                base.append(sql)
                base_params += params
                filtered_apart |= name not in ("voimassa", "valtakunnalliset")
                by_keys |= sql == KEYS_CONDITION
        beside_kind = {name: where for name, where in chosen.items() if name != "tyyppi"}
        # The option filters of one option each: {name: the option's key}.
        single = {}
        for name in beside_kind:
            keys = self.option_keys(name, data[name]) if name in facets.COUNTED else []
            if len(keys) == 1:
                single[name] = keys[0]
        on = timezone.localdate() if data.get("voimassa") == "1" else None
        nationals_shown = data.get("valtakunnalliset") != LEAVE_OUT_NATIONAL
        kinds = self.option_keys("tyyppi", data["tyyppi"]) if "tyyppi" in chosen else None
        kind_chosen = {"tyyppi": chosen["tyyppi"]} if kinds is not None else {}
        if filtered_apart or len(beside_kind) > 2 or (len(beside_kind) == 2 and len(single) < 2):
            counts, everywhere, total = facets.count(
                chosen,
                " AND ".join(base),
                base_params,
                self.linked_facets,
                few_rows=by_keys,
                page=self.page_to_read(),
            )
        elif len(beside_kind) == 2:
            # Two options: the actors of both in one scan (a bitmap of each option's index,
            # AND'ed), and each filter's facet among the other option's actors, from that
            # option's counts kept on write, rather than a scan of either option's actors
            # (so the scan leaves those two facets out).
            both = list(beside_kind.values())
            counts, everywhere, total = facets.count(
                kind_chosen,
                " AND ".join([*base, *(sql for sql, _params in both)]),
                [*base_params, *(param for _sql, params in both for param in params)],
                self.linked_facets,
                leave_out=beside_kind,
                page=self.page_to_read(),
            )
            (first, first_key), (second, second_key) = single.items()
            for name, other, key in ((first, second, second_key), (second, first, first_key)):
                among_other = self.option_counts(
                    other, key, links=False, kinds=kinds, on=on, national=nationals_shown
                )
                take_facet(counts, everywhere, name, among_other)
        else:
            # At most one option filter besides the kinds. Kinds are counted, not filtered:
            # a kind's rows (half the actors are associations) would all be read for the other
            # filter's facet, which is that filter's facet of the kind's actors unfiltered,
            # kept on write (`unfiltered`, each kind apart).
            unfiltered = self.counts_by_kind(on=on, national=nationals_shown)

            def of_kinds(counted):
                """The sum of the chosen kinds' counts (of every kind's, with none chosen)."""
                parts = counted.values() if kinds is None else map(counted.get, kinds)
                return facets.added((part for part in parts if part), self.linked_facets)

            if not beside_kind:
                every_kind = facets.added(unfiltered.values(), self.linked_facets)
                counts, everywhere, total = every_kind if kinds is None else of_kinds(unfiltered)
                # The kinds' facet counts every kind, as with none chosen.
                counts["tyyppi"] = every_kind[0]["tyyppi"]
            else:
                [(other, (sql, params))] = beside_kind.items()
                if other in single:
                    # One option: its facets kept on write, of the chosen kinds.
                    counts, everywhere, total = self.option_counts(
                        other,
                        single[other],
                        links=True,
                        kinds=kinds,
                        on=on,
                        national=nationals_shown,
                    )
                else:
                    # One scan of the filter's rows: the kinds' facet from all of them, the
                    # other facets from those of the chosen kinds (with none chosen, all);
                    # the filter's own facet is taken below.
                    counts, everywhere, total = facets.count(
                        kind_chosen,
                        " AND ".join([*base, sql]),
                        [*base_params, *params],
                        self.linked_facets,
                        leave_out=[other],
                        page=self.page_to_read(),
                    )
                # The other filter's facet: its options among the chosen kinds' actors.
                take_facet(counts, everywhere, other, of_kinds(unfiltered))
        for name, national in everywhere.items():
            counts[name] = self.with_national(name, counts[name], national)
        if data.get("q"):
            # Here a search keeps its first matches of all actors (keko.search), but in the
            # list its first matches within the other filters: the list counts those itself.
            total = None
        return total, counts

    def counts_by_kind(self, *, on, national):
        """Return facets.count_every_actor() (the counts of every published actor by kind,
        those active `on` a day, the national ones unless not `national`), from the cache:
        they change only with what the facets count, and are the same in every language.
        Kept in the process too (read by most lists, 2 ms to unpickle), and so only ever
        added up into new counts (facets.added)."""
        return cached(
            ("actor-facets", type(self).__name__, on, national),
            lambda: facets.count_every_actor(
                self.linked_facets,
                on=on,
                national=national,
                linked=self.linked_actors(),
                apart=self.actors_apart(on),
            ),
            scopes=[facets.SCOPE],
            in_process=True,
            per_language=False,
        )

    def linked_actors(self):
        """Return facets.linked_actors() of `linked_facets` (None without them), from the
        cache: read once for the first counts of every actor and the lists of each option,
        until what the facets count of a linked actor changes (facets.LINKED_SCOPE, of the
        link tables the apps register). Kept in the process too, like counts_by_kind()."""
        if not self.linked_facets:
            return None
        return cached(
            ("linked-actors", type(self).__name__),
            lambda: facets.linked_actors(self.linked_facets),
            scopes=[facets.LINKED_SCOPE],
            in_process=True,
            per_language=False,
        )

    def actors_apart(self, on):
        """Return facets.actors_apart(on), from the cache: read once for the counts of every
        option, until what the facets count of an actor among them changes
        (facets.APART_SCOPE), or the day. Kept in the process too, like counts_by_kind()."""
        return cached(
            ("actors-apart", on),
            lambda: facets.actors_apart(on),
            scopes=[facets.APART_SCOPE],
            in_process=True,
            per_language=False,
        )

    def option_counts(self, name, key, *, links, kinds, on, national):
        """Return facets.count_option() of the option `key` of `name` (with the facets of
        `linked_facets` if `links`), from the cache: like counts_by_kind() it changes only
        with what the facets count, in any language, and every selection with that option
        shares it (a region's with each kind, service or target group, and each page of
        them)."""
        return cached(
            (
                "option-facets",
                type(self).__name__,
                name,
                key,
                links,
                None if kinds is None else sorted(kinds),
                on,
                national,
            ),
            lambda: facets.count_option(
                name,
                key,
                self.linked_facets if links else None,
                kinds=kinds,
                on=on,
                national=national,
                linked=self.linked_actors() if links else None,
                apart=self.actors_apart(on),
            ),
            scopes=[facets.SCOPE],
            per_language=False,
        )

    def conflicts(self):
        """Return (municipality, its region) Options for each chosen municipality outside
        every chosen region: the list then shows only actors that serve both."""
        regions = {option.key: option for option in self.options["alue"]}
        chosen_regions = {option.key for name, option in self.selected() if name == "alue"}
        if not chosen_regions:
            return []
        return [
            (option, regions.get(option.region))
            for name, option in self.selected()
            if name == "kunta" and option.region not in chosen_regions
        ]

    def widenings(self):
        """Return how many actors each selection with one filter less would show, in one
        query (with a search, one per selection): [(name, count)] for every chosen filter,
        and ("voimassa", count) for ended actors included when only active ones are shown.

        Leaving out one value of a filter cannot widen the list (the values are
        alternatives), so a whole filter is left out at a time.
        """
        data = self.form.cleaned_data
        changes = {
            name: {name: None}
            for name in self.filters
            if name not in ("voimassa", "jarjestys") and data.get(name)
        }
        if data.get("voimassa") == "1":
            changes["voimassa"] = {"voimassa": "0"}
        if not changes:
            return []
        if self.facets_from_table() and not data.get("q"):
            counts = self.table_widenings()
            return [(name, counts[name]) for name in changes]
        if self.facets_from_table():
            # A search: the list without it counted from the facet table (one cached scan for
            # a search alone); each selection that keeps it, a count of its first matches.
            # One aggregate over every actor took 90-170 ms for a search that found nothing.
            without_search = self.data.copy()
            del without_search["q"]
            other = type(self)(without_search, queryset=self.queryset)
            return [
                (name, other.counts()[0] if name == "q" else self.filtered(**change).count())
                for name, change in changes.items()
            ]
        counts = self.queryset.order_by().aggregate(
            **{
                name: Count("pk", filter=Q(pk__in=self.filtered(**change).values("pk")))
                for name, change in changes.items()
            }
        )
        return [(name, counts[name]) for name in changes]

    def table_page_keys(self, offset, limit, total=None):
        """Return the keys of `limit` actors of the list from `offset`, in its order, from the
        facet table (actors.facets); or None where the table cannot tell: not PostgreSQL, a
        funder alone chosen, no option chosen and the order by name or the newest first (the
        actor table's own order indexes are as fast), or a search (ranked).
        `total`: how many actors the list has, if known (it chooses how the page is read)."""
        page_order = self.table_page_order()
        if page_order is None:
            return None
        read = self.page_read
        if read and read.keys is not None and (read.offset, read.limit) == (offset, limit):
            return read.keys  # read with the counts, by the same scan (table_counts)
        where, params = self.table_where()
        if page_order.walks and (page_order.always_walks or (total or 0) >= facets.WALK_FROM):
            # Many rows: each part walked from its index by name, stopping at the page's
            # end, reads a few hundred entries where sorting every row of a region or a
            # target group (4 000-10 000) took 4-13 ms, and Uusimaa's 17 000 associations
            # 14 ms (2 ms walked).
            return facets.page_keys_in_parts(
                where,
                params,
                page_order.second_kinds,
                offset,
                limit,
                nationals_apart=page_order.nationals_apart,
                order=page_order.part_order,
            )
        return facets.page_keys(where, params + page_order.params, page_order.order, offset, limit)

    def table_where(self):
        """Return the conditions (SQL) and their params of the facet table's rows of the
        actors listed (actors.facets)."""
        where, params = ["f.status = %s"], [Status.PUBLISHED.value]
        for sql, condition_params in self.table_conditions().values():
            where.append(sql)
            params += condition_params
        return where, params

    def table_page_order(self):
        """Return how the facet table orders the list's rows (a facets.PageOrder), or None
        where table_page_keys() cannot tell."""
        data = self.form.cleaned_data
        if not self.facets_from_table() or data.get("q"):
            return None
        chosen = [name for name in self.options if data.get(name)]
        if chosen and not any(name in facets.COUNTED for name in chosen):
            return None  # a funder alone: its subquery of the actor table
        if not chosen and data.get("jarjestys") in ("nimi", "lisatty"):
            return None  # the actor table's own index in that order
        # As order_actors() and filter_queryset() order the actor table.
        part_order = TABLE_ORDERS[data.get("jarjestys") or ""]
        order, params = list(part_order), []
        # Kinds chosen from one part alone (civil society or the public sector) leave the
        # default order by name, walked from the kind's index or its part's.
        kinds = self.option_keys("tyyppi", data.get("tyyppi") or [])
        parts = {kind in PUBLIC_SECTOR_KINDS for kind in kinds}
        nationals_apart = self.nationals_listed_apart()
        default_order = not data.get("jarjestys")
        in_two_parts = default_order and len(parts) != 1
        if in_two_parts:
            order.insert(0, "CASE WHEN f.kind = ANY(%s) THEN 1 ELSE 0 END")
            params.append([kind.value for kind in PUBLIC_SECTOR_KINDS])
        if nationals_apart:
            order.insert(0, "f.is_national")
        return facets.PageOrder(
            order,
            params,
            part_order=part_order,
            # By name, the default's parts: a long list's pages walked from actors/0019's
            # indexes; in the other orders, from actors/0024's (a page by name is read from
            # the kind's index or sorted, as PostgreSQL finds cheaper).
            walks=data.get("jarjestys") != "nimi",
            always_walks=in_two_parts and not chosen,
            nationals_apart=nationals_apart,
            second_kinds=[kind.value for kind in PUBLIC_SECTOR_KINDS] if in_two_parts else [],
        )

    def page_to_read(self):
        """Return a facets.PageRead of the page the view asked for (`page_wanted`), for the
        counts' scan of the list's rows to read as well; or None where table_page_keys()
        would not sort those rows (it cannot tell, or walks the name indexes whatever the
        number of rows)."""
        if self.page_wanted is None:
            return None
        page_order = self.table_page_order()
        if page_order is None or page_order.always_walks:
            return None
        offset, limit = self.page_wanted
        self.page_read = facets.PageRead(page_order, offset, limit)
        return self.page_read

    def table_widenings(self):
        """widenings() from the facet table (actors.facets): one scan of its rows, each
        chosen filter a mark, the active period's among them. Not with a search, which the
        list bounds within the other filters (see table_counts)."""
        return facets.count_without(
            self.table_conditions(), "f.status = %s", [Status.PUBLISHED.value]
        )


def take_facet(counts, everywhere, name, counted):
    """Set the facet `name` of `counts` and `everywhere` (as facets.count() returns them) to
    that of `counted`, the same counted among other actors."""
    counts[name] = counted[0][name]
    if name in everywhere:
        everywhere[name] = counted[1][name]


def unknown_notice(message, values):
    """Return `message` naming the first few unknown `values` (quoted, cut short)."""
    shown = [f"”{value[:40]}{'…' if len(value) > 40 else ''}”" for value in values[:NOTICE_VALUES]]
    named = ", ".join(shown)
    if len(values) > NOTICE_VALUES:
        named += " " + _("ja %(n)s muuta") % {"n": len(values) - NOTICE_VALUES}
    return message % {"values": named, "count": len(values)}
