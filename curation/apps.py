from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = _("Ylläpito")

    def ready(self):
        from actors import importing

        from . import imports
        from .permissions import register_scope_rules

        register_scope_rules()
        # Actor files too large to dry-run in a request go through the task queue.
        importing.register_import_queue(imports.queue_import)
