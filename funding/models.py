import calendar
import uuid

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actors.models import Actor, ActorKind, Region
from keko.content_languages import FinnishColumnsQuerySet, FinnishOriginalMixin
from keko.models import CuratedModel, CuratedQuerySet, Status

MONTH_VALIDATORS = [MinValueValidator(1), MaxValueValidator(12)]
DAY_VALIDATORS = [MinValueValidator(1), MaxValueValidator(31)]
VALID_MONTHS = range(1, 13)


class ApplicantType(FinnishOriginalMixin, models.Model):
    """Who may apply for funding: associations, foundations, municipalities …"""

    slug = models.SlugField(_("tunniste"), max_length=100, unique=True)
    name = models.CharField(_("nimi"), max_length=200)

    objects = FinnishColumnsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("hakijatyyppi")
        verbose_name_plural = _("hakijatyypit")

    def __str__(self):
        return self.name


class FundingSourceQuerySet(FinnishColumnsQuerySet, CuratedQuerySet):
    # A few hundred curated entries at most: read and ranked whole (keko.search).
    search_bounded = False
    search_fields_a = ("name",)
    search_fields_b = ("description", "grant_forms")
    # Kept by a trigger (funding/0005): computing it from the texts on every search cost
    # a site search about 1 ms of its 15 sources.
    search_vector_field = "search_vector"

    def open_in_month(self, month):
        """Return sources with an application window open during `month` (1–12)."""
        return self.filter(
            pk__in=ApplicationWindow.objects.open_in_month(month).values("funding_source_id")
        )

    def for_list(self):
        return self.select_related("administrator").prefetch_related("applicant_types", "windows")

    def for_detail(self):
        """Fetch the funding page's own relations: the projects it funds, published ones only."""
        return self.select_related("administrator").prefetch_related(
            "applicant_types",
            "regions",
            "windows",
            Prefetch(
                "project_fundings",
                queryset=ProjectFunding.objects.filter(
                    project__status=Status.PUBLISHED
                ).select_related("project"),
            ),
        )


class FundingSource(FinnishOriginalMixin, CuratedModel):
    class Category(models.TextChoices):
        PUBLIC = "public", _("Julkinen rahoitus")
        OWN_ACTIVITY = "own_activity", _("Oma toiminta")
        OTHER = "other", _("Muu rahoitus")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("Valtakunnallinen")
        REGIONAL = "regional", _("Alueellinen")
        LOCAL = "local", _("Paikallinen")
        EU = "eu", _("EU")

    name = models.CharField(_("nimi"), max_length=250)
    slug = models.SlugField(_("tunniste"), max_length=120, unique=True)
    category = models.CharField(_("luokka"), max_length=20, choices=Category.choices)
    administrator = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administered_funding",
        verbose_name=_("myöntäjä tai hallinnoija"),
    )
    applicant_types = models.ManyToManyField(
        ApplicantType,
        blank=True,
        related_name="funding_sources",
        verbose_name=_("ketkä voivat hakea"),
    )
    description = models.TextField(_("kuvaus"), blank=True)
    grant_forms = models.TextField(_("avustusmuodot"), blank=True)
    max_share_percent = models.DecimalField(
        _("rahoitusosuus enintään (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_duration_years = models.PositiveSmallIntegerField(
        _("kesto enintään (vuotta)"), null=True, blank=True
    )
    share_and_duration = models.TextField(_("rahoitusosuus ja kesto"), blank=True)
    restrictions = models.TextField(_("rajoitukset"), blank=True)
    scope = models.CharField(
        _("alueellinen kattavuus"), max_length=20, choices=Scope.choices, default=Scope.NATIONAL
    )
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="funding_sources",
        verbose_name=_("maakunnat"),
        help_text=_("Vain alueellisille ja paikallisille rahoituksille."),
    )
    website = models.URLField(_("verkkosivut"), max_length=500, blank=True)
    # Kept up to date by a PostgreSQL trigger (migration 0005). Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = FundingSourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("rahoituslähde")
        verbose_name_plural = _("rahoituslähteet")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:funding_source", kwargs={"slug": self.slug})


# Whether a window wraps over New Year, as a database condition. It is the SQL twin of
# ApplicationWindow.wraps_year: the window closes on an earlier day of the year than it opens.
WRAPS_YEAR = Q(end_month__lt=models.F("start_month")) | Q(
    end_month=models.F("start_month"), end_day__lt=models.F("start_day")
)


class ApplicationWindowQuerySet(FinnishColumnsQuerySet):
    def open_in_month(self, month):
        """Return windows open on some day of `month`, including windows spanning New Year.

        Mirrors ApplicationWindow.month_ranges: a window covers start_month–end_month, or,
        when it wraps, start_month–December and January–end_month.
        """
        return self.filter(
            (~WRAPS_YEAR & Q(start_month__lte=month, end_month__gte=month))
            | (WRAPS_YEAR & (Q(start_month__lte=month) | Q(end_month__gte=month)))
        )


