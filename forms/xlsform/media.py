"""Choice lists from the files a form ships as media: `select_one_from_file hospitals.csv` (.xml, .geojson).

ODK reads such a list from a file uploaded with the form. The import reads it
once, from the folder given with `--media`, else next to the workbook, else
from the workbook's `<name>-media` folder (ODK Collect's layout), and the
choices become an ordinary list of the definition: fieldkit never reads the
file again. Each file becomes rows shaped like the choices sheet's (`name`,
`label`, `label::English (en)`, other columns as attributes a choice_filter may
compare), so `choices.ChoiceLists` checks them like any list.

- CSV: a header row with `name` and `label` columns (or the columns the row's
  `parameters` name with `value=` and `label=`); rows numbered as a
  spreadsheet shows them, the header being row 1.
- XML: ODK's itemset layout, `<root><item><name/><label/></item></root>`;
  a row is an `<item>`, numbered by the line it starts on. Parsed with the
  standard library's expat, refusing any DOCTYPE, so no entity is ever
  declared or expanded (no billion laughs, no external entities).
- GeoJSON: a FeatureCollection; a feature's `id` property (else its `id`
  member) is the name, its `title` (else `label`) property the label; rows
  are the features, counted from 1. The geometry is not used.

Files are read within limits (`MAX_BYTES`, `MAX_CHOICES`): the choices end
up in a definition, which has limits of its own (`forms.loader.MAX_BYTES`).
"""

from __future__ import annotations

import csv
import io
import json
import xml.parsers.expat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .workbook import Row, cell_text, split_header

#: The largest choices file read, in bytes.
MAX_BYTES = 2 * 1024 * 1024
#: The most choices one file may hold: more would not fit a definition (forms.loader.MAX_BYTES is 512 kB).
MAX_CHOICES = 5_000
#: The kinds of file a list may come from.
SUFFIXES = (".csv", ".xml", ".geojson")


class MediaError(ValueError):
    """A choices file that cannot be read; the message says where in the file."""


@dataclass
class ChoicesFile:
    """One file's choices as choices-sheet rows, or why there are none.

    `missing` is set when the file is not found (the row is left out, as unsupported),
    `error` when it is found but broken (the import fails).
    """

    name: str
    path: Path | None = None
    rows: list[Row] = field(default_factory=list)
    missing: str | None = None
    error: str | None = None


def plain_name(name: str) -> bool:
    """A file name the form may give: no folder, nothing that climbs out of the media folder."""
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..") \
        and Path(name).name == name and not name.startswith(".")


def find(name: str, workbook: Path, media: Path | None) -> Path | None:
    """Where the file is: in `media`, else next to the workbook, else in `<workbook name>-media/`."""
    folders = ([media] if media else []) + [workbook.parent, workbook.parent / f"{workbook.stem}-media"]
    for folder in folders:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def load(name: str, workbook: Path, media: Path | None, columns: tuple[str, str] = ("name", "label")) -> ChoicesFile:
    """Find and read one choices file; `columns` are the file's names of the value and label columns."""
    result = ChoicesFile(name)
    suffix = Path(name).suffix.lower()
    if not plain_name(name):
        result.error = f"the choices file {name!r} must be a plain file name, without a folder"
        return result
    if suffix not in SUFFIXES:
        result.missing = (f"the choices file {name!r} is of a kind fieldkit does not read (it reads "
                          f"{', '.join(SUFFIXES)})")
        return result
    path = find(name, workbook, media)
    if path is None:
        where = f"in {media} or " if media else ""
        result.missing = (f"the choices file {name!r} was not found {where}next to the workbook (give the folder "
                          "that holds it with --media)")
        return result
    result.path = path
    try:
        text = _read_text(path)
        rows = {".csv": _csv_rows, ".xml": _xml_rows, ".geojson": _geojson_rows}[suffix](text)
        result.rows = [_renamed(row, columns) for row in rows]
    except MediaError as exc:
        result.error = f"the choices file {name!r} cannot be read: {exc}"
        return result
    if result.rows and not any(("name", None) in row.cells for row in result.rows):
        result.error = f"the choices file {name!r} has no {columns[0]!r} column (or element): the choices' names"
        result.rows = []
    elif len(result.rows) > MAX_CHOICES:
        result.error = (f"the choices file {name!r} has {len(result.rows):,} choices, more than the {MAX_CHOICES:,} "
                        "a fieldkit definition can hold")
        result.rows = []
    return result


