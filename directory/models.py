"""The workshop PDFs being made in the task queue, and the places they take turns for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrintRender(models.Model):
    """A workshop PDF or a large selection's CSV queued or being made, under the digest of its
    cache key: visitors asking for the same selection of the same data share one render
    (directory/print_jobs.py). The file itself goes into the cache under that key; a row is
    kept only for a day.

    `language`: the language of the page the file was asked from, which the key includes too;
    the render, in a worker with no request, makes the file in it."""

    class Output(models.TextChoices):
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", _("jonossa")
        RENDERING = "rendering", _("tekeillä")
        DONE = "done", _("valmis")
        FAILED = "failed", _("epäonnistui")

    key = models.CharField(max_length=64, unique=True)
    output = models.CharField(max_length=3, choices=Output, default=Output.PDF)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    actor_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tuloste tekeillä")
        verbose_name_plural = _("tulosteet tekeillä")

    def __str__(self):
        return f"{self.key[:12]} ({self.get_status_display()})"


class RenderSlot(models.Model):
    """One of the PDF_CONCURRENCY places in which a PDF may be laid out at a time, across every
    machine of the deployment. A render takes a free place with one conditional UPDATE, which
    the database makes atomic (no two renders get the same place) on SQLite and PostgreSQL."""

    number = models.PositiveSmallIntegerField(primary_key=True)
    render = models.OneToOneField(
        PrintRender, null=True, blank=True, on_delete=models.SET_NULL, related_name="slot"
    )
    taken_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return str(self.number)
