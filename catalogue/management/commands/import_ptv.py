"""`manage.py import_ptv`: import a region's, a municipality's or every organisation of
Suomi.fi Palvelutietovaranto that promotes employment (docs/catalogue.md)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue import importer
from catalogue.ptv import PTVError

PROGRESS_EVERY = 10


class Command(BaseCommand):
    help = (
        "Tuo työllisyyttä edistävät organisaatiot Suomi.fi-palvelutietovarannosta (PTV) "
        "luonnoksiksi tai päivittää aiemmin tuodut."
    )

    def add_arguments(self, parser):
        area = parser.add_mutually_exclusive_group(required=True)
        area.add_argument("--region", metavar="SLUG", help="maakunnan tunniste, esim. pirkanmaa")
        area.add_argument("--municipality", metavar="SLUG", help="kunnan tunniste, esim. tampere")
        area.add_argument("--all", action="store_true", help="koko maa")
        parser.add_argument(
            "--since",
            metavar="VVVV-KK-PP",
            help="vain tämän päivän jälkeen muuttuneet (puuttuvia ei silloin merkitä)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="näytä mitä tapahtuisi, tallentamatta mitään"
        )

    def handle(self, *args, **options):
        if options["region"]:
            key = f"region:{options['region']}"
        elif options["municipality"]:
            key = f"municipality:{options['municipality']}"
        else:
            key = "all"
        try:
            area = importer.Area.from_key(key)
        except importer.AreaError as error:
            raise CommandError(str(error)) from None
        since = _since(options["since"])
        show_progress = options["verbosity"] > 0

        def progress(done, total):
            if show_progress and (done == 1 or done % PROGRESS_EVERY == 0 or done == total):
                self.stderr.write(
                    _("Haettu %(done)d / noin %(total)d organisaatiota")
                    % {"done": done, "total": total}
                )

        try:
            result = importer.run(
                area,
                client=importer.make_client(),
                since=since,
                dry_run=options["dry_run"],
                progress=progress,
            )
        except PTVError as error:
            raise CommandError(
                _("PTV-tuonti epäonnistui, mitään ei muutettu: %(error)s") % {"error": error}
            ) from None
        for line in result.skipped:
            self.stdout.write(_("Ohitettu: %(line)s") % {"line": line})
        self.stdout.write(result.summary())


def _since(value):
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("Päivämäärä %(value)s ei kelpaa: anna muodossa VVVV-KK-PP.") % {"value": value}
        ) from None
    # Midnight in Finland, as PTV wants it: in UTC.
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return start.astimezone(datetime.UTC)
