"""A practice's card (the practice list, the site search), written out in Python as the actor
cards are (directory/templatetags/actor_cards.py): through a template include, each card took
a third of a millisecond, the site search's slowest part to render. What a page's cards share
(the language, the partner types' labels in it, the URL of a practice) is prepared once per
rendering, in the template's render_context: get_partner_type_display() alone translated
every label of the field for each card."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from keko.markup import RenderingText, conditional_escape, escape, slug_urls
from keko.templatetags.content_language import area_name, lang_fallback

from ..models import Practice

register = template.Library()

# A card's summary is cut after this many words.
SUMMARY_WORDS = 30


@register.simple_tag(takes_context=True)
def practice_card(context, practice):
    """The `<li class="card">` of `practice`: its title, partner type, regions (prefetched
    with `regions`) and summary."""
    text = CardText.of(context)
    language = text.language
    partner_type = text.partner_types.get(practice.partner_type)
    if partner_type is None:
        partner_type = escape(practice.get_partner_type_display())
    meta = partner_type
    regions = practice.regions.all()
    if regions:
        meta += " · " + ", ".join(
            conditional_escape(area_name(region, language)) for region in regions
        )
    summary = Truncator(practice.summary).words(SUMMARY_WORDS, truncate=" …")
    return mark_safe(  # noqa: S308 - every text escaped
        f'<li class="card">\n  <h3><a href="{escape(text.url(practice.slug))}"'
        f"{lang_fallback(practice, 'title', language)}>{escape(practice.title)}</a></h3>\n"
        f'  <p class="meta">{meta}</p>\n'
        f"  <p{lang_fallback(practice, 'summary', language)}>{escape(summary)}</p>\n</li>\n"
    )


class CardText(RenderingText):
    """What the practice cards of one page share, in the page's language."""

    def __init__(self):
        super().__init__()
        field = Practice._meta.get_field("partner_type")
        self.partner_types = {value: escape(str(label)) for value, label in field.flatchoices}
        self.url = slug_urls("practices:detail")
