from django.contrib import admin

from keko.admin import ScopedInline, TranslatedCuratedAdmin, VerifiedFilter

from .models import Participation, Practice


class ParticipationInline(ScopedInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["actor"]


@admin.register(Practice)
class PracticeAdmin(TranslatedCuratedAdmin):
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
    search_fields = ["title", "title_sv", "title_en", "summary"]
    prepopulated_fields = {"slug": ["title_fi"]}
    autocomplete_fields = ["funding_sources", "regions", "contact"]
    filter_horizontal = ["target_groups"]
    inlines = [ParticipationInline]
