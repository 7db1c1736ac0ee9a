from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from keko.admin import TranslatedCuratedAdmin, VerifiedFilter

from .models import ApplicantType, ApplicationWindow, FundingSource, ProjectFunding


@admin.register(ApplicantType)
class ApplicantTypeAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "name_sv", "name_en"]
    prepopulated_fields = {"slug": ["name_fi"]}


class ApplicationWindowInline(TranslationTabularInline):
    model = ApplicationWindow
    extra = 0
    fields = ["name", "start_month", "start_day", "end_month", "end_day", "notes"]


@admin.register(FundingSource)
class FundingSourceAdmin(TranslatedCuratedAdmin):
    list_display = [
        "name",
        "category",
        "administrator",
        "scope",
        "status",
        "freshness",
        "public_link",
    ]
    list_filter = ["status", VerifiedFilter, "category", "scope", "regions"]
    search_fields = ["name", "name_sv", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_fi"]}
    autocomplete_fields = ["administrator", "regions"]
    filter_horizontal = ["applicant_types"]
    inlines = [ApplicationWindowInline]
    list_select_related = ["administrator"]


@admin.register(ProjectFunding)
class ProjectFundingAdmin(admin.ModelAdmin):
    list_display = ["project", "funding_source", "start_year", "end_year"]
    list_filter = ["funding_source"]
    autocomplete_fields = ["project", "funding_source"]
    list_select_related = ["project", "funding_source"]
