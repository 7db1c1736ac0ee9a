"""Time a large actor import through the task queue (curation/imports.py): prints figures.

    DEBUG=1 .venv/bin/python bench/import_queue.py [ROWS]

A CSV of ROWS actors (default 20 000; each with a municipality, served municipalities, services
and target groups) is uploaded to the admin's import page as a logged-in superuser, which queues
the job; a real worker (`manage.py db_worker --batch`, a child process) runs the dry run; the
confirmation is posted; a worker runs the import. Printed: rows, seconds of each step, the
worker's peak memory (its maximum resident set size) and the actors in the database after.

Nothing touches the site's database, cache or files: the run migrates a throwaway SQLite
database in a temporary folder (or uses BENCH_DATABASE_URL, which it then fills with the rows)
and removes the folder afterwards.
"""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000


def worker(env):
    """Run the queued tasks in a worker process; return (seconds, its peak RSS in MiB)."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(BASE / "manage.py"),
            "db_worker",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            "--queue-name=*",
            "--interval=0",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def csv_rows(rows, codes, services, groups):
    yield "slug,name,kind,description,municipality,served_municipalities,services,target_groups\n"
    for n in range(rows):
        served = ",".join(codes[(n + k) % len(codes)] for k in range(3))
        yield (
            f"bench-{n},Penkkitoimija {n} ry,association,"
            f'"Työpajoja ja valmennusta, rivi {n}.",{codes[n % len(codes)]},"{served}",'
            f'"{services[n % len(services)]},{services[(n + 1) % len(services)]}",'
            f"{groups[n % len(groups)]}\n"
        )


def main():
    folder = Path(tempfile.mkdtemp(prefix="keko-bench-import-"))
    env = {
        **os.environ,
        "DATABASE_URL": os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}"
        ),
        "CACHE_DIR": str(folder / "cache"),
        "IMPORT_DIR": str(folder / "imports"),
        "DJANGO_SETTINGS_MODULE": "keko.settings",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(BASE))
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client
        from django.test.utils import setup_test_environment
        from django.urls import reverse

        from actors.models import Actor, Municipality, Region, ServiceType, TargetGroup
        from curation.models import ImportJob

        setup_test_environment()  # the test client's host
        call_command("migrate", verbosity=0)
        region = Region.objects.create(name_fi="Penkki", name_sv="Bänk", code="99", slug="penkki")
        codes = [f"{900 + n:03d}" for n in range(20)]
        for code in codes:
            Municipality.objects.create(
                name_fi=f"Kunta {code}",
                name_sv=f"Kommun {code}",
                code=code,
                slug=f"kunta-{code}",
                region=region,
            )
        services = [ServiceType.objects.create(name=f"P {n}", slug=f"p-{n}").slug for n in range(8)]
        groups = [TargetGroup.objects.create(name=f"K {n}", slug=f"k-{n}").slug for n in range(4)]
        data = "".join(csv_rows(ROWS, codes, services, groups)).encode()

        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_superuser("penkki", password=None)
        client = Client()
        client.force_login(user)

        started = time.perf_counter()
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            reverse("admin:actors_actor_import"),
            {
                "import_file": SimpleUploadedFile("penkki.csv", data),
                "format": "0",  # CSV
                "resource": "0",
            },
        )
        upload_seconds = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        job = ImportJob.objects.get()

        check_seconds, check_peak = worker(env)
        job.refresh_from_db()
        assert job.status == ImportJob.Status.CHECKED, (job.status, job.errors[:3])
        client.post(reverse("admin:curation_importjob_confirm", args=[job.pk]))
        import_seconds, peak = worker(env)
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE, (job.status, job.errors[:3])

        print(f"rows:                 {ROWS}")
        print(f"file:                 {len(data) / 1024 / 1024:.1f} MiB CSV")
        print(f"upload and queue:     {upload_seconds:.1f} s")
        print(f"dry run (task):       {check_seconds:.1f} s  ({ROWS / check_seconds:.0f} rows/s)")
        print(f"import (task):        {import_seconds:.1f} s  ({ROWS / import_seconds:.0f} rows/s)")
        print(f"worker peak RSS:      dry run {check_peak:.0f} MiB, both steps {peak:.0f} MiB")
        print(f"actors in database:   {Actor.objects.count()} ({job.totals})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
