"""The actor import's files and errors, over HTTP as a logged-in curator (security review,
item 6): stored files that no user can name, Finnish messages without tracebacks or paths,
and the size and row limits."""

import io
import tempfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from actors import importing
from actors.models import Actor, Municipality
from curation.models import ImportJob
from tests.factories import make_curator, make_municipality, make_region, make_regional_editor

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:actors_actor_import")
PROCESS = reverse("admin:actors_actor_process_import")
HEADER = (
    "slug,name,kind,business_id,description,website,email,phone,municipality,"
    "served_municipalities,served_regions,services,target_groups,status,verified_on\n"
)
ROW = "toimija-{n},Toimija {n},association,,,,,,564,,,,,,\n"
NOTHING_INTERNAL = ("Traceback", "site-packages", ".py", "/tmp", str(django_settings.BASE_DIR))


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = str(tmp_path / "imports")
    return Path(settings.IMPORT_DIR)


@pytest.fixture
def curator(client):
    user = make_curator()
    client.force_login(user)
    make_municipality(code="564")
    return user


def format_index(client, extension):
    choices = client.get(IMPORT).context["form"].fields["format"].choices
    return next(str(value) for value, label in choices if label.lower() == extension)


def upload(client, content, name="toimijat.csv", extension="csv"):
    return client.post(
        IMPORT,
        {
            "import_file": SimpleUploadedFile(name, content),
            "format": format_index(client, extension),
            "resource": "0",
        },
    )


def csv_file(rows):
    return (HEADER + "".join(ROW.format(n=n) for n in range(rows))).encode()


def confirm_data(response):
    return {**response.context["confirm_form"].initial, "resource": "0"}


def assert_nothing_internal(response):
    html = response.content.decode()
    for text in NOTHING_INTERNAL:
        assert text not in html, text


def stored_files(import_dir):
    return sorted(import_dir.iterdir()) if import_dir.exists() else []


# --- 6. Files the user names ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["{victim}", "{tmp}/{victim}", "../../../{tmp}/{victim}", "0" * 32],
    ids=["temp-name", "absolute-path", "traversal", "hex-name-not-signed"],
)
def test_a_named_file_is_neither_read_nor_deleted(client, curator, import_dir, name):
    # A file of the temporary folder, named uniquely: other test runs may share the folder.
    victim = Path(tempfile.gettempdir()) / f"victim-{uuid.uuid4().hex}.txt"
    victim.write_text(HEADER + ROW.format(n=1), encoding="utf-8")
    import_dir.mkdir(parents=True, exist_ok=True)
    unsigned = import_dir / ("0" * 32)
    unsigned.write_bytes(csv_file(1))
    try:
        response = client.post(
            PROCESS,
            {
                "import_file_name": name.format(tmp=tempfile.gettempdir(), victim=victim.name),
                "original_file_name": "x.csv",
                "format": "0",
                "resource": "0",
            },
        )
        assert response.status_code == 400
        assert "Tuotavaa tiedostoa ei löydy" in response.content.decode()
        assert victim.exists() and unsigned.exists()
        assert not Actor.objects.exists()
    finally:
        victim.unlink(missing_ok=True)


def test_a_name_signed_for_another_user_is_refused(client, curator, import_dir):
    response = upload(client, csv_file(2))
    data = confirm_data(response)
    other = make_curator()
    client.force_login(other)
    assert client.post(PROCESS, data).status_code == 400
    assert len(stored_files(import_dir)) == 1  # the owner's file is left alone
    assert not Actor.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"original_file_name": "x.csv", "format": "0"},
        {"import_file_name": "", "original_file_name": "x.csv", "format": "0"},
    ],
    ids=["nothing", "no-name", "empty-name"],
)
def test_a_missing_name_is_a_finnish_400_not_a_500(client, curator, data):
    response = client.post(PROCESS, data)
    assert response.status_code == 400
    assert "Lataa tiedosto uudelleen" in response.content.decode()
    assert_nothing_internal(response)


def test_a_forged_format_is_a_400(client, curator):
    data = confirm_data(upload(client, csv_file(2)))
    for forged in ("9", "x", "-1"):
        assert client.post(PROCESS, {**data, "format": forged}).status_code == 400
    assert not Actor.objects.exists()


def test_the_dry_run_page_shows_no_path_and_the_name_only_as_a_signed_token(
    client, curator, import_dir
):
    response = upload(client, csv_file(2))
    assert response.status_code == 200
    assert_nothing_internal(response)
    html = response.content.decode()
    assert str(import_dir) not in html and tempfile.gettempdir() not in html
    (stored,) = stored_files(import_dir)
    token = response.context["confirm_form"].initial["import_file_name"]
    assert stored.name not in html.replace(token, "")  # only inside the signed token
    assert importing.file_name_from_token(token, curator) == stored.name


