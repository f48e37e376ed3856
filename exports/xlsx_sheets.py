"""The Översikt, Fritext, Data and Kodbok sheets (write-only)."""

from __future__ import annotations

from typing import Callable

from openpyxl.chart import Reference
from openpyxl.utils import get_column_letter

from forms import registry
from forms.catalogues import N_
from forms.formatting import format_number
from forms.model import SPECIAL_CODES, Questionnaire

from .captions import chart_caption
from .filters import BY_COUNTY
from .report import Report
from .schema import OTHER_TEXT_SUFFIX
from .tabular import data_headers, freetext_rows, wide_columns, wide_rows
from .xlsx_charts import CATEGORICAL, bar_chart, cell_ref, rows_for, title_lines
from .xlsx_fast import RowWriter, Styled
from .xlsx_questions import Col, write_table
from .safety import safe_value
from .xlsx_style import Paper, SheetWriter, cell, lines_needed, page_setup, set_widths

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
    found = report.survey_round
    if found:
        lines.append((_("Survey round"), _("%(title)s (%(start)s – %(end)s)", title=found.text(report.lang),
                                           start=found.start, end=found.end)))
    if flt.districts:
        names = {d.code: d.name for d in registry.districts()}
        lines.append((_("Districts"), ", ".join(f"{d} {names[d]}" for d in flt.districts)))
    start, end = flt.days()
    if start or end:
        period = _("%(start)s – %(end)s", start=start or "…", end=end or "…")
    else:
        period = _("any date")
    lines.append((_("Period (created)"), period))
    lines.append((_("Status"), _("complete only") if flt.status == "complete" else _("complete and drafts")))
    if flt.tables.group_by != BY_COUNTY:
        lines.append((_("Tables grouped by"), report.group_header))
    if report.cross is not None:
        lines.append((_("Cross-table"), report.cross_title))
    if report.country:
        lines.append((_("Compared with"), _("the whole country (every county's submissions in the same period)")))
    if report.suppression.active:
        lines.append((_("Small numbers"), _("counts below %(min)s hidden", min=report.suppression.min_count)))
    return lines


def _sensitive_lines(report: Report) -> list[tuple[str, str]]:
    """What happens to the sensitive questions' answers in this workbook (docs/forms.md, sensitive answers)."""
    _ = report.gettext
    sensitive = [q for q in report.schema.questionnaire.questions() if q.sensitive]
    sensitive += [q for one in report.instances for q in one.repeat.questions if q.sensitive]  # counted over instances
    if not sensitive:
        return []
    names, least = "; ".join(q.text(report.lang) for q in sensitive), report.hide(sensitive[0]).min_count
    if not report.include_personal:
        return [(_("Sensitive questions"), _("%(questions)s: totals only, counts below %(min)s hidden; not in the "
                                             "sheets Data and Free text", questions=names, min=least))]
    return [(_("Sensitive questions"), _("%(questions)s: counts below %(min)s hidden in their tables",
                                         questions=names, min=least))]


def write_overview(ws, report: Report, sheet_names: list[tuple[str, str]]) -> None:
    """Questionnaire, versions, filter, export time, submissions, response rate (table and chart)."""
    _ = report.gettext
    page_setup(ws, report.title, _("Page &P of &N"), landscape=False)
    w = SheetWriter(ws, [30, 16, 16, 16, 16, 40], paper=Paper(landscape=False))
    w.append([cell(ws, report.title, "fk_title")])
    w.append([cell(ws, _("Findings"), "fk_note")])
    w.blank()
    versions = "; ".join(report.ngettext("version %(version)s: %(num)s submission",
                                         "version %(version)s: %(num)s submissions",
                                         n, version=v, num=format_number(n, report.lang))
                         for v, n in report.version_counts.items())
    pairs = [(_("Questionnaire"), report.filter.questionnaire), (_("Versions"), versions)]
    pairs += [(_("Filter: %(part)s", part=label), value) for label, value in _filter_lines(report)]
    pairs += _sensitive_lines(report)
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
            w.append([cell(ws, warning.text(report.lang))])
        w.blank()
    w.append([cell(ws, _("Sheets"), "fk_qtitle")])
    for name, description in sheet_names:
        w.append([cell(ws, name, "fk_bold"), cell(ws, description)])


