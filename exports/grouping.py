"""Tables grouped by something other than the county, and cross-tables of two questions.

A *variable* puts every submission in exactly one category: an option of a choice-like
column (single, yes/no, scale, a matrix row, a rule or a derived choice), a year of a year
question, or the year or quarter of a date question ("fritt.datum:quarter"). The special
answers ("Vet ej"), "Ej tillämplig" (not shown) and "Ej besvarad" (shown, left empty) are
categories of their own, so a grouped table's rows always add up to its total.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from forms import registry
from forms.catalogues import N_
from forms.model import SPECIAL_CODES, Choice, Question

from .aggregate import ChoiceTable, Group, _crosstab, _ratio, groups_of
from .captions import is_year, shorten, stem
from .filters import BY_COUNTY, BY_DEFAULT, BY_DISTRICT, ExportFilter, FilterError, TableOptions
from .frame import STATE_SUFFIX, STATES
from .labels import gettext
from .schema import SKIPPED, Column, Schema

PARTS = ("year", "quarter")
#: The key of the cross-table among a report's tables.
CROSS = "cross"


@dataclass
class Variable:
    """One category per submission: `codes` index options + specials + [skipped]; -1 is "not answered"."""

    key: str
    question: Question
    header: str
    options: list[Choice]
    specials: list[Choice]
    codes: np.ndarray

    @property
    def labels(self) -> list[Choice]:
        return self.options + self.specials


def _is_year_question(question: Question) -> bool:
    return question.type == "year" or is_year(question)


def valid_ids(schema: Schema) -> list[str]:
    """Every id a table may be grouped or crossed by, in questionnaire order (never a sensitive question)."""
    out = []
    for col in schema.columns:
        if col.question.sensitive:
            continue  # its answers would label the rows of every table, with the reader's suppression only
        if col.kind == "choice" or (col.kind == "number" and _is_year_question(col.question)):
            out.append(col.key)
        elif col.kind == "date":
            out += [f"{col.key}:{part}" for part in PARTS]
    return out


def _resolve(schema: Schema, spec: str, *, grouping: bool = False) -> tuple[Column, str | None]:
    """The column and the part (year, quarter) of a checked id; FilterError lists the valid ids
    (and county, for a `grouping`)."""
    key, _sep, part = spec.partition(":")
    columns = {c.key: c for c in schema.columns}
    col = columns.get(key)
    if spec not in valid_ids(schema) or col is None:
        params = {"spec": repr(spec), "questionnaire": schema.questionnaire.id, "valid": ", ".join(valid_ids(schema))}
        _refuse_known(col, part, params, grouping)
        if not params["valid"]:
            raise FilterError(N_("cannot group or cross by %(spec)s: %(questionnaire)s has no choice, year or date "
                                 "question") if not grouping else
                              N_("cannot group by %(spec)s: %(questionnaire)s has no choice, year or date question; "
                                 "group by county"), **params)
        raise FilterError(N_("cannot group or cross by %(spec)s: it is not a choice, year or date question of "
                             "%(questionnaire)s; valid choices: %(valid)s") if not grouping else
                          N_("cannot group or cross by %(spec)s: it is not a choice, year or date question of "
                             "%(questionnaire)s; valid choices: %(valid)s (or county)"), **params)
    return col, part or None


def _refuse_known(col: Column | None, part: str, params: dict, grouping: bool) -> None:
    """Raise the real reason a column of the questionnaire cannot group or cross: it is sensitive, or its
    year/quarter part is missing or wrong; a column that is none of these falls through to the general message."""
    if col is None:
        return
    if col.question.sensitive:
        raise FilterError(N_("cannot group or cross by %(spec)s: it is a sensitive question, and its answers would "
                             "name the rows of every table; valid choices: %(valid)s") if not grouping else
                          N_("cannot group or cross by %(spec)s: it is a sensitive question, and its answers would "
                             "name the rows of every table; valid choices: %(valid)s (or county)"), **params)
    if col.kind == "date" and part not in PARTS:
        raise FilterError(N_("cannot group or cross by %(spec)s: a date question groups by its year or quarter, "
                             "%(key)s:year or %(key)s:quarter"), key=col.key, **params)
    if part and col.kind != "date" and (col.kind == "choice" or _is_year_question(col.question)):
        raise FilterError(N_("cannot group or cross by %(spec)s: only a date question has a year or quarter; "
                             "write %(key)s"), key=col.key, **params)


def default_grouping(flt: ExportFilter, schema: Schema) -> ExportFilter:
    """The filter with a grouping: the one asked for, else the questionnaire's own (`report: group_by`), else county.

    A default the export cannot use (its question left out, e.g. personal for a county user) is county.
    """
    if flt.tables.group_by != BY_DEFAULT:
        return flt
    spec = schema.questionnaire.group_by
    chosen = spec if spec and spec in valid_ids(schema) else BY_COUNTY
    return replace(flt, tables=replace(flt.tables, group_by=chosen))


def check_options(schema: Schema, options: TableOptions) -> None:
    """Raise FilterError (listing the valid ids) for a grouping or cross-table naming an unknown column."""
    if options.group_by == BY_DISTRICT and schema.questionnaire.level != "district":
        raise FilterError(N_("cannot group by district: %(questionnaire)s is answered per municipality"),
                          questionnaire=schema.questionnaire.id)
    if options.group_by not in (BY_COUNTY, BY_DISTRICT):
        _resolve(schema, options.group_by, grouping=True)
    for spec in options.cross:
        _resolve(schema, spec)


def header(schema: Schema, spec: str, lang: str) -> str:
    """The words heading a variable's categories: its question (and matrix row), "(year)" or "(quarter)"."""
    if spec == BY_COUNTY:
        return gettext("County", lang)
    if spec == BY_DISTRICT:
        return gettext("District", lang)
    col, part = _resolve(schema, spec)
    text = col.question.text(lang)
    if col.item is not None:
        text = f"{stem(col.question, lang)}: {col.item.text(lang)}"
    text = shorten(text, 80)
    if part:
        text = gettext("%(question)s (year)", lang, question=text) if part == "year" else \
            gettext("%(question)s (quarter)", lang, question=text)
    return text


