"""Turn an admin change page into the POST data its Save button would send."""

from django.urls import reverse


def change(obj):
    """Return the admin change page of `obj`."""
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _values(key, value):
    if value is None:
        return {key: ""}
    if isinstance(value, bool):
        return {key: "on"} if value else {}
    if isinstance(value, list | tuple):
        return {key: [str(v) for v in value]}
    return {key: str(value)}


def admin_form_data(response, **changes):
    """Return the change form's current values, main form and inlines, with `changes` applied."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        data.update(_values(form.add_prefix(name), form[name].value()))
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = str(management[name].value())
        for inline_form in formset.forms:
            for name in inline_form.fields:
                data.update(_values(inline_form.add_prefix(name), inline_form[name].value()))
    data.update(changes)
    return data
