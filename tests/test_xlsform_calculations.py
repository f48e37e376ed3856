"""XLSForm import of what field forms use beyond the basics: calculations, constraint messages, yes/no cells,
read_only and default, metadata, time and datetime, and what is left out when something cannot be imported (and why).

Each test writes a small form inline with openpyxl, imports it, checks the questionnaire and, where the
feature changes answering, what `clean_answers` makes of an answer set.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from fieldkit.cli import main
from forms import clean_answers, from_dict
from forms.loader import DefinitionError
from forms.webform import build_section_form
from forms.xlsform import XLSFormError, export_xlsform, import_xlsform
from sync import store

from field_helpers import start_interview
from test_xlsform import exported_xform

LABEL = "label::English (en)"
SETTINGS = [["form_id", "version", "form_title"], ["calc", "1", "Calculations"]]


def write_form(tmp_path: Path, survey: list[list], choices: list[list] | None = None, name: str = "form.xlsx",
               settings: list[list] | None = None) -> Path:
    """An .xlsx XLSForm: each sheet as rows, the header first."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in (("survey", survey), ("choices", choices), ("settings", settings or SETTINGS)):
        if rows:
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def texts(problems, path: Path) -> list[str]:
    return [str(p).removeprefix(f"{path}: ") for p in problems]


# ---------------------------------------------------------------- what is unsupported costs only itself


def test_a_constraint_beyond_limits_is_checked_as_a_rule_beside_the_question(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "constraint", "constraint_message::English (en)"],
        ["integer", "age", "Age", ". >= 0", ""],
        ["integer", "years_here", "Years living here", ". <= ${age}", "Cannot be more than the age."],
        ["integer", "rooms", "Rooms", ". != 0", ""],
        ["integer", "code", "Code", "regex(., '^[0-9]{4}$')", ""],
    ])
    result = import_xlsform(path)  # no --skip-unsupported needed: nothing is left out
    questionnaire = result.questionnaire
    assert [(q.id, q.rule, q.expression) for q in questionnaire.questions()] == [
        ("calc.age", None, None),
        ("calc.years_here", None, None),
        ("calc.years_here_constraint", "constraint", "calc.years_here <= calc.age"),
        ("calc.rooms", None, None),
        ("calc.rooms_constraint", "constraint", "not (calc.rooms == 0)"),
        ("calc.code", None, None),
    ]
    assert questionnaire.question("calc.years_here_constraint").message == {"en": "Cannot be more than the age."}
    assert result.left_out == [] and result.rows_left_out == []
    assert texts(result.warnings, path) == [
        "survey row 3: constraint '. <= ${age}' is more than a limit: it is checked as the rule "
        "calc.years_here_constraint, shown beside the question",
        "survey row 4: constraint '. != 0' is more than a limit: it is checked as the rule calc.rooms_constraint, "
        "shown beside the question",
        "survey row 5: constraint \"regex(., '^[0-9]{4}$')\" cannot be translated: regex() is only supported on "
        "text questions, with the pattern in quotes; the question is imported without it",
    ]
    cleaned = clean_answers(questionnaire, {"calc.age": "30", "calc.years_here": "31", "calc.rooms": "0"}, lang="en")
    assert cleaned.errors == {"calc.years_here_constraint": "Cannot be more than the age.",
                              "calc.rooms_constraint": "The answer does not meet the form's condition for this question."}
    cleaned = clean_answers(questionnaire, {"calc.age": "30", "calc.years_here": "30"}, lang="en")
    assert cleaned.errors == {}  # 30 <= 30; no rooms given: nothing to judge


