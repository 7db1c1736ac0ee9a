from django.apps import AppConfig


class KekoConfig(AppConfig):
    name = "keko"
    verbose_name = "KeKo"

    def ready(self):
        from django.contrib import admin
        from django.utils.translation import gettext_lazy as _

        from . import cache, search

        cache.connect_receivers()
        search.connect_receivers()
        # The admin is the site's, not "Djangon ylläpito".
        admin.site.site_header = admin.site.site_title = _("KeKo-hakemisto — ylläpito")
        admin.site.index_title = _("Hakemiston ylläpito")
