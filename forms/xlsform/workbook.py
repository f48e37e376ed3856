"""Read an XLSForm file (.xlsx/.xlsm, .xls or pyxform's CSV layout) into plain sheets.

This stage only reads: every sheet becomes a `Sheet` of `Row`s whose cells
are keyed by canonical column name and language tag, with the row numbers a
spreadsheet shows (the header is row 1). Problems with the file itself or its
headers go to `Messages`; nothing here knows what a question is.
"""

from __future__ import annotations

import csv
import datetime
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .languages import language_code
from .problems import Messages

#: Header spellings that mean the same column (compared lowercased).
ALIASES = {
    "list name": "list_name",
    "caption": "label",
    "relevance": "relevant",
    "bind:relevant": "relevant",
    "bind::relevant": "relevant",
    "bind:required": "required",
    "bind::required": "required",
    "bind:constraint": "constraint",
    "bind::constraint": "constraint",
    "bind:jr:constraintmsg": "constraint_message",
    "bind::jr:constraintmsg": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "constraining_message": "constraint_message",
    "control:appearance": "appearance",
    "control::appearance": "appearance",
    "requiredmsg": "required_message",
    "id_string": "form_id",
    "set_form_id": "form_id",
    "title": "form_title",
    "set_form_title": "form_title",
}

#: Columns the importer reads, by sheet; only these are checked for duplicates.
KNOWN_COLUMNS = {
    "survey": {
        "type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message",
        "appearance", "choice_filter", "fieldkit_type", "fieldkit_flags", "fieldkit_relevant", "fieldkit_id",
        "calculation", "fieldkit_expression", "fieldkit_message", "read_only", "default", "fieldkit_generated",
        "parameters", "repeat_count", "fieldkit_repeat", "fieldkit_instance_label",
    },
    "choices": {"list_name", "name", "label", "score"},
    "settings": {"form_id", "form_title", "version", "default_language", "fieldkit_title", "fieldkit_description"},
}
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
SUFFIXES = EXCEL_SUFFIXES + (".xls", ".csv")


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    base: str
    tag: str | None


@dataclass
class Row:
    """One non-empty row; `cells` maps (column, language tag or None) to a value."""

    number: int
    cells: dict[tuple[str, str | None], Any]

    def get(self, base: str) -> Any:
        return self.cells.get((base, None))

    def text(self, base: str) -> str:
        return cell_text(self.get(base))

    def tagged(self, base: str) -> dict[str | None, str]:
        """Texts of a translatable column by language tag (None: untagged)."""
        return {tag: cell_text(v) for (b, tag), v in self.cells.items() if b == base and cell_text(v)}


@dataclass
class Sheet:
    name: str
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    def has(self, base: str) -> bool:
        return any(c.base == base for c in self.columns)

    def tags(self, base: str) -> list[str | None]:
        return [c.tag for c in self.columns if c.base == base]


@dataclass
class Workbook:
    path: Path
    sheets: dict[str, Sheet]  # by lowercased sheet name
    sheet_names: list[str]

    def sheet(self, name: str) -> Sheet | None:
        return self.sheets.get(name)


