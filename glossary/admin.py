from django.contrib import admin

from keko.admin import CuratedAdmin, VerifiedFilter

from .models import Term


@admin.register(Term)
class TermAdmin(CuratedAdmin):
    list_display = ["term", "abbreviation", "category", "status", "freshness", "public_link"]
    list_filter = ["status", VerifiedFilter, "category"]
    search_fields = ["term", "abbreviation", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    autocomplete_fields = ["related"]
