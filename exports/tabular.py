"""A report's submissions as label rows: the Data sheet, the wide and long CSV, the free texts.

Columns are converted a chunk of rows at a time with numpy, so a 100 000-row
export never holds more than one chunk of Python values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from forms import registry
from forms.model import Question

from .frame import STATE_SUFFIX, STATES
from .labels import gettext
from .report import Report
from .safety import safe_series, safe_text
from .schema import SKIPPED, Column

CHUNK = 5000
Converter = Callable[[int, int], np.ndarray]



@dataclass
class TableColumn:
    header: str
    kind: str  # text | int | decimal | money | datetime | flag | date
    convert: Converter
    width: float = 14


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


def meta_columns(report: Report, excel: bool) -> list[TableColumn]:
    frame, _ = report.frame, report.gettext
    counties = {c.code: c.name for c in registry.counties()}
    municipalities = {m.code: m.name for m in registry.municipalities()}
    status = {"complete": _("Complete"), "draft": _("Draft")}
    uuid = frame["uuid"].astype(object).to_numpy()
    return [
        TableColumn(_("Submission"), "text", lambda a, b: uuid[a:b], 38),
        TableColumn(_("Version"), "text", _names(frame["version"], {}), 9),
        TableColumn(_("Status"), "text", _names(frame["status"], status), 11),
        TableColumn(_("County code"), "text", _names(frame["county_code"], {}), 9),
        TableColumn(_("County"), "text", _names(frame["county_code"], counties), 20),
        TableColumn(_("Municipality code"), "text", _names(frame["municipality_code"], {}), 11),
        TableColumn(_("Municipality"), "text", _names(frame["municipality_code"], municipalities), 18),
        TableColumn(_("Created"), "datetime", _times(frame["created"], excel), 17),
        TableColumn(_("Modified"), "datetime", _times(frame["modified"], excel), 17),
        TableColumn(_("Interviewer"), "text", _names(frame["interviewer"], {}), 16),
    ]


def choice_labels(question: Question, lang: str) -> dict[str, str]:
    labels = {c.code: c.text(lang) for c in question.all_choices()}
    labels[SKIPPED] = gettext("Not applicable (skipped)", lang)
    return labels


def _multi_label(combo: str, labels: dict[str, str]) -> str:
    return "; ".join(labels.get(code, code) for code in combo.split(";"))


def answer_column(report: Report, col: Column) -> TableColumn:
    """The Data column of one answer column, in the report's language."""
    frame, lang = report.frame, report.lang
    question = col.question
    if col.kind == "choice":
        labels = choice_labels(question, lang)
        cat = frame[col.key].cat
        return TableColumn(col.key, "text", _labelled(cat.codes.to_numpy(), [labels.get(c, c) for c in cat.categories]))
    if col.kind == "multi":
        labels = choice_labels(question, lang)
        cat = frame[col.key].cat
        combos = [labels[SKIPPED] if c == SKIPPED else _multi_label(c, labels) for c in cat.categories]
        return TableColumn(col.key, "text", _labelled(cat.codes.to_numpy(), combos), 24)
    if col.kind == "option":
        combos = frame[question.id]
        answered = (combos.notna() & (combos != SKIPPED)).to_numpy(dtype=bool, na_value=False)
        flags = frame[col.key].to_numpy().astype(object)
        flags[~answered] = None
        return TableColumn(col.key, "flag", lambda a, b: flags[a:b], 10)
    if col.kind in ("number", "date"):
        return _value_column(report, col)
    values = safe_series(frame[col.key])
    return TableColumn(col.key, "text", lambda a, b: values[a:b], 40)


def _value_column(report: Report, col: Column) -> TableColumn:
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
        return TableColumn(col.key, "date", lambda a, b: values[a:b], 12)
    raw = frame[col.key].to_numpy(dtype=float)
    has = ~np.isnan(raw) & (states < 0)
    values = state_labels[states]
    if question.type in ("integer", "money", "year"):
        values[has] = np.rint(raw[has]).astype(np.int64).astype(object)
    else:
        values[has] = raw[has].astype(object)
    kind = {"money": "money", "integer": "int", "year": "int"}.get(question.type, "decimal")
    return TableColumn(col.key, kind, lambda a, b: values[a:b], 14)


def wide_columns(report: Report, excel: bool) -> list[TableColumn]:
    """Metadata columns first, then one column per answer column of the schema."""
    return meta_columns(report, excel) + [answer_column(report, col) for col in report.schema.columns]


def wide_rows(columns: list[TableColumn], n: int, chunk: int = CHUNK) -> Iterator[tuple]:
    """The rows of a wide table, built a chunk at a time."""
    for start in range(0, n, chunk):
        stop = min(n, start + chunk)
        yield from zip(*(c.convert(start, stop) for c in columns))


def text_columns(report: Report) -> list[Column]:
    return [c for c in report.schema.columns if c.kind == "text"]


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
    for col in report.schema.columns:
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
