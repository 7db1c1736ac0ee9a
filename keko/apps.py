from django.apps import AppConfig


class KekoConfig(AppConfig):
    name = "keko"
    verbose_name = "KeKo"

    def ready(self):
        from .cache import connect_receivers

        connect_receivers()
