"""The good practices' texts in Finnish, Swedish and English (keko/content_languages.py)."""

from keko.content_languages import register

from .models import Practice

register(
    Practice,
    ("title", "summary", "what_was_done", "how_it_started", "challenges", "results"),
)
