"""Backup, restore and erase: consistent copies while writing, refused restores, personal answers gone for good."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from central_helpers import IN_COUNTY, answers_for, make_submission

from fieldkit.cli import main
from sync import audit, safekeeping, store

NAME = "Kerstin Hemligsson"


def _bytes(path):
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def _contact(db, municipality=IN_COUNTY, name=NAME, seed=3):
    answers = answers_for(db, "smak-kontaktlogg", municipality, seed)
    answers["kontakt.kontaktperson_namn"] = name
    return make_submission(db, municipality=municipality, questionnaire_id="smak-kontaktlogg", answers=answers)


def _consistent(path) -> tuple[int, int]:
    """(submissions, revisions) of a store file, after checking integrity and that every head exists."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = conn.execute("select count(*) from submissions s where s.head_revision is not null and not exists "
                               "(select 1 from revisions r where r.id = s.head_revision)").fetchone()[0]
        assert orphans == 0
        return (conn.execute("select count(*) from submissions").fetchone()[0],
                conn.execute("select count(*) from revisions").fetchone()[0])
    finally:
        conn.close()


# -- backup ---------------------------------------------------------------------------

def test_backup_writes_one_intact_file_and_is_audited(runner, central_path, cdb, tmp_path):
    make_submission(cdb)
    out = tmp_path / "backups" / "central.db"
    result = runner.invoke(main, ["--db", str(central_path), "backup", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}: ") and "1 submissions, 1 revisions" in result.output
    assert not out.with_name("central.db-wal").exists()
    assert _consistent(out) == (1, 1)
    found = safekeeping.check_backup(out)
    assert (found["submissions"], found["revisions"], found["mode"]) == (1, 1, "central")
    assert audit.entries(cdb, action="backup")[0]["details"]["file"] == str(out)


def test_a_backup_while_another_connection_writes_is_a_consistent_snapshot(central_path, cdb, tmp_path):
    stop = threading.Event()
    written = []

    def writer():
        db = store.open_db(central_path)
        try:
            while not stop.is_set():
                with store.transaction(db):  # an interview and its first revision, in one transaction
                    written.append(make_submission(db, seed=len(written)))
                # SQLite's busy handler is not fair: without a breath between transactions the backup's own
                # audit entry waits out its 2 s timeout for the write lock.
                time.sleep(0.001)
        finally:
            db.conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        sizes = []
        for n in range(5):
            out = tmp_path / f"b{n}.db"
            safekeeping.backup(central_path, out)
            sizes.append(_consistent(out))
    finally:
        stop.set()
        thread.join()
    assert all(subs == revs for subs, revs in sizes), "each copy holds whole interviews only"
    assert len(written) > sizes[0][0]


@pytest.mark.slow
def test_a_backup_during_a_sync_ingest_holds_whole_interviews_and_no_record_of_the_ingest(
        monkeypatch, central_path, cdb, tmp_path, make_laptop):
    from sync_helpers import demo_interviews

    from sync import ingest as ingest_module
    from sync.bundle import write_bundle

    laptop = make_laptop(tmp_path / "laptop.db", cdb, "anna")
    demo_interviews(laptop, 120)
    bundle = write_bundle(laptop, tmp_path / "anna.fkb").path
    expected = laptop["revisions"].count
    laptop.conn.close()
    monkeypatch.setattr(ingest_module, "BATCH", 20)  # progress is reported between the ingest's transactions
    halfway, release = threading.Event(), threading.Event()

    def progress(done, total):
        if done < total and not halfway.is_set():
            halfway.set()
            release.wait(20)

    def ingesting():
        db = store.open_db(central_path)
        try:
            ingest_module.ingest(db, bundle, progress=progress)
        finally:
            db.conn.close()

    thread = threading.Thread(target=ingesting)
    thread.start()
    try:
        assert halfway.wait(20)
        assert store.open_db(central_path).execute("select 1").fetchone()  # the store is open for readers
        safekeeping.backup(central_path, tmp_path / "during.db")
    finally:
        release.set()
        thread.join()
    safekeeping.backup(central_path, tmp_path / "after.db")
    submissions, revisions = _consistent(tmp_path / "during.db")
    assert 0 < revisions < expected and submissions == revisions, "whole batches of whole interviews"
    copy = sqlite3.connect(tmp_path / "during.db")
    try:
        assert copy.execute("select count(*) from sync_ingests").fetchone()[0] == 0, "not recorded as ingested"
    finally:
        copy.close()
    assert _consistent(tmp_path / "after.db")[1] == expected


def test_backup_refuses_to_overwrite_the_store(central_path):
    with pytest.raises(safekeeping.SafekeepingError, match="must not be the store itself"):
        safekeeping.backup(central_path, central_path)


# -- restore ---------------------------------------------------------------------------

def test_restore_replaces_the_store_and_keeps_the_old_one_aside(runner, central_path, cdb, tmp_path):
    first = make_submission(cdb)
    backup = tmp_path / "b.db"
    safekeeping.backup(central_path, backup)
    later = make_submission(cdb, seed=9)
    cdb.conn.close()
    result = runner.invoke(main, ["--db", str(central_path), "restore", str(backup)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (aside,) = tmp_path.glob("central.db.replaced-*")
    assert f"the replaced store is kept as {aside}" in result.output
    restored = store.open_db(central_path)
    assert {r[0] for r in restored.execute("select uuid from submissions")} == {first}
    assert restored.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert audit.entries(restored, action="restore")[0]["details"]["from"] == str(backup)
    restored.conn.close()
    kept = sqlite3.connect(aside)
    assert {r[0] for r in kept.execute("select uuid from submissions")} == {first, later}
    kept.close()
    assert not list(tmp_path.glob("*.tmp"))


def _assert_refused(runner, central_path, cdb, candidate, message):
    before = cdb.execute("select count(*) from audit_log").fetchone()[0]
    result = runner.invoke(main, ["--db", str(central_path), "restore", str(candidate)], catch_exceptions=False)
    assert result.exit_code == 1
    assert message in result.output
    assert cdb.execute("select count(*) from audit_log").fetchone()[0] == before
    assert not list(central_path.parent.glob("*.replaced-*"))


def test_restore_refuses_a_damaged_file(runner, central_path, cdb, tmp_path):
    make_submission(cdb)
    backup = tmp_path / "b.db"
    safekeeping.backup(central_path, backup)
    data = bytearray(backup.read_bytes())
    page = 4096
    for offset in range(3 * page + 100, len(data) - page, page):  # scribble over cell pointers of many pages
        data[offset:offset + 64] = b"\xff" * 64
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(bytes(data))
    result = runner.invoke(main, ["--db", str(central_path), "restore", str(damaged)], catch_exceptions=False)
    assert result.exit_code == 1
    assert "fails PRAGMA integrity_check" in result.output or "is not an SQLite database" in result.output
    assert "nothing was restored" in result.output
    assert not list(central_path.parent.glob("*.replaced-*"))


def test_restore_refuses_what_is_not_a_fieldkit_store(runner, central_path, cdb, tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("create table submissions (uuid text)")
    conn.commit()
    conn.close()
    _assert_refused(runner, central_path, cdb, other,
                    f"Error: {other} is not a fieldkit store (it has no fieldkit migrations); nothing was restored")
    text = tmp_path / "notes.txt"
    text.write_text("hello " * 1000)
    _assert_refused(runner, central_path, cdb, text, "is not an SQLite database")
    _assert_refused(runner, central_path, cdb, tmp_path / "missing.db", "no such file")


def test_restore_refuses_a_store_from_a_newer_fieldkit(runner, central_path, cdb, tmp_path):
    backup = tmp_path / "b.db"
    safekeeping.backup(central_path, backup)
    conn = sqlite3.connect(backup)
    conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                 "values ('fieldkit', 'm999_future', '2030-01-01')")
    conn.commit()
    conn.close()
    _assert_refused(runner, central_path, cdb, backup, "was written by a newer fieldkit (unknown migrations: m999_future)")


@pytest.mark.slow  # waits out restore's 5 s lock timeout
def test_restore_refuses_a_store_in_use(central_path, cdb, tmp_path):
    make_submission(cdb)
    backup = tmp_path / "b.db"
    safekeeping.backup(central_path, backup)
    make_submission(cdb, seed=11)
    reader = store.open_db(central_path)
    reader.execute("begin")
    reader.execute("select count(*) from submissions").fetchone()
    try:
        with pytest.raises(safekeeping.SafekeepingError, match="is in use"):
            safekeeping.restore(central_path, backup)
    finally:
        reader.execute("rollback")
        reader.conn.close()
    assert cdb["submissions"].count == 2


# -- erase ---------------------------------------------------------------------------

def test_erase_removes_personal_answers_from_every_revision_draft_and_the_file(runner, central_path, cdb, tmp_path):
    sid = _contact(cdb)
    other = _contact(cdb, municipality="0180", name="Sven Stockholmsson", seed=4)
    sub = store.get_submission(cdb, sid)
    store.reopen_submission(cdb, sid)
    store.complete_submission(cdb, sid, dict(sub.answers, **{"kontakt.kontaktperson_telefon": "070-1234567"}))
    store.reopen_submission(cdb, sid)
    store.save_draft(cdb, sid, dict(sub.answers, **{"kontakt.kontaktperson_namn": NAME + " (utkast)"}), None)
    before = tmp_path / "before.db"
    safekeeping.backup(central_path, before)
    assert NAME.encode() in _bytes(central_path) and NAME.encode() in before.read_bytes()

    result = runner.invoke(main, ["--db", str(central_path), "erase", "--kommun", IN_COUNTY, "--yes"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("erased ") and "in 1 interviews (2 revisions, 1 drafts) of municipality 2480" \
        in result.output
    for rev in store.list_revisions(cdb, sid):
        assert not any(k.startswith("kontakt.kontaktperson_") and k != "kontakt.kontaktperson_roll"
                       for k in rev["answers"])
        assert rev["content_hash"] == store.revision_hash(sid, rev["questionnaire_id"], rev["questionnaire_version"],
                                                          rev["municipality_code"], rev["answers"], rev["parent_id"],
                                                          rev["merge_parent_id"])
    erased = store.get_submission(cdb, sid)
    assert "kontakt.kontaktperson_namn" not in erased.answers and "kontakt.kontaktperson_namn" not in erased.draft["raw"]
    assert erased.answers["kontakt.datum"] == sub.answers["kontakt.datum"], "other answers stay"
    assert store.get_submission(cdb, other).answers["kontakt.kontaktperson_namn"] == "Sven Stockholmsson"
    assert NAME.encode() not in _bytes(central_path) and b"070-1234567" not in _bytes(central_path)
    after = tmp_path / "after.db"
    safekeeping.backup(central_path, after)
    assert NAME.encode() not in after.read_bytes()
    entry = audit.entries(cdb, action="erase")[0]
    assert entry["details"]["municipality"] == IN_COUNTY and NAME not in str(entry)


def test_erase_one_submission(cdb):
    sid = _contact(cdb)
    keep = _contact(cdb, name="Karl Kvar", seed=5)
    erased = safekeeping.erase_personal(cdb, submission=sid, actor="test")
    assert erased.submissions == 1 and erased.answers >= 1
    assert store.get_submission(cdb, keep).answers["kontakt.kontaktperson_namn"] == "Karl Kvar"


def test_erase_needs_exactly_one_known_target(cdb):
    with pytest.raises(safekeeping.SafekeepingError, match="either a municipality"):
        safekeeping.erase_personal(cdb)
    with pytest.raises(safekeeping.SafekeepingError, match="unknown municipality code '9999'"):
        safekeeping.erase_personal(cdb, municipality="9999")
    with pytest.raises(safekeeping.SafekeepingError, match="unknown submission nope"):
        safekeeping.erase_personal(cdb, submission="nope")


def test_erase_asks_before_it_acts(runner, central_path, cdb):
    sid = _contact(cdb)
    result = runner.invoke(main, ["--db", str(central_path), "erase", "--submission", sid], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert store.get_submission(cdb, sid).answers["kontakt.kontaktperson_namn"] == NAME


def test_erase_deletes_workbooks_built_for_download(runner, central_path, cdb):
    _contact(cdb)
    built = central_path.parent / "exports" / "job1" / "smak-kontaktlogg.xlsx"
    built.parent.mkdir(parents=True)
    built.write_bytes(NAME.encode())
    result = runner.invoke(main, ["--db", str(central_path), "erase", "--kommun", IN_COUNTY, "--yes"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "deleted 1 workbook(s) built for download before the erase" in result.output
    assert not built.exists()
