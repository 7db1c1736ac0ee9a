"""Import and export of actors and contacts (django-import-export resources).

An actor import is all-or-nothing: the admin first runs it as a dry run that reports what would
be created, changed and skipped, and every bad row with its row number, column and reason; the
confirm step is offered only when no row has an error, and the import itself runs in one
transaction. Rows are matched to existing actors by `slug`.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from keko.models import Status
from keko.spreadsheets import SpreadsheetSafeResource

from .models import (
    ACTOR_KIND_URL_SLUGS,
    Actor,
    ActorKind,
    Contact,
    Municipality,
    Region,
    ServiceType,
    TargetGroup,
)

# A list cell may separate its values with commas or semicolons (Finnish Excel's habit).
LIST_SEPARATOR = re.compile(r"([,;])")
# Dates as ISO (our exports) or as Finnish Excel writes them (15.1.2026).
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


def _code(value, width):
    """Return a classification code as text; spreadsheets turn "091" into the number 91."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value).zfill(width)
    return str(value).strip()


def _key(text):
    """The form in which a name typed by a person is compared: case and spacing ignored."""
    return " ".join(str(text).split()).casefold()


class LookupIndex:
    """The rows of a small table by every name a person may use for them: code or slug and
    the Finnish and Swedish names, case-insensitively. Read once per import (the resource's
    fields are copied per resource instance), then asked for every row in memory."""

    def __init__(self, model, keys, *, width=0):
        self.model = model
        self.keys = keys
        self.width = width
        self._rows = None

    def rows(self):
        if self._rows is None:
            self._rows = {}
            for obj in self.model.objects.all():
                for key in self.keys:
                    value = getattr(obj, key)
                    if value:
                        self._rows.setdefault(_key(value), set()).add(obj)
        return self._rows

    def find(self, value):
        """Return the one row named `value`; ValueError with a Finnish message if none or
        several are."""
        text = _code(value, self.width)
        if self.width and text.isdigit():
            text = text.zfill(self.width)
        found = self.rows().get(_key(text), set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise ValueError(self.ambiguous_message(text))
        raise ValueError(self.unknown_message(text))

    def unknown_message(self, text):
        names = {
            Municipality: _("Kuntaa ”%(value)s” ei löydy. Tarkista nimi tai käytä kuntanumeroa."),
            Region: _("Maakuntaa ”%(value)s” ei löydy. Tarkista nimi tai käytä maakunnan numeroa."),
            ServiceType: _(
                "Palvelua ”%(value)s” ei löydy. Tarkista nimi tuontisivun koodiluettelosta."
            ),
            TargetGroup: _(
                "Kohderyhmää ”%(value)s” ei löydy. Tarkista nimi tuontisivun koodiluettelosta."
            ),
        }
        return names[self.model] % {"value": text}

    def ambiguous_message(self, text):
        return _(
            "Nimi ”%(value)s” sopii useampaan kuin yhteen (%(model)s). Käytä koodia "
            "tuontisivun koodiluettelosta."
        ) % {"value": text, "model": self.model._meta.verbose_name}


class NameOrCodeWidget(widgets.ForeignKeyWidget):
    """Refer to a municipality or region by its code ("564") or its Finnish or Swedish name
    ("Oulu", "Uleåborg"); unknown and ambiguous values are row errors. Exports the code."""

    def __init__(self, model, field, *, names=("name_fi", "name_sv"), width=0):
        super().__init__(model, field)
        self.index = LookupIndex(model, (field, *names), width=width)

    def clean(self, value, row=None, **kwargs):
        if value in (None, "") or not str(value).strip():
            return None
        return self.index.find(value)


class NamesOrCodesWidget(widgets.ManyToManyWidget):
    """A list of codes, slugs or names separated by `,` or `;`; any value that matches
    nothing is a row error. Exports the codes or slugs, comma-separated."""

    def __init__(self, model, field, *, names=("name_fi", "name_sv"), width=0):
        super().__init__(model, separator=",", field=field)
        self.index = LookupIndex(model, (field, *names), width=width)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        # A lone number is a spreadsheet's reading of a single code ("091" -> 91).
        if isinstance(value, int | float):
            return [self.index.find(value)]
        found, unknown = [], []
        for piece in self._pieces(str(value)):
            try:
                obj = self.index.find(piece)
            except ValueError as error:
                unknown.append(str(error))
                continue
            if obj not in found:
                found.append(obj)
        if unknown:
            raise ValueError(" ".join(unknown))
        return found

    def _pieces(self, text):
        """Split `text` at its separators, except inside a name that holds one
        ("Neuvonta-, ohjaus- ja koulutuspalvelut"): the longest run of pieces that is a
        known value is taken whole."""
        tokens = LIST_SEPARATOR.split(text)  # piece, separator, piece, …
        pieces = tokens[::2]
        known = self.index.rows()
        start = 0
        while start < len(pieces):
            end = start
            for candidate in range(len(pieces) - 1, start, -1):
                if _key("".join(tokens[2 * start : 2 * candidate + 1])) in known:
                    end = candidate
                    break
            piece = "".join(tokens[2 * start : 2 * end + 1]).strip()
            if piece:
                yield piece
            start = end + 1


class ChoiceWidget(widgets.Widget):
    """A choice by its stored value ("association"), its Finnish label ("Yhdistys tai
    järjestö") or its Finnish URL value ("yhdistys"), case-insensitively. Exports the
    stored value."""

    def __init__(self, choices, *, aliases=None):
        super().__init__()
        self.values = {}
        for value, label in choices:
            self.values[_key(value)] = value
            self.values[_key(label)] = value
        for value, alias in (aliases or {}).items():
            self.values[_key(alias)] = value
        self.labels = [str(label) for _value, label in choices]

    def clean(self, value, row=None, **kwargs):
        if value in (None, "") or not str(value).strip():
            return ""
        try:
            return self.values[_key(value)]
        except KeyError:
            raise ValueError(
                _("Arvoa ”%(value)s” ei tunneta. Käytä jotakin näistä: %(choices)s.")
                % {"value": str(value).strip(), "choices": ", ".join(self.labels)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class FinnishDateWidget(widgets.DateWidget):
    """A date as 2026-01-15 or 15.1.2026; exported as 2026-01-15."""

    def __init__(self):
        super().__init__(format=DATE_FORMATS[0])
        self.formats = DATE_FORMATS

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value.strip() if isinstance(value, str) else value, row)
        except ValueError:
            raise ValueError(
                _("Päivämäärää ”%(value)s” ei voi lukea. Kirjoita se muodossa 15.1.2026.")
                % {"value": value}
            ) from None


class ActorResource(SpreadsheetSafeResource):
    """Actors by slug. Areas, services and target groups by code, slug or name; kind and
    status by value or Finnish label (see the code lists the import page offers)."""

    kind = fields.Field(
        attribute="kind",
        column_name="kind",
        widget=ChoiceWidget(ActorKind.choices, aliases=ACTOR_KIND_URL_SLUGS),
    )
    municipality = fields.Field(
        attribute="municipality",
        column_name="municipality",
        widget=NameOrCodeWidget(Municipality, "code", width=3),
    )
    served_municipalities = fields.Field(
        attribute="served_municipalities",
        column_name="served_municipalities",
        widget=NamesOrCodesWidget(Municipality, "code", width=3),
    )
    served_regions = fields.Field(
        attribute="served_regions",
        column_name="served_regions",
        widget=NamesOrCodesWidget(Region, "code", width=2),
    )
    services = fields.Field(
        attribute="services",
        column_name="services",
        widget=NamesOrCodesWidget(ServiceType, "slug", names=("name",)),
    )
    target_groups = fields.Field(
        attribute="target_groups",
        column_name="target_groups",
        widget=NamesOrCodesWidget(TargetGroup, "slug", names=("name",)),
    )
    status = fields.Field(
        attribute="status",
        column_name="status",
        widget=ChoiceWidget(Status.choices),
    )
    verified_on = fields.Field(
        attribute="verified_on",
        column_name="verified_on",
        widget=FinnishDateWidget(),
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


def _municipality_rows():
    rows = Municipality.objects.select_related("region").order_by("name_fi")
    return [
        [_("koodi"), _("nimi"), _("nimi ruotsiksi"), _("maakunnan koodi"), _("maakunta")],
        *([m.code, m.name_fi, m.name_sv, m.region.code, m.region.name_fi] for m in rows),
    ]


def _region_rows():
    return [
        [_("koodi"), _("nimi"), _("nimi ruotsiksi")],
        *([r.code, r.name_fi, r.name_sv] for r in Region.objects.order_by("name_fi")),
    ]


def _vocabulary_rows(model):
    return [
        [_("tunniste"), _("nimi")],
        *([obj.slug, obj.name] for obj in model.objects.order_by("name")),
    ]


def _choice_rows(choices):
    return [[_("arvo"), _("nimi")], *([value, str(label)] for value, label in choices)]


# The code lists the import page offers, by the name in their file name: (title, rows).
CODE_LISTS = {
    "kunnat": (gettext_lazy("Kunnat"), _municipality_rows),
    "maakunnat": (gettext_lazy("Maakunnat"), _region_rows),
    "tyypit": (gettext_lazy("Toimijatyypit"), lambda: _choice_rows(ActorKind.choices)),
    "palvelut": (gettext_lazy("Palvelut"), lambda: _vocabulary_rows(ServiceType)),
    "kohderyhmat": (gettext_lazy("Kohderyhmät"), lambda: _vocabulary_rows(TargetGroup)),
    "julkaisutilat": (gettext_lazy("Julkaisutilat"), lambda: _choice_rows(Status.choices)),
}
