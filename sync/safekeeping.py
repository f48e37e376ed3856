"""Backups, restores and erasing personal answers for good. Plain functions over store files; no Flask.

- `backup` copies the store with SQLite's online backup API: one consistent snapshot,
  safe while the server runs and while a sync ingests (WAL readers never block writers).
- `restore` checks a backup (PRAGMA integrity_check, a fieldkit store, not newer than this
  fieldkit), keeps the current store aside as `<db>.replaced-<timestamp>`, and swaps the
  files with one `os.replace`: a crash at any moment leaves either the old store or the
  restored one in place, never a mix.
- `erase_personal` removes the answers to personal questions from submissions, every revision
  and drafts, then VACUUMs and truncates the WAL so the bytes are gone from the file, and from
  every backup made afterwards.
"""

from __future__ import annotations

import datetime
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from forms import registry

from . import accounts, audit, schema, store


class SafekeepingError(store.StoreError):
    """A backup, restore or erase that cannot be done; the message says why and what to do."""


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy(source: sqlite3.Connection, target: Path, journal_mode: str) -> None:
    """Copy a whole database into a new file with the backup API, in one step (one snapshot)."""
    if target.exists():
        target.unlink()
    store.private(target)  # backups hold what the store holds
    dest = sqlite3.connect(str(target), isolation_level=None)
    try:
        source.backup(dest)
        dest.execute(f"PRAGMA journal_mode={journal_mode}")
        if dest.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise SafekeepingError(f"the copy {target} fails PRAGMA integrity_check")
    finally:
        dest.close()
    _fsync(target)


# -- backup ---------------------------------------------------------------------------

def backup(db_path: str | os.PathLike, out: str | os.PathLike, *, actor: str | None = None) -> dict[str, Any]:
    """Write a consistent copy of the store to `out` (a single file, no WAL); returns its size and counts."""
    db_path, out = Path(db_path), Path(out)
    if not db_path.exists():
        raise SafekeepingError(f"no store at {db_path}")
    if out.resolve() == db_path.resolve():
        raise SafekeepingError("the backup file must not be the store itself")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    db = store.open_db(db_path)
    try:
        try:
            _copy(db.conn, partial, "DELETE")
            os.replace(partial, out)
        finally:
            if partial.exists():
                partial.unlink()
        _fsync(out.parent)
        counts = _counts(out)
        # A long write (a sync ingest) holds the store's write lock: the backup is made, so do not wait long
        # to log it.
        db.execute("PRAGMA busy_timeout = 2000")
        try:
            audit.record(db, actor, "backup", {"file": str(out), "bytes": out.stat().st_size, **counts})
            audited = True
        except sqlite3.OperationalError:
            audited = False
    finally:
        db.conn.close()
    return {"bytes": out.stat().st_size, "audited": audited, **counts}


def _counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {table: conn.execute(f"select count(*) from {table}").fetchone()[0]
                for table in ("submissions", "revisions")}
    finally:
        conn.close()


# -- restore --------------------------------------------------------------------------

def check_backup(path: str | os.PathLike) -> dict[str, Any]:
    """Refuse a file that is not an intact fieldkit store this fieldkit can open; returns its counts and identity."""
    path = Path(path)
    if not path.exists():
        raise SafekeepingError(f"no such file: {path}")
    if not path.is_file():
        raise SafekeepingError(f"{path} is not a regular file (a backup is one .db file); nothing was restored")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.text_factory = lambda raw: raw.decode("utf-8", "replace")  # a damaged page may hold any bytes
        try:
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                raise SafekeepingError(f"{path} fails PRAGMA integrity_check ({'; '.join(result[:3])}); "
                                       "nothing was restored")
            tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
            applied = schema.applied(Database(conn))
            unknown = schema.unknown(Database(conn))
            identity = _identity(conn) if "settings" in tables else {}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise SafekeepingError(f"{path} is not an SQLite database ({exc}); nothing was restored") from None
    except UnicodeDecodeError:  # SQLite's own message quotes the damaged bytes, which are not text
        raise SafekeepingError(f"{path} fails PRAGMA integrity_check (its schema is damaged and cannot be read); "
                               "nothing was restored") from None
    if not applied or "submissions" not in tables:
        raise SafekeepingError(f"{path} is not a fieldkit store (it has no fieldkit migrations); nothing was restored")
    if unknown:
        raise SafekeepingError(f"{path} was written by a newer fieldkit (unknown migrations: {', '.join(unknown)}); "
                               "upgrade fieldkit before restoring it")
    return {**_counts(path), **identity}


