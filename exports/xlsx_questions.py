"""One sheet per section: each question's table (per county and total) and a native chart.

Every block starts with the question text, then a note, then two header rows
(a group row and a label row) and one row per county, the total last. Its
chart, titled with the question, n and the filter, is anchored beside the
table when the sheet has room for it there or the table is long, else right
below it; a page break before a block that would not fit on what is left of
the page keeps table and chart on one printed page.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from openpyxl.chart import Reference
from openpyxl.utils import get_column_letter

from forms.formatting import DASH

from .aggregate import ChoiceTable, MatrixTable, SectionResult, ValueTable
from .captions import chart_caption, filter_summary, is_year
from .protected import ChoiceCells, ValueCells
from .report import Report
from .suppression import PROTECTING
from .xlsx_charts import CATEGORICAL, POINTS_PER_CM, WIDTH_CM, bar_chart, cell_ref, ordinal_colors, title_lines
from .xlsx_style import DECIMAL, DEFAULT_ROW, SEK, SheetWriter, cell, column_points, lines_needed, page_setup

MAX_SERIES = 4  # clustered charts show each county only when there are this few


@dataclass
class Col:
    group: str | None
    header: str
    values: Sequence[Any]
    style: str  # label | int | pct | dec | sek | text | date | year | yearmean


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


WIDTHS = {"label": 30.0, "int": 8.0, "pct": 7.5, "dec": 9.0, "sek": 14.0, "text": 12.0, "date": 11.0,
          "year": 8.0, "yearmean": 8.0}


def column_widths(blocks: list[list[Col]], label_width: float = WIDTHS["label"]) -> list[float]:
    """Widths for a sheet holding these tables: per column, the widest need of any table."""
    widths: list[float] = []
    for cols in blocks:
        for i, col in enumerate(cols):
            if col.style == "label":
                need = label_width
            else:  # wide enough for the longest word of the header, so wrapping never splits a word
                longest = max((len(word) for word in col.header.split()), default=0)
                need = max(WIDTHS[col.style], min(15.0, longest + 1.5))
            if i < len(widths):
                widths[i] = max(widths[i], need)
            else:
                widths.append(need)
    return widths or [label_width]


def write_table(w: SheetWriter, title: str, note: str, columns: list[Col], total_last: bool = True,
                totals: int = 1) -> Placed:
    """Title and note rows, the two header rows, then one row per group; the last `totals` rows are totals.

    The title and the note are merged across the table and wrapped; header
    rows get the height their wrapped labels need.
    """
    ws = w.ws
    last_col = len(columns)
    table_width = w.width(1, last_col)
    w.append([cell(ws, title, "fk_qtitle")], height=16.5 * lines_needed(title, table_width, 1.25) + 3)
    w.merge(1, last_col)
    note_lines = lines_needed(note, table_width, 0.8) if note else 1
    w.append([cell(ws, note or None, "fk_notewrap")], height=12.5 * note_lines + 3)
    w.merge(1, last_col)
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
        total = total_last and i >= n - totals
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


def note_country(report: Report, note: str) -> str:
    """The note, and what the whole country's row under the total is, when the tables have one."""
    if not report.country:
        return note
    more = report.gettext("\"Whole country\": every county's submissions in the same period, for comparison.")
    return f"{note} {more}".strip()


def note_suppression(report: Report) -> str | None:
    """What the hidden cells mean, for the top of a sheet; None when nothing is hidden."""
    hide = report.suppression
    if not hide.active:
        return None
    return report.gettext("Small numbers are hidden: counts from 1 to %(below)s show as %(marker)s, and shares and "
                          "statistics computed from them as –.", below=hide.min_count - 1, marker=hide.marker) + \
        " " + note_protecting(report)


def note_protecting(report: Report) -> str:
    """What ".." means: a count hidden so that a hidden small count cannot be worked out from the totals."""
    return report.gettext("%(marker)s: hidden to protect another cell (the count may be larger).",
                          marker=PROTECTING)


def with_protecting(note: str, cells: ChoiceCells | ValueCells, report: Report) -> str:
    """A table's note, saying what ".." means when the table has such a cell."""
    return f"{note} {note_protecting(report)}".strip() if cells.any_secondary else note


