import django_filters
from django.utils.translation import gettext_lazy as _

from actors.models import Region, TargetGroup
from funding.models import FundingSource
from keko.filters import LinkedToAnyFilter, SearchFilter
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
    alue = LinkedToAnyFilter(
        field_name="regions",
        label=_("Maakunta"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        widget=FastSelectMultiple,
    )
    kohderyhma = LinkedToAnyFilter(
        field_name="target_groups",
        label=_("Kohderyhmä"),
        queryset=TargetGroup.objects.all(),
        to_field_name="slug",
        widget=FastCheckboxSelectMultiple,
    )
    rahoitus = LinkedToAnyFilter(
        field_name="funding_sources",
        label=_("Rahoittaja"),
        queryset=FundingSource.objects.published(),
        to_field_name="slug",
        widget=FastSelectMultiple,
    )

    class Meta:
        model = Practice
        fields = []
