from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.generic import DetailView
from django_filters.views import FilterView

from keko.models import Status
from keko.pagination import SafePaginationMixin
from practices.models import Practice

from .filters import MONTHS, FundingSourceFilter
from .ical import calendar_feed
from .models import ApplicationWindow, FundingSource, ProjectFunding


class FundingSourceListView(SafePaginationMixin, FilterView):
    filterset_class = FundingSourceFilter
    paginate_by = 50
    template_name = "funding/fundingsource_list.html"

    def get_queryset(self):
        return FundingSource.objects.published().for_list()


class FundingSourceDetailView(DetailView):
    template_name = "funding/fundingsource_detail.html"
    context_object_name = "funding"

    def get_queryset(self):
        return (
            FundingSource.objects.visible_to(self.request.user)
            .select_related("administrator")
            .prefetch_related(
                "applicant_types",
                "regions",
                "windows",
                Prefetch("practices", queryset=Practice.objects.published()),
                Prefetch(
                    "project_fundings",
                    queryset=ProjectFunding.objects.filter(
                        project__status=Status.PUBLISHED
                    ).select_related("project"),
                ),
            )
        )


def published_windows():
    """Return the application windows of published sources, by source name."""
    return (
        ApplicationWindow.objects.filter(funding_source__in=FundingSource.objects.published())
        .select_related("funding_source")
        .order_by("funding_source__name", "name")
    )


def calendar(request):
    """Show the vuosikello: the windows open in each month, New Year's wraps included."""
    months = [{"number": number, "name": name, "windows": []} for number, name in MONTHS]
    for window in published_windows():
        for number in window.months:
            months[number - 1]["windows"].append(window)
    return render(
        request,
        "funding/calendar.html",
        {
            "months": months,
            "current_month": timezone.localdate().month,
        },
    )


def calendar_ics(request):
    """Serve the windows as an iCalendar feed that calendar apps can subscribe to."""
    feed = calendar_feed(
        published_windows(),
        url_for=lambda source: request.build_absolute_uri(source.get_absolute_url()),
        now=timezone.now(),
    )
    response = HttpResponse(feed, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="keko-rahoitus.ics"'
    return response
