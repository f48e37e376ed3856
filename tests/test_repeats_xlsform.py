"""Repeats in XLSForm: begin repeat/end repeat read as a repeat, and written so that pyxform converts them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import openpyxl
from pyxform.xls2xform import convert

from forms.xlsform import export_xlsform, import_xlsform

from test_repeats import people_questionnaire

XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"


def test_repeat_round_trips_through_xlsform_and_pyxform(tmp_path):
    questionnaire = people_questionnaire(id="rep-test")
    path = export_xlsform(questionnaire, tmp_path / "rep.xlsx").path
    survey = list(openpyxl.load_workbook(path)["survey"].iter_rows(values_only=True))
    header = survey[0]
    rows = [dict(zip(header, row)) for row in survey[1:]]
    assert [(r["type"], r["name"]) for r in rows] == [
        ("begin group", "s"), ("text", "kommun"), ("begin repeat", "personer"), ("text", "namn"),
        ("select_one roll", "roll"), ("text", "vilken"), ("integer", "alder"), ("end repeat", None),
        ("end group", None)]
    begin = rows[2]
    assert begin["fieldkit_repeat"] == "min=1 max=3" and "repeat_count" not in header
    assert rows[5]["relevant"] == "${roll} = 'annan'"
    warnings: list[str] = []
    xform = convert(xlsform=str(path), warnings=warnings).xform
    assert warnings == []
    root = ET.fromstring(xform)
    repeats = [r.get("nodeset") for r in root.iter(f"{XF}repeat")]
    assert repeats == ["/data/s/personer"]
    binds = {b.get("nodeset"): b.attrib for b in root.iter(f"{XF}bind")}
    assert binds["/data/s/personer/vilken"]["relevant"] == " ../roll  = 'annan'"
    assert binds["/data/s/personer/alder"]["constraint"] == ". >= 18 and . <= 99"
    again = import_xlsform(path).questionnaire
    assert again.to_dict()["sections"] == questionnaire.to_dict()["sections"]


def test_repeat_count_gives_min_and_max_and_nested_repeats_are_left_out(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in [
        ["type", "name", "label", "repeat_count"],
        ["begin repeat", "barn", "Barn", "2"],
        ["text", "namn", "Namn", None],
        ["begin repeat", "leksak", "Leksak", None],
        ["text", "sort", "Sort", None],
        ["end repeat", None, None, None],
        ["end repeat", None, None, None],
    ]:
        ws.append(row)
    settings = wb.create_sheet("settings")
    settings.append(["form_id", "version"])
    settings.append(["barn", "1"])
    path = tmp_path / "barn.xlsx"
    wb.save(path)
    result = import_xlsform(path, skip_unsupported=True)
    repeat = result.questionnaire.question("barn.barn")
    assert (repeat.type, repeat.min, repeat.max) == ("repeat", 2, 2)
    assert [c.id for c in repeat.questions] == ["barn.barn.namn"]
    assert [p.message for p in result.left_out] == [
        "a repeat inside a repeat is not supported (it spans rows 4-6)"]


def test_a_condition_outside_a_repeat_on_a_question_inside_it_is_left_out_with_the_reason(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in [
        ["type", "name", "label", "relevant"],
        ["begin repeat", "member", "Member", None],
        ["text", "member_name", "Name", None],
        ["text", "nickname", "Nickname", "${member_name} != ''"],
        ["end repeat", None, None, None],
        ["text", "first_member", "About the first one?", "${member_name} != ''"],
        ["text", "kept", "Kept", None],
    ]:
        ws.append(row)
    path = tmp_path / "members.xlsx"
    wb.save(path)
    result = import_xlsform(path, skip_unsupported=True)
    assert [p.message for p in result.left_out] == [
        "relevant \"${member_name} != ''\" cannot be translated: it names 'members.member.member_name' inside a "
        "repeat, and outside that repeat a condition cannot say which instance it means"]
    member = result.questionnaire.question("members.member")
    assert member.questions[1].relevant == "members.member.member_name is answered"
    assert [q.id for q in result.questionnaire.questions()] == ["members.member", "members.kept"]


def test_count_and_sum_over_a_repeat_import_as_derived_values(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in [
        ["type", "name", "label", "calculation"],
        ["begin repeat", "member", "Member", None],
        ["integer", "age", "Age", None],
        ["end repeat", None, None, None],
        ["calculate", "members", "Members", "count(${member})"],
        ["calculate", "years", "Years", "sum(${age})"],
    ]:
        ws.append(row)
    path = tmp_path / "count.xlsx"
    wb.save(path)
    questionnaire = import_xlsform(path).questionnaire
    assert [(q.id, q.expression) for q in questionnaire.questions() if q.derived] == [
        ("count.members", "count(count.member)"), ("count.years", "sum(count.member.age)")]


def test_a_calculation_inside_a_repeat_imports_as_a_derived_value_per_instance(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    for row in [
        ["type", "name", "label", "calculation"],
        ["begin repeat", "member", "Member", None],
        ["integer", "born", "Born", None],
        ["calculate", "age", "Age", "2025 - ${born}"],
        ["end repeat", None, None, None],
    ]:
        ws.append(row)
    path = tmp_path / "ages.xlsx"
    wb.save(path)
    questionnaire = import_xlsform(path).questionnaire
    member = questionnaire.question("ages.member")
    assert [(c.id, c.expression, c.result) for c in member.questions if c.derived] == [
        ("ages.member.age", "2025 - ages.member.born", "integer")]
    again = import_xlsform(export_xlsform(questionnaire, tmp_path / "again.xlsx").path).questionnaire
    assert again.to_dict() == questionnaire.to_dict()
