from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from keko.content_languages import FinnishColumnsQuerySet, FinnishOriginalMixin
from keko.models import CuratedModel, CuratedQuerySet


class TermQuerySet(FinnishColumnsQuerySet, CuratedQuerySet):
    # A few hundred curated entries at most: read and ranked whole (keko.search).
    search_bounded = False
    search_fields_a = ("term", "abbreviation")
    search_fields_b = ("definition",)
    search_title_field = "term"
    # Kept by a trigger (glossary/0004): computing it from the texts on every search cost
    # a site search about 1 ms of its 14 terms.
    search_vector_field = "search_vector"


class Term(FinnishOriginalMixin, CuratedModel):
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
    # Kept up to date by a PostgreSQL trigger (migration 0004). Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = TermQuerySet.as_manager()
    history = HistoricalRecords()

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
