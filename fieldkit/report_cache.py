"""The reports page's figures, kept per filter, scope and language while the store does not change.

Building a report reads and aggregates every submission of the filter (seconds at 100 000);
the page then shows the same figures until something they are built from is written. So a
built page is kept under (filter, scope, language) together with the store's change count
(`store.change_count`, moved by triggers on every write to submissions and questionnaires, by
any process): a new interview, an ingest, a review mark or an exclusion moves it, and a
request that finds another count rebuilds. The scope is part of the key, so what a county
user's request built is never served to anyone with another scope.

What is kept is what the page shows (tables, charts, counts), not the report's frame of
answers nor the rows of a repeat's instances, and only a few entries: the least recently used
goes first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from typing import Any, Callable, Hashable

import pandas as pd

from exports.report import Report


def _rows_only(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """A frame of as many rows as `frame` and no columns: its length without its answers."""
    return None if frame is None else pd.DataFrame(index=pd.RangeIndex(len(frame)))


def without_answers(report: Report) -> Report:
    """The report as the page needs it: n, counts and tables, without the frame of answers or the rows of
    each repeat's instances (only their tables)."""
    return replace(report, frame=_rows_only(report.frame), duplicates=_rows_only(report.duplicates),
                   instances=[replace(one, rows=[]) for one in report.instances])


class PageCache:
    """A few built pages, least recently used out first; all dropped when the store's change count moves."""

    def __init__(self, size: int):
        self.size = size
        self.marker: Hashable = None
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, marker: Hashable, key: Hashable) -> Any | None:
        with self._lock:
            if marker != self.marker:
                self._entries.clear()  # built from a store that has changed since: never shown again
                self.marker = marker
                return None
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, marker: Hashable, key: Hashable, value: Any) -> None:
        """Keep `value`, built from the store as it was at `marker` (read before building)."""
        if self.size <= 0:
            return
        with self._lock:
            if marker != self.marker:
                return  # the store moved while it was built: keeping it would serve old figures
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def fetch(self, marker: Hashable, key: Hashable, build: Callable[[], Any]) -> Any:
        """The kept value for `key` at `marker`, or `build()` kept for the next request."""
        found = self.get(marker, key)
        if found is None:
            found = build()
            self.put(marker, key, found)
        return found
