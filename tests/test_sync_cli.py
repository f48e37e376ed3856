"""The devices and sync commands: enrolment codes, refusals with clear messages, help and docs kept honest."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync import store
from fieldkit.cli import main

from sync_helpers import interview

DOCS = Path(__file__).resolve().parents[1] / "docs" / "sync.md"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def central_path(tmp_path, make_central):
    path = tmp_path / "central.db"
    make_central(path).conn.close()
    return path


def fieldkit(runner, db_path, *args, code=0):
    result = runner.invoke(main, ["--db", str(db_path), *args])
    assert result.exit_code == code, result.output
    return result.output


def test_devices_add_prints_the_enrolment_code_alone_on_its_last_line(runner, central_path):
    out = fieldkit(runner, central_path, "devices", "add", "lund-anna")
    last = out.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(r"fk1-[0-9a-f-]{36}-[0-9a-f]{64}", last)
    listing = fieldkit(runner, central_path, "devices", "list")
    name, device_id, fingerprint, _created, seen, state = listing.strip().split("\t")
    assert (name, seen, state) == ("lund-anna", "never seen", "active")
    assert device_id in last and fingerprint not in last and last.split("-")[-1] not in listing


def test_a_device_name_is_enrolled_once(runner, central_path):
    fieldkit(runner, central_path, "devices", "add", "anna")
    out = fieldkit(runner, central_path, "devices", "add", "anna", code=1)
    assert "a device named 'anna' is already enrolled" in out


def test_revoke_marks_the_device(runner, central_path):
    fieldkit(runner, central_path, "devices", "add", "anna")
    assert "revoked anna (" in fieldkit(runner, central_path, "devices", "revoke", "anna")
    assert fieldkit(runner, central_path, "devices", "list").strip().split("\t")[-1].startswith("revoked 20")
    assert "no device named 'bertil'" in fieldkit(runner, central_path, "devices", "revoke", "bertil", code=1)


def test_devices_are_enrolled_on_the_central_only(runner, tmp_path):
    laptop = tmp_path / "laptop.db"
    fieldkit(runner, laptop, "init")
    out = fieldkit(runner, laptop, "devices", "add", "anna", code=1)
    assert "this is a field store; devices are enrolled on the central store" in out


def test_setup_refuses_a_malformed_code(runner, tmp_path):
    laptop = tmp_path / "laptop.db"
    fieldkit(runner, laptop, "init")
    out = fieldkit(runner, laptop, "sync", "setup", "http://central", "fk1-nonsense", code=1)
    assert "Error: not a fieldkit enrolment code: expected fk1-<device id>-<64 hex digits>" in out


def test_bundle_before_setup_says_what_to_run(runner, tmp_path):
    laptop = tmp_path / "laptop.db"
    fieldkit(runner, laptop, "init")
    out = fieldkit(runner, laptop, "sync", "bundle", "--out", str(tmp_path / "x.fkb"), code=1)
    assert "Error: this laptop is not set up for sync: run `fieldkit sync setup URL CODE`" in out


def test_ingest_prints_each_bundle_and_refuses_bad_ones_with_exit_status_1(runner, tmp_path, central_path, make_laptop):
    central = store.open_db(central_path)
    laptop = make_laptop(tmp_path / "laptop.db", central, "anna")
    interview(laptop)
    fieldkit(runner, tmp_path / "laptop.db", "sync", "bundle", "--out", str(tmp_path / "a.fkb"))
    (tmp_path / "junk.fkb").write_bytes(b"PK\x03\x04 not really")
    out = fieldkit(runner, central_path, "sync", "ingest", str(tmp_path / "a.fkb"), str(tmp_path / "junk.fkb"),
                   code=1)
    assert f"{tmp_path / 'a.fkb'}: 1 new, 0 updated, 0 unchanged, 0 conflicts, 0 rejected" in out
    assert f"{tmp_path / 'junk.fkb'}: REFUSED (truncated): junk.fkb: the file is truncated" in out
    central.conn.close()


def test_an_ack_file_for_another_device_or_changed_is_refused(runner, tmp_path, central_path, make_laptop):
    central = store.open_db(central_path)
    anna = make_laptop(tmp_path / "anna.db", central, "anna")
    make_laptop(tmp_path / "bertil.db", central, "bertil").conn.close()
    interview(anna)
    fieldkit(runner, central_path, "sync", "ack", "--device", "bertil", "--out", str(tmp_path / "b.ack"))
    out = fieldkit(runner, tmp_path / "anna.db", "sync", "ingest-ack", str(tmp_path / "b.ack"), code=1)
    assert "b.ack: this ack file is for device" in out
    fieldkit(runner, central_path, "sync", "ack", "--device", "anna", "--out", str(tmp_path / "a.ack"))
    forged = json.loads((tmp_path / "a.ack").read_text())
    forged["revision_ids"] = [row[0] for row in anna.execute("select id from revisions")]
    (tmp_path / "a.ack").write_text(json.dumps(forged))
    out = fieldkit(runner, tmp_path / "anna.db", "sync", "ingest-ack", str(tmp_path / "a.ack"), code=1)
    assert "a.ack: the signature does not match" in out
    assert anna.execute("select count(*) from sync_acks").fetchone()[0] == 0
    central.conn.close()


def _commands(group, prefix):
    for name, command in sorted(group.commands.items()):
        yield f"{prefix} {name}", command
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix} {name}")


@pytest.mark.parametrize("group", ["devices", "sync"])
def test_every_command_has_help_ending_in_an_example_and_is_in_the_docs(group):
    docs = DOCS.read_text(encoding="utf-8")
    for path, command in _commands(main.commands[group], f"fieldkit {group}"):
        assert command.help and "Example: fieldkit" in command.help.strip().splitlines()[-1], path
        assert f"`{path}" in docs, f"{path} is not in docs/sync.md"


def test_the_sync_library_never_imports_flask():
    code = ("import sys, importlib, pkgutil, sync\n"
            "for m in pkgutil.iter_modules(sync.__path__): importlib.import_module('sync.' + m.name)\n"
            "print(sorted(n for n in sys.modules if n.split('.')[0] in ('flask', 'flask_wtf')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_hostile_ack_file_is_refused_with_its_name(runner, tmp_path, central_path, make_laptop):
    central = store.open_db(central_path)
    anna = make_laptop(tmp_path / "anna.db", central, "anna")
    deep = tmp_path / "deep.ack"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    out = fieldkit(runner, tmp_path / "anna.db", "sync", "ingest-ack", str(deep), code=1)
    assert "deep.ack: not an ack file: its JSON is nested too deeply" in out
    garbage = tmp_path / "garbage.ack"
    garbage.write_bytes(b"\x00\xff not json")
    out = fieldkit(runner, tmp_path / "anna.db", "sync", "ingest-ack", str(garbage), code=1)
    assert "garbage.ack: not a readable ack file" in out
    assert anna.execute("select count(*) from sync_acks").fetchone()[0] == 0
    central.conn.close()
