from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin

from curation import permissions
from curation.admin_base import (
    CuratedAdmin,
    ScopedHistoryAdmin,
    VerifiedFilter,
    VersionedModelForm,
)

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


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["role", "name", "title", "email", "phone", "public"]


class NetworkMembershipInline(admin.TabularInline):
    model = NetworkMembership
    fk_name = "network"
    extra = 0
    autocomplete_fields = ["member"]
    verbose_name = _("verkoston jäsen")
    verbose_name_plural = _("verkoston jäsenet")


class ActorForm(VersionedModelForm):
    def scope_errors(self, cleaned_data):
        return permissions.actor_area_errors(
            self.request_user,
            municipality=cleaned_data.get("municipality"),
            served_municipalities=list(cleaned_data.get("served_municipalities") or []),
            served_regions=list(cleaned_data.get("served_regions") or []),
        )


@admin.register(Actor)
class ActorAdmin(ImportExportMixin, CuratedAdmin):
    form = ActorForm
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

    def get_queryset(self, request):
        return permissions.actors_for(request.user, super().get_queryset(request))

    def in_scope(self, request, obj):
        return permissions.can_change_actor(request.user, obj)

    def has_import_permission(self, request):
        return permissions.can_import(request.user)

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

    def get_queryset(self, request):
        return permissions.contacts_for(request.user, super().get_queryset(request))

    def get_export_resource_classes(self, request):
        if permissions.can_export_private_contacts(request.user):
            return [ContactResource, ContactWithPrivateResource]
        return [ContactResource]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "actor":
            kwargs["queryset"] = permissions.actors_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def in_scope(self, request, obj):
        return permissions.can_change_actor(request.user, obj.actor)
