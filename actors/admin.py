from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin

from keko.admin import CuratedAdmin, ScopedHistoryAdmin, ScopedInline, VerifiedFilter

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
from .resources import ActorResource, ContactResource, ContactWithPrivateResource

# Permissions that the curation app defines with its regional editors (curation/models.py).
REGIONS_UNLIMITED = "curation.edit_all_regions"
EXPORT_PRIVATE_CONTACTS = "curation.export_private_contacts"


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
    list_select_related = ["region"]


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
    list_select_related = ["service"]


class ContactInline(ScopedInline):
    model = Contact
    extra = 0
    fields = ["role", "name", "title", "email", "phone", "public"]


class NetworkMembershipInline(ScopedInline):
    model = NetworkMembership
    fk_name = "network"
    extra = 0
    autocomplete_fields = ["member"]
    verbose_name = _("verkoston jäsen")
    verbose_name_plural = _("verkoston jäsenet")


@admin.register(Actor)
class ActorAdmin(ImportExportMixin, CuratedAdmin):
    resource_classes = [ActorResource]
    list_display = [
        "name",
        "kind",
        "municipality",
        "status",
        "freshness",
        "active_until",
        "public_link",
    ]
    list_filter = [
        "status",
        VerifiedFilter,
        "kind",
        ("municipality__region", admin.RelatedOnlyFieldListFilter),
        "is_national",
    ]
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

    def has_import_permission(self, request):
        # Imports may create actors anywhere: only users free of region limits may import.
        return super().has_import_permission(request) and request.user.has_perms(
            ["actors.add_actor", "actors.change_actor", REGIONS_UNLIMITED]
        )

    def render_delete_form(self, request, context):
        context["references"] = self.references(context["object"])
        return super().render_delete_form(request, context)

    def references(self, actor):
        """Return (what, entry) pairs for the entries that refer to `actor`, to show before
        deleting it: Django's own list names the linking rows, not the practices and networks."""
        return [
            *(
                (_("Hyvä käytäntö"), p.practice)
                for p in actor.participations.select_related("practice")
            ),
            *(
                (_("Verkosto"), m.network)
                for m in actor.network_memberships.select_related("network")
            ),
            *((_("Verkoston jäsen"), m.member) for m in actor.memberships.select_related("member")),
            *((_("Rahoituslähde (myöntäjä)"), f) for f in actor.administered_funding.all()),
            *((_("Alainen toimija"), child) for child in actor.children.all()),
            *((_("Edeltäjä"), p) for p in actor.predecessors.all()),
        ]


@admin.register(Contact)
class ContactAdmin(ExportMixin, ScopedHistoryAdmin):
    list_display = ["name", "role", "actor", "public", "email"]
    list_filter = ["public", "role"]
    search_fields = ["name", "actor__name"]
    autocomplete_fields = ["actor"]
    list_select_related = ["actor", "role"]
    resource_classes = [ContactResource, ContactWithPrivateResource]

    def get_export_resource_classes(self, request):
        if request.user.has_perm(EXPORT_PRIVATE_CONTACTS):
            return [ContactResource, ContactWithPrivateResource]
        return [ContactResource]
