from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django_filters.views import FilterView

from keko.pagination import CachedPaginationMixin

from .filters import MONTHS, FundingSourceFilter
from .ical import calendar_feed
from .models import ApplicationWindow, FundingSource


class FundingSourceListView(CachedPaginationMixin, FilterView):
    filterset_class = FundingSourceFilter
    paginate_by = 50
    template_name = "funding/fundingsource_list.html"

    def get_queryset(self):
        return FundingSource.objects.published().for_list()


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
    feed_url = request.build_absolute_uri(reverse("funding:calendar_ics"))
    for window in published_windows():
        for number in window.months:
            months[number - 1]["windows"].append(window)
    return render(
        request,
        "funding/calendar.html",
        {
            "months": months,
            "current_month": timezone.localdate().month,
            "feed_url": feed_url,
            # webcal:// opens the subscription in the visitor's calendar app.
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
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