def test_rows_that_refer_to_a_left_out_row_are_named_with_the_reason(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "relevant"],
        ["image", "place", "A photo of the place", ""],
        ["text", "why", "Why there?", "${place} != ''"],
        ["image", "member_photo", "Photo", ""],
        ["text", "first_member", "Anything about the photo?", "${member_photo} != ''"],
        ["text", "kept", "Kept", ""],
    ])
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(path)
    expected = [
        "survey row 2: type 'image' is not supported",
        "survey row 3: relevant \"${place} != ''\" cannot be translated: refers to ${place} (row 2), which was left "
        "out: type 'image' is not supported",
        "survey row 4: type 'image' is not supported",
        "survey row 5: relevant \"${member_photo} != ''\" cannot be translated: refers to ${member_photo} (row 4), "
        "which was left out: type 'image' is not supported",
    ]
    assert texts(caught.value.problems, path) == expected
    result = import_xlsform(path, skip_unsupported=True)
    assert texts(result.left_out, path) == expected
    assert [q.id for q in result.questionnaire.questions()] == ["calc.kept"]
    # 5 question rows; all but `kept` are left out
    assert (result.rows, result.rows_left_out) == (5, [2, 3, 4, 5])


def test_the_import_command_counts_every_question_row_left_out(runner, tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "relevant"],
        ["begin repeat", "member", "Household member", ""],
        ["text", "member_name", "Name", ""],
        ["begin repeat", "child", "Child", ""],
        ["text", "child_name", "Name", ""],
        ["integer", "child_age", "Age", ""],
        ["end repeat", "", "", ""],
        ["end repeat", "", "", ""],
        ["text", "kept", "Kept", ""],
    ])
    result = runner.invoke(main, ["forms", "import", str(path), "--skip-unsupported", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    # one message (the inner repeat) but two question rows
    assert "2 of 4 question rows left out (the warnings below say which and why)" in result.stdout.splitlines()
    assert result.stderr.splitlines() == [
        f"warning: {path}: survey row 4: a repeat inside a repeat is not supported (it spans rows 4-7)"]


def test_a_group_whose_relevant_cannot_be_translated_leaves_out_its_rows_with_the_reason(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "relevant"],
        ["text", "a", "A", ""],
        ["begin group", "g", "Group", "regex(${a}, '^x')"],
        ["text", "b", "B", ""],
        ["end group", "", "", ""],
        ["text", "c", "C", "${b} != ''"],
    ])
    result = import_xlsform(path, skip_unsupported=True)
    assert texts(result.left_out, path) == [
        "survey row 3: relevant \"regex(${a}, '^x')\" cannot be translated: the function regex() is not supported "
        "here (the group spans rows 3-5)",
        "survey row 6: relevant \"${b} != ''\" cannot be translated: refers to ${b} (row 4), which was left out: "
        "the relevant of its group (row 3) cannot be translated",
    ]
    assert result.rows_left_out == [4, 6]


# ---------------------------------------------------------------- calculations


def test_calculate_rows_become_derived_values_that_answering_computes(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "calculation"],
        ["integer", "price", "Price", ""],
        ["integer", "qty", "Quantity", ""],
        ["decimal", "weight", "Weight (kg)", ""],
        ["decimal", "height", "Height (m)", ""],
        ["integer", "age", "Age", ""],
        ["calculate", "total", "", "${price} * ${qty}"],
        ["calculate", "bmi", "", "round(${weight} div (${height} * ${height}), 1)"],
        ["calculate", "group", "", "if(${age} >= 18, 'adult', 'child')"],
        ["calculate", "months", "", "number(${age}) * 12 - -1"],
        ["calculate", "discounted", "", "${total} - max(${total} div 10, 5)"],
        ["calculate", "paid", "", "coalesce(${price}, 0) * 2"],
    ])
    questionnaire = import_xlsform(path).questionnaire
    expressions = {q.id: q.expression for q in questionnaire.questions() if q.derived}
    assert expressions == {
        "calc.total": "calc.price * calc.qty",
        "calc.bmi": "round(calc.weight / (calc.height * calc.height), 1)",
        "calc.group": "if(calc.age >= 18, 'adult', 'child')",
        "calc.months": "calc.age * 12 - (-1)",
        "calc.discounted": "calc.total - max(calc.total / 10, 5)",
        "calc.paid": "if(calc.price is answered, calc.price, 0) * 2",
    }
    assert questionnaire.question("calc.total").label == {"en": "total"}  # no label: the name
    cleaned = clean_answers(questionnaire, {"calc.price": "120", "calc.qty": "3", "calc.weight": "81",
                                            "calc.height": "1.8", "calc.age": "17"})
    # 120 * 3 = 360; 81 / 3.24 = 25.0; 17 < 18; 17 * 12 + 1 = 205; 360 - max(36, 5) = 324; 120 * 2 = 240
    assert cleaned.derived == {"calc.total": 360, "calc.bmi": 25.0, "calc.group": "child", "calc.months": 205,
                               "calc.discounted": 324.0, "calc.paid": 240}
    assert clean_answers(questionnaire, {"calc.qty": "3"}).derived == {"calc.paid": 0}  # no price: coalesce gives 0


