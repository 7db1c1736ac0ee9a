from django.db.models import Count
from django.http import HttpResponsePermanentRedirect
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from actors.filters import ActorFilter, Option, OptionFilter
from actors.models import ActorKind
from funding.models import FundingSource, ProjectFunding

# The English kind values that links used before the Finnish ones (?tyyppi=association).
ENGLISH_KINDS = {kind.value: kind.url_slug for kind in ActorKind if kind.value != kind.url_slug}


def english_kinds_redirect(request):
    """Return a permanent redirect from a URL with English kind values (`tyyppi`) to the
    same URL with the Finnish ones, or None. For every page that takes `tyyppi`."""
    if not any(value in ENGLISH_KINDS for value in request.GET.getlist("tyyppi")):
        return None
    pairs = [
        (key, ENGLISH_KINDS.get(value, value) if key == "tyyppi" else value)
        for key, values in request.GET.lists()
        for value in values
    ]
    return HttpResponsePermanentRedirect(f"{request.path}?{urlencode(pairs)}")


class ActorDirectoryFilter(ActorFilter):
    """The filters of /toimijat/: the actor's own, and who funds its projects."""

    rahoitus = OptionFilter(
        label=_("Rahoittaja"),
        method="filter_funding",
        unknown=ngettext_lazy(
            "Tuntematon rahoittaja %(values)s jätettiin pois.",
            "Tuntemattomat rahoittajat %(values)s jätettiin pois.",
            "count",
        ),
    )

    class Meta(ActorFilter.Meta):
        fields = []

    linked_facets = {
        "rahoitus": (ProjectFunding._meta.db_table, "project_id", "funding_source_id"),
    }

    def load_options(self):
        return {
            **super().load_options(),
            "rahoitus": [
                Option(f.slug, f.name, f.pk)
                for f in FundingSource.objects.published().only("slug", "name")
            ],
        }

    def filter_funding(self, queryset, name, value):
        funded = ProjectFunding.objects.filter(
            funding_source__in=self.option_keys("rahoitus", value)
        ).values("project_id")
        return queryset.filter(pk__in=funded)

    def count_facet(self, name, queryset):
        if name != "rahoitus":
            return super().count_facet(name, queryset)
        # A project funded twice by one source counts once.
        return dict(
            ProjectFunding.objects.filter(project__in=queryset.values("pk"))
            .order_by()
            .values("funding_source")
            .annotate(n=Count("project", distinct=True))
            .values_list("funding_source", "n")
        )
