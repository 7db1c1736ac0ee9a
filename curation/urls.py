from django.urls import path

from actors.models import Actor
from practices.models import Practice

from . import views

app_name = "curation"

# Visitors' corrections, under the public URL of the entry they correct.
urlpatterns = [
    path(
        "toimijat/<slug:slug>/korjaus/",
        views.correction,
        {"model": Actor},
        name="actor_correction",
    ),
    path(
        "toimijat/<slug:slug>/korjaus/kiitos/",
        views.correction_thanks,
        {"model": Actor},
        name="actor_correction_thanks",
    ),
    path(
        "kaytannot/<slug:slug>/korjaus/",
        views.correction,
        {"model": Practice},
        name="practice_correction",
    ),
    path(
        "kaytannot/<slug:slug>/korjaus/kiitos/",
        views.correction_thanks,
        {"model": Practice},
        name="practice_correction_thanks",
    ),
]
