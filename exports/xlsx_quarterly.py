"""The quarterly feedback to a county board as its own small workbook, printed on a few A4 pages.

Sheets: the municipalities (with the county total and the previous quarter beside them), the
reasons for no, the county quarter by quarter, and the charts: stacked yes/no/pending bars per
municipality and per quarter, over small tables of the counts they draw.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.chart import Reference

from .measures import Measure
from .quarterly import QuarterlyReport, Stack
from .xlsx_charts import bar_chart, cell_ref, ordinal_colors, rows_for
from .xlsx_measures import write_summary
from .xlsx_style import Paper, SheetWriter, cell, page_setup, register_styles, sheet_name

CHART_CM = 17.0


def write_quarterly(report: QuarterlyReport, out: str | os.PathLike | IO[bytes]) -> None:
    """Write the workbook to a path or a binary file."""
    _ = report.gettext
    wb = Workbook(write_only=True)
    register_styles(wb)
    taken: set[str] = set()
    notes = [_("Made %(when)s from the contact log (smak-kontaktlogg) and the quarterly follow-up (smak-kvartal).",
               when=report.exported_at.strftime("%Y-%m-%d %H:%M")), *report.notes]
    first = Measure("kvartal", f"{report.title}: {report.subtitle}", " ".join(notes), [report.municipalities])
    write_summary(wb.create_sheet(sheet_name(_("Municipalities"), taken)), report, first, report.municipalities)
    for table in (report.reasons, report.trend):
        write_summary(wb.create_sheet(sheet_name(table.sheet, taken)), report, None, table)
    write_charts(wb.create_sheet(sheet_name(_("Charts"), taken)), report)
    wb.save(out)


def _bars(w: SheetWriter, report: QuarterlyReport, title: str, first_header: str, bars: list[Stack]) -> None:
    """A small table of counts per bar, then a stacked bar chart of it below."""
    ws = w.ws
    w.append([cell(ws, title, "fk_qtitle")], height=20)
    w.merge(1, len(report.legend) + 2)
    w.append([cell(ws, first_header, "fk_header")] + [cell(ws, name, "fk_header") for name in report.legend]
             + [cell(ws, report.gettext("Requests"), "fk_header")], height=30)
    header = w.row
    for bar in bars:
        w.append([cell(ws, bar.label, "fk_label")] + [cell(ws, n, "fk_int") for n in bar.counts]
                 + [cell(ws, bar.n, "fk_int")])
    if not bars:
        w.append([cell(ws, report.gettext("No requests in the quarter."), "fk_note")])
        w.blank()
        return
    first, last = header + 1, w.row
    series = [(cell_ref(ws, header, c), Reference(ws, min_col=c, max_col=c, min_row=first, max_row=last))
              for c in range(2, 2 + len(report.legend))]
    height = max(5.0, 2.6 + 0.55 * len(bars))
    chart = bar_chart(ws, categories=Reference(ws, min_col=1, max_col=1, min_row=first, max_row=last),
                      series=series, colors=ordinal_colors(len(series)), horizontal=True, stacked=True,
                      percent=False, number_format="0", labels=False, height_cm=height, width_cm=CHART_CM, title=title)
    chart.grouping = "stacked"  # counts, so that a municipality's size shows
    ws.add_chart(chart, f"A{w.row + 2}")
    w.blank(rows_for(height) + 1)


def write_charts(ws, report: QuarterlyReport) -> None:
    _ = report.gettext
    page_setup(ws, report.title, _("Page &P of &N"), landscape=False)
    w = SheetWriter(ws, [24.0] + [12.0] * len(report.legend) + [15.0], paper=Paper(landscape=False))
    w.append([cell(ws, f"{report.title}: {report.subtitle}", "fk_title")], height=22)
    w.merge(1, len(report.legend) + 2)
    w.blank()
    _bars(w, report, _("Answers per municipality, %(quarter)s", quarter=report.quarter.label(report.lang)),
          _("Municipality"), report.bars)
    w.page_break()
    _bars(w, report, _("Answers per quarter, %(county)s", county=report.county), _("Quarter"), report.trend_bars)


def save_quarterly(report: QuarterlyReport, path: str | os.PathLike) -> Path:
    """Write the workbook next to `path` and move it into place, so a failed export leaves no half file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".xlsx", dir=target.parent)
    os.close(fd)
    try:
        write_quarterly(report, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
