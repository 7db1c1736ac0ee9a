from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor, Contact, Region, TargetGroup
from funding.models import FundingSource
from keko.content_languages import FinnishColumnsQuerySet, FinnishOriginalMixin
from keko.models import CuratedModel, CuratedQuerySet, Status


class PracticeQuerySet(FinnishColumnsQuerySet, CuratedQuerySet):
    # A few hundred curated entries at most: read and ranked whole (keko.search).
    search_bounded = False
    search_fields_a = ("title",)
    search_fields_b = ("summary", "what_was_done", "results")
    search_title_field = "title"
    search_vector_field = "search_vector"

    def for_list(self):
        """Fetch everything a practice list shows, in a fixed number of queries."""
        return self.prefetch_related("regions")

    def for_detail(self):
        """Fetch everything the practice page shows, in a fixed number of queries."""
        return self.select_related("contact__actor", "contact__role").prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(
                    actor__status=Status.PUBLISHED
                ).select_related("actor"),
            ),
            Prefetch("funding_sources", queryset=FundingSource.objects.published()),
            "regions",
            "target_groups",
        )


class Practice(FinnishOriginalMixin, CuratedModel):
    """A good-practice case of collaboration."""

    class PartnerType(models.TextChoices):
        NGO = "ngo", _("Järjestöt")
        MUNICIPALITY = "municipality", _("Kunnat")
        COMPANY = "company", _("Yritykset")
        TE_OFFICE = "te_office", _("TE-toimistot")
        SCHOOL = "school", _("Oppilaitokset")
        MULTI_ACTOR = "multi_actor", _("Monitoimijaiset mallit")
        ADVOCACY = "advocacy", _("Viestintä ja vaikuttaminen")

    title = models.CharField(_("otsikko"), max_length=250)
    slug = models.SlugField(_("tunniste"), max_length=120, unique=True)
    summary = models.TextField(_("tiivistelmä"))
    what_was_done = models.TextField(_("mitä tehtiin"), blank=True)
    how_it_started = models.TextField(_("miten yhteistyö alkoi"), blank=True)
    challenges = models.TextField(_("haasteet"), blank=True)
    results = models.TextField(_("tulokset"), blank=True)
    partner_type = models.CharField(
        _("kumppanityyppi"), max_length=20, choices=PartnerType.choices, db_index=True
    )
    participants = models.ManyToManyField(
        Actor,
        through="Participation",
        related_name="practices",
        verbose_name=_("toimijat"),
    )
    funding_sources = models.ManyToManyField(
        FundingSource,
        blank=True,
        related_name="practices",
        verbose_name=_("rahoituslähteet"),
    )
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="practices",
        verbose_name=_("maakunnat"),
    )
    target_groups = models.ManyToManyField(
        TargetGroup,
        blank=True,
        related_name="practices",
        verbose_name=_("kohderyhmät"),
    )
    start_year = models.PositiveSmallIntegerField(_("alkuvuosi"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("loppuvuosi"), null=True, blank=True)
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("lisätietojen antaja"),
    )
    website = models.URLField(_("verkkosivut"), max_length=500, blank=True)
    # Kept up to date by a PostgreSQL trigger (migration 0004) and indexed with GIN: the site
    # search otherwise computed the long case texts' vectors on every search. Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PracticeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = _("hyvä käytäntö")
        verbose_name_plural = _("hyvät käytännöt")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("practices:detail", kwargs={"slug": self.slug})


class Participation(models.Model):
    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Hallinnoija")
        CO_IMPLEMENTER = "co_implementer", _("Osatoteuttaja")
        PARTNER = "partner", _("Kumppani")
        FUNDER = "funder", _("Rahoittaja")

    practice = models.ForeignKey(
        Practice,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("käytäntö"),
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="participations", verbose_name=_("toimija")
    )
    role = models.CharField(_("rooli"), max_length=20, choices=Role.choices, default=Role.PARTNER)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "actor"], name="unique_participation"),
        ]
        verbose_name = _("osallistuja")
        verbose_name_plural = _("osallistujat")

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"
