"""What the directory knows of the actors it imported from national catalogues.

The actor itself stays an `actors.Actor`; here are the catalogue's id and texts for it
(`CatalogueRecord`), where each imported value came from and when (`FieldProvenance`), the
values a curator had changed when the catalogue changed them too (`ImportConflict`), and the
runs of the import (`CatalogueImport`). The business register (YTJ) only enriches actors that
have a Y-tunnus: its records (source "ytj", the Y-tunnus as id) carry the company form and
whether the company has ended.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from actors.models import Actor


class Source(models.TextChoices):
    PTV = "ptv", _("Suomi.fi-palvelutietovaranto (PTV)")
    YTJ = "ytj", _("Yritys- ja yhteisötietojärjestelmä (YTJ)")


class CatalogueRecord(models.Model):
    """An actor as a catalogue knows it: its id there and its texts in every language."""

    source = models.CharField(_("lähde"), max_length=10, choices=Source.choices)
    external_id = models.CharField(_("tunnus lähteessä"), max_length=64)
    actor = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="catalogue_records",
        verbose_name=_("toimija"),
    )
    # {"name": {"fi": …, "sv": …, "en": …}, "description": {…}}: every language version the
    # catalogue has, also those the actor has no field for yet.
    texts = models.JSONField(_("tekstit kielittäin"), default=dict, blank=True)
    # The area lists the organisation was last listed in ("Province:02", "all"): a full run of
    # such a list that no longer lists it marks it missing.
    listed_in = models.JSONField(_("alueet, joiden listalla"), default=list, blank=True)
    modified_at_source = models.DateTimeField(_("muokattu lähteessä"), null=True, blank=True)
    first_imported_at = models.DateTimeField(_("tuotu ensimmäisen kerran"), auto_now_add=True)
    fetched_at = models.DateTimeField(_("haettu viimeksi"))
    missing_since = models.DateTimeField(
        _("puuttunut lähteestä alkaen"),
        null=True,
        blank=True,
        help_text=_("Organisaatio puuttui lähteen alueen täydestä listasta. Toimijaa ei poisteta."),
    )
    reviewed_at = models.DateTimeField(_("tarkistettu"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tarkistaja"),
    )
    # What the business register (YTJ) says of the company; empty for other sources.
    company_form = models.CharField(_("yritysmuoto"), max_length=100, blank=True)
    register_status = models.CharField(_("tila kaupparekisterissä"), max_length=200, blank=True)
    ended_in_register = models.BooleanField(
        _("päättynyt kaupparekisterissä"),
        default=False,
        db_index=True,
        help_text=_(
            "Yritys on lakannut, konkurssissa tai selvitystilassa. Toimijaa ei poisteta eikä "
            "piiloteta automaattisesti."
        ),
    )
    register_ended_on = models.DateField(_("päättymispäivä"), null=True, blank=True)

    class Meta:
        ordering = ["actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="unique_catalogue_id"),
        ]
        verbose_name = _("luettelotietue")
        verbose_name_plural = _("luettelotietueet")

    def __str__(self):
        return f"{self.actor} ({self.get_source_display()} {self.external_id})"

    def text(self, key, languages=("fi", "sv", "en")):
        """The text `key` in the first of `languages` that has it, else ""."""
        versions = self.texts.get(key) or {}
        return next((versions[lang] for lang in languages if versions.get(lang)), "")


class UnreviewedImport(CatalogueRecord):
    """The review list: actors a catalogue brought in as drafts that no one has looked at."""

    class Meta:
        proxy = True
        verbose_name = _("tuotu, tarkistamatta")
        verbose_name_plural = _("Tuodut, tarkistamatta")


class FieldProvenance(models.Model):
    """The value an import last wrote (or found) in one field of an actor, and when.

    An actor's value that differs from `imported_value` has been edited by a curator since:
    a later import leaves it alone and records an `ImportConflict` if the catalogue changed.
    """

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="provenance", verbose_name=_("toimija")
    )
    field = models.CharField(_("kenttä"), max_length=50)
    source = models.CharField(_("lähde"), max_length=10, choices=Source.choices)
    # JSON: a string, a boolean, or a sorted list of codes/slugs for links to other rows.
    imported_value = models.JSONField(_("tuotu arvo"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("haettu"))

    class Meta:
        ordering = ["actor", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "field", "source"], name="unique_field_provenance"
            ),
        ]
        verbose_name = _("tiedon alkuperä")
        verbose_name_plural = _("tietojen alkuperät")

    def __str__(self):
        return f"{self.actor}: {self.field} ({self.get_source_display()})"


class ImportConflict(models.Model):
    """A field the catalogue changed after a curator had changed it: both values wait here
    until a curator picks one."""

    class Resolution(models.TextChoices):
        CATALOGUE = "catalogue", _("Luettelon arvo otettu käyttöön")
        OURS = "ours", _("Oma arvo pidetty")

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="import_conflicts", verbose_name=_("toimija")
    )
    field = models.CharField(_("kenttä"), max_length=50)
    current_value = models.JSONField(_("nykyinen arvo"), null=True, blank=True)
    incoming_value = models.JSONField(_("luettelon arvo"), null=True, blank=True)
    source = models.CharField(_("lähde"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("havaittu"), auto_now_add=True)
    resolution = models.CharField(
        _("ratkaisu"), max_length=10, choices=Resolution.choices, blank=True, db_index=True
    )
    resolved_at = models.DateTimeField(_("ratkaistu"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ratkaisija"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tuonnin ristiriita")
        verbose_name_plural = _("tuonnin ristiriidat")

    def __str__(self):
        return f"{self.actor}: {self.field}"

    @property
    def resolved(self):
        return bool(self.resolution)


class CatalogueImport(models.Model):
    """One run of the import of an area, started from the admin (a task) or the command."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Jonossa")
        RUNNING = "running", _("Käynnissä")
        DONE = "done", _("Valmis")
        FAILED = "failed", _("Epäonnistui, mitään ei muutettu")

    source = models.CharField(_("lähde"), max_length=10, choices=Source.choices, default=Source.PTV)
    # "region:<slug>", "municipality:<slug>" or "all" (catalogue.importer.Area).
    area = models.CharField(_("alue"), max_length=120)
    area_label = models.CharField(_("alueen nimi"), max_length=200, blank=True)
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # Organisations fetched so far (written while the task fetches, before it writes).
    fetched = models.PositiveIntegerField(_("haettu organisaatioita"), default=0)
    # {"created": n, "updated": n, "unchanged": n, "conflicts": n, "skipped": n, …}
    counts = models.JSONField(_("yhteenveto"), default=dict, blank=True)
    message = models.TextField(_("viesti"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("käynnistäjä"),
    )
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)
    started_at = models.DateTimeField(_("alkoi"), null=True, blank=True)
    finished_at = models.DateTimeField(_("päättyi"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("PTV-tuonti")
        verbose_name_plural = _("PTV-tuonnit")

    def __str__(self):
        return f"{self.area_label or self.area} ({self.get_status_display()})"

    @property
    def running(self):
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}
