"""The safe reading of uploaded actor files: where they wait, how they are named, what is read.

- **Where files wait.** An uploaded file waits for the curator's confirmation in
  `settings.IMPORT_DIR` (`ImportFileStorage`, django-import-export's temporary storage) under
  a random name of 32 hex digits. The confirm form carries that name signed for the user who
  uploaded it (`sign_file_name`); a name that is not one this server signed for this user, or
  whose file is gone, is refused (`file_name_from_token`), and nothing outside the folder is
  ever opened or deleted. Pages never show a path.
- **What is read.** Only CSV and XLSX. A CSV may be saved as Finnish Excel saves it: `;`
  between cells (the delimiter is read from the header line: `;`, `,` or a tab), Windows-1252
  or ISO-8859-15 when it is not UTF-8 (with or without a byte order mark). At most
  `IMPORT_MAX_BYTES` bytes and `IMPORT_MAX_ROWS` rows are read, row by row, stopping at the
  limit, so a file that unpacks into millions of rows never fills the memory (`read_dataset`).
  Every problem is an `ImportFileError` with a Finnish message, never a traceback.
- **Large files** (more than `IMPORT_INLINE_MAX_ROWS` rows) are handed to the import queue
  that `curation` registers (`register_import_queue`): this layer does not know the queue.
"""

import csv
import io
import re
import time
from pathlib import Path

import tablib
from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.tmp_storages import MediaStorage

from keko.spreadsheets import as_text_cell

FILE_NAME = re.compile(r"[0-9a-f]{32}")
# A name signed for a user is good for as long as a curator may reasonably take to confirm.
FILE_MAX_AGE = 24 * 3600
SIGNING_SALT = "actors.importing.file"
REQUIRED_COLUMNS = ("slug", "name")
CSV_DELIMITERS = (";", ",", "\t")


class ImportFileError(Exception):
    """A file that cannot be imported; `str(error)` is a Finnish message for the curator."""


class ImportFileStorage(MediaStorage):
    """Uploaded import files in `settings.IMPORT_DIR`, under random names only.

    A name handed in from outside must be 32 hex digits (the form of `uuid4().hex`, which
    `save` gives): anything else raises `ImportFileError` before any file is touched, and the
    folder's `FileSystemStorage` refuses paths outside it in any case. Saving a file removes
    files older than `FILE_MAX_AGE`, left behind by dry runs that were never confirmed.
    """

    def __init__(self, **kwargs):
        name = kwargs.get("name")
        if name is not None and not FILE_NAME.fullmatch(str(name)):
            raise ImportFileError(_("Tuotavaa tiedostoa ei löydy. Lataa tiedosto uudelleen."))
        super().__init__(**kwargs)

    def _configure_storage(self):
        self._storage = FileSystemStorage(location=settings.IMPORT_DIR)

    def get_full_path(self):
        return self.name

    def save(self, data):
        self.remove_old_files()
        super().save(data)

    def exists(self):
        return bool(self.name) and self._storage.exists(self.name)

    def remove(self):
        if self.exists():
            super().remove()

    def remove_old_files(self):
        folder = Path(settings.IMPORT_DIR)
        if not folder.is_dir():
            return
        expired = time.time() - FILE_MAX_AGE
        for path in folder.iterdir():
            try:
                if FILE_NAME.fullmatch(path.name) and path.stat().st_mtime < expired:
                    path.unlink()
            except OSError:
                pass  # removed by another process meanwhile


def store_file(data):
    """Save `data` (bytes) in the import folder; return its new random name."""
    storage = ImportFileStorage(read_mode="rb")
    storage.save(data)
    return storage.name


def read_stored_file(name):
    """Return the bytes of the stored file `name`; `ImportFileError` if it is gone."""
    storage = ImportFileStorage(name=name, read_mode="rb")
    if not storage.exists():
        raise ImportFileError(
            _("Tuotava tiedosto on vanhentunut tai jo käsitelty. Lataa tiedosto uudelleen.")
        )
    return storage.read()


def remove_stored_file(name):
    try:
        ImportFileStorage(name=name).remove()
    except ImportFileError:
        pass


def sign_file_name(name, user):
    return signing.dumps(name, salt=f"{SIGNING_SALT}:{user.pk}")


