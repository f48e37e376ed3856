"""Revision lineage: ancestors, common bases and the conflicts table. Order comes from parents, never clocks."""

from __future__ import annotations

from collections import deque
from typing import Any, Iterable

from sqlite_utils import Database

from . import store


class Lineage:
    """Parent links of revisions, from the store plus those added during an ingest not yet written."""

    def __init__(self, db: Database):
        self.db = db
        self.parents: dict[str, tuple[str, ...]] = {}

    def add(self, revision_id: str, parents: Iterable[str]) -> None:
        self.parents[revision_id] = tuple(parents)

    def parents_of(self, revision_id: str) -> tuple[str, ...]:
        if revision_id not in self.parents:
            row = self.db.execute("select parent_id, merge_parent_id from revisions where id = ?",
                                  [revision_id]).fetchone()
            self.parents[revision_id] = tuple(p for p in (row or ()) if p)
        return self.parents[revision_id]

    def ancestors(self, revision_id: str) -> list[str]:
        """The revision itself, then its ancestors, nearest first."""
        seen, order, queue = {revision_id}, [revision_id], deque([revision_id])
        while queue:
            for parent in self.parents_of(queue.popleft()):
                if parent not in seen:
                    seen.add(parent)
                    order.append(parent)
                    queue.append(parent)
        return order

    def descends(self, revision_id: str, ancestor: str) -> bool:
        """True if `ancestor` is `revision_id` or one of its ancestors."""
        return ancestor in self.ancestors(revision_id)

    def base(self, a: str, b: str) -> str | None:
        """The nearest common ancestor of two revisions (None for two unrelated roots)."""
        of_a = set(self.ancestors(a))
        return next((r for r in self.ancestors(b) if r in of_a), None)


def open_conflicts(db: Database, sid: str) -> list[dict[str, Any]]:
    return list(db.query("select * from sync_conflicts where submission_uuid = ? and resolved_at is null "
                         "order by id", [sid]))


def record_conflict(db: Database, lineage: Lineage, sid: str, head: str, other: str, device_id: str | None) -> str:
    """Keep both branches: extend an open conflict whose branch `other` continues, or open a new one.

    Returns 'extended' or 'opened'.
    """
    for conflict in open_conflicts(db, sid):
        if lineage.descends(other, conflict["other_revision"]):
            db["sync_conflicts"].update(conflict["id"], {"other_revision": other})
            return "extended"
    db["sync_conflicts"].insert({
        "submission_uuid": sid, "base_revision": lineage.base(head, other), "head_revision": head,
        "other_revision": other, "device_id": device_id, "detected_at": store.now(),
        "resolved_at": None, "resolution_revision": None,
    })
    return "opened"


def advance_conflicts(db: Database, lineage: Lineage, sid: str, new_head: str) -> bool:
    """The head moved to `new_head`: resolve conflicts it merges, follow the head branch in others.

    Returns True while the submission still has open conflicts.
    """
    still_open = False
    for conflict in open_conflicts(db, sid):
        ancestry = set(lineage.ancestors(new_head))
        if conflict["head_revision"] in ancestry and conflict["other_revision"] in ancestry:
            db["sync_conflicts"].update(conflict["id"], {"resolved_at": store.now(), "resolution_revision": new_head})
            continue
        if conflict["head_revision"] in ancestry:
            db["sync_conflicts"].update(conflict["id"], {"head_revision": new_head})
        still_open = True
    return still_open


def list_conflicts(db: Database, *, include_resolved: bool = False) -> list[dict[str, Any]]:
    """Conflicts with their submission's questionnaire and municipality, oldest first."""
    where = "" if include_resolved else " where c.resolved_at is null"
    return list(db.query(
        "select c.*, s.questionnaire_id, s.municipality_code, d.name as device_name "
        "from sync_conflicts c join submissions s on s.uuid = c.submission_uuid "
        f"left join sync_devices d on d.id = c.device_id{where} order by c.id"))
