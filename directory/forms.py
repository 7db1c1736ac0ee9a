from functools import partial

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from actors.models import ActorKind, ServiceType, TargetGroup
from keko.cache import cached
from keko.widgets import FastCheckboxSelectMultiple

from .printing import COMPACT, FULL


class FlagInput(forms.CheckboxInput):
    """A checkbox submitted as `name=1` that hands its raw value to the field to validate.

    Django's CheckboxInput turns any unknown value into True; a print option sent as
    `yhteystiedot=kyllä` should be reported, not silently read as "yes". (The print options
    template writes these checkboxes itself, see includes/print_options.html.)
    """

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class FlagField(forms.Field):
    """An optional yes/no option: `1` is yes; `0`, empty or absent is no; anything else errs."""

    widget = FlagInput
    default_error_messages = {
        "invalid": _("Valinnan arvon pitää olla 1 (kyllä) tai 0 (ei)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in (None, "", "0", False):
            return False
        if value in ("1", True):
            return True
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class IncludedUnlessZeroField(FlagField):
    """An option that is on unless sent as `0`: the print options template writes it as a
    checkbox that sends `0` to leave something out (ticked: left out)."""

    def to_python(self, value):
        if value in (None, "", "1", True):
            return True
        if value in ("0", False):
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class PrintOptionsForm(forms.Form):
    """What a workshop print of an area's actors contains, from the print page's GET query."""

    # The options of the chosen actors, as opposed to the selection itself: the only ones
    # the actor list's print takes (ListPrintOptionsForm).
    print_only = ("yhteystiedot", "asettelu", "tarkistuslista", "tyopajapaketti")

    # Kinds by their Finnish URL values (ActorKind.url_slug), as on the actor list; cleaned
    # to the kinds themselves.
    tyyppi = forms.MultipleChoiceField(
        label=_("Toimijatyypit"),
        choices=[(kind.url_slug, kind.label) for kind in ActorKind],
        required=False,
        widget=FastCheckboxSelectMultiple(list_class="plain-list columns"),
    )
    palvelu = forms.ModelMultipleChoiceField(
        label=_("Palvelut"),
        queryset=ServiceType.objects.all(),
        to_field_name="slug",
        required=False,
        widget=FastCheckboxSelectMultiple(list_class="plain-list columns"),
    )
    kohderyhma = forms.ModelMultipleChoiceField(
        label=_("Kohderyhmät"),
        queryset=TargetGroup.objects.all(),
        to_field_name="slug",
        required=False,
        widget=FastCheckboxSelectMultiple(list_class="plain-list columns"),
    )
    # National actors serve every area, so an area's print lists them after its own.
    valtakunnalliset = IncludedUnlessZeroField(label=_("Valtakunnalliset toimijat"))
    yhteystiedot = FlagField(label=_("Julkiset yhteyshenkilöt"))
    paattyneet = FlagField(label=_("Myös päättyneet toimijat"))
    tarkistuslista = FlagField(
        label=_("Tarkistuslista ”Tunnetko alueesi toimijat?” omalle sivulleen")
    )
    asettelu = forms.ChoiceField(
        label=_("Asettelu"),
        choices=[
            (FULL, _("Täydet tiedot")),
            (COMPACT, _("Tiivis: nimi, tyyppi, kunta ja yhteystiedot, yli 20 toimijaa sivulle")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    tyopajapaketti = FlagField(
        label=_(
            "Työpajapaketti: tarkistuslista, taulukko uusista toimijoista ja alueen hyvät käytännöt"
        )
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "print-%s")
        super().__init__(*args, **kwargs)
        for name, model in (("palvelu", ServiceType), ("kohderyhma", TargetGroup)):
            if name in self.fields:
                # Shown from the cache (every area page shows them), read when rendered (a
                # callable); validated by the field's query. Their own saves make a new
                # directory version.
                self.fields[name].widget.choices = partial(
                    cached,
                    ("print-choices", name),
                    partial(_slugs_and_names, model),
                    scopes=(),
                    in_process=True,
                )

    def clean_tyyppi(self):
        return [ActorKind.from_url_slug(slug).value for slug in self.cleaned_data["tyyppi"]]

    def clean_asettelu(self):
        return self.cleaned_data["asettelu"] or FULL


def _slugs_and_names(model):
    return [(row.slug, str(row)) for row in model.objects.all()]


class ListPrintOptionsForm(PrintOptionsForm):
    """The print options of a selection of the actor list: the list's own filters
    (actors.filters.ActorFilter) choose the actors, so this form takes only how to print
    them. The checklist describes an area, so it needs one chosen (`area_chosen`); the
    workshop pack is an area print's own."""

    tyyppi = palvelu = kohderyhma = valtakunnalliset = paattyneet = tyopajapaketti = None

    def __init__(self, *args, area_chosen=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.area_chosen = area_chosen

    def clean_tarkistuslista(self):
        wanted = self.cleaned_data["tarkistuslista"]
        if wanted and not self.area_chosen:
            raise ValidationError(
                _("Tarkistuslista kuvaa alueen: valitse listalta ensin maakunta tai kunta."),
                code="no_area",
            )
        return wanted


class MunicipalitySearchForm(forms.Form):
    """The home page's municipality search box."""

    # CharField also rejects NUL characters, which PostgreSQL cannot store or compare.
    q = forms.CharField(label=_("Kunnan nimi"), max_length=100, required=False)
