"""The catalogue imports in the admin: the review list of imported drafts, the conflicts
between curators' edits and the catalogue, the records, and the runs (started from here)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from actors.models import Actor, Municipality, Region
from keko.models import Status

from . import importer, tasks
from .models import (
    CatalogueImport,
    CatalogueRecord,
    FieldProvenance,
    ImportConflict,
    Source,
    UnreviewedImport,
)


class RegionFilter(admin.SimpleListFilter):
    """Records of the actors based in, or serving, a region."""

    title = _("maakunta")
    parameter_name = "maakunta"

    def lookups(self, request, model_admin):
        return [(region.slug, region.name_fi) for region in Region.objects.all()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        regions = Region.objects.filter(slug=self.value())
        return queryset.filter(actor__in=Actor.objects.serving_regions(regions).values("pk"))


class TwoWayFilter(admin.SimpleListFilter):
    """A filter of two answers, `yes` and `no`, each a lookup on the records."""

    yes = no = ("", "", {})  # (value in the URL, label, lookup)

    def lookups(self, request, model_admin):
        return [(value, label) for value, label, _lookup in (self.yes, self.no)]

    def queryset(self, request, queryset):
        for value, _label, lookup in (self.yes, self.no):
            if self.value() == value:
                return queryset.filter(**lookup)
        return queryset


class MissingFilter(TwoWayFilter):
    title = _("lähteessä")
    parameter_name = "lahteessa"
    yes = ("puuttuu", _("puuttuu lähteestä"), {"missing_since__isnull": False})
    no = ("on", _("löytyy lähteestä"), {"missing_since__isnull": True})


class EndedInRegisterFilter(TwoWayFilter):
    """Companies the business register (YTJ) says have ended, are bankrupt or in liquidation:
    for curators to check; nothing unpublishes them automatically."""

    title = _("Päättynyt kaupparekisterissä")
    parameter_name = "paattynyt"
    yes = ("kylla", _("päättynyt"), {"ended_in_register": True})
    no = ("ei", _("ei päättynyt"), {"ended_in_register": False})


class ActorLinkMixin:
    @admin.display(description=_("toimija"), ordering="actor__name")
    def actor_link(self, obj):
        url = reverse("admin:actors_actor_change", args=[obj.actor_id])
        return format_html('<a href="{}">{}</a>', url, obj.actor.name)


@admin.register(CatalogueRecord)
class CatalogueRecordAdmin(ActorLinkMixin, admin.ModelAdmin):
    """Every imported organisation, with its texts in every language, and the business
    register's view of the actors with a Y-tunnus (filter "Päättynyt kaupparekisterissä")."""

    list_display = [
        "actor_link",
        "source",
        "external_id",
        "register_status",
        "fetched_at",
        "missing_since",
    ]
    list_filter = ["source", EndedInRegisterFilter, MissingFilter, RegionFilter]
    search_fields = ["actor__name", "external_id"]
    list_select_related = ["actor"]
    readonly_fields = [
        "actor_link",
        "source",
        "external_id",
        "texts_table",
        "listed_in",
        "modified_at_source",
        "first_imported_at",
        "fetched_at",
        "missing_since",
        "company_form",
        "register_status",
        "ended_in_register",
        "register_ended_on",
        "reviewed_at",
        "reviewed_by",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False  # records come from imports only

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("tekstit kielittäin"))
    def texts_table(self, obj):
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            (
                (key, lang, value)
                for key, versions in sorted(obj.texts.items())
                for lang, value in sorted(versions.items())
            ),
        )
        return format_html("<table>{}</table>", rows)


