"""The audit log: who did what, when, from where. Append-only; plain functions over a Database, no Flask.

Every change that matters calls `record` inside the same transaction as the change,
so a change and its audit entry are written together or not at all. Details never
hold answer values (they might be personal data): they name questions, counts and filters.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from forms.errors import FieldkitError

from . import store



class AuditError(FieldkitError, ValueError):
    pass


def record(db: Database, actor: str | None, action: str, details: dict[str, Any] | None = None, *,
           target: str | None = None, address: str | None = None) -> int:
    """Append one entry; returns its id. `actor` is a user name, `device:NAME`, `cli:USER` or None."""
    if not action or not action.replace("_", "").isalnum():
        raise AuditError(f"an audit action is a word such as 'edit', not {action!r}")
    with store.transaction(db):
        cursor = db.execute(
            "insert into audit_log (at, actor, action, target, details, address) values (?, ?, ?, ?, ?, ?)",
            [store.now(), actor, action, target, store.canonical_json(details or {}), address],
        )
        return cursor.lastrowid


def entries(db: Database, *, limit: int = 100, action: str | None = None, actor: str | None = None,
            target: str | None = None, before_id: int | None = None) -> list[dict[str, Any]]:
    """The newest entries first, optionally of one action, actor or target."""
    clauses, params = [], []
    for column, value in (("action", action), ("actor", actor), ("target", target)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if before_id:
        clauses.append("id < ?")
        params.append(before_id)
    where = " where " + " and ".join(clauses) if clauses else ""
    rows = list(db.query(f"select * from audit_log{where} order by id desc limit ?", params + [max(1, limit)]))
    for row in rows:
        row["details"] = json.loads(row["details"] or "{}")
    return rows


def actions_seen(db: Database) -> list[str]:
    return [row[0] for row in db.execute("select distinct action from audit_log order by action")]


def describe(details: dict[str, Any]) -> str:
    """One line of `key=value` pairs, for the command line and the page."""
    parts = []
    for key, value in details.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = store.canonical_json(value)
        parts.append(f"{key}={value}")
    return " ".join(parts)
