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

import numpy as np
from babel import numbers

from exports.aggregate import ChoiceTable, MatrixTable, ValueTable
from exports.captions import chart_caption, is_year
from exports.grouping import CROSS
from exports.protected import ChoiceCells, instances_cells
from exports.repeats import Instances
from exports.report import Report
from exports.suppression import PROTECTING
from exports.svg import bar_chart, percent, stacked_chart
from forms.catalogues import N_
from forms.formatting import DASH, format_fixed, format_money, format_number, locale_of


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
    totals: int = 1  # rows at the bottom that are totals: the total, and the whole country's row


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
    """A count, or the "<5" that hides it."""
    return format_number(value if isinstance(value, str) else int(value), lang)


def _number(value: Any, lang: str, money: bool = False) -> str:
    """A mean or median as the workbook's cell shows it: two decimals (2,70), whole kronor for money; a dash
    when there is none (docs/exports.md, "Numbers on the page and in the workbook")."""
    if money:
        return format_money(value, lang)
    return format_fixed(value, lang)


def _statistic(name: str, value: Any, qtype: str, lang: str) -> str:
    """A number question's statistic as the workbook shows it: the means and medians like `_number`, the
    smallest, largest and sum of an integer question as whole numbers, of a decimal question with two decimals."""
    if qtype == "integer" and name in ("min", "max", "sum"):
        return format_number(value, lang)
    return _number(value, lang, qtype == "money")


