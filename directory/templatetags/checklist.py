"""The contacts who fill each role of an area page's checklist, written out in Python: up to
ten a role and some twenty roles, where the template's loop and its tags took a fifth of the
page's time. Each text is escaped where it is written."""

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


def _contact(contact):
    actor = contact.actor
    text = escape(contact.name)
    if contact.title:
        text += f" ({conditional_escape(translated(contact, 'title'))})"
    name = f'<a href="{escape(actor.url)}"{lang_fallback(actor, "name")}>{escape(actor.name)}</a>'
    text += f", {name}"
    if contact.email:
        email = escape(contact.email)
        text += f', <a href="mailto:{email}">{email}</a>'
    if contact.phone:
        text += f", {escape(contact.phone)}"
    return text
