"""Large actor imports through the task queue (curation/imports.py), over HTTP as a logged-in
curator: upload, progress page, dry run in a task, confirmation, import in a task."""

from pathlib import Path

import pytest
from django.contrib.admin.models import LogEntry
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actors.models import Actor, Municipality
from curation.imports import progress_key
from curation.models import ImportJob
from tests.factories import (
    make_actor,
    make_curator,
    make_municipality,
    make_region,
    make_regional_editor,
    make_user,
)

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:actors_actor_import")
HEADER = "slug,name,kind,municipality,served_regions\n"
ROWS = 80
MISSING_999 = "Kuntaa ”999” ei löydy. Tarkista nimi tai käytä kuntanumeroa."


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """A small inline limit, so that a file of ROWS rows goes through the queue."""
    settings.IMPORT_INLINE_MAX_ROWS = 20
    settings.IMPORT_DIR = str(tmp_path / "imports")
    return Path(settings.IMPORT_DIR)


@pytest.fixture
def curator(client):
    user = make_curator()
    client.force_login(user)
    make_municipality(code="564")
    return user


def large_csv(rows=ROWS, bad_row=None):
    lines = [
        f"toimija-{n},Toimija {n},association,{'999' if n == bad_row else '564'},\n"
        for n in range(1, rows + 1)
    ]
    return (HEADER + "".join(lines)).encode()


def upload(client, content, name="toimijat.csv"):
    choices = client.get(IMPORT).context["form"].fields["format"].choices
    csv = next(str(value) for value, label in choices if label.lower() == "csv")
    return client.post(
        IMPORT,
        {"import_file": SimpleUploadedFile(name, content), "format": csv, "resource": "0"},
    )


def job_url(job):
    return reverse("admin:curation_importjob_change", args=[job.pk])


def confirm_url(job):
    return reverse("admin:curation_importjob_confirm", args=[job.pk])


def test_a_large_file_goes_through_the_queue(client, curator, run_queued_tasks, import_dir):
    response = upload(client, large_csv())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(job)
    assert (job.status, job.user, job.original_name) == ("queued", curator, "toimijat.csv")

    page = client.get(job_url(job))
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "Odottaa tarkistusta" in html
    assert job.stored_name not in html
    assert not Actor.objects.exists()

    run_queued_tasks()  # the dry run
    job.refresh_from_db()
    assert job.status == "checked" and job.rows_total == ROWS and job.rows_done == ROWS
    assert job.totals["new"] == ROWS and job.error_count == 0
    assert not Actor.objects.exists()
    html = client.get(job_url(job)).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert "Tarkistettu, odottaa vahvistusta" in html
    assert "Vahvista tuonti" in html and confirm_url(job) in html
    assert "<td>1</td><td>Uusi</td><td>Toimija 1</td>" in html  # the preview
    assert len(job.preview) == 80

    response = client.post(confirm_url(job))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "confirmed"
    assert 'http-equiv="refresh"' in client.get(job_url(job)).content.decode()

    run_queued_tasks()  # the import
    job.refresh_from_db()
    assert job.status == "done" and job.finished_at is not None
    assert job.totals["new"] == ROWS
    assert Actor.objects.count() == ROWS
    actor = Actor.objects.get(slug="toimija-7")
    assert actor.municipality.code == "564"
    assert actor.history.first().history_user == curator
    assert LogEntry.objects.filter(user=curator).count() == ROWS
    html = client.get(job_url(job)).content.decode()
    assert "Tuotu" in html and "Uusia toimijoita lisätty" in html
    assert not list(import_dir.iterdir())

    # Confirming again does nothing.
    client.post(confirm_url(job))
    assert run_queued_tasks() == 2
    assert Actor.objects.count() == ROWS


def test_the_tasks_report_progress_through_the_cache(
    client, curator, run_queued_tasks, monkeypatch
):
    monkeypatch.setattr("curation.imports.PROGRESS_EVERY", 25)
    upload(client, large_csv())
    job = ImportJob.objects.get()
    run_queued_tasks()
    assert cache.get(progress_key(job.pk)) == 75  # the last multiple of 25 reported


def test_the_progress_page_shows_the_rows_done_while_a_task_runs(client, curator):
    upload(client, large_csv())
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="checking", rows_total=ROWS)
    cache.set(progress_key(job.pk), 40)
    html = client.get(job_url(job)).content.decode()
    assert "Tarkistetaan" in html
    assert "Käsitelty 40 / 80 riviä." in html
    assert '<meta http-equiv="refresh" content="3">' in html


def test_a_large_file_with_a_bad_row_imports_nothing_and_shows_the_row_error(
    client, curator, run_queued_tasks, import_dir
):
    upload(client, large_csv(bad_row=61))
    run_queued_tasks()
    job = ImportJob.objects.get()
    assert job.status == "invalid" and job.error_count == 1
    assert job.errors == [{"row": 61, "column": "municipality", "message": MISSING_999}]
    html = client.get(job_url(job)).content.decode()
    assert "Virheitä, ei tuotu" in html
    assert f"<td>61</td><td>municipality</td><td>{MISSING_999}</td>" in html
    assert "Vahvista tuonti" not in html
    assert 'http-equiv="refresh"' not in html
    # No confirmation is possible, and nothing was imported.
    client.post(confirm_url(job))
    run_queued_tasks()
    assert not Actor.objects.exists()
    assert not list(import_dir.iterdir())


def test_rows_that_became_invalid_after_the_dry_run_import_nothing(
    client, curator, run_queued_tasks
):
    upload(client, large_csv())
    run_queued_tasks()
    job = ImportJob.objects.get()
    assert job.status == "checked"
    # Between the dry run and the confirmation the rows' municipality goes away.
    make_actor(slug="toinen", municipality=make_municipality(code="091"))
    Municipality.objects.filter(code="564").delete()
    client.post(confirm_url(job))
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == "invalid" and job.error_count == ROWS
    assert Actor.objects.count() == 1  # only the one made above


def test_only_the_uploader_sees_and_confirms_a_job(client, curator, run_queued_tasks):
    upload(client, large_csv())
    run_queued_tasks()
    job = ImportJob.objects.get()

    client.force_login(make_curator())  # another importer
    assert client.get(job_url(job)).status_code == 404
    assert client.post(confirm_url(job)).status_code == 404
    jobs = client.get(reverse("admin:curation_importjob_changelist"))
    assert jobs.context["cl"].result_count == 0

    client.force_login(make_regional_editor(regions=[make_region()]))  # may not import
    assert client.get(job_url(job)).status_code == 403
    assert client.post(confirm_url(job)).status_code == 403

    job.refresh_from_db()
    assert job.status == "checked"
    client.force_login(make_user(is_superuser=True))
    assert client.get(job_url(job)).status_code == 200
    assert client.get(reverse("admin:curation_importjob_change", args=["x"])).status_code == 404


def test_a_small_file_is_still_dry_run_in_the_request(client, curator):
    response = upload(client, large_csv(rows=20))
    assert response.status_code == 200
    assert response.context["result"].totals["new"] == 20
    assert not ImportJob.objects.exists()
