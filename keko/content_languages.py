"""Content in three languages (django-modeltranslation): what every translated model shares.

A translated field (`name`) gets a column per language (`name_fi`, `name_sv`, `name_en`) and
shows the active language's value, falling back to Finnish; its original column keeps the
Finnish value, which the search vector, the area and facet tables, exports and open data read.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import override
from modeltranslation.translator import NotRegistered, TranslationOptions, translator


def translated_fields(model):
    """The names of `model`'s fields translated with django-modeltranslation (`name`, …)."""
    try:
        return translator.get_options_for_model(model).get_field_names()
    except NotRegistered:
        return []


def finnish_field(name):
    """The Finnish column of the translated field `name`: `name_fi`."""
    return f"{name}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"


def shown_value(values, name, language):
    """The value of the translated field `name` that a page in `language` shows, from a row
    read as values (`values`, by column): the language's own, else the Finnish one, else ""
    — what the field's descriptor gives an instance."""
    return values.get(f"{name}_{language}") or values[finnish_field(name)] or ""


class FinnishColumnsQuerySet(models.QuerySet):
    """Queries on the translated fields read their original columns, which hold the Finnish
    value in every language (FinnishOriginalMixin).

    django-modeltranslation would rewrite `filter(name=…)`, `order_by("name")` and the model's
    ordering to the active language's column (`name_sv`): a Swedish page would list other
    actors in another order than the Finnish one, the area tables and the search vector that
    copy the Finnish name, and the default ordering would become an explicit ORDER BY that
    GROUP BY queries group by. An instance still shows the active language's value (the
    field's descriptor), falling back to Finnish.
    """

    def _post_init(self):
        # Called by modeltranslation's queryset on every clone, in place of its own, which
        # turns on the rewriting and adds the rewritten default ordering.
        self._rewrite = False
        self._populate = None

    def update(self, **kwargs):
        # The Finnish column follows the original one, which the code writes.
        for name in translated_fields(self.model):
            if name in kwargs:
                kwargs.setdefault(finnish_field(name), kwargs[name])
        return super().update(**kwargs)

    update.alters_data = True


class FinnishOriginalMixin:
    """Keeps the Finnish value of each translated field in its original column.

    The original column (`name`) is what the search vector's trigger, the area and facet
    tables, the open data, exports and imports read; django-modeltranslation would write the
    active language's value into it, so a save on a Swedish page would put the Swedish name
    there. The save runs in Finnish instead, whatever the active language.
    """

    def save(self, *args, **kwargs):
        # An entry written in Swedish or English alone (e.g. a visitor's proposal on a Swedish
        # page) gets that text as its Finnish value of a required field too, which every
        # language falls back to; a curator translates it.
        for name in translated_fields(type(self)):
            if not self._meta.get_field(name).blank and not getattr(self, finnish_field(name)):
                setattr(self, finnish_field(name), getattr(self, name))
        with override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().save(*args, **kwargs)

    save.alters_data = True


def register(model, fields):
    """Translate `fields` of `model`, and of its edit history if it has one, so that the
    history keeps every language's value and a revert restores them."""
    options = type(f"{model.__name__}TranslationOptions", (TranslationOptions,), {"fields": fields})
    translator.register(model, options)
    history = getattr(model, "history", None)
    if history is not None:
        translator.register(history.model, options)
