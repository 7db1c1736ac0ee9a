import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from actors.models import Actor

from . import imports, permissions, proposals, services
from .models import (
    ConfirmationRequest,
    CorrectionRequest,
    ImportJob,
    OrganisationProposal,
    RegionalEditor,
)


@admin.register(RegionalEditor)
class RegionalEditorAdmin(admin.ModelAdmin):
    list_display = ["user", "region_names"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    autocomplete_fields = ["user", "regions"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("regions")

    @admin.display(description=_("maakunnat"))
    def region_names(self, obj):
        return ", ".join(region.name_fi for region in obj.regions.all())


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    """Visitors' corrections: read them, fix the entry by hand, then mark them handled."""

    list_display = ["created_at", "entry_link", "status", "summary", "email", "handled_by"]
    list_filter = ["status", "created_at"]
    search_fields = ["what_is_wrong", "proposed_fix", "actor__name", "practice__title"]
    list_select_related = ["actor", "practice", "handled_by"]
    readonly_fields = [
        "entry_link",
        "what_is_wrong",
        "proposed_fix",
        "email",
        "created_at",
        "handled_by",
        "handled_at",
    ]
    fields = readonly_fields[:5] + ["status"] + readonly_fields[5:]
    actions = ["mark_applied", "mark_rejected"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return permissions.corrections_for(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # they come from the public form only

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            handled = obj.status != CorrectionRequest.Status.NEW
            obj.handled_by = request.user if handled else None
            obj.handled_at = timezone.now() if handled else None
        super().save_model(request, obj, form, change)

    @admin.display(description=_("kohde"))
    def entry_link(self, obj):
        entry = obj.entry
        return format_html('<a href="{}">{}</a>', entry.get_absolute_url(), entry)

    @admin.display(description=_("mikä on väärin"))
    def summary(self, obj):
        return obj.what_is_wrong[:80]

    def _resolve(self, request, queryset, status):
        count = services.resolve_corrections(corrections=queryset, status=status, user=request.user)
        self.message_user(
            request, _("%(n)d korjausehdotusta käsitelty.") % {"n": count}, messages.SUCCESS
        )

    @admin.action(description=_("Merkitse korjatuiksi"), permissions=["change"])
    def mark_applied(self, request, queryset):
        self._resolve(request, queryset, CorrectionRequest.Status.APPLIED)

    @admin.action(description=_("Merkitse hylätyiksi"), permissions=["change"])
    def mark_rejected(self, request, queryset):
        self._resolve(request, queryset, CorrectionRequest.Status.REJECTED)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Large actor imports (curation/imports.py): each job's page shows its progress (it
    reloads itself every few seconds while a task runs), the dry run's result with the
    confirm button, and the import's result. Only those who may import actors see jobs, and
    only their own (superusers every job)."""

    list_display = ["original_name", "status", "rows_total", "user", "created_at"]
    list_filter = ["status"]
    list_select_related = ["user"]
    job_template = "curation/import_job.html"

    def may_import(self, request):
        actor_admin = self.admin_site.get_model_admin(Actor)
        return actor_admin.has_import_permission(request)

    def get_queryset(self, request):
        jobs = super().get_queryset(request)
        return jobs if request.user.is_superuser else jobs.filter(user=request.user)

    def has_module_permission(self, request):
        return self.may_import(request)

    def has_view_permission(self, request, obj=None):
        if not self.may_import(request):
            return False
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    def has_add_permission(self, request):
        return False  # jobs come from the actors' import page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        confirm = path(
            "<path:object_id>/vahvista/",
            self.admin_site.admin_view(self.confirm_view),
            name="curation_importjob_confirm",
        )
        return [confirm, *super().get_urls()]

    def job(self, request, object_id):
        if not self.may_import(request):
            raise PermissionDenied
        job = self.get_object(request, object_id)  # None for others' jobs and bad ids
        if job is None:
            raise Http404
        return job

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.job(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Toimijoiden tuonti"),
            "opts": self.opts,
            "job": job,
            "rows_done": imports.rows_done(job),
            "can_confirm": job.status == ImportJob.Status.CHECKED and not job.error_count,
            "errors_hidden": max(job.error_count - len(job.errors), 0),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.job_template, context)

    @method_decorator(require_POST)
    def confirm_view(self, request, object_id):
        job = self.job(request, object_id)
        if imports.confirm(job):
            self.message_user(request, _("Tuonti vahvistettu: se on jonossa."), messages.SUCCESS)
        else:
            self.message_user(request, _("Tätä tuontia ei voi enää vahvistaa."), messages.WARNING)
        return redirect("admin:curation_importjob_change", job.pk)


@admin.register(OrganisationProposal)
class OrganisationProposalAdmin(admin.ModelAdmin):
    """Organisations' own entries (curation/proposals.py): a curator reads what changes,
    then approves (a new organisation is published, a change applied to the actor) or
    rejects (a new organisation's draft is deleted)."""

    list_display = ["created_at", "actor_name", "kind", "status", "submitter_email", "handled_by"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["actor_name", "submitter_email", "submitter_name"]
    list_select_related = ["actor", "handled_by"]
    readonly_fields = [
        "kind",
        "actor_link",
        "changes_table",
        "submitter_name",
        "submitter_email",
        "message",
        "confirmation",
        "status",
        "created_at",
        "handled_by",
        "handled_at",
    ]
    fields = readonly_fields
    actions = ["approve_selected", "reject_selected"]
    date_hierarchy = "created_at"
    change_form_template = "admin/curation/organisationproposal/change_form.html"

    def get_queryset(self, request):
        return permissions.proposals_for(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # they come from the public forms only

    def may_decide(self, request):
        # Approving publishes or changes an actor: only those who may change actors.
        return request.user.has_perm("actors.change_actor") and self.has_change_permission(request)

    @admin.display(description=_("toimija"))
    def actor_link(self, obj):
        if obj.actor is None:
            return _("%(name)s (luonnos poistettu)") % {"name": obj.actor_name}
        change = reverse("admin:actors_actor_change", args=[obj.actor.pk])
        label = _("Näytä") if obj.actor.is_published else _("Esikatsele luonnosta")
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">{}</a>)',
            change,
            obj.actor,
            obj.actor.get_absolute_url(),
            label,
        )

    @admin.display(description=_("muutokset"))
    def changes_table(self, obj):
        if obj.kind == OrganisationProposal.Kind.NEW:
            return _(
                "Uusi organisaatio: sen luonnos on toimijoissa. Tarkista ja korjaa luonnos "
                "tarvittaessa; hyväksyminen julkaisee sen."
            )
        rows = proposals.describe_changes(obj)
        if not rows:
            return _("Ei muutoksia tietoihin; katso viesti.")
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody>"
            "</table>",
            _("tieto"),
            _("nyt"),
            _("ehdotettu"),
            format_html_join(
                "", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", ((a, b, c) for a, b, c in rows)
            ),
        )

    def _decide(self, request, queryset, service, done):
        if not self.may_decide(request):
            raise PermissionDenied
        count = 0
        for proposal in queryset:
            try:
                service(proposal=proposal, user=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(name)s: ei käsitelty: %(error)s")
                    % {"name": proposal.actor_name, "error": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                count += 1
        if count:
            self.message_user(request, done % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Hyväksy valitut"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._decide(request, queryset, proposals.approve, _("%(n)d ilmoitusta hyväksytty."))

    @admin.action(
        description=_("Hylkää valitut (uuden organisaation luonnos poistetaan)"),
        permissions=["change"],
    )
    def reject_selected(self, request, queryset):
        self._decide(request, queryset, proposals.reject, _("%(n)d ilmoitusta hylätty."))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_decide": self.may_decide(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        for button, service, done in (
            ("_approve", proposals.approve, _("Ilmoitus hyväksytty.")),
            ("_reject", proposals.reject, _("Ilmoitus hylätty.")),
        ):
            if button in request.POST:
                self._decide(request, self.get_queryset(request).filter(pk=obj.pk), service, done)
                return redirect("admin:curation_organisationproposal_change", obj.pk)
        return super().response_change(request, obj)


class UnansweredFilter(admin.SimpleListFilter):
    """Requests that list their actor as stale (curation/stale.py)."""

    title = _("vastaus")
    parameter_name = "vastaus"

    def lookups(self, request, model_admin):
        return [
            (
                "vastaamatta",
                _("vastaamatta yli %(days)d päivää") % {"days": settings.CONFIRMATION_ANSWER_DAYS},
            ),
            ("palautunut", _("palautunut")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "vastaamatta":
            cutoff = timezone.now() - datetime.timedelta(days=settings.CONFIRMATION_ANSWER_DAYS)
            return queryset.filter(sent_at__lt=cutoff, answered_at__isnull=True)
        if self.value() == "palautunut":
            return queryset.filter(bounced_at__isnull=False)
        return queryset


@admin.register(ConfirmationRequest)
class ConfirmationRequestAdmin(admin.ModelAdmin):
    """The yearly e-mails (curation/confirmations.py): who was asked when, and the answers.
    A curator records an e-mail that came back undelivered, which lists the actor as stale."""

    list_display = [
        "actor",
        "email",
        "created_at",
        "sent_at",
        "answer",
        "answered_at",
        "bounced_at",
    ]
    list_filter = [UnansweredFilter, "answer", "created_at"]
    search_fields = ["actor__name", "email"]
    list_select_related = ["actor"]
    readonly_fields = [
        "actor",
        "email",
        "created_at",
        "sent_at",
        "send_error",
        "answer",
        "answered_at",
        "bounced_at",
    ]
    actions = ["mark_bounced"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return permissions.linked_to_actors_for(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # made by `manage.py request_confirmations` only

    @admin.action(description=_("Merkitse sähköposti palautuneeksi"), permissions=["change"])
    def mark_bounced(self, request, queryset):
        count = queryset.filter(bounced_at__isnull=True).update(bounced_at=timezone.now())
        self.message_user(
            request,
            _("%(n)d vahvistuspyyntöä merkitty palautuneiksi.") % {"n": count},
            messages.SUCCESS,
        )
