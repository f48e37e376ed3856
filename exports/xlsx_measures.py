"""The sheets of a questionnaire's own figures (exports/measures): a sheet per measure, and one per listing.

A measure's sheet holds its summary tables one under the other, each with its title, note, a group
header row and a header row, sums in bold; it prints landscape, one page wide, and a table that
would not fit on what is left of a page starts on the next. A listing (one row per submission: the
NAD rule check, the costs per municipality and year) gets a sheet of its own with a filter, its
header row frozen and repeated on every printed page, and broken rules shaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from forms.formatting import DASH

from .measures import Measure, MeasureColumn, MeasureTable
from .report import Report
from .safety import safe_value
from .xlsx_fast import RowWriter, Styled
from .xlsx_questions import Col, column_widths
from .xlsx_style import Paper, SheetWriter, cell, lines_needed, page_setup, set_widths, sheet_name

#: The table style of each kind of column (see measures.model.KINDS); flags are text.
STYLES = {"label": "label", "text": "text", "int": "int", "pct": "pct", "dec": "dec", "sek": "sek", "year": "year",
          "date": "date", "flag": "text"}
LISTING_WIDTHS = {"text": 18.0, "int": 9.0, "pct": 9.0, "dec": 9.0, "sek": 13.0, "year": 7.0, "date": 11.0,
                  "flag": 11.0, "label": 22.0}


@dataclass
class MeasureSheet:
    """A sheet to write: a measure's summary tables, or one listing table."""

    name: str
    description: str
    measure: Measure
    tables: list[MeasureTable]
    listing: bool

    def write(self, ws, report: Report) -> None:
        if self.listing:
            write_listing(ws, report, self.measure, self.tables[0])
        else:
            write_summary(ws, report, self.measure, self.tables)


def measure_sheets(report: Report, taken: set[str]) -> list[MeasureSheet]:
    """The sheets of the report's measures, named uniquely among `taken`."""
    sheets = []
    for measure in report.measures:
        summary = [t for t in measure.tables if not t.listing]
        if summary:
            sheets.append(MeasureSheet(sheet_name(measure.title, taken), measure.note, measure, summary, False))
        for table in measure.tables:
            if table.listing:
                sheets.append(MeasureSheet(sheet_name(table.sheet or table.title, taken), table.title, measure,
                                           [table], True))
    return sheets


def _flag(report: Report, value: Any) -> Any:
    """A rule's flag as the words a reader filters on: Yes (it holds) or No (broken), shaded."""
    if value is None:
        return None
    return Styled(report.gettext("Yes"), "fk_answer") if value else Styled(report.gettext("No"), "fk_marked")


def _cells(ws, report: Report, columns: list[MeasureColumn], values: list[Any], strong: bool, dash: bool) -> list:
    row = []
    for col, value in zip(columns, values):
        if col.kind == "flag":
            flag = _flag(report, value)
            row.append(cell(ws, flag.value, flag.style) if flag else None)
            continue
        style = STYLES[col.kind]
        name = ("fk_label" if style == "label" else None if style == "text" else f"fk_{style}")
        if strong:
            name = "fk_label_total" if style == "label" else "fk_text_total" if style == "text" else f"{name}_total"
        if value is None and dash and style not in ("label", "text"):
            value = DASH
        row.append(cell(ws, value, name))
    return row


def _write_table(w: SheetWriter, report: Report, table: MeasureTable) -> None:
    """Title, note, group and header rows, then the rows; kept on one printed page when it fits."""
    ws, columns = w.ws, table.columns
    last = len(columns)
    width = w.width(1, last)
    mark = w.block()
    w.append([cell(ws, table.title, "fk_qtitle")], height=16.5 * lines_needed(table.title, width, 1.25) + 3)
    w.merge(1, last)
    w.append([cell(ws, table.note, "fk_notewrap")], height=12.5 * lines_needed(table.note, width, 0.8) + 3)
    w.merge(1, last)
    groups, spans = [], []
    for i, col in enumerate(columns, 1):
        starts = col.group and (i == 1 or columns[i - 2].group != col.group)
        groups.append(cell(ws, col.group if starts else None, "fk_group") if col.group else None)
        if starts:
            spans.append([i, i])
        elif col.group:
            spans[-1][1] = i
    group_lines = max([lines_needed(columns[a - 1].group, w.width(a, b), 0.85) for a, b in spans] or [1])
    w.append(groups, height=12.5 * group_lines + 3)
    for a, b in spans:
        w.merge(a, b)
    header_lines = max(lines_needed(c.header, w.width(i, i), 1.05) for i, c in enumerate(columns, 1))
    w.append([cell(ws, c.header, "fk_header") for c in columns], height=14.5 * header_lines + 3)
    for values, strong in zip(table.rows, table.strong):
        w.append(_cells(ws, report, columns, values, strong, dash=True))
    if not table.rows:
        w.append([cell(ws, report.gettext("No submissions match the filter."), "fk_note")])
    w.blank()
    w.end_block(mark)


def write_summary(ws, report: Report, measure: Measure, tables: list[MeasureTable]) -> None:
    """The measure's title and note, then its summary tables."""
    widths = column_widths([[Col(c.group, c.header, [], STYLES[c.kind]) for c in t.columns] for t in tables],
                           label_width=24.0)
    page_setup(ws, report.title, report.gettext("Page &P of &N"))
    w = SheetWriter(ws, widths, paper=Paper(landscape=True))
    w.append([cell(ws, measure.title, "fk_title")], height=22)
    w.append([cell(ws, measure.note, "fk_notewrap")], height=12.5 * lines_needed(measure.note, sum(widths), 0.8) + 3)
    w.merge(1, len(widths))
    w.blank()
    for table in tables:
        _write_table(w, report, table)


def write_listing(ws, report: Report, measure: Measure, table: MeasureTable) -> None:
    """Title, note, header row (frozen, repeated, filtered), then one row per submission."""
    columns = table.columns
    widths = [max(LISTING_WIDTHS[c.kind], min(16.0, max((len(word) for word in c.header.split()), default=0) + 1.5))
              for c in columns]
    set_widths(ws, widths)
    ws.freeze_panes = "A4"
    page_setup(ws, report.title, report.gettext("Page &P of &N"), title_rows="3:3")
    rows = RowWriter(ws)
    rows.append([Styled(safe_value(f"{table.title} · {report.title}"), "fk_title")], height=22)
    rows.append([Styled(table.note, "fk_note")])
    header_lines = max(lines_needed(c.header, width, 1.05) for c, width in zip(columns, widths))
    rows.append([Styled(c.header, "fk_header") for c in columns], height=14.5 * min(header_lines, 6) + 3)
    styles = {"int": "fk_int", "pct": "fk_pct", "dec": "fk_dec", "sek": "fk_sek", "year": "fk_year_cell",
              "date": "fk_date_cell"}
    for values in table.rows:
        row = []
        for col, value in zip(columns, values):
            if col.kind == "flag":
                row.append(_flag(report, value))
            elif value is None:
                row.append(None)
            elif col.kind in styles:
                row.append(Styled(value, styles[col.kind]))
            else:
                row.append(safe_value(value))
        rows.append(row)
    ws.auto_filter.ref = f"A3:{get_column_letter(len(columns))}{max(rows.row, 3)}"
