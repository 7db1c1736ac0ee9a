from django.utils.translation import gettext_lazy as _

from keko import registry


class ActorsConfig(registry.ContentAppConfig):
    name = "actors"
    verbose_name = _("Toimijat ja alueet")

    def ready(self):
        super().ready()
        # The membership tables of serving_regions()/serving_municipalities() follow edits.
        from . import areas

        areas.connect()

    def loaded_in_bulk(self):
        from . import areas

        areas.rebuild()
