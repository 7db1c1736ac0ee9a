from django import forms
from django.utils.translation import gettext_lazy as _

from .search import search_terms
from .widgets import FastTextInput


class SearchForm(forms.Form):
    """The site search of /haku/."""

    # The message for an empty query comes from the server, like the list pages' errors.
    use_required_attribute = False

    q = forms.CharField(
        label=_("Hakusana"),
        max_length=200,
        widget=FastTextInput(attrs={"type": "search"}),
        error_messages={"required": _("Kirjoita hakusana.")},
    )

    def clean_q(self):
        text = self.cleaned_data["q"]
        if not search_terms(text):
            raise forms.ValidationError(_("Hakusanassa pitää olla kirjaimia tai numeroita."))
        return text
