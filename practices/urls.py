from django.urls import path

from curation import views as curation_views

from . import views
from .models import Practice

app_name = "practices"

urlpatterns = [
    path("", views.PracticeListView.as_view(), name="list"),
    path("<slug:slug>/", views.PracticeDetailView.as_view(), name="detail"),
    # Visitors' corrections (curation/views.py).
    path(
        "<slug:slug>/korjaus/",
        curation_views.correction,
        {"model": Practice},
        name="correction",
    ),
    path(
        "<slug:slug>/korjaus/kiitos/",
        curation_views.correction_thanks,
        {"model": Practice},
        name="correction_thanks",
    ),
]
