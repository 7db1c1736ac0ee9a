from django.apps import AppConfig


class KekoConfig(AppConfig):
    name = "keko"
    verbose_name = "KeKo"

    def ready(self):
        from . import cache, search

        cache.connect_receivers()
        search.connect_receivers()
