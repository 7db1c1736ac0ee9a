import django_filters
from django.utils.translation import gettext_lazy as _

from keko.filters import SearchFilter

from .models import Term


class TermFilter(django_filters.FilterSet):
    """The filters of /kasitteet/, named after what the user sees in the URL."""

    q = SearchFilter()
    luokka = django_filters.ChoiceFilter(
        label=_("Luokka"),
        field_name="category",
        choices=Term.Category.choices,
        empty_label=_("Kaikki luokat"),
    )

    class Meta:
        model = Term
        fields = []
