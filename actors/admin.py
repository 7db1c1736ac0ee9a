from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from keko.admin import (
    ScopedHistoryAdmin,
    ScopedInline,
    TranslatedCuratedAdmin,
    VerboseNameExportForm,
    VerifiedFilter,
    format_day,
)

from . import importing
from .models import (
    CONTACT_ADMIN_ORDER,
    CONTACT_DETAIL_FIELDS,
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
from .resources import CODE_LISTS, ActorResource, ContactResource, ContactWithPrivateResource

# Permissions that the curation app defines with its regional editors (curation/models.py).
REGIONS_UNLIMITED = "curation.edit_all_regions"
EXPORT_PRIVATE_CONTACTS = "curation.export_private_contacts"


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "name_sv", "name_en", "code"]
    search_fields = ["name_fi", "name_sv", "name_en", "code"]
    prepopulated_fields = {"slug": ["name_fi"]}


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name_fi", "name_sv", "code", "region"]
    list_filter = ["region"]
    search_fields = ["name_fi", "name_sv", "code"]
    prepopulated_fields = {"slug": ["name_fi"]}
    list_select_related = ["region"]


@admin.register(ServiceType, TargetGroup)
class VocabularyAdmin(TranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "name_sv", "name_en"]
    # The slug from the Finnish name, whichever language the page is in.
    prepopulated_fields = {"slug": ["name_fi"]}


@admin.register(ContactRole)
class ContactRoleAdmin(TranslationAdmin):
    list_display = ["name", "checklist_order"]
    search_fields = ["name", "name_sv", "name_en"]
    prepopulated_fields = {"slug": ["name_fi"]}


@admin.register(TypicalService)
class TypicalServiceAdmin(admin.ModelAdmin):
    list_display = ["kind", "service"]
    list_filter = ["kind"]
    list_select_related = ["service"]


class ContactInline(TranslationTabularInline, ScopedInline):
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


class ActorImportForm(ImportForm):
    """The upload form; a file over `IMPORT_MAX_BYTES` is refused before it is parsed."""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        error = importing.size_error(upload.size)
        if error:
            raise forms.ValidationError(error)
        return upload


class ActorConfirmImportForm(ConfirmImportForm):
    """The confirm form: `import_file_name` is a token signed for the user (see
    actors/importing.py); `ActorAdmin.process_import` turns it back into a stored name."""

    def clean_import_file_name(self):
        return self.cleaned_data["import_file_name"]


class AreaFilter(admin.SimpleListFilter):
    """Actors that no area's selection lists (the admin index links here)."""

    title = _("alue")
    parameter_name = "alue"
    WITHOUT = "ei"

    def lookups(self, request, model_admin):
        return [(self.WITHOUT, _("Ei aluetta"))]

    def queryset(self, request, queryset):
        return queryset.without_area() if self.value() == self.WITHOUT else queryset


CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data, content_type, file_name):
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@admin.register(Actor)
class ActorAdmin(ImportExportMixin, TranslatedCuratedAdmin):
    resource_classes = [ActorResource]
    export_form_class = VerboseNameExportForm
    list_display = [
        "name",
        "kind",
        "municipality",
        "status",
        "freshness",
        "ended",
        "public_link",
    ]
    list_filter = [
        "status",
        VerifiedFilter,
        "kind",
        "municipality__region",
        "is_national",
        AreaFilter,
    ]
    search_fields = ["name", "name_sv", "name_en", "slug", "business_id"]
    prepopulated_fields = {"slug": ["name_fi"]}
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
    # Name and kind first; where, what and how to reach; the contact persons (the inlines,
    # drawn before the last fieldset by the template); publication and source last.
    fieldsets = [
        (None, {"fields": ["name", "kind", "slug", "business_id", "seen_version"]}),
        (
            _("Missä toimija palvelee"),
            {
                "fields": [
                    "municipality",
                    "served_municipalities",
                    "served_regions",
                    "is_national",
                ],
                "description": _(
                    "Toimija näkyy alueiden sivuilla kotikuntansa sekä palvelemiensa kuntien ja "
                    "maakuntien mukaan. Jos kotikuntaa, palveltuja kuntia tai maakuntia ei ole "
                    "valittu eikä toimija ole valtakunnallinen, se ei näy millään alueen "
                    "sivulla."
                ),
            },
        ),
        (_("Mitä toimija tekee"), {"fields": ["services", "target_groups", "description"]}),
        (
            _("Yhteystiedot"),
            {"fields": CONTACT_DETAIL_FIELDS},
        ),
        (
            _("Toiminta-aika ja suhteet muihin toimijoihin"),
            {"fields": ["active_from", "active_until", "parent", "successors"]},
        ),
        (
            _("Julkaisu ja lähde"),
            {
                "fields": [
                    "status",
                    "source",
                    "source_url",
                    "verified_on",
                    "verified_by",
                    "created",
                    "updated",
                ]
            },
        ),
    ]
    change_form_template = "admin/actors/actor/change_form.html"

    # The import (django-import-export), made safe: see actors/importing.py.
    import_form_class = ActorImportForm
    confirm_form_class = ActorConfirmImportForm
    import_template_name = "admin/actors/actor/import.html"
    import_error_display = ("message",)  # never the row's traceback

    def get_import_formats(self):
        return [base_formats.CSV, base_formats.XLSX]

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        downloads = [
            path(
                f"import/{importing.TEMPLATE_NAME}.<extension>",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{prefix}_import_template",
            ),
            path(
                "import/koodit-<slug:name>.csv",
                self.admin_site.admin_view(self.code_list_view),
                name=f"{prefix}_code_list",
            ),
        ]
        return downloads + super().get_urls()

    def import_template_view(self, request, extension):
        """The file to fill in: the importable columns and one example row, as CSV that
        Finnish Excel opens in columns, or as XLSX."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        rows = importing.template_rows(ActorResource())
        if extension == "csv":
            return _download(importing.excel_csv(rows), CSV, f"{importing.TEMPLATE_NAME}.csv")
        if extension == "xlsx":
            data = importing.xlsx(rows, str(_("Toimijat")))
            return _download(data, XLSX, f"{importing.TEMPLATE_NAME}.xlsx")
        raise Http404

    def code_list_view(self, request, name):
        """A code list (municipalities, regions, kinds, services…) with the codes and names
        an import may use, as CSV for Finnish Excel."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if name not in CODE_LISTS:
            raise Http404
        _title, rows = CODE_LISTS[name]
        return _download(importing.excel_csv(rows()), CSV, f"koodit-{name}.csv")

    def get_import_context_data(self, **kwargs):
        return {
            **super().get_import_context_data(**kwargs),
            "code_lists": [(name, title) for name, (title, _rows) in CODE_LISTS.items()],
        }

    def import_action(self, request, **kwargs):
        """Read the uploaded file within the limits, then dry-run it here (at most
        `IMPORT_INLINE_MAX_ROWS` rows) or hand it to the import queue (larger files)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if request.method != "POST" or not form.is_valid():
            return super().import_action(request, **kwargs)
        upload = form.cleaned_data["import_file"]
        extension = self.get_import_formats()[int(form.cleaned_data["format"])]().get_extension()
        resource = self.choose_import_resource_class(form, request)(
            **self.get_import_resource_kwargs(request, form=form, **kwargs)
        )
        queue = importing.import_queue()
        inline_max = settings.IMPORT_INLINE_MAX_ROWS
        data = upload.read()
        try:
            # A CSV is read whole (quick), an XLSX only as far as needed to know it is large:
            # the queue reads the rest.
            dataset = importing.read_dataset(
                data,
                extension,
                max_rows=settings.IMPORT_MAX_ROWS,
                stop_after=inline_max + 1 if queue and extension == "xlsx" else None,
            )
            errors = importing.header_errors(dataset.headers, resource)
            if errors:
                raise importing.ImportFileError(" ".join(errors))
        except importing.ImportFileError as error:
            form.add_error("import_file", str(error))
            return self.render_import_page(request, form, resource)
        if queue is not None and len(dataset) > inline_max:
            name = importing.store_file(data)
            return queue(
                request, self, stored_name=name, original_name=upload.name, extension=extension
            )
        result = resource.import_data(
            dataset, dry_run=True, raise_errors=False, file_name=upload.name, user=request.user
        )
        context = {"result": result}
        if not result.has_errors() and not result.has_validation_errors():
            upload.tmp_storage_name = importing.store_file(data)
            context["confirm_form"] = self.create_confirm_form(request, import_form=form)
        return self.render_import_page(request, form, resource, **context)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["import_file_name"] = importing.sign_file_name(
                initial["import_file_name"], request.user
            )
        return initial

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Import a file this server stored and signed for this user, once: the file is
        removed as soon as it is read. Any other name is refused with a Finnish message."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.get_import_resource_classes(request)[0]()
        token = request.POST.get("import_file_name", "")
        name = importing.file_name_from_token(token, request.user)
        form = self.create_confirm_form(request)
        formats = self.get_import_formats()
        if (
            name is None
            or not form.is_valid()
            or form.cleaned_data["format"] not in {str(index) for index in range(len(formats))}
        ):
            return self.render_import_gone(request, resource)
        form.cleaned_data["resource"] = "0"
        extension = formats[int(form.cleaned_data["format"])]().get_extension()
        try:
            data = importing.read_stored_file(name)
            importing.remove_stored_file(name)
            dataset = importing.read_dataset(data, extension, max_rows=settings.IMPORT_MAX_ROWS)
        except importing.ImportFileError as error:
            return self.render_import_gone(request, resource, str(error))
        result = self.process_dataset(dataset, form, request, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            # The data changed since the dry run: nothing was imported; show why.
            return self.render_import_page(
                request, self.blank_import_form(request), resource, result=result, status=409
            )
        return self.process_result(result, request)

    def blank_import_form(self, request):
        return self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )

    def render_import_gone(self, request, resource, message=None):
        form = self.blank_import_form(request)
        message = message or _(
            "Tuotavaa tiedostoa ei löydy: se on vanhentunut, jo tuotu tai ei tältä "
            "palvelimelta. Lataa tiedosto uudelleen."
        )
        return self.render_import_page(request, form, resource, import_errors=[message], status=400)

    def render_import_page(self, request, form, resource, *, status=200, **extra):
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            "title": _("Tuo toimijoita"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "fields_list": [
                (
                    resource.get_display_name(),
                    [field.column_name for field in resource.get_user_visible_fields()],
                )
            ],
            "import_error_display": self.import_error_display,
            **extra,
        }
        result = extra.get("result")
        if result is not None:
            context["base_error_messages"] = [
                importing.base_error_message(error.error) for error in result.base_errors
            ]
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context, status=status)

    @admin.display(description=_("toiminta päättyi"), ordering="active_until")
    def ended(self, obj):
        return format_day(obj.active_until)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the areas are saved: the same rule as the admin index's "Ei aluetta" list.
        if Actor.objects.filter(pk=form.instance.pk).without_area().exists():
            self.message_user(
                request,
                _(
                    "”%(name)s” ei näy millään alueen sivulla: sillä ei ole kotikuntaa, "
                    "palveltuja kuntia tai maakuntia, eikä sitä ole merkitty "
                    "valtakunnalliseksi. Lisää ainakin yksi niistä."
                )
                % {"name": form.instance},
                messages.WARNING,
            )

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
    # By name, from an index (actors/0025): the model's order (by role) sorted every contact.
    ordering = [column.asc() for column in CONTACT_ADMIN_ORDER]
    resource_classes = [ContactResource, ContactWithPrivateResource]
    export_form_class = VerboseNameExportForm

    def get_search_results(self, request, queryset, search_term):
        """Each word (or quoted phrase, as Django's search splits them) in the contact's name
        or its actor's: the actors' names looked up among the actors, from their own index
        (actors/0023), where Django's join tested each word on every contact's row and its
        actor's (230 ms at 90 000 contacts)."""
        for word in smart_split(search_term):
            if word.startswith(('"', "'")) and word[0] == word[-1]:
                word = unescape_string_literal(word)
            named = Actor.objects.filter(name__icontains=word).values("pk")
            queryset = queryset.filter(Q(name__icontains=word) | Q(actor__in=named))
        return queryset, False

    def get_export_resource_classes(self, request):
        if request.user.has_perm(EXPORT_PRIVATE_CONTACTS):
            return [ContactResource, ContactWithPrivateResource]
        return [ContactResource]
