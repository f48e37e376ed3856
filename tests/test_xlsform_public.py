"""The public XLSForms of the corpus that exercise what field forms use (issue 16): pyxform's `widgets.csv` and the
two forms built from the ODK documentation's examples (tests/xlsforms/README.md gives sources and licences).

Each imports with --skip-unsupported with exactly the warnings below (the rows left out are asserted in
tests/test_xlsform.py), is interviewed through the pages with answers picked by hand, is exported as a workbook and
as CSV (and its repeats as CSV) with the figures worked out below, and goes back through `forms export` and pyxform
keeping its form id, question names and paths, constraints and constraint messages, except for the losses
listed in ROUND_TRIP_LOSSES.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from exports import ExportFilter, build_report, save_workbook
from exports.csv_export import write_csv
from exports.repeats import write_instances_csv
from fieldkit.cli import main
from forms.xlsform import import_xlsform
from sync import store

from exports_helpers import column_ids, data_records, sheet_rows
from field_helpers import section_post, start_interview, swedish_today

CORPUS = Path(__file__).resolve().parent / "xlsforms"
XF = "{http://www.w3.org/2002/xforms}"
JR = "{http://openrosa.org/javarosa}"
TODAY = swedish_today()
UNTAGGED = ("the labels name no language, so they are read as Swedish (sv): set default_language on the settings "
            "sheet or name it in the column, e.g. label::English (en)")

#: The warnings of each import besides the rows left out (tests/test_xlsform.py lists those).
WARNINGS = {
    "XLSForm__pyxform/widgets.csv": [
        UNTAGGED,
        "settings row 2: no version is given; the questionnaire gets version '1'",
        "survey sheet: today() is the day the interview was started: fieldkit records it in widgets.today, an entry "
        "it adds",
        "survey row 4: constraint '. > 10.51 and . < 18.39' is more than a limit: it is checked as the rule "
        "widgets.my_decimal_constraint, shown beside the question",
        "survey row 5: constraint '. >= today()' is more than a limit: it is checked as the rule "
        "widgets.my_date_constraint, shown beside the question",
        "survey row 7: constraint \"not(selected(., 'c') and selected(., 'd'))\" is more than a limit: it is checked "
        "as the rule widgets.my_select_constraint, shown beside the question",
    ],
    "getodk__docs/form-logic.xlsx": [
        UNTAGGED,
        "settings sheet: no version is given; the questionnaire gets version '1'",
        "survey row 7: the label refers to an answer fieldkit cannot show (${tip_18} is a calculation, a matrix row "
        "or a note, whose value fieldkit does not show in a text); it shows [tip_18] instead",
        "survey row 7: the label refers to an answer fieldkit cannot show (${tip_18_total} is a calculation, a matrix "
        "row or a note, whose value fieldkit does not show in a text); it shows [tip_18_total] instead",
        "survey row 10: default 'now()' is not a valid answer (Enter a date as YYYY-MM-DD.): the question starts "
        "empty",
        "survey row 12: default '${username}' refers to another answer, which fieldkit does not do for a default: "
        "the question starts empty",
        "survey row 13: constraint \"regex(., '\\\\p{L}')\" cannot be translated: the pattern '\\\\p{L}' is not a "
        "valid regular expression: bad escape \\p at position 0; the question is imported without it",
        "survey row 18: read_only: the question is shown as a note, without an answer (give it a calculation to "
        "show a computed value)",
        "survey row 35: repeat_count '${number_of_children}' is not a whole number; the repeat takes any number of "
        "instances",
        "survey row 49: the label refers to an answer fieldkit cannot show (refers to ${total_pets} (row 48), which "
        "was left out: calculation 'sum(${people}[age < 18]/pet_count)' cannot be translated: the operator '[' is "
        "not supported); it shows [total_pets] instead",
    ],
    "getodk__docs/question-types.xlsx": [
        UNTAGGED,
        "settings sheet: no version is given; the questionnaire gets version '1'",
        "survey row 32: the label refers to an answer fieldkit cannot show (refers to ${rounded_shape_area} (row "
        "31), which was left out: calculation 'round(${shape_area}, 2)' cannot be translated: refers to "
        "${shape_area} (row 30), which was left out: calculation 'area(${shape})' cannot be translated: the "
        "function area() is not supported here); it shows [rounded_shape_area] instead",
        "survey row 73: type 'phonenumber' is the phone number of the SIM card, which a laptop or browser does not "
        "have: it is imported as a metadata entry that stays empty",
    ],
}


def texts(problems, path: Path) -> list[str]:
    return [str(p).removeprefix(f"{path}: ") for p in problems]


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_public_form_imports_with_exactly_these_warnings(name):
    path = CORPUS / name
    result = import_xlsform(path, skip_unsupported=True)
    left_out = texts(result.left_out, path)
    assert [w for w in texts(result.warnings, path) if w not in left_out] == WARNINGS[name]


# ---------------------------------------------------------------- interviewed through the pages, then exported

def imported(db, name: str):
    """The corpus form imported (unsupported rows left out) and added to the store, as `forms import` does."""
    questionnaire = import_xlsform(CORPUS / name, skip_unsupported=True).questionnaire
    with store.transaction(db):
        store.add_questionnaire(db, questionnaire, origin=Path(name).name)
    return questionnaire


def page_data(questionnaire, section, answers: dict):
    """The section's form data, with the number of instances of each repeat the answers fill (`<repeat>#n`)."""
    data = section_post(questionnaire, section, answers)
    for question in section.questions:
        if question.repeat and answers.get(question.id):
            data.add(f"{question.id}#n", str(len(answers[question.id])))
    return data


