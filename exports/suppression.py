"""Small-number suppression: counts from 1 to min_count - 1 hidden, with every figure computed from them.

A hidden count shows as "<5" (for min_count 5); a share, mean or other statistic resting on a
hidden count (its own count, or the number it is a share of) shows as a dash. Zero is shown:
nobody can be told apart in an empty cell. There is no secondary suppression: a hidden cell
can sometimes be worked out from the others and the row's total (see docs/exports.md).

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
        """The counts, with "<N" in place of each hidden one."""
        hidden = self.hidden(counts)
        return [self.marker if h else c for c, h in zip(counts, hidden)]

    def figures(self, values: Sequence[Any], *resting_on: Sequence[Any]) -> list[Any]:
        """Shares or statistics, with a dash where any of the counts they rest on is hidden."""
        hidden = np.zeros(len(values), dtype=bool)
        for counts in resting_on:
            hidden |= self.hidden(counts)
        return [DASH if h else v for v, h in zip(values, hidden)]
