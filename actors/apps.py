from django.utils.translation import gettext_lazy as _

from keko import registry


class ActorsConfig(registry.ContentAppConfig):
    name = "actors"
    verbose_name = _("Toimijat ja alueet")