def choices(schema: Schema, lang: str) -> list[tuple[str, str]]:
    """(id, words) of everything a table may be grouped or crossed by, for a form's select."""
    district = [(BY_DISTRICT, header(schema, BY_DISTRICT, lang))] if schema.questionnaire.level == "district" else []
    return district + [(spec, f"{header(schema, spec, lang)} [{spec}]") for spec in valid_ids(schema)]


def _specials(question: Question) -> list[Choice]:
    return [c for c in question.all_choices() if c.code in SPECIAL_CODES]


def _from_states(states: np.ndarray, specials: list[Choice], offset: int) -> np.ndarray:
    """Category codes of the cells without a value: a special answer, skipped, or -1 (not answered)."""
    codes = np.full(len(states), -1, dtype=np.int64)
    for j, special in enumerate(specials):
        codes[states == STATES.index(special.code)] = offset + j
    codes[states == STATES.index(SKIPPED)] = offset + len(specials)
    return codes


def variable(frame: pd.DataFrame, schema: Schema, spec: str, lang: str) -> Variable:
    """The categories of every row of the frame for a checked id (see `valid_ids`)."""
    col, part = _resolve(schema, spec)
    question = col.question
    specials = _specials(question)
    title = header(schema, spec, lang)
    if col.kind == "choice":
        options = [c for c in question.all_choices() if c.code not in SPECIAL_CODES]
        order = {c.code: i for i, c in enumerate(options + specials)}
        order[SKIPPED] = len(options) + len(specials)
        cat = frame[col.key].cat
        remap = np.array([order.get(c, -1) for c in cat.categories] + [-1], dtype=np.int64)
        return Variable(spec, question, title, options, specials, remap[cat.codes.to_numpy()])
    states = frame[col.key + STATE_SUFFIX].cat.codes.to_numpy()
    if col.kind == "number":  # a year question: each year a category
        values = frame[col.key].to_numpy(dtype=float)
        has = ~np.isnan(values) & (states < 0)
        keys = np.rint(values[has]).astype(np.int64)
        options = [Choice(str(year), {}) for year in sorted(set(keys.tolist()))]
    else:  # a date by its year or quarter
        days = pd.to_datetime(pd.Series(frame[col.key].to_numpy(dtype=object)), format="%Y-%m-%d", errors="coerce")
        has = days.notna().to_numpy() & (states < 0)
        picked = days[has]
        if part == "year":
            keys = picked.dt.year.to_numpy()
            options = [Choice(str(year), {}) for year in sorted(set(keys.tolist()))]
        else:
            keys = picked.dt.year.to_numpy() * 10 + picked.dt.quarter.to_numpy()
            options = [Choice(f"{k // 10}-Q{k % 10}", {lang: gettext("%(year)s Q%(quarter)s", lang, year=k // 10,
                                                                     quarter=k % 10)})
                       for k in sorted(set(keys.tolist()))]
    codes = _from_states(states, specials, len(options))
    if len(options):
        index = {int(k): i for i, k in enumerate(sorted(set(keys.tolist())))}
        codes[has] = np.array([index[int(k)] for k in keys], dtype=np.int64)
    return Variable(spec, question, title, options, specials, codes)


