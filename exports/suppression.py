"""Small-number suppression: counts from 1 to min_count - 1 hidden, with every figure computed from them.

A hidden count shows as "<5" (for min_count 5); a share, mean or other statistic resting on a
hidden count (its own count, or the number it is a share of) shows as a dash. Zero is shown:
nobody can be told apart in an empty cell.

Secondary suppression (`protect`, `Suppression.table`): a table's rows and columns are linked by
sums a reader sees (a row's counts add up to its total, the counties add up to the total row, a
row's answers and non-answers add up to the group's number of submissions shown in every other
table). A sum with exactly one hidden cell tells that cell, so a second cell of the sum is hidden
too, shown as PROTECTING (".."), since its value may be 5 or more. Then `Audit` works out, as a
reader would, the range each hidden cell is left with, and where one is down to a single number a
"<5" becomes ".." or one or two more cells are hidden (`_audited`); a group smaller than min_count
shows every count "<5", zeros too (`Suppression.small_groups`). What stays open: ranges short of an
exact value, a cell the audit cannot protect with two more hidden cells, and figures shared between
tables (the same total in another table, a measure), which are not coordinated.

A question marked `sensitive` always has its small counts hidden: below SENSITIVE_MIN_COUNT, or
below the reader's own smallest count when that is larger (`Suppression.of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from forms.formatting import DASH

#: The smallest count shown in a table of a sensitive question, whatever the reader asked for.
SENSITIVE_MIN_COUNT = 5

#: What a count hidden to protect another cell shows: not "<5", since it may be larger.
PROTECTING = ".."


@dataclass(frozen=True)
class Line:
    """Cells of a table (flat indices) whose sum a reader knows.

    The sum is the cell `total` of the same table, or, with `total` None, a figure published
    elsewhere (a group's number of submissions): such a total can never be hidden.
    """

    cells: tuple[int, ...]
    total: int | None = None

    @property
    def members(self) -> tuple[int, ...]:
        return self.cells if self.total is None else self.cells + (self.total,)


def protect(values: Any, primary: Any, lines: Sequence[Line], largest: float | None = None,
            floor_zero: Any = None, small: np.ndarray | None = None) -> np.ndarray:
    """The cells to hide: `primary` and as few more as the heuristic finds, so that no line tells a hidden one.

    Repeats until nothing changes: a line that tells its hidden cells (`_tells`: one hidden cell, or
    hidden cells whose known sum leaves them one choice) gets its smallest positive visible cell
    hidden too (never a 0: a 0 hidden would still be 0 to a reader who knows the rest), else
    its total. `largest` is the largest primary count (min_count - 1), which a reader knows too. A cell is never picked when another of its lines would then tell it, that line's
    other cells being shown and none of them able to be hidden (all 0, or pinned down): hiding it
    would protect nothing. A cell is pinned down when a line whose total is known from elsewhere
    shows 0 in all its other cells. When no cell is left to pick, the line stays as it is; its
    hidden cell is then told by zeros, which no suppression of this kind can prevent.
    """
    values = np.asarray(values, dtype=float)
    flat = values.ravel()
    primary_flat = np.array(primary, dtype=bool).ravel()
    hidden = primary_flat.copy()
    if not hidden.any():
        return hidden.reshape(values.shape)
    holding: dict[int, list[Line]] = {}  # cell -> the lines it is in
    for line in lines:
        for c in line.members:
            holding.setdefault(c, []).append(line)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if not _tells(flat, hidden, primary_flat, line, largest):
                continue
            pick = _partner(flat, hidden, line, holding)
            if pick is not None:
                hidden[pick] = True
                changed = True
    shown_small = primary_flat.copy()
    _audited(flat, hidden, shown_small, primary_flat, lines, largest, floor_zero, holding)
    if small is not None:
        small[...] = shown_small.reshape(values.shape)
    return hidden.reshape(values.shape)


def _audited(flat: np.ndarray, hidden: np.ndarray, small: np.ndarray, primary: np.ndarray, lines: Sequence[Line],
             largest: float | None, floor_zero: Any, holding: dict[int, list[Line]]) -> None:
    """Hide more (in place) where a reader could still work a hidden cell out from several lines together.

    The line by line pass above leaves no line with one hidden cell, but a cell can still be told by ranges
    (two "<5" that must add up to 8 are 4 and 4) or through a group's size with zeros beside it. For each
    cell `Audit` finds told: first a small count of its lines is shown ".." instead of "<5" (a reader then
    knows no upper bound of it: 8 = "<5" + ".." tells neither), else the shown cells on its lines and on the
    lines of the cells beside them are tried, one at a time and then two at a time (positive counts before
    zeros, smallest first); the first that leaves it untold is hidden. A cell nothing protects is left so.
    """
    audit = Audit(flat, primary, lines, largest, floor_zero)
    beyond_help: set[int] = set()
    while True:
        told = [int(c) for c in np.flatnonzero(audit.told(hidden, small)) if c not in beyond_help]
        if not told:
            return
        cell = told[0]
        near = holding.get(cell, [])
        smalls = sorted({m for line in near for m in line.members if small[m]} | ({cell} if small[cell] else set()))
        relabel = next((m for m in smalls if not _still_told(audit, hidden, small, (), cell, relabel=m)), None)
        if relabel is not None:
            small[relabel] = False
            continue
        around = [other for line in near for m in line.members if m != cell for other in holding.get(m, [])]
        shown = {m for line in near + around for m in line.members if not hidden[m]}
        candidates = sorted(shown, key=lambda m: (flat[m] == 0, flat[m], m))[:10]
        choice = next((pick for pick in ([(c,) for c in candidates]
                                         + [(a, b) for i, a in enumerate(candidates) for b in candidates[i + 1:]])
                       if not _still_told(audit, hidden, small, pick, cell)), None)
        if choice is None:
            beyond_help.add(cell)
        else:
            hidden[list(choice)] = True


def _still_told(audit: "Audit", hidden: np.ndarray, small: np.ndarray, pick: tuple[int, ...], cell: int,
                relabel: int | None = None) -> bool:
    trial, shown_small = hidden.copy(), small.copy()
    trial[list(pick)] = True
    if relabel is not None:
        shown_small[relabel] = False
    return bool(audit.told(trial, shown_small)[cell])


def _tells(flat: np.ndarray, hidden: np.ndarray, primary: np.ndarray, line: Line, largest: float | None) -> bool:
    """Whether a reader who sees the line's other cells and its sum can work out its hidden cells exactly.

    One hidden cell is told by the sum. Several are told when their sum (the total less the shown cells)
    is at an end of what they could hold: each hidden cell is at least 1 (a 0 is never hidden), and a
    primary one at most `largest` (it shows "<5"); two "<5" cells of a row whose sum must be 8 are 4 and 4,
    two hidden cells whose sum must be 2 are 1 and 1. A line whose total is hidden too tells no sum.
    """
    members = [c for c in line.members if hidden[c]]
    if len(members) != 1 and (not members or (line.total is not None and hidden[line.total])):
        return False
    if len(members) == 1:
        return True
    total = sum(flat[c] for c in members)
    if total == len(members):
        return True
    return largest is not None and all(primary[c] for c in members) and total == largest * len(members)


def _partner(flat: np.ndarray, hidden: np.ndarray, line: Line, holding: dict[int, list[Line]]) -> int | None:
    """The cell to hide beside the line's one hidden cell: its smallest positive visible one, else its total."""
    def pinned(c: int) -> bool:
        return any(other.total is None and c in other.cells
                   and all(flat[o] == 0 and not hidden[o] for o in other.cells if o != c)
                   for other in holding.get(c, ()))

    def can_hide(c: int) -> bool:
        return not hidden[c] and flat[c] > 0 and not pinned(c)

    def told(c: int) -> bool:  # another line of c, all else shown, with nothing left to hide beside c
        return any(other is not line and not any(hidden[m] for m in other.members if m != c)
                   and not any(can_hide(m) for m in other.members if m != c)
                   for other in holding.get(c, ()))

    candidates = [c for c in line.cells if can_hide(c) and not told(c)]
    if candidates:
        return min(candidates, key=lambda c: (flat[c], c))
    if line.total is not None and can_hide(line.total) and not told(line.total):
        return line.total
    return None


class Audit:
    """What a reader can work out of a table's hidden cells from its shown cells and the sums of its lines.

    Each line is an equation: its cells add up to its total cell (or to a size known from elsewhere). A
    cell's range starts as its look says (a shown count exactly; "<5" 1 to `largest`; ".." 0 or more: a 0
    may be hidden) and
    each equation narrows each of its members to what the others' ranges leave, in whole numbers, over and
    over until nothing narrows (at most 50 passes), all lines at once with numpy.
    """

    def __init__(self, flat: np.ndarray, primary: np.ndarray, lines: Sequence[Line], largest: float | None,
                 floor_zero: Any = None):
        self.flat, self.primary = flat, primary
        zero = np.zeros(len(flat), dtype=bool) if floor_zero is None else np.asarray(floor_zero, dtype=bool).ravel()
        self.floor = np.where(~zero, 1.0, 0.0)  # "<5" is 1 to 4, but 0 to 4 in a small group's row
        self.top = np.inf if largest is None else float(largest)
        line_of, cell_of, sign_of, targets = [], [], [], []
        for i, line in enumerate(lines):
            for c in line.cells:
                line_of.append(i), cell_of.append(c), sign_of.append(1.0)
            if line.total is None:
                targets.append(float(sum(flat[c] for c in line.cells)))  # a size the reader knows from elsewhere
            else:
                line_of.append(i), cell_of.append(line.total), sign_of.append(-1.0)
                targets.append(0.0)
        self.line_of, self.cell_of = np.array(line_of), np.array(cell_of)
        self.positive = np.array(sign_of) > 0
        self.target = np.array(targets)[self.line_of]
        self.nlines = len(lines)

    def told(self, hidden: np.ndarray, small: np.ndarray | None = None) -> np.ndarray:
        """The hidden cells whose range comes down to one number; `small`: those shown "<5" (else `primary`)."""
        small = self.primary if small is None else small
        lo = np.where(hidden, np.where(small, self.floor, 0.0), self.flat)
        hi = np.where(hidden, np.where(small, self.top, np.inf), self.flat)
        open_ = hidden[self.cell_of]
        for _pass in range(50):
            cell_lo, cell_hi = lo[self.cell_of], hi[self.cell_of]
            a = np.where(self.positive, cell_lo, -cell_hi)  # the least each term adds
            b = np.where(self.positive, cell_hi, -cell_lo)  # the most
            a_inf, b_inf = np.isinf(a), np.isinf(b)
            a_fin, b_fin = np.where(a_inf, 0.0, a), np.where(b_inf, 0.0, b)
            low_sum = np.bincount(self.line_of, a_fin, self.nlines)[self.line_of]
            low_inf = np.bincount(self.line_of, a_inf, self.nlines)[self.line_of]
            high_sum = np.bincount(self.line_of, b_fin, self.nlines)[self.line_of]
            high_inf = np.bincount(self.line_of, b_inf, self.nlines)[self.line_of]
            others_low = np.where(low_inf - a_inf > 0, -np.inf, low_sum - a_fin)
            others_high = np.where(high_inf - b_inf > 0, np.inf, high_sum - b_fin)
            low, high = self.target - others_high, self.target - others_low  # what the term itself adds
            low, high = np.where(self.positive, low, -high), np.where(self.positive, high, -low)
            new_lo, new_hi = lo.copy(), hi.copy()
            np.maximum.at(new_lo, self.cell_of[open_], np.ceil(low[open_] - 1e-9))
            np.minimum.at(new_hi, self.cell_of[open_], np.floor(high[open_] + 1e-9))
            if np.array_equal(new_lo, lo) and np.array_equal(new_hi, hi):
                break
            lo, hi = new_lo, new_hi
        return hidden & (lo >= hi)


def table_lines(shape: tuple[int, int], row_lines: Sequence[tuple[Sequence[int], int | None]] = (),
                summed: int | None = None) -> list[Line]:
    """The sums of a table of `shape` (rows x columns) as lines.

    `row_lines`: the same sums in every row, as (columns, the column of their total or None for a total
    from elsewhere). `summed`: the row that is the total of the rows above it, column by column (rows
    under it, such as the whole country's, are in no column sum); None: no column sums.
    """
    nrows, ncols = shape
    lines = [Line(tuple(r * ncols + c for c in cols), None if total is None else r * ncols + total)
             for r in range(nrows) for cols, total in row_lines if len(cols)]
    if summed is not None and summed > 0:
        lines += [Line(tuple(r * ncols + j for r in range(summed)), summed * ncols + j) for j in range(ncols)]
    return lines


@dataclass(frozen=True)
class Cells:
    """A table's counts (rows x columns) with the hidden ones: each shown as a count, "<5" or ".."."""

    values: np.ndarray
    primary: np.ndarray
    hidden: np.ndarray
    marker: str

    @property
    def secondary(self) -> np.ndarray:
        return self.hidden & ~self.primary

    def column(self, j: int) -> list[Any]:
        """The counts of column `j` as shown."""
        return [PROTECTING if s else self.marker if p else v
                for v, p, s in zip(self.values[:, j], self.primary[:, j], self.secondary[:, j])]

    def rests_on(self, *columns: int) -> np.ndarray:
        """Per row: whether any of these columns is hidden there."""
        if not columns:
            return np.zeros(len(self.values), dtype=bool)
        return self.hidden[:, list(columns)].any(axis=1)

    def figures(self, values: Sequence[Any], *columns: int, also: Any = None) -> list[Any]:
        """Shares or statistics of each row, a dash where any count they rest on is hidden.

        `also`: more rows to dash (e.g. where the number a share is of is itself small).
        """
        dashed = self.rests_on(*columns)
        if also is not None:
            dashed = dashed | np.asarray(also, dtype=bool)
        return [DASH if d else v for v, d in zip(values, dashed)]

    def rows(self, index: Any) -> "Cells":
        """These rows only."""
        return Cells(self.values[index], self.primary[index], self.hidden[index], self.marker)

    @classmethod
    def stack(cls, parts: Sequence["Cells"], marker: str) -> "Cells":
        """The rows of several tables one under the other."""
        if not parts:
            empty = np.zeros((0, 0))
            return cls(empty, empty.astype(bool), empty.astype(bool), marker)
        return cls(np.vstack([p.values for p in parts]), np.vstack([p.primary for p in parts]),
                   np.vstack([p.hidden for p in parts]), marker)


@dataclass(frozen=True)
class Suppression:
    """Hide counts below `min_count` (0 or 1: hide nothing)."""

    min_count: int = 0

    @property
    def active(self) -> bool:
        return self.min_count > 1

    @property
    def marker(self) -> str:
        return f"<{self.min_count}"

    def hidden(self, counts: Any) -> np.ndarray:
        """Which of these counts are hidden."""
        values = np.asarray(counts, dtype=float)
        if not self.active:
            return np.zeros(values.shape, dtype=bool)
        return (values > 0) & (values < self.min_count)

    @classmethod
    def of(cls, min_count: int, question: Any = None) -> "Suppression":
        """The suppression of a table of `question`: at least SENSITIVE_MIN_COUNT for a sensitive one."""
        if question is not None and getattr(question, "sensitive", False):
            return cls(max(min_count, SENSITIVE_MIN_COUNT))
        return cls(min_count)

    def counts(self, counts: Sequence[Any]) -> list[Any]:
        """The counts, with "<N" in place of each hidden one (no secondary suppression: see `table`)."""
        hidden = self.hidden(counts)
        return [self.marker if h else c for c, h in zip(counts, hidden)]

    def figures(self, values: Sequence[Any], *resting_on: Sequence[Any]) -> list[Any]:
        """Shares or statistics, with a dash where any of the counts they rest on is hidden."""
        hidden = np.zeros(len(values), dtype=bool)
        for counts in resting_on:
            hidden |= self.hidden(counts)
        return [DASH if h else v for v, h in zip(values, hidden)]

    def table(self, columns: Sequence[Any], row_lines: Sequence[tuple[Sequence[int], int | None]] = (),
              summed: int | None = None) -> Cells:
        """A table given as its count columns (each one value per row), with primary and secondary cells hidden.

        `row_lines` and `summed` say which sums a reader sees (see `table_lines`). A row under the total
        with the same counts as the total (the whole country's, when one county answered) hides what the
        total hides: a reader would see they are the same.
        """
        nrows = len(columns[0]) if len(columns) else 0
        values = np.column_stack([np.asarray(c) for c in columns]) if len(columns) else \
            np.zeros((nrows, 0), dtype=np.int64)
        primary = self.hidden(values)
        small = self.small_groups(values, row_lines)
        primary |= small
        lines = table_lines(values.shape, row_lines, summed)
        if summed is not None and 0 <= summed < nrows:
            ncols = values.shape[1]
            lines += [Line((summed * ncols + j,), r * ncols + j) for r in range(summed + 1, nrows)
                      if np.array_equal(values[r], values[summed]) for j in range(ncols)]
        shown_small = primary.copy()
        hidden = protect(values, primary, lines, self.min_count - 1, small, shown_small)
        return Cells(values, shown_small, hidden, self.marker)

    def small_groups(self, values: np.ndarray, row_lines: Sequence[tuple[Sequence[int], int | None]]) -> np.ndarray:
        """The cells of each row whose group is smaller than min_count: all shown "<5", zeros too.

        A group's size is known from elsewhere (a row line whose total is None); when it is 1 to 4, which
        of its counts are 0 would tell the rest (3 answers in three options shown "<5" are 1, 1 and 1).
        """
        small = np.zeros(values.shape, dtype=bool)
        if not self.active or not len(values):
            return small
        counted = sorted({c for cols, total in row_lines for c in [*cols, *([] if total is None else [total])]})
        for cols, total in row_lines:
            if total is None and len(cols):
                size = values[:, list(cols)].sum(axis=1)
                small[np.ix_((size > 0) & (size < self.min_count), counted)] = True
        return small

