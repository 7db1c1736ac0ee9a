from django import forms
from django.utils.translation import gettext_lazy as _

from actors.models import (
    CONTACT_DETAIL_FIELDS,
    Actor,
    ActorKind,
    Contact,
    ContactRole,
    Municipality,
    Region,
    ServiceType,
    TargetGroup,
)
from actors.validators import BUSINESS_ID_RE
from keko.widgets import FastCheckboxSelectMultiple, FastSelect

from .models import TEXT_MAX_LENGTH

# The role a visitor's contact gets unless they choose another (fixtures/handbook).
GENERIC_CONTACT_ROLE = "yhteyshenkilo"


class CorrectionForm(forms.Form):
    """A visitor's correction. `kotisivu` is a honeypot: people leave it empty, bots fill it."""

    what_is_wrong = forms.CharField(
        label=_("Mikä tiedoissa on väärin?"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX_LENGTH}),
    )
    proposed_fix = forms.CharField(
        label=_("Miten tieto pitäisi korjata?"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_MAX_LENGTH}),
    )
    email = forms.EmailField(
        label=_("Sähköpostisi (vapaaehtoinen)"),
        required=False,
        help_text=_("Vain siltä varalta, että ylläpito haluaa kysyä lisää. Ei julkaista."),
    )
    kotisivu = forms.CharField(
        label=_("Jätä tämä kenttä tyhjäksi"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_spam(self):
        """Return whether the honeypot was filled (call after is_valid())."""
        return bool(self.cleaned_data.get("kotisivu"))


# --- An organisation's own entry (curation/proposals.py) ------------------------------------

MAX_CONTACTS = 20
CONTACTS_PREFIX = "yhteyshenkilot"


class OrganisationForm(forms.ModelForm):
    """An organisation's details as the public form takes them.

    A ModelForm of the actor, so that the model's validators and constraints run exactly as
    in the admin (the Y-tunnus check digit, e-mail and web addresses, lengths); on approval a
    change proposal is checked again with this form against the actor as it is then.
    """

    website = forms.URLField(
        label=_("Verkkosivut"),
        max_length=500,
        required=False,
        assume_scheme="https",  # as the admin's URL fields
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
        help_text=_("Esim. https://www.esimerkki.fi"),
    )

    class Meta:
        model = Actor
        fields = [
            "name",
            "kind",
            "business_id",
            "description",
            *CONTACT_DETAIL_FIELDS,
            "municipality",
            "is_national",
            "served_regions",
            "served_municipalities",
            "services",
            "target_groups",
        ]
        labels = {
            "name": _("Organisaation nimi"),
            "kind": _("Organisaation tyyppi"),
            "business_id": _("Y-tunnus"),
            "description": _("Lyhyt kuvaus toiminnasta"),
            "email": _("Organisaation yleinen sähköposti"),
            "phone": _("Organisaation puhelinnumero"),
            "street_address": _("Käyntiosoite"),
            "postal_code": _("Postinumero"),
            "post_office": _("Postitoimipaikka"),
            "municipality": _("Kotikunta"),
            "is_national": _("Toimimme koko Suomessa (valtakunnallinen)"),
            "served_regions": _("Maakunnat, joiden alueella toimitte kokonaan"),
            "served_municipalities": _("Kunnat, joissa toimitte"),
            "services": _("Palvelut"),
            "target_groups": _("Kohderyhmät"),
        }
        help_texts = {
            "business_id": _(
                "Muodossa 1234567-8. Jätä tyhjäksi, jos organisaatiolla ei ole Y-tunnusta."
            ),
            "email": _(
                "Julkaistaan hakemistossa. Tähän osoitteeseen lähetetään kerran vuodessa "
                "pyyntö tarkistaa tiedot."
            ),
            "phone": _("Julkaistaan hakemistossa."),
            "municipality": _("Kunta, jossa organisaatio toimii tai jossa sen toimipaikka on."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "business_id": forms.TextInput(attrs={"inputmode": "numeric", "size": 10}),
            "description": forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX_LENGTH}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "street_address": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "postal_code": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric", "size": 6}
            ),
            "post_office": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            # Some 700 options: written in Python (keko.widgets), where Django's template
            # of each option made the form 90 ms.
            "municipality": FastSelect,
            "served_regions": FastCheckboxSelectMultiple(list_class="plain-list columns"),
            "served_municipalities": FastCheckboxSelectMultiple(list_class="plain-list columns"),
            "services": FastCheckboxSelectMultiple(list_class="plain-list columns"),
            "target_groups": FastCheckboxSelectMultiple(list_class="plain-list columns"),
        }

    # Checkbox groups: a fieldset with a legend each, not a label.
    GROUPS = ("served_regions", "served_municipalities", "services", "target_groups")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].max_length = TEXT_MAX_LENGTH
        self.fields["kind"].choices = [("", _("– valitse –")), *ActorKind.choices]
        self.fields["municipality"].empty_label = _("– ei kotikuntaa –")
        self.fields["municipality"].queryset = Municipality.objects.order_by("name_fi")
        self.fields["served_municipalities"].queryset = Municipality.objects.order_by("name_fi")
        self.fields["served_regions"].queryset = Region.objects.order_by("name_fi")
        self.fields["services"].queryset = ServiceType.objects.order_by("name")
        self.fields["target_groups"].queryset = TargetGroup.objects.order_by("name")

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_business_id(self):
        value = self.cleaned_data["business_id"].strip().replace(" ", "")
        if not value or not BUSINESS_ID_RE.match(value):
            return value  # empty, or the model's validator explains the format
        other = Actor.objects.filter(business_id=value).exclude(pk=self.instance.pk).first()
        if other is None:
            return value
        if other.is_published:
            raise forms.ValidationError(
                _(
                    "Y-tunnus %(id)s on jo hakemistossa: %(name)s. Päivitä sen tiedot "
                    "organisaation omalta sivulta."
                ),
                code="business_id_taken",
                params={"id": value, "name": other.name},
            )
        raise forms.ValidationError(
            _(
                "Y-tunnuksella %(id)s on jo ilmoitettu organisaatio, joka odottaa ylläpidon "
                "tarkistusta."
            ),
            code="business_id_pending",
            params={"id": value},
        )

    def clean(self):
        cleaned_data = super().clean()
        areas = (
            cleaned_data.get("municipality"),
            cleaned_data.get("is_national"),
            cleaned_data.get("served_regions"),
            cleaned_data.get("served_municipalities"),
        )
        if not any(areas) and not {"municipality", "served_regions"} & set(self.errors):
            self.add_error(
                "municipality",
                _(
                    "Kerro, missä organisaatio toimii: valitse kotikunta, maakunnat tai kunnat, "
                    "tai merkitse se valtakunnalliseksi."
                ),
            )
        return cleaned_data