def _identity(conn: sqlite3.Connection) -> dict[str, str]:
    """A store's mode (central or field) and the id it was made with (kept by its backups)."""
    settings = dict(conn.execute("select key, value from settings where key in ('mode', 'device_id')").fetchall())
    return {"mode": settings.get("mode", "field"), "store_id": settings.get("device_id", "")}


def _check_same_kind(db_path: Path, backup_file: Path, found: dict[str, Any], other_store: bool) -> None:
    """Refuse a backup of the other mode, or (unless asked) of another store, over an existing store."""
    if not db_path.exists():
        return
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        current = _identity(conn)
    except sqlite3.DatabaseError:
        return  # not a store we can read: nothing to compare with, the old file is kept aside anyway
    finally:
        conn.close()
    if found.get("mode") != current["mode"]:
        raise SafekeepingError(
            f"{backup_file} is a {found.get('mode')} store and {db_path} is a {current['mode']} store: restoring it "
            f"would turn this {current['mode']} store into a {found.get('mode')} one; nothing was restored")
    if found.get("store_id") != current["store_id"] and not other_store:
        raise SafekeepingError(
            f"{backup_file} is a backup of another store (id {found.get('store_id')}, this one is "
            f"{current['store_id']}); nothing was restored. To replace this store with it anyway, "
            "restore with --other-store")


def restore(db_path: str | os.PathLike, backup_file: str | os.PathLike, *, actor: str | None = None,
            other_store: bool = False) -> Path | None:
    """Replace the store with a checked backup; returns where the replaced store was kept (None if there was none).

    Stop the server first: a store that other connections are still reading is refused.
    """
    db_path, backup_file = Path(db_path), Path(backup_file)
    found = check_backup(backup_file)
    if backup_file.resolve() == db_path.resolve():
        raise SafekeepingError("that file is the store itself")
    _check_same_kind(db_path, backup_file, found, other_store)
    counts = {"submissions": found["submissions"], "revisions": found["revisions"]}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    for stale in db_path.parent.glob(f"{db_path.name}.restore-*.tmp"):  # left by a restore that was killed
        stale.unlink()
    incoming = db_path.with_name(f"{db_path.name}.restore-{os.getpid()}.tmp")
    aside = db_path.with_name(f"{db_path.name}.replaced-{stamp}") if db_path.exists() else None
    try:
        source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        try:
            _copy(source, incoming, "WAL")  # stores run in WAL mode
        finally:
            source.close()
        if aside is not None:
            _keep_aside(db_path, aside)
        os.replace(incoming, db_path)
        _fsync(db_path.parent)
    finally:
        if incoming.exists():
            incoming.unlink()
    db = store.open_db(db_path)
    try:
        audit.record(db, actor, "restore", {"from": str(backup_file), "replaced": str(aside) if aside else None,
                                            **counts})
    finally:
        db.conn.close()
    return aside


def _keep_aside(db_path: Path, aside: Path) -> None:
    """Copy the current store aside, then empty its WAL so nothing of it can be replayed onto the restored file."""
    conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=5)
    try:
        _copy(conn, aside, "DELETE")
        busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            raise SafekeepingError(f"{db_path} is in use (is `fieldkit serve` running?); stop it and restore again. "
                                   "Nothing was restored")
    finally:
        conn.close()
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise SafekeepingError(f"{db_path} is in use (its WAL is not empty); stop the server and restore again. "
                               "Nothing was restored")


# -- erase --------------------------------------------------------------------------

