"""The whole country beside a county: one more row, "Hela landet", under each table's total.

When an export covers part of the country (a county filter, a municipality filter, or a
county user, whose scope forces their county), every table gets the whole country's figures
for the same questionnaire, period and status as a comparison row. A county user may see
these: they are aggregates only. The country's submissions are read in a scope without
personal answers, reduced to the same tables, and dropped; no row, free text or municipality
of another county reaches the report's frame, its Data sheet or its CSV.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from forms.model import Choice
from sync.selection import Scope

from .aggregate import ChoiceTable, Group, MatrixTable, SectionResult, ValueTable, question_tables
from .filters import ExportFilter
from .frame import Progress, load_frame
from .grouping import CROSS, category_table, variable
from .labels import gettext
from .repeats import load_instances
from .schema import Schema
from .survey import one_per_municipality

#: The code of the comparison row's group.
COUNTRY = "SE"


def compares_with_country(flt: ExportFilter) -> bool:
    """Whether the export covers only part of the country (after the scope has narrowed the filter)."""
    return bool(flt.counties or flt.municipalities)


def country_tables(db, schema: Schema, flt: ExportFilter, scope: Scope, lang: str,
                   progress: Progress | None = None) -> dict[str, Any]:
    """Each table's figures for the whole country, by table key (matrix rows and the cross-table included).

    Each table has two rows, both the country's: "Hela landet" and the total. A repeat's figures are there
    too: its summary (`Instances`, under its `key`) and its questions' tables counted over instances.
    """
    whole = dataclasses.replace(flt, counties=(), municipalities=())
    aggregate_only = dataclasses.replace(scope, county_code=None, personal=False)
    frame = load_frame(db, schema, whole, progress, aggregate_only)
    if schema.questionnaire.unit == "municipality":
        frame, _duplicates = one_per_municipality(db, whole, frame, aggregate_only)
    groups = [Group(COUNTRY, gettext("Whole country", lang)), Group(None, gettext("Total", lang))]
    g = np.zeros(len(frame), dtype=np.int64)
    found: dict[str, Any] = {}
    for result in question_tables(frame, schema, groups, g):
        _keep(found, result.tables)
    for one in load_instances(db, schema, whole, list(frame["uuid"]), aggregate_only, False, groups, g, rows=False):
        found[one.key] = one
        _keep(found, one.tables)
    if flt.tables.cross:
        found[CROSS] = category_table(variable(frame, schema, flt.tables.cross[1], lang), groups, g)
    return found


def _keep(found: dict[str, Any], tables: list[Any]) -> None:
    """The tables by key, and each matrix's rows by theirs."""
    for table in tables:
        found[table.key] = table
        if isinstance(table, MatrixTable):
            found.update({row.key: row for row in table.rows})


def _reindex(table: ChoiceTable, options: list[Choice]) -> ChoiceTable:
    """The table with these options (a superset of its own), zero where it had none."""
    where = {c.code: i for i, c in enumerate(table.options)}
    counts = np.zeros((len(table.groups), len(options)), dtype=np.int64)
    for j, choice in enumerate(options):
        if choice.code in where:
            counts[:, j] = table.counts[:, where[choice.code]]
    return dataclasses.replace(table, options=options, counts=counts)


def aligned(table: ChoiceTable, country: ChoiceTable) -> tuple[ChoiceTable, ChoiceTable]:
    """Both tables with the same options: a year (or quarter) answered in either is a column of both."""
    if [c.code for c in table.options] == [c.code for c in country.options]:
        return table, country
    merged = {c.code: c for c in country.options}
    merged.update({c.code: c for c in table.options})
    options = [merged[code] for code in sorted(merged)]
    return _reindex(table, options), _reindex(country, options)


def align_all(sections: list[SectionResult], cross: ChoiceTable | None, country: dict[str, Any]
              ) -> ChoiceTable | None:
    """Align the report's choice tables (in place) and the country's with each other; returns the cross-table."""
    for result in sections:
        for i, table in enumerate(result.tables):
            other = country.get(table.key)
            if isinstance(table, ChoiceTable) and isinstance(other, ChoiceTable):
                result.tables[i], country[table.key] = aligned(table, other)
    if cross is not None and isinstance(country.get(CROSS), ChoiceTable):
        cross, country[CROSS] = aligned(cross, country[CROSS])
    return cross


def with_country(table: Any, country: Any) -> Any:
    """The table with the country's row appended after its total (for display; None: as it is)."""
    if country is None:
        return table
    groups = table.groups + country.groups[:1]
    if isinstance(table, ChoiceTable):
        means = None if table.means is None else np.append(table.means, country.means[0])
        return dataclasses.replace(
            table, groups=groups, counts=np.vstack([table.counts, country.counts[:1]]),
            special_counts=np.vstack([table.special_counts, country.special_counts[:1]]),
            skipped=np.append(table.skipped, country.skipped[0]), missing=np.append(table.missing, country.missing[0]),
            base=np.append(table.base, country.base[0]), means=means)
    if isinstance(table, ValueTable):
        stats = {name: np.append(values, country.stats[name][:1]) for name, values in table.stats.items()}
        return dataclasses.replace(
            table, groups=groups, stats=stats,
            special_counts=np.vstack([table.special_counts, country.special_counts[:1]]),
            skipped=np.append(table.skipped, country.skipped[0]), missing=np.append(table.missing, country.missing[0]))
    return table


def interleaved(summary: ChoiceTable, country: ChoiceTable, lang: str) -> ChoiceTable:
    """A matrix summary (statements as rows) with each statement's whole-country row right under it."""
    order = np.arange(2 * len(summary.groups)).reshape(2, -1).T.ravel()  # of a0..an b0..bn: a0 b0 a1 b1 ...

    def mix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.concatenate([a, b])[order]

    groups = []
    for mine, theirs in zip(summary.groups, country.groups):
        groups += [mine, Group(COUNTRY, gettext("%(row)s: whole country", lang, row=theirs.name))]
    means = None if summary.means is None else mix(summary.means, country.means)
    return dataclasses.replace(
        summary, groups=groups, counts=mix(summary.counts, country.counts),
        special_counts=mix(summary.special_counts, country.special_counts), skipped=mix(summary.skipped, country.skipped),
        missing=mix(summary.missing, country.missing), base=mix(summary.base, country.base), means=means)