def test_a_confirmed_file_imports_once_and_is_removed(client, curator, import_dir):
    data = confirm_data(upload(client, csv_file(3)))
    assert client.post(PROCESS, data).status_code == 302
    assert Actor.objects.count() == 3
    assert stored_files(import_dir) == []
    again = client.post(PROCESS, data)
    assert again.status_code == 400
    assert Actor.objects.count() == 3


def test_rows_that_became_invalid_after_the_dry_run_import_nothing(client, curator):
    data = confirm_data(upload(client, csv_file(3)))
    Municipality.objects.filter(code="564").delete()
    response = client.post(PROCESS, data)
    assert response.status_code == 409
    assert "Kuntaa ”564” ei löydy" in response.content.decode()
    assert_nothing_internal(response)
    assert not Actor.objects.exists()


def test_a_wrong_header_is_a_finnish_message_without_traceback(client, curator, import_dir):
    response = upload(client, b"nimi;tyyppi\nOulun paja;association\n")
    assert response.status_code == 200
    html = response.content.decode()
    assert "puuttuvat sarakkeet slug, name" in html
    assert "Tuntemattomat sarakkeet: ”nimi”, ”tyyppi”" in html  # read with its `;`
    assert "Ensimmäisellä rivillä pitää olla sarakkeiden nimet: slug, name, kind" in html
    assert "confirm_form" not in response.context
    assert_nothing_internal(response)
    assert stored_files(import_dir) == []
    assert not Actor.objects.exists()


def test_an_unreadable_file_is_a_finnish_message(client, curator):
    response = upload(client, b"PK\x03\x04 not really a workbook", "toimijat.xlsx", "xlsx")
    html = response.content.decode()
    assert "Tiedostoa ei voitu lukea XLSX-tiedostona" in html
    assert_nothing_internal(response)
    assert not Actor.objects.exists()


def test_a_file_that_is_not_utf8_is_read_as_windows_1252(client, curator):
    # Excel's plain "CSV" on a Finnish Windows; ISO-8859-15's € (0xA4) decodes too.
    content = (HEADER + "paja,Työpaja Äänekoski,association,,,,,,564,,,,,,\n").encode("cp1252")
    response = upload(client, content)
    result = response.context["result"]
    assert not result.has_validation_errors()
    assert result.rows[0].object_repr == "Työpaja Äänekoski"
    assert "confirm_form" in response.context
    assert not Actor.objects.exists()


def test_an_empty_file_is_a_finnish_message(client, curator):
    html = upload(client, HEADER.encode()).content.decode()
    assert "Tiedostossa ei ole yhtään tuotavaa riviä" in html


def test_only_importers_may_post_a_confirmation(client, curator):
    data = confirm_data(upload(client, csv_file(2)))
    client.force_login(make_regional_editor(regions=[make_region()]))
    assert client.post(PROCESS, data).status_code == 403
    assert not Actor.objects.exists()


# --- Limits -------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_saved(
    client, curator, settings, import_dir
):
    settings.IMPORT_MAX_BYTES = 2000
    response = upload(client, csv_file(60))
    assert response.status_code == 200
    assert "Tiedosto on liian suuri" in response.content.decode()
    assert "Suurin sallittu koko on 0,0 Mt" in response.content.decode()
    assert stored_files(import_dir) == []
    assert not Actor.objects.exists() and not ImportJob.objects.exists()


def test_a_file_over_the_row_limit_is_refused_and_nothing_is_saved(
    client, curator, settings, import_dir
):
    settings.IMPORT_MAX_ROWS = 20
    response = upload(client, csv_file(21))
    assert "Tiedostossa on yli 20 riviä" in response.content.decode()
    assert stored_files(import_dir) == []
    assert not Actor.objects.exists() and not ImportJob.objects.exists()
    assert "confirm_form" in upload(client, csv_file(20)).context


def test_an_xlsx_over_the_row_limit_is_refused_by_its_job(
    client, curator, settings, import_dir, run_queued_tasks
):
    settings.IMPORT_MAX_ROWS = 20
    settings.IMPORT_INLINE_MAX_ROWS = 5
    book = Workbook()
    sheet = book.active
    sheet.append(["slug", "name", "kind", "municipality"])
    for n in range(25):
        sheet.append([f"toimija-{n}", f"Toimija {n}", "association", "564"])
    content = io.BytesIO()
    book.save(content)
    response = upload(client, content.getvalue(), "toimijat.xlsx", "xlsx")
    assert response.status_code == 302
    run_queued_tasks()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    page = client.get(response["Location"]).content.decode()
    assert "Tiedostossa on yli 20 riviä" in page
    assert stored_files(import_dir) == []
    assert not Actor.objects.exists()
