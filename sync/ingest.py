"""Import bundles and pushed chunks into the central store: check everything first, then import in batches.

Every revision ends as one of: new (it created a submission), updated (it became the head),
unchanged (already held, or the same answers as the head on another branch), conflicts (it derives
from an older base than the head and says something else: both kept, the submission flagged) or
rejected (with a reason; not acknowledged, so the laptop sends it again).

An import reads the records twice. The first pass checks every record (its SHA-256, JSON, fields,
content hash, questionnaire versions) without writing: a bundle that fails a check is refused whole,
and only the refusal's audit entry is written. The second pass imports the checked records in
transactions of at most BATCH revisions, so logins, reviews and sync requests get the store in
between; only the last transaction records the ingest (`sync_ingests`, audit `sync_ingest`). An
ingest that stops halfway leaves whole batches, and the same records ingested again finish it:
revisions are content-addressed, so what is held counts unchanged and nothing is doubled.
"""

from __future__ import annotations

import operator
import os
import sqlite3
import uuid
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlite_utils import Database

from forms.model import Questionnaire

from . import audit, devices, lineage, records, store
from . import bundle as bundles
from .errors import BundleRejected, ChangedDuringImport

OUTCOMES = ("new", "updated", "unchanged", "conflicts", "rejected")
#: Revisions per transaction: big enough to keep an ingest near the speed of one transaction, small
#: enough that other writers wait a fraction of a second, far below the store's busy timeout.
BATCH = 5000
IMPORT_CACHE_KIB = -65536  # 64 MiB of SQLite page cache while importing (negative: KiB)
SQL_PARAMS = 900
#: How much of a refusal's message goes into its audit entry.
REFUSAL_MESSAGE_CHARS = 500
#: Per line, what the first pass found: held already, a questionnaire, or (>= 0) a revision to import,
#: given as where its canonical answers text ends (`records.answers_end`; 0: parse it whole again).
HELD, QUESTIONNAIRE = -1, -2

REVISION_COLUMNS = ("id", "submission_uuid", "number", "parent_id", "merge_parent_id", "questionnaire_id",
                    "questionnaire_version", "municipality_code", "status", "answers", "content_hash",
                    "device_id", "author", "created", "comment")
SUBMISSION_COLUMNS = ("uuid", "questionnaire_id", "questionnaire_version", "municipality_code", "county_code",
                      "interviewer", "device_id", "status", "created", "modified", "revision", "head_revision",
                      "content_hash", "answers", "conflict")
_revision_tuple = operator.itemgetter(*REVISION_COLUMNS)
_submission_tuple = operator.itemgetter(*SUBMISSION_COLUMNS)
HEAD_COLUMNS = ("questionnaire_version", "status", "modified", "revision", "head_revision", "content_hash",
                "answers", "conflict")

Lines = Iterable[tuple[str, str, bytes]]


@dataclass
class Result:
    """What an ingest did: counts per outcome, reasons for rejections, the acknowledged revision ids."""

    bundle_id: str | None
    device_id: str
    source: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    questionnaires: dict[str, str] = field(default_factory=dict)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list, repr=False)

    @property
    def changed(self) -> bool:
        return bool(self.counts["new"] or self.counts["updated"] or self.counts["conflicts"]
                    or "added" in self.questionnaires.values())

    def summary(self) -> str:
        parts = ", ".join(f"{self.counts[k]} {k}" for k in OUTCOMES)
        added = [k for k, v in self.questionnaires.items() if v == "added"]
        if added:
            parts += f"; questionnaire versions added: {', '.join(added)}"
        if not self.changed:
            parts += "; nothing changed (everything was already held)"
        return parts


def ingest(db: Database, path: str | os.PathLike, *, actor: str | None = None,
           progress: Callable[[int, int], None] | None = None) -> Result:
    """Verify a bundle file, check every record, then import it (see the module's docstring).

    A BundleRejected leaves nothing imported but its audit entry (`sync_refused`, by `actor`).
    `progress(lines done, lines)` is called between the import's transactions, never inside one.
    """
    devices.require_mode(db, "central")
    try:
        bundle = bundles.read_bundle(path, bundles.bundle_key_lookup(db))
    except BundleRejected as exc:
        _record_refusal(db, exc, actor, {"source": "file", "file": Path(path).name})
        raise
    total = bundle.manifest["records"]["lines"]
    return apply_records(db, bundle.device, bundle, source="file", bundle_id=bundle.bundle_id,
                         records_sha256=bundle.records_sha256, total=total, progress=progress, actor=actor)


