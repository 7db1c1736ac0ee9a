"""The contacts and actors who fill each role of a checklist, written out in Python: on an
area page up to ten contacts a role, the first few actors of each kind that fills it, and
some twenty roles, where the template's loops and their tags took a fifth of the page's
time; in a print every actor that fills a role. Each text is escaped where it is written."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from keko.markup import conditional_escape, escape
from keko.templatetags.content_language import lang_fallback, translated

register = template.Library()


@register.simple_tag
def checklist_contacts(item):
    """`name (title), <a>actor</a>, <a>e-mail</a>, phone; …` for each contact of `item` (a
    directory.areas.ChecklistItem whose contacts' actors have `url`), and a `; ` after the
    last when the role's actors follow."""
    language = get_language()  # once for the role's every contact
    people = "; ".join(_contact(contact, language) for contact in item.contacts)
    if item.contacts and item.actors:
        people += "; "
    return mark_safe(people)  # noqa: S308 - _contact() escapes every text


@register.simple_tag
def checklist_actors(item):
    """`<a>actor</a>, …` for each actor of `item` (with `url`) that fills its role."""
    language = get_language()
    links = ", ".join(_actor_link(actor, language) for actor in item.actors)
    return mark_safe(links)  # noqa: S308 - _actor_link() escapes every text


@register.simple_tag
def checklist_fillers(item):
    """`actor, …`: the name of each actor of `item` that fills its role (a print's checklist
    names every one, some 2 000 in a region), a Finnish fallback marked as such."""
    language = get_language()
    names = ", ".join(_actor_name(actor, language) for actor in item.actors)
    return mark_safe(names)  # noqa: S308 - _actor_name() escapes every text


def _actor_name(actor, language):
    return conditional_escape(translated(actor, "name", language=language))


def _actor_link(actor, language):
    name_lang = lang_fallback(actor, "name", language)
    return f'<a href="{escape(actor.url)}"{name_lang}>{escape(actor.name)}</a>'


def _contact(contact, language):
    text = escape(contact.name)
    if contact.title:
        text += f" ({conditional_escape(translated(contact, 'title', language=language))})"
    text += f", {_actor_link(contact.actor, language)}"
    if contact.email:
        email = escape(contact.email)
        text += f', <a href="mailto:{email}">{email}</a>'
    if contact.phone:
        text += f", {escape(contact.phone)}"
    return text
