"""A report's tables as rows of formatted cells and an SVG chart each, for the reports page.

The page says what the workbook says: each chart is captioned with its question, n and the
filter; years have no thousands separator; a statistic of no answers is a dash, not "0 kr".
How to read the tables is said once for the page (`reading_notes`); a question's own note
says only what is particular to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from markupsafe import Markup

from babel import numbers

from exports.aggregate import ChoiceTable, MatrixTable, ValueTable
from exports.captions import chart_caption, is_year
from exports.report import Report
from exports.svg import bar_chart, percent, stacked_chart
from forms.catalogues import N_
from forms.formatting import DASH, format_money, format_number, locale_of


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
    caption: str = ""  # the chart's title: question, n and filter


#: Headers of the statistics of number and date questions, as in the workbook.
STATISTICS = {
    "mean": N_("Mean"), "median": N_("Median"), "min": N_("Min"), "max": N_("Max"), "sum": N_("Sum"),
    "first_date": N_("Earliest"), "last_date": N_("Latest"),
}


def _note_choice() -> str:
    return gettext("Shares are of the substantive answers. \"Don't know\" and other special answers are reported "
                   "apart, as counts and as shares of all answers. \"Not applicable (skipped)\": the question was not "
                   "shown (condition or another version). \"Not answered\": shown but left empty.")


def _note_multi() -> str:
    return gettext("Several choices allowed: the share is of the respondents who chose at least one substantive "
                   "option. \"Don't know\" is reported apart, as a count and a share of all answers.")


def _note_matrix() -> str:
    return gettext("A matrix question shows one row per statement for all counties together; with several "
                   "counties, each statement per county is under \"Each statement per county\".")


def _note_number() -> str:
    return gettext("The statistics cover the answers that are numbers. \"Don't know\" is counted apart.")


def _note_text() -> str:
    return gettext("Free-text answers are not shown on this page: they are in the Free text sheet of the Excel "
                   "workbook, and in the CSV.")


def _count(value: Any, lang: str) -> str:
    return format_number(int(value), lang)


def _number(value: Any, lang: str, money: bool = False) -> str:
    """A mean or sum with at most two decimals; an en dash when there is none."""
    if money:
        return format_money(value, lang, decimals=2)
    return format_number(value, lang, decimals=2)


def _year(value: Any, lang: str) -> str:
    """A year (or a mean year) without a thousands separator: 2013, 2013,5."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    return numbers.format_decimal(round(float(value), 1), format="0.#", locale=locale_of(lang))


def choice_view(table: ChoiceTable, report: Report, row_header: str, *, title: str | None = None,
                chart: bool = True, total_last: bool = True) -> TableView:
    lang = report.lang
    multi = table.kind == "multi"
    header = [row_header] + [o.text(lang) for o in table.options]
    header.append(gettext("Respondents") if multi else gettext("Substantive answers"))
    header += [s.text(lang) for s in table.specials] + [gettext("Not applicable (skipped)"), gettext("Not answered")]
    if table.means is not None:
        header.append(gettext("Mean score"))
    shares, special_shares = table.shares(), table.special_shares()
    rows = []
    for g, group in enumerate(table.groups):
        cells = [Cell(percent(shares[g, i], lang), _count(table.counts[g, i], lang)) for i in range(len(table.options))]
        cells.append(Cell(_count(table.base[g], lang)))
        cells += [Cell(_count(table.special_counts[g, j], lang), percent(special_shares[g, j], lang))
                  for j in range(len(table.specials))]
        cells += [Cell(_count(table.skipped[g], lang)), Cell(_count(table.missing[g], lang))]
        if table.means is not None:
            cells.append(Cell(_number(table.means[g], lang)))
        rows.append((group.name, cells))
    name = title or table.question.text(lang)
    svg, caption = None, ""
    if chart and table.base[-1] > 0:
        counts = [table.base[-1]] if total_last else list(table.base)
        caption = chart_caption(report, name, counts)
        several = len(table.groups) > 2 or not total_last
        if table.question.type in ("scale", "matrix") or (several and not multi):
            # a bar per county (and the total), or per statement; one county alone when there is one
            groups = list(enumerate(table.groups)) if several else [(0, table.groups[0])]
            svg = stacked_chart(caption, [(g.name, list(shares[i])) for i, g in groups],
                                [o.text(lang) for o in table.options], lang)
        else:
            bars = [(o.text(lang), shares[-1, i],
                     f"{percent(shares[-1, i], lang)} ({_count(table.counts[-1, i], lang)})")
                    for i, o in enumerate(table.options)]
            svg = bar_chart(caption, bars)
    note = gettext("Several choices allowed.") if multi else ""
    return TableView(table.key, name, note, header, rows, Markup(svg) if svg else None, total_last,
                     caption=caption)