@admin.register(UnreviewedImport)
class UnreviewedImportAdmin(ActorLinkMixin, admin.ModelAdmin):
    """Tuodut, tarkistamatta: drafts that an import created and no curator has reviewed."""

    list_display = [
        "actor_link",
        "kind",
        "municipality",
        "languages",
        "first_imported_at",
        "preview",
    ]
    list_filter = [RegionFilter, "source"]
    search_fields = ["actor__name", "external_id"]
    list_select_related = ["actor__municipality"]
    actions = ["publish", "mark_reviewed"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(reviewed_at__isnull=True, actor__status=Status.DRAFT)
            # The register only enriches actors: it brings in no drafts to review.
            .exclude(source=Source.YTJ)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        actor_admin = self.admin_site.get_model_admin(Actor)
        return actor_admin.has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # an actor is deleted, if ever, on its own page

    @admin.display(description=_("tyyppi"))
    def kind(self, obj):
        return obj.actor.get_kind_display()

    @admin.display(description=_("kotikunta"))
    def municipality(self, obj):
        return obj.actor.municipality or "—"

    @admin.display(description=_("kielet"))
    def languages(self, obj):
        return ", ".join(sorted((obj.texts.get("name") or {}).keys()))

    @admin.display(description=_("julkisella sivulla"))
    def preview(self, obj):
        return format_html('<a href="{}">{}</a>', obj.actor.get_absolute_url(), _("Esikatsele"))

    @admin.action(description=_("Julkaise valitut"), permissions=["change"])
    def publish(self, request, queryset):
        """The actors' own publish action (keko.admin.CuratedAdmin.publish); the records of
        the actors it published leave the list."""
        actor_admin = self.admin_site.get_model_admin(Actor)
        pks = list(queryset.values_list("pk", flat=True))
        actor_admin.publish(request, Actor.objects.filter(catalogue_records__pk__in=pks))
        published = CatalogueRecord.objects.filter(pk__in=pks, actor__status=Status.PUBLISHED)
        self._reviewed(request, published)

    @admin.action(
        description=_("Merkitse tarkistetuiksi (pysyvät luonnoksina)"), permissions=["change"]
    )
    def mark_reviewed(self, request, queryset):
        count = self._reviewed(request, queryset)
        self.message_user(
            request,
            ngettext(
                "%(n)d tuotu toimija merkitty tarkistetuksi.",
                "%(n)d tuotua toimijaa merkitty tarkistetuiksi.",
                count,
            )
            % {"n": count},
            messages.SUCCESS,
        )

    def _reviewed(self, request, queryset):
        records = CatalogueRecord.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        return records.update(reviewed_at=timezone.now(), reviewed_by=request.user)


def _display(value):
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("kyllä") if value else _("ei")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


class UnresolvedFilter(admin.SimpleListFilter):
    title = _("ratkaistu")
    parameter_name = "ratkaistu"

    def lookups(self, request, model_admin):
        return [("ei", _("ratkaisematta")), ("kylla", _("ratkaistu"))]

    def queryset(self, request, queryset):
        if self.value() == "ei":
            return queryset.filter(resolution="")
        if self.value() == "kylla":
            return queryset.exclude(resolution="")
        return queryset


@admin.register(ImportConflict)
class ImportConflictAdmin(ActorLinkMixin, admin.ModelAdmin):
    """A curator's value against the catalogue's: pick one with the list's actions."""

    list_display = [
        "actor_link",
        "field_label",
        "current_display",
        "incoming_display",
        "source",
        "created_at",
        "resolution",
    ]
    list_filter = [UnresolvedFilter, "source", "field"]
    search_fields = ["actor__name"]
    list_select_related = ["actor"]
    readonly_fields = [
        "actor_link",
        "field_label",
        "current_display",
        "incoming_display",
        "source",
        "created_at",
        "resolution",
        "resolved_at",
        "resolved_by",
    ]
    fields = readonly_fields
    actions = ["use_catalogue_value", "keep_ours"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        actor_admin = self.admin_site.get_model_admin(Actor)
        return actor_admin.has_change_permission(request)

    @admin.display(description=_("kenttä"), ordering="field")
    def field_label(self, obj):
        try:
            return str(Actor._meta.get_field(obj.field).verbose_name)
        except Exception:
            return obj.field

    @admin.display(description=_("nykyinen arvo (meillä)"))
    def current_display(self, obj):
        return _display(obj.current_value)

    @admin.display(description=_("luettelon arvo"))
    def incoming_display(self, obj):
        return _display(obj.incoming_value)

    @admin.action(description=_("Käytä luettelon arvoa"), permissions=["change"])
    def use_catalogue_value(self, request, queryset):
        self._resolve(request, queryset, ImportConflict.Resolution.CATALOGUE)

    @admin.action(description=_("Pidä oma arvomme"), permissions=["change"])
    def keep_ours(self, request, queryset):
        self._resolve(request, queryset, ImportConflict.Resolution.OURS)

    def _resolve(self, request, queryset, resolution):
        count = resolve_conflicts(queryset, resolution, user=request.user)
        self.message_user(
            request,
            ngettext("%(n)d ristiriita ratkaistu.", "%(n)d ristiriitaa ratkaistu.", count)
            % {"n": count},
            messages.SUCCESS,
        )


@transaction.atomic
def resolve_conflicts(conflicts, resolution, *, user=None):
    """Resolve the open `conflicts`: take the catalogue's value into the actor, or keep ours.
    Either way the catalogue's value becomes the last imported one, so that the next import
    updates the field only when the catalogue changes it again. Return how many."""
    count = 0
    now = timezone.now()
    for conflict in conflicts.filter(resolution="").select_related("actor"):
        if resolution == ImportConflict.Resolution.CATALOGUE:
            importer.set_value(
                conflict.actor,
                conflict.field,
                conflict.incoming_value,
                user=user,
                reason=str(_("Ristiriita ratkaistu luettelon arvolla")),
            )
        FieldProvenance.objects.update_or_create(
            actor=conflict.actor,
            field=conflict.field,
            source=conflict.source,
            defaults={"imported_value": conflict.incoming_value, "fetched_at": now},
        )
        conflict.resolution = resolution
        conflict.resolved_at, conflict.resolved_by = now, user
        conflict.save(update_fields=["resolution", "resolved_at", "resolved_by"])
        count += 1
    return count


class StartImportForm(forms.Form):
    region = forms.ModelChoiceField(
        Region.objects.all(), label=_("Maakunta"), required=False, to_field_name="slug"
    )
    municipality = forms.ModelChoiceField(
        Municipality.objects.all(), label=_("tai kunta"), required=False, to_field_name="slug"
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("region")) == bool(data.get("municipality")):
            raise forms.ValidationError(_("Valitse joko maakunta tai kunta."))
        return data

    def area_key(self):
        if self.cleaned_data["region"]:
            return f"region:{self.cleaned_data['region'].slug}"
        return f"municipality:{self.cleaned_data['municipality'].slug}"


@admin.register(CatalogueImport)
class CatalogueImportAdmin(admin.ModelAdmin):
    """Runs of the PTV import: "Lisää" starts one for a region in the task queue, and its
    page shows how far it is (reloading itself while it runs) and what it did."""

    list_display = ["area_label", "status", "fetched", "summary", "started_by", "created_at"]
    list_filter = ["status"]
    list_select_related = ["started_by"]
    start_template = "catalogue/start_import.html"
    run_template = "catalogue/import_run.html"

    def may_import(self, request):
        # Imports write actors anywhere: those who may import actors (no region limits).
        return self.admin_site.get_model_admin(Actor).has_import_permission(request)

    def has_module_permission(self, request):
        return self.may_import(request)

    def has_view_permission(self, request, obj=None):
        return self.may_import(request)

    def has_add_permission(self, request):
        return self.may_import(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("tulos"))
    def summary(self, obj):
        counts = obj.counts or {}
        if not counts:
            return "—"
        return _("%(created)s uutta, %(updated)s päivitetty, %(conflicts)s ristiriitaa") % {
            "created": counts.get("created", 0),
            "updated": counts.get("updated", 0),
            "conflicts": counts.get("conflicts", 0),
        }

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = StartImportForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            area = importer.Area.from_key(form.area_key())
            run = tasks.queue_import(area, user=request.user)
            self.message_user(
                request,
                _("Tuonti (%(area)s) on jonossa; tällä sivulla näet, miten se etenee.")
                % {"area": area.label},
                messages.SUCCESS,
            )
            return redirect("admin:catalogue_catalogueimport_change", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Aloita PTV-tuonti"),
            "opts": self.opts,
            "form": form,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.start_template, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.may_import(request):
            raise PermissionDenied
        run = self.get_object(request, object_id)
        if run is None:
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "title": _("PTV-tuonti"),
            "opts": self.opts,
            "run": run,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.run_template, context)
