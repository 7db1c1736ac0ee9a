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
        # search() itself leaves the rows as they are when `value` has no words.
        return queryset.search(value) if value else queryset


class LinkedToAnyFilter(django_filters.ModelMultipleChoiceFilter):
    """Rows linked through the many-to-many `field_name` to any of the chosen values.

    A subquery on the link table rather than a join, so that a row linked to two chosen
    values is listed once without DISTINCT.
    """

    def filter(self, queryset, value):
        if not value:
            return queryset
        field = queryset.model._meta.get_field(self.field_name)
        links = field.remote_field.through.objects.filter(
            **{f"{field.m2m_reverse_field_name()}__in": value}
        )
        return queryset.filter(pk__in=links.values(field.m2m_field_name()))
