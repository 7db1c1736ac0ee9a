import django_filters
from django.utils.translation import gettext_lazy as _

from .widgets import FastTextInput


class SearchFilter(django_filters.CharFilter):
    """The `q` text filter of every list: the queryset's own ranked `search()`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Hakusana"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", FastTextInput(attrs={"type": "search"}))
        super().__init__(**kwargs)

    def filter(self, queryset, value):
        # search() itself leaves the rows as they are when `value` has no words.
        return queryset.search(value) if value else queryset


class LinkedToAnyFilter(django_filters.ModelMultipleChoiceFilter):
    """Entries linked through the many-to-many `field_name` to any of the chosen values
    (CuratedQuerySet.linked_to_any)."""

    def filter(self, queryset, value):
        return queryset.linked_to_any(self.field_name, value) if value else queryset