class ApplicationWindow(FinnishOriginalMixin, models.Model):
    """A yearly recurring application period, e.g. STEA's new grants in April–May."""

    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.CASCADE,
        related_name="windows",
        verbose_name=_("rahoituslähde"),
    )
    name = models.CharField(_("nimi"), max_length=200)
    start_month = models.PositiveSmallIntegerField(
        _("alkaa kuukautena"), validators=MONTH_VALIDATORS
    )
    start_day = models.PositiveSmallIntegerField(
        _("alkaa päivänä"), default=1, validators=DAY_VALIDATORS
    )
    end_month = models.PositiveSmallIntegerField(
        _("päättyy kuukautena"), validators=MONTH_VALIDATORS
    )
    end_day = models.PositiveSmallIntegerField(
        _("päättyy päivänä"), default=31, validators=DAY_VALIDATORS
    )
    notes = models.TextField(_("lisätietoja"), blank=True)

    objects = ApplicationWindowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_month", "start_day", "name"]
        constraints = [
            models.UniqueConstraint(fields=["funding_source", "name"], name="unique_window_name"),
        ]
        verbose_name = _("hakuaika")
        verbose_name_plural = _("hakuajat")

    def __str__(self):
        return f"{self.funding_source}: {self.name}"

    @property
    def period(self):
        """The window as Finnish readers write it, e.g. '1.4.–31.5.'.

        A window that closes before it opens, e.g. '1.11.–31.1.', closes the following year
        (see wraps_year), so the same text stands for every window.
        """
        return f"{self.start_day}.{self.start_month}.–{self.end_day}.{self.end_month}."

    def clean(self):
        # February 29 is excluded so that the window exists every year.
        for month, day in ((self.start_month, self.start_day), (self.end_month, self.end_day)):
            if month in VALID_MONTHS and day and day > calendar.monthrange(2023, month)[1]:
                raise ValidationError(_("Kuukaudessa ei ole niin monta päivää."))
        start, end = (self.start_month, self.start_day), (self.end_month, self.end_day)
        if None not in start + end and start == end:
            raise ValidationError(
                _(
                    "Hakuaika ei voi alkaa ja päättyä samana päivänä, sillä hakuaika on "
                    "enintään vuoden mittainen. Jos haku on auki ympäri vuoden, merkitse "
                    "hakuajaksi 1.1.–31.12."
                )
            )

    # The rule of the calendar: a window whose closing day comes before its opening day in the
    # year wraps over New Year, e.g. 1.11.–31.1. is open November–January and 15.3.–10.3.
    # every month. wraps_year and month_ranges decide it; everything else (months,
    # open_in_month, the calendar page, the iCalendar feed and, in SQL, WRAPS_YEAR and the
    # queryset's open_in_month) follows them.

    @property
    def wraps_year(self):
        """Whether the window closes in the year after it opens."""
        return (self.end_month, self.end_day) < (self.start_month, self.start_day)

    def month_ranges(self):
        """Return the inclusive (first month, last month) ranges the window covers.

        One range for a window within a calendar year; for a window spanning New Year, the
        range up to December and the range from January. The two overlap when the window
        opens and closes in the same month, e.g. 15.3.–10.3. covers every month.
        """
        if self.wraps_year:
            return [(self.start_month, 12), (1, self.end_month)]
        return [(self.start_month, self.end_month)]

    @property
    def months(self):
        """Return the month numbers (1–12) the window touches, in calendar order of the window."""
        months = []
        for first, last in self.month_ranges():
            months += [month for month in range(first, last + 1) if month not in months]
        return months

    def open_in_month(self, month):
        """Whether the window is open on some day of `month` (1–12)."""
        return any(first <= month <= last for first, last in self.month_ranges())


class ProjectFunding(models.Model):
    """Which funding source funds a project, and for which years."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="fundings",
        limit_choices_to={"kind": ActorKind.PROJECT},
        verbose_name=_("hanke"),
    )
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="project_fundings",
        verbose_name=_("rahoituslähde"),
    )
    start_year = models.PositiveSmallIntegerField(_("alkuvuosi"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("loppuvuosi"), null=True, blank=True)

    class Meta:
        ordering = ["project__name", "start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "funding_source"], name="unique_project_funding"
            ),
        ]
        verbose_name = _("hankkeen rahoitus")
        verbose_name_plural = _("hankkeiden rahoitus")

    def __str__(self):
        return f"{self.project} – {self.funding_source}"
