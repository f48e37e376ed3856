"""`fieldkit users ...`, `passphrase` and `init --passphrase` on the command line."""

from __future__ import annotations

from sync import accounts, audit, store
from fieldkit.cli import main


def run(runner, path, *args, input=None):
    return runner.invoke(main, ["--db", str(path), *args], input=input, catch_exceptions=False)


def test_users_add_reads_the_password_from_stdin(runner, central_path, cdb):
    result = run(runner, central_path, "users", "add", "kim", "--role", "evaluator", "--password-stdin",
                 input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert result.output == "added evaluator kim\n"
    assert accounts.verify(cdb, "kim", "a long enough password").role == "evaluator"
    entry = audit.entries(cdb, action="user_added")[0]
    assert entry["target"] == "kim" and entry["actor"].startswith("cli")


def test_users_add_asks_twice_without_echo(runner, central_path, cdb):
    result = run(runner, central_path, "users", "add", "kim", "--role", "interviewer",
                 input="first long password\nsecond long password\nthe same password\nthe same password\n")
    assert result.exit_code == 0
    assert "Error: The two entered values do not match." in result.output
    assert "the same password" not in result.output
    assert accounts.verify(cdb, "kim", "the same password") is not None


def test_a_county_user_needs_a_known_county(runner, central_path):
    result = run(runner, central_path, "users", "add", "lst", "--role", "county", "--password-stdin",
                 input="a long enough password\n")
    assert result.exit_code == 1
    assert "Error: a county user needs a county code (--lan); valid choices: 01 (Stockholms län)" in result.output
    result = run(runner, central_path, "users", "add", "lst", "--role", "county", "--lan", "24", "--password-stdin",
                 input="a long enough password\n")
    assert result.output == "added county lst for county 24\n"


def test_users_add_refuses_short_passwords_and_taken_names(runner, central_path):
    short = run(runner, central_path, "users", "add", "kim", "--role", "admin", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "Error: the password must have at least 10 characters" in short.output
    taken = run(runner, central_path, "users", "add", "EVA", "--role", "admin", "--password-stdin",
                input="a long enough password\n")
    assert taken.exit_code == 1 and "Error: a user named 'EVA' already exists" in taken.output


def test_users_list_and_disable(runner, central_path, cdb):
    assert run(runner, central_path, "users", "disable", "eva").output == "disabled eva\n"
    lines = run(runner, central_path, "users", "list").output.splitlines()
    by_name = {line.split("\t")[0]: line.split("\t") for line in lines}
    assert by_name["lena"][1:3] == ["county", "24"] and by_name["lena"][4] == "active"
    assert by_name["eva"][4].startswith("disabled ")
    assert accounts.verify(cdb, "eva", "correct horse battery") is None
    missing = run(runner, central_path, "users", "disable", "nobody")
    assert missing.exit_code == 1 and "Error: no user named 'nobody'; see `fieldkit users list`" in missing.output
    assert run(runner, central_path, "users", "enable", "eva").output == "enabled eva\n"


def test_audit_command_filters_by_action(runner, central_path, cdb):
    audit.record(cdb, "eva", "export", {"questionnaire": "kub-webbenkat", "counties": ["24"]})
    result = run(runner, central_path, "audit", "--action", "export")
    fields = result.output.strip().split("\t")
    assert fields[1:5] == ["eva", "export", "-", "counties=24 questionnaire=kub-webbenkat"]
    assert len(run(runner, central_path, "audit", "--limit", "2").output.splitlines()) == 2


def test_init_with_passphrase_protects_a_field_laptop(runner, tmp_path):
    path = tmp_path / "laptop.db"
    result = run(runner, path, "init", "--interviewer", "Anna", "--passphrase",
                 input="en lång lösenfras\nen lång lösenfras\n")
    assert result.exit_code == 0, result.output
    db = store.open_db(path)
    assert accounts.verify_passphrase(store.get_settings(db), "en lång lösenfras")
    db.conn.close()
    assert run(runner, path, "passphrase", "remove").output == "passphrase removed\n"


def test_the_central_has_no_passphrase(runner, central_path):
    result = run(runner, central_path, "passphrase", "set", "--stdin", input="en lång lösenfras\n")
    assert result.exit_code == 1 and "Error: this is the central store" in result.output


def test_an_unknown_password_hash_setting_is_named_not_a_traceback(runner, central_path, monkeypatch):
    monkeypatch.setenv("FIELDKIT_PASSWORD_HASH", "fast")
    result = run(runner, central_path, "users", "add", "nybörjare", "--role", "evaluator", "--password-stdin",
                 input="a long enough password\n")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "FIELDKIT_PASSWORD_HASH='fast' is not a password hash method" in result.output