def test_a_relevant_may_use_a_calculation_even_one_further_down(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "relevant", "calculation"],
        ["integer", "adults", "Adults", "", ""],
        ["integer", "children", "Children", "", ""],
        ["text", "crowded", "Why so many?", "${people} > 6", ""],
        ["note", "alone", "Living alone", "${people} = 1", ""],
        ["calculate", "people", "", "", "${adults} + ${children}"],
    ])
    questionnaire = import_xlsform(path).questionnaire
    assert questionnaire.question("calc.crowded").relevant == "(calc.adults + calc.children) > 6"
    assert questionnaire.question("calc.alone").relevant == "(calc.adults + calc.children) == 1"
    raw = {"calc.adults": "2", "calc.children": "5", "calc.crowded": "Family"}
    assert clean_answers(questionnaire, raw).answers == {"calc.adults": 2, "calc.children": 5,
                                                        "calc.crowded": "Family"}
    raw["calc.children"] = "4"  # 6 people: the question is skipped, its answer dropped
    cleaned = clean_answers(questionnaire, raw)
    assert "calc.crowded" in cleaned.skipped and "calc.crowded" not in cleaned.answers


def test_a_later_question_in_a_relevant_is_still_refused(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "relevant"],
        ["text", "early", "Early", "${late} = 'x'"],
        ["text", "late", "Late", ""],
    ])
    result = import_xlsform(path, skip_unsupported=True)
    assert texts(result.left_out, path) == [
        "survey row 2: relevant \"${late} = 'x'\" cannot be translated: ${late} comes later (row 3): conditions "
        "may only use earlier answers (or calculations)",
    ]


def test_a_calculation_fieldkit_cannot_compute_is_left_out_and_so_are_the_rows_that_use_it(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "relevant", "calculation"],
        ["text", "name", "Name", "", ""],
        ["integer", "n", "Number", "", ""],
        ["date", "d", "Date", "", ""],
        ["calculate", "greeting", "", "", "concat('Hi ', ${name})"],
        ["calculate", "plus", "", "", "${d} * 2"],
        ["calculate", "members", "", "", "sum(${n})"],
        ["text", "ask", "Ask", "${plus} > 2", ""],
        ["text", "kept", "Kept", "", ""],
    ])
    result = import_xlsform(path, skip_unsupported=True)
    assert texts(result.left_out, path) == [
        "survey row 5: calculation \"concat('Hi ', ${name})\" cannot be translated: fieldkit calculates numbers, "
        "dates and true/false, not text: concat() is not supported",
        "survey row 6: calculation '${d} * 2' cannot be used: expression of 'calc.plus': cannot multiply 'calc.d' "
        "(a date) by 2: arithmetic needs numbers (with dates: date - date, date + days, date - days)",
        "survey row 7: calculation 'sum(${n})' cannot be translated: sum() takes one question of a repeat, such as "
        "sum(${age})",
        "survey row 8: relevant '${plus} > 2' cannot be translated: refers to ${plus} (row 6), which was left out: "
        "calculation '${d} * 2' cannot be used: expression of 'calc.plus': cannot multiply 'calc.d' (a date) by 2: "
        "arithmetic needs numbers (with dates: date - date, date + days, date - days)",
    ]
    assert [q.id for q in result.questionnaire.questions()] == ["calc.name", "calc.n", "calc.d", "calc.kept"]


