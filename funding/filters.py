import django_filters
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from keko.filters import LinkedToAnyFilter, SearchFilter
from keko.widgets import FastCheckboxSelectMultiple, FastSelectMultiple

from .models import ApplicantType, FundingSource

MONTHS = [
    (1, _("tammikuu")),
    (2, _("helmikuu")),
    (3, _("maaliskuu")),
    (4, _("huhtikuu")),
    (5, _("toukokuu")),
    (6, _("kesäkuu")),
    (7, _("heinäkuu")),
    (8, _("elokuu")),
    (9, _("syyskuu")),
    (10, _("lokakuu")),
    (11, _("marraskuu")),
    (12, _("joulukuu")),
]


def administrators():
    """Return the published actors that administer at least one published funding source."""
    administered = FundingSource.objects.published().values("administrator_id")
    return Actor.objects.published().filter(pk__in=administered)


class FundingSourceFilter(django_filters.FilterSet):
    """The filters of /rahoitus/, named after what the user sees in the URL."""

    q = SearchFilter()
    luokka = django_filters.MultipleChoiceFilter(
        label=_("Rahoituksen luokka"),
        field_name="category",
        choices=FundingSource.Category.choices,
        widget=FastCheckboxSelectMultiple,
    )
    hakija = LinkedToAnyFilter(
        field_name="applicant_types",
        label=_("Kuka voi hakea"),
        queryset=ApplicantType.objects.all(),
        to_field_name="slug",
        widget=FastCheckboxSelectMultiple,
    )
    myontaja = django_filters.ModelMultipleChoiceFilter(
        label=_("Myöntäjä"),
        queryset=administrators(),
        to_field_name="slug",
        widget=FastSelectMultiple,
        method="filter_administrator",
    )
    auki = django_filters.ChoiceFilter(
        label=_("Haku auki kuukautena"),
        choices=MONTHS,
        empty_label=_("Mikä tahansa"),
        method="filter_open_in_month",
    )

    class Meta:
        model = FundingSource
        fields = []

    def filter_administrator(self, queryset, name, value):
        return queryset.filter(administrator__in=value) if value else queryset

    def filter_open_in_month(self, queryset, name, value):
        return queryset.open_in_month(int(value)) if value else queryset
