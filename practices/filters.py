import django_filters
from django.utils.translation import gettext_lazy as _

from actors.models import Region, TargetGroup
from funding.models import FundingSource
from keko.filters import SearchFilter
from keko.widgets import FastCheckboxSelectMultiple, FastSelectMultiple

from .models import Practice


class PracticeFilter(django_filters.FilterSet):
    """The filters of /kaytannot/, named after what the user sees in the URL."""

    q = SearchFilter()
    tyyppi = django_filters.MultipleChoiceFilter(
        label=_("Kumppanityyppi"),
        field_name="partner_type",
        choices=Practice.PartnerType.choices,
        widget=FastCheckboxSelectMultiple,
    )
    alue = django_filters.ModelMultipleChoiceFilter(
        label=_("Maakunta"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        widget=FastSelectMultiple,
        method="filter_regions",
    )
    kohderyhma = django_filters.ModelMultipleChoiceFilter(
        label=_("Kohderyhmä"),
        queryset=TargetGroup.objects.all(),
        to_field_name="slug",
        widget=FastCheckboxSelectMultiple,
        method="filter_target_groups",
    )
    rahoitus = django_filters.ModelMultipleChoiceFilter(
        label=_("Rahoittaja"),
        queryset=FundingSource.objects.published(),
        to_field_name="slug",
        widget=FastSelectMultiple,
        method="filter_funding",
    )

    class Meta:
        model = Practice
        fields = []

    # Many-to-many filters use a subquery so that the list needs no DISTINCT.
    def filter_regions(self, queryset, name, value):
        if not value:
            return queryset
        through = Practice.regions.through.objects.filter(region__in=value)
        return queryset.filter(pk__in=through.values("practice_id"))

    def filter_target_groups(self, queryset, name, value):
        if not value:
            return queryset
        through = Practice.target_groups.through.objects.filter(targetgroup__in=value)
        return queryset.filter(pk__in=through.values("practice_id"))

    def filter_funding(self, queryset, name, value):
        if not value:
            return queryset
        through = Practice.funding_sources.through.objects.filter(fundingsource__in=value)
        return queryset.filter(pk__in=through.values("practice_id"))