def cell_text(value: Any) -> str:
    """A cell as text, the way pyxform reads it: 12.0 -> "12", True -> "TRUE"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    return str(value).replace("\u00a0", " ").strip()


def split_header(header: str) -> tuple[str, str | None]:
    """`label::English (en)` -> ("label", "English (en)"); `LIST NAME` -> ("list_name", None)."""
    text = " ".join(header.split())
    if text.lower() in ALIASES:
        return ALIASES[text.lower()], None
    if "::" in text:
        base, tag = text.split("::", 1)
    elif ":" in text:
        base, tag = text.split(":", 1)
    else:
        base, tag = text, None
    base = base.strip().lower()
    base = ALIASES.get(base, base)
    tag = tag.strip() if tag else None
    return base, tag or None


def read_workbook(path: Path, messages: Messages) -> Workbook | None:
    """Read every sheet of an XLSForm file; None (with a message) if it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        messages.error("", 0, f"unknown file type {path.suffix or '(none)'!r}: give an .xlsx, .xls or .csv "
                              "XLSForm", "file-type")
        return None
    try:
        if suffix in EXCEL_SUFFIXES:
            tables = _xlsx_tables(path)
        elif suffix == ".xls":
            tables = _xls_tables(path)
        else:
            tables = _csv_tables(path)
    except Exception as exc:  # noqa: BLE001 - the readers raise many types on damaged files
        kind = {".csv": "a CSV XLSForm", ".xls": "an .xls workbook"}.get(suffix, "an .xlsx workbook")
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        messages.error("", 0, f"cannot read the file as {kind}: {detail}", "unreadable")
        return None
    sheets: dict[str, Sheet] = {}
    names = []
    for name, table in tables:
        names.append(name)
        key = name.strip().lower()
        if key in sheets:
            messages.error("", 0, f"two sheets are named {key!r}", "duplicate-sheet")
            continue
        sheets[key] = _sheet(name, key, table, messages)
    return Workbook(path, sheets, names)


def _sheet(name: str, key: str, table: list[list[Any]], messages: Messages) -> Sheet:
    sheet = Sheet(name)
    if not table:
        return sheet
    seen: dict[tuple[str, str | None], Column] = {}
    known = KNOWN_COLUMNS.get(key, set())
    for index, header in enumerate(table[0]):
        text = cell_text(header)
        if not text:
            continue
        base, tag = split_header(text)
        column = Column(index, text, base, tag)
        same = (base, language_code(tag) if tag else None)
        if same in seen and base in known:
            first = seen[same]
            messages.error(key, 1, f"column {text!r} appears twice (columns {_letter(first.index)} and "
                                   f"{_letter(index)}): delete or rename one", "duplicate-column")
            continue
        seen.setdefault(same, column)
        sheet.columns.append(column)
    for offset, values in enumerate(table[1:]):
        cells = {}
        for column in sheet.columns:
            value = _clean(values[column.index]) if column.index < len(values) else None
            if value is not None:
                cells[(column.base, column.tag)] = value
        if cells:
            sheet.rows.append(Row(offset + 2, cells))
    return sheet


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.replace("\u00a0", " ").strip()
        return value or None
    return value


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_tables(path: Path) -> list[tuple[str, list[list[Any]]]]:
    import openpyxl

    # openpyxl warns about workbook features it drops (data validation
    # extensions, conditional formats); none of them carry form content.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(path, data_only=True)
    try:
        return [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)]) for ws in workbook.worksheets]
    finally:
        workbook.close()


def _xls_tables(path: Path) -> list[tuple[str, list[list[Any]]]]:
    import xlrd

    book = xlrd.open_workbook(str(path))
    try:
        tables = []
        for sheet in book.sheets():
            rows = []
            for r in range(sheet.nrows):
                rows.append([_xls_value(cell, book.datemode) for cell in sheet.row(r)])
            tables.append((sheet.name, rows))
        return tables
    finally:
        book.release_resources()


def _xls_value(cell, datemode: int) -> Any:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        return int(cell.value) if float(cell.value).is_integer() else cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    return cell.value


def _csv_tables(path: Path) -> list[tuple[str, list[list[Any]]]]:
    """pyxform's CSV layout: a sheet name in the first column starts a sheet; the rest is its table."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    tables: list[tuple[str, list[list[Any]]]] = []
    table: list[list[Any]] | None = None
    for line in lines:
        if not line:
            if table:
                table.append([])
            continue
        name, content = line[0].strip(), line[1:]
        if name:
            table = []
            tables.append((name, table))
        if table is None:
            if any(v.strip() for v in content):
                raise ValueError("the first column of the first row must name a sheet, e.g. survey")
            continue
        if not tables[1:] and len(table) == 0 and name.lower() == "type":
            raise ValueError("the first column must name the sheet (survey, choices, settings) as in pyxform's "
                             "CSV layout, but this file starts with a header row")
        if table or any(v.strip() for v in content):
            table.append(content)
    return tables
