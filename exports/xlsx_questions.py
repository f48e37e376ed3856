"""One sheet per section: each question's table (per county and total) and a native chart.

Every block starts with the question text, then a row whose first cell is the
question's key (its Data column, e.g. `lok.har_lok` or `hinder.hinder/arbete`),
then two header rows (a group row and a label row) and one row per county,
the total last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from openpyxl.chart import Reference

from .aggregate import ChoiceTable, MatrixTable, SectionResult, ValueTable
from .report import Report
from .xlsx_charts import CATEGORICAL, bar_chart, cell_ref, ordinal_colors, rows_for
from .xlsx_style import SheetWriter, cell, landscape, lines_needed

MAX_SERIES = 4  # clustered charts show each county only when there are this few


@dataclass
class Col:
    group: str | None
    header: str
    values: Sequence[Any]
    style: str  # label | int | pct | dec | sek | text


@dataclass
class Placed:
    header_row: int
    first_row: int
    last_row: int
    columns: list[Col]

    def index(self, header_group: str) -> list[int]:
        """1-based column numbers of the columns in a header group."""
        return [i for i, c in enumerate(self.columns, 1) if c.group == header_group]


def _value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    return value


WIDTHS = {"label": 34.0, "int": 9.0, "pct": 9.0, "dec": 10.0, "sek": 15.0, "text": 12.0}


def column_widths(blocks: list[list[Col]], label_width: float = WIDTHS["label"]) -> list[float]:
    """Widths for a sheet holding these tables: per column, the widest need of any table."""
    widths: list[float] = []
    for cols in blocks:
        for i, col in enumerate(cols):
            if col.style == "label":
                need = label_width
            else:  # wide enough for the longest word of the header, so wrapping never splits a word
                longest = max((len(word) for word in col.header.split()), default=0)
                need = max(WIDTHS[col.style], min(16.0, longest + 2.5))
            if i < len(widths):
                widths[i] = max(widths[i], need)
            else:
                widths.append(need)
    return widths or [label_width]


def write_table(w: SheetWriter, title: str, key: str, note: str, columns: list[Col], total_last: bool = True) -> Placed:
    """Title, key and note rows, the two header rows, then one row per group.

    The title and the note are merged across the table and wrapped; header
    rows get the height their wrapped labels need.
    """
    ws = w.ws
    last_col = len(columns)
    table_width = w.width(1, last_col)
    w.append([cell(ws, title, "fk_qtitle")], height=16.5 * lines_needed(title, table_width, 1.25) + 3)
    w.merge(1, last_col)
    note_lines = lines_needed(note, w.width(2, last_col), 0.8) if note else 1
    w.append([cell(ws, key, "fk_key"), cell(ws, note or None, "fk_notewrap")], height=12.5 * note_lines + 3)
    w.merge(2, last_col)
    group_cells, spans = [], []
    for i, col in enumerate(columns, 1):
        if col.group and (i == 1 or columns[i - 2].group != col.group):
            group_cells.append(cell(ws, col.group, "fk_group"))
            spans.append([i, i])
        else:
            group_cells.append(cell(ws, None, "fk_group") if col.group else None)
            if col.group:
                spans[-1][1] = i
    group_lines = max([lines_needed(columns[a - 1].group, w.width(a, b), 0.85) for a, b in spans] or [1])
    w.append(group_cells, height=12.5 * group_lines + 3)
    for a, b in spans:
        w.merge(a, b)
    header_lines = max(lines_needed(c.header, w.width(i, i), 1.05) for i, c in enumerate(columns, 1))
    header_row = w.append([cell(ws, c.header, "fk_header") for c in columns], height=14.5 * header_lines + 3)
    n = len(columns[0].values)
    first = w.row + 1
    for i in range(n):
        total = total_last and i == n - 1
        row = []
        for col in columns:
            style = "fk_label" if col.style == "label" else f"fk_{col.style}"
            if total:
                style = "fk_label_total" if col.style == "label" else f"{style}_total"
            if col.style == "text" and not total:
                style = None
            row.append(cell(ws, _value(col.values[i]), style))
        label = columns[0].values[i]
        height = None
        if columns[0].style == "label" and isinstance(label, str):
            label_lines = lines_needed(label, w.width(1, 1))
            height = 15 * label_lines + 1 if label_lines > 1 else None
        w.append(row, height=height)
    return Placed(header_row, first, w.row, columns)


def note_choice(report: Report) -> str:
    """The note under a choice question: what the shares are of, and what the columns outside them mean."""
    return report.gettext(
        "Shares are of the substantive answers. \"Don't know\" and other special answers are reported apart, as "
        "counts and as shares of all answers. \"Not applicable (skipped)\": the question was not shown (condition "
        "or another version). \"Not answered\": shown but left empty.")


def note_multi(report: Report) -> str:
    return report.gettext(
        "Several choices allowed: the share is of the respondents who chose at least one substantive option. "
        "\"Don't know\" is reported apart, as a count and a share of all answers.")


def choice_columns(table: ChoiceTable, report: Report, row_header: str) -> list[Col]:
    _, lang = report.gettext, report.lang
    multi = table.kind == "multi"
    share_group = _("Share of respondents (several choices allowed)") if multi else _("Share of substantive answers")
    outside = _("Outside the shares")
    cols = [Col(None, row_header, [g.name for g in table.groups], "label")]
    cols += [Col(_("Count"), o.text(lang), table.counts[:, i], "int") for i, o in enumerate(table.options)]
    cols.append(Col(_("Count"), _("Respondents") if multi else _("Substantive answers"), table.base, "int"))
    shares = table.shares()
    cols += [Col(share_group, o.text(lang), shares[:, i], "pct") for i, o in enumerate(table.options)]
    special_shares = table.special_shares()
    for j, special in enumerate(table.specials):
        cols.append(Col(outside, special.text(lang), table.special_counts[:, j], "int"))
        cols.append(Col(outside, _("%(answer)s, share of all answers", answer=special.text(lang)), special_shares[:, j],
                        "pct"))
    cols.append(Col(outside, _("Not applicable (skipped)"), table.skipped, "int"))
    cols.append(Col(outside, _("Not answered"), table.missing, "int"))
    if table.means is not None:
        cols.append(Col(_("Statistics"), _("Mean score"), table.means, "dec"))
    return cols


def value_columns(table: ValueTable, report: Report) -> list[Col]:
    _, lang = report.gettext, report.lang
    qtype = table.question.type
    number = "sek" if qtype == "money" else ("int" if qtype == "integer" else "dec")
    stat = _("Statistics")
    cols = [Col(None, _("County"), [g.name for g in table.groups], "label"),
            Col(stat, _("Answers"), table.stats["n"], "int")]
    if table.kind == "number":
        cols += [Col(stat, _("Mean"), table.stats["mean"], "sek" if qtype == "money" else "dec"),
                 Col(stat, _("Median"), table.stats["median"], "sek" if qtype == "money" else "dec")]
        cols += [Col(stat, name, table.stats[key], number) for key, name in (("min", _("Min")), ("max", _("Max")),
                                                                              ("sum", _("Sum")))]
    elif table.kind == "date":
        cols += [Col(stat, _("Earliest"), table.stats["first_date"], "text"),
                 Col(stat, _("Latest"), table.stats["last_date"], "text")]
    outside = _("Outside the shares")
    answered = table.stats["n"] + table.special_counts.sum(axis=1)
    for j, special in enumerate(table.specials):
        share = np.divide(table.special_counts[:, j], answered, out=np.full(len(answered), np.nan),
                          where=answered > 0)
        cols.append(Col(outside, special.text(lang), table.special_counts[:, j], "int"))
        cols.append(Col(outside, _("%(answer)s, share of all answers", answer=special.text(lang)), share, "pct"))
    cols.append(Col(outside, _("Not applicable (skipped)"), table.skipped, "int"))
    cols.append(Col(outside, _("Not answered"), table.missing, "int"))
    return cols


def _row_series(ws, placed: Placed, share_cols: list[int], rows: list[int]) -> list[tuple[str, Reference]]:
    return [(cell_ref(ws, r, 1), Reference(ws, min_col=share_cols[0], max_col=share_cols[-1], min_row=r, max_row=r))
            for r in rows]


def _chart_rows(placed: Placed, table: ChoiceTable) -> list[int]:
    """Rows shown as series in a clustered chart: one county alone, a few counties, or the total."""
    counties = len(table.groups) - 1
    rows = list(range(placed.first_row, placed.last_row + 1))
    if counties == 1:
        return rows[:1]
    return rows if counties <= MAX_SERIES else rows[-1:]


#: Tables with more rows than this leave no room for their chart on the same printed page.
ROWS_SHARING_A_PAGE = 8


def _place(w: SheetWriter, chart, height_cm: float, table_rows: int = 0) -> None:
    if table_rows > ROWS_SHARING_A_PAGE:
        w.page_break()
    w.ws.add_chart(chart, f"A{w.row + 2}")
    w.blank(rows_for(height_cm) + 1)


def stacked_chart(w: SheetWriter, placed: Placed, share_group: str) -> None:
    ws = w.ws
    share_cols = placed.index(share_group)
    n_bars = placed.last_row - placed.first_row + 1
    height = max(5.0, 2.2 + (0.62 if n_bars <= 8 else 0.5) * n_bars)
    series = [(cell_ref(ws, placed.header_row, c),
               Reference(ws, min_col=c, max_col=c, min_row=placed.first_row, max_row=placed.last_row))
              for c in share_cols]
    categories = Reference(ws, min_col=1, max_col=1, min_row=placed.first_row, max_row=placed.last_row)
    chart = bar_chart(ws, categories=categories, series=series, colors=ordinal_colors(len(series)),
                      horizontal=True, stacked=True, height_cm=height)
    _place(w, chart, height, n_bars)


def clustered_chart(w: SheetWriter, placed: Placed, table: ChoiceTable, share_group: str, horizontal: bool) -> None:
    ws = w.ws
    share_cols = placed.index(share_group)
    rows = _chart_rows(placed, table)
    categories = Reference(ws, min_col=share_cols[0], max_col=share_cols[-1], min_row=placed.header_row,
                           max_row=placed.header_row)
    series = _row_series(ws, placed, share_cols, rows)
    colors = [CATEGORICAL[i % len(CATEGORICAL)] for i in range(len(series))]
    height = max(5.5, 2.0 + 0.45 * len(share_cols) * len(series)) if horizontal else 7.5
    chart = bar_chart(ws, categories=categories, series=series, colors=colors, horizontal=horizontal,
                      height_cm=height)
    _place(w, chart, height, placed.last_row - placed.first_row + 1)


def write_choice(w: SheetWriter, table: ChoiceTable, report: Report) -> None:
    _ = report.gettext
    note = note_multi(report) if table.kind == "multi" else note_choice(report)
    cols = choice_columns(table, report, _("County"))
    placed = write_table(w, table.question.text(report.lang), table.key, note, cols)
    share_group = cols[len(table.options) + 2].group
    if table.base[-1] > 0 and table.options:
        if table.question.type == "scale":
            stacked_chart(w, placed, share_group)
        else:
            clustered_chart(w, placed, table, share_group, horizontal=table.kind == "multi")
    w.blank(1)


def write_matrix(w: SheetWriter, table: MatrixTable, report: Report) -> None:
    _, lang = report.gettext, report.lang
    summary = table.summary(lang)
    cols = choice_columns(summary, report, _("Statement"))
    note = _("Summary of all statements (total), then each statement per county.") + " " + note_choice(report)
    placed = write_table(w, table.question.text(lang), table.key, note, cols, total_last=False)
    share_group = cols[len(summary.options) + 2].group
    if summary.base.sum() > 0:
        stacked_chart(w, placed, share_group)
    w.blank(1)
    for row in table.rows:
        w.page_break()
        cols = choice_columns(row, report, _("County"))
        placed = write_table(w, row.item.text(lang), row.key, table.question.text(lang), cols)
        if row.base[-1] > 0 and len(row.groups) > 2:
            stacked_chart(w, placed, share_group)
        w.blank(1)


def write_values(w: SheetWriter, table: ValueTable, report: Report) -> None:
    _ = report.gettext
    note = ""
    if table.kind == "number":
        note = _("The statistics cover the answers that are numbers. \"Don't know\" is counted apart.")
    elif table.kind == "text":
        note = _("The free-text answers are in the sheet Free text.")
    cols = value_columns(table, report)
    placed = write_table(w, table.question.text(report.lang), table.key, note, cols)
    if table.kind == "number" and table.stats["n"][-1] > 0:
        ws = w.ws
        mean_col = 3
        rows = placed.last_row - placed.first_row + 1
        height = max(5.0, 2.0 + 0.55 * rows)
        chart = bar_chart(
            ws, categories=Reference(ws, min_col=1, min_row=placed.first_row, max_row=placed.last_row),
            series=[(cell_ref(ws, placed.header_row, mean_col),
                     Reference(ws, min_col=mean_col, min_row=placed.first_row, max_row=placed.last_row))],
            colors=[CATEGORICAL[0]], horizontal=True, percent=False, height_cm=height,
            number_format='#,##0 "kr"' if table.question.type == "money" else "#,##0.0",
        )
        _place(w, chart, height, rows)
    w.blank(1)


def _blocks(result: SectionResult, report: Report) -> list[list[Col]]:
    """The column lists of every table of a section, to size the sheet's columns before writing."""
    _ = report.gettext
    blocks = []
    for table in result.tables:
        if isinstance(table, MatrixTable):
            blocks.append(choice_columns(table.summary(report.lang), report, _("Statement")))
            blocks += [choice_columns(row, report, _("County")) for row in table.rows]
        elif isinstance(table, ChoiceTable):
            blocks.append(choice_columns(table, report, _("County")))
        else:
            blocks.append(value_columns(table, report))
    return blocks


def write_section(ws, result: SectionResult, report: Report, number: int) -> None:
    """Fill a (write-only) section sheet: one printed page per question."""
    landscape(ws)
    has_matrix = any(isinstance(table, MatrixTable) for table in result.tables)
    w = SheetWriter(ws, column_widths(_blocks(result, report), 44.0 if has_matrix else WIDTHS["label"]))
    ws.freeze_panes = "B1"
    title = f"{number}. {result.section.text(report.lang)}"
    w.append([cell(ws, title, "fk_title")], height=22)
    w.append([cell(ws, report.title, "fk_note")])
    w.blank(1)
    for i, table in enumerate(result.tables):
        if i and not (isinstance(table, ValueTable) and table.kind != "number"):
            w.page_break()
        if isinstance(table, MatrixTable):
            write_matrix(w, table, report)
        elif isinstance(table, ChoiceTable):
            write_choice(w, table, report)
        else:
            write_values(w, table, report)