def apply_records(db: Database, device: devices.Device, lines: Lines, *, source: str,
                  bundle_id: str | None = None, records_sha256: str | None = None, total: int = 0,
                  progress: Callable[[int, int], None] | None = None, actor: str | None = None,
                  address: str | None = None) -> Result:
    """Import records, given as (where, SHA-256 hex, JSON text), from one device: check all, then import.

    `lines` is read twice: pass a list or a `Bundle` (a one-shot iterator is read into a list first).
    The audit entry (`sync_ingest`: source, bundle or chunk, counts) is written in the last transaction;
    a refusal writes `sync_refused` (reason, message) in a transaction of its own. `actor` defaults to the
    device itself (`device:NAME`), `address` is where a push came from.

    A record whose exact text this device delivered before is counted unchanged without being parsed:
    records are content-addressed by their SHA-256 and the central never deletes a revision.
    """
    actor = actor or f"device:{device.name}"
    result = Result(bundle_id, device.id, source)
    cache = db.execute("PRAGMA cache_size").fetchone()[0]
    db.execute(f"PRAGMA cache_size={IMPORT_CACHE_KIB}")  # random UUID keys: a larger page cache saves re-reads
    try:
        if iter(lines) is lines:
            lines = list(lines)
        seen = dict(db.execute("select record_sha256, revision_id from sync_received "
                               "where device_id = ? and record_sha256 is not null", [device.id]).fetchall())
        checked = _check(db, lines, seen)
        _import(db, device, lines, checked, seen, result, records_sha256=records_sha256,
                total=total or len(checked.plans), progress=progress, actor=actor, address=address)
        return result
    except BundleRejected as exc:
        _record_refusal(db, exc, actor, {"source": source, "bundle": bundle_id}, target=device.id, address=address)
        raise
    finally:
        db.execute(f"PRAGMA cache_size={int(cache)}")


def _record_refusal(db: Database, exc: BundleRejected, actor: str | None, details: dict[str, Any], *,
                    target: str | None = None, address: str | None = None) -> None:
    """Audit a refusal in a transaction of its own: the import's own transaction, if any, was rolled back."""
    try:
        audit.record(db, actor, "sync_refused",
                     {**details, "reason": exc.reason, "message": str(exc)[:REFUSAL_MESSAGE_CHARS]},
                     target=target, address=address)
    except sqlite3.Error as error:  # the refusal is what matters; say that its entry is missing
        exc.add_note(f"(the refusal could not be written to the audit log: {error})")


# -- first pass: check every record, write nothing ----------------------------------

@dataclass
class _Checked:
    """What the first pass found: each line's SHA-256 and plan (see HELD), and the questionnaire versions."""

    digests: bytearray = field(default_factory=bytearray)
    plans: array = field(default_factory=lambda: array("q"))
    questionnaires: list[tuple[Questionnaire, str]] = field(default_factory=list)
    revisions: int = 0


def _check(db: Database, lines: Lines, seen: dict[str, str]) -> _Checked:
    """Check every record without writing; BundleRejected names the first that fails."""
    checked = _Checked()
    versions = {(qid, version): digest
                for qid, version, digest in db.execute("select id, version, content_hash from questionnaires")}
    in_bundle: set[tuple[str, str]] = set()
    for where, digest, text in lines:
        checked.digests += bytes.fromhex(digest)
        if digest in seen:
            checked.plans.append(HELD)
            continue
        record, answers_text = records.parse(where, text)
        if records.kind_of(record, where) == "questionnaire":
            questionnaire = records.check_questionnaire(record, where)
            key = (questionnaire.id, questionnaire.version)
            held = versions.get(key)
            if held is not None and held != questionnaire.content_hash:
                raise _version_conflict(where, questionnaire, held,
                                        "earlier in the bundle" if key in in_bundle else "in this store")
            if key not in in_bundle:
                in_bundle.add(key)
                versions[key] = questionnaire.content_hash
                checked.questionnaires.append((questionnaire, where))
            checked.plans.append(QUESTIONNAIRE)
            continue
        revision = records.check_revision(record, where, digest, answers_text)
        checked.plans.append(records.answers_end(answers_text) if revision.verify_content() else 0)
        checked.revisions += 1
    return checked


def _version_conflict(where: str, questionnaire: Questionnaire, held: str, place: str) -> BundleRejected:
    return BundleRejected("questionnaire_conflict", (
        f"{where}: questionnaire {questionnaire.id} version {questionnaire.version} has content hash "
        f"{questionnaire.content_hash} in the bundle but {held} {place}: the same version must "
        "not be edited in place; publish the change as a new version"))


