"""Import bundles and pushed chunks into the central store: check everything first, then import in batches.

Every revision ends as one of: new (it created a submission), updated (it became the head),
unchanged (already held, or the same answers as the head on another branch), conflicts (it derives
from an older base than the head and says something else: both kept, the submission flagged) or
rejected (with a reason; not acknowledged, so the laptop sends it again); `sync.batches` decides.

An import reads the records twice. The first pass checks every record (its SHA-256, JSON, fields,
content hash, questionnaire versions) without writing: a bundle that fails a check is refused whole,
and only the refusal's audit entry is written. The second pass imports the checked records in
transactions of at most BATCH revisions, so logins, reviews and sync requests get the store in
between; only the last transaction records the ingest (`sync_ingests`, audit `sync_ingest`). An
ingest that stops halfway leaves whole batches, and the same records ingested again finish it:
revisions are content-addressed, so what is held counts unchanged and nothing is doubled.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import threading
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlite_utils import Database

from forms.model import Questionnaire

from . import audit, devices, records, store
from . import bundle as bundles
from .batches import OUTCOMES, Importer, Result, version_conflict
from .errors import BundleRejected, ChangedDuringImport

__all__ = ["BATCH", "OUTCOMES", "Result", "apply_records", "ingest"]

#: Revisions per transaction: big enough to keep an ingest near the speed of one transaction, small
#: enough that other writers wait a fraction of a second, far below the store's busy timeout.
BATCH = 5000
IMPORT_CACHE_KIB = -65536  # 64 MiB of SQLite page cache while importing (negative: KiB)
#: How much of a refusal's message goes into its audit entry.
REFUSAL_MESSAGE_CHARS = 500
#: Per line, what the first pass found: held already, a questionnaire, or (>= 0) a revision to import,
#: given as the byte where its canonical answers end (`records.answers_end`; 0: parse it whole again).
HELD, QUESTIONNAIRE = -1, -2

Lines = Iterable[tuple[str, str, bytes]]


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
        with _cyclic_gc_paused():
            checked = _check(db, lines, seen)
            _import(db, device, lines, checked, result, records_sha256=records_sha256,
                    total=total or len(checked.plans), progress=progress, actor=actor, address=address)
        return result
    except BundleRejected as exc:
        _record_refusal(db, exc, actor, {"source": source, "bundle": bundle_id}, target=device.id, address=address)
        raise
    finally:
        db.execute(f"PRAGMA cache_size={int(cache)}")


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, if it runs, while the block runs.

    An import keeps a batch of a few thousand revisions (dicts, tuples) alive at a time: each batch
    survives into the collector's oldest generation and sets off full collections that walk every
    object of the process, a tenth of an ingest's time. What an import makes holds no cycles and is
    freed as it goes; the collector runs again after. Another thread's import that ends first may
    turn it back on: that costs time, not memory.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


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
    """What the first pass found: each line's SHA-256 and plan (see HELD), the questionnaire versions,
    how many revisions to import, and the ids of those this device delivered before."""

    digests: bytearray = field(default_factory=bytearray)
    plans: array = field(default_factory=lambda: array("q"))
    questionnaires: list[tuple[Questionnaire, str]] = field(default_factory=list)
    revisions: int = 0
    held: list[str] = field(default_factory=list)


def _check(db: Database, lines: Lines, seen: dict[str, str]) -> _Checked:
    """Check every record without writing; BundleRejected names the first that fails."""
    checked = _Checked()
    versions = {(qid, version): digest
                for qid, version, digest in db.execute("select id, version, content_hash from questionnaires")}
    in_bundle: set[tuple[str, str]] = set()
    for where, digest, text in lines:
        checked.digests += bytes.fromhex(digest)
        delivered = seen.get(digest)
        if delivered is not None:
            checked.plans.append(HELD)
            checked.held.append(delivered)
            continue
        record, answers_text, prefix = records.parse(where, text)
        if records.kind_of(record, where) == "questionnaire":
            questionnaire = records.check_questionnaire(record, where)
            key = (questionnaire.id, questionnaire.version)
            held = versions.get(key)
            if held is not None and held != questionnaire.content_hash:
                raise version_conflict(where, questionnaire, held,
                                        "earlier in the bundle" if key in in_bundle else "in this store")
            if key not in in_bundle:
                in_bundle.add(key)
                versions[key] = questionnaire.content_hash
                checked.questionnaires.append((questionnaire, where))
            checked.plans.append(QUESTIONNAIRE)
            continue
        canonical = records.check_revision(record, where, answers_text, prefix)
        checked.plans.append(records.answers_end(prefix) if canonical else 0)
        checked.revisions += 1
    return checked


# -- second pass: import the checked records in bounded transactions ------------------

def _batches(lines: Lines, checked: _Checked) -> Iterator[tuple[list[records.Revision], int]]:
    """The checked revisions in batches of at most BATCH, each with the number of lines read through it.

    Each line must be the one the first pass checked (same SHA-256). The last batch (possibly
    empty) comes after the last line; when there is nothing to import, the lines are not read again.
    """
    if not checked.revisions:
        yield [], len(checked.plans)
        return
    try:
        yield from _checked_batches(lines, checked)
    except BundleRejected as exc:  # the first pass read these lines without fault: they changed since
        raise ChangedDuringImport(f"{exc}; what was imported before came from the checked records") from None


def _checked_batches(lines: Lines, checked: _Checked) -> Iterator[tuple[list[records.Revision], int]]:
    batch: list[records.Revision] = []
    number = 0
    for where, digest, text in lines:
        if number >= len(checked.plans) or checked.digests[32 * number:32 * number + 32] != bytes.fromhex(digest):
            raise ChangedDuringImport(f"{where}: not the record checked before the import began: the file changed "
                                      "while it was being imported. What was imported came from the checked "
                                      "records; ingest the file again once it is complete")
        plan = checked.plans[number]
        number += 1
        if plan >= 0:
            batch.append(records.checked_revision(where, text, plan, digest))
            if len(batch) >= BATCH:
                yield batch, number
                batch = []
    if number != len(checked.plans):
        raise ChangedDuringImport(f"{number} record lines, but {len(checked.plans)} were checked before the import "
                                  "began: the file changed while it was being imported; ingest it again")
    yield batch, number


def _import(db: Database, device: devices.Device, lines: Lines, checked: _Checked, result: Result, *,
            records_sha256: str | None, total: int, progress: Callable[[int, int], None] | None,
            actor: str, address: str | None) -> None:
    """Import the checked records, BATCH revisions per transaction; the last one records the ingest.

    The next batch is read and parsed before the current one's transaction begins, so a transaction
    holds the store's write lock only while it decides and writes; the batch after it is read and
    parsed by a helper thread while the store commits (see `_ReadAhead`).
    """
    importer = Importer(db, device, result, checked.questionnaires)
    result.counts["unchanged"] += len(checked.held)
    result.acknowledged.extend(checked.held)
    batches = _batches(lines, checked)
    current, done = next(batches)
    following = next(batches, None)
    first = True
    while True:
        ahead = None
        try:
            with store.transaction(db), store.counted_once(db) as bulk:
                wrote = _writes(db, result)
                if first:
                    importer.add_questionnaires(checked.questionnaires)
                    if following is not None:  # an import of several transactions says when it began
                        audit.record(db, actor, "sync_ingest_started",
                                     {"source": result.source, "bundle": result.bundle_id,
                                      "revisions": checked.revisions},
                                     target=device.id, address=address)
                importer.batch(current)
                if following is None:
                    importer.finish()
                    importer.complete(records_sha256, actor, address)
                bulk.changed = _writes(db, result) != wrote
                if following is not None:
                    ahead = _ReadAhead(batches)  # the commit follows at once
            if following is None:
                return
            if progress:
                progress(done, total)
        except BaseException:
            if ahead is not None:
                ahead.thread.join()  # it finishes reading its batch, which nothing will import
            raise
        first = False
        current, done = following
        following = ahead.result()


def _writes(db, result: Result) -> tuple:
    """What tells whether a batch wrote submissions or questionnaires: the counts so far, and the versions."""
    counts = result.counts
    return (counts["new"], counts["updated"], counts["conflicts"],
            db.execute("select count(*) from questionnaires").fetchone()[0])


class _ReadAhead:
    """`next(batches, None)` in a helper thread, started just before a commit.

    SQLite lets go of Python's GIL while it writes, syncs and checkpoints a transaction, so on a
    second core the next batch is inflated and parsed meanwhile instead of after. What the batch
    holds and when it is imported do not change: it is still read whole before its own transaction
    begins, and the generator is never run by two threads at once (`result` joins the helper).
    """

    def __init__(self, batches: Iterator[tuple[list, int]]):
        self.value: tuple[list, int] | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(batches,), name="ingest-read-ahead", daemon=True)
        self.thread.start()

    def _run(self, batches: Iterator[tuple[list, int]]) -> None:
        try:
            self.value = next(batches, None)
        except BaseException as exc:  # raised in the importing thread by `result`
            self.error = exc

    def result(self) -> tuple[list, int] | None:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.value