def _read_text(path: Path) -> str:
    with path.open("rb") as fh:
        data = fh.read(MAX_BYTES + 1)  # never more: the file may be huge
    if len(data) > MAX_BYTES:
        raise MediaError(f"it is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MediaError(f"it is not UTF-8 text (byte {exc.start + 1})") from None


def _renamed(row: Row, columns: tuple[str, str]) -> Row:
    """The row with the file's value and label columns (`parameters` value=, label=) as name and label."""
    value, label = columns
    if (value, label) == ("name", "label"):
        return row
    cells = {}
    for (base, tag), cell in row.cells.items():
        if base == value:
            cells[("name", None)] = cell
        elif base == label:
            cells[("label", tag)] = cell
        elif base not in ("name", "label"):
            cells[(base, tag)] = cell
    return Row(row.number, cells)


def _csv_rows(text: str) -> list[Row]:
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise MediaError(str(exc)) from None
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise MediaError("it has no header row (name, label)")
    header = [split_header(cell) if cell.strip() else None for cell in lines[0]]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        cells = {column: value.strip() for column, value in zip(header, line) if column and value.strip()}
        if cells:
            rows.append(Row(number, cells))
    return rows


def _xml_rows(text: str) -> list[Row]:
    """ODK's itemset XML, read by expat with every DOCTYPE refused (so no entity can be declared)."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    rows: list[Row] = []
    depth = 0
    item: dict[tuple[str, str | None], Any] | None = None
    item_line = 0
    column: tuple[str, str | None] | None = None
    content: list[str] = []

    def refuse(*_args):
        raise MediaError(f"line {parser.CurrentLineNumber}: a DOCTYPE or entity declaration is not allowed")

    def start(tag, _attributes):
        nonlocal depth, item, item_line, column
        depth += 1
        if depth == 2:
            item, item_line = {}, parser.CurrentLineNumber
        elif depth == 3:
            column, content[:] = split_header(tag), []

    def end(_tag):
        nonlocal depth, item, column
        if depth == 3 and column is not None and item is not None:
            value = "".join(content).strip()
            if value:
                item[column] = value
            column = None
        elif depth == 2 and item:
            rows.append(Row(item_line, item))
        depth -= 1

    def data(chunk):
        if column is not None:
            content.append(chunk)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as exc:
        raise MediaError(f"line {exc.lineno}: {xml.parsers.expat.ErrorString(exc.code)}") from None
    return rows


def _geojson_rows(text: str) -> list[Row]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MediaError(f"line {exc.lineno}: {exc.msg}") from None
    features = document.get("features") if isinstance(document, dict) else None
    if document.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise MediaError("it is not a GeoJSON FeatureCollection with a list of features")
    rows = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            raise MediaError(f"feature {number} has no properties")
        cells: dict[tuple[str, str | None], Any] = {}
        for key, value in properties.items():
            if isinstance(value, (str, int, float)) and not isinstance(value, bool) and cell_text(value):
                base, tag = ("label", None) if str(key).strip().lower() == "title" else split_header(str(key))
                cells.setdefault((base, tag), cell_text(value))
        if ("name", None) not in cells:
            name = cells.pop(("id", None), None) or cell_text(feature.get("id"))
            if name:
                cells[("name", None)] = name
        rows.append(Row(number, cells))
    return rows
