import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class SearchFilter(django_filters.CharFilter):
    """The `q` text filter of every list: the queryset's own ranked `search()`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Hakusana"))
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "search"}))
        super().__init__(**kwargs)

    def filter(self, queryset, value):
        return queryset.search(value) if value and value.strip() else queryset