def _response_table(w: SheetWriter, report: Report) -> None:
    _, ws, rate = report.gettext, w.ws, report.response
    per_county = report.frame["county_code"].astype(object).value_counts() if report.n else {}
    submissions = [int(per_county.get(g.code, 0)) for g in rate.groups[:-1]]
    submissions.append(report.n)
    if report.schema.questionnaire.level == "district":
        units = (_("Districts in scope"), _("Districts that answered"),
                 _("Districts with at least one completed submission in the filter, of the districts in scope."))
    else:
        units = (_("Municipalities in scope"), _("Municipalities that answered"),
                 _("Municipalities with at least one completed submission in the filter, of the municipalities in "
                   "scope."))
    cols = [
        Col(None, _("County"), [g.name for g in rate.groups], "label"),
        Col(_("Response rate"), units[0], rate.in_scope, "int"),
        Col(_("Response rate"), units[1], rate.answered, "int"),
        Col(_("Response rate"), _("Response rate"), rate.rates, "pct"),
        Col(None, _("Submissions"), submissions, "int"),
    ]
    note = units[2]
    mark = w.block()
    placed = write_table(w, _("Response rate"), note, cols)
    if rate.in_scope[-1]:
        title = chart_caption(report, _("Response rate"), [rate.in_scope[-1]])
        height = max(4.0, 2.0 + 0.5 * len(rate.groups)) + 0.45 * title_lines(title) + 0.3
        chart = bar_chart(
            ws, categories=Reference(ws, min_col=1, min_row=placed.first_row, max_row=placed.last_row),
            series=[(cell_ref(ws, placed.header_row, 4),
                     Reference(ws, min_col=4, min_row=placed.first_row, max_row=placed.last_row))],
            colors=[CATEGORICAL[0]], horizontal=True, height_cm=height, title=title)
        ws.add_chart(chart, f"A{w.row + 2}")
        w.blank(rows_for(height) + 1)
    w.blank()
    w.end_block(mark)


def _header(ws, headers: list[str]) -> list:
    return [cell(ws, h, "fk_header") for h in headers]


def write_freetext(ws, report: Report, tick: Tick | None = None) -> int:
    """Every free-text answer (and "other, specify" text) with its question, county and municipality.

    A heading row with the whole question starts each question's answers; in the answer rows the
    question is cut to its column (filter on it), so a row is as tall as its answer needs.
    """
    _ = report.gettext
    headers = [_("Question"), _("County"), _("Municipality"), _("Municipality code"), _("Answer"), _("Submission")]
    widths = [30, 16, 16, 10, 80, 37]
    set_widths(ws, widths)
    ws.freeze_panes = "A2"
    page_setup(ws, report.title, _("Page &P of &N"), title_rows="1:1")
    rows = RowWriter(ws)
    rows.append(_header(ws, headers), height=18)
    current, answers = None, 0
    for values in freetext_rows(report):
        question, answer = values[1], values[5]
        if question != current:
            current = question
            lines = lines_needed(question, sum(widths) * 0.9)
            row = rows.append([Styled(question, "fk_section")] + [Styled(None, "fk_section")] * 5,
                              height=15 * lines + 4)
            ws.merged_cells.add(f"A{row}:F{row}")
        lines = lines_needed(answer, widths[4])
        # an explicit height: LibreOffice does not grow wrapped rows by itself
        rows.append((Styled(question, "fk_muted"),) + values[2:5] + (Styled(answer, "fk_answer"), values[6]),
                    height=15 * min(lines, 27) if lines > 1 else None)
        answers += 1
        if tick and rows.row % 5000 == 0:
            tick(rows.row)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{rows.row}"
    return answers


