"""Acknowledgements: which revisions the central holds from each device, ack files, and the laptop's log."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable

from sqlite_utils import Database

from . import devices, records, signing, store
from .errors import SyncError

ACK_FORMAT = "fieldkit-ack"
ACK_FORMAT_VERSION = 1
#: An ack file lists revision ids (about 40 bytes each): 64 MB is well over a million interviews.
ACK_MAX_BYTES = 64 << 20


# -- central -----------------------------------------------------------------------

def acknowledged_ids(db: Database, device_id: str) -> list[str]:
    """Every revision id the central holds that this device sent (by file or by HTTP)."""
    return [row[0] for row in db.execute(
        "select revision_id from sync_received where device_id = ? order by revision_id", [device_id])]


def ack_document(db: Database, device: devices.Device) -> dict[str, Any]:
    """The signed acknowledgement for one device, as written to an ack file."""
    body = {
        "format": ACK_FORMAT, "format_version": ACK_FORMAT_VERSION, "device_id": device.id,
        "central_id": store.get_settings(db).get("device_id"), "created": store.now(),
        "revision_ids": acknowledged_ids(db, device.id),
    }
    body["signature"] = signing.sign(device.key, records.dumps(body).encode("utf-8"))
    return body


def write_ack_file(db: Database, name: str, path: str | os.PathLike) -> dict[str, Any]:
    """Write the ack file for the device called `name`; returns the document."""
    devices.require_mode(db, "central")
    device = devices.by_name(db, name)
    document = ack_document(db, device)
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(document, indent=0), encoding="utf-8")
    os.replace(partial, path)
    return document


# -- laptop ------------------------------------------------------------------------

def read_ack_file(db: Database, path: str | os.PathLike) -> dict[str, int]:
    """Check an ack file's signature with this laptop's key and record what it acknowledges."""
    ident = devices.identity(db)
    path = Path(path)
    try:
        with path.open("rb") as f:
            raw = f.read(ACK_MAX_BYTES + 1)
    except OSError as exc:
        raise SyncError(f"{path.name}: not a readable ack file ({exc})") from None
    if len(raw) > ACK_MAX_BYTES:
        raise SyncError(f"{path.name}: larger than {ACK_MAX_BYTES >> 20} MB, more than any ack file fieldkit writes")
    try:
        document = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise SyncError(f"{path.name}: not a readable ack file ({exc})") from None
    except RecursionError:
        raise SyncError(f"{path.name}: not an ack file: its JSON is nested too deeply") from None
    if not isinstance(document, dict) or document.get("format") != ACK_FORMAT:
        raise SyncError(f"{path.name}: not a fieldkit ack file")
    if document.get("format_version") != ACK_FORMAT_VERSION:
        raise SyncError(f"{path.name}: ack format version {document.get('format_version')} is not "
                        f"{ACK_FORMAT_VERSION}; upgrade fieldkit")
    if document.get("device_id") != ident.device_id:
        raise SyncError(f"{path.name}: this ack file is for device {document.get('device_id')}, "
                        f"but this laptop is {ident.device_id}")
    body = {k: v for k, v in document.items() if k != "signature"}
    if not signing.verify(ident.key, records.dumps(body).encode("utf-8"), str(document.get("signature", ""))):
        raise SyncError(f"{path.name}: the signature does not match: the file was changed, or was not "
                        "written by the central this laptop is enrolled with")
    ids = document.get("revision_ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise SyncError(f"{path.name}: revision_ids must be a list of strings")
    with store.transaction(db):
        acked = record_acks(db, ids, "file")
        log_event(db, "ack-file", path.name, len(ids), acked, {"created": document.get("created")})
    return {"listed": len(ids), "newly_acknowledged": acked, "waiting": records.count_unacknowledged(db)}


def record_acks(db: Database, revision_ids: Iterable[str], via: str) -> int:
    """Mark the laptop's revisions as held by the central; returns how many were new acks."""
    stamp = store.now()
    before = db.execute("select count(*) from sync_acks").fetchone()[0]
    db.conn.executemany(
        "insert or ignore into sync_acks (revision_id, acked_at, via) "
        "select ?, ?, ? where exists (select 1 from revisions where id = ?)",
        ((rid, stamp, via, rid) for rid in revision_ids),
    )
    return db.execute("select count(*) from sync_acks").fetchone()[0] - before


def log_event(db: Database, kind: str, ref: str | None, revisions: int, acked: int,
              detail: dict[str, Any] | None = None) -> int:
    """Add a line to the laptop's sync log; returns its id."""
    return db["sync_events"].insert({"at": store.now(), "kind": kind, "ref": ref, "revisions": revisions,
                                     "acked": acked, "detail": records.dumps(detail or {})}).last_pk


def log_sent(db: Database, kind: str, ref: str | None, revision_ids: list[str], detail: dict[str, Any]) -> int:
    """Log a bundle or push with the revision ids it carried (to say later whether all were acknowledged)."""
    with store.transaction(db):
        event_id = log_event(db, kind, ref, len(revision_ids), 0, detail)
        db.conn.executemany("insert or ignore into sync_sent (event_id, revision_id) values (?, ?)",
                            ((event_id, rid) for rid in revision_ids))
    return event_id
