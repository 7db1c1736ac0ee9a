"""The contacts and actors who fill each role of an area page's checklist, written out in
Python: up to ten contacts a role, the first few actors of each kind that fills it, and some
twenty roles, where the template's loops and their tags took a fifth of the page's time.
Each text is escaped where it is written."""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

from keko.templatetags.content_language import lang_fallback, translated

register = template.Library()


@register.simple_tag
def checklist_contacts(item):
    """`name (title), <a>actor</a>, <a>e-mail</a>, phone; …` for each contact of `item` (a
    directory.areas.ChecklistItem whose contacts' actors have `url`), and a `; ` after the
    last when the role's actors follow."""
    people = "; ".join(_contact(contact) for contact in item.contacts)
    if item.contacts and item.actors:
        people += "; "
    return mark_safe(people)  # noqa: S308 - _contact() escapes every text


@register.simple_tag
def checklist_actors(item):
    """`<a>actor</a>, …` for each actor of `item` (with `url`) that fills its role."""
    return mark_safe(", ".join(_actor_link(actor) for actor in item.actors))  # noqa: S308 - escaped


def _actor_link(actor):
    return f'<a href="{escape(actor.url)}"{lang_fallback(actor, "name")}>{escape(actor.name)}</a>'


def _contact(contact):
    text = escape(contact.name)
    if contact.title:
        text += f" ({conditional_escape(translated(contact, 'title'))})"
    text += f", {_actor_link(contact.actor)}"
    if contact.email:
        email = escape(contact.email)
        text += f', <a href="mailto:{email}">{email}</a>'
    if contact.phone:
        text += f", {escape(contact.phone)}"
    return text
