"""XLSForm rows whose choices come from a file the form ships as media: select_one_from_file / select_multiple_from_file.

The file (CSV, ODK's itemset XML, GeoJSON) is read once, next to the workbook or in `--media`, and its choices
become an ordinary list of the definition. A missing file leaves the row out (or fails the import, naming the
row and the file); a broken one always fails; an XML file may declare no entity.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from exports import ExportFilter, build_report, iter_csv
from fieldkit.cli import main
from forms import clean_answers
from forms.xlsform import XLSFormError, import_xlsform
from forms.xlsform import media
from sync import store

from field_helpers import section_post, start_interview
from test_xlsform import exported_xform
from test_xlsform_calculations import LABEL, texts, write_form

SV = "label::Svenska (sv)"
HOSPITALS = "name,label::English (en),label::Svenska (sv),lan\n" \
            "nus,University Hospital,Universitetssjukhuset,24\n" \
            "skas,Skaraborg Hospital,Skaraborgs sjukhus,14\n" \
            "sus,Skåne University Hospital,Skånes universitetssjukhus,12\n"


def hospital_form(tmp_path: Path, kind: str = "select_one_from_file hospitals.csv", parameters: str = "",
                  follow: bool = True) -> Path:
    """A form with a question on a list from a file, a follow-up that names it, and a question of its own."""
    return write_form(tmp_path, [
        ["type", "name", LABEL, SV, "relevant", "parameters"],
        ["begin group", "vard", "Care", "Vård", "", ""],
        [kind, "sjukhus", "Which hospital?", "Vilket sjukhus?", "", parameters],
        *([["text", "varfor", "Why?", "Varför?", "${sjukhus} != ''", ""]] if follow else []),
        ["integer", "besok", "Visits", "Besök", "", ""],
        ["end group", "", "", "", "", ""],
    ])


def test_choices_from_a_csv_next_to_the_workbook_become_an_ordinary_list(tmp_path):
    (tmp_path / "hospitals.csv").write_text(HOSPITALS, encoding="utf-8")
    path = hospital_form(tmp_path)
    result = import_xlsform(path)
    question = result.questionnaire.question("vard.sjukhus")
    assert question.type == "single"
    assert [(c.code, c.label) for c in question.choices] == [
        ("nus", {"en": "University Hospital", "sv": "Universitetssjukhuset"}),
        ("skas", {"en": "Skaraborg Hospital", "sv": "Skaraborgs sjukhus"}),
        ("sus", {"en": "Skåne University Hospital", "sv": "Skånes universitetssjukhus"})]
    assert result.questionnaire.question("vard.varfor").relevant == "vard.sjukhus is answered"
    # the note says which file the choices came from
    assert texts(result.warnings, path) == [
        "survey row 3: the 3 choices come from the file 'hospitals.csv': they are now an ordinary list of the "
        "definition, so import the form again when the file changes"]
    assert result.rows_left_out == []


def test_a_multiple_choice_from_an_odk_itemset_xml(tmp_path):
    (tmp_path / "fruits.xml").write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<root>\n"
        "  <item><name>apple</name><label>Apple &amp; pear</label></item>\n"
        "  <item>\n    <name>plum</name>\n    <label>Plum</label>\n  </item>\n</root>\n", encoding="utf-8")
    path = hospital_form(tmp_path, "select_multiple_from_file fruits.xml")
    question = import_xlsform(path).questionnaire.question("vard.sjukhus")
    assert question.type == "multi"
    # an untagged label is in the form's first language
    assert [(c.code, c.label) for c in question.choices] == [("apple", {"en": "Apple & pear"}), ("plum", {"en": "Plum"})]


def test_a_geojson_file_gives_its_features_ids_and_titles(tmp_path):
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [20.26, 63.82]},
                 "properties": {"id": "umea", "title": "Umeå", "lan": "24"}},
                {"type": "Feature", "id": "lulea", "geometry": None, "properties": {"title": "Luleå"}}]
    (tmp_path / "places.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                                             encoding="utf-8")
    path = hospital_form(tmp_path, "select_one_from_file places.geojson")
    question = import_xlsform(path).questionnaire.question("vard.sjukhus")
    assert [(c.code, c.text("en")) for c in question.choices] == [("umea", "Umeå"), ("lulea", "Luleå")]


def test_parameters_name_the_value_and_label_columns(tmp_path):
    (tmp_path / "units.csv").write_text("id,display,name\n1,One,x\n2,Two,y\n", encoding="utf-8")
    path = hospital_form(tmp_path, "select_one_from_file units.csv", parameters="value=id label=display")
    question = import_xlsform(path).questionnaire.question("vard.sjukhus")
    assert [(c.code, c.text("en")) for c in question.choices] == [("1", "One"), ("2", "Two")]


def test_a_choice_filter_compares_a_column_of_the_file(tmp_path):
    (tmp_path / "hospitals.csv").write_text(HOSPITALS, encoding="utf-8")
    path = write_form(tmp_path, [
        ["type", "name", LABEL, "choice_filter"],
        ["select_one lan", "lan", "County", ""],
        ["select_one_from_file hospitals.csv", "sjukhus", "Hospital", "lan=${lan}"],
    ], [["list_name", "name", LABEL], ["lan", "24", "Västerbotten"], ["lan", "12", "Skåne"]])
    questionnaire = import_xlsform(path).questionnaire
    question = questionnaire.question("calc.sjukhus")
    assert question.filter == {"lan": "calc.lan"}
    assert question.offered(lambda qid: "24") == {"nus"}
    assert clean_answers(questionnaire, {"calc.lan": "24", "calc.sjukhus": "sus"}, lang="en").errors == {
        "calc.sjukhus": '"Skåne University Hospital" does not fit the answer to "County": choose again.'}


def test_a_missing_file_leaves_the_row_out_or_fails_naming_the_row_and_the_file(tmp_path):
    path = hospital_form(tmp_path)
    missing = ("survey row 3: the choices file 'hospitals.csv' was not found next to the workbook (give the folder "
               "that holds it with --media)")
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(path)
    assert texts(caught.value.problems, path) == [
        missing,
        "survey row 4: relevant \"${sjukhus} != ''\" cannot be translated: refers to ${sjukhus} (row 3), which was "
        "left out: the choices file 'hospitals.csv' was not found next to the workbook (give the folder that holds "
        "it with --media)"]
    result = import_xlsform(path, skip_unsupported=True)
    assert texts(result.left_out, path)[0] == missing
    assert result.rows_left_out == [3, 4]


def test_the_command_reads_the_files_of_media_and_says_where_the_choices_came_from(runner, tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    (folder / "hospitals.csv").write_text(HOSPITALS, encoding="utf-8")
    path = hospital_form(tmp_path)
    out = tmp_path / "out"
    refused = runner.invoke(main, ["forms", "import", str(path), "--out", str(out)])
    assert refused.exit_code == 1
    assert f"{path}: survey row 3: the choices file 'hospitals.csv' was not found next to the workbook" \
        in refused.output
    done = runner.invoke(main, ["forms", "import", str(path), "--media", str(folder), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert f"warning: {path}: survey row 3: the 3 choices come from the file 'media/hospitals.csv'" in done.output
    definition = yaml.safe_load((out / "calc-1.yaml").read_text(encoding="utf-8"))
    [question] = [q for q in definition["sections"][0]["questions"] if q["id"] == "sjukhus"]
    assert [c["code"] for c in question["choices"]] == ["nus", "skas", "sus"]


def test_the_workbooks_media_folder_is_looked_in_too(tmp_path):
    (tmp_path / "form-media").mkdir()
    (tmp_path / "form-media" / "hospitals.csv").write_text(HOSPITALS, encoding="utf-8")
    result = import_xlsform(hospital_form(tmp_path))
    assert len(result.questionnaire.question("vard.sjukhus").choices) == 3
    assert "'form-media/hospitals.csv'" in str(result.warnings[0])


@pytest.mark.parametrize("name, content, message", [
    ("hospitals.csv", "code,label\na,A\n", "the choices file 'hospitals.csv' has no 'name' column (or element): "
                                           "the choices' names"),
    ("hospitals.csv", b"name,label\na,\xe5\n", "the choices file 'hospitals.csv' cannot be read: it is not UTF-8 "
                                               "text (byte 14)"),
    ("items.xml", "<root><item><name>a</name>", "the choices file 'items.xml' cannot be read: line 1: no element "
                                                "found"),
    ("items.geojson", '{"type": "Feature"}', "the choices file 'items.geojson' cannot be read: it is not a GeoJSON "
                                             "FeatureCollection with a list of features"),
])
def test_a_broken_file_fails_the_import_even_with_skip(tmp_path, name, content, message):
    target = tmp_path / name
    target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    path = hospital_form(tmp_path, f"select_one_from_file {name}", follow=False)
    for skip in (False, True):
        with pytest.raises(XLSFormError) as caught:
            import_xlsform(path, skip_unsupported=skip)
        assert f"survey row 3: {message}" in texts(caught.value.problems, path)


def test_rows_of_a_file_are_checked_like_the_choices_sheet_and_named_by_the_file(tmp_path):
    (tmp_path / "hospitals.csv").write_text("name,label\nnus,A\n,B\nnus,C\n", encoding="utf-8")
    path = hospital_form(tmp_path, follow=False)
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(path)
    assert texts(caught.value.problems, path) == [
        "hospitals.csv row 3: a choice in list 'hospitals.csv' has no name",
        "hospitals.csv row 4: choice 'nus' repeats in list 'hospitals.csv' (first on row 2)"]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<root><item><name>a</name><label>&lol3;</label></item></root>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE root [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<root><item><name>a</name><label>&secret;</label></item></root>
"""


