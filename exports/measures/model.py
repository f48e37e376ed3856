"""What a measure is: titled tables of plain values, which the workbook and the reports page both show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from forms import registry

from ..frame import STATE_SUFFIX
from ..labels import gettext
from ..schema import SKIPPED, Schema

#: The kinds of cell a measure column holds: a row label, free text, a count, a share (0..1), a number with
#: decimals, an amount in kronor, a year, a date, or a rule's flag (True: it holds; False: broken).
KINDS = ("label", "text", "int", "pct", "dec", "sek", "year", "date", "flag")


@dataclass
class MeasureColumn:
    header: str
    kind: str
    group: str | None = None  # a heading over neighbouring columns


@dataclass
class MeasureTable:
    """A table of a measure: rows of plain Python values (None: nothing to show), some of them sums."""

    key: str
    title: str
    note: str
    columns: list[MeasureColumn]
    rows: list[list[Any]] = field(default_factory=list)
    strong: list[bool] = field(default_factory=list)  # a row that sums up the ones above it
    #: One row per submission: the workbook's sheet gets a filter, the reports page folds it away.
    listing: bool = False
    #: The name of its sheet in the workbook; a measure's first table is on a sheet named after the measure.
    sheet: str = ""

    def add(self, values: list[Any], strong: bool = False) -> None:
        self.rows.append([_plain(v) for v in values])
        self.strong.append(strong)

    def header_groups(self) -> list[tuple[str | None, int]]:
        """The heading row over the headers: (group, how many neighbouring columns it spans); None: no group."""
        spans: list[list] = []
        for col in self.columns:
            if spans and spans[-1][0] == col.group:
                spans[-1][1] += 1
            else:
                spans.append([col.group, 1])
        return [(group, n) for group, n in spans]

    def column(self, header: str) -> list[Any]:
        """The values of the column headed `header` (for tests and readers)."""
        index = [c.header for c in self.columns].index(header)
        return [row[index] for row in self.rows]


@dataclass
class Measure:
    """One questionnaire's own figures (contact log, NAD rules, costs): a section of the workbook and the page."""

    key: str
    title: str
    note: str
    tables: list[MeasureTable]

    def table(self, key: str) -> MeasureTable:
        return next(t for t in self.tables if t.key == key)


def _plain(value: Any) -> Any:
    """numpy scalars as Python ones, NaN as None."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    return value


class Context:
    """The report's frame and schema, and the words and names a measure needs."""

    def __init__(self, frame: pd.DataFrame, schema: Schema, lang: str, *,
                 related: Callable[[str], "Context | None"] | None = None, invited: list | None = None):
        self.frame = frame
        self.schema = schema
        self.lang = lang
        #: Another questionnaire's submissions in the same counties and scope (None when it is not stored),
        #: for a measure that compares two (the follow-up calls against the contact log).
        self.related = related
        #: The municipalities the survey expects (its frame), for a response rate.
        self.invited = invited
        self.counties = {c.code: c.name for c in registry.counties()}
        self.municipalities = {m.code: m.name for m in registry.municipalities()}

    def gettext(self, message: str, **params: Any) -> str:
        return gettext(message, self.lang, **params)

    def label(self, qid: str) -> str:
        """The question's text in the report's language (the newest version's wording)."""
        question = self.schema.questionnaire.question(qid)
        return question.text(self.lang) if question else qid

    def choices(self, qid: str) -> list[tuple[str, str]]:
        """(code, text) of every choice of a question, "other" and the special answers last."""
        question = self.schema.questionnaire.question(qid)
        return [(c.code, c.text(self.lang)) for c in question.all_choices()] if question else []

    def codes(self, key: str) -> np.ndarray:
        """A choice column as an object array of codes; None for missing and not shown."""
        values = self.frame[key].astype(object).to_numpy()
        return np.array([None if (v is None or v != v or v == SKIPPED) else v for v in values], dtype=object)

    def flags(self, key: str) -> np.ndarray:
        """A yes/no column (a rule is one) as True, False or None."""
        return np.array([{"ja": True, "nej": False}.get(v) for v in self.codes(key)], dtype=object)

    def numbers(self, key: str) -> np.ndarray:
        """A number column as floats; NaN for no number (don't know, missing, not shown)."""
        return self.frame[key].to_numpy(dtype=float)

    def shown(self, key: str) -> np.ndarray:
        """Was the question of a number or date column asked (anything but not shown)?"""
        return (self.frame[key + STATE_SUFFIX].astype(object) != SKIPPED).to_numpy()

    def texts(self, key: str) -> np.ndarray:
        return np.array([v if isinstance(v, str) else None for v in self.frame[key].astype(object)], dtype=object)

    def county_names(self) -> np.ndarray:
        return np.array([self.counties.get(c, c) for c in self.frame["county_code"].astype(object)], dtype=object)

    def district_names(self) -> list[tuple[str, str]]:
        """(code, name) of every district below a municipality, in the list's order."""
        return [(d.code, d.name) for d in registry.districts()]

    def municipality_names(self) -> np.ndarray:
        return np.array([self.municipalities.get(m, m) for m in self.frame["municipality_code"].astype(object)],
                        dtype=object)


@dataclass(frozen=True)
class Spec:
    """A measure of one questionnaire: the frame columns it needs and the function that computes it."""

    needs: tuple[str, ...]
    build: Callable[[Context], Measure]


def share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def median(values: np.ndarray) -> float | None:
    values = values[~np.isnan(values)]
    return float(np.median(values)) if len(values) else None


def total(values: np.ndarray) -> float | None:
    """The sum of the numbers given; None when there is none (a sum of nothing is not 0 kr)."""
    values = values[~np.isnan(values)]
    return float(values.sum()) if len(values) else None
