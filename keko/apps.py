from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class KekoConfig(AppConfig):
    # The app's own config among the others in this module.
    default = True
    name = "keko"
    verbose_name = "KeKo"

    def ready(self):
        from django.contrib import admin

        from . import cache, search

        cache.connect_receivers()
        search.connect_receivers()
        # The admin is the site's, not "Djangon ylläpito".
        admin.site.site_header = admin.site.site_title = _("KeKo-hakemisto — ylläpito")
        admin.site.index_title = _("Hakemiston ylläpito")


class TaskQueueConfig(TasksAppConfig):
    """django-tasks' database backend, under a Finnish name in the admin."""

    verbose_name = _("Taustatehtävät")
