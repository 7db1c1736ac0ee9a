"""The contacts who fill each role of an area page's checklist, written out in Python: up to
ten a role and some twenty roles, where the template's loop and its tags took a fifth of the
page's time."""

from django import template
from django.utils.html import format_html, format_html_join

from keko.templatetags.content_language import lang_fallback, translated

register = template.Library()


@register.simple_tag
def checklist_contacts(item):
    """`name (title), <a>actor</a>, <a>e-mail</a>, phone; …` for each contact of `item` (a
    directory.areas.ChecklistItem whose contacts' actors have `url`), and a `; ` after the
    last when the role's actors follow."""
    people = format_html_join("; ", "{}", ((_contact(contact),) for contact in item.contacts))
    return format_html("{}; ", people) if item.contacts and item.actors else people


def _contact(contact):
    actor = contact.actor
    title = format_html(" ({})", translated(contact, "title")) if contact.title else ""
    email = (
        format_html(', <a href="mailto:{}">{}</a>', contact.email, contact.email)
        if contact.email
        else ""
    )
    phone = format_html(", {}", contact.phone) if contact.phone else ""
    return format_html(
        '{}{}, <a href="{}"{}>{}</a>{}{}',
        contact.name,
        title,
        actor.url,
        lang_fallback(actor, "name"),
        actor.name,
        email,
        phone,
    )