def choice_columns(table: ChoiceTable, report: Report, row_header: str, shown: ChoiceCells) -> list[Col]:
    """The columns of a choice table (as shown); `shown` its hidden cells (see `exports.protected`)."""
    _, lang = report.gettext, report.lang
    hide = report.hide(table.question)
    multi = table.kind == "multi"
    share_group = _("Share of respondents (several choices allowed)") if multi else _("Share of substantive answers")
    outside = _("Outside the shares")
    cols = [Col(None, row_header, [g.name for g in table.groups], "label")]
    cols += [Col(_("Count"), o.text(lang), shown.column(i), "int") for i, o in enumerate(table.options)]
    cols.append(Col(_("Count"), _("Respondents") if multi else _("Substantive answers"), shown.column(shown.base),
                    "int"))
    shares = table.shares()
    cols += [Col(share_group, o.text(lang), shown.cells.figures(shares[:, i], i, shown.base), "pct")
             for i, o in enumerate(table.options)]
    special_shares = table.special_shares()
    every_answer = [shown.base] + [shown.special(j) for j in range(len(table.specials))]
    for j, special in enumerate(table.specials):
        # a share of all answers, with its count, tells all answers: it rests on each of them
        cols.append(Col(outside, special.text(lang), shown.column(shown.special(j)), "int"))
        cols.append(Col(outside, _("%(answer)s, share of all answers", answer=special.text(lang)),
                        shown.cells.figures(special_shares[:, j], *every_answer, also=hide.hidden(table.answered)),
                        "pct"))
    cols.append(Col(outside, _("Not applicable (skipped)"), shown.column(shown.skipped), "int"))
    cols.append(Col(outside, _("Not answered"), shown.column(shown.missing), "int"))
    if table.means is not None:
        # a mean over a row with a hidden count is a dash: with n it can tell the hidden counts
        cols.append(Col(_("Statistics"), _("Mean score"),
                        shown.cells.figures(table.means, shown.base, *range(len(table.options))), "dec"))
    return cols


def _dates(values) -> list:
    """ISO date strings as dates (Excel sorts and formats them); anything else as it is."""
    out = []
    for value in values:
        try:
            out.append(datetime.date.fromisoformat(value) if isinstance(value, str) else value)
        except ValueError:
            out.append(value)
    return out


def value_columns(table: ValueTable, report: Report, shown: ValueCells) -> list[Col]:
    """The columns of a number, date or text table (as shown); `shown` its hidden cells."""
    _, lang = report.gettext, report.lang
    hide = report.hide(table.question)
    qtype = table.question.type
    year = is_year(table.question)
    number = "sek" if qtype == "money" else ("int" if qtype == "integer" else "dec")
    average = "sek" if qtype == "money" else "dec"
    if year:
        number, average = "year", "yearmean"
    stat = _("Statistics")
    answers = table.stats["n"]

    def stats(key: str):  # a dash, not 0 kr or an empty cell, where there is nothing to count
        return shown.cells.figures([DASH if n == 0 else v for n, v in zip(answers, table.stats[key])], shown.n)

    cols = [Col(None, report.group_header, [g.name for g in table.groups], "label"),
            Col(stat, _("Answers"), shown.column(shown.n), "int")]
    if table.kind == "number":
        cols += [Col(stat, _("Mean"), stats("mean"), average), Col(stat, _("Median"), stats("median"), average),
                 Col(stat, _("Min"), stats("min"), number), Col(stat, _("Max"), stats("max"), number)]
        if not year:  # a sum of years means nothing
            cols.append(Col(stat, _("Sum"), stats("sum"), number))
    elif table.kind == "date":
        cols += [Col(stat, _("Earliest"), _dates(stats("first_date")), "date"),
                 Col(stat, _("Latest"), _dates(stats("last_date")), "date")]
    outside = _("Outside the shares")
    answered = table.stats["n"] + table.special_counts.sum(axis=1)
    every_answer = [shown.n] + [shown.special(j) for j in range(len(table.specials))]
    for j, special in enumerate(table.specials):
        share = np.divide(table.special_counts[:, j], answered, out=np.full(len(answered), np.nan),
                          where=answered > 0)
        cols.append(Col(outside, special.text(lang), shown.column(shown.special(j)), "int"))
        cols.append(Col(outside, _("%(answer)s, share of all answers", answer=special.text(lang)),
                        shown.cells.figures(share, *every_answer, also=hide.hidden(answered)), "pct"))
    cols.append(Col(outside, _("Not applicable (skipped)"), shown.column(shown.skipped), "int"))
    cols.append(Col(outside, _("Not answered"), shown.column(shown.missing), "int"))
    return cols


# -- charts -------------------------------------------------------------------

def n_hidden(shown: ChoiceCells | ValueCells, column: int, rows: list[int] | None = None) -> bool:
    """Whether a chart's n (this column, in these rows or all) is hidden: "n = 3" would tell what "<5" hides."""
    hidden = shown.cells.hidden[:, column]
    return bool((hidden if rows is None else hidden[rows]).any())