def interview(client, questionnaire, answers: dict) -> str:
    """Answer every section the pages ask (a section with nothing to answer is passed over), complete the
    interview; the submission's id."""
    sid, location = start_interview(client, questionnaire.id, "0180")
    asked = []
    while "/del/" in location:
        section = next(s for s in questionnaire.sections if s.id == location.rsplit("/", 1)[1])
        asked.append(section.id)
        assert client.get(location).status_code == 200
        response = client.post(location, data=page_data(questionnaire, section, answers))
        assert response.status_code == 302, response.data.decode()[:2000]
        location = response.headers["Location"]
    assert len(asked) == len(set(asked))
    assert location.endswith("/granska")
    assert client.post(f"/s/{sid}/slutfor").headers["Location"].endswith("/sammanstallning")
    return sid


def exported(db, tmp_path, questionnaire) -> tuple[dict, dict, list]:
    """The one submission as the workbook's Data sheet shows it (by column id), its CSV row (by header) and the
    report."""
    report = build_report(db, ExportFilter(questionnaire.id, status="complete"))
    workbook = load_workbook(save_workbook(report, tmp_path / "out.xlsx"), read_only=True)
    [record] = data_records(workbook["Data"], column_ids(workbook))
    with open(write_csv(report, tmp_path / "out.csv"), encoding="utf-8-sig", newline="") as fh:
        [header, row] = list(csv.reader(fh))
    sheets = {ws.title: sheet_rows(ws) for ws in workbook.worksheets}
    workbook.close()
    return record, dict(zip(header, row)), (report, sheets)


def test_widgets_form_is_interviewed_with_its_constraint_messages_and_exported(client, db, tmp_path):
    questionnaire = imported(db, "XLSForm__pyxform/widgets.csv")
    section = questionnaire.sections[0]
    answers = {"widgets.my_string": "kort", "widgets.my_int": 7, "widgets.my_decimal": 12.5,
               "widgets.my_date": TODAY, "widgets.my_time": "06:30", "widgets.my_select": ["a", "c"],
               "widgets.my_select1": "8", "widgets.my_trigger": "OK",
               "widgets.my_geopoint": {"lat": 63.8258, "lon": 20.263}, "widgets.datetime": "2024-05-02T14:00",
               "widgets.spinner": "b"}
    # the form's own messages, on the page, for a breach of each constraint
    _, location = start_interview(client, questionnaire.id, "0180")
    wrong = {**answers, "widgets.my_int": 10, "widgets.my_decimal": 18.5, "widgets.my_select": ["c", "d"]}
    page = client.post(location, data=section_post(questionnaire, section, wrong)).data.decode()
    for message in ("number must be less than 10", "number must be between 10.51 and 18.39",
                    "option c and d cannot be selected together"):
        assert message in page
    # answered as the form wants
    sid = interview(client, questionnaire, answers)
    stored = store.get_submission(db, sid).answers
    assert stored["widgets.today"] == TODAY and stored["widgets.my_select1"] == "8"
    record, row, _ = exported(db, tmp_path, questionnaire)
    assert (record["widgets.my_int"], record["widgets.my_decimal"]) == (7, 12.5)
    assert record["widgets.my_date"].date().isoformat() == TODAY
    assert (record["widgets.my_time"], record["widgets.my_trigger"]) == ("06:30", "OK")
    assert (row["widgets.my_int"], row["widgets.my_decimal"], row["widgets.my_time"]) == ("7", "12.5", "06:30")


