from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from actors.search import is_postgresql, prefix_query, search_terms, text_filter
from keko.models import CuratedModel, CuratedQuerySet


class TermQuerySet(CuratedQuerySet):
    def search(self, text):
        """Return terms matching `text`, best matches first.

        PostgreSQL: Finnish full-text search over the term, its abbreviation and definition
        (prefix-matched stems, so inflected forms match) or a trigram match on the term; ranked.
        SQLite: a case-insensitive match of the same stems.
        """
        if not search_terms(text):
            return self
        if not is_postgresql():
            return self.filter(text_filter(["term", "abbreviation", "definition"], text))
        query = SearchQuery(prefix_query(text), search_type="raw", config="finnish")
        vector = SearchVector("term", "abbreviation", weight="A", config="finnish") + (
            SearchVector("definition", weight="B", config="finnish")
        )
        matching = self.model.objects.annotate(v=vector).filter(v=query).values("pk")
        return (
            self.annotate(
                search_rank=SearchRank(vector, query) + TrigramWordSimilarity(text, "term"),
            )
            .filter(Q(pk__in=matching) | Q(term__trigram_word_similar=text))
            .order_by("-search_rank", "term")
        )


class Term(CuratedModel):
    class Category(models.TextChoices):
        COLLABORATION = "collaboration", _("Yhteistyön muodot")
        PEOPLE_AND_ORGANISATIONS = "people_and_organisations", _("Ihmiset ja organisaatiot")
        MARKETS = "markets", _("Markkinoilla toimiminen")

    term = models.CharField(_("käsite"), max_length=200)
    slug = models.SlugField(_("tunniste"), max_length=120, unique=True)
    abbreviation = models.CharField(_("lyhenne"), max_length=30, blank=True)
    definition = models.TextField(_("määritelmä"))
    category = models.CharField(_("luokka"), max_length=30, choices=Category.choices)
    source_accessed = models.DateField(_("lähde luettu"), null=True, blank=True)
    related = models.ManyToManyField("self", blank=True, verbose_name=_("liittyvät käsitteet"))

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        verbose_name = _("käsite")
        verbose_name_plural = _("käsitteet")

    def __str__(self):
        return f"{self.term} ({self.abbreviation})" if self.abbreviation else self.term

    def get_absolute_url(self):
        return reverse("glossary:detail", kwargs={"slug": self.slug})

    @property
    def initial(self):
        """Return the letter the term is filed under in the A–Ö navigation."""
        return self.term[:1].upper()
