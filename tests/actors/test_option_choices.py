"""A filter's options are read as they are: not copied or normalised with every form."""

import copy

import pytest
from django.http import QueryDict

from actors.filters import OptionChoices
from directory.filters import ActorDirectoryFilter
from tests.factories import make_municipality

pytestmark = pytest.mark.django_db


def test_the_forms_fields_share_their_options_and_still_validate():
    town = make_municipality(name_fi="Espoo")
    filterset = ActorDirectoryFilter(QueryDict(f"kunta={town.slug}"))
    field = filterset.form.fields["kunta"]

    assert isinstance(field.choices, OptionChoices)
    assert list(field.choices) == [(town.slug, "Espoo")]
    assert copy.deepcopy(field).choices is field.choices
    assert copy.deepcopy(field.widget).choices is field.widget.choices
    assert filterset.form.is_valid()
    assert filterset.form.cleaned_data["kunta"] == [town.slug]


def test_options_set_on_a_field_are_not_normalised_again():
    pairs = OptionChoices([("espoo", "Espoo (3)")])
    filterset = ActorDirectoryFilter(QueryDict())
    field = filterset.form.fields["kunta"]

    field.choices = pairs

    assert field.choices is pairs
    assert field.widget.choices is pairs
    assert len(pairs) == 1
