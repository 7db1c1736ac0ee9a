from django.utils.translation import gettext_lazy as _

from keko import registry


class PracticesConfig(registry.ContentAppConfig):
    name = "practices"
    verbose_name = _("Hyvät käytännöt")
