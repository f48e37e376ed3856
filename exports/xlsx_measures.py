"""The sheets of a questionnaire's own figures (exports/measures): a sheet per table.

A measure's first sheet is named after it and opens with its title and note. Each sheet holds a
title, a note, a group header row and a header row (frozen on screen, repeated on every printed
page, landscape and one page wide), then the rows, sums in bold. A listing (one row per
submission: the NAD rule check, the costs per municipality and year) also gets a filter on its
header row, and broken rules are shaded.
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
from .xlsx_questions import WIDTHS
from .xlsx_style import Paper, SheetWriter, cell, lines_needed, page_setup, set_widths, sheet_name

#: The table style of each kind of column (see measures.model.KINDS); flags are text.
STYLES = {"label": "label", "text": "text", "int": "int", "pct": "pct", "dec": "dec", "sek": "sek", "year": "year",
          "date": "date", "flag": "text"}
LISTING_WIDTHS = {"text": 18.0, "int": 9.0, "pct": 9.0, "dec": 9.0, "sek": 13.0, "year": 7.0, "date": 11.0,
                  "flag": 11.0, "label": 22.0}


@dataclass
class MeasureSheet:
    """A sheet to write: one table of a measure; the measure's first also carries its title and note."""

    name: str
    description: str
    measure: Measure
    table: MeasureTable
    first: bool

    def write(self, ws, report: Report) -> None:
        if self.table.listing:
            write_listing(ws, report, self.table)
        else:
            write_summary(ws, report, self.measure if self.first else None, self.table)


def measure_sheets(report: Report, taken: set[str]) -> list[MeasureSheet]:
    """A sheet per table of the report's measures, named uniquely among `taken`: the first after the measure."""
    sheets = []
    for measure in report.measures:
        for i, table in enumerate(measure.tables):
            name = sheet_name(measure.title if i == 0 else table.sheet or table.title, taken)
            sheets.append(MeasureSheet(name, table.title, measure, table, i == 0))
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


def _widths(columns: list[MeasureColumn]) -> list[float]:
    """Per column, its kind's width, or enough for the longest word of its header (bold, so a little more)."""
    return [max(WIDTHS[STYLES[c.kind]] if c.kind != "label" else 24.0,
                min(16.0, 1.15 * max((len(word) for word in c.header.split()), default=0) + 2)) for c in columns]


def write_summary(ws, report: Report, measure: Measure | None, table: MeasureTable) -> None:
    """The measure's title and note (on its first sheet), the table's title and note, its header rows
    (frozen, and repeated on every printed page), then its rows, sums in bold."""
    columns = table.columns
    widths = _widths(columns)
    page_setup(ws, report.title, report.gettext("Page &P of &N"))
    w = SheetWriter(ws, widths, paper=Paper(landscape=True))
    last, width = len(columns), sum(widths)
    if measure is not None:
        w.append([cell(ws, measure.title, "fk_title")], height=22)
        w.append([cell(ws, measure.note, "fk_notewrap")], height=12.5 * lines_needed(measure.note, width, 0.8) + 3)
        w.merge(1, last)
        w.blank()
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
    first_header = w.row + 1
    if spans:
        group_lines = max(lines_needed(columns[a - 1].group, w.width(a, b), 0.85) for a, b in spans)
        w.append(groups, height=12.5 * group_lines + 3)
        for a, b in spans:
            w.merge(a, b)
    header_lines = max(lines_needed(c.header, w.width(i, i), 1.05) for i, c in enumerate(columns, 1))
    w.append([cell(ws, c.header, "fk_header") for c in columns], height=14.5 * header_lines + 3)
    ws.print_title_rows = f"{first_header}:{w.row}"
    ws.freeze_panes = f"A{w.row + 1}"
    for values, strong in zip(table.rows, table.strong):
        label = values[0] if columns[0].kind == "label" and isinstance(values[0], str) else ""
        lines = lines_needed(label, widths[0]) if label else 1
        w.append(_cells(ws, report, columns, values, strong, dash=True), height=15 * lines + 1 if lines > 1 else None)
    if not table.rows:
        w.append([cell(ws, report.gettext("No submissions match the filter."), "fk_note")])


def write_listing(ws, report: Report, table: MeasureTable) -> None:
    """Title, note, the group and header rows (frozen, repeated, filtered), then one row per submission."""
    columns = table.columns
    widths = [max(LISTING_WIDTHS[c.kind], width) for c, width in zip(columns, _widths(columns))]
    set_widths(ws, widths)
    page_setup(ws, report.title, report.gettext("Page &P of &N"), title_rows="3:4")
    ws.freeze_panes = "A5"
    rows = RowWriter(ws)
    rows.append([Styled(safe_value(f"{table.title} · {report.title}"), "fk_title")], height=22)
    rows.append([Styled(table.note, "fk_note")])
    groups, column = [], 1
    for group, span in table.header_groups():
        groups += [Styled(group, "fk_group") if group else None] * span
        if group and span > 1:
            ws.merged_cells.add(f"{get_column_letter(column)}3:{get_column_letter(column + span - 1)}3")
        column += span
    rows.append(groups, height=15)
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
    ws.auto_filter.ref = f"A4:{get_column_letter(len(columns))}{max(rows.row, 4)}"
