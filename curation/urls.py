from django.urls import path
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from practices.models import Practice

from . import views

app_name = "curation"

# Visitors' corrections, under the public URL of the entry they correct.
urlpatterns = [
    path(
        _("toimijat/<slug:slug>/korjaus/"),
        views.correction,
        {"model": Actor},
        name="actor_correction",
    ),
    path(
        _("toimijat/<slug:slug>/korjaus/kiitos/"),
        views.correction_thanks,
        {"model": Actor},
        name="actor_correction_thanks",
    ),
    path(
        _("kaytannot/<slug:slug>/korjaus/"),
        views.correction,
        {"model": Practice},
        name="practice_correction",
    ),
    path(
        _("kaytannot/<slug:slug>/korjaus/kiitos/"),
        views.correction_thanks,
        {"model": Practice},
        name="practice_correction_thanks",
    ),
    # Organisations' own entries (curation/proposals.py). Not under toimijat/: a path there
    # would hide an actor whose slug is the same word.
    path(_("lisaa-organisaatio/"), views.organisation_new, name="organisation_new"),
    path(
        _("lisaa-organisaatio/kiitos/"),
        views.organisation_new_thanks,
        name="organisation_new_thanks",
    ),
    path(
        _("toimijat/<slug:slug>/paivita/"),
        views.organisation_update,
        name="organisation_update",
    ),
    path(
        _("toimijat/<slug:slug>/paivita/kiitos/"),
        views.organisation_update_thanks,
        name="organisation_update_thanks",
    ),
    # The yearly e-mail's signed link (curation/confirmations.py).
    path(_("vahvista/<str:token>/"), views.confirmation, name="confirmation"),
    path(_("vahvista/<str:token>/kiitos/"), views.confirmation_thanks, name="confirmation_thanks"),
]
