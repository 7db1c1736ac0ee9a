from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "funding"

urlpatterns = [
    path("", views.FundingSourceListView.as_view(), name="list"),
    # A source's own page is drawn by the directory (directory/urls.py), which includes these
    # first, so that the calendar is never taken for a source's slug.
    path(_("kalenteri/"), views.calendar, name="calendar"),
    path(_("kalenteri.ics"), views.calendar_ics, name="calendar_ics"),
]
