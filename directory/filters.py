import django_filters
from django.utils.translation import gettext_lazy as _

from actors.filters import ActorFilter
from funding.models import FundingSource, ProjectFunding
from keko.widgets import FastSelectMultiple


class ActorDirectoryFilter(ActorFilter):
    """The filters of /toimijat/: the actor's own, and who funds its projects."""

    rahoitus = django_filters.ModelMultipleChoiceFilter(
        label=_("Rahoittaja"),
        queryset=FundingSource.objects.published(),
        to_field_name="slug",
        widget=FastSelectMultiple,
        method="filter_funding",
    )

    class Meta(ActorFilter.Meta):
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Whether ended actors are shown stays the form's last choice.
        self.filters["voimassa"] = self.filters.pop("voimassa")

    def filter_funding(self, queryset, name, value):
        if not value:
            return queryset
        funded = ProjectFunding.objects.filter(funding_source__in=value).values("project_id")
        return queryset.filter(pk__in=funded)
