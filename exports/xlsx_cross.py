"""The cross-table sheet: one question's answers (rows) by another's (columns), counts and row shares."""

from __future__ import annotations

from .captions import chart_caption, filter_summary
from .grouping import CROSS, header
from .report import Report
from .xlsx_questions import (
    MIN_WIDTH,
    Layout,
    choice_columns,
    column_widths,
    n_hidden,
    note_choice,
    note_country,
    note_suppression,
    stacked_chart,
    with_protecting,
    write_table,
)
from .xlsx_style import SheetWriter, cell, page_setup


def write_cross(ws, report: Report) -> None:
    """Fill a (write-only) sheet with the report's cross-table and its chart: a bar per row, 100 % stacked."""
    _, table = report.gettext, report.cross
    page_setup(ws, report.title, _("Page &P of &N"))
    shown = report.protect(table, CROSS)
    cols = choice_columns(report.shown(table, CROSS), report, report.cross_header, shown)
    widths = column_widths([cols])
    layout = Layout(widths)
    layout.width = max(MIN_WIDTH, layout.need(len(cols), len(cols[0].values)))
    w = SheetWriter(ws, widths, extra_width=layout.width)
    w.layout = layout
    w.append([cell(ws, _("Cross-table"), "fk_title")], height=22)
    w.append([cell(ws, f"{report.title} · {filter_summary(report)}", "fk_note")])
    hidden = note_suppression(report)
    if hidden:
        w.append([cell(ws, hidden, "fk_note")])
    w.blank(1)
    rows, columns = report.filter.tables.cross
    note = _("A row per answer to \"%(rows)s\"; the shares are of each row's substantive answers to \"%(columns)s\".",
             rows=header(report.schema, rows, report.lang), columns=header(report.schema, columns, report.lang))
    note += " " + note_choice(report)
    mark = w.block()
    placed = write_table(w, report.cross_title, with_protecting(note_country(report, note), shown, report), cols,
                         totals=report.totals(table, CROSS))
    if table.base[-1] > 0 and table.options and not n_hidden(shown, shown.base, [len(table.groups) - 1]):
        share_group = cols[len(table.options) + 2].group
        stacked_chart(w, placed, mark, share_group, chart_caption(report, report.cross_title, [table.base[-1]]),
                      ordered=table.question.type == "scale")
    w.blank(1)
    w.end_block(mark)
