from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import permissions, services
from .models import CorrectionRequest, RegionalEditor


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
