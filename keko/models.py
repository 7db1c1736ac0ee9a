"""Abstract building blocks shared by the curated models of every app."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import scope
from .search import SearchableQuerySet


class Status(models.TextChoices):
    DRAFT = "draft", _("Luonnos")
    PUBLISHED = "published", _("Julkaistu")


class CuratedQuerySet(SearchableQuerySet):
    def published(self):
        """Return entries visible to anonymous visitors."""
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """Return the entries `user` may open: the published ones, and the drafts that `user`
        may edit (previewed on their public URL): a curator's all, a regional editor's those
        of their regions (keko.scope)."""
        opts = self.model._meta
        if not (user.is_staff and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")):
            return self.published()
        everything = self.model._default_manager.all()
        editable = scope.limit(user, everything)
        if editable is everything:  # no rule limits this user
            return self
        return self.filter(Q(status=Status.PUBLISHED) | Q(pk__in=editable.values("pk")))

    def linked_to_any(self, field_name, values):
        """Return entries linked through the many-to-many `field_name` to any of `values`.

        A subquery on the link table rather than a join, so that an entry linked to two of
        the values is listed once without DISTINCT.
        """
        field = self.model._meta.get_field(field_name)
        links = field.remote_field.through.objects.filter(
            **{f"{field.m2m_reverse_field_name()}__in": values}
        )
        return self.filter(pk__in=links.values(field.m2m_field_name()))


class CuratedModel(models.Model):
    """Fields every curated entry has: publication status, provenance and freshness."""

    status = models.CharField(
        _("julkaisutila"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    source = models.CharField(
        _("lähde"),
        max_length=300,
        blank=True,
        help_text=_("Esim. käsikirjan luku tai muu lähde, josta tieto on peräisin."),
    )
    source_url = models.URLField(_("lähteen verkko-osoite"), max_length=500, blank=True)
    verified_on = models.DateField(_("tarkistettu viimeksi"), null=True, blank=True)
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)
    updated_at = models.DateTimeField(_("muokattu"), auto_now=True)
    # Fingerprint of the values the seed command last wrote; a different fingerprint of the
    # current values means a curator has edited the entry, and re-seeding leaves it alone.
    seed_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Optimistic locking: every curator's save and every bulk action bumps the version, and
    # the admin refuses a save made on a form opened at an older version (curation/admin_base).
    version = models.PositiveIntegerField(_("versio"), default=1, editable=False)

    objects = CuratedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED


class RateLimitCounter(models.Model):
    """One client's attempts in the current fixed window of a rate limit (keko.ratelimit).

    Counted in the database with one conditional UPDATE, so that every worker process and
    every server sees the same count, whichever cache is configured.
    """

    key = models.CharField(max_length=200, unique=True)
    window_start = models.DateTimeField()
    # The end of the window: the row counts until then, and is deleted some time after.
    expires_at = models.DateTimeField(db_index=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("pyyntörajan laskuri")
        verbose_name_plural = _("pyyntörajojen laskurit")

    def __str__(self):
        return f"{self.key}: {self.count}"
