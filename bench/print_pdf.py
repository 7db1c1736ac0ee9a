"""Time the workshop print PDF (directory/print_rendering.py): a benchmark printing figures.

    DEBUG=1 .venv/bin/python bench/print_pdf.py

1. The largest region of the current database (by published, active actors) under the print
   cap, as is.
2. One synthetic region with 2 000 published actors (services, public contacts, the checklist),
   created inside a transaction that is rolled back: nothing is left in the database.
"""

import os
import resource
import sys
import time
from pathlib import Path

# Only when run: the PDF's worker processes import this module again (as __mp_main__), and
# they need neither Django nor the database.
if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keko.settings")

    import django

    django.setup()

    from django.db import connection, transaction
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse
    from load_check import region_sizes

    from actors.models import (
        Actor,
        ActorKind,
        Contact,
        ContactRole,
        Municipality,
        Region,
        ServiceType,
    )
    from directory import print_rendering
    from directory.printing import sheet_parts
    from keko.models import Status

HOST = "bench.localhost"
SYNTHETIC = 2000
OPTIONS = {"yhteystiedot": "1", "tarkistuslista": "1"}


def measure(region):
    """Time the stages of the PDF view for `region`: the queries, then the HTML and PDF."""
    request = RequestFactory().get(
        reverse("directory:region_print_pdf", kwargs={"slug": region.slug}), OPTIONS, HTTP_HOST=HOST
    )
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        context, valid = print_rendering.print_context(request, "region", region.slug, qr="pdf")
    selected = time.perf_counter()
    assert valid, context["form"].errors
    rendering = print_rendering.sheet_pdf(request, context)
    done = time.perf_counter()

    sheet = context["sheet"]
    parts = len(sheet_parts(sheet, print_rendering.PDF_PART_SIZE))
    size = len(rendering.pdf) / 1024
    print(f"  actors {sheet.total}, PDF pages {rendering.pages}, {size:.0f} KiB")
    print(f"  queries and entries   {selected - started:7.3f} s  ({len(queries)} queries)")
    print(f"  HTML and PDF          {done - selected:7.3f} s  ({parts} parts)")
    print(f"  whole                 {done - started:7.3f} s")
    print(
        f"  peak memory           this process {rss_mib():.0f} MiB, "
        f"a renderer {rendering.peak_renderer_kib / 1024:.0f} MiB"
    )


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_region(count):
    """Create a region with `count` published actors of mixed kinds, services and contacts."""
    region = Region.objects.create(
        code="zz", name_fi="Testimaakunta", name_sv="Testlandskap", slug="bench-testimaakunta"
    )
    towns = [
        Municipality.objects.create(
            code=f"z{n:02d}"[-3:],
            name_fi=f"Testikunta {n}",
            name_sv=f"Testkommun {n}",
            slug=f"bench-testikunta-{n}",
            region=region,
        )
        for n in range(10)
    ]
    kinds = [kind for kind, _label in ActorKind.choices]
    Actor.objects.bulk_create(
        Actor(
            name=f"Testitoimija {n:04d} – työllisyyttä edistävä yhdistys ry",
            slug=f"bench-testitoimija-{n}",
            kind=kinds[n % len(kinds)],
            status=Status.PUBLISHED,
            municipality=towns[n % len(towns)],
            email=f"toimisto{n}@esimerkki.fi",
            phone=f"040 123 {n:04d}",
            website=f"https://www.esimerkki.fi/toimija-{n}/",
            street_address=f"Testikatu {n % 90 + 1}",
            postal_code="33100",
            post_office="Tampere",
            description="Synteettinen toimija suorituskykymittausta varten.",
        )
        for n in range(count)
    )
    actors = list(Actor.objects.filter(slug__startswith="bench-testitoimija-"))
    services = list(ServiceType.objects.all()[:6])
    Through = Actor.services.through
    Through.objects.bulk_create(
        Through(actor_id=actor.pk, servicetype_id=service.pk)
        for n, actor in enumerate(actors)
        for service in services[: n % 4]
    )
    role = ContactRole.objects.filter(checklist_order__isnull=False).first()
    if role:
        Contact.objects.bulk_create(
            Contact(actor=actor, role=role, name=f"Henkilö {n}", public=n % 3 != 0)
            for n, actor in enumerate(actors[::5])
        )
    return region


def main():
    with override_settings(ALLOWED_HOSTS=[HOST]):
        sizes = region_sizes()
        printable = [r for r in sizes if sizes[r] <= print_rendering.MAX_PRINTED_ACTORS]
        if not printable:
            sys.exit("No printable region: run `manage.py migrate && manage.py seed` first.")
        region = max(printable, key=sizes.get)
        print(
            f"Largest region of the database under the print cap: {region.name_fi} "
            "(with checklist and contacts)"
        )
        measure(region)

        print(f"\nSynthetic region with {SYNTHETIC} actors (rolled back afterwards)")
        with transaction.atomic():
            measure(synthetic_region(SYNTHETIC))
            transaction.set_rollback(True)
        left = Actor.objects.filter(slug__startswith="bench-testitoimija-").count()
        print(f"  synthetic actors left in the database: {left}")


if __name__ == "__main__":
    main()