@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL])
def test_an_xml_file_may_declare_no_entity(tmp_path, content):
    (tmp_path / "items.xml").write_text(content, encoding="utf-8")
    path = hospital_form(tmp_path, "select_one_from_file items.xml", follow=False)
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(path, skip_unsupported=True)
    assert texts(caught.value.problems, path) == [
        "survey row 3: the choices file 'items.xml' cannot be read: line 2: a DOCTYPE or entity declaration is not "
        "allowed"]


def test_an_undeclared_entity_is_refused_too(tmp_path):
    (tmp_path / "items.xml").write_text("<root><item><name>a</name><label>&lol;</label></item></root>",
                                        encoding="utf-8")
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(hospital_form(tmp_path, "select_one_from_file items.xml"))
    assert "undefined entity" in str(caught.value.problems[0])


def test_file_names_cannot_leave_the_media_folder_and_sizes_are_limited(tmp_path, monkeypatch):
    (tmp_path / "secret.csv").write_text("name,label\na,A\n", encoding="utf-8")
    (tmp_path / "inner").mkdir()
    path = hospital_form(tmp_path / "inner", "select_one_from_file ../secret.csv", follow=False)
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(path, skip_unsupported=True)
    assert texts(caught.value.problems, path) == [
        "survey row 3: the choices file '../secret.csv' must be a plain file name, without a folder"]
    (tmp_path / "hospitals.csv").write_text(HOSPITALS, encoding="utf-8")
    monkeypatch.setattr(media, "MAX_BYTES", 100)
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(hospital_form(tmp_path, follow=False))
    assert "the choices file 'hospitals.csv' cannot be read: it is larger than" in str(caught.value.problems[0])
    monkeypatch.setattr(media, "MAX_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(media, "MAX_CHOICES", 2)
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(hospital_form(tmp_path, follow=False))
    assert texts(caught.value.problems, tmp_path / "form.xlsx") == [
        "survey row 3: the choices file 'hospitals.csv' has 3 choices, more than the 2 a fieldkit definition can hold"]


def test_a_list_from_a_file_exports_as_an_ordinary_list_that_pyxform_converts(tmp_path):
    (tmp_path / "hospitals.csv").write_text(HOSPITALS, encoding="utf-8")
    questionnaire = import_xlsform(hospital_form(tmp_path)).questionnaire
    (tmp_path / "back").mkdir()
    workbook, xform = exported_xform(questionnaire, tmp_path / "back")  # pyxform converts it without a warning
    assert "Skaraborgs sjukhus" in xform and "select_one_from_file" not in xform
    assert import_xlsform(workbook).questionnaire.to_dict() == questionnaire.to_dict()


def test_imported_from_a_file_interviewed_through_the_pages_and_exported(tmp_path, client, db):
    (tmp_path / "hospitals.csv").write_text(HOSPITALS, encoding="utf-8")
    questionnaire = import_xlsform(hospital_form(tmp_path)).questionnaire
    with store.transaction(db):
        store.add_questionnaire(db, questionnaire, origin="form.xlsx")
    sid, location = start_interview(client, questionnaire.id, "0180")
    page = client.get(location).data.decode()
    assert "Skaraborgs sjukhus" in page  # the file's choices, in Swedish
    section = questionnaire.sections[0]
    answers = {"vard.sjukhus": "skas", "vard.varfor": "Nära", "vard.besok": 2}
    response = client.post(location, data=section_post(questionnaire, section, answers))
    assert response.status_code == 302 and response.headers["Location"].endswith("/granska")
    assert client.post(f"/s/{sid}/slutfor").status_code == 302
    assert store.get_submission(db, sid).answers == answers
    text = "".join(iter_csv(build_report(db, ExportFilter(questionnaire.id, status="complete"), "sv")))
    [row] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert (row["vard.sjukhus"], row["vard.varfor"]) == ("Skaraborgs sjukhus", "Nära")  # the file's label