# -- second pass: import the checked records in bounded transactions ------------------

def _batches(lines: Lines, checked: _Checked, seen: dict[str, str], result: Result
             ) -> Iterator[tuple[list[records.Revision], int]]:
    """The checked revisions in batches of at most BATCH, each with the number of lines read through it.

    Each line must be the one the first pass checked (same SHA-256). Held lines are counted here.
    The last batch (possibly empty) comes after the last line.
    """
    try:
        yield from _checked_batches(lines, checked, seen, result)
    except BundleRejected as exc:  # the first pass read these lines without fault: they changed since
        raise ChangedDuringImport(f"{exc}; what was imported before came from the checked records") from None


def _checked_batches(lines: Lines, checked: _Checked, seen: dict[str, str], result: Result
                     ) -> Iterator[tuple[list[records.Revision], int]]:
    batch: list[records.Revision] = []
    number = 0
    for where, digest, text in lines:
        if number >= len(checked.plans) or checked.digests[32 * number:32 * number + 32] != bytes.fromhex(digest):
            raise ChangedDuringImport(f"{where}: not the record checked before the import began: the file changed "
                                      "while it was being imported. What was imported came from the checked "
                                      "records; ingest the file again once it is complete")
        plan = checked.plans[number]
        number += 1
        if plan == HELD:
            result.counts["unchanged"] += 1
            result.acknowledged.append(seen[digest])
        elif plan != QUESTIONNAIRE:
            batch.append(records.checked_revision(where, text, plan, digest))
            if len(batch) >= BATCH:
                yield batch, number
                batch = []
    if number != len(checked.plans):
        raise ChangedDuringImport(f"{number} record lines, but {len(checked.plans)} were checked before the import "
                                  "began: the file changed while it was being imported; ingest it again")
    yield batch, number


def _import(db: Database, device: devices.Device, lines: Lines, checked: _Checked, seen: dict[str, str],
            result: Result, *, records_sha256: str | None, total: int, progress: Callable[[int, int], None] | None,
            actor: str, address: str | None) -> None:
    """Import the checked records, BATCH revisions per transaction; the last one records the ingest.

    The next batch is read and parsed before the current one's transaction begins, so a transaction
    holds the store's write lock only while it decides and writes.
    """
    importer = _Importer(db, device, result, checked.questionnaires)
    batches = _batches(lines, checked, seen, result)
    current, done = next(batches)
    first = True
    while True:
        following = next(batches, None)
        with store.transaction(db):
            if first:
                importer.add_questionnaires(checked.questionnaires)
                if following is not None:  # an import of several transactions says when it began
                    audit.record(db, actor, "sync_ingest_started",
                                 {"source": result.source, "bundle": result.bundle_id, "revisions": checked.revisions},
                                 target=device.id, address=address)
            importer.batch(current)
            if following is None:
                importer.finish()
                importer.complete(records_sha256, actor, address)
        if following is None:
            return
        if progress:
            progress(done, total)
        first = False
        current, done = following


