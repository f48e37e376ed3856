"""Stores made by fieldkit 0.1 (one migration set named `fieldkit`) upgrade in place with nothing lost.

The fixtures in tests/fixtures/legacy-0.1 were written by that release; see the README there.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from fieldkit.app import create_app
from fieldkit.cli import main
from sync import schema, store

LEGACY = Path(__file__).parent / "fixtures" / "legacy-0.1"
TABLES = ("submissions", "revisions", "drafts", "users", "audit_log", "sync_devices", "sync_received",
          "questionnaires", "settings")


def _copy(name: str, folder: Path) -> Path:
    target = folder / f"{name}.db"
    shutil.copyfile(LEGACY / f"{name}.db", target)
    return target


def _columns(path: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    try:
        return {t: [row[1] for row in conn.execute(f"pragma table_info({t})")] for t in TABLES}
    finally:
        conn.close()


def _rows(path: Path, columns: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """Every row of each table, in the columns given (a table's columns in 0.1: later ones are added empty)."""
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"select {', '.join(columns[t])} from {t}").fetchall()) for t in TABLES}
    finally:
        conn.close()


def _init(path: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--db", str(path), "init", *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("name, args", [("central", ("--central",)), ("laptop", ())])
def test_a_store_from_fieldkit_0_1_upgrades_in_place_with_every_row_kept(tmp_path, name, args):
    path = _copy(name, tmp_path)
    columns = _columns(path)
    before = _rows(path, columns)
    with pytest.raises(store.StoreError, match="run `fieldkit init`"):
        store.check_schema(store.open_db(path))  # migrations added since 0.1 are pending

    output = _init(path, *args)

    # every table of 0.1 was there already: adopted, not rebuilt; only what came later is applied
    assert [line for line in output.splitlines() if "applied migration" in line] == [
        f"applied migration {schema.label(entry)}" for entry in schema.known() if entry not in schema.LEGACY.values()]
    db = store.open_db(path)
    store.check_schema(db)
    assert sorted(schema.applied(db)) == sorted(schema.known())  # the adopted ones first, then the newer ones
    after = _rows(path, columns)
    added = {t: [c for c in cols if c not in columns[t]] for t, cols in _columns(path).items()}
    assert added["submissions"] == ["district_code"]  # store/m003_district: no 0.1 submission has one
    assert db.execute("select count(*) from submissions where district_code is not null").fetchone()[0] == 0
    for table in TABLES:
        if table not in ("questionnaires", "audit_log"):
            assert after[table] == before[table], table
    assert set(before["questionnaires"]) <= set(after["questionnaires"])  # newer library versions may be added
    assert after["audit_log"][:len(before["audit_log"])] == before["audit_log"]
    assert _init(path, *args).count("applied migration") == 0  # and a second run is a no-op


def test_an_upgraded_laptop_keeps_its_draft_and_sends_to_an_upgraded_central(tmp_path):
    central, laptop = _copy("central", tmp_path), _copy("laptop", tmp_path)
    _init(central, "--central")
    _init(laptop)
    ldb = store.open_db(laptop)
    draft = store.get_submission(ldb, "a84fa7e2-26f2-46fe-b447-096270aba9e7")
    assert draft.status == "draft" and draft.draft["raw"] == {"q_note": "halvfärdigt svar"}

    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(laptop), "sync", "bundle", "--out", str(tmp_path / "b.fkb")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--db", str(central), "sync", "ingest", str(tmp_path / "b.fkb")])
    assert result.exit_code == 0, result.output
    # The 12 sent before the upgrade are recognised, the 3 made after are new.
    assert "3 new, 0 updated, 12 unchanged, 0 conflicts, 0 rejected" in result.output
    assert store.open_db(central)["submissions"].count == 15


def test_an_upgraded_central_lets_its_users_log_in_with_their_old_passwords(tmp_path):
    central = _copy("central", tmp_path)
    _init(central, "--central")
    app = create_app({"DB": str(central), "TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    response = client.post("/logga-in", data={"name": "ada", "password": "hemligt-lösen-123"})
    assert response.status_code == 302
    page = client.get("/admin/logg")
    assert page.status_code == 200
    assert "device_enrolled" in page.get_data(as_text=True)  # the old audit log reads as before


def test_a_store_with_an_unknown_migration_of_the_old_set_is_refused(tmp_path):
    path = _copy("central", tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                 "values ('fieldkit', 'm004_from_a_branch', '2026-12-01')")
    conn.commit()
    conn.close()
    result = CliRunner().invoke(main, ["--db", str(path), "init", "--central"])
    assert result.exit_code == 1
    assert "written by a newer fieldkit (unknown migrations: m004_from_a_branch)" in result.output