def file_name_from_token(token, user):
    """Return the stored file's name that `token` names for `user`, if the file still exists;
    otherwise None."""
    try:
        name = signing.loads(token, salt=f"{SIGNING_SALT}:{user.pk}", max_age=FILE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(name, str) or not FILE_NAME.fullmatch(name):
        return None
    return name if ImportFileStorage(name=name).exists() else None


def size_error(size):
    """The Finnish message for a file over the size limit, or None."""
    limit = settings.IMPORT_MAX_BYTES
    if size <= limit:
        return None
    return _(
        "Tiedosto on liian suuri (%(size)s Mt). Suurin sallittu koko on %(limit)s Mt: "
        "jaa tiedosto osiin ja tuo osat yksi kerrallaan."
    ) % {"size": _megabytes(size), "limit": _megabytes(limit)}


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def too_many_rows_error(limit):
    return _(
        "Tiedostossa on yli %(limit)s riviä. Jaa tiedosto osiin, joissa kussakin on "
        "enintään %(limit)s riviä, ja tuo osat yksi kerrallaan."
    ) % {"limit": limit}


def read_dataset(data, extension, *, max_rows, stop_after=None):
    """Return the rows of the CSV or XLSX file `data` (bytes) as a `tablib.Dataset`.

    Raises `ImportFileError` (Finnish) for an unreadable file, a wrong encoding, a file without
    rows, a row with more cells than the header has columns, and more than `max_rows` rows.
    With `stop_after`, reading stops after that many rows (to learn whether a file is large
    without reading it all); the dataset then holds only those.
    """
    rows = _xlsx_rows(data) if extension == "xlsx" else _csv_rows(data)
    try:
        header = next(rows, None)
        if header is None:
            raise ImportFileError(_("Tiedosto on tyhjä."))
        headers = [("" if cell is None else str(cell)).strip() for cell in header]
        while headers and not headers[-1]:
            headers.pop()  # spreadsheets' empty cells after the last column
        dataset = tablib.Dataset(headers=headers)
        width = len(headers)
        for number, row in enumerate(rows, 1):
            if stop_after is not None and number > stop_after:
                break
            if number > max_rows:
                raise ImportFileError(too_many_rows_error(max_rows))
            row = list(row)
            if len(row) > width:
                if any(cell not in (None, "") for cell in row[width:]):
                    raise ImportFileError(
                        _(
                            "Rivillä %(row)s on enemmän soluja kuin otsikkorivillä on "
                            "sarakkeita (%(columns)s)."
                        )
                        % {"row": number, "columns": width}
                    )
                row = row[:width]
            if not any(cell not in (None, "") for cell in row):
                continue  # an empty line
            dataset.append(row + [""] * (width - len(row)))
    finally:
        rows.close()
    if not dataset.headers or not len(dataset):
        raise ImportFileError(_("Tiedostossa ei ole yhtään tuotavaa riviä otsikkorivin jälkeen."))
    return dataset


def _csv_rows(data):
    text = decode_csv(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text))
    try:
        yield from reader
    except csv.Error:
        raise ImportFileError(
            _("Tiedostoa ei voitu lukea CSV-tiedostona. Tarkista tiedoston muoto.")
        ) from None