DATA_STYLES = {"datetime": "fk_datetime", "money": "fk_sek", "date": "fk_date_cell", "year": "fk_year_cell"}


def write_data(ws, report: Report, tick: Tick | None = None) -> int:
    """One row per submission: metadata first, then every answer column, headed by its label.

    Prints one page wide (a record of the data; read it on screen), with the header row on every page.
    """
    columns = wide_columns(report, excel=True)
    widths = [c.width for c in columns]
    set_widths(ws, widths)
    ws.freeze_panes = "H2"
    page_setup(ws, report.title, report.gettext("Page &P of &N"), title_rows="1:1")
    rows = RowWriter(ws)
    header_lines = max([lines_needed(c.header, c.width, 1.05) for c in columns] or [1])
    rows.append(_header(ws, [c.header for c in columns]), height=14.5 * min(header_lines, 8) + 3)
    styled = {i: DATA_STYLES[c.kind] for i, c in enumerate(columns) if c.kind in DATA_STYLES}
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


def codebook_versions(report: Report) -> list[tuple[str, Questionnaire]]:
    """The stored versions of the questionnaire, newest first (one codebook sheet each)."""
    return list(report.schema.versions.items())


def _versions_of(report: Report) -> tuple[dict, list[str]]:
    """Which versions hold each question, matrix row and option: {(qid, kind, code): {versions}}."""
    found: dict[tuple, set[str]] = {}
    for version, definition in report.schema.versions.items():
        for q in definition.questions():
            found.setdefault((q.id, "question", None), set()).add(version)
            for item in q.items:
                found.setdefault((q.id, "row", item.code), set()).add(version)
            for choice in q.all_choices():
                found.setdefault((q.id, "choice", choice.code), set()).add(version)
    return found, sorted(report.schema.versions, key=_version_order)


def _version_order(version: str):
    return [int(p) if p.isdigit() else p for p in version.replace("-", ".").split(".")]


