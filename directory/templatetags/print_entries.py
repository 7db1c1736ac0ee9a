"""The entries of a print sheet (directory/print/sheet.html), written out in Python: a print
lists up to 2 500 actors, and the template engine took 0.1-0.2 ms an entry (its tags, the
fallback language of each name), a quarter of a large print's page. Each text is escaped where
it is written, as the template did; the lines under an entry's name and its QR code come
ready (directory.printing.prepare_entries).
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from keko.markup import conditional_escape, escape
from keko.templatetags.content_language import lang_fallback, translated

register = template.Library()


@register.simple_tag
def print_entries(actors, options):
    """The `<article class="entry">` of each of `actors`: its QR code, its name linking to
    its live page, the lines under it, and its public contacts if the print `options`
    (directory.printing.PrintOptions) ask for them."""
    language = get_language()
    contacts = options.contacts and not options.compact
    return mark_safe(  # noqa: S308 - _entry() escapes every text
        "".join(_entry(actor, contacts, language) for actor in actors)
    )


def _entry(actor, contacts, language):
    people = ""
    if contacts and actor.public_contacts:
        people = (
            '\n      <p class="people">'
            + "; ".join(_contact(contact, language) for contact in actor.public_contacts)
            + "</p>"
        )
    return (
        '\n    <article class="entry">\n'
        f'      <span class="qr" aria-hidden="true">{getattr(actor, "qr_code", "")}</span>\n'
        f'      <h3><a href="{escape(actor.live_url)}"{lang_fallback(actor, "name", language)}>'
        f"{escape(actor.name)}</a></h3>\n"
        f"      {getattr(actor, 'entry_html', '')}{people}\n"
        "    </article>"
    )


def _contact(contact, language):
    """A contact of an entry: its name in bold (or its role's, if it has none), title,
    e-mail, phone, and its role after a name."""
    role, role_lang = contact.role, lang_fallback(contact.role, "name", language)
    written = (
        f"<b>{escape(contact.name)}</b>"
        if contact.name
        else f"<b{role_lang}>{escape(role.name)}</b>"
    )
    if contact.title:
        written += f", {conditional_escape(translated(contact, 'title', language=language))}"
    for value in (contact.email, contact.phone):
        if value:
            written += f", {escape(value)}"
    if contact.name:
        written += f" <i{role_lang}>({escape(role.name)})</i>"
    return written
