"""Widgets of the public filter forms rendered in Python.

Django renders every option of a choice widget through the template engine, after building
a dict of attributes for each; the filter forms have some 400 options (every municipality),
which made rendering them the slowest part of a list page. These widgets produce the same
markup directly from the choices; the inputs (a search box, a checkbox) likewise, where the
two templates of each took 0.1 ms (5 us in Python).
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .markup import conditional_escape, escape


def _options(widget, name, value, attrs):
    """Yield (value, label, id or None, selected) of each option, ids as Django gives them.

    Values, ids and labels are escaped where they are written (keko.markup), a label marked
    safe left as it is."""
    # Iterated, not list(): a ModelChoiceIterator's len() is a COUNT query of its own.
    choices = [choice for choice in widget.choices]  # noqa: C416
    list_id = (attrs or {}).get("id")
    if any(isinstance(label, (list, tuple)) for _value, label in choices):
        # Grouped choices: Django's own numbering of the options within their groups.
        context = widget.get_context(name, value, attrs)["widget"]
        for _group, options, _index in context["optgroups"]:
            for option in options:
                yield (
                    str(option["value"]),
                    option["label"],
                    option["attrs"].get("id"),
                    option["selected"],
                )
        return
    chosen = set(widget.format_value(value))
    for index, (option_value, label) in enumerate(choices):
        option_value = "" if option_value is None else str(option_value)
        option_id = widget.id_for_label(list_id, index) if list_id else None
        yield option_value, label, option_id, option_value in chosen


class FastSelectMultiple(forms.SelectMultiple):
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = "".join(
            f'<option value="{escape(option_value)}"'
            f"{' selected' if selected else ''}>{conditional_escape(label)}</option>"
            for option_value, label, _id, selected in _options(self, name, value, attrs)
        )
        return format_html(
            "<select multiple{}>{}</select>", flatatt(final_attrs), mark_safe(options)
        )


class FastSelect(forms.Select):
    """A `<select>` of one choice, its `name` first as Django's template writes it."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        options, has_selected = [], False
        for option_value, label, _id, chosen in _options(self, name, value, attrs):
            # One option selected at most, the first whose value is chosen, as Django's.
            selected = chosen and not has_selected
            has_selected = has_selected or selected
            options.append(
                f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                f"{conditional_escape(label)}</option>"
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(final_attrs),
            mark_safe("".join(options)),
        )


class FastCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes in a `<ul>`, of class `list_class` if given. Each input has the attributes
    the field gives the widget (`aria-invalid` with errors, say), as Django's options do."""

    def __init__(self, attrs=None, choices=(), list_class=""):
        super().__init__(attrs, choices)
        self.list_class = list_class

    def render(self, name, value, attrs=None, renderer=None):
        escaped_name = conditional_escape(name)
        inherited = self.build_attrs(self.attrs, attrs)
        inherited.pop("id", None)
        extra = flatatt(inherited)
        items = []
        for option_value, label, option_id, selected in _options(self, name, value, attrs):
            id_attr = f' id="{escape(option_id)}"' if option_id else ""
            label_for = f' for="{escape(option_id)}"' if option_id else ""
            items.append(
                f'<li><input type="checkbox" name="{escaped_name}" value="{escape(option_value)}"'
                f"{id_attr}{extra}{' checked' if selected else ''}>"
                f" <label{label_for}>{conditional_escape(label)}</label></li>"
            )
        list_attrs = {"id": (attrs or {}).get("id", "")}
        if self.list_class:
            list_attrs["class"] = self.list_class
        return format_html("<ul{}>{}</ul>", flatatt(list_attrs), mark_safe("".join(items)))


class FastInput:
    """An `<input>` written as Django's input.html and attrs.html write it (a mixin of an
    Input widget)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        written = [f'<input type="{escape(widget["type"])}" name="{conditional_escape(name)}"']
        if widget["value"] is not None:
            written.append(f' value="{conditional_escape(widget["value"])}"')
        for attr, attr_value in widget["attrs"].items():
            if attr_value is True:
                written.append(f" {attr}")
            elif attr_value is not False:
                written.append(f' {attr}="{conditional_escape(attr_value)}"')
        written.append(">")
        return mark_safe("".join(written))  # noqa: S308 - every value escaped


class FastTextInput(FastInput, forms.TextInput):
    pass


class FastCheckboxInput(FastInput, forms.CheckboxInput):
    pass