def test_choice_codes_are_numbers_in_arithmetic_and_in_ordered_comparisons(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "calculation", "relevant"],
        ["select_one score", "q1", "Q1", "", ""],
        ["select_one score", "q2", "Q2", "", ""],
        ["calculate", "total", "", "${q1} + ${q2}", ""],
        ["text", "why_low", "Why so low?", "", "${q1} < 2"],
    ], choices=[["list_name", "name", LABEL], ["score", "1", "Bad"], ["score", "2", "Fair"], ["score", "3", "Good"]])
    questionnaire = import_xlsform(path).questionnaire
    assert questionnaire.question("calc.total").expression == "number(calc.q1) + number(calc.q2)"
    assert questionnaire.question("calc.why_low").relevant == "number(calc.q1) < 2"
    cleaned = clean_answers(questionnaire, {"calc.q1": "1", "calc.q2": "3"})
    assert cleaned.derived == {"calc.total": 4} and "calc.why_low" not in cleaned.skipped
    cleaned = clean_answers(questionnaire, {"calc.q1": "3", "calc.q2": "3"})
    assert cleaned.derived == {"calc.total": 6} and "calc.why_low" in cleaned.skipped


def test_a_question_with_a_calculation_is_a_derived_value(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "calculation", "read_only"],
        ["integer", "a", "A", "", ""],
        ["integer", "double", "Twice A", "${a} * 2", "TRUE"],
    ])
    result = import_xlsform(path)
    double = result.questionnaire.question("calc.double")
    assert (double.type, double.expression, double.label) == ("derived", "calc.a * 2", {"en": "Twice A"})
    assert texts(result.warnings, path) == [
        "survey row 3: the integer question is computed by its calculation: it is imported as a derived value, "
        "never asked",
    ]


def test_calculations_survive_export_to_xlsform_and_back(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "calculation"],
        ["integer", "a", "A", ""],
        ["calculate", "half", "Half", "${a} div 2"],
    ])
    questionnaire = import_xlsform(path).questionnaire
    out = tmp_path / "again.xlsx"
    export_xlsform(questionnaire, out)
    assert import_xlsform(out).questionnaire.to_dict() == questionnaire.to_dict()


# ---------------------------------------------------------------- constraint_message


def test_constraint_message_is_shown_instead_of_the_generic_message(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", "label::Svenska (sv)", LABEL, "constraint", "constraint_message::Svenska (sv)",
         "constraint_message::English (en)"],
        ["integer", "age", "Ålder", "Age", ". >= 15 and . <= 110", "Vi intervjuar personer från 15 år.",
         "We interview people aged 15 and over."],
        ["integer", "rooms", "Rum", "Rooms", ". <= 20", "", ""],
    ])
    questionnaire = import_xlsform(path).questionnaire
    age = questionnaire.question("calc.age")
    assert (age.min, age.max) == (15, 110)
    assert age.constraint_message == {"sv": "Vi intervjuar personer från 15 år.",
                                      "en": "We interview people aged 15 and over."}
    raw = {"calc.age": "12", "calc.rooms": "25"}
    assert clean_answers(questionnaire, raw, lang="sv").errors == {
        "calc.age": "Vi intervjuar personer från 15 år.",
        "calc.rooms": "Värdet får inte vara större än 20.",
    }
    assert clean_answers(questionnaire, raw, lang="en").errors["calc.age"] == "We interview people aged 15 and over."
    # a wrong type is not a broken constraint: the generic message stays
    assert clean_answers(questionnaire, {"calc.age": "abc"}, lang="en").errors == {
        "calc.age": "Enter a whole number, e.g. 12."}


