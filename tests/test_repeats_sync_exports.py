"""Repeats travel from a laptop to central by bundle, and are exported: a sheet and a CSV file per repeat."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from exports import ExportFilter, build_report, save_workbook
from fieldkit.cli import main
from sync import store
from sync.bundle import write_bundle
from sync.ingest import ingest

from exports_helpers import add_answers, sheet_rows
from test_repeats import people_questionnaire

QID = "rep-test"


def person(name, roll=None, alder=None, vilken=None):
    entry = {"s.personer.namn": name}
    for key, value in (("roll", roll), ("alder", alder), ("vilken", vilken)):
        if value is not None:
            entry[f"s.personer.{key}"] = value
    return entry


def test_a_repeat_travels_from_laptop_to_central_by_bundle(tmp_path, make_central, make_laptop):
    central = make_central(tmp_path / "central.db")
    laptop = make_laptop(tmp_path / "laptop.db", central, "anna")
    questionnaire = people_questionnaire(id=QID)
    store.add_questionnaire(laptop, questionnaire)
    people = [person("Anna", "chef", 51), person("Bo", "annan", vilken="IT")]
    sid = add_answers(laptop, questionnaire, "2480", {"s.kommun": "Umeå", "s.personer": people})
    assert ingest(central, write_bundle(laptop, tmp_path / "one.fkb").path).counts["new"] == 1
    assert store.get_submission(central, sid).answers == {"s.kommun": "Umeå", "s.personer": people}
    # a second revision on the laptop: the instances reordered and one removed is a change like any other
    store.reopen_submission(laptop, sid)
    store.complete_submission(laptop, sid, {"s.kommun": "Umeå", "s.personer": [people[1]]})
    assert ingest(central, write_bundle(laptop, tmp_path / "two.fkb").path).counts["updated"] == 1
    arrived = store.get_submission(central, sid)
    assert arrived.answers["s.personer"] == [people[1]] and arrived.revision == 2
    central.conn.close()
    laptop.conn.close()


@pytest.fixture
def people_store(tmp_path, make_central):
    db = make_central(tmp_path / "central.db")
    questionnaire = people_questionnaire(id=QID)
    store.add_questionnaire(db, questionnaire)
    first = add_answers(db, questionnaire, "2480", {"s.kommun": "A", "s.personer": [
        person("Anna", "chef", 51), person("Bo", "annan", vilken="=1+1"), person("Cia", "chef")]},
        created="2025-01-01T10:00:00Z")
    second = add_answers(db, questionnaire, "2480", {"s.kommun": "B", "s.personer": [person("Dan", "annan")]},
                         created="2025-01-02T10:00:00Z")
    third = add_answers(db, questionnaire, "2480", {"s.kommun": "C", "s.personer": []},
                        created="2025-01-03T10:00:00Z")
    yield db, (first, second, third)
    db.conn.close()


def test_workbook_has_a_sheet_per_repeat_and_the_count_in_the_data(tmp_path, people_store):
    db, (first, second, third) = people_store
    report = build_report(db, ExportFilter(questionnaire=QID), "sv")
    path = save_workbook(report, tmp_path / "out.xlsx")
    wb = load_workbook(path, read_only=True)
    assert "Intervjuade" in wb.sheetnames
    rows = sheet_rows(wb["Intervjuade"])
    assert rows[0][0] == "Intervjuade"
    assert rows[1][0] == "4 förekomster i 2 inlämningar."  # the third has none
    header = rows.index(("Inlämning", "Förekomst", "Kommunkod", "Namn", "Roll", "Vilken roll", "Ålder"))
    assert [row + (None,) * (7 - len(row)) for row in rows[header + 1:]] == [
        (first, 1, "2480", "Anna", "chef", None, 51),
        (first, 2, "2480", "Bo", "annan", "'=1+1", None),
        (first, 3, "2480", "Cia", "chef", None, None),
        (second, 1, "2480", "Dan", "annan", None, None),
    ]
    # the roles counted over the 4 instances, not the 3 submissions: chef 2, annan 2
    table = rows.index(("Roll", "Förekomster"))
    assert rows[table + 1:table + 3] == [("chef", 2), ("annan", 2)]
    data = sheet_rows(wb["Data"])
    column = data[0].index("Intervjuade")
    assert [row[column] for row in data[1:]] == [3, 1, 0]
    # the number of instances is a number question in the findings: mean (3 + 1 + 0) / 3
    counts = next(t for r in report.sections for t in r.tables if t.key == "s.personer")
    assert counts.kind == "number"
    assert (counts.stats["n"][-1], counts.stats["sum"][-1]) == (3, 4)  # the last group is the total
    assert counts.stats["mean"][-1] == pytest.approx(4 / 3)


def test_csv_of_a_repeat_keys_each_instance_to_its_submission(tmp_path, people_store):
    db, (first, second, _third) = people_store
    out = tmp_path / "personer.csv"
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "central.db"), "export", "csv", "--questionnaire", QID,
                                       "--repeat", "s.personer", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote {out}: 4 instances of s.personer"
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        ["Inlämning", "Förekomst", "Kommunkod", "s.personer.namn", "s.personer.roll", "s.personer.vilken",
         "s.personer.alder"],
        [first, "1", "2480", "Anna", "chef", "", "51"],
        [first, "2", "2480", "Bo", "annan", "'=1+1", ""],
        [first, "3", "2480", "Cia", "chef", "", ""],
        [second, "1", "2480", "Dan", "annan", "", ""],
    ]
    wrong = CliRunner().invoke(main, ["--db", str(tmp_path / "central.db"), "export", "csv", "--questionnaire", QID,
                                      "--repeat", "s.folk", "--out", str(out)])
    assert wrong.exit_code == 1
    assert "rep-test has no repeat 's.folk' (its repeats: s.personer)" in wrong.output


def test_concurrent_edits_of_a_repeat_conflict_and_one_side_s_instances_are_chosen(tmp_path, make_central,
                                                                                   make_laptop):
    from sync import conflicts
    from sync_helpers import copy_submission

    central = make_central(tmp_path / "central.db")
    anna = make_laptop(tmp_path / "anna.db", central, "anna")
    bertil = make_laptop(tmp_path / "bertil.db", central, "bertil")
    questionnaire = people_questionnaire(id=QID)
    for db in (anna, bertil):
        store.add_questionnaire(db, questionnaire)
    sid = add_answers(anna, questionnaire, "2480", {"s.kommun": "Umeå", "s.personer": [person("Anna")]})
    ingest(central, write_bundle(anna, tmp_path / "a0.fkb").path)
    copy_submission(anna, bertil, sid)
    for db, people, name in ((anna, [person("Anna"), person("Bo")], "a1"), (bertil, [person("Cia")], "b1")):
        store.reopen_submission(db, sid)
        store.complete_submission(db, sid, {"s.kommun": "Umeå", "s.personer": people})
        result = ingest(central, write_bundle(db, tmp_path / f"{name}.fkb").path)
    assert result.counts["conflicts"] == 1
    (conflict,) = conflicts.open_for(central, sid)
    found = conflicts.sides(central, sid, conflict["id"])
    assert [(d.qid, d.head, d.other) for d in found.differences] == [
        ("s.personer", [person("Anna"), person("Bo")], [person("Cia")])]
    conflicts.resolve(central, sid, conflict["id"], {"s.personer": "other"}, actor="eva")
    assert store.get_submission(central, sid).answers == {"s.kommun": "Umeå", "s.personer": [person("Cia")]}
    for db in (central, anna, bertil):
        db.conn.close()


def test_a_derived_entry_of_a_repeat_is_computed_for_each_instance_in_the_export(tmp_path, make_central):
    from forms_helpers import make_questionnaire
    from exports.repeats import iter_instances_csv
    from test_repeats import PEOPLE

    db = make_central(tmp_path / "central.db")
    repeat = dict(PEOPLE, questions=PEOPLE["questions"] + [
        {"id": "fodd", "type": "derived", "label": "Född", "expression": "2025 - s.personer.alder"},
        {"id": "ung", "type": "derived", "label": "Ung", "check": "s.personer.alder >= 30", "message": "Ung"}])
    questionnaire = make_questionnaire(repeat, id="rep-derived")
    store.add_questionnaire(db, questionnaire)
    sid = add_answers(db, questionnaire, "2480", {"s.personer": [person("Anna", alder=51), person("Bo", alder=25),
                                                                  person("Cia")]})
    report = build_report(db, ExportFilter(questionnaire="rep-derived"), "sv")
    (instances,) = report.instances
    text = "".join(iter_instances_csv(instances, report.gettext, "sv"))
    assert text.lstrip("\ufeff").splitlines() == [
        "Inlämning,Förekomst,Kommunkod,s.personer.namn,s.personer.roll,s.personer.vilken,s.personer.alder,"
        "s.personer.fodd,s.personer.ung",
        f"{sid},1,2480,Anna,,,51,1974,ja",
        f"{sid},2,2480,Bo,,,25,2000,nej",
        f"{sid},3,2480,Cia,,,,,",
    ]
    db.conn.close()


def test_importing_the_data_sheet_back_keeps_the_stored_instances(tmp_path, people_store):
    from exports.importing import import_submissions

    db, (first, second, third) = people_store
    before = {sid: store.get_submission(db, sid).answers for sid in (first, second, third)}
    report = build_report(db, ExportFilter(questionnaire=QID), "sv")
    path = save_workbook(report, tmp_path / "out.xlsx")
    result = import_submissions(db, path, update=True, actor="test")
    assert "Intervjuade" in result.ignored
    assert (len(result.unchanged), result.updated, result.added) == (3, [], [])
    assert {sid: store.get_submission(db, sid).answers for sid in before} == before


def test_personal_questions_inside_a_repeat_are_hidden_and_erased(tmp_path, make_central):
    from forms_helpers import make_questionnaire
    from sync import accounts, safekeeping

    db = make_central(tmp_path / "central.db")
    repeat = {"id": "personer", "type": "repeat", "label": "Personer", "questions": [
        {"id": "namn", "type": "text", "label": "Namn", "personal": True},
        {"id": "roll", "type": "text", "label": "Roll"}]}
    questionnaire = make_questionnaire(repeat, id="rep-personal")
    store.add_questionnaire(db, questionnaire)
    people = [{"s.personer.namn": "Anna", "s.personer.roll": "chef"}, {"s.personer.namn": "Bo"}]
    sid = add_answers(db, questionnaire, "2480", {"s.personer": people})
    assert accounts.personal_ids(questionnaire) == {"s.personer.namn"}
    assert accounts.without_personal(questionnaire, store.get_submission(db, sid).answers) == {
        "s.personer": [{"s.personer.roll": "chef"}, {}]}
    safekeeping.erase_personal(db, submission=sid, actor="eva")
    assert store.get_submission(db, sid).answers == {"s.personer": [{"s.personer.roll": "chef"}, {}]}
    revisions = [json.loads(r["answers"]) for r in db.query("select answers from revisions where submission_uuid = ?",
                                                            [sid])]
    assert "Anna" not in json.dumps(revisions)
    db.conn.close()