def decode_csv(data):
    """Return the text of a CSV file: UTF-8 with or without a byte order mark, or else
    Windows-1252 (what Excel's plain "CSV" writes on a Finnish Windows), or ISO-8859-15."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("iso-8859-15")  # defines every byte


def csv_delimiter(text):
    """Return the delimiter the header line uses: `;` (Finnish Excel), `,` or a tab; the one
    that occurs most often outside quotes, a comma when none does."""
    header = text.split("\n", 1)[0]
    unquoted = "".join(header.split('"')[::2])
    counts = {delimiter: unquoted.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _xlsx_rows(data):
    from openpyxl import load_workbook

    unreadable = _("Tiedostoa ei voitu lukea XLSX-tiedostona. Tarkista tiedoston muoto.")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(unreadable) from None
    try:
        sheet = book.active
        try:
            yield from sheet.iter_rows(values_only=True)
        except ImportFileError:
            raise
        except Exception:
            raise ImportFileError(unreadable) from None
    finally:
        book.close()


def header_errors(headers, resource):
    """Return Finnish messages on the header row `headers` for `resource`: missing required
    columns and unknown columns (a misspelt column would otherwise be skipped silently)."""
    known = [field.column_name for field in resource.get_import_fields()]
    errors = []
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        errors.append(
            ngettext(
                "Tiedoston ensimmäiseltä riviltä puuttuu sarake %(columns)s.",
                "Tiedoston ensimmäiseltä riviltä puuttuvat sarakkeet %(columns)s.",
                len(missing),
            )
            % {"columns": ", ".join(missing)}
        )
    unknown = [column for column in headers if column not in known]
    if unknown:
        errors.append(
            ngettext(
                "Tuntematon sarake: %(columns)s.",
                "Tuntemattomat sarakkeet: %(columns)s.",
                len(unknown),
            )
            % {"columns": ", ".join(f"”{column}”" for column in unknown)}
        )
    duplicates = sorted({column for column in headers if headers.count(column) > 1})
    if duplicates:
        errors.append(_("Sarake toistuu: %(columns)s.") % {"columns": ", ".join(duplicates)})
    if errors:
        errors.append(
            _("Ensimmäisellä rivillä pitää olla sarakkeiden nimet: %(columns)s.")
            % {"columns": ", ".join(known)}
        )
    return errors


def result_errors(result, limit=1000):
    """Return the errors of an import `Result` as JSON-ready dicts, in Finnish and without
    tracebacks: {"row": number or None, "column": name or "", "message": text}."""
    errors = []
    for error in result.base_errors:
        errors.append({"row": None, "column": "", "message": base_error_message(error.error)})
    for number, row_errors in result.row_errors():
        for error in row_errors:
            errors.append({"row": number, "column": "", "message": str(error.error)})
    for row in result.invalid_rows:
        for column, messages in row.field_specific_errors.items():
            for message in messages:
                errors.append({"row": row.number, "column": column, "message": str(message)})
        for message in row.non_field_specific_errors:
            errors.append({"row": row.number, "column": "", "message": str(message)})
    errors.sort(key=lambda error: (error["row"] or 0, error["column"]))
    return errors[:limit], len(errors)


def base_error_message(error):
    """A Finnish message for an error that stopped a whole import; its details go to the log
    (django-import-export logs them), never to the page."""
    if isinstance(error, ImportFileError):
        return str(error)
    return _(
        "Tuonti keskeytyi odottamattomaan virheeseen (%(kind)s). Mitään ei tuotu. Tarkista "
        "tiedosto tai ota yhteys ylläpitoon."
    ) % {"kind": type(error).__name__}


# --- The queue for large files ----------------------------------------------------------------

_import_queue = None


def register_import_queue(queue):
    """Let an upper layer take over large imports: `queue(request, admin, *, stored_name,
    original_name, extension)` returns the response to send (for instance a redirect to the
    job's progress page). `curation` registers its task queue (curation/imports.py)."""
    global _import_queue
    _import_queue = queue


def import_queue():
    return _import_queue


# --- What the import page offers for download: a template and the code lists -------------------

TEMPLATE_NAME = "actor-import-template"
# One row that shows how each column is written; marked so that nobody imports it by mistake.
TEMPLATE_EXAMPLE = {
    "slug": "esimerkki-poista-tama-rivi",
    "name": "Esimerkkiyhdistys ry (ESIMERKKI – poista tämä rivi)",
    "kind": "Yhdistys tai järjestö",
    "business_id": "",
    "description": "Esimerkkirivi: kirjoita omat tietosi tämän rivin tilalle.",
    "website": "https://esimerkki.fi",
    "email": "info@esimerkki.fi",
    "phone": "040 123 4567",
    "municipality": "Oulu",
    "served_municipalities": "Oulu; Kempele",
    "served_regions": "",
    "services": "Työpajat; Työhönvalmennus",
    "target_groups": "Nuoret",
    "status": "Luonnos",
    "verified_on": "15.1.2026",
}


def template_rows(resource):
    """The template's rows: the importable columns, then the example row."""
    columns = [field.column_name for field in resource.get_import_fields()]
    return [columns, [TEMPLATE_EXAMPLE.get(column, "") for column in columns]]


def excel_csv(rows):
    """Return `rows` as a CSV that Excel on a Finnish Windows opens in columns: `;` between
    cells, CRLF, UTF-8 with a byte order mark; no cell that a spreadsheet would run."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([as_text_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")


def xlsx(rows, title):
    """Return `rows` as an XLSX workbook of one sheet named `title`."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for row in rows:
        sheet.append([as_text_cell(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
