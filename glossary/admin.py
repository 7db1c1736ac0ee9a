from django.contrib import admin

from keko.admin import TranslatedCuratedAdmin, VerifiedFilter

from .models import Term


@admin.register(Term)
class TermAdmin(TranslatedCuratedAdmin):
    list_display = ["term", "abbreviation", "category", "status", "freshness", "public_link"]
    list_filter = ["status", VerifiedFilter, "category"]
    search_fields = ["term", "term_sv", "term_en", "abbreviation", "definition"]
    prepopulated_fields = {"slug": ["term_fi"]}
    autocomplete_fields = ["related"]
