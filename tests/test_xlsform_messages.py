"""Import messages that name the real cause: a question whose choice list is missing (not the repeat or group
whose relevant uses it), a choice_filter fieldkit cannot read (with the filter it reads instead), legacy
cascading selects, and a version cell Excel holds as a number."""

from __future__ import annotations

import openpyxl
import pytest

from forms.xlsform import import_xlsform
from forms.xlsform.problems import XLSFormError


def workbook(path, survey, choices=None, version="1"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(list(row))
    if choices:
        sheet = book.create_sheet("choices")
        for row in choices:
            sheet.append(list(row))
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", "default_language"])
    settings.append(["msgs", version, "English (en)"])
    book.save(path)
    return path


def problems(path, skip=False):
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(path, skip_unsupported=skip)
    return [str(p).removeprefix(f"{path}: ") for p in caught.value.problems]


def warnings(result, path):
    return [str(w).removeprefix(f"{path}: ") for w in result.warnings]


CHOICES = [("list_name", "name", "label"), ("yn", "yes", "Yes"), ("yn", "no", "No")]


@pytest.mark.parametrize("kind", ["repeat", "group"])
def test_a_relevant_on_a_question_without_its_list_names_that_question_and_list(tmp_path, kind):
    path = workbook(tmp_path / "form.xlsx", [
        ("type", "name", "label", "relevant"),
        ("select_one countries", "country", "Country?", None),
        (f"begin {kind}", "visits", "Visits", "${country} = 'se'"),
        ("text", "place", "Where?", None),
        (f"end {kind}", None, None, None),
    ], CHOICES)
    for skip in (False, True):
        assert problems(path, skip) == [
            "survey row 2: unknown choice list 'countries': no choices row has list_name 'countries'",
            f"survey row 3: relevant \"${{country}} = 'se'\" cannot be translated: refers to ${{country}} (row 2), "
            "which was left out: its choice list 'countries' is missing: no choices row has list_name 'countries' "
            f"(the {kind} spans rows 3-5)",
        ]


def test_a_relevant_on_a_question_whose_list_is_broken_says_so(tmp_path):
    path = workbook(tmp_path / "form.xlsx", [
        ("type", "name", "label", "relevant"),
        ("select_one yn", "ok", "OK?", None),
        ("text", "why", "Why?", "${ok} = 'no'"),
    ], CHOICES + [("yn", "no", "Nej")])
    assert problems(path) == [
        "survey row 3: relevant \"${ok} = 'no'\" cannot be translated: refers to ${ok} (row 2), which was left "
        "out: its choice list 'yn' has errors (sheet 'choices')",
        "choices row 4: choice 'no' repeats in list 'yn' (first on row 3)",
    ]


CASCADE = [("list_name", "name", "label", "country"), ("country", "se", "Sweden", None),
           ("country", "no", "Norway", None), ("province", "sk", "Skåne", "se"), ("province", "os", "Oslo", "no")]


def test_a_choice_filter_with_in_is_refused_with_the_filter_fieldkit_reads(tmp_path):
    path = workbook(tmp_path / "form.xlsx", [
        ("type", "name", "label", "choice_filter"),
        ("select_one country", "country", "Country?", None),
        ("select_one province", "province", "Province?", "province in ${country}"),
    ], CASCADE)
    message = ("survey row 3: choice_filter \"province in ${country}\": 'in' is not an XPath operator (pyxform "
               "passes the filter on unchecked), so the question is left out (it would offer every choice of the "
               "list). fieldkit reads a column of the choices sheet equal to an earlier answer: column=${name} "
               "(or ${name}=column), several joined by 'and' (here perhaps country=${country})")
    assert problems(path) == [message]
    skipped = import_xlsform(path, skip_unsupported=True)
    assert warnings(skipped, path) == [message]  # never silently gone
    assert skipped.rows_left_out == [3]


def test_the_filter_the_message_proposes_imports(tmp_path):
    path = workbook(tmp_path / "form.xlsx", [
        ("type", "name", "label", "choice_filter"),
        ("select_one country", "country", "Country?", None),
        ("select_one province", "province", "Province?", "country=${country}"),
    ], CASCADE)
    province = import_xlsform(path).questionnaire.question("msgs.province")
    assert province.filter == {"country": "msgs.country"}


def test_legacy_cascading_select_says_how_to_write_it_today(tmp_path):
    path = workbook(tmp_path / "form.xlsx", [
        ("type", "name", "label"),
        ("text", "name", "Name?"),
        ("cascading_select location", "place", "Where?"),
    ])
    assert problems(path) == [
        "survey row 3: type 'cascading_select location' is not supported (pyxform no longer accepts it either): "
        "write a select_one per level on the choices sheet, the lower level filtered by the upper with a "
        "choice_filter such as country=${country}"]


def test_a_version_excel_holds_as_a_number_says_to_write_it_as_text(tmp_path):
    path = workbook(tmp_path / "form.xlsx", [("type", "name", "label"), ("text", "name", "Name?")], version=1.10)
    result = import_xlsform(path)
    assert result.questionnaire.version == "1.1"
    assert warnings(result, path) == [
        "settings row 2: version 1.1 is a number in the spreadsheet, and as a number 1.10 reads as 1.1: if the "
        "version is meant otherwise, write the cell as text (type it with a leading apostrophe, '1.10, or format "
        "the cell as Text); the questionnaire gets version '1.1'"]
    as_text = workbook(tmp_path / "text.xlsx", [("type", "name", "label"), ("text", "name", "Name?")],
                       version="1.10")
    result = import_xlsform(as_text)
    assert (result.questionnaire.version, result.warnings) == ("1.10", [])
    whole = workbook(tmp_path / "whole.xlsx", [("type", "name", "label"), ("text", "name", "Name?")], version=2)
    assert import_xlsform(whole).warnings == []
