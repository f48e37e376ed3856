"""The survey frame (who is expected to answer) and the unit of analysis, with figures worked out by hand."""

from __future__ import annotations

import pytest

from exports import ExportFilter, build_report
from forms.loader import from_dict
from forms.registry import in_county
from sync import store

VASTERBOTTEN = [m.code for m in in_county("24")]  # 15 municipalities


def _definition(unit: str, frame: dict | None = None, version: str = "1") -> dict:
    data = {
        "id": "enkat", "version": version, "title": {"sv": "Enkät"}, "unit": unit,
        "sections": [{"id": "a", "title": {"sv": "A"}, "questions": [
            {"id": "antal", "type": "integer", "label": {"sv": "Antal"}},
            {"id": "bra", "type": "yesno", "label": {"sv": "Bra?"}},
        ]}],
    }
    if frame is not None:
        data["frame"] = frame
    return data


def _store(db, unit: str, frame: dict | None = None):
    with store.transaction(db):
        store.add_questionnaire(db, from_dict(_definition(unit, frame)))


def _answer(db, municipality: str, antal: int, *, complete: bool = True) -> str:
    sid = store.create_submission(db, "enkat", municipality)
    if complete:
        store.complete_submission(db, sid, {"a.antal": antal, "a.bra": "ja"})
    else:
        store.save_draft(db, sid, {"a.antal": str(antal)}, "a")
    return sid


def test_a_frame_of_fifteen_with_thirteen_answers_gives_87_percent_and_lists_the_other_two(db):
    _store(db, "municipality", {"counties": ["24"]})
    for code in VASTERBOTTEN[:13]:
        _answer(db, code, 1)
    _answer(db, VASTERBOTTEN[13], 5, complete=False)  # only a draft
    _answer(db, "0180", 1)  # outside the frame: counted in tables, not in the rate
    report = build_report(db, ExportFilter("enkat"))
    county, total = report.response.groups[0], report.response.groups[-1]
    assert county.code == "24" and len(report.response.groups) == 2, "the frame is Västerbotten only"
    assert (report.response.in_scope[-1], report.response.answered[-1]) == (15, 13)
    assert round(100 * report.response.rates[-1]) == 87
    missing = {(m.code, m.has_draft) for m in report.missing}
    assert missing == {(VASTERBOTTEN[13], True), (VASTERBOTTEN[14], False)}
    assert next(m for m in report.missing if m.has_draft).last_contact is not None
    assert next(m for m in report.missing if not m.has_draft).last_contact is None
    assert total.name == "Totalt"


def test_a_frame_given_with_the_export_replaces_the_questionnaires(db):
    _store(db, "municipality")
    _answer(db, "2480", 1)
    report = build_report(db, ExportFilter("enkat", frame=("2480", "0180", "1280")))
    assert (report.response.in_scope[-1], report.response.answered[-1]) == (3, 1)
    assert {m.code for m in report.missing} == {"0180", "1280"}
    with pytest.raises(Exception, match="the frame names an unknown municipality code '9999'"):
        build_report(db, ExportFilter("enkat", frame=("9999",)))


def test_a_municipality_with_three_interviews_counts_once_by_its_latest(db):
    _store(db, "municipality")
    first = _answer(db, "2480", 1)
    second = _answer(db, "2480", 2)
    latest = _answer(db, "2480", 7)
    _answer(db, "0180", 3)
    report = build_report(db, ExportFilter("enkat"))
    assert report.n == 2
    assert latest in set(report.frame["uuid"])
    assert set(report.duplicates["uuid"]) == {first, second}
    antal = next(t for t in report.sections[0].tables if t.question.id == "a.antal")
    assert antal.stats["n"][-1] == 2 and antal.stats["sum"][-1] == 10, "7 for Umeå (its latest) and 3 for Stockholm"


