"""The language of a translated value on a page in another language (WCAG 2.1, 3.1.2).

A field translated with django-modeltranslation shows the active language's value, or the
Finnish one where it has none; the element that holds a Finnish value on a Swedish or English
page says so: `<h1{% lang_fallback actor "name" %}>` writes ` lang="fi"` there.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()

FINNISH = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def fallback_language(obj, field, language=None):
    """The language `obj.<field>` is shown in when it is not the active one: Finnish if the
    active language's value is empty (and the Finnish one is shown), else None. `language`:
    the active one, if the caller has it (a list of hundreds of entries asks once)."""
    language = language or get_language()
    if obj is None or not language or language == FINNISH:
        return None
    if getattr(obj, f"{field}_{language}", None) in (None, ""):
        return FINNISH
    return None


@register.simple_tag
def lang_fallback(obj, field, language=None):
    """` lang="fi"` if `obj.<field>` is shown in Finnish on a page in another language
    (`language`, the active one, if the caller has it)."""
    fallback = fallback_language(obj, field, language)
    return format_html(' lang="{}"', fallback) if fallback else ""


@register.simple_tag
def translated(obj, field, text=None, language=None):
    """`obj.<field>` (or `text`, e.g. a shortened one), in `<span lang="fi">` if it is the
    Finnish fallback on a page in another language (`language`, the active one, if the
    caller has it): text among other text, with no element of its own to mark."""
    value = getattr(obj, field) if text is None else text
    language = fallback_language(obj, field, language)
    return format_html('<span lang="{}">{}</span>', language, value) if language else value


def area_language(area, page_language=None):
    """The language of `area.name` if it is not the page's (`page_language`, if the caller
    has it), else None."""
    language = getattr(area, "name_language", None)
    return language if language and language != (page_language or get_language()) else None


@register.simple_tag
def area_name(area, page_language=None):
    """A region's or municipality's name in the page's language, in `<span lang="…">` if it
    is in another one (a municipality's Finnish name on an English page)."""
    language = area_language(area, page_language)
    return format_html('<span lang="{}">{}</span>', language, area.name) if language else area.name


@register.simple_tag
def lang_of_area(area):
    """` lang="…"` if a region's or municipality's name (`area.name`) is in another language
    than the page: "Helsingfors" on a Swedish page is Swedish, "Alajärvi" on an English one
    Finnish."""
    language = area_language(area)
    return format_html(' lang="{}"', language) if language else ""
