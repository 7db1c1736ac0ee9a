from django.contrib import admin

from curation import permissions
from curation.admin_base import CuratedAdmin, VerifiedFilter, VersionedModelForm

from .models import Participation, Practice


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["actor"]


class PracticeForm(VersionedModelForm):
    def scope_errors(self, cleaned_data):
        return permissions.practice_region_errors(
            self.request_user, regions=list(cleaned_data.get("regions") or [])
        )


@admin.register(Practice)
class PracticeAdmin(CuratedAdmin):
    form = PracticeForm
    list_display = [
        "title",
        "partner_type",
        "start_year",
        "end_year",
        "status",
        "freshness",
        "public_link",
    ]
    list_filter = ["status", VerifiedFilter, "partner_type", "regions"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["funding_sources", "regions", "contact"]
    filter_horizontal = ["target_groups"]
    inlines = [ParticipationInline]

    def get_queryset(self, request):
        return permissions.practices_for(request.user, super().get_queryset(request))

    def in_scope(self, request, obj):
        return permissions.can_change_practice(request.user, obj)
