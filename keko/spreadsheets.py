"""Cells that a spreadsheet shows as text, never runs: every CSV, TSV and XLSX the site writes.

A spreadsheet program runs a cell starting with `=`, `+`, `-` or `@` (and, after a tab or a
carriage return, whatever follows) as a formula, so text a visitor or an editor typed could
fetch URLs or start programs on the computer of whoever opens the export. Such text is written
with a leading apostrophe, which spreadsheets read as "this is text". A phone number such as
"+358 40 123 4567" is left as it is.
"""

import re

from import_export import resources

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PHONE_NUMBER = re.compile(r"^\+?[\d\s()/-]+$")


def as_text_cell(value):
    """Return `value` as a spreadsheet cell's text that no spreadsheet runs as a formula."""
    value = "" if value is None else str(value)
    if value.startswith(FORMULA_START) and not PHONE_NUMBER.match(value):
        return "'" + value
    return value


class SpreadsheetSafeResource(resources.ModelResource):
    """A django-import-export resource whose exports (CSV, TSV, XLSX…) hold no formulas."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return as_text_cell(value) if isinstance(value, str) else value
