"""A report's submissions as label rows: the Data sheet, the wide and long CSV, the free texts.

Columns are converted a chunk of rows at a time with numpy, so a 100 000-row
export never holds more than one chunk of Python values.

A cell of a question that was not shown (its condition did not hold, or the
version answered lacks it) says "Ej tillämplig" / "Not applicable (skipped)";
a question shown and left empty is an empty cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from forms import registry
from forms.model import Question

from .captions import HEADER_LIMIT, is_year, shorten, stem, unique
from .frame import STATE_SUFFIX, STATES
from .labels import gettext
from .report import Report
from .safety import safe_series, safe_text
from .schema import SKIPPED, Column

CHUNK = 5000
Converter = Callable[[int, int], np.ndarray]



@dataclass
class TableColumn:
    """A column of the Data sheet and the wide CSV: `header` heads it in the sheet, `key` in the CSV."""

    header: str
    kind: str  # text | int | year | decimal | money | datetime | flag | date
    convert: Converter
    width: float = 14
    key: str = ""

    def __post_init__(self):
        self.key = self.key or self.header


def _labelled(codes: np.ndarray, labels: list[str | None]) -> Converter:
    """Category codes (-1 = none) to labels: the label array gets None appended for -1."""
    table = np.array([safe_text(x) if isinstance(x, str) else x for x in labels] + [None], dtype=object)
    return lambda a, b: table[codes[a:b]]


def _names(series: pd.Series, names: dict[str, str]) -> Converter:
    cat = series.cat
    return _labelled(cat.codes.to_numpy(), [names.get(c, c) for c in cat.categories])


def _times(series: pd.Series, excel: bool) -> Converter:
    if excel:
        values = np.array(series.dt.to_pydatetime(), dtype=object)
        values[series.isna().to_numpy()] = None
    else:
        values = np.array(series.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object), dtype=object)
        values[series.isna().to_numpy()] = None
    return lambda a, b: values[a:b]


def meta_headers(report: Report) -> list[str]:
    """The headers of the metadata columns, in the report's language."""
    _ = report.gettext
    districts = [_("District code"), _("District")] if by_district(report) else []
    return [_("Submission"), _("Version"), _("Status"), _("County code"), _("County"), _("Municipality code"),
            _("Municipality"), *districts, _("Created"), _("Modified"), _("Interviewer")]


def by_district(report: Report) -> bool:
    """Is the report's questionnaire answered per district (its submissions name a district below the municipality)?"""
    return report.schema.questionnaire.level == "district"


def status_labels(report: Report) -> dict[str, str]:
    """A submission's stored status as its readers see it, in the report's language: "Slutförd", not complete."""
    _ = report.gettext
    return {"complete": _("Complete"), "draft": _("Draft")}


def meta_columns(report: Report, excel: bool) -> list[TableColumn]:
    frame = report.frame
    counties = {c.code: c.name for c in registry.counties()}
    municipalities = {m.code: m.name for m in registry.municipalities()}
    status = status_labels(report)
    uuid = frame["uuid"].astype(object).to_numpy()
    specs = [
        ("text", lambda a, b: uuid[a:b], 37),
        ("text", _names(frame["version"], {}), 8),
        ("text", _names(frame["status"], status), 10),
        ("text", _names(frame["county_code"], {}), 7),
        ("text", _names(frame["county_code"], counties), 18),
        ("text", _names(frame["municipality_code"], {}), 10),
        ("text", _names(frame["municipality_code"], municipalities), 16),
        *([("text", _names(frame["district_code"], {}), 10),
           ("text", _names(frame["district_code"], {d.code: d.name for d in registry.districts()}), 20)]
          if by_district(report) else []),
        ("datetime", _times(frame["created"], excel), 16),
        ("datetime", _times(frame["modified"], excel), 16),
        ("text", _names(frame["interviewer"], {}), 14),
    ]
    return [TableColumn(header, kind, convert, width)
            for header, (kind, convert, width) in zip(meta_headers(report), specs)]


def choice_labels(question: Question, lang: str) -> dict[str, str]:
    labels = {c.code: c.text(lang) for c in question.all_choices()}
    labels[SKIPPED] = gettext("Not applicable (skipped)", lang)
    return labels


def multi_label(combo: str, labels: dict[str, str]) -> str:
    """A multiple choice's `code;code` in words: "Lägenhet; Villa"."""
    return "; ".join(labels.get(code, code) for code in combo.split(";"))


