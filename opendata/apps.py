from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """The read-only Open Referral HSDS 3.0 API (docs/open-data.md). It reads every domain app;
    no app imports it."""

    name = "opendata"
    verbose_name = "Avoin data"

    def ready(self):
        # The services list's index follows the actors' edits.
        from . import listings

        listings.connect()
