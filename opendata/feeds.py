"""Atom feeds of an area's changes: /alueet/<slug>/muutokset.atom, /kunnat/<slug>/muutokset.atom.

A feed is in the language of its address (/sv/…, /en/…, Finnish at the root), as the area's page
is: its texts, the area's name, and its links to the pages in that language.

The published actors of the area (as its page selects them: based in it, serving it or a
municipality of it, or its whole region) that are new, changed or ended, newest first, at most
LIMIT. An entry is an actor in its present state, dated by its last save, or by the day its
activity ended if that is later; an actor created less than NEW_WITHIN before its last save
is "new". Drafts never appear; ended actors do (their end is the change), and so does their
page; actors not started yet do not, as on the area's page.
"""

import datetime
import uuid

from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from actors.models import Actor, Municipality, Region

LIMIT = 50
NEW_WITHIN = datetime.timedelta(days=1)


def ended_at(actor):
    """The moment an ended actor's activity ended: the start of the day after its last day."""
    day = actor.active_until + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def change(actor):
    """(what changed, when): the actor ended, is new, or changed."""
    if actor.has_ended:
        return _("Toiminta päättynyt"), max(actor.updated_at, ended_at(actor))
    if actor.updated_at - actor.created_at < NEW_WITHIN:
        return _("Uusi toimija"), actor.updated_at
    return _("Tiedot päivitetty"), actor.updated_at


class AreaChangesFeed(Feed):
    feed_type = Atom1Feed
    model = None
    # The name of the feed's URL pattern (opendata.site_urls).
    url_name = None

    def get_object(self, request, slug):
        return get_object_or_404(self.model, slug=slug)

    def serving(self, actors, area):
        raise NotImplementedError

    def author_name(self):
        return _("KeKo-hakemisto")

    def title(self, area):
        return _("%(area)s: toimijoiden muutokset – KeKo-hakemisto") % {"area": area.name}

    def subtitle(self, area):
        return _(
            "Alueella %(area)s toimivat uudet, muuttuneet ja päättyneet toimijat, uusimmat ensin."
        ) % {"area": area.name}

    def link(self, area):
        return area.get_absolute_url()

    def feed_url(self, area):
        return reverse(f"opendata_site:{self.url_name}", kwargs={"slug": area.slug})

    def items(self, area):
        today = timezone.localdate()
        actors = self.serving(
            Actor.objects.published().filter(
                Q(active_from__isnull=True) | Q(active_from__lte=today)
            ),
            area,
        ).order_by()
        recent = list(actors.order_by("-updated_at", "-pk")[:LIMIT])
        ended = list(actors.filter(active_until__lt=today).order_by("-active_until", "-pk")[:LIMIT])
        unique = {actor.pk: actor for actor in recent + ended}.values()
        return sorted(unique, key=lambda actor: (change(actor)[1], actor.pk), reverse=True)[:LIMIT]

    def item_title(self, actor):
        return f"{change(actor)[0]}: {actor.name}"

    def item_description(self, actor):
        # Atom's summary is HTML: the plain text escaped.
        return escape(Truncator(actor.description).words(60))

    def item_link(self, actor):
        return actor.get_absolute_url()

    def item_guid(self, actor):
        # A new id for each change, so that a reader shows the changed actor as a new entry:
        # derived from the actor's UUID and the change's moment (Atom ids are absolute IRIs).
        moment = change(actor)[1].isoformat()
        return f"urn:uuid:{uuid.uuid5(actor.uuid, f'change:{moment}')}"

    item_guid_is_permalink = False

    def item_updateddate(self, actor):
        return change(actor)[1]

    def item_pubdate(self, actor):
        return change(actor)[1]

    def item_categories(self, actor):
        return [change(actor)[0], actor.get_kind_display()]


class RegionChangesFeed(AreaChangesFeed):
    model = Region
    url_name = "region_feed"

    def serving(self, actors, region):
        return actors.serving_regions([region])


class MunicipalityChangesFeed(AreaChangesFeed):
    model = Municipality
    url_name = "municipality_feed"

    def serving(self, actors, municipality):
        return actors.serving_municipalities([municipality])
