"""The Översikt, Fritext, Data and Kodbok sheets (write-only)."""

from __future__ import annotations

from typing import Callable

from openpyxl.chart import Reference
from openpyxl.utils import get_column_letter

from forms import registry
from forms.formatting import format_number
from forms.model import SPECIAL_CODES

from .report import Report
from .schema import OTHER_TEXT_SUFFIX
from .tabular import freetext_rows, wide_columns, wide_rows
from .xlsx_charts import CATEGORICAL, bar_chart, cell_ref, rows_for
from .xlsx_fast import RowWriter, Styled
from .xlsx_questions import Col, write_table
from .safety import safe_value
from .xlsx_style import SheetWriter, cell, landscape, lines_needed, set_widths

Tick = Callable[[int], None]


def _filter_lines(report: Report) -> list[tuple[str, str]]:
    _, flt = report.gettext, report.filter
    counties = {c.code: c.name for c in registry.counties()}
    municipalities = {m.code: m.name for m in registry.municipalities()}
    lines = [
        (_("Counties"), ", ".join(f"{c} {counties[c]}" for c in flt.counties) or _("all")),
        (_("Municipalities"),
         ", ".join(f"{m} {municipalities[m]}" for m in flt.municipalities) or _("all")),
    ]
    if flt.date_from or flt.date_to:
        period = _("%(start)s – %(end)s", start=flt.date_from or "…", end=flt.date_to or "…")
    else:
        period = _("any date")
    lines.append((_("Period (created)"), period))
    lines.append((_("Status"), _("complete only") if flt.status == "complete" else _("complete and drafts")))
    return lines


def write_overview(ws, report: Report, sheet_names: list[tuple[str, str]]) -> None:
    """Questionnaire, versions, filter, export time, submissions, response rate (table and chart)."""
    _ = report.gettext
    landscape(ws)
    w = SheetWriter(ws, [30, 16, 16, 16, 16, 40])
    w.append([cell(ws, report.title, "fk_title")])
    w.append([cell(ws, _("Findings"), "fk_note")])
    w.blank()
    versions = "; ".join(report.ngettext("version %(version)s: %(num)s submission",
                                         "version %(version)s: %(num)s submissions",
                                         n, version=v, num=format_number(n, report.lang))
                         for v, n in report.version_counts.items())
    pairs = [(_("Questionnaire"), report.filter.questionnaire), (_("Versions"), versions)]
    pairs += [(_("Filter: %(part)s", part=label), value) for label, value in _filter_lines(report)]
    for label, value in pairs:
        w.append([cell(ws, label, "fk_bold"), cell(ws, value)])
    w.append([None, cell(ws, _("Submissions marked as excluded are always left out."), "fk_note")])
    w.append([cell(ws, _("Exported"), "fk_bold"), cell(ws, report.exported_at, "fk_datetime"),
              cell(ws, _("(Swedish time)"), "fk_note")])
    w.append([cell(ws, _("Submissions"), "fk_bold"), cell(ws, report.n, "fk_int")])
    if report.n == 0:
        w.append([cell(ws, _("No submissions match the filter."), "fk_qtitle")])
    w.blank()
    _response_table(w, report)
    if report.schema.warnings:
        w.append([cell(ws, _("Notes"), "fk_qtitle")])
        for warning in report.schema.warnings:
            w.append([cell(ws, warning)])
        w.blank()
    w.append([cell(ws, _("Sheets"), "fk_qtitle")])
    for name, description in sheet_names:
        w.append([cell(ws, name, "fk_bold"), cell(ws, description)])


def _response_table(w: SheetWriter, report: Report) -> None:
    _, ws, rate = report.gettext, w.ws, report.response
    per_county = report.frame["county_code"].astype(object).value_counts() if report.n else {}
    submissions = [int(per_county.get(g.code, 0)) for g in rate.groups[:-1]]
    submissions.append(report.n)
    cols = [
        Col(None, _("County"), [g.name for g in rate.groups], "label"),
        Col(_("Response rate"), _("Municipalities in scope"), rate.in_scope, "int"),
        Col(_("Response rate"), _("Municipalities that answered"), rate.answered, "int"),
        Col(_("Response rate"), _("Response rate"), rate.rates, "pct"),
        Col(None, _("Submissions"), submissions, "int"),
    ]
    note = _("Municipalities with at least one completed submission in the filter, of the municipalities in scope.")
    placed = write_table(w, _("Response rate"), "response_rate", note, cols)
    if rate.in_scope[-1]:
        height = max(5.0, 2.0 + 0.5 * len(rate.groups))
        chart = bar_chart(
            ws, categories=Reference(ws, min_col=1, min_row=placed.first_row, max_row=placed.last_row),
            series=[(cell_ref(ws, placed.header_row, 4),
                     Reference(ws, min_col=4, min_row=placed.first_row, max_row=placed.last_row))],
            colors=[CATEGORICAL[0]], horizontal=True, height_cm=height)
        ws.add_chart(chart, f"A{w.row + 2}")
        w.blank(rows_for(height) + 1)
    w.blank()


