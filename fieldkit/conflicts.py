"""Sync conflicts on the central store: what differs between two branches, and resolving them. No Flask."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database


def open_for(db: Database, sid: str) -> list[dict[str, Any]]:
    """Open conflicts of one submission, oldest first."""
    if not db["sync_conflicts"].exists():
        return []
    return list(db.query("select * from sync_conflicts where submission_uuid = ? and resolved_at is null "
                         "order by id", [sid]))
