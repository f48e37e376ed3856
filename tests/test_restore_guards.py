"""Restore refuses a store of the other mode or of another installation; stores and backups are private files."""

from __future__ import annotations

import stat

from central_helpers import make_submission
from click.testing import CliRunner

from fieldkit.cli import main
from sync import safekeeping, store


def _restore(db_path, backup, *extra):
    return CliRunner().invoke(main, ["--db", str(db_path), "restore", str(backup), *extra], catch_exceptions=False)


def _laptop_backup(tmp_path, make_field_store):
    laptop = tmp_path / "laptop" / "fieldkit.db"
    make_field_store(laptop, "Anna").conn.close()
    backup = tmp_path / "laptop.db"
    safekeeping.backup(laptop, backup)
    return backup


def test_a_laptops_store_cannot_replace_the_central(central_path, cdb, tmp_path, make_field_store):
    backup = _laptop_backup(tmp_path, make_field_store)
    result = _restore(central_path, backup, "--other-store")
    assert result.exit_code == 1
    assert (f"Error: {backup} is a field store and {central_path} is a central store: restoring it would turn "
            "this central store into a field one; nothing was restored") in result.output
    assert store.get_settings(cdb)["mode"] == "central"
    assert not list(central_path.parent.glob("*.replaced-*"))


def test_a_backup_of_another_store_needs_to_be_asked_for(central_path, cdb, tmp_path, make_central):
    other = tmp_path / "other" / "central.db"
    make_central(other).conn.close()
    backup = tmp_path / "other-backup.db"
    safekeeping.backup(other, backup)
    refused = _restore(central_path, backup)
    assert refused.exit_code == 1
    assert "is a backup of another store" in refused.output and "restore with --other-store" in refused.output
    accepted = _restore(central_path, backup, "--other-store")
    assert accepted.exit_code == 0, accepted.output


def test_a_backup_restores_into_a_folder_that_does_not_exist_yet(central_path, cdb, tmp_path):
    sid = make_submission(cdb)
    backup = tmp_path / "b.db"
    safekeeping.backup(central_path, backup)
    target = tmp_path / "new" / "place" / "central.db"
    result = _restore(target, backup)
    assert result.exit_code == 0, result.output
    assert store.get_submission(store.open_db(target), sid).status == "complete"


def test_restore_from_something_that_is_not_a_file_says_so(central_path, cdb, tmp_path):
    result = _restore(central_path, "/dev/null")
    assert result.exit_code == 1
    assert "Error: /dev/null is not a regular file (a backup is one .db file); nothing was restored" in result.output


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_store_its_wal_and_its_backups_are_readable_by_the_owner_only(tmp_path):
    path = tmp_path / "fieldkit.db"
    db = store.open_db(path)
    store.init_store(db, interviewer="Anna")
    assert _mode(path) == 0o600
    assert _mode(path.with_name("fieldkit.db-wal")) == 0o600
    backup = tmp_path / "backups" / "b.db"
    safekeeping.backup(path, backup)
    assert _mode(backup) == 0o600
    db.conn.close()


def test_an_existing_store_readable_by_others_is_made_private_when_opened(tmp_path):
    path = tmp_path / "fieldkit.db"
    store.open_db(path).conn.close()
    path.chmod(0o644)
    store.open_db(path).conn.close()
    assert _mode(path) == 0o600
