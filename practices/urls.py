from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.PracticeListView.as_view(), name="list"),
    path("<slug:slug>/", views.PracticeDetailView.as_view(), name="detail"),
]

# Visitors' corrections (curation/views.py).
from curation import views as curation_views  # noqa: E402

urlpatterns += [
    path("<slug:slug>/korjaus/", curation_views.practice_correction, name="correction"),
    path(
        "<slug:slug>/korjaus/kiitos/",
        curation_views.practice_correction_thanks,
        name="correction_thanks",
    ),
]
