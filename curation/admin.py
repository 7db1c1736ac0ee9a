from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from actors.models import Actor

from . import imports, permissions, services
from .models import CorrectionRequest, ImportJob, RegionalEditor


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