def test_form_logic_form_computes_its_calculations_and_exports_its_repeats(client, db, tmp_path):
    questionnaire = imported(db, "getodk__docs/form-logic.xlsx")
    child = "form_logic_3.child_questions"
    people = "form_logic_3.people"
    answers = {
        "form_logic.your_name": "Ada", "form_logic.bill_amount": 50, "form_logic.name": "Ada",
        "form_logic.contact_method": "email", "form_logic.middle_initial": "B",
        "form_logic.salary_income": 1000, "form_logic.self_income": 250.5, "form_logic.other_income": 0,
        "form_logic.watch_sports": "yes", "form_logic.favorite_team": "IFK",
        "form_logic.what_issues": ["hypertension"], "blood_pressure.systolic_bp": 120,
        "blood_pressure.diastolic_bp": 80,
        "form_logic_3.number_of_children": 2,
        child: [{f"{child}.child_name": "Bo", f"{child}.child_age": 4},
                {f"{child}.child_name": "Cia", f"{child}.child_age": 9}],
        "form_logic_3.trees_present": "no",
        people: [{f"{people}.age": 12, f"{people}.pet_count": 2}, {f"{people}.age": 40, f"{people}.pet_count": 1}],
        "form_logic_3.job_category": "hr", "form_logic_3.job_title": "training",
        "form_logic_3.person": [{"form_logic_3.person.person_name": "Dan", "form_logic_3.person.person_age": 30}],
    }
    # the blood pressure limits (. > 40 and . < 400) stop the page with fieldkit's message
    _, location = start_interview(client, questionnaire.id, "0180")
    for section in questionnaire.sections[:1]:
        location = client.post(location, data=page_data(questionnaire, section, answers)).headers["Location"]
    bp = questionnaire.sections[1]
    assert location.endswith(f"/del/{bp.id}")
    page = client.post(location, data=section_post(questionnaire, bp, {**answers,
                                                                        "blood_pressure.systolic_bp": 40}))
    assert page.status_code == 422 and "Värdet får inte vara mindre än 41." in page.data.decode()
    sid = interview(client, questionnaire, answers)
    stored = store.get_submission(db, sid).answers
    assert len(stored[child]) == 2 and "form_logic_3.tree" not in stored  # the trees are not relevant
    assert stored["form_logic_3.job_title"] == "training"  # one of the titles the category hr offers
    record, row, (report, sheets) = exported(db, tmp_path, questionnaire)
    # 50 * 0.18 = 9 (rounded to 2 places); 50 + 9 = 59; 1000 + 250.5 + 0 = 1250.5
    assert (record["form_logic.tip_18"], record["form_logic.tip_18_total"]) == (9, 59)
    assert record["form_logic.income_sum"] == 1250.5
    assert [row[f"form_logic.{key}"] for key in ("tip_18", "tip_18_total", "income_sum")] == ["9", "59", "1250.5"]
    # a repeat is a count in Data and a sheet (and a CSV) of its instances, keyed to the submission
    assert (record[child], record[people], record["form_logic_3.person"]) == (2, 2, 1)
    instances = next(one for one in report.instances if one.repeat.id == child)
    with open(write_instances_csv(instances, tmp_path / "children.csv", report.gettext, "sv"),
              encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1:] == [[sid, "1", "0180", "Bo", "4"], [sid, "2", "0180", "Cia", "9"]]
    assert rows[0][-2:] == [f"{child}.child_name", f"{child}.child_age"]
    titles = [title for title, rows in sheets.items() if any(r and r[0] == sid for r in rows)]
    # Data and a sheet per repeat with instances, named by its label (`people` and `person` are both "Person")
    assert titles == ["Data", "Questions about child", "Person", "Person (2)"]


def test_question_types_form_takes_range_rank_geopoint_and_a_grid_and_records_metadata(client, db, tmp_path):
    questionnaire = imported(db, "getodk__docs/question-types.xlsx")
    q = "question_types."
    answers = {f"{q}name": "Ada", f"{q}age": 34, f"{q}weight": 61.5, f"{q}wakeup": "06:45",
               f"{q}previous_meal": "2024-05-02T12:30", f"{q}select_one_widget": "c",
               f"{q}select_multi_widget": ["a", "d"], f"{q}rank_widget": ["d", "c", "b", "a"],
               f"{q}geopoint_widget": {"lat": 63.8258, "lon": 20.263},
               f"{q}range_integer_widget": 7, f"{q}range_decimal_widget": 2.5, f"{q}range_integer_widget_rating": 9,
               f"{q}my_trigger": "OK", f"{q}underlying_conditions": {"comcond_preg": "no", "comcond_partum": "yes"},
               f"{q}is_quiet": "yes"}
    sid = interview(client, questionnaire, answers)
    stored = store.get_submission(db, sid).answers
    assert stored[f"{q}rank_widget"] == ["d", "c", "b", "a"]
    assert stored[f"{q}today"] == TODAY and stored[f"{q}start"] and stored[f"{q}end"] and stored[f"{q}deviceid"]
    # who collected it is the laptop's interviewer; a laptop has no phone number: that entry stays empty
    assert stored[f"{q}username"] == "Test Intervjuare" and f"{q}phonenumber" not in stored
    record, row, _ = exported(db, tmp_path, questionnaire)
    assert (record[f"{q}username"], row[f"{q}username"]) == ("Test Intervjuare", "Test Intervjuare")
    assert record.get(f"{q}phonenumber") is None and row[f"{q}phonenumber"] == ""
    assert (record[f"{q}range_integer_widget"], record[f"{q}range_decimal_widget"]) == (7, 2.5)
    assert (record[f"{q}wakeup"], record[f"{q}today"]) == ("06:45", TODAY)
    assert (row[f"{q}range_integer_widget"], row[f"{q}wakeup"], row[f"{q}today"]) == ("7", "06:45", TODAY)
    # a rank is a column per choice holding its place
    assert [row[f"{q}rank_widget/{code}"] for code in "abcd"] == ["4", "3", "2", "1"]


