"""Actor import and export through the admin (django-import-export), over HTTP."""

from pathlib import Path

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actors.models import Actor
from actors.resources import ActorResource
from keko.models import Status
from tests.factories import (
    make_actor,
    make_municipality,
    make_region,
    make_service,
    make_target_group,
)

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "import" / "actors-sample.csv"
IMPORT = reverse("admin:actors_actor_import")
PROCESS = reverse("admin:actors_actor_process_import")
HEADER = (
    "slug,name,kind,business_id,description,website,email,phone,municipality,"
    "served_municipalities,served_regions,services,target_groups,status,verified_on\n"
)


@pytest.fixture
def vocabulary():
    """The codes and slugs the sample file refers to."""
    north = make_region(code="17", name_fi="Pohjois-Pohjanmaa")
    for code in ("564", "425", "436"):
        make_municipality(code=code, region=north)
    make_municipality(code="837")
    central = make_region(code="13")
    make_municipality(code="179", region=central)
    for slug in (
        "tyopajat",
        "tyohonvalmennus",
        "kuntouttava-tyotoiminta",
        "palkkatukityopaikat",
        "tyokokeilupaikat",
        "tyopaikat",
        "vaikuttamistyo",
        "hankkeet",
    ):
        make_service(slug=slug)
    for slug in ("nuoret", "pitkaaikaistyottomat", "osatyokykyiset"):
        make_target_group(slug=slug)


def format_index(response, extension):
    choices = response.context["form"].fields["format"].choices
    return next(str(value) for value, label in choices if label.lower() == extension)


def dry_run(client, content, name="toimijat.csv", extension="csv"):
    page = client.get(IMPORT)
    upload = SimpleUploadedFile(name, content)
    return client.post(
        IMPORT, {"import_file": upload, "format": format_index(page, extension), "resource": "0"}
    )


def test_sample_file_dry_run_shows_new_rows_then_confirm_imports_them(curator_client, vocabulary):
    response = dry_run(curator_client, SAMPLE.read_bytes())
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 3
    assert Actor.objects.count() == 0  # a dry run only

    confirm = response.context["confirm_form"]
    response = curator_client.post(PROCESS, {**confirm.initial, "resource": "0"})
    assert response.status_code == 302
    workshop = Actor.objects.get(slug="esimerkki-oulun-tyopajayhdistys")
    assert workshop.status == Status.DRAFT
    assert workshop.municipality.code == "564"
    assert sorted(workshop.served_municipalities.values_list("code", flat=True)) == [
        "425",
        "436",
        "564",
    ]
    assert set(workshop.services.values_list("slug", flat=True)) == {
        "tyopajat",
        "tyohonvalmennus",
        "kuntouttava-tyotoiminta",
    }
    assert workshop.history.first().history_user is not None
    network = Actor.objects.get(slug="esimerkki-keski-suomen-jarjestoverkosto")
    assert list(network.served_regions.values_list("code", flat=True)) == ["13"]

    again = dry_run(curator_client, SAMPLE.read_bytes()).context["result"]
    assert again.totals["skip"] == 3


def test_dry_run_reports_changed_rows(curator_client, vocabulary):
    make_actor(slug="esimerkki-tampereen-sosiaalinen-yritys", name="Vanha nimi")
    result = dry_run(curator_client, SAMPLE.read_bytes()).context["result"]
    assert (result.totals["new"], result.totals["update"]) == (2, 1)
    assert Actor.objects.get(slug="esimerkki-tampereen-sosiaalinen-yritys").name == "Vanha nimi"


def test_bad_rows_are_reported_by_row_column_and_reason_and_nothing_imports(
    curator_client, vocabulary
):
    rows = (
        "hyva-rivi,Hyvä rivi,association,,,,,,564,,,,,,\n"
        "huono-tyyppi,Huono tyyppi,lentokone,,,,,,564,,,,,,\n"
        "tuntematon-kunta,Tuntematon kunta,association,,,,,,999,,,,,,\n"
        "vaara-ytunnus,Väärä Y-tunnus,company,1234567-8,,,,,564,,,,,,\n"
        "tuntematon-palvelu,Tuntematon palvelu,association,,,,,,564,,,tyopajat;x,,,\n"
    )
    response = dry_run(curator_client, (HEADER + rows).encode())
    result = response.context["result"]
    assert "confirm_form" not in response.context
    errors = {row.number: row.field_specific_errors for row in result.invalid_rows}
    assert set(errors) == {2, 3, 4, 5}
    assert "kind" in errors[2]
    assert errors[3]["municipality"] == [
        "Kuntaa ”999” ei löydy. Tarkista nimi tai käytä kuntanumeroa."
    ]
    assert "tarkistusmerkki" in errors[4]["business_id"][0]
    assert "Palvelua ”x” ei löydy" in errors[5]["services"][0]
    html = response.content.decode()
    assert "Rivi 3, sarake municipality: Kuntaa ”999” ei löydy." in html
    assert "Rivi 4, sarake business_id: " in html
    assert Actor.objects.count() == 0


def test_a_file_with_a_bad_row_imports_nothing_even_without_a_dry_run(vocabulary):
    dataset = tablib.Dataset().load(
        HEADER
        + "hyva-rivi,Hyvä rivi,association,,,,,,564,,,,,,\n"
        + "huono-rivi,Huono rivi,association,,,,,,999,,,,,,\n",
        format="csv",
    )
    result = ActorResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert not Actor.objects.filter(slug="hyva-rivi").exists()


def test_export_as_xlsx_reimports_as_unchanged(curator_client, vocabulary):
    make_actor(
        slug="vienti",
        municipality=make_municipality(code="005"),
        services=[make_service(slug="valmennus")],
    )
    export = reverse("admin:actors_actor_export")
    page = curator_client.get(export)
    choices = page.context["form"].fields["format"].choices
    xlsx = next(str(value) for value, label in choices if label.lower() == "xlsx")
    fields = {f"actorresource_{name}": "on" for name in ActorResource._meta.fields}
    response = curator_client.post(export, {"format": xlsx, "resource": "0", **fields})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = tablib.Dataset().load(response.content, format="xlsx")
    assert data.dict[0]["services"] == "valmennus" and data.dict[0]["municipality"] == "005"

    result = dry_run(curator_client, response.content, "toimijat.xlsx", "xlsx").context["result"]
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 1


def test_only_curators_may_import(client):
    from tests.factories import make_user

    client.force_login(make_user())
    assert client.get(IMPORT).status_code == 403


def test_a_served_municipality_read_as_a_number_is_its_zero_padded_code():
    # A spreadsheet reads the cell "091" as the number 91.
    helsinki = make_municipality(code="091")
    widget = ActorResource().fields["served_municipalities"].widget
    assert widget.clean(91.0) == [helsinki]
    assert widget.clean("091, ") == [helsinki]
    with pytest.raises(ValueError, match="Kuntaa ”092” ei löydy"):
        widget.clean(92)