def matrix_view(table: MatrixTable, report: Report) -> TableView:
    summary = choice_view(table.summary(report.lang), report, gettext("Statement"),
                          title=table.question.text(report.lang),
                          total_last=False)
    summary.key = table.key
    several = len(table.rows[0].groups) > 2
    if not several:  # with one county, its figures are the summary's
        return summary
    summary.parts = [choice_view(row, report, gettext("County"), title=row.item.text(report.lang))
                     for row in table.rows]
    return summary


def value_view(table: ValueTable, report: Report) -> TableView:
    lang = report.lang
    money = table.question.type == "money"
    year = is_year(table.question)
    header = [gettext("County"), gettext("Answers")]
    names: list[str] = []
    if table.kind == "number":
        names = ["mean", "median", "min", "max"] + ([] if year else ["sum"])  # a sum of years means nothing
    elif table.kind == "date":
        names = ["first_date", "last_date"]
    header += [gettext(STATISTICS[name]) for name in names] + [s.text(lang) for s in table.specials]
    header += [gettext("Not applicable (skipped)"), gettext("Not answered")]
    rows = []
    for g, group in enumerate(table.groups):
        answers = table.stats["n"][g]
        cells = [Cell(_count(answers, lang))]
        for name in names:
            value = table.stats[name][g]
            if not answers:  # nothing to count: a dash, not "0 kr"
                cells.append(Cell(DASH))
            elif table.kind == "date":
                cells.append(Cell(value or DASH, numeric=False))
            else:
                cells.append(Cell(_year(value, lang) if year else _number(value, lang, money)))
        cells += [Cell(_count(table.special_counts[g, j], lang)) for j in range(len(table.specials))]
        cells += [Cell(_count(table.skipped[g], lang)), Cell(_count(table.missing[g], lang))]
        rows.append((group.name, cells))
    svg, caption = None, ""
    title = table.question.text(lang)
    if table.kind == "number" and table.stats["n"][-1] > 0 and len(table.groups) > 2 and not year:
        means = table.stats["mean"]
        top = float(max(m for m in means if not math.isnan(m)))
        caption = chart_caption(report, gettext("%(question)s: mean", question=title), [table.stats["n"][-1]])
        svg = bar_chart(caption, [(g.name, means[i], _number(means[i], lang, money))
                                  for i, g in enumerate(table.groups)], scale_max=top or 1.0)
    note = gettext("The answers themselves are in the downloads.") if table.kind == "text" else ""
    return TableView(table.key, title, note, header, rows, Markup(svg) if svg else None, caption=caption)


def section_views(report: Report) -> list[tuple[str, list[TableView]]]:
    """(section title, its tables) for the page."""
    out = []
    for result in report.sections:
        views = []
        for table in result.tables:
            if isinstance(table, MatrixTable):
                views.append(matrix_view(table, report))
            elif isinstance(table, ChoiceTable):
                views.append(choice_view(table, report, gettext("County")))
            else:
                views.append(value_view(table, report))
        out.append((result.section.text(report.lang), views))
    return out


def reading_notes(report: Report) -> list[str]:
    """How to read the page's tables, once for the page: one note per kind of table it has."""
    kinds: set[str] = set()
    for result in report.sections:
        for table in result.tables:
            kinds.add(table.kind)
            if isinstance(table, MatrixTable):
                kinds.add("choice")
    notes = [(("choice", "multi", "matrix"), _note_choice), (("multi",), _note_multi), (("matrix",), _note_matrix),
             (("number",), _note_number), (("text",), _note_text)]
    return [note() for wanted, note in notes if kinds & set(wanted)]


def response_view(report: Report) -> TableView:
    lang, rate = report.lang, report.response
    rates = rate.rates
    rows = [(g.name, [Cell(_count(rate.in_scope[i], lang)), Cell(_count(rate.answered[i], lang)),
                      Cell(percent(rates[i], lang))])
            for i, g in enumerate(rate.groups)]
    bars = [(g.name, rates[i],
             f"{percent(rates[i], lang)} ({_count(rate.answered[i], lang)}/{_count(rate.in_scope[i], lang)})")
            for i, g in enumerate(rate.groups)]
    caption = chart_caption(report, gettext("Response rate"), [rate.in_scope[-1]]) if rate.in_scope[-1] else ""
    svg = bar_chart(caption, bars) if rate.in_scope[-1] else None
    note = gettext("Municipalities with at least one completed submission in the filter, of the municipalities in "
                   "scope.")
    header = [gettext("County"), gettext("Municipalities in scope"), gettext("Municipalities that answered"),
              gettext("Response rate")]
    return TableView("response_rate", gettext("Response rate"), note, header, rows,
                     Markup(svg) if svg else None, caption=caption)