def _chunks(values: list[str], size: int = SQL_PARAMS) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Importer:
    """The state of one ingest: what is known, what waits to be written, and the lineage."""

    def __init__(self, db: Database, device: devices.Device, result: Result,
                 questionnaires: list[tuple[Questionnaire, str]]):
        self.db = db
        self.conn = db.conn
        self.device = device
        self.result = result
        self.ingest_id = str(uuid.uuid4())
        self.stamp = store.now()
        self.counties = dict(db.execute("select code, county_code from municipalities").fetchall())
        self.versions = {tuple(r) for r in db.execute("select id, version from questionnaires")}
        self.versions.update((q.id, q.version) for q, _where in questionnaires)
        self.lineage = lineage.Lineage(db)
        self.deferred: list[records.Revision] = []
        # Per batch: what the store holds of it, and the writes that wait for the batch's end.
        self.known: dict[str, tuple[str, str]] = {}
        self.heads: dict[str, dict[str, Any]] = {}
        self.new_subs: dict[str, dict[str, Any]] = {}
        self.updates: dict[str, dict[str, Any]] = {}
        self.new_revs: list[tuple] = []

    # -- questionnaires --

    def add_questionnaires(self, questionnaires: list[tuple[Questionnaire, str]]) -> None:
        """Add the bundle's questionnaire versions (checked by the first pass) before any revision."""
        for questionnaire, where in questionnaires:
            try:
                outcome = store.add_questionnaire(self.db, questionnaire, origin=f"sync:{self.device.name}")
            except store.VersionConflict:  # added by someone else since the first pass
                held = self.db.execute("select content_hash from questionnaires where id = ? and version = ?",
                                       [questionnaire.id, questionnaire.version]).fetchone()[0]
                raise _version_conflict(where, questionnaire, held, "in this store") from None
            self.result.questionnaires[f"{questionnaire.id}@{questionnaire.version}"] = outcome

    def complete(self, records_sha256: str | None, actor: str, address: str | None) -> None:
        """Record the ingest as done: `sync_ingests`, the device's last-seen time and the audit entry."""
        result = self.result
        self.db["sync_ingests"].insert({"id": self.ingest_id, "bundle_id": result.bundle_id,
                                        "device_id": self.device.id, "source": result.source, "at": store.now(),
                                        "records_sha256": records_sha256, "counts": records.dumps(result.counts)})
        devices.touch(self.db, self.device.id)
        audit.record(self.db, actor, "sync_ingest", {"source": result.source, "bundle": result.bundle_id,
                                                     **result.counts}, target=self.device.id, address=address)

    # -- revisions --

    def batch(self, batch: list[records.Revision]) -> None:
        if not batch:
            return
        ids = [r.id for r in batch]
        wanted = list({*ids, *(p for r in batch for p in r.parents)})
        self.known = {}
        for part in _chunks(wanted):
            marks = ",".join("?" * len(part))
            for rid, digest, sid in self.conn.execute(
                    f"select id, content_hash, submission_uuid from revisions where id in ({marks})", part):
                self.known[rid] = (digest, sid)
        sids = list({r.row["submission_uuid"] for r in batch})
        self.heads = {}
        for part in _chunks(sids):
            marks = ",".join("?" * len(part))
            for sid, head, conflict, qid, code in self.conn.execute(
                    "select uuid, head_revision, conflict, questionnaire_id, municipality_code "
                    f"from submissions where uuid in ({marks})", part):
                self.heads[sid] = {"head_revision": head, "conflict": conflict, "identity": (qid, code)}
        acked = [revision for revision in batch if self.one(revision)]
        self.flush(acked)  # what this device delivered before keeps its row: `insert or ignore`
        self.result.acknowledged.extend(r.id for r in acked)

    def one(self, revision: records.Revision) -> bool:
        """Decide one revision; True if the central now holds it (to acknowledge)."""
        row = revision.row
        rid, sid = row["id"], row["submission_uuid"]
        counts = self.result.counts
        if rid in self.known:
            held = self.known[rid][0]
            if held == row["content_hash"]:
                counts["unchanged"] += 1
                return True
            return self.reject(rid, f"revision {rid} is already held with content hash {held[:12]}, "
                                    f"the bundle has {row['content_hash'][:12]}")
        if (row["questionnaire_id"], row["questionnaire_version"]) not in self.versions:
            return self.reject(rid, f"questionnaire {row['questionnaire_id']} version "
                                    f"{row['questionnaire_version']} is not in this store nor in the bundle")
        if row["municipality_code"] not in self.counties:
            return self.reject(rid, f"unknown municipality code {row['municipality_code']!r}")
        for parent in revision.parents:
            if parent not in self.known:
                self.deferred.append(revision)
                return False
            if self.known[parent][1] != sid:
                return self.reject(rid, f"its parent {parent} belongs to another submission")
        head = self.heads.get(sid)
        identity = (row["questionnaire_id"], row["municipality_code"])
        if head is not None and head["identity"] != identity:
            return self.reject(rid, f"it names questionnaire {identity[0]} and municipality {identity[1]}, but its "
                                    f"submission {sid} is {head['identity'][0]} in municipality {head['identity'][1]}")
        self.new_revs.append(_revision_tuple(row))
        self.known[rid] = (row["content_hash"], sid)
        if head is None:
            self.new_subs[sid] = self.submission_row(revision)
            self.heads[sid] = {"head_revision": rid, "conflict": 0, "identity": identity}
            counts["new"] += 1
        elif head["head_revision"] is None or row["parent_id"] == head["head_revision"] \
                or self.descends(rid, head["head_revision"]):
            conflict = head["conflict"]
            if conflict:
                self.flush_pending()
                conflict = int(lineage.advance_conflicts(self.db, self.lineage, sid, rid))
            self.set_head(sid, revision, conflict)
            counts["updated"] += 1
        else:
            self.flush_pending()
            outcome = lineage.record_conflict(self.db, self.lineage, sid, head["head_revision"], rid, self.device.id)
            if outcome == "agreed":  # the same answers as the head: no conflict, and the branch's one is settled
                counts["unchanged"] += 1
                if head["conflict"] and not lineage.open_conflicts(self.db, sid):
                    self.clear_flag(sid)
            else:
                self.set_flag(sid)
                counts["conflicts"] += 1
        return True

    def descends(self, rid: str, ancestor: str) -> bool:
        """Rare path (the parent is not the head): write what waits, then walk the lineage in the store."""
        self.flush_pending()
        return self.lineage.descends(rid, ancestor)

    def reject(self, rid: str, reason: str) -> bool:
        self.result.counts["rejected"] += 1
        self.result.rejected.append((rid, reason))
        return False

    def submission_row(self, revision: records.Revision) -> dict[str, Any]:
        row, meta = revision.row, revision.submission
        return {
            "uuid": row["submission_uuid"], "questionnaire_id": row["questionnaire_id"],
            "questionnaire_version": row["questionnaire_version"], "municipality_code": row["municipality_code"],
            "county_code": self.counties[row["municipality_code"]], "interviewer": meta["interviewer"],
            "device_id": meta["device_id"], "status": row["status"], "created": meta["created"],
            "modified": self.stamp, "revision": row["number"], "head_revision": row["id"],
            "content_hash": row["content_hash"], "answers": row["answers"], "conflict": 0,
        }

    def set_head(self, sid: str, revision: records.Revision, conflict: int) -> None:
        row = revision.row
        values = {"questionnaire_version": row["questionnaire_version"], "status": row["status"],
                  "modified": self.stamp, "revision": row["number"], "head_revision": row["id"],
                  "content_hash": row["content_hash"], "answers": row["answers"], "conflict": conflict}
        target = self.new_subs.get(sid)
        if target is not None:
            target.update(values)
        else:
            self.updates[sid] = values
        self.heads[sid]["head_revision"] = row["id"]
        self.heads[sid]["conflict"] = conflict

    def set_flag(self, sid: str) -> None:
        target = self.new_subs.get(sid)
        if target is not None:
            target["conflict"] = 1
        elif sid in self.updates:
            self.updates[sid]["conflict"] = 1
        else:
            self.conn.execute("update submissions set conflict = 1, modified = ? where uuid = ?", [self.stamp, sid])
        self.heads[sid]["conflict"] = 1

    def clear_flag(self, sid: str) -> None:
        """Rare path: the last open conflict of a submission was settled (what waits was written before)."""
        self.conn.execute("update submissions set conflict = 0, modified = ? where uuid = ?", [self.stamp, sid])
        self.heads[sid]["conflict"] = 0

    def flush_pending(self) -> None:
        """Write what waits (rare path: conflicts read and write the store directly)."""
        self.flush([])

    def flush(self, received: list[records.Revision]) -> None:
        if self.new_subs:
            marks = ",".join("?" * len(SUBMISSION_COLUMNS))
            self.conn.executemany(f"insert into submissions ({','.join(SUBMISSION_COLUMNS)}) values ({marks})",
                                  map(_submission_tuple, self.new_subs.values()))
            self.new_subs.clear()
        if self.new_revs:
            marks = ",".join("?" * len(REVISION_COLUMNS))
            self.conn.executemany(f"insert into revisions ({','.join(REVISION_COLUMNS)}) values ({marks})",
                                  self.new_revs)
            self.new_revs = []
        if self.updates:
            assignments = ", ".join(f"{c} = ?" for c in HEAD_COLUMNS)
            self.conn.executemany(f"update submissions set {assignments} where uuid = ?",
                                  [tuple(v[c] for c in HEAD_COLUMNS) + (sid,) for sid, v in self.updates.items()])
            self.updates.clear()
        if received:
            self.conn.executemany(
                "insert or ignore into sync_received (device_id, revision_id, record_sha256, received_at, ingest_id) "
                "values (?, ?, ?, ?, ?)",
                [(self.device.id, r.id, r.record_sha256, self.stamp, self.ingest_id) for r in received])

    def finish(self) -> None:
        """Retry revisions that arrived before their parent; reject those whose parent never came."""
        while self.deferred:
            waiting, self.deferred = self.deferred, []
            before = self.result.counts["rejected"]
            self.batch(waiting)
            if len(self.deferred) == len(waiting) and self.result.counts["rejected"] == before:
                for revision in self.deferred:
                    missing = next(p for p in revision.parents if p not in self.known)
                    self.reject(revision.id, f"its parent revision {missing} is neither held here nor in the bundle")
                self.deferred = []