# ---------------------------------------------------------------- back through forms export and pyxform

def xform_fields(path: Path) -> tuple[str, dict[str, tuple[str | None, str | None]]]:
    """The form id pyxform gives the XLSForm and {field name: (constraint, constraint message)} of its leaves."""
    root = ET.fromstring(convert(xlsform=str(path), warnings=[]).xform)
    instance = next(iter(root.find(f".//{XF}instance")))
    itext = {t.get("id"): t.find(f"{XF}value").text for t in root.iter(f"{XF}text")}
    binds = {b.get("nodeset").rsplit("/", 1)[1]: b for b in root.iter(f"{XF}bind")}
    fields = {}
    for node in instance.iter():
        name = node.tag.rsplit("}", 1)[-1]
        if len(node) or node is instance or name == "instanceID":
            continue
        bind = binds.get(name)
        message = bind.get(f"{JR}constraintMsg") if bind is not None else None
        if message and message.startswith("jr:itext('"):
            message = itext[message.removeprefix("jr:itext('").removesuffix("')")]
        fields[name] = (bind.get("constraint") if bind is not None else None, message)
    return instance.get("id"), fields


def bind_paths(path: Path) -> set[str]:
    """The paths of the fields pyxform binds (/data/<group>/<name>, or /data/<name> outside any group)."""
    root = ET.fromstring(convert(xlsform=str(path), warnings=[]).xform)
    return {b.get("nodeset") for b in root.iter(f"{XF}bind")}


#: What the round trip does not keep, form by form: names that come back renamed ({source: exported}) or as
#: more than one field (a rule beside its question); constraints whose source text and message change.
ROUND_TRIP_LOSSES = {
    "XLSForm__pyxform/widgets.csv": {
        "renamed": {},
        "added": {"today"},  # the day the interview started, which today() in a constraint reads
        "constraints": {},
    },
    "getodk__docs/form-logic.xlsx": {
        "renamed": {},
        "added": set(),
        "constraints": {
            "middle_initial": (None, None),  # the \p{L} pattern was left off at import
        },
    },
    "getodk__docs/question-types.xlsx": {
        "renamed": {},
        "added": set(),
        "constraints": {},
    },
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIP_LOSSES))
def test_round_trip_through_forms_export_and_pyxform_keeps_id_names_and_constraints(name, tmp_path):
    path = CORPUS / name
    result = import_xlsform(path, skip_unsupported=True)
    source_id, source = xform_fields(path)
    out = tmp_path / "exported.xlsx"
    command = CliRunner().invoke(main, ["forms", "import", str(path), "--skip-unsupported", "--out", str(tmp_path)])
    assert command.exit_code == 0, command.output
    [yaml_file] = tmp_path.glob("*.yaml")
    command = CliRunner().invoke(main, ["forms", "export", str(yaml_file), "--out", str(out)])
    assert command.exit_code == 0, command.output
    exported_id, back = xform_fields(out)
    losses = ROUND_TRIP_LOSSES[name]
    assert exported_id == source_id == result.questionnaire.id
    left_out = {n for n in source if n not in back and n not in losses["renamed"]}
    # every name that was imported comes back, under its own name unless listed as renamed
    kept_names = {n for n in source if n not in left_out}
    assert {losses["renamed"].get(n, n) for n in kept_names} | losses["added"] == set(back)
    assert all(n not in result.names or n in losses["renamed"] for n in left_out)
    # constraints and their messages come back as they were, except the changes listed
    changed = {n: back[n] for n in source if n in back and back[n] != source[n]}
    assert changed == losses["constraints"]
    # and every field kept sits where it sat: a question outside any group stays outside (/data/<name>)
    assert {p for p in bind_paths(path) if p.rsplit("/", 1)[1] in back} <= bind_paths(out)