#: Section sheets are planned at least this wide (points), so they print at about 70 % and a
#: page holds a few questions; a table and its chart side by side may make a sheet up to
#: BESIDE_MAX wide (about 60 %).
MIN_WIDTH = 1100.0
BESIDE_MAX = 1300.0
#: Tables with more rows than this get their chart beside them: below, both would not fit a page.
ROWS_SHARING_A_PAGE = 8
GAP_COLUMNS = 1
BESIDE_CM = (10.0, 16.0)  # narrowest and widest chart beside a table


@dataclass
class Layout:
    """Where a section sheet's charts go: the sheet's planned width and its column widths."""

    widths: list[float]
    width: float = MIN_WIDTH

    def left(self, col: int) -> float:
        """Points from the sheet's left edge to the left edge of column `col` (1-based)."""
        return sum(column_points(self.widths[i] if i < len(self.widths) else 9.0) for i in range(col - 1))

    def beside(self, columns: int, rows: int) -> float | None:
        """The width (cm) of a chart beside a table of this many columns and rows, or None: below it."""
        room = (self.width - self.left(columns + 1 + GAP_COLUMNS)) / POINTS_PER_CM
        if rows > ROWS_SHARING_A_PAGE:
            return max(BESIDE_CM[0], min(BESIDE_CM[1], room))
        return min(BESIDE_CM[1], room) if room >= BESIDE_CM[0] else None

    def need(self, columns: int, rows: int) -> float:
        """The width a table and its chart need, to plan the sheet's width."""
        table = self.left(columns + 1)
        if rows > ROWS_SHARING_A_PAGE:
            return self.left(columns + 1 + GAP_COLUMNS) + BESIDE_CM[1] * POINTS_PER_CM
        if self.left(columns + 1 + GAP_COLUMNS) + BESIDE_CM[0] * POINTS_PER_CM <= BESIDE_MAX:
            return self.left(columns + 1 + GAP_COLUMNS) + BESIDE_CM[0] * POINTS_PER_CM
        return max(table, WIDTH_CM * POINTS_PER_CM)


def _counties(table) -> int:
    return len(table.groups) - 1


def _place(w: SheetWriter, chart, placed: Placed, mark: tuple[int, float], height_cm: float,
           beside: bool) -> None:
    """Anchor the chart beside the table (from its title row) or two rows below it, and keep its rows free."""
    height = height_cm * POINTS_PER_CM
    if beside:
        w.ws.add_chart(chart, f"{get_column_letter(len(placed.columns) + 1 + GAP_COLUMNS)}{mark[0]}")
        taken = w.used - mark[1]
    else:
        w.ws.add_chart(chart, f"A{w.row + 2}")
        w.blank(1)
        taken = 0.0
    if height > taken:
        w.blank(math.ceil((height - taken) / DEFAULT_ROW) + 1)


def _titled_height(height_cm: float, title: str, width_cm: float = WIDTH_CM) -> float:
    return height_cm + 0.45 * title_lines(title, width_cm) + 0.3


def _chart_width(w: SheetWriter, placed: Placed) -> tuple[float, bool]:
    """The width (cm) of the chart of this table, and whether it goes beside it."""
    layout: Layout = w.layout
    width = layout.beside(len(placed.columns), placed.last_row - placed.first_row + 1)
    return (width, True) if width else (WIDTH_CM, False)


def stacked_chart(w: SheetWriter, placed: Placed, mark, share_group: str, title: str, rows: list[int] | None = None,
                  ordered: bool = True) -> None:
    """100 % stacked bars, one per row of the table (or per row in `rows`, consecutive)."""
    ws = w.ws
    share_cols = placed.index(share_group)
    first, last = (rows[0], rows[-1]) if rows else (placed.first_row, placed.last_row)
    n_bars = last - first + 1
    width, beside = _chart_width(w, placed)
    height = _titled_height(max(3.2, 2.0 + (0.62 if n_bars <= 8 else 0.5) * n_bars), title, width)
    if beside and n_bars > ROWS_SHARING_A_PAGE:  # as tall as the table beside it, so every label shows
        height = max(height, 0.9 * (w.used - mark[1]) / POINTS_PER_CM)
    series = [(cell_ref(ws, placed.header_row, c), Reference(ws, min_col=c, max_col=c, min_row=first, max_row=last))
              for c in share_cols]
    colors = ordinal_colors(len(series)) if ordered else [CATEGORICAL[i % len(CATEGORICAL)] for i in range(len(series))]
    categories = Reference(ws, min_col=1, max_col=1, min_row=first, max_row=last)
    chart = bar_chart(ws, categories=categories, series=series, colors=colors, horizontal=True, stacked=True,
                      height_cm=height, width_cm=width, title=title)
    _place(w, chart, placed, mark, height, beside)


