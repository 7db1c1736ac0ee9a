from django.utils.translation import gettext_lazy as _

from keko import registry


class GlossaryConfig(registry.ContentAppConfig):
    name = "glossary"
    verbose_name = _("Käsitteet")
