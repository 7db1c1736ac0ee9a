"""An actor's card in a list (the actor list, the search page, an area page), written out in
Python: a list page shows 50 of them and an area page up to a few hundred, and the template
engine took 0.2 ms a card (an include, its tags and filters), two thirds of a list's rendering.
Each text is escaped where it is written, as format_html() would, without its cost per item.

What every card of a page shares is prepared once per rendering (CardText, kept in the
template's render_context): the language, the kinds' labels and the badges' texts in it,
today's date, the actor URL, each municipality's name. Asked for per card, the translations
and the translated fields' descriptors were two thirds of a card's 55 µs.
"""

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from actors.models import ActorKind
from keko.markup import RenderingText, conditional_escape, escape, finnish_date, slug_urls
from keko.templatetags.content_language import FINNISH

register = template.Library()

# A card's description is cut after this many words.
DESCRIPTION_WORDS = 30
LANG_FINNISH = f' lang="{FINNISH}"'


@register.simple_tag(takes_context=True)
def actor_cards(context, actors, show_services=False, show_ended=True):
    """The `<li class="card">` of each of `actors`: with their services if `show_services`
    (the ListedActors of Actor.objects.for_list()), and a badge on an ended one's unless
    `show_ended` is false (an area page lists active actors, without their end dates). An
    actor's `url` is used where it has one."""
    text = CardText.of(context)
    return mark_safe(  # noqa: S308 - _card() escapes every text
        "".join(_card(actor, show_services, show_ended, text) for actor in actors)
    )


@register.simple_tag(takes_context=True)
def actor_card(context, actor, show_services=False, show_ended=True):
    """One actor's card (see actor_cards)."""
    return mark_safe(  # noqa: S308 - _card() escapes every text
        _card(actor, show_services, show_ended, CardText.of(context))
    )


class CardText(RenderingText):
    """What the actor cards of one page share, in the page's language."""

    def __init__(self):
        super().__init__()
        self.url = slug_urls("directory:actor")
        self.kinds = {kind: escape(str(label)) for kind, label in ActorKind.choices}
        self.national = escape(_("valtakunnallinen"))
        self.ended = _("Päättynyt")
        self.services = escape(_("Palvelut"))
        self.today = timezone.localdate()
        self._places = {}

    def in_language(self, obj, field):
        """(`obj.<field>` as the page shows it, ` lang="fi"` if that is the Finnish value on a
        page in another language): as django-modeltranslation's descriptor and
        content_language.lang_fallback() give them, read from the columns."""
        if self.language != FINNISH:
            value = getattr(obj, f"{field}_{self.language}", None)
            if value not in (None, ""):
                return value, ""
            return getattr(obj, f"{field}_{FINNISH}"), LANG_FINNISH
        return getattr(obj, f"{field}_{FINNISH}"), ""

    def place(self, municipality):
        """A municipality's name, escaped, in its language's span if not the page's
        (content_language.area_name())."""
        key = municipality.pk
        if key not in self._places:
            language = self.language
            name = getattr(municipality, f"name_{language}", "")
            if not name:
                name, language = municipality.name_fi, FINNISH
            written = escape(name)
            if language != self.language:
                written = f'<span lang="{language}">{written}</span>'
            self._places[key] = written
        return self._places[key]


def _card(actor, show_services, show_ended, text):
    href = getattr(actor, "url", None) or text.url(actor.slug)
    meta = text.kinds.get(actor.kind) or escape(actor.get_kind_display())
    municipality = actor.municipality
    if municipality:
        meta += " · " + text.place(municipality)
    if actor.is_national:
        meta += f' · <span class="badge badge-national">{text.national}</span>'
    until = actor.active_until if show_ended else None
    if until is not None and until < text.today:
        ended = f"{text.ended} {finnish_date(until)}"
        meta += f' · <span class="badge badge-ended">{escape(ended)}</span>'
    description = services = ""
    words, words_lang = text.in_language(actor, "description")
    if words:
        short = Truncator(words).words(DESCRIPTION_WORDS, truncate=" …")
        description = f"<p{words_lang}>{escape(short)}</p>"
    if show_services and actor.listed_services:
        names = ", ".join(
            _service_name(service, text.language) for service in actor.listed_services
        )
        services = f'<p class="meta">{text.services}: {names}</p>'
    name, name_lang = text.in_language(actor, "name")
    return (
        f'<li class="card">\n  <h3><a href="{escape(href)}"{name_lang}>'
        f'{escape(name)}</a></h3>\n  <p class="meta">{meta}</p>\n'
        f"  {description}\n  {services}\n</li>\n"
    )


def _service_name(service, language):
    # A ListedService: its name in the page's language, else the Finnish one, marked so.
    name = conditional_escape(service.name)
    if language != FINNISH and not getattr(service, f"name_{language}", ""):
        return f'<span lang="{FINNISH}">{name}</span>'
    return name
