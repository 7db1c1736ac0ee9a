from django.contrib import admin

from .models import (
    Actor,
    Contact,
    ContactRole,
    Municipality,
    NetworkMembership,
    Region,
    ServiceType,
    TargetGroup,
    TypicalService,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "name_sv", "code"]
    search_fields = ["name_fi", "name_sv", "code"]
    prepopulated_fields = {"slug": ["name_fi"]}


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "name_sv", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name_fi", "name_sv", "code"]
    prepopulated_fields = {"slug": ["name_fi"]}


@admin.register(ServiceType, TargetGroup)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ContactRole)
class ContactRoleAdmin(admin.ModelAdmin):
    list_display = ["name", "checklist_order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TypicalService)
class TypicalServiceAdmin(admin.ModelAdmin):
    list_display = ["kind", "service"]
    list_filter = ["kind"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    fk_name = "network"
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "status", "active_until", "verified_on"]
    list_filter = ["status", "kind", "municipality__region"]
    search_fields = ["name", "slug", "business_id"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = [
        "municipality",
        "served_municipalities",
        "served_regions",
        "parent",
        "successors",
    ]
    filter_horizontal = ["services", "target_groups"]
    inlines = [ContactInline, NetworkMembershipInline]
    list_select_related = ["municipality"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "actor", "public"]
    list_filter = ["public", "role"]
    search_fields = ["name", "actor__name"]
    autocomplete_fields = ["actor"]
    list_select_related = ["actor", "role"]