def _header(ws, headers: list[str]) -> list:
    return [cell(ws, h, "fk_header") for h in headers]


def write_freetext(ws, report: Report, tick: Tick | None = None) -> int:
    """Every free-text answer (and "other, specify" text) with its question, county and municipality."""
    _ = report.gettext
    headers = [_("Question id"), _("Question"), _("County"), _("Municipality"), _("Municipality code"), _("Answer"),
               _("Submission")]
    widths = [24, 34, 18, 16, 10, 70, 37]
    set_widths(ws, widths)
    ws.freeze_panes = "A2"
    landscape(ws)
    rows = RowWriter(ws)
    rows.append(_header(ws, headers))
    for values in freetext_rows(report):
        answer = values[5]
        lines = lines_needed(answer, widths[5])
        # an explicit height: LibreOffice does not grow wrapped rows by itself
        rows.append(values[:5] + (Styled(answer, "fk_answer"), values[6]),
                    height=15 * min(lines, 27) if lines > 1 else None)
        if tick and rows.row % 5000 == 0:
            tick(rows.row)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{rows.row}"
    return rows.row - 1


def write_data(ws, report: Report, tick: Tick | None = None) -> int:
    """One row per submission: metadata first, then every answer column (labels in the report's language)."""
    columns = wide_columns(report, excel=True)
    set_widths(ws, [c.width for c in columns])
    ws.freeze_panes = "H2"
    rows = RowWriter(ws)
    rows.append(_header(ws, [c.header for c in columns]))
    styled = {i: "fk_datetime" if c.kind == "datetime" else "fk_sek"
              for i, c in enumerate(columns) if c.kind in ("datetime", "money")}
    for values in wide_rows(columns, report.n):
        if styled:
            values = list(values)
            for i, style in styled.items():
                if values[i] is not None and not isinstance(values[i], str):
                    values[i] = Styled(values[i], style)
        rows.append(values)
        if tick and rows.row % 5000 == 0:
            tick(rows.row)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows.row}"
    return rows.row - 1


def write_codebook(ws, report: Report) -> None:
    """Every question: id, section, text, type, condition; then its rows, options and codes."""
    _, lang = report.gettext, report.lang
    headers = [_("Column in Data"), _("Question id"), _("Section"), _("Kind"), _("Type"), _("Code"), _("Text"),
               _("Score"), _("Condition"), _("Versions")]
    set_widths(ws, [34, 30, 24, 16, 10, 22, 60, 8, 30, 10])
    ws.freeze_panes = "A2"
    landscape(ws)
    rows = RowWriter(ws)
    rows.append(_header(ws, headers))

    def add(*values):  # definition texts may come from anyone's XLSForm: neutralise them too
        rows.append([Styled(safe_value(v.value), v.style) if isinstance(v, Styled) else safe_value(v)
                     for v in values])

    versions = report.schema.versions
    for section in report.schema.sections():
        for q in section.questions:
            in_versions = ", ".join(v for v, d in sorted(versions.items()) if d.question(q.id))
            add(q.id, q.id, section.text(lang), _kind(q, _), q.type, None, Styled(q.text(lang), "fk_wrap"),
                None, q.relevant or section.relevant, in_versions)
            if q.derived:  # computed from the answers: say how, and what a broken rule tells the interviewer
                add(None, q.id, None, _("expression"), None, None, Styled(q.expression, "fk_wrap"))
                if q.rule:
                    add(None, q.id, None, _("message"), None, None, Styled(q.message_text(lang), "fk_wrap"))
            for item in q.items:
                add(f"{q.id}/{item.code}", q.id, None, _("row"), None, item.code, item.text(lang))
            for choice in q.all_choices():
                kind = _("special answer") if choice.code in SPECIAL_CODES else _("option")
                column = f"{q.id}/{choice.code}" if q.type == "multi" else None
                add(column, q.id, None, kind, None, choice.code, choice.text(lang), choice.score)
            if q.type == "multi" and q.other:
                add(q.id + OTHER_TEXT_SUFFIX, q.id, None, _("question"), "text", None,
                    _("%(question)s (other, specified)", question=q.text(lang)))
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{rows.row}"


def _kind(question, _) -> str:
    """What a codebook row describes: a question, or a value or rule derived from the answers."""
    if not question.derived:
        return _("question")
    return {"check": _("check (warning)"), "constraint": _("constraint (error)")}.get(question.rule, _("derived value"))


def sheet_descriptions(report: Report) -> dict[str, str]:
    _ = report.gettext
    return {
        "freetext": _("Every free-text answer with county, municipality and question."),
        "data": _("One row per submission: metadata, then each answer (0/1 per option of multi questions)."),
        "codebook": _("Every question with id, text, type, options and codes."),
    }