def test_constraint_message_in_a_yaml_definition(tmp_path):
    data = {"id": "cm", "version": "1", "title": {"sv": "CM", "en": "CM"}, "sections": [{
        "id": "s", "title": {"sv": "S", "en": "S"}, "questions": [
            {"id": "kod", "type": "text", "label": {"sv": "Kod", "en": "Code"}, "pattern": "[0-9]{4}",
             "constraint_message": {"sv": "Fyra siffror, t.ex. 0180.", "en": "Four digits, e.g. 0180."}},
            {"id": "val", "type": "multi", "label": {"sv": "Val", "en": "Pick"}, "max": 1,
             "choices": [{"code": "a", "label": {"sv": "A", "en": "A"}}, {"code": "b", "label": {"sv": "B", "en": "B"}}],
             "constraint_message": {"sv": "Högst ett.", "en": "One at most."}},
        ]}]}
    questionnaire = from_dict(data)
    assert clean_answers(questionnaire, {"s.kod": "12a", "s.val": ["a", "b"]}, lang="en").errors == {
        "s.kod": "Four digits, e.g. 0180.", "s.val": "One at most."}
    assert questionnaire.to_dict()["sections"][0]["questions"][0]["constraint_message"]["sv"] == \
        "Fyra siffror, t.ex. 0180."
    out = tmp_path / "cm.xlsx"
    export_xlsform(questionnaire, out)
    assert import_xlsform(out).questionnaire.to_dict() == questionnaire.to_dict()
    del data["sections"][0]["questions"][0]["pattern"]
    with pytest.raises(DefinitionError) as caught:
        from_dict(data, "cm.yaml")
    assert [p.message for p in caught.value.problems] == [
        "constraint_message of 's.kod' has nothing to speak for: give min, max, pattern or max_length too"]


def test_fieldkits_own_messages_in_an_export_are_not_read_back_as_the_questions(tmp_path):
    data = {"id": "own", "version": "1", "title": {"sv": "O"}, "languages": ["sv"], "sections": [{
        "id": "s", "title": {"sv": "S"}, "questions": [
            {"id": "n", "type": "integer", "label": {"sv": "N"}, "min": 0, "max": 10}]}]}
    questionnaire = from_dict(data)
    out = tmp_path / "own.xlsx"
    export_xlsform(questionnaire, out)
    sheet = openpyxl.load_workbook(out)["survey"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[3]]
    assert row[header.index("constraint_message::Svenska (sv)")] == \
        "Värdet får inte vara mindre än 0. Värdet får inte vara större än 10."
    assert import_xlsform(out).questionnaire.question("s.n").constraint_message == {}


# ---------------------------------------------------------------- yes/no cells, read_only, default


@pytest.mark.parametrize("cell, required", [
    (True, True), ("TRUE", True), ("yes", True), ("Yes", True), ("true()", True),
    (False, False), ("FALSE", False), ("no", False), ("false()", False), (None, False),
])
def test_required_cells_are_read_as_pyxform_reads_them(tmp_path, cell, required):
    path = write_form(tmp_path, [["type", "name", LABEL, "required"], ["text", "a", "A", cell]])
    assert import_xlsform(path).questionnaire.question("calc.a").required is required


@pytest.mark.parametrize("cell, condition", [(False, "false"), ("FALSE", "false"), (True, "true"), ("yes", "true")])
def test_a_yes_no_cell_in_relevant_is_always_or_never(tmp_path, cell, condition):
    path = write_form(tmp_path, [["type", "name", LABEL, "relevant"], ["text", "a", "A", ""], ["text", "b", "B", cell]])
    questionnaire = import_xlsform(path).questionnaire
    assert questionnaire.question("calc.b").relevant == condition
    shown = "calc.b" not in clean_answers(questionnaire, {"calc.a": "x"}).skipped
    assert shown is (condition == "true")


