"""The glossary's terms and definitions in Finnish, Swedish and English
(keko/content_languages.py)."""

from keko.content_languages import register

from .models import Term

register(Term, ("term", "definition"))
