"""Per-question tables: counts and shares per county and in total, statistics, response rates.

Shares of choice questions are of the substantive answers; the special answers
(`vet_ej`, `ej_aktuellt`) are counted apart, with their share of all answers.
Questions not shown (relevance, or absent from the version answered) are
counted as SKIPPED ("ej tillämplig"), never as missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forms import registry
from forms.model import SPECIAL_CODES, Choice, Item, Question, Section

from .frame import STATE_SUFFIX, STATES
from .schema import SKIPPED, Column, Schema


@dataclass(frozen=True)
class Group:
    """A county, or the total (code None)."""

    code: str | None
    name: str


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=np.broadcast_to(den, out.shape) > 0)
    return out


@dataclass
class ChoiceTable:
    """One single/yesno/scale question, one matrix row, or a multi question; rows are groups."""

    key: str
    question: Question
    kind: str  # choice | multi
    options: list[Choice]
    specials: list[Choice]
    groups: list[Group]
    counts: np.ndarray  # groups x options
    special_counts: np.ndarray  # groups x specials
    skipped: np.ndarray
    missing: np.ndarray
    base: np.ndarray  # substantive answers (multi: respondents with a substantive choice)
    means: np.ndarray | None = None
    item: Item | None = None

    @property
    def answered(self) -> np.ndarray:
        return self.base + self.special_counts.sum(axis=1)

    def shares(self) -> np.ndarray:
        return _ratio(self.counts, self.base[:, None])

    def special_shares(self) -> np.ndarray:
        return _ratio(self.special_counts, self.answered[:, None])


@dataclass
class MatrixTable:
    """A matrix question: one ChoiceTable per item."""

    key: str
    question: Question
    rows: list[ChoiceTable]

    kind = "matrix"

    def summary(self, lang: str = "sv") -> ChoiceTable:
        """Items as rows, the totals of each item: the items x levels table."""
        first = self.rows[0]
        pick = lambda name: np.array([getattr(r, name)[-1] for r in self.rows])  # noqa: E731
        means = np.array([r.means[-1] for r in self.rows]) if first.means is not None else None
        return ChoiceTable(self.key, self.question, "choice", first.options, first.specials,
                           [Group(r.item.code, r.item.text(lang)) for r in self.rows], pick("counts"),
                           pick("special_counts"), pick("skipped"), pick("missing"), pick("base"), means)


@dataclass
class ValueTable:
    """A number, date or free-text question: statistics per group."""

    key: str
    question: Question
    kind: str  # number | date | text
    groups: list[Group]
    stats: dict[str, np.ndarray]  # name -> one value per group, in display order
    specials: list[Choice]
    special_counts: np.ndarray
    skipped: np.ndarray
    missing: np.ndarray


@dataclass
class SectionResult:
    section: Section
    tables: list[Any] = field(default_factory=list)


@dataclass
class ResponseRate:
    """Municipalities with a completed submission, of those in scope, per county; total last."""

    groups: list[Group]
    in_scope: np.ndarray
    answered: np.ndarray

    @property
    def rates(self) -> np.ndarray:
        return _ratio(self.answered, self.in_scope)


# -- grouping ---------------------------------------------------------------

def groups_of(frame: pd.DataFrame, total_label: str) -> tuple[list[Group], np.ndarray]:
    """The counties present in the frame (by code) and the total; and each row's group index."""
    codes = frame["county_code"].astype(object).to_numpy() if len(frame) else np.array([], dtype=object)
    present = sorted(set(codes))
    names = {c.code: c.name for c in registry.counties()}
    groups = [Group(code, names.get(code, code)) for code in present] + [Group(None, total_label)]
    index = {code: i for i, code in enumerate(present)}
    return groups, np.array([index[c] for c in codes], dtype=np.int64)


def _per_group(g: np.ndarray, ngroups: int, mask: np.ndarray) -> np.ndarray:
    """Count of rows where mask holds, per county, with the total appended."""
    counts = np.bincount(g[mask], minlength=ngroups - 1) if len(g) else np.zeros(ngroups - 1, dtype=np.int64)
    return np.append(counts, counts.sum()).astype(np.int64)


