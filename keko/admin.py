"""Admin building blocks shared by the curated models of every app.

Edit history uses django-simple-history rather than django-reversion: it writes one history row
per saved object with who (`history_user`, from HistoryRequestMiddleware), when and what
(`diff_against`), so services and imports are recorded too, not only admin saves wrapped in a
revision block; and `SimpleHistoryAdmin` gives each object a history page with a "revert to
this version" form without any code of ours.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.forms import SelectableFieldsExportForm
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import scope, services
from .freshness import stale_cutoff, stale_q

CONFLICT_MESSAGE = _(
    "Joku muu on muokannut tätä tietoa sillä välin, kun sinulla oli lomake auki, joten "
    "tallennusta ei tehty. Syöttämäsi tiedot ovat yhä lomakkeella: kopioi muutoksesi "
    "talteen, avaa sivu uudelleen nähdäksesi toisen tekemät muutokset ja tee omasi niiden päälle."
)


# Dates in the admin, everywhere in one format (list columns, read-only fields, history).
DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = "j.n.Y H.i"


def format_day(value):
    """Return a date as the admin shows dates: 5.3.2026; an empty value as "–"."""
    return format_date(value, DATE_FORMAT) if value else "–"


def format_datetime(value):
    """Return a moment in the local time as the admin shows it: 5.3.2026 14.05."""
    return format_date(timezone.localtime(value), DATETIME_FORMAT) if value else "–"


class VerifiedFilter(admin.SimpleListFilter):
    """Filter entries by how long ago they were last verified."""

    title = _("tarkistettu")
    parameter_name = "tarkistettu"

    FRESH, STALE, NEVER = "12kk", "yli-12kk", "ei"

    def lookups(self, request, model_admin):
        return [
            (self.FRESH, _("12 kuukauden sisällä")),
            (self.STALE, _("yli 12 kuukautta sitten tai ei koskaan")),
            (self.NEVER, _("ei koskaan")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.FRESH:
            return queryset.exclude(stale_q())
        if self.value() == self.STALE:
            return queryset.filter(stale_q())
        if self.value() == self.NEVER:
            return queryset.filter(verified_on__isnull=True)
        return queryset


class UnlabelledHiddenInput(forms.HiddenInput):
    """A hidden input that no label points at: the admin draws a label for every field of
    its fieldsets, and a label for a hidden control is invalid HTML."""

    def id_for_label(self, id_):
        return None


class VersionedModelForm(forms.ModelForm):
    """Refuse to save over a version the editor never saw (optimistic locking).

    The form carries the entry's version as it was when the form was opened; saving compares
    it with the version in the database, under a row lock inside the admin's transaction, and
    refuses with a form error when someone else has saved in between. The editor's input stays
    on the re-rendered form. Values outside the user's scope (keko.scope) are form errors too.
    """

    seen_version = forms.IntegerField(
        label=_("avattu versio"), widget=UnlabelledHiddenInput, required=False
    )

    # Set by CuratedAdmin.get_form: the user saving the form.
    request_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            # The stored version, not the instance's: a form reverting to a historical version
            # is built from that version's values.
            self.initial["seen_version"] = self._stored_version(lock=False)

    def _stored_version(self, *, lock):
        rows = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        if lock and transaction.get_connection(rows.db).in_atomic_block:
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and not self.instance._state.adding:
            stored = self._stored_version(lock=True)
            if stored is not None and cleaned_data.get("seen_version") != stored:
                raise ValidationError(CONFLICT_MESSAGE, code="conflict")
        scope_errors = scope.errors(self.request_user, self.instance, cleaned_data)
        for field, message in scope_errors.items():
            self.add_error(field, message)
        return cleaned_data


class ScopedLinksMixin:
    """Offer and accept, in every link field, only the entries the user may see (keko.scope).

    The choices are limited on the server: an id posted from outside the user's scope is
    refused by the form field, whatever the widget showed.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._scoped(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._scoped(db_field, request, kwargs)
        )

    def _scoped(self, db_field, request, kwargs):
        related = db_field.remote_field.model
        if scope.is_scoped(related):
            queryset = kwargs.get("queryset", related._default_manager.all())
            kwargs["queryset"] = scope.limit(request.user, queryset)
        return kwargs


class ScopedInline(ScopedLinksMixin, admin.TabularInline):
    """An inline whose link fields offer only entries in the user's scope."""