def clustered_chart(w: SheetWriter, placed: Placed, mark, table: ChoiceTable, share_group: str, title: str) -> None:
    """Horizontal bars per option; a series per county when there are a few, else the total."""
    ws = w.ws
    share_cols = placed.index(share_group)
    rows = _chart_rows(placed, table)
    categories = Reference(ws, min_col=share_cols[0], max_col=share_cols[-1], min_row=placed.header_row,
                           max_row=placed.header_row)
    series = _row_series(ws, placed, share_cols, rows)
    colors = [CATEGORICAL[i % len(CATEGORICAL)] for i in range(len(series))]
    width, beside = _chart_width(w, placed)
    height = _titled_height(max(3.2, 1.6 + 0.5 * len(share_cols) * len(series)), title, width)
    chart = bar_chart(ws, categories=categories, series=series, colors=colors, horizontal=True,
                      height_cm=height, width_cm=width, title=title)
    _place(w, chart, placed, mark, height, beside)


def _row_series(ws, placed: Placed, share_cols: list[int], rows: list[int]) -> list[tuple[str, Reference]]:
    return [(cell_ref(ws, r, 1), Reference(ws, min_col=share_cols[0], max_col=share_cols[-1], min_row=r, max_row=r))
            for r in rows]


def _chart_rows(placed: Placed, table: ChoiceTable) -> list[int]:
    """Rows shown as series in a clustered chart: one county alone, a few counties, or the total.

    The whole country's row, under the total when the table has one, is always a series.
    """
    counties = _counties(table)
    rows = list(range(placed.first_row, placed.last_row + 1))
    country = rows[counties + 1:]
    if counties == 1:
        return rows[:1] + country
    return (rows[:counties + 1] if counties <= MAX_SERIES else [rows[counties]]) + country


# -- questions ------------------------------------------------------------------

def write_choice(w: SheetWriter, table: ChoiceTable, report: Report) -> None:
    """A single, yes/no, scale or multi question: its table and its chart, on one printed page."""
    _ = report.gettext
    mark = w.block()
    note = note_country(report, note_multi(report) if table.kind == "multi" else note_choice(report))
    note = f"{report.note_grouped(table)} {report.note_sensitive(table.question)} {note}".strip()
    shown = report.protect(table)
    cols = choice_columns(report.shown(table), report, report.group_header, shown)
    text = table.question.text(report.lang)
    placed = write_table(w, text, with_protecting(note, shown, report), cols, totals=report.totals(table))
    share_group = cols[len(table.options) + 2].group
    if table.base[-1] > 0 and table.options and not n_hidden(shown, shown.base, [len(table.groups) - 1]):
        title = chart_caption(report, text, [table.base[-1]])
        if table.kind == "multi":
            clustered_chart(w, placed, mark, table, share_group, title)
        elif _counties(table) > 1:  # a bar per county, and the total
            stacked_chart(w, placed, mark, share_group, title, ordered=table.question.type == "scale")
        elif table.question.type == "scale":
            stacked_chart(w, placed, mark, share_group, title, rows=None if report.country else [placed.first_row])
        else:
            clustered_chart(w, placed, mark, table, share_group, title)
    w.blank(1)
    w.end_block(mark)


def write_matrix(w: SheetWriter, table: MatrixTable, report: Report) -> None:
    """A summary of all statements with its chart; with several counties, each statement per county."""
    _, lang = report.gettext, report.lang
    summary = report.matrix_summary(table)
    shown = report.protect_summary(table)
    cols = choice_columns(summary, report, _("Statement"), shown)
    several = _counties(table.rows[0]) > 1
    note = note_country(report, (_("Summary of all statements (total), then each statement per county.") if several
                                 else _("Summary of all statements.")) + " " + note_choice(report))
    note = f"{report.note_sensitive(table.question)} {note}".strip()
    text = table.question.text(lang)
    mark = w.block()
    placed = write_table(w, text, with_protecting(note, shown, report), cols, total_last=False)
    share_group = cols[len(summary.options) + 2].group
    if summary.base.sum() > 0 and not n_hidden(shown, shown.base):
        stacked_chart(w, placed, mark, share_group, chart_caption(report, text, summary.base))
    w.blank(1)
    w.end_block(mark)
    if not several:  # with one county, its figures are the summary's
        return
    for row in table.rows:
        mark = w.block()
        shown = report.protect(row)
        cols = choice_columns(report.shown(row), report, report.group_header, shown)
        item = row.item.text(lang)
        placed = write_table(w, item, with_protecting(text, shown, report), cols, totals=report.totals(row))
        if row.base[-1] > 0 and not n_hidden(shown, shown.base, [len(row.groups) - 1]):
            stacked_chart(w, placed, mark, share_group, chart_caption(report, item, [row.base[-1]]))
        w.blank(1)
        w.end_block(mark)


