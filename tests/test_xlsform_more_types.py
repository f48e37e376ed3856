"""XLSForm import and export of range, rank, acknowledge and geopoint rows, and ${name} piped into labels.

Each form is written inline with openpyxl, imported, checked, exported back and converted by pyxform.
"""

from __future__ import annotations

from forms import clean_answers
from forms.xlsform import import_xlsform

from test_xlsform import exported_xform
from test_xlsform_calculations import LABEL, texts, write_form

CHOICES = [
    ["list_name", "name", LABEL],
    ["needs", "food", "Food"],
    ["needs", "water", "Water"],
    ["needs", "shelter", "Shelter"],
]


def survey(tmp_path):
    return write_form(tmp_path, [
        ["type", "name", LABEL, "hint::English (en)", "parameters", "required"],
        ["begin group", "hh", "Household", "", "", ""],
        ["integer", "members", "Members", "", "", ""],
        ["range", "score", "How safe do the ${members} members feel?", "From 0 to 10", "start=0 end=10 step=2", ""],
        ["range", "plain", "Default range", "", "", ""],
        ["rank needs", "needs", "Rank the needs of ${members} people", "Then ${later}", "", ""],
        ["acknowledge", "consent", "I agree", "", "", "yes"],
        ["trigger", "seen", "Seen", "", "", ""],
        ["geopoint", "where", "Location", "", "", ""],
        ["text", "later", "Later", "", "", ""],
        ["end group", "", "", "", "", ""],
        ["note", "bye", "Thanks, ${nobody}", "", "", ""],
    ], CHOICES)


def test_new_types_import_with_their_parameters_choices_and_piped_references(tmp_path):
    path = survey(tmp_path)
    result = import_xlsform(path)
    q = result.questionnaire
    assert [(x.id, x.type) for x in q.questions()] == [
        ("hh.members", "integer"), ("hh.score", "range"), ("hh.plain", "range"), ("hh.needs", "rank"),
        ("hh.consent", "acknowledge"), ("hh.seen", "acknowledge"), ("hh.where", "geopoint"), ("hh.later", "text"),
        ("calc.bye", "note")]
    score, plain = q.question("hh.score"), q.question("hh.plain")
    assert (score.min, score.max, score.step) == (0, 10, 2)
    assert (plain.min, plain.max, plain.step) == (1, 10, None)  # ODK's defaults: 1 to 10 in steps of 1
    assert score.label == {"en": "How safe do the ${hh.members} members feel?"}
    assert q.question("hh.needs").help == {"en": "Then ${hh.later}"}  # a later answer may be shown too
    assert [c.code for c in q.question("hh.needs").choices] == ["food", "water", "shelter"]
    assert q.question("calc.bye").label == {"en": "Thanks, [nobody]"}
    assert texts(result.warnings, path) == [
        "survey row 12: the label refers to an answer fieldkit cannot show (${nobody} is not a name in the survey); "
        "it shows [nobody] instead"]
    cleaned = clean_answers(q, {"hh.score": "6", "hh.needs": "water food shelter", "hh.consent": "OK",
                                "hh.where": "63.8258 20.263 12 5"})
    assert cleaned.errors == {}
    assert cleaned.answers == {"hh.score": 6, "hh.needs": ["water", "food", "shelter"], "hh.consent": "OK",
                               "hh.where": {"lat": 63.8258, "lon": 20.263, "alt": 12.0, "acc": 5.0}}


def test_new_types_export_through_pyxform_and_import_back_the_same(tmp_path):
    questionnaire = import_xlsform(survey(tmp_path)).questionnaire
    out = tmp_path / "out"
    out.mkdir()
    workbook, xform = exported_xform(questionnaire, out)  # pyxform converts it without a warning
    assert '<range ref="/data/hh/score" start="0" end="10" step="2">' in xform
    assert '<range ref="/data/hh/plain" start="1" end="10" step="1">' in xform
    assert '<bind nodeset="/data/hh/needs" type="odk:rank"/>' in xform and '<odk:rank ref="/data/hh/needs">' in xform
    assert '<bind nodeset="/data/hh/where" type="geopoint"/>' in xform
    assert '<trigger ref="/data/hh/consent">' in xform
    assert "How safe do the <output value=\" /data/hh/members \"/> members feel?" in xform  # ODK's piping
    again = import_xlsform(workbook).questionnaire
    assert again.to_dict() == questionnaire.to_dict()


def test_media_geotrace_and_barcode_rows_stay_unsupported_with_a_message_naming_the_row(tmp_path):
    path = write_form(tmp_path, [
        ["type", "name", LABEL],
        ["text", "name", "Name"],
        ["image", "photo", "Photo"],
        ["geotrace", "route", "Route"],
        ["barcode", "code", "Code"],
    ])
    result = import_xlsform(path, skip_unsupported=True)
    assert [q.id for q in result.questionnaire.questions()] == ["calc.name"]
    assert texts(result.left_out, path) == [
        "survey row 3: type 'image' is not supported",
        "survey row 4: type 'geotrace' is not supported",
        "survey row 5: type 'barcode' is not supported",
    ]