def groups_by(frame: pd.DataFrame, schema: Schema, spec: str, lang: str) -> tuple[list[Group], np.ndarray]:
    """The groups of the tables and each row's group: counties, or the categories of a variable present.

    Categories come in the order of the question (years and quarters in time order), then the
    special answers, "Ej tillämplig" and "Ej besvarad"; the total is last.
    """
    total = gettext("Total", lang)
    if spec == BY_COUNTY:
        return groups_of(frame, total)
    if spec == BY_DISTRICT:
        return districts_of(frame, total)
    var = variable(frame, schema, spec, lang)
    skipped = len(var.labels)
    codes = np.where(var.codes < 0, skipped + 1, var.codes)
    present = sorted(set(codes.tolist()))
    names = [c.text(lang) for c in var.labels] + [gettext("Not applicable (skipped)", lang),
                                                    gettext("Not answered", lang)]
    keys = [c.code for c in var.labels] + [SKIPPED, ""]
    groups = [Group(keys[i], names[i]) for i in present] + [Group(None, total)]
    where = np.full(skipped + 2, -1, dtype=np.int64)
    where[present] = np.arange(len(present))
    return groups, where[codes] if len(codes) else np.array([], dtype=np.int64)


def districts_of(frame: pd.DataFrame, total_label: str) -> tuple[list[Group], np.ndarray]:
    """The districts present in the frame, in the list's order, and the total; each row's group index.

    A submission without a district (one started before its questionnaire was answered per district)
    is a group of its own, named by its municipality.
    """
    codes = frame["district_code"].astype(object).to_numpy() if len(frame) else np.array([], dtype=object)
    places = frame["municipality_code"].astype(object).to_numpy() if len(frame) else codes
    keys = [c if isinstance(c, str) else f"{m}-" for c, m in zip(codes, places)]
    order = {d.code: i for i, d in enumerate(registry.districts())}
    present = sorted(set(keys), key=lambda k: (order.get(k, len(order)), k))
    names = {d.code: d.name for d in registry.districts()}
    municipalities = {m.code: m.name for m in registry.municipalities()}
    groups = [Group(k, names.get(k) or municipalities.get(k[:-1], k)) for k in present] + [Group(None, total_label)]
    index = {k: i for i, k in enumerate(present)}
    return groups, np.array([index[k] for k in keys], dtype=np.int64)


def category_table(var: Variable, groups: list[Group], g: np.ndarray, key: str = CROSS) -> ChoiceTable:
    """The variable's categories counted per group, as a choice question's table (counts and row shares)."""
    ncats = len(var.labels) + 1
    table = _crosstab(g, len(groups), var.codes, ncats)
    nopt = len(var.options)
    counts = table[:, :nopt]
    means = None
    scores = [c.score for c in var.options]
    if var.options and all(s is not None for s in scores) and var.question.type in ("scale", "matrix"):
        means = _ratio(counts @ np.array(scores, dtype=float), counts.sum(axis=1))
    return ChoiceTable(key, var.question, "choice", var.options, var.specials, groups, counts,
                       table[:, nopt:nopt + len(var.specials)].reshape(len(groups), len(var.specials)),
                       table[:, ncats - 1], table[:, ncats], counts.sum(axis=1), means)


def in_total(sections: list, spec: str) -> list:
    """The sections with the table of the question grouped by (`spec`) reduced to its total row.

    Grouped by its own answers, each of its rows would be one bar of 100 %: its distribution in total
    says what a reader wants. Sections are changed in place; a matrix statement keeps its place in its matrix.
    """
    for result in sections:
        result.tables = [_total_only(table) if isinstance(table, ChoiceTable) and table.key == spec else table
                         for table in result.tables]
    return sections


def _total_only(table: ChoiceTable) -> ChoiceTable:
    """The table with only its total row."""
    last = slice(len(table.groups) - 1, None)
    return replace(table, groups=table.groups[last], counts=table.counts[last],
                   special_counts=table.special_counts[last], skipped=table.skipped[last],
                   missing=table.missing[last], base=table.base[last],
                   means=None if table.means is None else table.means[last])


def cross_table(frame: pd.DataFrame, schema: Schema, options: TableOptions, lang: str) -> ChoiceTable | None:
    """The first variable of `options.cross` (rows) by the second (columns): counts and row shares."""
    if not options.cross:
        return None
    rows, columns = options.cross
    groups, g = groups_by(frame, schema, rows, lang)
    return category_table(variable(frame, schema, columns, lang), groups, g)