@dataclass
class Erased:
    submissions: int = 0
    revisions: int = 0
    drafts: int = 0
    answers: int = 0
    wal_truncated: bool = True


def _personal_ids(db: Database, qid: str, cache: dict[str, set[str]]) -> set[str]:
    """Personal question ids in any stored version of the questionnaire."""
    if qid not in cache:
        found: set[str] = set()
        for (version,) in db.execute("select version from questionnaires where id = ?", [qid]).fetchall():
            found |= accounts.personal_ids(store.get_questionnaire(db, qid, version))
        cache[qid] = found
    return cache[qid]


def _strip(answers: dict[str, Any], personal: set[str]) -> tuple[dict[str, Any], int]:
    return accounts.strip_answers(answers, personal)


def erase_personal(db: Database, *, municipality: str | None = None, submission: str | None = None,
                   actor: str | None = None) -> Erased:
    """Remove personal answers of one municipality's or one submission's interviews for good."""
    if bool(municipality) == bool(submission):
        raise SafekeepingError("name either a municipality (--kommun) or a submission (--submission)")
    if municipality:
        code = municipality.strip().zfill(4)
        if registry.municipality(code) is None:
            raise SafekeepingError(f"unknown municipality code {municipality!r}")
        sids = [r[0] for r in db.execute("select uuid from submissions where municipality_code = ?", [code])]
    else:
        sids = [r[0] for r in db.execute("select uuid from submissions where uuid = ?", [submission])]
        if not sids:
            raise SafekeepingError(f"unknown submission {submission}")
    result, cache = Erased(), {}
    db.execute("PRAGMA secure_delete=ON")
    with store.transaction(db):
        for sid in sids:
            _erase_one(db, sid, cache, result)
        audit.record(db, actor, "erase", {"municipality": municipality and municipality.strip().zfill(4),
                                          "submission": submission, "submissions": result.submissions,
                                          "revisions": result.revisions, "drafts": result.drafts,
                                          "answers": result.answers})
    db.execute("VACUUM")
    busy, _log, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    result.wal_truncated = not busy
    return result


def discard_built_exports(instance: Path) -> int:
    """Delete workbooks the reports pages built and keep for download: they may hold erased answers."""
    removed = 0
    folder = Path(instance) / "exports"
    if not folder.is_dir():
        return 0
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file():
            path.unlink()
            removed += 1
        elif path.is_dir():
            path.rmdir()
    return removed


def _erase_one(db: Database, sid: str, cache: dict[str, set[str]], result: Erased) -> None:
    sub = db.execute("select questionnaire_id, answers from submissions where uuid = ?", [sid]).fetchone()
    personal = _personal_ids(db, sub[0], cache)
    if not personal:
        return
    touched = False
    for rev in db.query("select * from revisions where submission_uuid = ?", [sid]):
        kept, n = _strip(json.loads(rev["answers"]), personal)
        if n:
            digest = store.revision_hash(sid, rev["questionnaire_id"], rev["questionnaire_version"],
                                         rev["municipality_code"], kept, rev["parent_id"], rev["merge_parent_id"])
            db.execute("update revisions set answers = ?, content_hash = ? where id = ?",
                       [store.canonical_json(kept), digest, rev["id"]])
            result.revisions += 1
            result.answers += n
            touched = True
    kept, n = _strip(json.loads(sub[1] or "{}"), personal)
    if n:
        head = db.execute("select r.content_hash from revisions r join submissions s on s.head_revision = r.id "
                          "where s.uuid = ?", [sid]).fetchone()
        db.execute("update submissions set answers = ?, content_hash = coalesce(?, content_hash) where uuid = ?",
                   [store.canonical_json(kept), head[0] if head else None, sid])
        touched = True
    draft = db.execute("select raw from drafts where submission_uuid = ?", [sid]).fetchone()
    if draft:
        kept, n = _strip(json.loads(draft[0] or "{}"), personal)
        if n:
            db.execute("update drafts set raw = ? where submission_uuid = ?", [store.canonical_json(kept), sid])
            result.drafts += 1
            touched = True
    result.submissions += int(touched)
