from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from curation import confirmations


class Command(BaseCommand):
    help = (
        "Queue the yearly 'are your details still correct?' e-mail to every published actor "
        "with a public e-mail address that has not been asked within "
        "CONFIRMATION_INTERVAL_DAYS. The task worker (manage.py db_worker) sends them. "
        "Safe to run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the actors due, queue nothing."
        )
        parser.add_argument("--limit", type=int, help="Ask at most this many actors this run.")

    def handle(self, *args, dry_run=False, limit=None, **options):
        if not settings.SITE_URL:
            raise CommandError(
                "Set SITE_URL (e.g. https://keko.example.fi): the e-mails link to the site."
            )
        if dry_run:
            actors = confirmations.actors_due()
            if limit is not None:
                actors = actors[:limit]
            for actor in actors:
                self.stdout.write(f"{actor.name} <{actor.email}>")
            self.stdout.write(f"Kuivaharjoitus: {len(actors)} toimijaa, mitään ei lähetetty.")
            return
        queued = confirmations.queue_requests(limit=limit)
        self.stdout.write(
            self.style.SUCCESS(f"{len(queued)} vahvistuspyyntöä jonossa lähetettäväksi.")
        )
