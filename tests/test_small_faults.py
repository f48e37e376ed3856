"""Mistakes on the command line and oversize pushes get a clear message, never a traceback."""

from __future__ import annotations

from click.testing import CliRunner

from fieldkit import config
from fieldkit.app import create_app
from fieldkit.cli import main

from sync_helpers import interview


def _run(db_path, *args):
    return CliRunner().invoke(main, ["--db", str(db_path), *args])


def test_a_bundle_into_a_missing_folder_names_the_folder(tmp_path, make_central, make_laptop):
    central = make_central(tmp_path / "central.db")
    laptop = make_laptop(tmp_path / "laptop.db", central, "anna")
    interview(laptop)
    result = _run(tmp_path / "laptop.db", "sync", "bundle", "--out", str(tmp_path / "usb" / "anna.fkb"))
    assert result.exit_code == 1
    assert (f"Error: the folder {tmp_path / 'usb'} does not exist (is the USB drive connected?); "
            "no bundle was written") in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_push_refuses_a_chunk_size_of_zero_or_less(tmp_path):
    for value in ("0", "-5"):
        result = _run(tmp_path / "laptop.db", "sync", "push", "--chunk-kb", value)
        assert result.exit_code == 2
        assert "Invalid value for '--chunk-kb'" in result.output and "1<=x<=1024" in result.output


def test_a_county_user_with_an_unknown_county_code_is_told_it_is_unknown(tmp_path, make_central):
    make_central(tmp_path / "central.db").conn.close()
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "central.db"), "users", "add", "lst-x", "--role",
                                       "county", "--lan", "99", "--password-stdin"], input="ett långt lösenord\n")
    assert result.exit_code == 1
    assert "Error: unknown county code '99'; valid choices: 01 (Stockholms län)" in result.output


def test_an_oversize_push_gets_an_answer_for_a_laptop_not_for_a_form(tmp_path, make_central):
    make_central(tmp_path / "central.db").conn.close()
    config.ensure_secret_key(tmp_path)
    app = create_app({"DB": str(tmp_path / "central.db"), "TESTING": True, "MAX_CONTENT_LENGTH": 1024})
    response = app.test_client().post("/api/v1/sync/push", data=b"x" * 4096)
    assert response.status_code == 413
    assert response.json["reason"] == "too_large"
    assert "push with a smaller --chunk-kb" in response.json["error"]
    assert "korta texten" not in response.get_data(as_text=True)
