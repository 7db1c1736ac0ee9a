"""Text search shared by every list: PostgreSQL full-text search, or a plain match on SQLite."""

import re

from django.db import connection
from django.db.models import Q

MAX_TERMS = 8


def search_terms(text):
    """Return the words of `text` cut to a crude Finnish stem.

    Finnish inflects with suffixes ("Oulussa", "järjestöjen"), and the finnish snowball stemmer
    leaves some forms apart ("järjestöjen" → "järjestöj" but "järjestö" → "järjestö"). Dropping
    the last letters of longer words and matching the rest as a prefix brings them together.
    """
    words = re.findall(r"\w+", text.lower())[:MAX_TERMS]
    return [word if len(word) < 5 else word[: max(4, len(word) - 3)] for word in words]


def is_postgresql():
    return connection.vendor == "postgresql"


def text_filter(fields, text):
    """Return a Q matching rows whose `fields` contain every search term (SQLite fallback)."""
    condition = Q()
    for term in search_terms(text):
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    return condition


def prefix_query(text):
    """Return a raw tsquery string 'term1:* & term2:*', safe to pass to to_tsquery."""
    return " & ".join(f"{term}:*" for term in search_terms(text))
