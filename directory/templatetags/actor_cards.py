"""An actor's card in a list (the actor list, the search page, an area page), written out in
Python: a list page shows 50 of them and an area page up to a few hundred, and the template
engine took 0.2 ms a card (an include, its tags and filters), two thirds of a list's rendering.
Each text is escaped where it is written, as format_html() would, without its cost per item.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from keko.markup import conditional_escape, escape
from keko.templatetags.content_language import area_name, lang_fallback, translated

from ..areas import slug_urls

register = template.Library()

# A card's description is cut after this many words.
DESCRIPTION_WORDS = 30


@register.simple_tag
def actor_cards(actors, show_services=False, show_ended=True):
    """The `<li class="card">` of each of `actors`: with their services if `show_services`
    (Actor.objects.for_list()'s `listed_services`), and a badge on an ended one's unless
    `show_ended` is false (an area page lists active actors, without their end dates). An
    actor's `url` is used where it has one."""
    url, language = slug_urls("directory:actor"), get_language()
    return mark_safe(  # noqa: S308 - _card() escapes every text
        "".join(_card(actor, show_services, show_ended, url, language) for actor in actors)
    )


@register.simple_tag
def actor_card(actor, show_services=False, show_ended=True, url=None):
    """One actor's card (see actor_cards); `url` a function of a slug to the actor's page."""
    url = url or slug_urls("directory:actor")
    return mark_safe(_card(actor, show_services, show_ended, url, get_language()))  # noqa: S308


def _card(actor, show_services, show_ended, url, language):
    # The page's language asked once, each translated field read once: a list's cards asked
    # for the language about ten times each.
    href = getattr(actor, "url", None) or url(actor.slug)
    meta = escape(actor.get_kind_display())
    municipality = actor.municipality
    if municipality:
        meta += " · " + conditional_escape(area_name(municipality, language))
    if actor.is_national:
        meta += f' · <span class="badge badge-national">{escape(_("valtakunnallinen"))}</span>'
    if show_ended and actor.has_ended:
        until = actor.active_until
        ended = f"{_('Päättynyt')} {until.day}.{until.month}.{until.year}"
        meta += f' · <span class="badge badge-ended">{escape(ended)}</span>'
    description = services = ""
    text = actor.description
    if text:
        short = Truncator(text).words(DESCRIPTION_WORDS, truncate=" …")
        description = f"<p{lang_fallback(actor, 'description', language)}>{escape(short)}</p>"
    if show_services and actor.listed_services:
        names = ", ".join(
            conditional_escape(translated(service, "name", language=language))
            for service in actor.listed_services
        )
        services = f'<p class="meta">{escape(_("Palvelut"))}: {names}</p>'
    name_lang = lang_fallback(actor, "name", language)
    return (
        f'<li class="card">\n  <h3><a href="{escape(href)}"{name_lang}>'
        f'{escape(actor.name)}</a></h3>\n  <p class="meta">{meta}</p>\n'
        f"  {description}\n  {services}\n</li>\n"
    )
