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
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import scope, services
from .freshness import stale_cutoff, stale_q

CONFLICT_MESSAGE = _(
    "Joku muu on muokannut tätä tietoa sillä välin, kun sinulla oli lomake auki, joten "
    "tallennusta ei tehty. Syöttämäsi tiedot ovat yhä lomakkeella: kopioi muutoksesi "
    "talteen, avaa sivu uudelleen nähdäksesi toisen tekemät muutokset ja tee omasi niiden päälle."
)


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


class VersionedModelForm(forms.ModelForm):
    """Refuse to save over a version the editor never saw (optimistic locking).

    The form carries the entry's version as it was when the form was opened; saving compares
    it with the version in the database, under a row lock inside the admin's transaction, and
    refuses with a form error when someone else has saved in between. The editor's input stays
    on the re-rendered form. Values outside the user's scope (keko.scope) are form errors too.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

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


class ScopedHistoryAdmin(ScopedLinksMixin, SimpleHistoryAdmin):
    """Lists, history and revert limited to the entries a user may see (keko.scope)."""

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


class CuratedAdmin(ScopedHistoryAdmin):
    """Draft → published workflow, freshness, history with revert and optimistic locking."""

    form = VersionedModelForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["publish", "unpublish", "mark_verified"]
    readonly_fields = ["created_at", "updated_at"]
    history_list_display = ["status", "verified_on"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request_user = request.user  # a fresh class per call, so safe to set
        return form

    def save_model(self, request, obj, form, change):
        if change:
            obj.version = (form.cleaned_data.get("seen_version") or obj.version) + 1
        super().save_model(request, obj, form, change)

    @admin.display(description=_("julkisella sivulla"))
    def public_link(self, obj):
        label = _("Näytä") if obj.is_published else _("Esikatsele")
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), label)

    @admin.display(description=_("tarkistettu"), ordering="verified_on")
    def freshness(self, obj):
        if obj.verified_on is None:
            return _("ei koskaan")
        verified = format_date(obj.verified_on, "j.n.Y")
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
