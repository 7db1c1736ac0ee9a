from django.contrib import admin

from .models import Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["term", "abbreviation", "category", "status", "verified_on"]
    list_filter = ["status", "category"]
    search_fields = ["term", "abbreviation", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    autocomplete_fields = ["related"]
