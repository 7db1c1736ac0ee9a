from django.contrib import admin

from .models import Participation, Practice


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["actor"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "partner_type", "start_year", "end_year", "status", "verified_on"]
    list_filter = ["status", "partner_type", "regions"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["funding_sources", "regions", "contact"]
    filter_horizontal = ["target_groups"]
    inlines = [ParticipationInline]