def action_checkbox(pk, label):
    """The checkbox of a changelist's row, as Django's ModelAdmin.action_checkbox() writes it,
    written here directly: rendered through its widget's template, a hundred rows took 18 ms
    of the actors' list."""
    return format_html(
        '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
        admin.helpers.ACTION_CHECKBOX_NAME,
        pk,
        format_html(_("Select this object for an action - {}"), label),
    )


class ScopedHistoryAdmin(ScopedLinksMixin, SimpleHistoryAdmin):
    """Lists, history and revert limited to the entries a user may see (keko.scope)."""

    def action_checkbox(self, obj):
        return action_checkbox(obj.pk, str(obj))

    def get_queryset(self, request):
        return scope.limit(request.user, super().get_queryset(request))

    def in_scope(self, request, obj):
        """Return whether `obj` is among the entries `request.user` may see and change at all
        (regional editors: their regions). Checked by every has_*_permission(obj)."""
        return scope.allows(request.user, obj)

    def _in_scope_once(self, request, obj):
        """in_scope, asked of the database once per request and entry: a change page asks
        for the view, change and delete permissions of its entry some eight times."""
        if obj is None:
            return True
        answers = request.__dict__.setdefault("_keko_in_scope", {})
        key = (obj._meta.label, obj.pk)
        if key not in answers:
            answers[key] = self.in_scope(request, obj)
        return answers[key]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_scope_once(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_scope_once(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._in_scope_once(request, obj)

    def _get_in_scope(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None and self.model._default_manager.filter(pk=unquote(object_id)).exists():
            raise Http404  # exists, but not for this user
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._get_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self._get_in_scope(request, object_id)
        # simple-history saves a posted revert after checking view permission only.
        if request.method == "POST" and not self.has_change_permission(request, obj):
            raise PermissionDenied
        # Revert runs the same version check as a change, which locks the row: in a
        # transaction, as Django's own change view is.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)


# The workflow fields every curated entry has (keko.models.CuratedModel): on the forms they
# come after what the entry is, and they get help texts here rather than on the abstract model
# (which would need a migration in every app).
WORKFLOW_FIELDS = ["status", "source", "source_url", "verified_on"]
WORKFLOW_HELP = {
    "status": _(
        "Luonnos näkyy vain ylläpidolle. Julkaistu näkyy kaikille hakemistossa; julkaise, kun "
        "tiedot on tarkistettu."
    ),
    "source_url": _("Lähteen osoite, jos tieto on verkosta, esim. https://esimerkki.fi/sivu."),
    "verified_on": _(
        "Päivä, jona tiedot viimeksi todettiin ajantasaisiksi. Yli 12 kuukautta vanha merkitään "
        "vanhentuneeksi ylläpidon etusivulla."
    ),
}


class CuratedAdmin(ScopedHistoryAdmin):
    """Draft → published workflow, freshness, history with revert and optimistic locking.

    The form starts with what the entry is and ends with its workflow (status, source,
    verified): a model admin without its own `fieldsets` gets two fieldsets in that order. The
    list shows drafts first, newest first: a curator finds what they just added.
    """

    form = VersionedModelForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["publish", "unpublish", "mark_verified"]
    readonly_fields = ["created", "updated"]
    history_list_display = ["status", "verified_on"]
    object_history_list_template = "admin/simple_history/curated_history_list.html"
    # "draft" sorts before "published" (keko.models.Status).
    ordering = ["status", "-created_at"]

    def get_fieldsets(self, request, obj=None):
        if self.fieldsets:
            return self.fieldsets
        fields = self.get_fields(request, obj)
        workflow = [name for name in [*WORKFLOW_FIELDS, *self.readonly_fields] if name in fields]
        return [
            (None, {"fields": [name for name in fields if name not in workflow]}),
            (_("Julkaisu ja lähde"), {"fields": workflow}),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in WORKFLOW_HELP and not db_field.help_text:
            formfield.help_text = WORKFLOW_HELP[db_field.name]
        return formfield

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user  # a fresh class per call, so safe to set
        return form

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = (form.cleaned_data.get("seen_version") or obj.version) + 1
        super().save_model(request, obj, form, change)

    @admin.display(description=_("luotu"), ordering="created_at")
    def created(self, obj):
        return format_datetime(obj.created_at)

    @admin.display(description=_("muokattu"), ordering="updated_at")
    def updated(self, obj):
        return format_datetime(obj.updated_at)

    @admin.display(description=_("julkisella sivulla"))
    def public_link(self, obj):
        label = _("Näytä") if obj.is_published else _("Esikatsele")
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    @admin.display(description=_("tarkistettu"), ordering="verified_on")
    def freshness(self, obj):
        if obj.verified_on is None:
            return _("ei koskaan")
        verified = format_day(obj.verified_on)
        if obj.verified_on < stale_cutoff():
            return _("%(date)s (vanhentunut)") % {"date": verified}
        return verified

    def _run(self, request, service, queryset, done_message, **kwargs):
        try:
            count = service(entries=queryset, user=request.user, **kwargs)
        except ValidationError as error:
            self.message_user(
                request,
                _("Toimintoa ei tehty, koska jokin valituista ei ole kelvollinen: %(error)s")
                % {"error": "; ".join(error.messages)},
                messages.ERROR,
            )
            return
        self.message_user(request, done_message(count), messages.SUCCESS)

    @admin.action(description=_("Julkaise valitut"), permissions=["change"])
    def publish(self, request, queryset):
        self._run(
            request,
            services.publish,
            queryset,
            lambda n: (
                ngettext("%(n)d merkintä julkaistu.", "%(n)d merkintää julkaistu.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Palauta valitut luonnoksiksi"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._run(
            request,
            services.unpublish,
            queryset,
            lambda n: (
                ngettext(
                    "%(n)d merkintä palautettu luonnokseksi.",
                    "%(n)d merkintää palautettu luonnoksiksi.",
                    n,
                )
                % {"n": n}
            ),
        )

    @admin.action(description=_("Merkitse valitut tarkistetuiksi tänään"), permissions=["change"])
    def mark_verified(self, request, queryset):
        self._run(
            request,
            services.mark_verified,
            queryset,
            lambda n: (
                ngettext(
                    "%(n)d merkintä merkitty tarkistetuksi.",
                    "%(n)d merkintää merkitty tarkistetuiksi.",
                    n,
                )
                % {"n": n}
            ),
        )


class TranslatedCuratedAdmin(TranslationAdmin, CuratedAdmin):
    """A curated entry whose texts are in three languages (django-modeltranslation): each
    translated field is edited as its Finnish, Swedish and English fields one after the other
    ("nimi [fi]", "nimi [sv]", "nimi [en]"), the Finnish one required where the field is; the
    form keeps CuratedAdmin's fieldsets."""

    def get_fieldsets(self, request, obj=None):
        if self.fieldsets:
            # The declared ones, each translated field replaced by its languages' fields.
            return super().get_fieldsets(request, obj)
        return CuratedAdmin.get_fieldsets(self, request, obj)


# --- Exports: the columns to choose by their Finnish names -----------------------------------


class VerboseNameExportForm(SelectableFieldsExportForm):
    """django-import-export's form for choosing the exported columns, labelling each with the
    model field's verbose name ("Nimi", "Tyyppi") instead of its Python name ("Name", "Kind");
    the file's column headers stay as they are, for the import to read them back."""

    def _get_field_label(self, resource, field_name):
        try:
            field = resource._meta.model._meta.get_field(field_name)
        except FieldDoesNotExist:
            return super()._get_field_label(resource, field_name)
        return capfirst(field.verbose_name)


# --- The login lockout's records (django-axes) in Finnish ---------------------------------------
# axes names its records in English ("Attempted Access: …"), and the changelist reads that name
# to each row's checkbox: its admins are registered again with a Finnish one.


def _lockout_admin(base):
    class LockoutRecordAdmin(base):
        def action_checkbox(self, obj):
            time = format_date(timezone.localtime(obj.attempt_time), "j.n.Y H.i")
            return action_checkbox(obj.pk, f"{obj.username or '—'}, {time}")

    return LockoutRecordAdmin


def register_lockout_admins():
    # Importing axes.admin registers axes' own admins (if its admin is enabled) first.
    from axes import admin as axes_admin
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model, base in (
        (AccessAttempt, axes_admin.AccessAttemptAdmin),
        (AccessLog, axes_admin.AccessLogAdmin),
        (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)
            admin.site.register(model, _lockout_admin(base))


register_lockout_admins()
