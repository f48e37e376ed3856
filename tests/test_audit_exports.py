"""Exports leave personal answers out unless an admin or evaluator asks; every export is audited with its filter."""

from __future__ import annotations

from sync import audit
from fieldkit.cli import main

from central_helpers import IN_COUNTY, OTHER_COUNTY, answers_for, logged_in, make_submission

QID = "smak-kontaktlogg"


def _contact(db, municipality, name, seed=3):
    answers = answers_for(db, QID, municipality, seed)
    answers["kontakt.kontaktperson_namn"] = name
    return make_submission(db, municipality=municipality, questionnaire_id=QID, answers=answers)


def test_cli_exports_leave_personal_answers_out_unless_asked_and_audit_it(runner, central_path, cdb, tmp_path):
    _contact(cdb, IN_COUNTY, "Kerstin Hemligsson")
    plain, personal = tmp_path / "plain.csv", tmp_path / "personal.csv"
    base = ["--db", str(central_path), "export", "csv", "--questionnaire", QID, "--lan", "24"]
    assert runner.invoke(main, base + ["--out", str(plain)], catch_exceptions=False).exit_code == 0
    result = runner.invoke(main, base + ["--out", str(personal), "--include-personal"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Kerstin Hemligsson" not in plain.read_text(encoding="utf-8-sig")
    assert "Kerstin Hemligsson" in personal.read_text(encoding="utf-8-sig")
    with_personal, without = audit.entries(cdb, action="export")
    assert without["details"]["include_personal"] is False and with_personal["details"]["include_personal"] is True
    assert with_personal["details"]["counties"] == ["24"] and with_personal["details"]["format"] == "csv"
    assert with_personal["details"]["submissions"] == 1 and with_personal["actor"].startswith("cli")


def test_web_downloads_include_personal_answers_only_when_an_evaluator_asks(central_app, cdb):
    _contact(cdb, IN_COUNTY, "Kerstin Hemligsson")
    evaluator = logged_in(central_app, "evaluator")
    plain = evaluator.get(f"/rapporter/{QID}/csv").get_data(as_text=True)
    asked = evaluator.get(f"/rapporter/{QID}/csv?personal=1").get_data(as_text=True)
    assert "Kerstin Hemligsson" not in plain and "Kerstin Hemligsson" in asked
    flags = [e["details"]["include_personal"] for e in audit.entries(cdb, action="export")]
    assert flags == [True, False]
    assert audit.entries(cdb, action="export")[0]["actor"] == "eva"


def test_a_county_user_gets_neither_personal_answers_nor_other_counties(central_app, cdb):
    _contact(cdb, IN_COUNTY, "Kerstin Hemligsson")
    _contact(cdb, OTHER_COUNTY, "Sven Stockholmsson", seed=4)
    county = logged_in(central_app, "county")
    for query in ("", "?personal=1", "?lan=01", "?lan=01&personal=1", "?kommun=0180"):
        response = county.get(f"/rapporter/{QID}/csv{query}")
        body = response.get_data(as_text=True)
        assert "Kerstin Hemligsson" not in body and "Sven Stockholmsson" not in body, query
        assert "Stockholm" not in body, query
    entry = audit.entries(cdb, action="export")[0]
    assert entry["actor"] == "lena" and entry["details"]["counties"] == ["24"]
    assert entry["details"]["include_personal"] is False


def test_interviewers_cannot_export(central_app, cdb):
    _contact(cdb, IN_COUNTY, "Kerstin Hemligsson")
    assert logged_in(central_app, "interviewer").get(f"/rapporter/{QID}/csv").status_code == 403
    assert not audit.entries(cdb, action="export")