def data_header(col: Column, lang: str) -> str:
    """The Data sheet's header of an answer column: its question's label, shortened.

    A matrix row is "question stem: row", a multi option "question stem: option". The ids
    (the CSV's headers) are in the codebook.
    """
    question = col.question
    if col.kind == "option" or (col.kind == "text" and col.option is not None):
        option = col.option.text(lang) if col.kind == "option" else gettext("other, specified (text)", lang)
        return shorten(f"{stem(question, lang)}: {option}")
    if col.item is not None:
        head = stem(question, lang)
        return f"{head}: {shorten(col.item.text(lang), max(60, HEADER_LIMIT - len(head) - 2))}"
    return shorten(question.text(lang))


def data_headers(report: Report) -> dict[str, str]:
    """Data header of every answer column, by its key; unique within the sheet, metadata included."""
    taken = meta_headers(report)
    keys = [col.key for col in report.schema.raw_columns()]
    headers = unique(taken + [data_header(col, report.lang) for col in report.schema.raw_columns()])[len(taken):]
    return dict(zip(keys, headers))


def answer_column(report: Report, col: Column, excel: bool = False, header: str | None = None) -> TableColumn:
    """The Data column of one answer column, in the report's language (dates as dates for Excel)."""
    frame, lang = report.frame, report.lang
    question = col.question
    header = header or col.key
    if col.kind == "choice":
        labels = choice_labels(question, lang)
        cat = frame[col.key].cat
        return TableColumn(header, "text", _labelled(cat.codes.to_numpy(), [labels.get(c, c) for c in cat.categories]),
                           18, col.key)
    if col.kind == "multi":
        labels = choice_labels(question, lang)
        cat = frame[col.key].cat
        combos = [labels[SKIPPED] if c == SKIPPED else multi_label(c, labels) for c in cat.categories]
        return TableColumn(header, "text", _labelled(cat.codes.to_numpy(), combos), 24, col.key)
    if col.kind == "option":
        combos = frame[question.id]
        answered = (combos.notna() & (combos != SKIPPED)).to_numpy(dtype=bool, na_value=False)
        flags = frame[col.key].to_numpy().astype(object)
        flags[~answered] = None
        flags[(combos == SKIPPED).to_numpy(dtype=bool, na_value=False)] = gettext("Not applicable (skipped)", lang)
        return TableColumn(header, "flag", lambda a, b: flags[a:b], 12, col.key)
    if col.kind in ("number", "date"):
        return _value_column(report, col, excel, header)
    return TableColumn(header, "text", _text_values(report, col), 30, col.key)


def _text_values(report: Report, col: Column) -> Converter:
    """Free texts; "not applicable" where the question, or the "other" option of its text, was not there."""
    frame = report.frame
    values = safe_series(frame[col.key])
    skipped = gettext("Not applicable (skipped)", report.lang)
    if col.option is None:
        not_shown = (frame[col.key + STATE_SUFFIX].cat.codes.to_numpy() == STATES.index(SKIPPED))
    else:  # the "other, specify" text is asked only when "other" was chosen
        not_shown = frame[f"{col.question.id}/{col.option.code}"].to_numpy() != 1
    values[not_shown & pd.isna(values)] = skipped
    return lambda a, b: values[a:b]


def _value_column(report: Report, col: Column, excel: bool, header: str) -> TableColumn:
    frame, lang = report.frame, report.lang
    question = col.question
    states = frame[col.key + STATE_SUFFIX].cat.codes.to_numpy()
    skipped = gettext("Not applicable (skipped)", lang)
    state_labels = np.array([question.choice(code).text(lang) if question.choice(code) else skipped
                             for code in STATES] + [None], dtype=object)
    if col.kind == "date":
        raw = frame[col.key].astype(object).to_numpy()
        has = frame[col.key].notna().to_numpy() & (states < 0)
        values = np.where(has, raw, state_labels[states])
        if excel and has.any():  # real dates, which Excel can sort and compute with
            days = pd.to_datetime(pd.Series(raw[has]), format="%Y-%m-%d", errors="coerce")
            valid = days.notna().to_numpy()
            values[np.flatnonzero(has)[valid]] = np.array(days[valid].dt.date.to_numpy(), dtype=object)
        return TableColumn(header, "date", lambda a, b: values[a:b], 12, col.key)
    raw = frame[col.key].to_numpy(dtype=float)
    has = ~np.isnan(raw) & (states < 0)
    values = state_labels[states]
    if question.type in ("integer", "money", "year"):
        values[has] = np.rint(raw[has]).astype(np.int64).astype(object)
    else:
        values[has] = raw[has].astype(object)
    kind = "year" if is_year(question) else {"money": "money", "integer": "int"}.get(question.type, "decimal")
    return TableColumn(header, kind, lambda a, b: values[a:b], 14, col.key)