class ContactForm(forms.ModelForm):
    """One contact person; `existing` names a public contact of the actor being updated."""

    existing = forms.UUIDField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Contact
        fields = ["role", "name", "title", "email", "phone", "public"]
        labels = {
            "role": _("Rooli"),
            "name": _("Nimi"),
            "title": _("Tehtävänimike"),
            "email": _("Sähköposti"),
            "phone": _("Puhelin"),
            "public": _("Yhteystiedot saa julkaista hakemistossa"),
        }
        help_texts = {
            "public": _("Ilman tätä valintaa henkilön tiedot näkyvät vain ylläpidolle."),
        }
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, allowed_contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed_contacts = {str(pk) for pk in allowed_contacts}
        self.fields["role"].empty_label = None
        generic = ContactRole.objects.filter(slug=GENERIC_CONTACT_ROLE).first()
        if generic is not None and not self.initial.get("role"):
            self.initial["role"] = generic.pk

    def has_changed(self):
        # An untouched extra form only carries the default role: that is no contact.
        return bool(set(self.changed_data) - {"role"}) or bool(self.initial.get("existing"))

    def clean_existing(self):
        value = self.cleaned_data.get("existing")
        if value is not None and str(value) not in self.allowed_contacts:
            raise forms.ValidationError(_("Tätä yhteyshenkilöä ei löydy. Lataa sivu uudelleen."))
        return value

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("DELETE"):
            return cleaned_data
        if not cleaned_data.get("name") and "name" not in self.errors:
            self.add_error("name", _("Anna yhteyshenkilön nimi."))
        if not cleaned_data.get("email") and not cleaned_data.get("phone"):
            if "email" not in self.errors:
                self.add_error("email", _("Anna sähköposti tai puhelinnumero."))
        return cleaned_data


class BaseContactFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.has_changed() and not (self.can_delete and self._should_delete_form(form))
        ]
        if not kept:
            raise forms.ValidationError(_("Anna vähintään yksi yhteyshenkilö."), code="no_contacts")


def contact_formset(*, can_delete):
    """The contacts' formset class: a new organisation's, or (with can_delete) an update's."""
    return forms.formset_factory(
        ContactForm,
        formset=BaseContactFormSet,
        extra=0,
        min_num=1,
        max_num=MAX_CONTACTS,
        validate_max=True,
        can_delete=can_delete,
        can_delete_extra=False,
    )


class SubmitterForm(forms.Form):
    """Who sends the entry (never published), and the honeypot `kotisivu`."""

    submitter_name = forms.CharField(
        label=_("Nimesi (vapaaehtoinen)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    submitter_email = forms.EmailField(
        label=_("Sähköpostisi"),
        help_text=_("Ylläpito voi kysyä tästä osoitteesta lisätietoja. Ei julkaista."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(
        label=_("Viesti ylläpidolle (vapaaehtoinen)"),
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX_LENGTH}),
    )
    kotisivu = forms.CharField(
        label=_("Jätä tämä kenttä tyhjäksi"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def is_spam(self):
        """Return whether the honeypot was filled (call after is_valid())."""
        return bool(self.cleaned_data.get("kotisivu"))
