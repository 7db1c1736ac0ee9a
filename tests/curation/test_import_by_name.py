"""Actor imports as a curator writes them, over HTTP: areas, kinds, services and target groups
by name as well as by code, and CSV files exactly as Finnish Excel saves them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from actors.models import Actor, ActorKind
from keko.models import Status
from tests.factories import (
    make_actor,
    make_municipality,
    make_region,
    make_service,
    make_target_group,
    make_user,
)

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:actors_actor_import")
PROCESS = reverse("admin:actors_actor_process_import")
COLUMNS = [
    "slug",
    "name",
    "kind",
    "municipality",
    "served_municipalities",
    "served_regions",
    "services",
    "target_groups",
    "status",
    "verified_on",
]


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = str(tmp_path / "imports")


@pytest.fixture
def places():
    north = make_region(code="17", name_fi="Pohjois-Pohjanmaa", name_sv="Norra Österbotten")
    pirkanmaa = make_region(code="06", name_fi="Pirkanmaa", name_sv="Birkaland")
    return {
        "oulu": make_municipality(code="564", name_fi="Oulu", name_sv="Uleåborg", region=north),
        "kempele": make_municipality(code="244", name_fi="Kempele", region=north),
        "tampere": make_municipality(
            code="837", name_fi="Tampere", name_sv="Tammerfors", region=pirkanmaa
        ),
        "north": north,
        "pirkanmaa": pirkanmaa,
        "workshops": make_service(slug="tyopajat", name="Työpajat"),
        "guidance": make_service(
            slug="neuvonta-ja-ohjaus", name="Neuvonta-, ohjaus- ja koulutuspalvelut"
        ),
        "young": make_target_group(slug="nuoret", name="Nuoret"),
        "long_term": make_target_group(slug="pitkaaikaistyottomat", name="Pitkäaikaistyöttömät"),
    }


def excel_csv(rows, *, encoding="utf-8-sig", delimiter=";"):
    """A CSV as Excel on a Finnish Windows writes it: `;`, CRLF, fields with the delimiter,
    a quote or a line break in quotes; UTF-8 with a byte order mark ("CSV UTF-8") or
    Windows-1252 (plain "CSV")."""

    def cell(value):
        if any(c in value for c in (delimiter, '"', "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [delimiter.join(cell(value) for value in row) for row in [COLUMNS, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(client, content, name="toimijat.csv"):
    choices = client.get(IMPORT).context["form"].fields["format"].choices
    csv_format = next(str(value) for value, label in choices if label.lower() == "csv")
    return client.post(
        IMPORT,
        {"import_file": SimpleUploadedFile(name, content), "format": csv_format, "resource": "0"},
    )


def confirm(client, response):
    assert "confirm_form" in response.context, response.context.get("result")
    data = {**response.context["confirm_form"].initial, "resource": "0"}
    return client.post(PROCESS, data)


def row_errors(response):
    return {
        row.number: row.field_specific_errors for row in response.context["result"].invalid_rows
    }


def test_names_import_like_codes_from_a_finnish_excel_csv(curator_client, places):
    content = excel_csv(
        [
            [
                "paja",
                "Oulun Työpaja ry",
                "Yhdistys",
                "oulu",
                "Uleåborg; Kempele",
                "Pirkanmaa",
                "Työpajat; Neuvonta-, ohjaus- ja koulutuspalvelut",
                "nuoret, Pitkäaikaistyöttömät",
                "Luonnos",
                "15.1.2026",
            ],
            ["saatio", 'Säätiö; "Polku"', "foundation", "837", "", "17", "tyopajat", "", "", ""],
            [
                "",
                "Yhdistys tai järjestö -esimerkki",
                "yhdistys tai järjestö",
                "TAMPERE",
                "564",
                "",
                "",
                "",
                "Julkaistu",
                "2026-02-01",
            ],
        ]
    )
    assert content.startswith(b"\xef\xbb\xbf")
    response = upload(curator_client, content)
    assert response.status_code == 200
    assert response.context["result"].totals["new"] == 3
    assert not Actor.objects.exists()  # the dry run only

    assert confirm(curator_client, response).status_code == 302
    workshop = Actor.objects.get(slug="paja")
    assert workshop.kind == ActorKind.ASSOCIATION
    assert workshop.municipality == places["oulu"]
    assert set(workshop.served_municipalities.all()) == {places["oulu"], places["kempele"]}
    assert list(workshop.served_regions.all()) == [places["pirkanmaa"]]
    assert set(workshop.services.all()) == {places["workshops"], places["guidance"]}
    assert set(workshop.target_groups.all()) == {places["young"], places["long_term"]}
    assert workshop.status == Status.DRAFT
    assert str(workshop.verified_on) == "2026-01-15"
    foundation = Actor.objects.get(slug="saatio")
    assert foundation.name == 'Säätiö; "Polku"'  # the delimiter and a quote inside quotes
    assert foundation.municipality == places["tampere"]
    assert list(foundation.served_regions.all()) == [places["north"]]
    third = Actor.objects.get(name="Yhdistys tai järjestö -esimerkki")
    assert third.kind == ActorKind.ASSOCIATION and third.status == Status.PUBLISHED
    assert third.municipality == places["tampere"]


def test_a_windows_1252_excel_csv_imports_its_letters(curator_client, places):
    content = excel_csv(
        [["aanekoski", "Äänekosken työpaja; €-hanke", "Hanke", "Uleåborg", "", "", "", "", "", ""]],
        encoding="cp1252",
    )
    assert b"\xc4" in content  # Ä as Windows-1252 writes it, not valid UTF-8
    assert confirm(curator_client, upload(curator_client, content)).status_code == 302
    actor = Actor.objects.get(slug="aanekoski")
    assert actor.name == "Äänekosken työpaja; €-hanke"
    assert actor.kind == ActorKind.PROJECT
    assert actor.municipality == places["oulu"]


@pytest.mark.parametrize("delimiter", [",", "\t"])
def test_comma_and_tab_separated_files_still_import(curator_client, places, delimiter):
    content = excel_csv(
        [["paja", "Paja, Oulu", "association", "564", "", "", "tyopajat", "", "", ""]],
        delimiter=delimiter,
        encoding="utf-8",
    )
    assert confirm(curator_client, upload(curator_client, content)).status_code == 302
    assert Actor.objects.get(slug="paja").name == "Paja, Oulu"


def test_unknown_names_are_row_errors_naming_the_value_and_column_and_nothing_changes(
    curator_client, places
):
    existing = make_actor(slug="vanha", name="Vanha nimi", municipality=places["tampere"])
    content = excel_csv(
        [
            ["vanha", "Uusi nimi", "Yhdistys", "Oulu", "", "", "", "", "", ""],
            ["toinen", "Toinen", "Yhdistys", "Oulu", "", "", "", "", "", ""],
            ["kolmas", "Kolmas", "Lentokone", "Olu", "Oulu; Kemi", "Lappi", "Kahvila", "", "", ""],
        ]
    )
    response = upload(curator_client, content)
    assert "confirm_form" not in response.context
    errors = row_errors(response)
    assert set(errors) == {3}
    assert errors[3]["municipality"] == [
        "Kuntaa ”Olu” ei löydy. Tarkista nimi tai käytä kuntanumeroa."
    ]
    assert errors[3]["kind"][0].startswith(
        "Arvoa ”Lentokone” ei tunneta. Käytä jotakin näistä: Yhdistys tai järjestö, Säätiö"
    )
    assert errors[3]["served_municipalities"] == [
        "Kuntaa ”Kemi” ei löydy. Tarkista nimi tai käytä kuntanumeroa."
    ]
    assert "Maakuntaa ”Lappi” ei löydy" in errors[3]["served_regions"][0]
    assert "Palvelua ”Kahvila” ei löydy" in errors[3]["services"][0]
    html = response.content.decode()
    assert (
        "<li>Rivi 3, sarake municipality: Kuntaa ”Olu” ei löydy. Tarkista nimi tai käytä "
        "kuntanumeroa.</li>"
    ) in html
    assert "Rivi 3, sarake kind: Arvoa ”Lentokone” ei tunneta." in html
    existing.refresh_from_db()
    assert existing.name == "Vanha nimi" and existing.municipality == places["tampere"]
    assert Actor.objects.count() == 1


def test_a_name_two_municipalities_share_is_an_error_and_the_code_then_works(
    curator_client, places
):
    # Two rows with one name (say, a Swedish name that is another's Finnish name).
    make_municipality(code="999", name_fi="Uleåborg", region=places["north"])
    response = upload(
        curator_client,
        excel_csv([["paja", "Paja", "Yhdistys", "Uleåborg", "", "", "", "", "", ""]]),
    )
    message = row_errors(response)[1]["municipality"][0]
    assert "Nimi ”Uleåborg” sopii useampaan kuin yhteen (kunta). Käytä koodia" in message
    assert not Actor.objects.exists()

    response = upload(
        curator_client, excel_csv([["paja", "Paja", "Yhdistys", "564", "", "", "", "", "", ""]])
    )
    assert confirm(curator_client, response).status_code == 302
    assert Actor.objects.get(slug="paja").municipality == places["oulu"]


def test_a_bad_date_is_a_finnish_row_error(curator_client, places):
    response = upload(
        curator_client,
        excel_csv([["paja", "Paja", "Yhdistys", "Oulu", "", "", "", "", "", "15/1/2026"]]),
    )
    assert row_errors(response)[1]["verified_on"] == [
        "Päivämäärää ”15/1/2026” ei voi lukea. Kirjoita se muodossa 15.1.2026."
    ]


# --- The template and the code lists on the import page ----------------------------------------

TEMPLATE_CSV = reverse("admin:actors_actor_import_template", args=["csv"])
TEMPLATE_XLSX = reverse("admin:actors_actor_import_template", args=["xlsx"])


def code_list(name):
    return reverse("admin:actors_actor_code_list", args=[name])


def test_the_import_page_links_the_template_and_the_code_lists(curator_client):
    html = curator_client.get(IMPORT).content.decode()
    assert TEMPLATE_CSV.endswith("/actor-import-template.csv")
    assert f'href="{TEMPLATE_CSV}"' in html and f'href="{TEMPLATE_XLSX}"' in html
    for name in ("kunnat", "maakunnat", "tyypit", "palvelut", "kohderyhmat"):
        assert f'href="{code_list(name)}"' in html


def test_the_csv_template_is_finnish_excel_csv_with_an_example_row_that_imports(
    curator_client, places
):
    response = curator_client.get(TEMPLATE_CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="actor-import-template.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, example = response.content.decode("utf-8-sig").split("\r\n")[:2]
    assert header == (
        "slug;name;kind;business_id;description;website;email;phone;municipality;"
        "served_municipalities;served_regions;services;target_groups;status;verified_on"
    )
    assert "Esimerkkiyhdistys ry (ESIMERKKI – poista tämä rivi)" in example
    # The template itself reads back as a valid import (its names are the site's).
    make_service(slug="tyohonvalmennus", name="Työhönvalmennus")
    response = upload(curator_client, response.content)
    assert not response.context["result"].has_validation_errors()


def test_the_xlsx_template_has_the_same_rows(curator_client):
    response = curator_client.get(TEMPLATE_XLSX)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("slug", "name", "kind")
    assert rows[1][1] == "Esimerkkiyhdistys ry (ESIMERKKI – poista tämä rivi)"


def test_the_code_lists_download_as_excel_csv(curator_client, places):
    response = curator_client.get(code_list("kunnat"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "koodi;nimi;nimi ruotsiksi;maakunnan koodi;maakunta"
    assert "564;Oulu;Uleåborg;17;Pohjois-Pohjanmaa" in lines
    regions = curator_client.get(code_list("maakunnat")).content.decode("utf-8-sig")
    assert "06;Pirkanmaa;Birkaland" in regions.split("\r\n")
    kinds = curator_client.get(code_list("tyypit")).content.decode("utf-8-sig")
    assert "association;Yhdistys tai järjestö" in kinds.split("\r\n")
    services = curator_client.get(code_list("palvelut")).content.decode("utf-8-sig")
    assert "neuvonta-ja-ohjaus;Neuvonta-, ohjaus- ja koulutuspalvelut" in services
    groups = curator_client.get(code_list("kohderyhmat")).content.decode("utf-8-sig")
    assert "nuoret;Nuoret" in groups.split("\r\n")
    assert curator_client.get(code_list("salaiset")).status_code == 404


def test_the_municipality_list_reads_a_fixed_number_of_queries(
    curator_client, places, django_assert_num_queries
):
    # The session, the user, the user's and group permissions, the municipalities with
    # their regions: the same five however many municipalities there are.
    with django_assert_num_queries(5):
        first = curator_client.get(code_list("kunnat"))
    make_municipality(region=places["north"])
    make_municipality()
    with django_assert_num_queries(5):
        second = curator_client.get(code_list("kunnat"))
    assert second.content.count(b"\r\n") == first.content.count(b"\r\n") + 2


@pytest.mark.parametrize(
    "url", [TEMPLATE_CSV, TEMPLATE_XLSX, reverse("admin:actors_actor_code_list", args=["kunnat"])]
)
def test_downloads_need_the_admin_login_and_the_import_permission(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(make_user(is_staff=True))
    assert client.get(url).status_code == 403