def test_with_unit_record_every_submission_counts(db):
    _store(db, "record")
    for antal in (1, 2, 7):
        _answer(db, "2480", antal)
    report = build_report(db, ExportFilter("enkat"))
    assert report.n == 3 and report.duplicates is None
    assert (report.response.in_scope[-1], report.response.answered[-1]) == (290, 1)


def test_the_unit_and_frame_are_checked_and_keep_old_content_hashes():
    from forms.loader import load_text

    result = load_text("id: x\nversion: '1'\ntitle: {sv: X}\nunit: kommun\nframe: {counties: ['99']}\n"
                       "sections:\n  - id: a\n    title: {sv: A}\n    questions:\n"
                       "      - {id: n, type: integer, label: {sv: N}}\n", "x.yaml")
    assert [str(p) for p in result.problems] == [
        "x.yaml:4: unit must be one of record, municipality: record when every submission counts, "
        "municipality when each answers once (got 'kommun')",
        "x.yaml:5: frame counties: unknown code '99'",
    ]
    plain = from_dict(_definition("record"))
    assert "unit" not in plain.to_dict() and "frame" not in plain.to_dict()


def test_the_export_command_takes_a_frame_file_and_names_a_bad_line(db, store_path, tmp_path):
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from fieldkit.cli import main

    _store(db, "municipality")
    _answer(db, "2480", 1)
    frame = tmp_path / "natverk.csv"
    frame.write_text("kommunkod;namn\n2480;Umeå\n0180;Stockholm\n", encoding="utf-8")
    out = tmp_path / "enkat.xlsx"
    result = CliRunner().invoke(main, ["--db", str(store_path), "export", "xlsx", "--questionnaire", "enkat",
                                       "--frame", str(frame), "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["Ej besvarad"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Län", "Kommunkod", "Kommun", "Läge", "Senaste kontakt")
    assert rows[1:] == [("Stockholms län", "0180", "Stockholm", "Ingen inlämning", None)]
    frame.write_text("kommunkod\n2480\n12345\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(store_path), "export", "xlsx", "--questionnaire", "enkat",
                                       "--frame", str(frame), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 1
    assert f"Error: {frame}:3: '12345' is not a municipality code (4 digits, e.g. 2480)" in result.output


def test_the_report_page_lists_who_has_not_answered(db, client):
    _store(db, "municipality", {"counties": ["24"]})
    for code in VASTERBOTTEN[:13]:
        _answer(db, code, 1)
    _answer(db, VASTERBOTTEN[13], 5, complete=False)
    page = client.get("/rapporter/enkat").get_data(as_text=True)
    assert "2 kommuner i urvalsramen har inte svarat" in page
    names = {m.code: m.name for m in in_county("24")}
    assert f"{names[VASTERBOTTEN[13]]} ({VASTERBOTTEN[13]})" in page and "Bara utkast" in page
    assert f"{names[VASTERBOTTEN[14]]} ({VASTERBOTTEN[14]})" in page and "Ingen inlämning" in page


@pytest.mark.parametrize("lang, sheet_name, header, complete, draft", [
    ("sv", "Ej besvarad", ("Kommunkod", "Inlämning", "Status"), "Slutförd", "Utkast"),
    ("en", "Not answered", ("Municipality code", "Submission", "Status"), "Complete", "Draft")])
def test_the_not_answered_sheet_names_a_duplicates_status_in_the_reports_language(db, tmp_path, lang, sheet_name,
                                                                                 header, complete, draft):
    from openpyxl import load_workbook

    from exports import save_workbook

    _store(db, "municipality")
    earlier = _answer(db, "2480", 1)
    unfinished = _answer(db, "2480", 2, complete=False)
    _answer(db, "2480", 7)  # the one that counts
    report = build_report(db, ExportFilter("enkat", status="all"), lang=lang)
    rows = list(load_workbook(save_workbook(report, tmp_path / "enkat.xlsx"))[sheet_name].iter_rows(values_only=True))
    below = next(i for i, row in enumerate(rows) if row[:3] == header) + 1
    assert {row[1]: row[2] for row in rows[below:]} == {earlier: complete, unfinished: draft}
