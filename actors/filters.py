import django_filters
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from keko.filters import LinkedToAnyFilter, SearchFilter
from keko.widgets import FastCheckboxSelectMultiple, FastSelectMultiple

from .models import Actor, ActorKind, Municipality, Region, ServiceType, TargetGroup


class ActorFilter(django_filters.FilterSet):
    """The filters of /toimijat/, named after what the user sees in the URL."""

    q = SearchFilter()
    alue = django_filters.ModelMultipleChoiceFilter(
        label=_("Maakunta"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        widget=FastSelectMultiple,
        method="filter_region",
    )
    kunta = django_filters.ModelMultipleChoiceFilter(
        label=_("Kunta"),
        queryset=Municipality.objects.all(),
        to_field_name="slug",
        widget=FastSelectMultiple,
        method="filter_municipality",
    )
    tyyppi = django_filters.MultipleChoiceFilter(
        label=_("Toimijatyyppi"),
        field_name="kind",
        choices=ActorKind.choices,
        widget=FastCheckboxSelectMultiple,
        # A column of the actor itself: no duplicate rows, so no DISTINCT over 100 000 rows.
        distinct=False,
    )
    palvelu = LinkedToAnyFilter(
        label=_("Palvelu"),
        field_name="services",
        queryset=ServiceType.objects.all(),
        to_field_name="slug",
        widget=FastCheckboxSelectMultiple,
    )
    kohderyhma = LinkedToAnyFilter(
        label=_("Kohderyhmä"),
        field_name="target_groups",
        queryset=TargetGroup.objects.all(),
        to_field_name="slug",
        widget=FastCheckboxSelectMultiple,
    )
    voimassa = django_filters.ChoiceFilter(
        label=_("Toiminta"),
        method="filter_active",
        empty_label=None,
        choices=[("1", _("Vain toiminnassa olevat")), ("0", _("Myös päättyneet"))],
    )

    class Meta:
        model = Actor
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # Ended actors are hidden unless asked for; the default shows in the form too.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("voimassa"):
            data["voimassa"] = "1"
        super().__init__(data, *args, **kwargs)

    def filter_region(self, queryset, name, value):
        return queryset.serving_regions(value) if value else queryset

    def filter_municipality(self, queryset, name, value):
        return queryset.serving_municipalities(value) if value else queryset

    def filter_active(self, queryset, name, value):
        return queryset.active() if value == "1" else queryset
