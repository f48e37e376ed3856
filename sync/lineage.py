"""Revision lineage: ancestors, common bases and the conflicts table. Order comes from parents, never clocks."""

from __future__ import annotations

import json
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


def content_of(db: Database, revision_id: str) -> tuple[str | None, str] | None:
    """What a revision says, comparable between branches: (questionnaire version, canonical answers text)."""
    row = db.execute("select questionnaire_version, answers from revisions where id = ?", [revision_id]).fetchone()
    return None if row is None else (row[0], store.canonical_json(json.loads(row[1])))


def record_conflict(db: Database, lineage: Lineage, sid: str, head: str, other: str, device_id: str | None) -> str:
    """Keep both branches: extend an open conflict whose branch `other` continues, or open a new one.

    Two revisions with the same answers are not a conflict: when `other` says what the head says,
    no conflict is opened, and an open one whose branch it continues is settled (`resolution_revision`
    = `other`). When an open conflict against this head already has exactly `other`'s answers on its
    other side (a third device made the same edit), no second one is opened.

    Returns 'extended', 'opened', 'agreed' (no conflict) or 'covered' (an open conflict has these answers).
    """
    said = content_of(db, other)
    agrees = said == content_of(db, head)
    conflicts = open_conflicts(db, sid)
    for conflict in conflicts:
        if lineage.descends(other, conflict["other_revision"]):
            if agrees:
                db["sync_conflicts"].update(conflict["id"], {"resolved_at": store.now(), "resolution_revision": other})
                return "agreed"
            db["sync_conflicts"].update(conflict["id"], {"other_revision": other})
            return "extended"
    if agrees:
        return "agreed"
    if any(c["head_revision"] == head and content_of(db, c["other_revision"]) == said for c in conflicts):
        return "covered"
    db["sync_conflicts"].insert({
        "submission_uuid": sid, "base_revision": lineage.base(head, other), "head_revision": head,
        "other_revision": other, "device_id": device_id, "detected_at": store.now(),
        "resolved_at": None, "resolution_revision": None,
    })
    return "opened"


def advance_conflicts(db: Database, lineage: Lineage, sid: str, new_head: str) -> bool:
    """The head moved to `new_head`: resolve conflicts it merges, follow the head branch in others.

    A conflict whose other side says what the new head says is settled too (`resolution_revision` =
    `new_head`): two revisions with the same answers are not a conflict.
    Returns True while the submission still has open conflicts.
    """
    still_open = False
    said = None
    for conflict in open_conflicts(db, sid):
        ancestry = set(lineage.ancestors(new_head))
        if conflict["head_revision"] in ancestry and conflict["other_revision"] in ancestry:
            db["sync_conflicts"].update(conflict["id"], {"resolved_at": store.now(), "resolution_revision": new_head})
            continue
        if conflict["head_revision"] in ancestry:
            said = said or content_of(db, new_head)
            if content_of(db, conflict["other_revision"]) == said:
                db["sync_conflicts"].update(conflict["id"], {"resolved_at": store.now(),
                                                             "resolution_revision": new_head})
                continue
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
