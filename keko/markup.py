"""Markup written out in Python (actor and practice cards, an area's checklist, the choice
widgets), which is joined and marked safe whole: its escaping, its links, and what the cards
of one template rendering share.

The standard library's html.escape(), which Django's escape() calls too: Django's wraps it
for lazy translations and returns a SafeString, 1.7 us a call against 0.35, and an area page
writes some 1 300 texts this way.
"""

from html import escape

from django.urls import reverse
from django.utils.translation import get_language

__all__ = ["RenderingText", "conditional_escape", "escape", "finnish_date", "slug_urls"]


def conditional_escape(value):
    """`value` as markup: as it is if marked safe (it has __html__), else escaped, like
    django.utils.html.conditional_escape()."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def finnish_date(day):
    """`day` as Finnish writes it, 1.3.2026 (Django's date format "j.n.Y", which took 30 us a
    date through its formatter: a print of 2 000 entries writes two an entry)."""
    return f"{day.day}.{day.month}.{day.year}"


def slug_urls(viewname):
    """Return a function of a slug to the URL of `viewname` (a pattern of one slug) for it.

    One reverse() for the hundreds of links of an area page, where a reverse() per link took
    some 25 µs each. A slug needs no quoting in a URL.
    """
    placeholder = "slug"
    prefix, suffix = reverse(viewname, kwargs={"slug": placeholder}).rsplit(placeholder, 1)
    return lambda slug: f"{prefix}{slug}{suffix}"


class RenderingText:
    """What the cards of one template rendering share, in its language (labels, URLs):
    a subclass prepares it in __init__(), once, at the rendering's first card."""

    @classmethod
    def of(cls, context):
        """The instance kept in the render_context of the rendering `context` belongs to (an
        area page asks for one kind's cards at a time), made anew if the language changed."""
        text = context.render_context.get(cls)
        if text is None or text.language != get_language():
            text = context.render_context[cls] = cls()
        return text

    def __init__(self):
        self.language = get_language()
