"""/api/hsds/datapackage.zip: HSDS's tabular form, built in the task queue and never in a
request; its CSVs have HSDS's columns and agree with the API."""

import csv
import functools
import io
import json
import zipfile

import pytest
from django_tasks_db.models import DBTaskResult

from opendata.models import DataPackage

from .conftest import get, load

pytestmark = pytest.mark.django_db

URL = "/api/hsds/datapackage.zip"


@functools.cache
def tabular_columns():
    """{CSV file name: its columns}, from HSDS's compiled tabular schema (the copy in
    tests/opendata/schemas): a table's fields but its nested lists."""
    schema = load("tabular.json.gz")
    return {
        table["items"]["path"]: [
            name
            for name, field in table["items"]["properties"].items()
            if field.get("type") != "array"
        ]
        for table in schema["properties"].values()
    }


def read_package(content):
    archive = zipfile.ZipFile(io.BytesIO(content))
    tables = {}
    for name in archive.namelist():
        if name.endswith(".csv"):
            text = archive.read(name).decode("utf-8")
            reader = csv.reader(io.StringIO(text))
            header = next(reader)
            tables[name] = (header, [dict(zip(header, row, strict=True)) for row in reader])
    return json.loads(archive.read("datapackage.json")), tables


@pytest.fixture
def built(client, directory, run_queued_tasks):
    """The package of the test directory, built through the queue."""
    assert client.get(URL).status_code == 503
    run_queued_tasks()
    response = client.get(URL)
    assert response.status_code == 200
    return read_package(response.content)


def test_the_first_request_queues_one_build_and_is_told_to_come_back(
    client, directory, run_queued_tasks
):
    first = client.get(URL)
    assert first.status_code == 503
    assert int(first["Retry-After"]) > 0
    assert "Datapakettia kootaan" in first.json()["detail"]
    assert client.get(URL).status_code == 503
    # Two requests, one build.
    assert DBTaskResult.objects.count() == 1
    assert DataPackage.objects.count() == 1

    run_queued_tasks()
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="keko-hsds-')
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Last-Modified"]
    # Served as built, not built again.
    assert DBTaskResult.objects.count() == 1
    again = client.get(URL, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    since = client.get(URL, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304


def test_every_csv_has_exactly_the_columns_of_its_hsds_table(built):
    meta, tables = built
    expected = tabular_columns()
    assert {"organizations.csv", "services.csv", "taxonomy_terms.csv"} <= set(tables)
    for name, (header, _rows) in tables.items():
        assert name in expected, name
        assert header == expected[name], name
    # datapackage.json describes each CSV with the same columns.
    resources = {resource["path"]: resource for resource in meta["resources"]}
    assert set(resources) == set(tables)
    for name, resource in resources.items():
        assert [field["name"] for field in resource["schema"]["fields"]] == expected[name]
        assert resource["count_of_rows"] == len(tables[name][1])


def test_the_package_names_its_licence_and_sources(built):
    meta, _tables = built
    assert meta["profile"] == "tabular-data-package"
    assert [licence["name"] for licence in meta["licenses"]] == ["CC-BY-4.0"]
    assert "KeKo-hakemisto" in meta["attribution"]
    assert "Tilastokeskuksen" in meta["attribution"]
    assert any("Tilastokeskus" in source["title"] for source in meta["sources"])
    assert meta["hsds_version"] == "3.0"


def test_an_organizations_csv_row_agrees_with_its_api_record(client, directory, built):
    _meta, tables = built
    association = directory["association"]
    record = get(client, "organization", association.uuid)
    rows = {row["id"]: row for row in tables["organizations.csv"][1]}
    row = rows[str(association.uuid)]
    scalars = {key: value for key, value in record.items() if not isinstance(value, list | dict)}
    assert {key: value for key, value in row.items() if value} == {
        key: value for key, value in scalars.items() if value
    }
    # Its parts are rows of their tables, as the record nests them.
    by_id = {name: {r["id"]: r for r in rows} for name, (_h, rows) in tables.items()}
    for contact in record["contacts"]:
        assert by_id["contacts.csv"][contact["id"]]["email"] == contact["email"]
        for phone in contact.get("phones", []):
            assert by_id["phones.csv"][phone["id"]]["contact_id"] == contact["id"]
    for location in record["locations"]:
        assert by_id["locations.csv"][location["id"]]["organization_id"] == record["id"]
        for address in location["addresses"]:
            assert by_id["addresses.csv"][address["id"]]["address_1"] == address["address_1"]
    identifier = record["organization_identifiers"][0]
    assert by_id["organization_identifiers.csv"][identifier["id"]]["identifier"] == "1234567-1"
    for service in record["services"]:
        assert by_id["services.csv"][service["id"]]["name"] == service["name"]
        full = get(client, "service", service["id"])
        for area in full["service_areas"]:
            assert by_id["service_areas.csv"][area["id"]]["extent"] == area["extent"]
        for attribute in full["attributes"]:
            row = by_id["attributes.csv"][attribute["id"]]
            assert row["taxonomy_term_id"] == attribute["taxonomy_term_id"]
            assert row["taxonomy_term_id"] in by_id["taxonomy_terms.csv"]


def test_only_what_the_api_lists_by_default(directory, built):
    _meta, tables = built
    names = {row["name"] for row in tables["organizations.csv"][1]}
    assert names == {"Työpaja ry", "Kela", "Lapin työhanke"}
    text = json.dumps(tables, ensure_ascii=False)
    for hidden in ("Luonnostoimija", "Päättynyt toimija", "Yksityinen Henkilö", "salainen@"):
        assert hidden not in text
    assert "Luonnosrahoitus" not in text and "ESR+ (2024–2026)" in text


def test_an_edit_is_rebuilt_through_the_queue_meanwhile_the_old_package_is_served(
    client, directory, built, run_queued_tasks
):
    old = client.get(URL)
    association = directory["association"]
    association.name = "Uusi Työpaja ry"
    association.save()

    stale = client.get(URL)
    assert stale.status_code == 200
    assert stale["ETag"] == old["ETag"]  # the previous package, while the new one is built
    client.get(URL)
    assert DataPackage.objects.filter(status=DataPackage.Status.QUEUED).count() == 1

    run_queued_tasks()
    fresh = client.get(URL)
    assert fresh.status_code == 200 and fresh["ETag"] != old["ETag"]
    _meta, tables = read_package(fresh.content)
    assert "Uusi Työpaja ry" in {row["name"] for row in tables["organizations.csv"][1]}
    # Only the newest package is kept.
    assert DataPackage.objects.filter(status=DataPackage.Status.DONE).count() == 1
    # Up to date: nothing more is queued.
    client.get(URL)
    assert not DataPackage.objects.exclude(status=DataPackage.Status.DONE).exists()


def test_a_failed_build_is_tried_again_later(client, directory, run_queued_tasks, monkeypatch):
    import datetime

    from opendata import tasks

    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks, "build_zip", fail)
    client.get(URL)
    run_queued_tasks()
    package = DataPackage.objects.get()
    assert package.status == DataPackage.Status.FAILED
    assert client.get(URL).status_code == 503  # not retried at once
    assert DataPackage.objects.get().status == DataPackage.Status.FAILED

    monkeypatch.undo()
    DataPackage.objects.update(
        requested_at=package.requested_at - tasks.FAILED_RETRY - datetime.timedelta(seconds=1)
    )
    assert client.get(URL).status_code == 503
    run_queued_tasks()
    assert client.get(URL).status_code == 200
