"""`kill -9` of `fieldkit sync ingest` in the middle of a large bundle loses and doubles nothing.

The import runs in transactions of at most BATCH revisions, so a killed ingest leaves whole
batches of whole interviews and no record that the bundle was ingested; ingesting it again finishes it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sync import store
from sync.bundle import write_bundle
from sync.ingest import BATCH, ingest

from sync_helpers import demo_interviews

pytestmark = pytest.mark.slow

FIELDKIT = str(Path(sys.executable).with_name("fieldkit"))


def fingerprint(path: Path) -> tuple[str, dict[str, int], bool]:
    """(SHA-256 of a full SQL dump, row counts, integrity check passed) of a store."""
    db = store.open_db(path)
    try:
        digest = hashlib.sha256()
        for line in db.conn.iterdump():
            digest.update(line.encode("utf-8"))
        return digest.hexdigest(), counts(db), store.integrity_ok(db)
    finally:
        db.conn.close()


def counts(db) -> dict[str, int]:
    found = {t: db[t].count for t in ("submissions", "revisions", "sync_received", "sync_ingests")}
    for action in ("sync_ingest", "sync_ingest_started"):
        found[action] = db.execute("select count(*) from audit_log where action = ?", [action]).fetchone()[0]
    found["headless"] = db.execute("select count(*) from submissions s where not exists "
                                   "(select 1 from revisions r where r.id = s.head_revision)").fetchone()[0]
    return found


def test_kill_9_during_ingest_keeps_whole_batches_and_ingest_again_finishes_it(tmp_path, make_central, make_laptop):
    central_path = tmp_path / "central.db"
    central = make_central(central_path)
    laptop = make_laptop(tmp_path / "laptop.db", central, "anna")
    # Something already held, so "as before" is not simply "empty".
    held = demo_interviews(laptop, 50, seed=2)
    first = write_bundle(laptop, tmp_path / "first.fkb")
    assert ingest(central, first.path).counts["new"] == held  # in this process: only the kill needs a subprocess
    central.conn.close()
    with store.transaction(laptop):
        laptop.conn.executemany("insert into sync_acks (revision_id, acked_at, via) values (?, 'now', 'test')",
                                [(rid,) for rid in first.revision_ids])
    complete = demo_interviews(laptop, 16000, seed=9)
    big = write_bundle(laptop, tmp_path / "big.fkb")
    assert big.counts["revisions"] == complete > 2 * BATCH
    before = fingerprint(central_path)

    with subprocess.Popen([FIELDKIT, "--db", str(central_path), "sync", "ingest", str(big.path)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as process:
        deadline = time.monotonic() + 120
        progress = ""
        while time.monotonic() < deadline:
            progress = process.stderr.readline()
            if progress.startswith("... ") or not progress:
                break
        done, total = (int(n) for n in progress.split()[1::2][:2])
        assert done < total, progress  # the first batch is committed, the rest is not yet
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
    assert process.returncode == -signal.SIGKILL

    _digest, killed, intact = fingerprint(central_path)
    assert intact is True
    kept = killed["revisions"] - before[1]["revisions"]
    assert 0 < kept < complete
    assert killed["submissions"] - before[1]["submissions"] == kept, "whole interviews only"
    assert killed["sync_received"] - before[1]["sync_received"] == kept
    assert killed["headless"] == 0
    # Not recorded as ingested; the audit log says an ingest began and did not end.
    assert (killed["sync_ingests"], killed["sync_ingest"]) == (before[1]["sync_ingests"], before[1]["sync_ingest"])
    assert killed["sync_ingest_started"] == before[1]["sync_ingest_started"] + 1

    again = subprocess.run([FIELDKIT, "--db", str(central_path), "sync", "ingest", str(big.path)],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{complete - kept} new, 0 updated, {kept} unchanged, 0 conflicts, 0 rejected" in again.stdout
    _digest, final, intact = fingerprint(central_path)
    assert intact is True
    for table in ("revisions", "submissions", "sync_received"):
        assert final[table] == before[1][table] + complete, table
    assert final["sync_ingests"] == before[1]["sync_ingests"] + 1
    assert final["sync_ingest"] == before[1]["sync_ingest"] + 1 and final["headless"] == 0
    laptop.conn.close()
