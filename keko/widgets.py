"""Choice widgets rendered in Python.

Django renders every option of a choice widget through the template engine; the filter forms
have some 400 options (every municipality), which made rendering them the slowest part of a
list page. These widgets produce the same markup directly.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


def _options(widget, name, value, attrs):
    context = widget.get_context(name, value, attrs)["widget"]
    for _group, options, _index in context["optgroups"]:
        yield from options


class FastSelectMultiple(forms.SelectMultiple):
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for option in _options(self, name, value, attrs)
            ),
        )
        return format_html("<select multiple{}>{}</select>", flatatt(final_attrs), options)


class FastCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    def render(self, name, value, attrs=None, renderer=None):
        items = format_html_join(
            "",
            '<li><input type="checkbox" name="{}" value="{}" id="{}"{}>'
            ' <label for="{}">{}</label></li>',
            (
                (
                    name,
                    option["value"],
                    option["attrs"]["id"],
                    " checked" if option["selected"] else "",
                    option["attrs"]["id"],
                    option["label"],
                )
                for option in _options(self, name, value, attrs)
            ),
        )
        list_id = (attrs or {}).get("id", "")
        return format_html('<ul id="{}">{}</ul>', list_id, items)
