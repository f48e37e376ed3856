"""A restore killed with SIGKILL at any moment leaves a whole store in place: the old one, or the restored
one with the old kept aside. Runs `fieldkit restore` as a real subprocess."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time

import pytest

from sync import safekeeping, store

from central_helpers import make_submission

pytestmark = pytest.mark.slow
BALLAST_MB = 48


def _uuids(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {row[0] for row in conn.execute("select uuid from submissions")}
    finally:
        conn.close()


@pytest.fixture
def stores(central_path, cdb, tmp_path):
    """(old store's uuids, a large backup of another store and its uuids, a pristine copy of the old store)."""
    old = {make_submission(cdb, seed=n) for n in range(3)}
    other_path = tmp_path / "other" / "central.db"
    other_path.parent.mkdir()
    shutil.copyfile(central_path, other_path)
    other = store.open_db(other_path)
    other.execute("delete from revisions")
    other.execute("delete from submissions")
    new = {make_submission(other, municipality="0180", seed=n) for n in range(2)}
    other.execute("create table ballast (data blob)")
    with store.transaction(other):
        for _ in range(BALLAST_MB):
            other.execute("insert into ballast values (?)", [os.urandom(1024 * 1024)])
    other.conn.close()
    backup = tmp_path / "big-backup.db"
    safekeeping.backup(other_path, backup)
    cdb.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pristine = tmp_path / "pristine.db"
    safekeeping.backup(central_path, pristine)
    return old, backup, new, pristine


def _restore(db_path, backup):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "fieldkit", "--db", str(db_path), "restore", str(backup)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill_when(process, condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            process.kill()
            break
        time.sleep(0.002)
    else:
        if process.poll() is None:
            process.kill()
    process.wait()
    process.stderr.close()


def _check_whole(db_path, old, new):
    """The store at db_path is whole and is either the old one, or the new one with the old kept aside."""
    found = _uuids(db_path)
    if found == old:
        return "old"
    assert found == new, "the store is neither the old nor the restored one"
    (aside,) = db_path.parent.glob(db_path.name + ".replaced-*")
    assert _uuids(aside) == old, "the replaced store is kept whole"
    return "new"


def _reset(db_path, pristine):
    for leftover in db_path.parent.glob(db_path.name + "*"):
        leftover.unlink()
    shutil.copyfile(pristine, db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()


def test_kill_9_during_restore_leaves_a_whole_store(central_path, cdb, stores):
    old, backup, new, pristine = stores
    cdb.conn.close()
    folder = central_path.parent
    moments = {
        "copying the backup in": lambda: any(folder.glob("central.db.restore-*.tmp")),
        "keeping the old store aside": lambda: any(folder.glob("central.db.replaced-*")),
    }
    outcomes = {}
    for label, condition in moments.items():
        _reset(central_path, pristine)
        _kill_when(_restore(central_path, backup), condition)
        outcomes[label] = _check_whole(central_path, old, new)
    for delay in (0.05, 0.2, 0.4, 0.6, 0.9, 1.3):
        _reset(central_path, pristine)
        process = _restore(central_path, backup)
        started = time.monotonic()
        _kill_when(process, lambda: time.monotonic() - started > delay)
        outcomes[delay] = _check_whole(central_path, old, new)
    assert outcomes["copying the backup in"] == "old"
    # After any kill, running restore again completes and leaves no temporary file behind.
    process = _restore(central_path, backup)
    assert process.wait(60) == 0, process.stderr.read().decode()
    process.stderr.close()
    assert _uuids(central_path) == new
    assert not list(folder.glob("central.db.restore-*.tmp"))
