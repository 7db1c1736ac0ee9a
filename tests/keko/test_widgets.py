"""The choice widgets rendered in Python (keko.widgets): Django's markup, faster."""

import re

import pytest
from django import forms
from django.utils.safestring import mark_safe

from actors.models import Region
from keko.widgets import (
    FastCheckboxInput,
    FastCheckboxSelectMultiple,
    FastSelect,
    FastSelectMultiple,
    FastTextInput,
)
from tests.factories import make_region

CHOICES = [("a", "Aa"), ("b&c", 'Bee <"c">'), ("d", mark_safe("<b>Dee</b>"))]


def test_checkboxes_are_ticked_numbered_and_escaped():
    html = FastCheckboxSelectMultiple(choices=CHOICES).render("x", ["b&c"], {"id": "id_x"})
    assert html == (
        '<ul id="id_x">'
        '<li><input type="checkbox" name="x" value="a" id="id_x_0">'
        ' <label for="id_x_0">Aa</label></li>'
        '<li><input type="checkbox" name="x" value="b&amp;c" id="id_x_1" checked>'
        ' <label for="id_x_1">Bee &lt;&quot;c&quot;&gt;</label></li>'
        '<li><input type="checkbox" name="x" value="d" id="id_x_2">'
        ' <label for="id_x_2"><b>Dee</b></label></li>'
        "</ul>"
    )


def test_checkboxes_carry_the_attributes_the_field_gives_as_djangos_do():
    # A field with errors marks each of its checkboxes aria-invalid (BoundField).
    attrs = {"id": "id_x", "aria-invalid": "true"}
    fast = FastCheckboxSelectMultiple(choices=CHOICES).render("x", ["a"], attrs)
    django = forms.CheckboxSelectMultiple(choices=CHOICES).render("x", ["a"], attrs)
    inputs = re.compile(r"<input [^>]*>")
    assert len(inputs.findall(fast)) == 3
    attributes = [
        sorted(re.findall(r' ([a-z-]+)(?:="([^"]*)")?', tag)) for tag in inputs.findall(fast)
    ]
    assert attributes == [
        sorted(re.findall(r' ([a-z-]+)(?:="([^"]*)")?', tag)) for tag in inputs.findall(django)
    ]
    assert fast.count('aria-invalid="true"') == 3 and '<ul id="id_x">' in fast


def test_select_marks_the_chosen_options():
    html = FastSelectMultiple(choices=CHOICES).render("x", ["a", "d"], {"id": "id_x"})
    assert html == (
        '<select multiple id="id_x" name="x">'
        '<option value="a" selected>Aa</option>'
        '<option value="b&amp;c">Bee &lt;&quot;c&quot;&gt;</option>'
        '<option value="d" selected><b>Dee</b></option>'
        "</select>"
    )


@pytest.mark.parametrize("value", [None, "", "a", "b&c", "unknown"])
def test_single_select_writes_djangos_markup(value):
    # An empty first option (a filter's empty label), and a value twice: the first is chosen.
    choices = [("", "Kaikki"), *CHOICES, ("a", "Aa again")]
    fast = FastSelect(choices=choices).render("x", value, {"id": "id_x"})
    django = forms.Select(choices=choices).render("x", value, {"id": "id_x"})
    assert fast == re.sub(r">\s+<", "><", django.strip())
    assert fast.startswith('<select name="x" id="id_x">')
    assert fast.count(" selected") == (0 if value == "unknown" else 1)


def test_grouped_choices_keep_djangos_numbering():
    grouped = [("Ryhmä", [("a", "Aa"), ("b", "Bee")]), ("c", "Cee")]
    html = FastCheckboxSelectMultiple(choices=grouped).render("x", ["b"], {"id": "id_x"})
    assert 'value="a" id="id_x_0_0">' in html
    assert 'value="b" id="id_x_0_1" checked>' in html
    assert 'value="c" id="id_x_1">' in html


@pytest.mark.django_db
def test_model_choices_take_one_query(django_assert_num_queries):
    region = make_region(name_fi="Lappi")

    class RegionForm(forms.Form):
        alue = forms.ModelMultipleChoiceField(
            Region.objects.all(), widget=FastCheckboxSelectMultiple
        )

    with django_assert_num_queries(1):
        html = str(RegionForm(initial={"alue": [region.pk]})["alue"])
    assert f'value="{region.pk}" id="id_alue_0" checked>' in html


def test_checkbox_list_takes_a_class():
    html = FastCheckboxSelectMultiple(choices=CHOICES[:1], list_class="plain-list").render(
        "x", None, {"id": "id_x"}
    )
    assert html.startswith('<ul class="plain-list" id="id_x"><li>')


@pytest.mark.parametrize("value", [None, "", "a & <b>", mark_safe("<i>x</i>"), 7])
def test_a_text_input_writes_djangos_markup(value):
    attrs = {"type": "search"}
    for extra in ({}, {"id": "id_q", "required": True, "disabled": False, "maxlength": 200}):
        fast = FastTextInput(attrs).render("q", value, extra)
        assert fast == forms.TextInput(attrs).render("q", value, extra)
    assert fast.startswith('<input type="search" name="q"')


@pytest.mark.parametrize("value", [None, "", "0", "1", True, False])
def test_a_checkbox_writes_djangos_markup(value):
    attrs = {"id": "id_x", "class": "a&b"}
    for check_test in (None, lambda value: value == "0"):
        fast = FastCheckboxInput(check_test=check_test).render("x", value, attrs)
        assert fast == forms.CheckboxInput(check_test=check_test).render("x", value, attrs)