def _year(value: Any, lang: str) -> str:
    """A year (or a mean year) without a thousands separator: 2013, 2013,5."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if isinstance(value, str):  # hidden: a dash
        return value
    return numbers.format_decimal(round(float(value), 1), format="0.#", locale=locale_of(lang))


def _note_protecting() -> str:
    return gettext("%(marker)s: hidden to protect another cell (the count may be larger).", marker=PROTECTING)


def _joined(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def choice_view(table: ChoiceTable, report: Report, row_header: str, *, title: str | None = None,
                chart: bool = True, total_last: bool = True, shown: ChoiceTable | None = None,
                cells: ChoiceCells | None = None, own: list[int] | None = None) -> TableView:
    """A choice table's rows (`shown`: as the page shows them, e.g. with the whole country) and its chart.

    `cells`: the hidden cells of the rows shown (`Report.protect`), by default those of `shown`; `own`:
    which of those rows are the table's own (by default the first ones, the whole country's under them).
    """
    lang, hide = report.lang, report.hide(table.question)
    multi = table.kind == "multi"
    header = [row_header] + [o.text(lang) for o in table.options]
    header.append(gettext("Respondents") if multi else gettext("Substantive answers"))
    header += [s.text(lang) for s in table.specials] + [gettext("Not applicable (skipped)"), gettext("Not answered")]
    if table.means is not None:
        header.append(gettext("Mean score"))
    rows = []
    view = shown if shown is not None else table
    cells = cells if cells is not None else report.protect(table)
    shares, special_shares = view.shares(), view.special_shares()
    counts = [cells.column(i) for i in range(len(view.options))]
    shown_shares = [cells.cells.figures(shares[:, i], i, cells.base) for i in range(len(view.options))]
    specials = [cells.column(cells.special(j)) for j in range(len(view.specials))]
    # a share of all answers, with its count, tells all answers: it rests on each of them
    every_answer = [cells.base] + [cells.special(j) for j in range(len(view.specials))]
    special_shares = [cells.cells.figures(special_shares[:, j], *every_answer, also=hide.hidden(view.answered))
                      for j in range(len(view.specials))]
    base, skipped, missing = cells.column(cells.base), cells.column(cells.skipped), cells.column(cells.missing)
    means = cells.cells.figures(view.means, cells.base, *range(len(view.options))) if view.means is not None \
        else None
    for g, group in enumerate(view.groups):
        row = [Cell(percent(shown_shares[i][g], lang), _count(counts[i][g], lang)) for i in range(len(view.options))]
        row.append(Cell(_count(base[g], lang)))
        row += [Cell(_count(specials[j][g], lang), percent(special_shares[j][g], lang))
                for j in range(len(view.specials))]
        row += [Cell(_count(skipped[g], lang)), Cell(_count(missing[g], lang))]
        if means is not None:
            row.append(Cell(_number(means[g], lang)))
        rows.append((group.name, row))
    # the chart shows no share the table hides: the rows of the table itself come first in the rows shown
    own = cells.cells.rows(own if own is not None else slice(0, len(table.groups)))
    base_hidden = own.hidden[:, cells.base]
    shares = np.where(own.hidden[:, :len(table.options)] | base_hidden[:, None], np.nan, table.shares())
    name = title or table.question.text(lang)
    svg, caption = None, ""
    counts = [table.base[-1]] if total_last else list(table.base)
    n_hidden = base_hidden[-1] if total_last else base_hidden.any()
    # "n = 3" would tell what "<5" hides; and a chart whose every share is hidden would be empty bars
    if chart and table.base[-1] > 0 and not n_hidden and not np.isnan(shares).all():
        caption = chart_caption(report, name, counts)
        several = len(table.groups) > 2 or not total_last
        if table.question.type in ("scale", "matrix") or (several and not multi):
            # a bar per county (and the total), or per statement; one county alone when there is one
            groups = list(enumerate(table.groups)) if several else [(0, table.groups[0])]
            svg = stacked_chart(caption, [(g.name, list(shares[i])) for i, g in groups],
                                [o.text(lang) for o in table.options], lang)
        else:
            shown_counts = [own.column(i)[-1] for i in range(len(table.options))]
            bars = [(o.text(lang), shares[-1, i], f"{percent(shares[-1, i], lang)} ({_count(shown_counts[i], lang)})")
                    for i, o in enumerate(table.options)]
            svg = bar_chart(caption, bars)
    note = _joined(report.note_grouped(table), report.note_sensitive(table.question),
                   gettext("Several choices allowed.") if multi else "")
    if shown is not None and len(shown.groups) > len(table.groups):
        note = _joined(note, gettext("\"Whole country\": every county's submissions in the same period, "
                                     "for comparison."))
    if cells.any_secondary:
        note = _joined(note, _note_protecting())
    return TableView(table.key, name, note, header, rows, Markup(svg) if svg else None, total_last,
                     caption=caption, totals=len(view.groups) - len(table.groups) + 1)


def matrix_view(table: MatrixTable, report: Report) -> TableView:
    summary_shown = report.matrix_summary(table)
    statements = len(table.rows)
    own = list(range(0, len(summary_shown.groups), len(summary_shown.groups) // statements))  # the country's between
    summary = choice_view(table.summary(report.lang), report, gettext("Statement"),
                          title=table.question.text(report.lang), total_last=False, shown=summary_shown,
                          cells=report.protect_summary(table), own=own)
    summary.key = table.key
    several = len(table.rows[0].groups) > 2
    if not several:  # with one county, its figures are the summary's
        return summary
    summary.parts = [choice_view(row, report, report.group_header, title=row.item.text(report.lang),
                                 shown=report.shown(row)) for row in table.rows]
    return summary


def value_view(table: ValueTable, report: Report) -> TableView:
    lang = report.lang
    money = table.question.type == "money"
    year = is_year(table.question)
    header = [report.group_header, gettext("Answers")]
    names: list[str] = []
    if table.kind == "number":
        names = ["mean", "median", "min", "max"] + ([] if year else ["sum"])  # a sum of years means nothing
    elif table.kind == "date":
        names = ["first_date", "last_date"]
    header += [gettext(STATISTICS[name]) for name in names] + [s.text(lang) for s in table.specials]
    header += [gettext("Not applicable (skipped)"), gettext("Not answered")]
    rows = []
    view = report.shown(table)
    shown = report.protect(table)
    hidden = shown.cells.hidden[:, shown.n]  # a mean and a sum tell n: no statistic where n is hidden
    answers_shown = shown.column(shown.n)
    specials = [shown.column(shown.special(j)) for j in range(len(view.specials))]
    skipped, missing = shown.column(shown.skipped), shown.column(shown.missing)
    for g, group in enumerate(view.groups):
        answers = view.stats["n"][g]
        cells = [Cell(_count(answers_shown[g], lang))]
        for name in names:
            value = view.stats[name][g]
            if not answers or hidden[g]:  # nothing to count: a dash, not "0 kr"; or too few to show
                cells.append(Cell(DASH))
            elif table.kind == "date":
                cells.append(Cell(value or DASH, numeric=False))
            else:
                cells.append(Cell(_year(value, lang) if year else
                                  _statistic(name, value, table.question.type, lang)))
        cells += [Cell(_count(specials[j][g], lang)) for j in range(len(view.specials))]
        cells += [Cell(_count(skipped[g], lang)), Cell(_count(missing[g], lang))]
        rows.append((group.name, cells))
    svg, caption = None, ""
    title = table.question.text(lang)
    own = hidden[:len(table.groups)]
    if table.kind == "number" and table.stats["n"][-1] > 0 and len(table.groups) > 2 and not year and not own[-1]:
        means = np.where(own, np.nan, table.stats["mean"])  # no mean the table hides
        top = float(max([m for m in means if not math.isnan(m)] or [0.0]))
        caption = chart_caption(report, gettext("%(question)s: mean", question=title), [table.stats["n"][-1]])
        svg = bar_chart(caption, [(g.name, means[i], _number(means[i], lang, money))
                                  for i, g in enumerate(table.groups)], scale_max=top or 1.0)
    note = gettext("The answers themselves are in the downloads.") if table.kind == "text" else ""
    if shown.any_secondary:
        note = _joined(note, _note_protecting())
    return TableView(table.key, title, note, header, rows, Markup(svg) if svg else None, caption=caption,
                     totals=len(view.groups) - len(table.groups) + 1)


def table_view(table: Any, report: Report) -> TableView:
    """One question's table (a matrix, a choice or a value table) for the page."""
    if isinstance(table, MatrixTable):
        return matrix_view(table, report)
    if isinstance(table, ChoiceTable):
        return choice_view(table, report, report.group_header, shown=report.shown(table))
    return value_view(table, report)


