"""Text search shared by every list: PostgreSQL full-text search, or a plain match on SQLite."""

import re

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection, models
from django.db.models import F, Q

MAX_TERMS = 8


def search_terms(text):
    """Return the words of `text` cut to a crude Finnish stem.

    Finnish inflects with suffixes ("Oulussa", "järjestöjen"), and the finnish snowball stemmer
    leaves some forms apart ("järjestöjen" → "järjestöj" but "järjestö" → "järjestö"). Dropping
    the last letters of longer words and matching the rest as a prefix brings them together.
    """
    return [word if len(word) < 5 else word[: max(4, len(word) - 3)] for word in words(text)]


def words(text):
    """Return the first few words of `text`, lower-cased."""
    return re.findall(r"\w+", text.lower())[:MAX_TERMS]


def is_postgresql():
    return connection.vendor == "postgresql"


def text_filter(fields, text):
    """Return a Q matching rows whose `fields` contain every search term (SQLite fallback).

    SQLite folds the case of ASCII letters only, so a capitalised form is matched as well
    ("ääni" finds "Ääni").
    """
    condition = Q()
    for term in search_terms(text):
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
            any_field |= Q(**{f"{name}__contains": term.capitalize()})
        condition &= any_field
    return condition


def prefix_query(text):
    """Return a raw tsquery such as '(järjestöjen:* | järjestö:*) & …', safe for to_tsquery.

    Each word matches as a prefix in its full form (which PostgreSQL stems) or in its cut
    form, whichever of the two reaches the stem the text was indexed under.
    """
    return " & ".join(
        f"({word}:* | {cut}:*)" for word, cut in zip(words(text), search_terms(text), strict=True)
    )


class SearchableQuerySet(models.QuerySet):
    """Adds `search()`; subclasses name their fields by weight and their title field."""

    search_fields_a = ()  # titles and names: weigh most
    search_fields_b = ()  # descriptions
    search_title_field = "name"  # matched by trigrams, so that small typos still find it
    search_vector_field = None  # a stored, indexed tsvector of the same fields, if any

    def search(self, text):
        """Return rows matching `text`, best matches first.

        PostgreSQL: Finnish full-text search (prefix-matched stems, so inflected forms match)
        or a trigram match on the title; ranked. SQLite: a case-insensitive match of the stems.
        """
        if not search_terms(text):
            return self
        if not is_postgresql():
            return self.filter(text_filter([*self.search_fields_a, *self.search_fields_b], text))
        query = SearchQuery(prefix_query(text), search_type="raw", config="finnish")
        if self.search_vector_field:
            vector = F(self.search_vector_field)
            matches_text = Q(**{self.search_vector_field: query})
        else:
            vector = SearchVector(*self.search_fields_a, weight="A", config="finnish")
            if self.search_fields_b:
                vector += SearchVector(*self.search_fields_b, weight="B", config="finnish")
            matching = self.model.objects.annotate(v=vector).filter(v=query).values("pk")
            matches_text = Q(pk__in=matching)
        title = self.search_title_field
        # Every word must be close to a word of the title, so that one typo is forgiven but
        # a second, unrelated word still narrows the results.
        similar_title = Q()
        for word in words(text):
            similar_title &= Q(**{f"{title}__trigram_word_similar": word})
        return (
            self.annotate(
                search_rank=SearchRank(vector, query) + TrigramWordSimilarity(text, title)
            )
            .filter(matches_text | similar_title)
            .order_by("-search_rank", title)
        )