def wide_columns(report: Report, excel: bool) -> list[TableColumn]:
    """Metadata columns first, then one column per answer column of the schema.

    Each answer column is headed by its label in the Data sheet and by its id in the CSV
    (`key`); with `excel`, date answers are dates rather than text.
    """
    meta = meta_columns(report, excel)
    headers = data_headers(report) if excel else {}
    return meta + [answer_column(report, col, excel, headers.get(col.key)) for col in report.schema.raw_columns()]


def wide_rows(columns: list[TableColumn], n: int, chunk: int = CHUNK) -> Iterator[tuple]:
    """The rows of a wide table, built a chunk at a time."""
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        yield from zip(*(c.convert(start, stop) for c in columns))


def text_columns(report: Report) -> list[Column]:
    return [c for c in report.schema.raw_columns() if c.kind == "text"]


def freetext_rows(report: Report) -> Iterator[tuple]:
    """(question id, question, county, municipality, municipality code, answer, submission) per free text."""
    frame, lang = report.frame, report.lang
    counties = {c.code: c.name for c in registry.counties()}
    municipalities = {m.code: m.name for m in registry.municipalities()}
    county = frame["county_code"].astype(object).to_numpy()
    municipality = frame["municipality_code"].astype(object).to_numpy()
    uuid = frame["uuid"].astype(object).to_numpy()
    for col in text_columns(report):
        question = col.question
        label = question.text(lang)
        if col.option is not None:
            label = gettext("%(question)s (other, specified)", lang, question=label)
        label = safe_text(label)
        values = safe_series(frame[col.key])
        for i in np.flatnonzero(pd.notna(values)):
            code = municipality[i]
            yield (col.key, label, counties.get(county[i], county[i]), municipalities.get(code, code), code,
                   values[i], uuid[i])


def long_rows(report: Report, chunk: int = CHUNK) -> Iterator[tuple]:
    """One row per answer: submission metadata, question id, Data column, code, label or value.

    Questions not shown and answers left empty have no row.
    """
    meta = meta_columns(report, excel=False)
    specs = []
    for col in report.schema.raw_columns():
        if col.kind == "multi":
            continue
        specs.append((col, answer_column(report, col), _codes(report, col)))
    for start in range(0, len(report.frame), chunk):
        stop = min(len(report.frame), start + chunk)
        metas = list(zip(*(c.convert(start, stop) for c in meta)))
        per_column = []
        for col, table_col, codes in specs:
            raw = codes(start, stop)
            if col.kind == "option":  # the option's label, not its 0/1 flag
                labels = np.full(len(raw), safe_text(col.option.text(report.lang)), dtype=object)
            else:
                labels = table_col.convert(start, stop)
            per_column.append((col, labels, raw))
        for i, head in enumerate(metas):
            for col, labels, raw in per_column:
                code = raw[i]
                if code is None:
                    continue
                yield head[:8] + (col.question.id, col.key, code, labels[i])


def _codes(report: Report, col: Column) -> Converter:
    """The stored code of each cell (None when there is no answer): used by the long table."""
    frame = report.frame
    if col.kind == "choice":
        cat = frame[col.key].cat
        table = np.array([None if c == SKIPPED else safe_text(str(c)) for c in cat.categories] + [None], dtype=object)
        codes = cat.codes.to_numpy()
        return lambda a, b: table[codes[a:b]]
    if col.kind == "option":
        flags = frame[col.key].to_numpy() == 1
        values = np.where(flags, safe_text(col.option.code), None)
        return lambda a, b: values[a:b]
    states = frame[col.key + STATE_SUFFIX].cat.codes.to_numpy() if col.kind != "text" or col.option is None \
        else np.full(len(frame), -1, dtype=np.int8)
    state_codes = np.array([STATES[0], STATES[1], None, None], dtype=object)
    if col.kind == "number":
        raw = frame[col.key].to_numpy(dtype=float)
        has = ~np.isnan(raw) & (states < 0)
        values = state_codes[states]
        if col.question.type in ("integer", "money", "year"):
            values[has] = np.rint(raw[has]).astype(np.int64).astype(object)
        else:
            values[has] = raw[has].astype(object)
    else:
        raw = safe_series(frame[col.key])
        has = pd.notna(raw) & (states < 0)
        values = state_codes[states]
        values[has] = raw[has]
    return lambda a, b: values[a:b]
