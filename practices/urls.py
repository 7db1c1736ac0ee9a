from django.urls import path

from curation import views as curation_views

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.PracticeListView.as_view(), name="list"),
    path("<slug:slug>/", views.PracticeDetailView.as_view(), name="detail"),
    # Visitors' corrections (curation/views.py).
    path("<slug:slug>/korjaus/", curation_views.practice_correction, name="correction"),
    path(
        "<slug:slug>/korjaus/kiitos/",
        curation_views.practice_correction_thanks,
        name="correction_thanks",
    ),
]
