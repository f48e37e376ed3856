"""End to end: two laptops and a central, each its own store file, moving data by file and by HTTP."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sync import store
from fieldkit.cli import main
from sync import lineage

from sync_helpers import Server, copy_submission, demo_interviews, edit


@pytest.fixture
def runner():
    return CliRunner()


def fieldkit(runner, db_path, *args, code=0):
    result = runner.invoke(main, ["--db", str(db_path), *args])
    assert result.exit_code == code, result.output
    return result.output


def ids(path):
    db = store.open_db(path)
    try:
        return sorted(row[0] for row in db.execute("select id from revisions"))
    finally:
        db.conn.close()


def open_(path):
    return store.open_db(path)


def test_two_laptops_and_a_central_by_file_and_by_http_with_a_conflict(tmp_path, runner, make_central):
    central = tmp_path / "central" / "central.db"
    anna, bertil = tmp_path / "anna" / "anna.db", tmp_path / "bertil" / "bertil.db"
    make_central(central).conn.close()
    fieldkit(runner, anna, "init", "--interviewer", "Anna")
    fieldkit(runner, bertil, "init", "--interviewer", "Bertil")
    with Server(central) as server:
        for laptop, name in ((anna, "anna"), (bertil, "bertil")):
            code = fieldkit(runner, central, "devices", "add", name).splitlines()[-1]
            fieldkit(runner, laptop, "sync", "setup", server.url, code)
        for laptop, n, seed in ((anna, 30, 1), (bertil, 20, 2)):
            db = open_(laptop)
            demo_interviews(db, n, seed)
            db.conn.close()

        # Anna over HTTP, Bertil by file on a USB stick.
        assert "acknowledged" in fieldkit(runner, anna, "sync", "push")
        again = fieldkit(runner, anna, "sync", "push")  # a second push has nothing to send, and says so
        assert again.strip().splitlines()[-1] == ("nothing to send: the central holds every revision of this "
                                                   "laptop; waiting 0"), again
        stick = tmp_path / "usb"
        stick.mkdir()
        fieldkit(runner, bertil, "sync", "bundle", "--out", str(stick / "bertil.fkb"))
        out = fieldkit(runner, central, "sync", "ingest", str(stick / "bertil.fkb"))
        assert " new, 0 updated, 0 unchanged, 0 conflicts, 0 rejected" in out
        assert ids(central) == sorted(ids(anna) + ids(bertil))

        # The central's ack file stops Bertil from sending again.
        assert "waiting to be sent: " in fieldkit(runner, bertil, "sync", "status")
        fieldkit(runner, central, "sync", "ack", "--device", "bertil", "--out", str(stick / "bertil.ack.json"))
        out = fieldkit(runner, bertil, "sync", "ingest-ack", str(stick / "bertil.ack.json"))
        assert out.strip().endswith("waiting 0")
        assert "waiting to be sent: 0 revisions" in fieldkit(runner, bertil, "sync", "status")

        # The same interview edited on both laptops: one arrives by HTTP, the other by file.
        a, b = open_(anna), open_(bertil)
        sid = next(a.query("select uuid from submissions where status = 'complete' limit 1"))["uuid"]
        copy_submission(a, b, sid)
        edit(a, sid, {"lok.har_lok": "ja"})
        edit(b, sid, {"lok.har_lok": "vet_ej"})
        a.conn.close(), b.conn.close()
        fieldkit(runner, anna, "sync", "push")
        fieldkit(runner, bertil, "sync", "bundle", "--out", str(stick / "bertil-2.fkb"))
        out = fieldkit(runner, central, "sync", "ingest", str(stick / "bertil-2.fkb"))
        assert "0 new, 0 updated, 1 unchanged, 1 conflicts, 0 rejected" in out
        conflicts = fieldkit(runner, central, "sync", "conflicts")
        assert conflicts.startswith(sid)

        # Anna also writes a bundle of what she already pushed: nothing changes, and it says so.
        db = open_(anna)
        db.conn.execute("delete from sync_acks")
        db.conn.close()
        fieldkit(runner, anna, "sync", "bundle", "--out", str(stick / "anna-all.fkb"))
        out = fieldkit(runner, central, "sync", "ingest", str(stick / "anna-all.fkb"))
        assert "nothing changed (everything was already held)" in out

        # A revoked laptop is refused over HTTP and by file; nothing it sends is imported.
        sent_by_bertil = ids(bertil)
        fieldkit(runner, central, "devices", "revoke", "bertil")
        b = open_(bertil)
        demo_interviews(b, 3, seed=5)
        b.conn.close()
        fieldkit(runner, bertil, "sync", "bundle", "--out", str(stick / "bertil-3.fkb"))
        out = fieldkit(runner, central, "sync", "ingest", str(stick / "bertil-3.fkb"), code=1)
        assert "REFUSED (revoked_device)" in out and "nothing was imported" in out
        out = fieldkit(runner, bertil, "sync", "push", code=1)
        assert "(403)" in out and "was revoked" in out

    db = open_(central)
    assert len(lineage.list_conflicts(db)) == 1
    assert ids(central) == sorted(set(ids(anna)) | set(sent_by_bertil))
    assert len(ids(bertil)) > len(sent_by_bertil)
    assert store.integrity_ok(db)
    db.conn.close()
