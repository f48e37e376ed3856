"""Read a wide CSV or an exported workbook's Data sheet into headers, column ids and rows of cells.

The inverse of the file side of `csv_export` and `xlsx_sheets.write_data`: the CSV is headed
by column ids; the Data sheet by labels, which the workbook's codebook sheets ("Kodbok",
column "Kolumn-id" beside "Kolumn i Data") map back to ids. Cells stay as the file holds
them (text from a CSV; numbers and dates from a workbook), except that the apostrophe the
export puts before text that could start a formula is taken off again.

Rows are numbered as a spreadsheet numbers them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from forms.errors import FieldkitError

from .labels import LANGUAGES, gettext
from .safety import PREFIX, TRIGGERS

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SEPARATORS = (";", ",", "\t")


class SubmissionImportError(FieldkitError):
    """A file that cannot be imported at all (not readable, no Data sheet, no questionnaire fits)."""


@dataclass
class Table:
    """A file's rows: `headers` as written in the file, `keys` the column ids they stand for."""

    name: str
    headers: list[str]
    keys: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    excel: bool = False


def unneutralised(value: Any) -> Any:
    """Text as it was before the export guarded it against formulas (`safety.safe_text`)."""
    if isinstance(value, str) and value.startswith(PREFIX) and value[1:2] and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


def read_table(path: str | os.PathLike, lang: str = "sv") -> Table:
    """The rows of a wide CSV (`,`, `;` or tab; UTF-8 or Windows-1252) or of a workbook's Data sheet."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, lang)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, lang)
    raise SubmissionImportError(gettext("%(file)s: not a CSV file or an Excel workbook (.csv, .xlsx)", lang,
                                        file=path.name))


def _text(path: Path, lang: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SubmissionImportError(f"{path.name}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows, for earlier rounds


def _read_csv(path: Path, lang: str) -> Table:
    text = _text(path, lang)
    first = text.split("\n", 1)[0]
    sep = max(SEPARATORS, key=first.count)
    reader = csv.reader(io.StringIO(text.replace("\0", ""), newline=""), delimiter=sep)
    number = 1
    try:
        header = next(reader, None)
        if not header or not any(h.strip() for h in header):
            raise SubmissionImportError(gettext("%(file)s: the file is empty", lang, file=path.name))
        headers = [h.strip() for h in header]
        table = Table(path.name, headers, list(headers))
        for number, cells in enumerate(reader, start=2):
            values = [unneutralised(c) if c.strip() else None for c in cells]
            if any(v is not None for v in values):
                table.rows.append((number, values + [None] * (len(headers) - len(values))))
    except csv.Error as exc:
        raise SubmissionImportError(f"{path.name}:{number}: {exc}") from None
    return table


def _read_xlsx(path: Path, lang: str) -> Table:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError):
        raise SubmissionImportError(gettext("%(file)s: not an Excel workbook", lang, file=path.name)) from None
    try:
        data_names = set(gettext("Data", code) for code in LANGUAGES)
        sheets = [ws for ws in workbook.worksheets if ws.title in data_names]
        if not sheets and len(workbook.worksheets) == 1:
            sheets = workbook.worksheets  # a workbook of its own with one sheet in the Data sheet's shape
        if not sheets:
            raise SubmissionImportError(gettext("%(file)s: the workbook has no sheet named %(sheet)s", lang,
                                                file=path.name, sheet=gettext("Data", lang)))
        ids = _codebook_ids(workbook)
        rows = sheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header or not any(h is not None for h in header):
            raise SubmissionImportError(gettext("%(file)s: the file is empty", lang, file=path.name))
        headers = [str(h).strip() if h is not None else "" for h in header]
        while headers and not headers[-1]:
            headers.pop()
        table = Table(path.name, headers, [ids.get(h, h) for h in headers], excel=True)
        for number, cells in enumerate(rows, start=2):
            values = [unneutralised(v.strip() if isinstance(v, str) else v) for v in cells[:len(headers)]]
            values = [None if v == "" else v for v in values]
            if any(v is not None for v in values):
                table.rows.append((number, values + [None] * (len(headers) - len(values))))
        return table
    finally:
        workbook.close()


def _codebook_ids(workbook) -> dict[str, str]:
    """Data header -> column id, from every codebook sheet (one per version)."""
    prefixes = tuple(gettext("Codebook", code) for code in LANGUAGES)
    found: dict[str, str] = {}
    for ws in workbook.worksheets:
        if not ws.title.startswith(prefixes):
            continue
        key_col = shown_col = None
        for row in ws.iter_rows(values_only=True):
            if key_col is None:
                cells = [unneutralised(c) for c in row]
                for code in LANGUAGES:
                    key, shown = gettext("Column id", code), gettext("Column in Data", code)
                    if key in cells and shown in cells:
                        key_col, shown_col = cells.index(key), cells.index(shown)
                continue
            key = row[key_col] if key_col < len(row) else None
            shown = row[shown_col] if shown_col < len(row) else None
            if isinstance(key, str) and isinstance(shown, str):
                found.setdefault(unneutralised(shown), unneutralised(key))
    return found
