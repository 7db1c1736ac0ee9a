from django.utils.translation import gettext_lazy as _

from keko import registry


class FundingConfig(registry.ContentAppConfig):
    name = "funding"
    verbose_name = _("Rahoitus")
