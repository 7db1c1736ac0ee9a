from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.models import Actor, Region
from practices.models import Practice

TEXT_MAX_LENGTH = 2000


class RegionalEditor(models.Model):
    """The regions a regional editor may edit; see curation/permissions.py for the rules."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="regional_editor",
        verbose_name=_("käyttäjä"),
    )
    regions = models.ManyToManyField(Region, related_name="editors", verbose_name=_("maakunnat"))

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("alueellinen toimittaja")
        verbose_name_plural = _("alueelliset toimittajat")
        permissions = [
            ("edit_all_regions", _("Saa muokata kaikkien maakuntien tietoja")),
            ("export_private_contacts", _("Saa viedä myös yksityiset yhteystiedot")),
        ]

    def __str__(self):
        return str(self.user)


class CorrectionRequest(models.Model):
    """A correction suggested by a visitor. Never changes public data by itself."""

    class Status(models.TextChoices):
        NEW = "new", _("Uusi")
        APPLIED = "applied", _("Korjattu")
        REJECTED = "rejected", _("Hylätty")

    actor = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="correction_requests",
        verbose_name=_("toimija"),
    )
    practice = models.ForeignKey(
        Practice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="correction_requests",
        verbose_name=_("hyvä käytäntö"),
    )
    what_is_wrong = models.TextField(_("mikä on väärin"), max_length=TEXT_MAX_LENGTH)
    proposed_fix = models.TextField(_("ehdotettu korjaus"), max_length=TEXT_MAX_LENGTH)
    email = models.EmailField(_("ehdottajan sähköposti"), blank=True)
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    created_at = models.DateTimeField(_("saapunut"), auto_now_add=True)
    # A keyed hash of the sender's IP address, enough to spot floods from one address
    # without storing the address itself (personal data).
    ip_hash = models.CharField(_("IP-osoitteen tiiviste"), max_length=64, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("käsittelijä"),
    )
    handled_at = models.DateTimeField(_("käsitelty"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("korjausehdotus")
        verbose_name_plural = _("korjausehdotukset")
        constraints = [
            models.CheckConstraint(
                condition=(Q(actor__isnull=False) & Q(practice__isnull=True))
                | (Q(actor__isnull=True) & Q(practice__isnull=False)),
                name="correction_has_exactly_one_entry",
            ),
        ]

    def __str__(self):
        return f"{self.entry} ({self.created_at:%d.%m.%Y})" if self.created_at else str(self.entry)

    @property
    def entry(self):
        return self.actor or self.practice


class ImportJob(models.Model):
    """A large actor import run by the task queue (curation/imports.py): the dry run, the
    curator's confirmation, the import, and what each step found."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Odottaa tarkistusta")
        CHECKING = "checking", _("Tarkistetaan")
        CHECKED = "checked", _("Tarkistettu, odottaa vahvistusta")
        INVALID = "invalid", _("Virheitä, ei tuotu")
        CONFIRMED = "confirmed", _("Vahvistettu, odottaa tuontia")
        IMPORTING = "importing", _("Tuodaan")
        DONE = "done", _("Tuotu")
        FAILED = "failed", _("Epäonnistui, ei tuotu")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("tuoja"),
    )
    original_name = models.CharField(_("tiedoston nimi"), max_length=255)
    # The name in the import folder (actors/importing.py): never shown, never taken from a form.
    stored_name = models.CharField(_("tallennetun tiedoston nimi"), max_length=32)
    file_format = models.CharField(_("muoto"), max_length=8)
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    rows_total = models.PositiveIntegerField(_("rivejä"), default=0)
    rows_done = models.PositiveIntegerField(_("käsitelty rivejä"), default=0)
    # {"new": n, "update": n, "skip": n, "invalid": n, "error": n} of the dry run, then of the
    # import.
    totals = models.JSONField(_("yhteenveto"), default=dict, blank=True)
    # [{"row": n or null, "column": name, "message": text}], the first IMPORT_ERRORS_SHOWN.
    errors = models.JSONField(_("virheet"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("virheitä"), default=0)
    # [{"row": n, "type": "new" or "update", "name": actor}], the first rows that change.
    preview = models.JSONField(_("esikatselu"), default=list, blank=True)
    created_at = models.DateTimeField(_("ladattu"), auto_now_add=True)
    checked_at = models.DateTimeField(_("tarkistettu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("valmis"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("toimijoiden tuonti")
        verbose_name_plural = _("toimijoiden tuonnit")

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def running(self):
        return self.status in {
            self.Status.QUEUED,
            self.Status.CHECKING,
            self.Status.CONFIRMED,
            self.Status.IMPORTING,
        }


class OrganisationProposal(models.Model):
    """An organisation's own entry, sent through the public form: a new organisation (its
    draft actor is created at once, hidden until a curator publishes it) or changes to a
    published actor (kept here, applied to the actor only when a curator approves them).
    See curation/proposals.py."""

    class Kind(models.TextChoices):
        NEW = "new", _("Uusi organisaatio")
        CHANGE = "change", _("Muutosehdotus")

    class Status(models.TextChoices):
        NEW = "new", _("Odottaa käsittelyä")
        APPROVED = "approved", _("Hyväksytty")
        REJECTED = "rejected", _("Hylätty")

    kind = models.CharField(_("laji"), max_length=10, choices=Kind.choices)
    # Kept when a rejected new organisation's draft is deleted: the proposal stays on record.
    actor = models.ForeignKey(
        Actor,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("toimija"),
    )
    actor_name = models.CharField(_("organisaation nimi"), max_length=250)
    # A change proposal's changed values only (curation/proposals.py: "fields", "links",
    # "contacts", "removed_contacts"); empty for a new organisation, whose draft holds them.
    data = models.JSONField(_("ehdotetut tiedot"), default=dict, blank=True)
    submitter_name = models.CharField(_("lähettäjän nimi"), max_length=200, blank=True)
    submitter_email = models.EmailField(_("lähettäjän sähköposti"))
    message = models.TextField(_("viesti ylläpidolle"), max_length=TEXT_MAX_LENGTH, blank=True)
    # Set when the proposal came through the yearly e-mail's signed link.
    confirmation = models.ForeignKey(
        "ConfirmationRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("vahvistuspyyntö"),
    )
    status = models.CharField(
        _("tila"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    created_at = models.DateTimeField(_("saapunut"), auto_now_add=True)
    ip_hash = models.CharField(_("IP-osoitteen tiiviste"), max_length=64, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("käsittelijä"),
    )
    handled_at = models.DateTimeField(_("käsitelty"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("organisaation ilmoitus")
        verbose_name_plural = _("organisaatioiden ilmoitukset")

    def __str__(self):
        return f"{self.actor_name}: {self.get_kind_display().lower()}"


class ConfirmationRequest(models.Model):
    """One yearly "are your details still correct?" e-mail to an actor's public address
    (curation/confirmations.py), and the organisation's answer."""

    class Answer(models.TextChoices):
        CONFIRMED = "confirmed", _("Tiedot ovat oikein")
        PROPOSED = "proposed", _("Ehdotti muutosta")

    actor = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="confirmation_requests",
        verbose_name=_("toimija"),
    )
    email = models.EmailField(_("sähköpostiosoite"))
    # When the actor was asked: no actor is asked again within CONFIRMATION_INTERVAL_DAYS.
    created_at = models.DateTimeField(_("pyydetty"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("lähetetty"), null=True, blank=True)
    send_error = models.TextField(_("lähetysvirhe"), blank=True)
    answer = models.CharField(_("vastaus"), max_length=10, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(_("vastattu"), null=True, blank=True)
    # Recorded by a curator when the message came back undelivered.
    bounced_at = models.DateTimeField(_("palautui"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vahvistuspyyntö")
        verbose_name_plural = _("vahvistuspyynnöt")
        indexes = [models.Index(fields=["actor", "-created_at"])]

    def __str__(self):
        return f"{self.actor} ({self.created_at:%d.%m.%Y})" if self.created_at else str(self.actor)