def write_codebook(ws, report: Report, version: str, definition: Questionnaire) -> None:
    """One version's questions in that version's words: ids, Data columns, type, condition, rows and options.

    Questions, matrix rows and options that are not in every stored version are marked, with the
    versions that have them.
    """
    _, lang = report.gettext, report.lang
    headers = [_("Question id"), _("Column id"), _("Column in Data"), _("Kind"), _("Type"), _("Code"), _("Text"),
               _("Score"), _("Condition"), _("Only in versions")]
    widths = [26, 28, 30, 12, 16, 18, 50, 7, 26, 12]
    set_widths(ws, widths)
    ws.freeze_panes = "A4"
    page_setup(ws, report.title, _("Page &P of &N"), title_rows="3:3")
    rows = RowWriter(ws)
    several = len(report.schema.versions) > 1
    title = _("Codebook, version %(version)s", version=version)
    rows.append([Styled(safe_value(f"{title} · {report.title}"), "fk_title")], height=22)
    note = _("The texts are those of version %(version)s. Rows marked in yellow are not in every version of the "
             "questionnaire: the last column says which versions have them.", version=version) if several else \
        _("The texts are those of version %(version)s.", version=version)
    rows.append([Styled(note, "fk_note")])
    rows.append(_header(ws, headers), height=31)
    in_versions, ordered = _versions_of(report)
    columns = {c.key: c for c in report.schema.raw_columns()}  # an aggregate-only question has no Data column
    shown = data_headers(report)

    def add(key: tuple, values: list) -> None:  # definition texts come from anyone's XLSForm: neutralise them
        versions = in_versions.get(key, set())
        partial = len(versions) < len(ordered)
        values = values + [", ".join(v for v in ordered if v in versions) if partial else None]
        row = [safe_value(v) for v in values]
        row[6] = Styled(row[6], "fk_marked" if partial else "fk_answer") if row[6] is not None else row[6]
        if partial:
            row[9] = Styled(row[9], "fk_marked")
        lines = lines_needed(values[6] or "", widths[6])
        rows.append(row, height=15 * min(lines, 8) if lines > 1 else None)

    def column(key: str) -> list:
        return [key, shown[key]] if key in columns else [None, None]

    for section in definition.sections:
        questions = [q for q in section.questions if report.schema.questionnaire.question(q.id) is not None]
        if not questions:
            continue
        row = rows.append([Styled(safe_value(section.text(lang)), "fk_section")] + [Styled(None, "fk_section")] * 9,
                          height=19)
        ws.merged_cells.add(f"A{row}:J{row}")
        for q in questions:
            if q.derived:  # as the export shows it: its value's type and, for a rule, its yes/no choices
                q = report.schema.questionnaire.question(q.id)
            add((q.id, "question", None), [q.id, *column(q.id), _kind(q, _), type_name(q.type, _), None, q.text(lang), None,
                                           q.relevant or section.relevant])
            if q.derived:  # computed from the answers: say how, and what a broken rule tells the interviewer
                add((q.id, "question", None), [q.id, None, None, _("expression"), None, None, q.expression, None,
                                               None])
                if q.rule:
                    add((q.id, "question", None), [q.id, None, None, _("message"), None, None,
                                                   q.message_text(lang), None, None])
            for item in q.items:
                add((q.id, "row", item.code), [q.id, *column(f"{q.id}/{item.code}"), _("row"), None, item.code,
                                               item.text(lang), None, None])
            for choice in q.all_choices():
                kind = _("special answer") if choice.code in SPECIAL_CODES else _("option")
                key = column(f"{q.id}/{choice.code}") if q.type == "multi" else [None, None]
                add((q.id, "choice", choice.code), [q.id, *key, kind, None, choice.code, choice.text(lang),
                                                    choice.score, None])
            if q.type == "multi" and q.other:
                add((q.id, "choice", "annat"), [q.id, *column(q.id + OTHER_TEXT_SUFFIX), _("question"), "text", None,
                                                _("%(question)s (other, specified)", question=q.text(lang)), None,
                                                None])
    ws.auto_filter.ref = f"A3:{get_column_letter(len(headers))}{rows.row}"


#: The words for each question type in the Codebook's Type column (the stored codes mean little to a reader).
TYPE_NAMES = {
    "single": N_("Single choice"), "multi": N_("Multiple choice"), "scale": N_("Scale"), "matrix": N_("Matrix"),
    "yesno": N_("Yes/no question"), "integer": N_("Whole number"), "decimal": N_("Decimal number"),
    "money": N_("Amount (SEK)"), "text": N_("Short text"), "longtext": N_("Long text"), "year": N_("Year"),
    "date": N_("Date"), "time": N_("Time of day"), "datetime": N_("Date and time"), "note": N_("Information text"),
    "derived": N_("Derived value"), "start": N_("Start time"), "end": N_("End time"), "today": N_("Day of interview"),
    "deviceid": N_("Device id"), "username": N_("User name"), "email": N_("E-mail"),
    "phonenumber": N_("Phone number"), "simserial": N_("SIM card serial number"), "subscriberid": N_("Subscriber id"),
    "range": N_("Slider"), "rank": N_("Ranking"), "acknowledge": N_("Acknowledgement"), "geopoint": N_("Position"),
}


def type_name(qtype: str, _) -> str:
    """A question type in the report's words (`_`: its gettext); an unknown type as it is stored."""
    return _(TYPE_NAMES[qtype]) if qtype in TYPE_NAMES else qtype


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
    }


def codebook_description(report: Report, version: str) -> str:
    return report.gettext("Every question of version %(version)s with id, Data column, text, type, options and "
                          "codes.", version=version)
