from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TEXT_MAX_LENGTH


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
