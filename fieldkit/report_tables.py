"""A report's tables as rows of formatted cells and an SVG chart each, for the reports page."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from exports.aggregate import ChoiceTable, MatrixTable, ValueTable
from exports.report import Report
from exports.svg import bar_chart, percent, stacked_chart
from forms.display import format_number


@dataclass
class Cell:
    main: str
    sub: str = ""
    numeric: bool = True


@dataclass
class TableView:
    key: str
    title: str
    note: str
    header: list[str]
    rows: list[tuple[str, list[Cell]]]
    chart: Markup | None = None
    total_last: bool = True
    parts: list["TableView"] = field(default_factory=list)


def _count(value: Any) -> str:
    return format_number(int(value))


def _number(value: Any, money: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    shown = format_number(round(float(value), 2), 2)
    return f"{shown} kr" if money else shown


def choice_view(table: ChoiceTable, report: Report, row_header: str, *, title: str | None = None,
                chart: bool = True, total_last: bool = True) -> TableView:
    lang, t = report.lang, report.t
    multi = table.kind == "multi"
    header = [row_header] + [o.text(lang) for o in table.options]
    header.append(t("base_respondents" if multi else "base_substantive"))
    header += [s.text(lang) for s in table.specials] + [t("skipped"), t("missing")]
    if table.means is not None:
        header.append(t("mean_score"))
    shares, special_shares = table.shares(), table.special_shares()
    rows = []
    for g, group in enumerate(table.groups):
        cells = [Cell(percent(shares[g, i], lang), _count(table.counts[g, i])) for i in range(len(table.options))]
        cells.append(Cell(_count(table.base[g])))
        cells += [Cell(_count(table.special_counts[g, j]), percent(special_shares[g, j], lang))
                  for j in range(len(table.specials))]
        cells += [Cell(_count(table.skipped[g])), Cell(_count(table.missing[g]))]
        if table.means is not None:
            cells.append(Cell(_number(table.means[g])))
        rows.append((group.name, cells))
    name = title or table.question.text(lang)
    svg = None
    if chart and table.base[-1] > 0:
        if table.question.type in ("scale", "matrix"):
            svg = stacked_chart(name, [(g.name, list(shares[i])) for i, g in enumerate(table.groups)],
                                [o.text(lang) for o in table.options], lang)
        else:
            bars = [(o.text(lang), shares[-1, i], f"{percent(shares[-1, i], lang)} ({_count(table.counts[-1, i])})")
                    for i, o in enumerate(table.options)]
            svg = bar_chart(name, bars)
    note = t("note_multi" if multi else "note_choice")
    return TableView(table.key, name, note, header, rows, Markup(svg) if svg else None, total_last)


def matrix_view(table: MatrixTable, report: Report) -> TableView:
    t = report.t
    summary = choice_view(table.summary(report.lang), report, t("statement"), title=table.question.text(report.lang),
                          total_last=False)
    summary.key = table.key
    summary.note = f"{t('note_matrix')} {t('note_choice')}"
    summary.parts = [choice_view(row, report, t("county"), title=row.item.text(report.lang),
                                 chart=len(row.groups) > 2) for row in table.rows]
    return summary


def value_view(table: ValueTable, report: Report) -> TableView:
    lang, t = report.lang, report.t
    money = table.question.type == "money"
    header = [t("county"), t("n")]
    names: list[str] = []
    if table.kind == "number":
        names = ["mean", "median", "min", "max", "sum"]
    elif table.kind == "date":
        names = ["first_date", "last_date"]
    header += [t(name) for name in names] + [s.text(lang) for s in table.specials] + [t("skipped"), t("missing")]
    rows = []
    for g, group in enumerate(table.groups):
        cells = [Cell(_count(table.stats["n"][g]))]
        for name in names:
            value = table.stats[name][g]
            cells.append(Cell(value or "–", numeric=False) if table.kind == "date" else Cell(_number(value, money)))
        cells += [Cell(_count(table.special_counts[g, j])) for j in range(len(table.specials))]
        cells += [Cell(_count(table.skipped[g])), Cell(_count(table.missing[g]))]
        rows.append((group.name, cells))
    svg = None
    title = table.question.text(lang)
    if table.kind == "number" and table.stats["n"][-1] > 0:
        means = table.stats["mean"]
        top = float(max(m for m in means if not math.isnan(m)))
        svg = bar_chart(title, [(g.name, means[i], _number(means[i], money)) for i, g in enumerate(table.groups)],
                        scale_max=top or 1.0)
    notes = {"number": "note_number", "text": "note_text"}
    return TableView(table.key, title, t(notes[table.kind]) if table.kind in notes else "", header, rows,
                     Markup(svg) if svg else None)


def section_views(report: Report) -> list[tuple[str, list[TableView]]]:
    """(section title, its tables) for the page."""
    out = []
    for result in report.sections:
        views = []
        for table in result.tables:
            if isinstance(table, MatrixTable):
                views.append(matrix_view(table, report))
            elif isinstance(table, ChoiceTable):
                views.append(choice_view(table, report, report.t("county")))
            else:
                views.append(value_view(table, report))
        out.append((result.section.text(report.lang), views))
    return out


def response_view(report: Report) -> TableView:
    t, lang, rate = report.t, report.lang, report.response
    rates = rate.rates
    rows = [(g.name, [Cell(_count(rate.in_scope[i])), Cell(_count(rate.answered[i])), Cell(percent(rates[i], lang))])
            for i, g in enumerate(rate.groups)]
    bars = [(g.name, rates[i], f"{percent(rates[i], lang)} ({_count(rate.answered[i])}/{_count(rate.in_scope[i])})")
            for i, g in enumerate(rate.groups)]
    svg = bar_chart(t("response_rate"), bars) if rate.in_scope[-1] else None
    return TableView("response_rate", t("response_rate"), t("response_rate_note"),
                     [t("county"), t("in_scope"), t("answered_municipalities"), t("response_rate")], rows,
                     Markup(svg) if svg else None)

