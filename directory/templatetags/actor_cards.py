"""An actor's card in a list (the actor list, the search page, an area page), written out in
Python: a list page shows 50 of them and an area page up to a few hundred, and the template
engine took 0.2 ms a card (an include, its tags and filters), two thirds of a list's rendering.
These take a tenth of that.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from keko.templatetags.content_language import area_name, lang_fallback, translated

from ..areas import slug_urls

register = template.Library()

# A card's description is cut after this many words.
DESCRIPTION_WORDS = 30


@register.simple_tag
def actor_cards(actors, show_services=False, show_ended=True):
    """The `<li class="card">` of each of `actors`: with their services if `show_services`
    (prefetched: `actor.services.all()`), and a badge on an ended one's unless `show_ended`
    is false (an area page lists active actors, without their end dates). An actor's `url` is
    used where it has one."""
    url = slug_urls("directory:actor")
    cards = ((actor_card(actor, show_services, show_ended, url),) for actor in actors)
    return format_html_join("", "{}", cards)


@register.simple_tag
def actor_card(actor, show_services=False, show_ended=True, url=None):
    """One actor's card (see actor_cards); `url` a function of a slug to the actor's page."""
    href = getattr(actor, "url", None) or (url or slug_urls("directory:actor"))(actor.slug)
    meta = [actor.get_kind_display()]
    if actor.municipality:
        meta.append(area_name(actor.municipality))
    if actor.is_national:
        meta.append(
            format_html('<span class="badge badge-national">{}</span>', _("valtakunnallinen"))
        )
    if show_ended and actor.has_ended:
        until = actor.active_until
        ended = f"{_('Päättynyt')} {until.day}.{until.month}.{until.year}"
        meta.append(format_html('<span class="badge badge-ended">{}</span>', ended))
    description = services = ""
    if actor.description:
        description = format_html(
            "<p{}>{}</p>",
            lang_fallback(actor, "description"),
            Truncator(actor.description).words(DESCRIPTION_WORDS, truncate=" …"),
        )
    if show_services and (shown := actor.services.all()):
        names = format_html_join(", ", "{}", ((translated(s, "name"),) for s in shown))
        services = format_html('<p class="meta">{}: {}</p>', _("Palvelut"), names)
    return format_html(
        '<li class="card">\n  <h3><a href="{}"{}>{}</a></h3>\n  <p class="meta">{}</p>\n'
        "  {}\n  {}\n</li>\n",
        href,
        lang_fallback(actor, "name"),
        actor.name,
        format_html_join(" · ", "{}", ((part,) for part in meta)),
        description,
        services,
    )
