import unicodedata

from django.db.models import Prefetch
from django.views.generic import DetailView
from django_filters.views import FilterView

from .filters import TermFilter
from .models import Term

# The Finnish alphabet: Å, Ä and Ö are letters of their own, after Z.
ALPHABET = [chr(code) for code in range(ord("A"), ord("Z") + 1)] + ["Å", "Ä", "Ö"]
# Private-use characters sort above every letter a term can start with.
_AFTER_Z = {"å": "\ue000", "ä": "\ue001", "ö": "\ue002"}
OTHER = "#"


def finnish_sort_key(text):
    """Return a key that sorts `text` in Finnish alphabetical order, ignoring case.

    Å, Ä and Ö come after Z; other accented letters sort with their base letter (é as e,
    ü as y, as in Finnish dictionaries). The database collation may not know Finnish,
    so glossaries are sorted in Python.
    """
    key = []
    for char in text.casefold():
        if char in _AFTER_Z:
            key.append(_AFTER_Z[char])
        elif char == "ü":
            key.append("y")
        else:
            key.append(unicodedata.normalize("NFD", char)[0])
    return "".join(key), text


def filing_letter(term):
    """Return the letter of ALPHABET that `term` is filed under, or OTHER (e.g. digits)."""
    initial = term.initial
    if initial not in ALPHABET:
        initial = "Y" if initial == "Ü" else unicodedata.normalize("NFD", initial)[:1]
    return initial if initial in ALPHABET else OTHER


class TermListView(FilterView):
    """The glossary A–Ö: every matching term on one page, under its letter."""

    filterset_class = TermFilter
    template_name = "glossary/term_list.html"

    def get_queryset(self):
        return Term.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        by_letter = {}
        for term in sorted(context["object_list"], key=lambda t: finnish_sort_key(t.term)):
            by_letter.setdefault(filing_letter(term), []).append(term)
        context["groups"] = [
            (letter, by_letter[letter]) for letter in [*ALPHABET, OTHER] if letter in by_letter
        ]
        context["term_count"] = sum(len(terms) for terms in by_letter.values())
        context["letters"] = [(letter, letter in by_letter) for letter in ALPHABET]
        return context


class TermDetailView(DetailView):
    template_name = "glossary/term_detail.html"

    def get_queryset(self):
        return Term.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("related", queryset=Term.objects.published())
        )