def write_values(w: SheetWriter, table: ValueTable, report: Report) -> None:
    """A number, date or text question: statistics per county; with several counties, a chart of the means."""
    _ = report.gettext
    note = ""
    if table.kind == "number":
        note = _("The statistics cover the answers that are numbers. \"Don't know\" is counted apart.")
    elif table.kind == "text":
        note = _("The free-text answers are in the sheet Free text.")
    mark = w.block()
    shown = report.protect(table)
    cols = value_columns(report.shown(table), report, shown)
    text = table.question.text(report.lang)
    placed = write_table(w, text, with_protecting(note_country(report, note), shown, report), cols,
                         totals=report.totals(table))
    if table.kind == "number" and table.stats["n"][-1] > 0 and _counties(table) > 1 \
            and not is_year(table.question) and not n_hidden(shown, shown.n, [len(table.groups) - 1]):
        ws = w.ws
        mean_col = 3
        rows = placed.last_row - placed.first_row + 1
        title = chart_caption(report, _("%(question)s: mean", question=text), [table.stats["n"][-1]])
        width, beside = _chart_width(w, placed)
        height = _titled_height(max(3.2, 1.6 + 0.55 * rows), title, width)
        chart = bar_chart(
            ws, categories=Reference(ws, min_col=1, min_row=placed.first_row, max_row=placed.last_row),
            series=[(cell_ref(ws, placed.header_row, mean_col),
                     Reference(ws, min_col=mean_col, min_row=placed.first_row, max_row=placed.last_row))],
            colors=[CATEGORICAL[0]], horizontal=True, percent=False, height_cm=height, width_cm=width,
            number_format=SEK if table.question.type == "money" else DECIMAL, title=title,
        )
        _place(w, chart, placed, mark, height, beside)
    w.blank(1)
    w.end_block(mark)


def _blocks(result: SectionResult, report: Report) -> list[tuple[list[Col], bool]]:
    """The column lists of every table of a section, and whether it gets a chart: to plan the sheet."""
    _ = report.gettext
    blocks = []
    for table in result.tables:
        if isinstance(table, MatrixTable):
            blocks.append((choice_columns(report.matrix_summary(table), report, _("Statement"),
                                          report.protect_summary(table)), True))
            if _counties(table.rows[0]) > 1:
                blocks += [(choice_columns(report.shown(row), report, report.group_header, report.protect(row)),
                            True) for row in table.rows]
        elif isinstance(table, ChoiceTable):
            blocks.append((choice_columns(report.shown(table), report, report.group_header, report.protect(table)),
                           True))
        else:
            charted = table.kind == "number" and _counties(table) > 1 and not is_year(table.question)
            blocks.append((value_columns(report.shown(table), report, report.protect(table)), charted))
    return blocks



def write_section(ws, result: SectionResult, report: Report, number: int) -> None:
    """Fill a (write-only) section sheet: each question's table with its chart, kept on one printed page."""
    _ = report.gettext
    page_setup(ws, report.title, _("Page &P of &N"))
    has_matrix = any(isinstance(table, MatrixTable) for table in result.tables)
    blocks = _blocks(result, report)
    widths = column_widths([cols for cols, _charted in blocks], 44.0 if has_matrix else WIDTHS["label"])
    layout = Layout(widths)
    layout.width = max([MIN_WIDTH] + [layout.need(len(cols), len(cols[0].values)) if charted
                                      else layout.left(len(cols) + 1) for cols, charted in blocks])
    w = SheetWriter(ws, widths, extra_width=layout.width)
    w.layout = layout
    ws.freeze_panes = "B1"
    title = f"{number}. {result.section.text(report.lang)}"
    w.append([cell(ws, title, "fk_title")], height=22)
    w.append([cell(ws, f"{report.title} · {filter_summary(report)}", "fk_note")])
    hidden = note_suppression(report)
    if hidden:
        w.append([cell(ws, hidden, "fk_note")])
    w.blank(1)
    w.repeat_rows()
    for table in result.tables:
        if isinstance(table, MatrixTable):
            write_matrix(w, table, report)
        elif isinstance(table, ChoiceTable):
            write_choice(w, table, report)
        else:
            write_values(w, table, report)
    w.shrink_to_one_page()