def _crosstab(g: np.ndarray, ngroups: int, codes: np.ndarray, ncats: int) -> np.ndarray:
    """Counts of each category code (-1 = missing, last column) per county; total row appended."""
    shifted = np.where(codes < 0, ncats, codes).astype(np.int64)
    flat = np.bincount(g * (ncats + 1) + shifted, minlength=(ngroups - 1) * (ncats + 1)) if len(g) else \
        np.zeros((ngroups - 1) * (ncats + 1), dtype=np.int64)
    table = flat.reshape(ngroups - 1, ncats + 1)
    return np.vstack([table, table.sum(axis=0)])


# -- tables -----------------------------------------------------------------

def _specials(question: Question) -> list[Choice]:
    return [c for c in question.all_choices() if c.code in SPECIAL_CODES]


def _substantive(question: Question) -> list[Choice]:
    return [c for c in question.all_choices() if c.code not in SPECIAL_CODES]


def choice_table(frame: pd.DataFrame, col: Column, groups: list[Group], g: np.ndarray) -> ChoiceTable:
    question = col.question
    cat = frame[col.key].cat
    categories = list(cat.categories)
    table = _crosstab(g, len(groups), cat.codes.to_numpy(), len(categories))
    where_ = {code: i for i, code in enumerate(categories)}
    options, specials = _substantive(question), _specials(question)
    counts = table[:, [where_[c.code] for c in options]]
    special_counts = table[:, [where_[c.code] for c in specials]].reshape(len(groups), len(specials))
    means = None
    scores = [c.score for c in options]
    if options and all(s is not None for s in scores) and question.type in ("scale", "matrix"):
        means = _ratio(counts @ np.array(scores, dtype=float), counts.sum(axis=1))
    return ChoiceTable(col.key, question, "choice", options, specials, groups, counts, special_counts,
                       table[:, where_[SKIPPED]], table[:, -1], counts.sum(axis=1), means, col.item)


def multi_table(frame: pd.DataFrame, col: Column, option_cols: list[Column], groups: list[Group],
                g: np.ndarray) -> ChoiceTable:
    question = col.question
    n = len(groups)
    flags = {c.option.code: frame[c.key].to_numpy() == 1 for c in option_cols}
    options, specials = _substantive(question), _specials(question)
    any_substantive = np.zeros(len(frame), dtype=bool)
    for choice in options:
        any_substantive |= flags[choice.code]
    combos = frame[col.key]
    counts = np.column_stack([_per_group(g, n, flags[c.code]) for c in options]) if options else np.zeros((n, 0))
    special_counts = np.column_stack(
        [_per_group(g, n, flags[c.code] & ~any_substantive) for c in specials]
    ) if specials else np.zeros((n, 0), dtype=np.int64)
    skipped = _per_group(g, n, (combos == SKIPPED).to_numpy(dtype=bool, na_value=False))
    missing = _per_group(g, n, combos.isna().to_numpy())
    return ChoiceTable(col.key, question, "multi", options, specials, groups, counts.astype(np.int64),
                       special_counts, skipped, missing, _per_group(g, n, any_substantive))


def year_table(frame: pd.DataFrame, col: Column, groups: list[Group], g: np.ndarray) -> ChoiceTable:
    """A year question counted per year like a choice question: a year is a category, never an amount."""
    question = col.question
    n = len(groups)
    states = frame[col.key + STATE_SUFFIX].cat.codes.to_numpy()
    values = frame[col.key].to_numpy(dtype=float)
    has_value = ~np.isnan(values) & (states < 0)
    years = sorted({int(v) for v in values[has_value]})
    options = [Choice(str(year), {}) for year in years]
    counts = np.column_stack([_per_group(g, n, has_value & (values == year)) for year in years]) if years else \
        np.zeros((n, 0), dtype=np.int64)
    specials = _specials(question)
    special_counts = np.column_stack(
        [_per_group(g, n, states == STATES.index(c.code)) for c in specials]
    ) if specials else np.zeros((n, 0), dtype=np.int64)
    return ChoiceTable(col.key, question, "choice", options, specials, groups, counts, special_counts,
                       _per_group(g, n, states == STATES.index(SKIPPED)), _per_group(g, n, (states < 0) & ~has_value),
                       counts.sum(axis=1))


