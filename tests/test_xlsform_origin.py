"""What an XLSForm import remembers of the form so that `forms export` gives ODK the same form back (issue 16):
the form_id (`xlsform_id`), the names fieldkit's ids cannot spell (`xlsform_name`) and a constraint that became a
rule (`xlsform_constraint`), which goes back on its question with its message."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import openpyxl
import pytest
from pyxform.xls2xform import convert

from forms.answers import InvalidAnswer, clean_value
from forms.loader import DefinitionError, from_dict
from forms.xlsform import export_xlsform, import_xlsform
from forms.xlsform.exporter import to_sheets

XF = "{http://www.w3.org/2002/xforms}"
JR = "{http://openrosa.org/javarosa}"


def workbook(path, survey, form_id="my_form"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", "default_language"])
    settings.append([form_id, "3", "English (en)"])
    book.save(path)
    return path


def binds(path):
    root = ET.fromstring(convert(xlsform=str(path), warnings=[]).xform)
    instance = next(iter(root.find(f".//{XF}instance")))
    itext = {t.get("id"): t.find(f"{XF}value").text for t in root.iter(f"{XF}text")}
    found = {}
    for bind in root.iter(f"{XF}bind"):
        message = bind.get(f"{JR}constraintMsg")
        if message and message.startswith("jr:itext('"):
            message = itext[message.removeprefix("jr:itext('").removesuffix("')")]
        found[bind.get("nodeset").rsplit("/", 1)[1]] = (bind.get("constraint"), message)
    leaves = [n.tag.rsplit("}", 1)[-1] for n in instance.iter() if not len(n)]
    leaves = [name for name in leaves if name != "instanceID"]
    return instance.get("id"), leaves, found


def test_export_gives_back_the_form_id_the_names_and_a_constraint_rule_with_its_message(tmp_path):
    source = workbook(tmp_path / "source.xlsx", [
        ["type", "name", "label", "constraint", "constraint_message"],
        ["integer", "numberAsString", "How many adults?", None, None],
        ["integer", "choose-shape", "How many children?", ". <= ${numberAsString}",
         "no more children than adults"],
    ])
    result = import_xlsform(source)
    questionnaire = result.questionnaire
    assert questionnaire.id == "my-form" and questionnaire.xlsform_id == "my_form"
    adults, children, rule = questionnaire.sections[0].questions
    assert (adults.id, adults.xlsform_name) == ("my_form.numberasstring", "numberAsString")
    assert (children.id, children.xlsform_name) == ("my_form.choose_shape", "choose-shape")
    assert (rule.rule, rule.xlsform_constraint) == ("constraint", ". <= ${numberAsString}")
    out = export_xlsform(questionnaire, tmp_path / "out.xlsx").path
    form_id, leaves, found = binds(out)
    # ODK sees the same form: its id, its field names, the constraint on the question with its message
    assert form_id == "my_form"
    assert leaves == ["numberAsString", "choose-shape"]
    # outside any group, as in the source: the path is /data/<name>
    assert found["choose-shape"][0] == ". <=  /data/numberAsString "
    assert found["choose-shape"][1] == "no more children than adults"
    # and fieldkit reads its own export back as the same questionnaire
    again = import_xlsform(out).questionnaire
    assert again.to_dict() == questionnaire.to_dict()


def test_limits_go_back_as_the_form_wrote_them_while_they_mean_the_same(tmp_path):
    source = workbook(tmp_path / "source.xlsx", [
        ["type", "name", "label", "constraint"],
        ["integer", "age", "Age?", ". > 14 and . < 120"],
    ], form_id="plain")
    questionnaire = import_xlsform(source).questionnaire
    [age] = questionnaire.sections[0].questions
    assert (age.min, age.max, age.xlsform_constraint) == (15, 119, ". > 14 and . < 120")
    _, _, found = binds(export_xlsform(questionnaire, tmp_path / "out.xlsx").path)
    assert found["age"] == (". > 14 and . < 120", None)  # no message, as in the source
    age.max = 99  # the limits changed since the import: fieldkit's own constraint and messages
    _, _, found = binds(export_xlsform(questionnaire, tmp_path / "changed.xlsx").path)
    assert found["age"][0] == ". >= 15 and . <= 99"
    assert found["age"][1] is not None


def test_a_rule_without_a_message_of_its_own_goes_back_without_one(tmp_path):
    source = workbook(tmp_path / "source.xlsx", [
        ["type", "name", "label", "constraint"],
        ["integer", "adults", "How many adults?", None],
        ["integer", "children", "How many children?", ". != ${adults}"],
    ], form_id="plain")
    questionnaire = import_xlsform(source).questionnaire
    assert questionnaire.xlsform_id is None and questionnaire.sections[0].questions[0].xlsform_name is None
    _, leaves, found = binds(export_xlsform(questionnaire, tmp_path / "out.xlsx").path)
    assert leaves == ["adults", "children"]
    assert found["children"] == (". !=  /data/adults ", None)


def definition(**question):
    return {"id": "f", "version": "1", "title": {"sv": "F"}, "sections": [
        {"id": "s", "title": {"sv": "S"}, "questions": [
            {"id": "a", "type": "integer", "label": {"sv": "A"}, **question}]}]}


@pytest.mark.parametrize("keys, expected", [
    ({"xlsform_name": "2nd"}, "xlsform_name must be a name as XLSForm takes it: a letter or '_', then letters, "
                              "digits, '_', '-' or '.' (got '2nd')"),
    ({"xlsform_constraint": ". > 1"}, "xlsform_constraint is only for a constraint rule (type: derived with "
                                      "constraint) or a question with min, max, pattern or max_length, not for "
                                      "'s.a'"),
    ({"xlsform_header": "labels"}, "xlsform_header is only for matrix questions, not for 's.a'"),
])
def test_the_loader_refuses_an_origin_that_cannot_be_written_back(keys, expected):
    with pytest.raises(DefinitionError) as caught:
        from_dict(definition(**keys), "f.yaml")
    assert [p.message for p in caught.value.problems] == [expected]


def test_two_top_level_sections_in_a_row_are_not_both_written_outside_a_group(tmp_path):
    data = definition()
    data["sections"][0].update(id="f", title={"sv": "F"}, xlsform_top_level=True)
    data["sections"].append({"id": "t", "title": {"sv": "F"}, "xlsform_top_level": True, "questions": [
        {"id": "b", "type": "integer", "label": {"sv": "B"}}]})
    questionnaire = from_dict(data, "f.yaml")
    survey = to_sheets(questionnaire)["survey"]
    # the import would read two runs of ungrouped questions as one section: the second keeps its group
    assert [row[:2] for row in survey[1:]] == [["integer", "a"], ["begin group", "t"], ["integer", "b"],
                                               ["end group", None]]
    again = import_xlsform(export_xlsform(questionnaire, tmp_path / "out.xlsx").path).questionnaire
    assert [s.id for s in again.sections] == ["f", "t"]


def test_a_unicode_letter_pattern_and_an_added_today_survive_import_export_import(tmp_path):
    source = workbook(tmp_path / "source.xlsx", [
        ["type", "name", "label", "constraint", "calculation"],
        ["text", "namn", "Name?", "regex(., '^\\p{L}+(-\\p{L}+)?$')", None],
        ["date", "born", "Born?", None, None],
        ["calculate", "age", "Age", None, "int((today() - ${born}) div 365.25)"],
    ], form_id="plain")
    result = import_xlsform(source)
    questionnaire = result.questionnaire
    namn = questionnaire.question("plain.namn")
    assert namn.pattern == "^\\p{L}+(-\\p{L}+)?$"  # ODK's spelling kept: Java and the browser read it
    assert [q.type for q in questionnaire.questions()] == ["text", "date", "today", "derived"]
    # the server checks it as ODK does: letters of any alphabet, no digits
    assert clean_value(namn, {"plain.namn": "Anna-Öberg"})[0] == "Anna-Öberg"
    assert clean_value(namn, {"plain.namn": "Ελένη"})[0] == "Ελένη"
    with pytest.raises(InvalidAnswer):
        clean_value(namn, {"plain.namn": "R2D2"})
    out = export_xlsform(questionnaire, tmp_path / "out.xlsx").path
    assert binds(out)[2]["namn"][0] == "regex(., '^\\p{L}+(-\\p{L}+)?$')"
    again = import_xlsform(out)
    assert again.warnings == []
    assert again.questionnaire.to_dict() == questionnaire.to_dict()
