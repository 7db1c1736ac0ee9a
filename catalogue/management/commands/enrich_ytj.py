"""`manage.py enrich_ytj`: fill actors' empty address and website fields from the business
register's open data (YTJ) and flag companies that have ended (docs/catalogue.md)."""

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from catalogue import enrich
from catalogue.ytj import YTJError

PROGRESS_EVERY = 25


def _non_negative(value):
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(
            _("anna kokonaisluku, joka on vähintään 0: %(value)s") % {"value": value}
        )
    return number


class Command(BaseCommand):
    help = (
        "Täydentää Y-tunnuksellisten toimijoiden tyhjät osoite- ja verkkosivukentät YTJ:n "
        "avoimesta datasta ja merkitsee kaupparekisterissä päättyneet yritykset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-days",
            type=_non_negative,
            default=enrich.DEFAULT_STALE_DAYS,
            metavar="N",
            help="hae vain ne, joita ei ole haettu N päivään (oletus 30; 0 hakee kaikki)",
        )
        parser.add_argument(
            "--limit", type=_non_negative, metavar="N", help="enintään N Y-tunnusta tällä ajolla"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="näytä mitä tapahtuisi, tallentamatta mitään"
        )

    def handle(self, *args, **options):
        show_progress = options["verbosity"] > 0

        def progress(done, total):
            if show_progress and (done == 1 or done % PROGRESS_EVERY == 0 or done == total):
                self.stderr.write(
                    _("Haettu %(done)d / %(total)d Y-tunnusta") % {"done": done, "total": total}
                )

        try:
            result = enrich.run(
                client=enrich.make_client(),
                stale_days=options["stale_days"],
                limit=options["limit"] or None,
                dry_run=options["dry_run"],
                progress=progress,
            )
        except YTJError as error:
            raise CommandError(
                _("YTJ-täydennys epäonnistui, mitään ei muutettu: %(error)s") % {"error": error}
            ) from None
        for line in result.ended:
            self.stdout.write(_("Päättynyt kaupparekisterissä: %(line)s") % {"line": line})
        self.stdout.write(result.summary())
