"""Import and export of actors and contacts (django-import-export resources).

An actor import is all-or-nothing: the admin first runs it as a dry run that reports what would
be created, changed and skipped, and every bad row with its row number, column and reason; the
confirm step is offered only when no row has an error, and the import itself runs in one
transaction. Rows are matched to existing actors by `slug`.
"""

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export import fields, widgets

from keko.models import Status
from keko.spreadsheets import SpreadsheetSafeResource

from .models import Actor, Contact, Municipality, Region, ServiceType, TargetGroup


def _code(value, width):
    """Return a classification code as text; spreadsheets turn "091" into the number 91."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value).zfill(width)
    return str(value).strip()


class CodeWidget(widgets.ForeignKeyWidget):
    """Refer to a municipality by its Statistics Finland code; unknown codes are row errors."""

    def __init__(self, model, field, *, width=0):
        super().__init__(model, field)
        self.width = width

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        value = _code(value, self.width)
        try:
            return self.get_queryset(value, row).get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValueError(
                _("Tuntematon %(model)s: %(value)s")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Comma-separated codes or slugs; any value that matches nothing is a row error."""

    def __init__(self, model, field, *, width=0):
        super().__init__(model, separator=",", field=field)
        self.width = width

    def clean(self, value, row=None, **kwargs):
        """Return the list of the objects named in `value`, in one query (import-export
        cleans a row's column up to three times: to check it, to compare it, to save it)."""
        if value in (None, ""):
            return []
        # A lone number is a spreadsheet's reading of a single code ("091" -> 91).
        pieces = [value] if isinstance(value, int | float) else str(value).split(self.separator)
        wanted = [_code(piece, self.width) for piece in pieces if str(piece).strip()]
        found = list(self.model.objects.filter(**{f"{self.field}__in": wanted}))
        missing = sorted(set(wanted) - {str(getattr(obj, self.field)) for obj in found})
        if missing:
            raise ValueError(_("Tuntemattomat arvot: %(values)s") % {"values": ", ".join(missing)})
        return found


class ActorResource(SpreadsheetSafeResource):
    municipality = fields.Field(
        attribute="municipality",
        column_name="municipality",
        widget=CodeWidget(Municipality, "code", width=3),
    )
    served_municipalities = fields.Field(
        attribute="served_municipalities",
        column_name="served_municipalities",
        widget=StrictManyToManyWidget(Municipality, "code", width=3),
    )
    served_regions = fields.Field(
        attribute="served_regions",
        column_name="served_regions",
        widget=StrictManyToManyWidget(Region, "code", width=2),
    )
    services = fields.Field(
        attribute="services",
        column_name="services",
        widget=StrictManyToManyWidget(ServiceType, "slug"),
    )
    target_groups = fields.Field(
        attribute="target_groups",
        column_name="target_groups",
        widget=StrictManyToManyWidget(TargetGroup, "slug"),
    )
    verified_on = fields.Field(
        attribute="verified_on",
        column_name="verified_on",
        widget=widgets.DateWidget(format="%Y-%m-%d"),
    )

    class Meta:
        model = Actor
        name = _("Toimijat")
        fields = [
            "slug",
            "name",
            "kind",
            "business_id",
            "description",
            "website",
            "email",
            "phone",
            "municipality",
            "served_municipalities",
            "served_regions",
            "services",
            "target_groups",
            "status",
            "verified_on",
        ]
        export_order = fields
        import_id_fields = ["slug"]
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def import_data(self, dataset, **kwargs):
        # All or nothing, also outside the admin's dry-run-then-confirm flow.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            if value is None:  # an empty spreadsheet cell
                row[column] = ""
        if not row.get("slug") and row.get("name"):
            row["slug"] = slugify(row["name"])[:120]
        if not row.get("status"):
            row["status"] = Status.DRAFT

    def import_instance(self, instance, row, **kwargs):
        """Check the many-to-many columns with the others, so that all errors of a row are
        reported together with their columns (import-export would only save them later)."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update(error.error_dict)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is not None:
            instance.version += 1  # an editor with the actor open must not overwrite the import


class ContactResource(SpreadsheetSafeResource):
    """Public contacts only: contacts are personal data."""

    actor = fields.Field(
        attribute="actor", column_name="actor", widget=widgets.ForeignKeyWidget(Actor, "slug")
    )
    role = fields.Field(attribute="role__name", column_name="role", readonly=True)

    class Meta:
        model = Contact
        name = _("Julkiset yhteystiedot")
        fields = ["actor", "role", "name", "title", "email", "phone", "public"]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.filter(public=True)


class ContactWithPrivateResource(ContactResource):
    """Every contact, private ones too; offered only to those allowed to export them."""

    class Meta(ContactResource.Meta):
        name = _("Kaikki yhteystiedot, myös yksityiset")

    def filter_export(self, queryset, **kwargs):
        return queryset