def test_read_only_questions_are_notes_and_defaults_are_kept_when_they_are_answers(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "read_only", "default", "constraint"],
        ["text", "shown", "Shown only", "yes", "", ""],
        ["integer", "visits", "Visits", "", "1", ". >= 0"],
        ["select_multiple colours", "colours", "Colours", "", "red blue", ""],
        ["date", "day", "Day", "", "today()", ""],
        ["integer", "few", "Few", "", "20", ". <= 10"],
    ], choices=[["list_name", "name", LABEL], ["colours", "red", "Red"], ["colours", "blue", "Blue"]])
    result = import_xlsform(path)
    questionnaire = result.questionnaire
    assert [(q.id, q.type, q.default) for q in questionnaire.questions()] == [
        ("calc.shown", "note", None), ("calc.visits", "integer", 1), ("calc.colours", "multi", ["red", "blue"]),
        ("calc.day", "date", None), ("calc.few", "integer", None)]
    assert texts(result.warnings, path) == [
        "survey row 2: read_only: the question is shown as a note, without an answer (give it a calculation to "
        "show a computed value)",
        "survey row 5: default 'today()' is not a valid answer (Enter a date as YYYY-MM-DD.): the question starts "
        "empty",
        "survey row 6: default '20' is not a valid answer (The value may not be greater than 10.): the question "
        "starts empty",
    ]
    out = tmp_path / "again.xlsx"
    export_xlsform(questionnaire, out)
    assert import_xlsform(out).questionnaire.to_dict() == questionnaire.to_dict()


def test_a_new_interview_starts_with_the_defaults(client, db):
    questionnaire = from_dict({"id": "dflt", "version": "1", "title": {"sv": "D"}, "languages": ["sv"], "sections": [
        {"id": "s", "title": {"sv": "S"}, "questions": [
            {"id": "besok", "type": "integer", "label": {"sv": "Besök"}, "default": 1, "min": 0},
            {"id": "typ", "type": "single", "label": {"sv": "Typ"}, "default": "b",
             "choices": [{"code": "a", "label": {"sv": "A"}}, {"code": "b", "label": {"sv": "B"}}]}]}]})
    with store.transaction(db):
        store.add_questionnaire(db, questionnaire)
    sid, location = start_interview(client, "dflt", "0180")
    assert store.get_submission(db, sid).draft["raw"] == {"s.besok": 1, "s.typ": "b"}
    page = client.get(location).data.decode()
    assert 'value="1"' in page and 'value="b" checked' in page


def test_a_default_must_be_an_answer_to_its_question():
    data = {"id": "dflt", "version": "1", "title": {"sv": "D"}, "languages": ["sv"], "sections": [
        {"id": "s", "title": {"sv": "S"}, "questions": [
            {"id": "n", "type": "integer", "label": {"sv": "N"}, "default": "många", "max": 5},
            {"id": "m", "type": "integer", "label": {"sv": "M"}, "default": 9, "max": 5},
            {"id": "info", "type": "note", "label": {"sv": "Info"}, "default": "x"}]}]}
    with pytest.raises(DefinitionError) as caught:
        from_dict(data, "dflt.yaml")
    assert [p.message for p in caught.value.problems] == [
        "default 'många' of 's.n' is not a valid answer: Enter a whole number, e.g. 12.",
        "default 9 of 's.m' is not a valid answer: The value may not be greater than 5.",
        "note 's.info' takes no default",
    ]


# ---------------------------------------------------------------- metadata, time and datetime


