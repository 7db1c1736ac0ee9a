from django.contrib import admin

from .models import ApplicantType, ApplicationWindow, FundingSource, ProjectFunding


@admin.register(ApplicantType)
class ApplicantTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ApplicationWindowInline(admin.TabularInline):
    model = ApplicationWindow
    extra = 0


@admin.register(FundingSource)
class FundingSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "administrator", "scope", "status", "verified_on"]
    list_filter = ["status", "category", "scope"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["administrator", "regions"]
    filter_horizontal = ["applicant_types"]
    inlines = [ApplicationWindowInline]


@admin.register(ProjectFunding)
class ProjectFundingAdmin(admin.ModelAdmin):
    list_display = ["project", "funding_source", "start_year", "end_year"]
    list_filter = ["funding_source"]
    autocomplete_fields = ["project", "funding_source"]
