"""Which counts of a question's table are hidden, primary and secondary, laid out as the tables show them.

The sums a reader of a choice table sees, and so the lines `exports.suppression.protect` keeps
from having exactly one hidden cell:

- in each row, the options add up to the substantive answers (single choice, yes/no, scale, a
  matrix row, a year, the cross-table's columns);
- in each row, the substantive answers, the special answers ("Vet ej", ...), "Ej tillämplig" and
  "Ej besvarad" add up to the group's submissions (or a repeat's instances), which every other
  table of the group shows: a total from outside the table, never hidden;
- in each column, the groups (counties, hubs, a question's answers) add up to the total row.

The whole country's row under the total is in no column sum (the other counties are not shown);
its rows' sums hold as in any row. A matrix summary's rows are the total rows of its statements'
tables, so they hide what those hide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .aggregate import ChoiceTable, ValueTable
from .suppression import Cells, Suppression


@dataclass(frozen=True)
class ChoiceCells:
    """A choice table's counts as shown: the options, the substantive answers, the specials, skipped, missing."""

    cells: Cells
    options: int
    specials: int

    @property
    def base(self) -> int:
        """The column of the substantive answers (multiple choice: the respondents)."""
        return self.options

    def special(self, j: int) -> int:
        return self.options + 1 + j

    @property
    def skipped(self) -> int:
        return self.options + 1 + self.specials

    @property
    def missing(self) -> int:
        return self.options + 2 + self.specials

    def column(self, j: int) -> list[Any]:
        return self.cells.column(j)

    def rows(self, index: Any) -> "ChoiceCells":
        return ChoiceCells(self.cells.rows(index), self.options, self.specials)

    @property
    def any_secondary(self) -> bool:
        return bool(self.cells.secondary.any())


def choice_cells(table: ChoiceTable, hide: Suppression, summed: int | None) -> ChoiceCells:
    """The hidden cells of a choice table (as shown, e.g. with the whole country's row); `summed`: its total row."""
    k, s = len(table.options), len(table.specials)
    columns = [*table.counts.T, table.base, *table.special_counts.T, table.skipped, table.missing]
    # Multiple choice: one respondent may tick several options, so the options do not add up to the
    # respondents; only the column sums and the row's answers and non-answers are constraints there.
    row_lines = [(range(k), k)] if table.kind == "choice" else []
    row_lines.append((range(k, k + s + 3), None))
    return ChoiceCells(hide.table(columns, row_lines, summed), k, s)


def summary_cells(rows: list[ChoiceCells], summed: int) -> ChoiceCells:
    """A matrix summary's cells: of each statement's table, its total row and the rows under it, in turn."""
    first = rows[0]
    parts = [row.cells.rows(slice(summed, None)) for row in rows]
    return ChoiceCells(Cells.stack(parts, first.cells.marker), first.options, first.specials)


@dataclass(frozen=True)
class ValueCells:
    """A value table's counts as shown: the answers (n), the specials, skipped, missing."""

    cells: Cells
    specials: int

    n = 0

    def special(self, j: int) -> int:
        return 1 + j

    @property
    def skipped(self) -> int:
        return 1 + self.specials

    @property
    def missing(self) -> int:
        return 2 + self.specials

    def column(self, j: int) -> list[Any]:
        return self.cells.column(j)

    @property
    def any_secondary(self) -> bool:
        return bool(self.cells.secondary.any())


def value_cells(table: ValueTable, hide: Suppression, summed: int | None) -> ValueCells:
    """The hidden cells of a number, date or text table: its answers and non-answers add up to the group's size."""
    s = len(table.specials)
    columns = [table.stats["n"], *table.special_counts.T, table.skipped, table.missing]
    return ValueCells(hide.table(columns, [(range(s + 3), None)], summed), s)


def instances_cells(submissions: Any, counted: Any, summed: int, hide: Suppression) -> Cells:
    """A repeat's summary per group: the submissions with an instance (column 0) and the instances (column 1).

    Only the column sums are constraints: a group's submissions without an instance are not shown.
    """
    return hide.table([submissions, counted], summed=summed)