def section_views(report: Report) -> list[tuple[str, list[TableView]]]:
    """(section title, its tables) for the page."""
    return [(result.section.text(report.lang), [table_view(table, report) for table in result.tables])
            for result in report.sections]


@dataclass
class RepeatView:
    """A repeat on the page: how many submissions have instances and how many, then its questions' tables."""

    key: str
    title: str
    summary: TableView
    views: list[TableView]


def instances_view(instances: Instances, report: Report) -> TableView:
    """Per group: the submissions with at least one instance, and the instances (small counts hidden)."""
    lang, hide = report.lang, report.suppression
    groups, submissions, counted = list(instances.groups), list(instances.submissions), list(instances.counted)
    country = report.country.get(instances.key)
    if country is not None:  # the whole country's row under the total, as in every table
        groups.append(country.groups[0])
        submissions.append(country.submissions[0])
        counted.append(country.counted[0])
    # the groups add up to the total row, column by column (`instances_cells`)
    cells = instances_cells(submissions, counted, len(instances.groups) - 1, hide)
    rows = [(group.name, [Cell(_count(s, lang)), Cell(_count(c, lang))])
            for group, s, c in zip(groups, cells.column(0), cells.column(1))]
    header = [report.group_header, gettext("Submissions with at least one instance"), gettext("Instances")]
    note = gettext("Each instance counts in the row of its submission.")
    if country is not None:
        note += " " + gettext("\"Whole country\": every county's submissions in the same period, for comparison.")
    if cells.secondary.any():
        note = _joined(note, _note_protecting())
    return TableView(instances.key, gettext("Submissions and instances"), note, header, rows,
                     totals=2 if country is not None else 1)


def repeat_views(report: Report) -> list[RepeatView]:
    """Each repeat's figures for the page: its summary, then its questions counted over instances."""
    return [RepeatView(one.repeat.id, one.repeat.text(report.lang), instances_view(one, report),
                       [table_view(table, report) for table in one.tables])
            for one in report.instances if one.result is not None]


def reading_notes(report: Report) -> list[str]:
    """How to read the page's tables, once for the page: one note per kind of table it has."""
    kinds: set[str] = set()
    for result in report.sections + [one.result for one in report.instances if one.result is not None]:
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
    if report.schema.questionnaire.level == "district":
        note = gettext("Districts with at least one completed submission in the filter, of the districts in scope.")
        header = [gettext("County"), gettext("Districts in scope"), gettext("Districts that answered"),
                  gettext("Response rate")]
    else:
        note = gettext("Municipalities with at least one completed submission in the filter, of the municipalities "
                       "in scope.")
        header = [gettext("County"), gettext("Municipalities in scope"), gettext("Municipalities that answered"),
                  gettext("Response rate")]
    return TableView("response_rate", gettext("Response rate"), note, header, rows,
                     Markup(svg) if svg else None, caption=caption)


def cross_view(report: Report) -> TableView | None:
    """The cross-table (`report.cross`) for the page, or None when none was asked for."""
    if report.cross is None:
        return None
    view = choice_view(report.cross, report, report.cross_header, title=report.cross_title,
                       shown=report.shown(report.cross, CROSS), cells=report.protect(report.cross, CROSS))
    view.key = CROSS
    return view