def value_table(frame: pd.DataFrame, col: Column, groups: list[Group], g: np.ndarray) -> ValueTable:
    question = col.question
    n = len(groups)
    states = frame[col.key + STATE_SUFFIX].cat.codes.to_numpy()
    values = frame[col.key]
    has_value = values.notna().to_numpy() & (states < 0)
    specials = _specials(question)
    special_counts = np.column_stack(
        [_per_group(g, n, states == STATES.index(c.code)) for c in specials]
    ) if specials else np.zeros((n, 0), dtype=np.int64)
    skipped = _per_group(g, n, states == STATES.index(SKIPPED))
    missing = _per_group(g, n, (states < 0) & ~has_value)
    stats = {"n": _per_group(g, n, has_value)}
    if col.kind == "number":
        stats.update(_number_stats(values.to_numpy(dtype=float), has_value, g, n))
    elif col.kind == "date":
        stats.update(_date_stats(values, has_value, g, n))
    return ValueTable(col.key, question, col.kind, groups, stats, specials, special_counts, skipped, missing)


def _number_stats(values: np.ndarray, has_value: np.ndarray, g: np.ndarray, n: int) -> dict[str, np.ndarray]:
    series = pd.Series(values[has_value])
    by = pd.Series(g[has_value])
    names = ("mean", "median", "min", "max", "sum")
    out = {name: np.full(n, np.nan) for name in names}
    if len(series):
        per = series.groupby(by.to_numpy()).agg(list(names))
        for name in names:
            out[name][per.index.to_numpy()] = per[name].to_numpy()
            out[name][-1] = getattr(series, name)()
    else:
        out["sum"][:] = 0.0
    out["sum"] = np.where(np.isnan(out["sum"]), 0.0, out["sum"])
    return out


def _date_stats(values: pd.Series, has_value: np.ndarray, g: np.ndarray, n: int) -> dict[str, np.ndarray]:
    first = np.full(n, None, dtype=object)
    last = np.full(n, None, dtype=object)
    chosen = values[has_value].astype(str).to_numpy()
    groups_ = g[has_value]
    for i in range(n - 1):
        here = chosen[groups_ == i]
        if len(here):
            first[i], last[i] = here.min(), here.max()
    if len(chosen):
        first[-1], last[-1] = chosen.min(), chosen.max()
    return {"first_date": first, "last_date": last}


def question_tables(frame: pd.DataFrame, schema: Schema, groups: list[Group], g: np.ndarray) -> list[SectionResult]:
    """A SectionResult per section of the merged questionnaire, with one table per question."""
    by_question: dict[str, list[Column]] = {}
    for col in schema.columns:
        by_question.setdefault(col.question.id, []).append(col)
    results = []
    for section in schema.sections():
        result = SectionResult(section)
        for question in section.questions:
            cols = by_question.get(question.id)
            if not cols or cols[0].kind == "plain":  # times, recorded facts (start, deviceid...): no findings
                continue
            if question.type == "matrix":
                rows = [choice_table(frame, c, groups, g) for c in cols]
                if rows:
                    result.tables.append(MatrixTable(question.id, question, rows))
            elif question.type in ("rank", "geopoint"):  # the first place and each option's place; lat and lon
                result.tables += [choice_table(frame, c, groups, g) if c.kind == "choice" else
                                  value_table(frame, c, groups, g) for c in cols]
            elif question.type == "multi":
                options = [c for c in cols if c.kind == "option"]
                result.tables.append(multi_table(frame, cols[0], options, groups, g))
            elif cols[0].kind == "choice":
                result.tables.append(choice_table(frame, cols[0], groups, g))
            elif question.type == "year":
                result.tables.append(year_table(frame, cols[0], groups, g))
            else:
                result.tables.append(value_table(frame, cols[0], groups, g))
        results.append(result)
    return results


def response_rate(in_scope: list[registry.Municipality], answered: set[str], total_label: str) -> ResponseRate:
    """Municipalities that answered / municipalities expected (the frame, see `survey`), per county and in total."""
    names = {c.code: c.name for c in registry.counties()}
    codes = sorted({m.county_code for m in in_scope})
    groups = [Group(code, names[code]) for code in codes] + [Group(None, total_label)]
    scope_n = np.array([sum(1 for m in in_scope if m.county_code == c) for c in codes] + [len(in_scope)])
    answered_n = np.array(
        [sum(1 for m in in_scope if m.county_code == c and m.code in answered) for c in codes]
        + [sum(1 for m in in_scope if m.code in answered)]
    )
    return ResponseRate(groups, scope_n, answered_n)
