"""Editor scope: which entries of a model a staff user may see and change in the admin.

The base knows no rule of its own. The app that decides who edits what (curation: regional
editors and their regions) registers one `ScopeRule` per model in its AppConfig.ready, and the
admin base (keko.admin) applies the rules to every list, change page, form and link field. A
model without a rule is open to whoever has Django's model permissions for it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ScopeRule:
    # limit(user, queryset) -> the part of `queryset` that `user` may see and change.
    limit: Callable
    # errors(user, cleaned_data, instance) -> {field: message} for values `user` may not
    # save on `instance` (as stored: the form's values are not yet set on it).
    errors: Callable = lambda user, cleaned_data, instance: {}


_rules = {}


def register(model, rule):
    """Apply `rule` to `model` wherever the admin lists, opens or links its entries."""
    _rules[model] = rule


def limit(user, queryset):
    """Return the entries of `queryset` that `user` may see and change."""
    rule = _rules.get(queryset.model)
    return queryset if rule is None else rule.limit(user, queryset)


def allows(user, obj):
    """Return whether `obj` is among the entries `user` may see and change."""
    if type(obj) not in _rules:
        return True
    return limit(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def errors(user, instance, cleaned_data):
    """Return {field: message} for what `user` may not save on `instance`."""
    rule = _rules.get(type(instance))
    return {} if rule is None else rule.errors(user, cleaned_data, instance)


def is_scoped(model):
    return model in _rules
