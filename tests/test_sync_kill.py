"""`kill -9` of `fieldkit sync ingest` in the middle of a large bundle leaves the central exactly as before."""

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
from sync.ingest import ingest

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
        counts = {t: db[t].count for t in ("submissions", "revisions", "sync_received", "sync_ingests")}
        return digest.hexdigest(), counts, store.integrity_ok(db)
    finally:
        db.conn.close()


def test_kill_9_during_ingest_leaves_the_store_as_before_and_ingest_again_succeeds(tmp_path, make_central, make_laptop):
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
    assert big.counts["revisions"] == complete > 10000
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
        assert done <= total // 4, progress  # well inside the one transaction
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
    assert process.returncode == -signal.SIGKILL

    after = fingerprint(central_path)
    assert after == before
    assert after[2] is True

    again = subprocess.run([FIELDKIT, "--db", str(central_path), "sync", "ingest", str(big.path)],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{complete} new, 0 updated, 0 unchanged, 0 conflicts, 0 rejected" in again.stdout
    final = fingerprint(central_path)
    assert final[1]["revisions"] == before[1]["revisions"] + complete
    assert final[2] is True
    laptop.conn.close()