def test_time_and_datetime_questions_import_render_and_take_answers(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "required"],
        ["start", "start", "", ""],
        ["time", "meeting", "When did the meeting start?", "yes"],
        ["datetime", "visit", "When was the visit?", ""],
    ])
    questionnaire = import_xlsform(path).questionnaire
    assert [(q.id, q.type) for q in questionnaire.questions()] == [
        ("calc.start", "start"), ("calc.meeting", "time"), ("calc.visit", "datetime")]
    page = build_section_form(questionnaire, "calc", "en")()
    assert 'type="time"' in page["calc.meeting"]() and 'type="datetime-local"' in page["calc.visit"]()
    assert [entry.question.id for entry in page.layout] == ["calc.meeting", "calc.visit"]  # start is not shown
    cleaned = clean_answers(questionnaire, {"calc.meeting": "9.05", "calc.visit": "2025-03-04 14:30"})
    assert cleaned.answers == {"calc.meeting": "09:05", "calc.visit": "2025-03-04T14:30"}
    assert clean_answers(questionnaire, {"calc.meeting": "14:30:00", "calc.visit": "2025-03-04T14:30"}).answers == {
        "calc.meeting": "14:30", "calc.visit": "2025-03-04T14:30"}
    assert clean_answers(questionnaire, {"calc.meeting": "25:00", "calc.visit": "2025-03-04"}, lang="en").errors == {
        "calc.meeting": "Enter a time as HH:MM, e.g. 14:30.",
        "calc.visit": "Enter a date and a time, e.g. 2025-03-04 14:30."}
    assert clean_answers(questionnaire, {"calc.meeting": "kl 9"}, lang="sv").errors == {
        "calc.meeting": "Ange en tid som TT:MM, t.ex. 14:30."}


def test_metadata_time_and_datetime_survive_export_through_pyxform_and_back(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "calculation", "relevant"],
        ["today", "today", "", "", ""],
        ["deviceid", "device", "", "", ""],
        ["begin group", "g", "Visit", "", ""],
        ["date", "born", "Born", "", ""],
        ["time", "at", "At", "", ""],
        ["datetime", "until", "Until", "", ""],
        ["calculate", "age", "", "int((today() - ${born}) div 365.25)", ""],
        ["text", "adult", "Adult?", "", "${age} >= 18"],
        ["end group", "", "", "", ""],
    ])
    questionnaire = import_xlsform(path).questionnaire
    assert questionnaire.question("g.age").expression == "int(days(calc.today - g.born) / 365.25)"
    assert questionnaire.question("g.adult").relevant == "(int(days(calc.today - g.born) / 365.25)) >= 18"
    # born 2000-06-01, interviewed 2025-03-04: 9 043 days / 365.25 = 24.76 -> 24
    cleaned = clean_answers(questionnaire, {"calc.today": "2025-03-04", "g.born": "2000-06-01"})
    assert cleaned.derived == {"g.age": 24} and "g.adult" not in cleaned.skipped
    cleaned = clean_answers(questionnaire, {"calc.today": "2025-03-04", "g.born": "2010-06-01"})
    assert cleaned.derived == {"g.age": 14} and "g.adult" in cleaned.skipped
    workbook, xform = exported_xform(questionnaire, tmp_path)  # pyxform converts it without a warning
    # outside any group, as in the source
    assert 'nodeset="/data/today"' in xform and 'jr:preload="date"' in xform
    assert 'nodeset="/data/g/at" type="time"' in xform and 'nodeset="/data/g/until" type="dateTime"' in xform
    assert import_xlsform(workbook).questionnaire.to_dict() == questionnaire.to_dict()


def test_today_in_a_form_without_a_today_row_gets_one_with_a_warning(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "relevant"],
        ["date", "visit", "Visit", ""],
        ["text", "why_future", "Why in the future?", "${visit} > today()"],
    ])
    result = import_xlsform(path)
    assert [(q.id, q.type) for q in result.questionnaire.questions()] == [
        ("calc.visit", "date"), ("calc.today", "today"), ("calc.why_future", "text")]
    assert result.questionnaire.question("calc.why_future").relevant == "calc.visit > calc.today"
    assert texts(result.warnings, path) == [
        "survey sheet: today() is the day the interview was started: fieldkit records it in calc.today, an entry "
        "it adds"]
