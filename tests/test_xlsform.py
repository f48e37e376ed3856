"""XLSForm import and export: the corpus in tests/xlsforms, the shipped library, the command line.

Every corpus file has an expected outcome below: it imports, it imports once
its unsupported rows are left out, or it fails with the exact row messages.
A form that imports must also render section by section as WTForms forms and
accept a plausible answer set, as the interview page would.
"""

from __future__ import annotations

import collections
import itertools
import json
import random
import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pytest
from pyxform.xls2xform import convert
from werkzeug.datastructures import MultiDict

from fieldkit.cli import main
from forms import clean_answers, from_dict, load, parse_condition
from forms.library import library_files
from forms.model import Questionnaire
from forms.webform import build_section_form, formdata_for
from forms.xlsform import XLSFormError, export_xlsform, import_xlsform, make_id
from forms.xlsform.languages import language_code, language_tag

CORPUS = Path(__file__).resolve().parent / "xlsforms"
FORM_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".md")
XF = "{http://www.w3.org/2002/xforms}"

#: Files that import as they are: path -> number of questions.
IMPORTS = {
    "XLSForm__pyxform/excel_with_macros.xlsm": 2,
    "XLSForm__pyxform/field-list.xlsx": 1,
    "XLSForm__pyxform/group.xlsx": 3,
    "XLSForm__pyxform/xl_date_ambiguous_v1.xlsx": 5,
    "fieldkit/constraints.xlsx": 8,
    "fieldkit/csv_variant.csv": 2,
    "fieldkit/exported_demo.xlsx": 14,
    "fieldkit/groups_nested.xlsx": 5,
    "fieldkit/languages_english_first.xlsx": 2,
    "fieldkit/languages_named.xlsx": 1,
    "fieldkit/languages_plain_default.xlsx": 1,
    "fieldkit/likert_scale.xlsx": 3,
    "fieldkit/matrix.xlsx": 5,
    "fieldkit/metadata.xlsx": 10,
    "fieldkit/multiline.xlsx": 2,
    "fieldkit/or_other.xlsx": 5,
    "fieldkit/relevant_translations.xlsx": 21,
    "fieldkit/settings_and_names.xlsx": 5,
    "fieldkit/special_codes.xlsx": 5,
    "fieldkit/types_basic.xlsx": 8,
    "kobotoolbox__kobocat/form_with_unicode_in_relevant_column.xlsx": 2,
    "kobotoolbox__kobocat/sample_accent.xlsx": 1,
}

#: Files that fail with these messages, and import with --skip-unsupported: path -> (questions, messages).
IMPORTS_WITH_SKIP = {
    "XLSForm__pyxform/UCL_Biomass_Plot_Form.xlsx": (24, [
        "survey row 16: the choices file 'UCL_regions.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 17: the choices file 'UCL_districts.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 18: the choices file 'UCL_villages.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 20: the choices file 'ULC_Biomass_Plots.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 23: type 'image' is not supported",
        "survey row 26: calculation 'round(15 div (sqrt(cos(atan(${slope} div 100)))),2)' cannot be translated: the function sqrt() is not supported here",
        "survey row 27: calculation 'round(5 div (sqrt(cos(atan(${slope} div 100)))),2)' cannot be translated: the function sqrt() is not supported here",
        "survey row 33: calculation '${plot_id}' cannot be translated: refers to ${plot_id} (row 20), which was left out: the choices file 'ULC_Biomass_Plots.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 35: the choices file 'species_names.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 36: relevant '${latin_name_id}=‘other’' cannot be translated: refers to ${latin_name_id} (row 35), which was left out: the choices file 'species_names.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 39: calculation 'if(${tree_distance} > ${slope_radius_inner}, 15, 6)' cannot be translated: refers to ${slope_radius_inner} (row 27), which was left out: calculation 'round(5 div (sqrt(cos(atan(${slope} div 100)))),2)' cannot be translated: the function sqrt() is not supported here",
        'survey row 43: a repeat inside a repeat is not supported (it spans rows 43-51)',
        "survey row 57: the choices file 'species_names.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 58: relevant '${stump_latin_name_id}=‘other’' cannot be translated: refers to ${stump_latin_name_id} (row 57), which was left out: the choices file 'species_names.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 65: type 'image' is not supported",
        "survey row 73: the choices file 'species_names.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 74: relevant '${latin_name_id_sp1}=‘other’' cannot be translated: refers to ${latin_name_id_sp1} (row 73), which was left out: the choices file 'species_names.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 81: the choices file 'species_names.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 82: relevant '${latin_name_id_sp2}=‘other’' cannot be translated: refers to ${latin_name_id_sp2} (row 81), which was left out: the choices file 'species_names.csv' was not found next to the workbook (give the folder that holds it with --media)",
    ]),
    "XLSForm__pyxform/case_insensitivity.xlsx": (1, [
        "survey row 3: type 'select_one_external c1' is not supported",
        "survey row 4: type 'osm c1' is not supported",
    ]),
    "XLSForm__pyxform/choice_filter_test.xlsx": (1, [
        "survey row 3: choice 'king' appears twice in list 'counties', which a choice_filter allows in ODK; in "
        "fieldkit a code is one choice, so the question is left out",
        "survey row 4: choice_filter '${county}=cf' cannot be translated: refers to ${county} (row 3), which was "
        "left out: choice 'king' appears twice in list 'counties', which a choice_filter allows in ODK; in fieldkit "
        "a code is one choice, so the question is left out",
    ]),
    "XLSForm__pyxform/loop.csv": (1, [
        "survey row 3: type 'begin loop over toilet_type' is not supported: fieldkit does not support loops "
        "yet (the loop spans rows 3-5)",
    ]),
    "XLSForm__pyxform/loop.xlsx": (1, [
        "survey row 3: type 'begin loop over toilet_type' is not supported: fieldkit does not support loops "
        "yet (the loop spans rows 3-5)",
    ]),
    "XLSForm__pyxform/or_other.xlsx": (2, [
        "survey row 3: choice_filter 'pastel=yes' cannot be translated: fieldkit reads column=${name} (or "
        "${name}=column), joined by 'and', so the question is left out (it would show every choice of the list)",
    ]),
    "XLSForm__pyxform/widgets.csv": (20, [
        "survey row 10: relevant \"selected(/widgets/branch, 'n')\" cannot be translated: /widgets/branch is not a "
        "path in the survey",
        "survey row 12: type 'barcode' is not supported",
        "survey row 13: type 'image' is not supported",
        "survey row 14: type 'audio' is not supported",
        "survey row 15: type 'video' is not supported",
    ]),
    "XLSForm__pyxform/xl_date_ambiguous.xlsx": (3, [
        "survey row 5: choice_filter \"label::English != ''\" cannot be translated: fieldkit reads column=${name} (or "
        "${name}=column), joined by 'and', so the question is left out (it would show every choice of the list)",
    ]),
    "XLSForm__pyxform/xlsform_spec_test.xlsx": (36, [
        'survey row 7: relevant "regex(${address}, \'[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\\\.[A-Za-z]{2,4}\')" cannot be translated: the function regex() is not supported here',
        'survey row 16: a group inside a repeat is not supported (it spans rows 16-19)',
        'survey row 20: a group inside a repeat is not supported (it spans rows 20-23)',
        'survey row 24: a group inside a repeat is not supported (it spans rows 24-26)',
        "survey row 35: type 'barcode' is not supported",
        "survey row 36: type 'image' is not supported",
        "survey row 37: type 'audio' is not supported",
        "survey row 38: type 'video' is not supported",
    ]),
    "getodk__docs/form-logic.xlsx": (37, [
        "survey row 48: calculation 'sum(${people}[age < 18]/pet_count)' cannot be translated: the operator '[' is "
        "not supported",
        "survey row 56: type 'select_one ${person_name}' is not supported: fieldkit has no choices made from the "
        "answers to ${person_name}",
        "survey row 57: type 'select_one ${person_name}' is not supported: fieldkit has no choices made from the "
        "answers to ${person_name}",
    ]),
    "getodk__docs/question-types.xlsx": (42, [
        "survey row 16: the choices file 'hospitals.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 27: type 'geotrace' is not supported",
        "survey row 28: type 'geoshape' is not supported",
        "survey row 29: type 'geoshape' is not supported",
        "survey row 30: calculation 'area(${shape})' cannot be translated: the function area() is not supported here",
        "survey row 31: calculation 'round(${shape_area}, 2)' cannot be translated: refers to ${shape_area} (row 30), "
        "which was left out: calculation 'area(${shape})' cannot be translated: the function area() is not "
        "supported here",
        *[f"survey row {row}: type 'image' is not supported" for row in range(34, 41)],
        *[f"survey row {row}: type 'audio' is not supported" for row in (41, 42, 43, 45, 46, 47)],
        "survey row 48: type 'video' is not supported",
        "survey row 49: type 'video' is not supported",
        "survey row 50: type 'file' is not supported",
        "survey row 51: type 'file' is not supported",
        "survey row 52: type 'barcode' is not supported",
        "survey row 60: calculation \"concat('123456789','<br>’,'QR CODE','<br>','Text')\" cannot be translated: the "
        "operator \"'\" is not supported",
        "survey row 62: type 'image' is not supported",
        "survey row 74: type 'start-geopoint' is not supported",
        "survey row 75: type 'background-audio' is not supported",
    ]),
    "fieldkit/bad_expressions.xlsx": (15, [
        "survey row 7: relevant \"${later} = 'x'\" cannot be translated: ${later} comes later (row 11): conditions "
        "may only use earlier answers (or calculations)",
        "survey row 8: relevant \"${nobody} = 'x'\" cannot be translated: ${nobody} is not a name in the survey",
        "survey row 10: relevant \"${colours} = 'red'\" cannot be translated: compare a select_multiple with "
        "selected(), not =",
        "survey row 16: required '${age} > 18' is a condition: fieldkit supports only yes or no",
        "survey row 17: choice_filter 'colour = ${colours}' cannot be translated: ${colours} is a multi question, "
        "not one answer a choice can be compared with",
    ]),
    "fieldkit/unsupported_types.xlsx": (6, [
        "survey row 4: type 'image' is not supported",
        'survey row 5: the calculate row has no calculation',
        "survey row 11: the choices file 'places.csv' was not found next to the workbook (give the folder that holds it with --media)",
        "survey row 12: unknown type 'integr'",
    ]),
    "kobotoolbox__kobocat/exp.xlsx": (13, [
        "survey row 13: type 'image' is not supported",
    ]),
    "kobotoolbox__kobocat/paired/kobocat_csv_export/tutorial.xls": (5, [
        "survey row 4: type 'image' is not supported",
    ]),
    "kobotoolbox__kobocat/paired/kobocat_csv_export/tutorial_w_repeats.xls": (6, [
        "survey row 4: type 'image' is not supported",
    ]),
    "kobotoolbox__kobocat/paired/kobocat_csv_import/tutorial.xls": (15, [
        "survey row 5: type 'photo' is not supported",
    ]),
    "kobotoolbox__kobocat/paired/kobocat_nested_repeats/nested_repeats.xls": (7, [
        'survey row 7: a repeat inside a repeat is not supported (it spans rows 7-9)',
    ]),
    "kobotoolbox__kobocat/paired/kobocat_transportation/transportation.xls": (1, [
        "survey row 5: type 'begin loop over transport_types' is not supported: fieldkit does not support loops "
        "yet (the loop spans rows 5-7)",
    ]),
}

#: Files that cannot be imported even leaving out unsupported rows: path -> messages.
FAILS = {
    "XLSForm__pyxform/duplicate_columns.xlsx": [
        "survey row 1: column 'label' appears twice (columns D and E): delete or rename one",
    ],
    "XLSForm__pyxform/loop.md": [
        "unknown file type '.md': give an .xlsx, .xls or .csv XLSForm",
    ],
    "XLSForm__pyxform/survey_no_name.xlsx": [
        "no sheet named 'survey' (the workbook has: Sheet1)",
    ],
    "fieldkit/duplicate_language_columns.xlsx": [
        "survey row 1: column 'label::English (en)' appears twice (columns C and D): delete or rename one",
    ],
    "fieldkit/empty_survey.xlsx": [
        "survey sheet: there are no questions that fieldkit can import",
    ],
    "fieldkit/list_errors.xlsx": [
        "survey row 2: unknown choice list 'nolist': no choices row has list_name 'nolist'",
        "survey row 5: list 'specials' has no choices besides vet_ej and ej_aktuellt",
        "survey row 6: fieldkit_type yesno needs a list with the choices ja and nej (list 'scores' has low)",
        "survey row 7: fieldkit_type 'money' does not fit type 'text' (it may be longtext, text)",
        "choices row 4: choice 'a' repeats in list 'dupes' (first on row 2)",
        "choices row 5: a choice in list 'dupes' has no name",
        "choices row 6: score 'one' is not a number",
    ],
    "fieldkit/matrix_marker_error.xlsx": [
        "survey row 2: fieldkit_type matrix needs select_one rows sharing one list, each with appearance label or "
        "list-nolabel",
    ],
    "fieldkit/no_choices_sheet.xlsx": [
        "survey row 2: unknown choice list 'yes_no': the workbook has no choices sheet",
    ],
    "fieldkit/no_sheet_name.csv": [
        "cannot read the file as a CSV XLSForm: the first column must name the sheet (survey, choices, settings) "
        "as in pyxform's CSV layout, but this file starts with a header row",
    ],
    "fieldkit/no_type_column.xlsx": [
        "survey row 1: the survey sheet has no 'type' column",
    ],
    "fieldkit/not_a_workbook.xlsx": [
        "cannot read the file as an .xlsx workbook: File is not a zip file",
    ],
    "fieldkit/structure_errors.xlsx": [
        "survey row 2: the row has no type: give one (e.g. text) or delete the row",
        "survey row 3: the text question has no name",
        "survey row 4: 'end group' without a 'begin group' before it",
        "survey row 7: the name 'q1' is already used on row 6 in the same group: names must differ",
        "survey row 8: 'end repeat' closes the group 'outer' begun on row 5: write 'end group'",
        "survey row 9: 'begin group' 'open' is never closed: add an 'end group' row",
    ],
    "kobotoolbox__kobocat/paired/kobocat_csv_export/double_repeat.xls": [
        "survey sheet: there are no questions that fieldkit can import",
        "survey row 2: repeat 'bed_net' has no question fieldkit can import (it spans rows 2-6)",
        "survey row 3: a repeat inside a repeat is not supported (it spans rows 3-5)",
    ],
}


def corpus_files() -> list[str]:
    return sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*")
                  if p.suffix in FORM_SUFFIXES and p.name != "README.md")


def messages(problems, path: Path) -> list[str]:
    return [str(p).removeprefix(f"{path}: ") for p in problems]


# ---------------------------------------------------------------- answering an imported questionnaire

def example_text(pattern: str) -> str:
    """A short string that `re.fullmatch(pattern, ...)` accepts (enough for the corpus patterns)."""
    from re import _constants as c, _parser as p  # the stdlib parser; sre_parse warns on import

    def gen(parsed) -> str:
        out = []
        for op, av in parsed:
            if op is c.LITERAL:
                out.append(chr(av))
            elif op is c.NOT_LITERAL or op is c.ANY:
                out.append("a" if av != ord("a") else "b")
            elif op is c.IN:
                out.append(one_of(av))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                out.append(gen(av[2]) * av[0])
            elif op is c.SUBPATTERN:
                out.append(gen(av[-1]))
            elif op is c.BRANCH:
                out.append(gen(av[1][0]))
        return "".join(out)

    def one_of(items) -> str:
        for op, av in items:
            if op is c.LITERAL:
                return chr(av)
            if op is c.RANGE:
                return chr(av[0])
            if op is c.CATEGORY:
                return {c.CATEGORY_DIGIT: "0", c.CATEGORY_SPACE: " "}.get(av, "a")
        return "a"

    return gen(p.parse(pattern))


def plausible_answers(questionnaire: Questionnaire) -> dict:
    """One valid raw answer for every answerable question (irrelevant ones are skipped by cleaning)."""
    raw: dict = {}
    for question in questionnaire.questions():
        qtype, low, high = question.type, question.min, question.max
        codes = [c.code for c in question.choices]
        if qtype in ("single", "scale", "yesno"):
            raw[question.id] = codes[0]
        elif qtype == "multi":
            raw[question.id] = codes[:max(low or 1, 1)]
        elif qtype == "matrix":
            raw[question.id] = {item.code: codes[0] for item in question.items}
        elif qtype in ("integer", "money", "decimal"):
            raw[question.id] = low if low is not None else (min(high, 1) if high is not None else 1)
        elif qtype == "date":
            raw[question.id] = low or high or "2024-05-02"
        elif qtype in ("text", "longtext"):
            text = example_text(question.pattern) if question.pattern else "Ett svar"
            raw[question.id] = text[: question.max_length] if question.max_length else text
        elif qtype in ("range", "rank", "acknowledge"):
            raw[question.id] = low if qtype == "range" else codes if qtype == "rank" else "OK"
        elif qtype == "geopoint":
            raw[question.id] = {"lat": 63.8258, "lon": 20.263}
    return raw


def interview(questionnaire: Questionnaire) -> dict:
    """Fill every section through its WTForms form, as the interview page does; return the answers."""
    raw = plausible_answers(questionnaire)
    for qid in clean_answers(questionnaire, raw).errors:  # an answer that breaks a form's rule is left unanswered
        rule = questionnaire.question(qid)
        if rule is not None and rule.rule == "constraint":
            raw.pop(parse_condition(rule.expression).references()[0], None)
    earlier: dict = {}
    for section in questionnaire.sections:
        form_class = build_section_form(questionnaire, section, lang=questionnaire.languages[0])
        pairs = [(name, str(item)) for name, value in formdata_for(questionnaire, section, raw).items()
                 for item in (value if isinstance(value, list) else [value])]
        form = form_class(formdata=MultiDict(pairs))
        for field in form:
            assert f'name="{field.name}"' in field(), field.name
        cleaned = form.validate_answers(earlier)
        own = {q.id for q in section.questions}
        assert {k: v for k, v in cleaned.errors.items() if k in own} == {}
        assert form.section_errors() == []
        earlier = cleaned.answers
    final = clean_answers(questionnaire, raw)
    assert final.errors == {}
    return final.answers


# ---------------------------------------------------------------- the corpus

def test_every_corpus_file_has_an_expected_outcome():
    expected = set(IMPORTS) | set(IMPORTS_WITH_SKIP) | set(FAILS)
    assert set(corpus_files()) == expected
    assert len(expected) >= 25


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_corpus_form_imports_and_takes_an_interview(name):
    result = import_xlsform(CORPUS / name)
    assert sum(1 for _ in result.questionnaire.questions()) == IMPORTS[name]
    assert result.left_out == []
    assert interview(result.questionnaire)


@pytest.mark.parametrize("name", sorted(IMPORTS_WITH_SKIP))
def test_corpus_form_with_unsupported_rows_fails_but_imports_without_them(name):
    path = CORPUS / name
    count, expected = IMPORTS_WITH_SKIP[name]
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(path)
    assert messages(caught.value.problems, path) == expected
    result = import_xlsform(path, skip_unsupported=True)
    assert messages(result.left_out, path) == expected
    assert sum(1 for _ in result.questionnaire.questions()) == count
    assert interview(result.questionnaire)


@pytest.mark.parametrize("name", sorted(FAILS))
def test_corpus_form_fails_with_row_messages(name):
    path = CORPUS / name
    for skip in (False, True):
        with pytest.raises(XLSFormError) as caught:
            import_xlsform(path, skip_unsupported=skip)
        assert messages(caught.value.problems, path) == FAILS[name]


def left_out_kind(message: str) -> str:
    """What a row left out needs, from the message that leaves it out (for the corpus summary)."""
    if re.search(r"^[^']*'.*' cannot be translated: refers to \$\{\w+\} \(row \d+\), which was left out", message):
        return "refers to a row left out"
    found = re.search(r"type '(\S+)[^']*' is not supported(: fieldkit has no choices made)?", message)
    if found and found.group(2):
        return "select from a repeat's answers"
    if found:
        kind = found.group(1).lower()
        if kind in ("image", "photo", "audio", "video", "file", "background-audio"):
            return "media and files"
        return {"select_one_external": "choices from an external sheet",
                "geotrace": "geotrace, geoshape, start-geopoint", "geoshape": "geotrace, geoshape, start-geopoint",
                "start-geopoint": "geotrace, geoshape, start-geopoint", "begin": "legacy loop"}.get(kind, kind)
    if re.search(r": the choices file '[^']*' was not found", message):
        return "choices file not in the corpus"
    if "inside a repeat is not supported" in message:
        return "group or repeat inside a repeat"
    if "choice_filter" in message or "appears twice in list" in message:
        return "choice_filter fieldkit cannot read"
    if "device metadata" in message:
        return "device metadata (audit)"
    return "calculation" if ": calculation " in message else "relevant" if ": relevant " in message else message


def test_share_of_the_public_samples_question_rows_that_import(capsys):
    """Over the third-party forms that import with --skip-unsupported: question rows kept / question rows, and the
    rows left out by what they need (a repeat inside a repeat is one message for all its rows).
    """
    rows = kept = 0
    kinds: collections.Counter = collections.Counter()
    for name in sorted(IMPORTS) + sorted(IMPORTS_WITH_SKIP):
        if name.startswith("fieldkit/"):
            continue
        result = import_xlsform(CORPUS / name, skip_unsupported=True)
        rows += result.rows
        kept += result.rows - len(result.rows_left_out)
        by_row = {}
        for problem in [*result.left_out, *result.warnings]:
            found = re.search(r"survey row (\d+): .*?(?:spans rows (\d+)-(\d+))?\)?$", str(problem))
            if found:
                first, last = int(found.group(2) or found.group(1)), int(found.group(3) or found.group(1))
                for row in range(first, last + 1):
                    by_row.setdefault(row, str(problem))
        kinds.update(left_out_kind(by_row[row]) for row in result.rows_left_out)
    with capsys.disabled():
        print(f"\npublic XLSForm samples: {kept} of {rows} question rows import ({kept / rows:.0%}); left out:")
        for kind, count in kinds.most_common():
            print(f"  {count:3} {kind}")
    assert (kept, rows) == (248, 333)
    assert dict(kinds) == {
        "media and files": 31, "group or repeat inside a repeat": 13, "choices file not in the corpus": 9,
        "choices from an external sheet": 1,
        "refers to a row left out": 8, "calculation": 5,
        "geotrace, geoshape, start-geopoint": 4, "choice_filter fieldkit cannot read": 3, "legacy loop": 3,
        "barcode": 3, "relevant": 2, "select from a repeat's answers": 2, "osm": 1,
    }


def test_reading_the_samples_leaks_no_openpyxl_warnings():
    # Some sample workbooks make openpyxl warn about extensions it drops; the reader keeps that to itself.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import_xlsform(CORPUS / "kobotoolbox__kobocat/sample_accent.xlsx")
        import_xlsform(CORPUS / "XLSForm__pyxform/xl_date_ambiguous.xlsx", skip_unsupported=True)
    assert [str(w.message) for w in caught] == []


# ---------------------------------------------------------------- what the import makes of each feature

def imported(name: str, **kwargs) -> Questionnaire:
    return import_xlsform(CORPUS / "fieldkit" / name, **kwargs).questionnaire


def test_types_map_to_fieldkit_types():
    q = imported("types_basic.xlsx")
    assert [(x.id, x.type, x.required) for x in q.questions()] == [
        ("grund.intro", "note", False), ("grund.namn", "text", True), ("grund.beskrivning", "text", False),
        ("grund.antal", "integer", True), ("grund.andel", "decimal", False), ("grund.datum", "date", False),
        ("grund.kanal", "single", True), ("grund.amne", "multi", False),
    ]
    assert q.question("grund.namn").help == {"sv": "Förnamn och efternamn", "en": "First and last name"}
    assert [c.code for c in q.question("grund.amne").choices] == ["anvisning", "kvot", "familj"]
    assert (q.id, q.version, q.title) == ("types-basic", "1", {"sv": "Frågetyper"})
    assert [x.type for x in imported("multiline.xlsx").questions()] == ["text", "longtext"]


def test_language_columns_become_languages_first_column_first():
    assert imported("languages_english_first.xlsx").languages == ["en", "sv"]
    named = imported("languages_named.xlsx")
    assert named.languages == ["sv", "en"]
    farg = named.question("languages_named.farg")
    assert farg.label == {"sv": "Favoritfärg", "en": "Favourite colour"}
    assert farg.help == {"sv": "Välj en"}
    assert [c.label for c in farg.choices] == [{"sv": "Röd", "en": "Red"}, {"sv": "Blå"}]
    plain = imported("languages_plain_default.xlsx")
    assert plain.languages == ["en"]
    assert plain.question("plain_default.age").help == {"en": "In years"}


@pytest.mark.parametrize("tag, code", [
    ("English (en)", "en"), ("Svenska (sv)", "sv"), ("english", "en"), ("Swedish", "sv"), ("EN", "en"),
    ("Swahili (sw)", "sw"), ("chinese", "zh"), ("Tetun", "tet"), ("Tetun Dili", "tetundili"),
])
def test_language_tags_map_to_codes(tag, code):
    assert language_code(tag) == code


def test_untagged_labels_are_read_as_swedish_with_a_warning():
    path = CORPUS / "kobotoolbox__kobocat/sample_accent.xlsx"
    result = import_xlsform(path)
    assert result.questionnaire.languages == ["sv"]
    assert messages(result.warnings, path)[0] == (
        "the labels name no language, so they are read as Swedish (sv): set default_language on the settings "
        "sheet or name it in the column, e.g. label::English (en)")


def test_nested_groups_flatten_into_sections_with_joined_ids_and_conditions():
    q = imported("groups_nested.xlsx")
    assert [(s.id, s.relevant, [x.id for x in s.questions]) for s in q.sections] == [
        ("groups_nested", None, ["groups_nested.start"]),
        ("hushall", "groups_nested.start == 'ja'", ["hushall.storlek"]),
        ("hushall_barn", "groups_nested.start == 'ja' and hushall.storlek > 1", ["hushall_barn.antal_barn"]),
        ("hushall_2", "groups_nested.start == 'ja'", ["hushall_2.kommentar"]),
        ("groups_nested_2", None, ["groups_nested_2.slut"]),
    ]
    assert q.sections[1].title == {"sv": "Hushåll", "en": "Household"}
    assert q.sections[0].title == q.title


def test_relevant_expressions_become_fieldkit_conditions():
    q = imported("relevant_translations.xlsx")
    found = {x.id.split(".")[1]: x.relevant for x in q.questions() if x.relevant}
    r = "relevant_translations."
    assert found == {
        "r_eq": f"{r}farg == 'rod'",
        "r_ne": f"not ({r}farg == 'rod')",
        "r_sel": f"'bla' in {r}fler",
        "r_sel_one": f"{r}farg == 'bla'",
        "r_answered": f"{r}namn is answered",
        "r_unanswered": f"{r}namn is not answered",
        "r_count": f"{r}fler is answered",
        "r_length": f"{r}namn is not answered",
        "r_number": f"{r}antal >= 10 and {r}antal < 100",
        "r_flipped": f"{r}antal > 5",
        "r_or": f"{r}farg in ['rod', 'bla']",
        "r_not": f"not ('rod' in {r}fler or {r}antal == 0)",
        "r_date": f"{r}datum >= '2024-01-01'",
        "r_path": f"{r}farg == 'rod'",
        "r_nested": f"({r}farg == 'rod' or {r}antal > 1) and {r}namn is answered",
        "r_true": "true",
    }


def test_typographic_quotes_in_relevant_are_read_as_quotes_with_a_warning():
    path = CORPUS / "kobotoolbox__kobocat/form_with_unicode_in_relevant_column.xlsx"
    result = import_xlsform(path)
    other = result.questionnaire.question("form_with_unicode_in_relevant_column.marital_other")
    assert other.relevant == "form_with_unicode_in_relevant_column.respondent_marital == 'other'"
    assert ("survey row 3: relevant uses typographic quotes (‘ ’ or “ ”); they are read as plain quotes, which "
            "ODK needs too") in messages(result.warnings, path)


def test_constraints_become_limits():
    q = imported("constraints.xlsx")
    limits = {x.id.split(".")[1]: (x.min, x.max, x.pattern, x.max_length) for x in q.questions()}
    assert limits == {
        "procent": (0, 100, None, None),
        "positiv": (1, None, None, None),
        "alder": (1, 119, None, None),
        "vikt": (0.5, 250.0, None, None),
        "datum": ("2020-01-01", "2030-12-31", None, None),
        "personnummer": (None, None, "^[0-9]{6}-[0-9]{4}$", None),
        "kort": (None, None, None, 20),
        "farger": (1, 2, None, None),
    }


def test_or_other_becomes_other_for_multi_and_a_follow_up_for_single():
    q = imported("or_other.xlsx")
    assert q.question("or_other.kanaler").other is True
    assert [c.code for c in q.question("or_other.kanal").choices] == ["telefon", "epost", "other"]
    follow_up = q.question("or_other.kanal_other")
    assert (follow_up.type, follow_up.relevant) == ("text", "or_other.kanal == 'other'")
    assert q.question("or_other.gammal_other").relevant == "or_other.gammal == 'other'"


def test_likert_appearance_makes_a_scale_with_scores():
    q = imported("likert_scale.xlsx")
    assert [x.type for x in q.questions()] == ["scale", "scale", "single"]
    assert [c.score for c in q.question("likert_scale.pastaende").choices] == [1.0, 2.0, 3.0]
    assert [c.score for c in q.question("likert_scale.betyg").choices] == [0, 2.5, 5]


def test_field_list_group_of_label_and_list_nolabel_rows_is_a_matrix():
    q = imported("matrix.xlsx")
    matrix = q.question("matrix.avtal")
    assert (matrix.type, matrix.required, matrix.dont_know) == ("matrix", True, True)
    assert matrix.label == {"sv": "Avtal med", "en": "Agreements with"}
    assert matrix.help == {"sv": "Svara för varje", "en": "Answer for each"}
    assert [i.code for i in matrix.items] == ["bostadsbolag", "privat"]
    assert [c.code for c in matrix.choices] == ["ja", "nej"]
    assert matrix.relevant == "matrix.har_avtal == 'ja'"
    assert q.question("matrix.efter").relevant == "matrix.avtal[bostadsbolag] == 'ja'"
    assert [x.type for x in q.sections[1].questions] == ["single", "single"]  # field-list, but no matrix rows


def test_names_become_ids_and_renames_are_reported():
    result = import_xlsform(CORPUS / "fieldkit/settings_and_names.xlsx")
    q = result.questionnaire
    assert (q.id, q.version, q.title) == ("min-enkat-2024", "v-1-2", {"sv": "Min enkät", "en": "My survey"})
    assert result.renamed == {
        "Första-Delen": "forsta_delen", "Age-Years": "forsta_delen.age_years", "_1": "forsta_delen.q_1",
        "Namn": "forsta_delen.namn", "namn": "forsta_delen.namn_2",
    }
    assert [c.code for c in q.question("forsta_delen.val").choices] == ["forsta_valet", "2", "tredje"]
    assert messages(result.warnings, CORPUS / "fieldkit/settings_and_names.xlsx") == [
        "settings row 2: form_id 'Min Enkät_2024' is not a fieldkit id; it becomes 'min-enkat-2024'",
        "settings row 2: version 'v 1/2' becomes 'v-1-2'",
        "choices row 2: choice 'första valet' in list 'val' becomes 'forsta_valet' (codes are letters, digits, "
        "'_' and '-')",
        "choices row 4: choice 'tredje!' in list 'val' becomes 'tredje' (codes are letters, digits, '_' and '-')",
    ]


@pytest.mark.parametrize("name, expected", [
    ("Seedling_1", "seedling_1"), ("label-test", "label_test"), ("_1", "q_1"), ("père", "pere"),
    ("2nd try", "q_2nd_try"), ("出生", "q"), ("A__B", "a_b"),
])
def test_make_id(name, expected):
    assert make_id(name) == expected


def test_special_codes_and_markers_restore_fieldkit_flags():
    q = imported("special_codes.xlsx")
    flags = {x.id.split(".")[1]: (x.type, x.dont_know, x.not_applicable, x.personal) for x in q.questions()}
    assert flags == {
        "hyra": ("single", True, True, False),
        "avtal": ("yesno", False, False, False),
        "kostnad": ("money", True, False, False),
        "kontakt": ("text", False, False, True),
        "flera": ("multi", True, True, True),
    }
    assert [c.code for c in q.question("special_codes.hyra").choices] == ["lag", "hog"]


def test_metadata_rows_are_recorded_entries_and_the_phone_facts_stay_empty_with_a_note():
    path = CORPUS / "fieldkit/metadata.xlsx"
    result = import_xlsform(path)
    assert [(x.id, x.type) for x in result.questionnaire.questions()] == [
        ("metadata.start", "start"), ("metadata.end", "end"), ("metadata.today", "today"),
        ("metadata.deviceid", "deviceid"), ("metadata.username", "username"), ("metadata.email", "email"),
        ("metadata.phonenumber", "phonenumber"), ("metadata.simserial", "simserial"),
        ("metadata.subscriberid", "subscriberid"), ("metadata.name", "text")]
    empty = "which a laptop or browser does not have: it is imported as a metadata entry that stays empty"
    assert messages(result.warnings, path) == [
        f"survey row 7: type 'email' is the email address of the phone's account, {empty}",
        f"survey row 8: type 'phonenumber' is the phone number of the SIM card, {empty}",
        f"survey row 9: type 'simserial' is the serial number of the SIM card, {empty}",
        f"survey row 10: type 'subscriberid' is the subscriber id (IMSI) of the SIM card, {empty}",
        "survey row 11: type 'audit' is device metadata, which fieldkit does not collect; the row is left out"]
    assert result.rows_left_out == [11]


def test_metadata_rows_export_as_odk_metadata_that_pyxform_preloads_and_import_back_the_same(tmp_path):
    questionnaire = import_xlsform(CORPUS / "fieldkit/metadata.xlsx").questionnaire
    path = export_xlsform(questionnaire, tmp_path / "metadata.xlsx").path
    pyxform_warnings: list[str] = []
    root = ET.fromstring(convert(xlsform=str(path), warnings=pyxform_warnings).xform)
    preloads = {b.get("nodeset").rsplit("/", 1)[1]: b.get("{http://openrosa.org/javarosa}preloadParams")
                for b in root.iter(f"{XF}bind") if b.get("{http://openrosa.org/javarosa}preload")}
    assert {name: preloads[name] for name in ("username", "email", "phonenumber", "simserial", "subscriberid")} == {
        "username": "username", "email": "email", "phonenumber": "phonenumber", "simserial": "simserial",
        "subscriberid": "subscriberid"}
    # ODK itself calls these two old: pyxform's only words about the export
    assert len(pyxform_warnings) == 2 and all("no longer supported on most devices" in w for w in pyxform_warnings)
    assert import_xlsform(path).questionnaire.to_dict() == questionnaire.to_dict()


@pytest.mark.parametrize("written, recorded", [
    ("imei", "deviceid"), ("uri:username", "username"), ("get phone number", "phonenumber"),
    ("sim id", "simserial"), ("subscriber id", "subscriberid"), ("uri:email", "email"),
])
def test_pyxform_spellings_of_metadata_are_read_as_the_same_entries(written, recorded, tmp_path):
    path = tmp_path / "spelt.csv"
    path.write_text(f"survey,type,name,label\n,{written},meta_row,\n,text,namn,Namn\n"
                    "settings,form_id,version,default_language\n,spelt,1,sv\n", encoding="utf-8")
    questionnaire = import_xlsform(path).questionnaire
    assert [(q.id, q.type) for q in questionnaire.questions()] == [("spelt.meta_row", recorded), ("spelt.namn", "text")]


def test_csv_layout_imports_like_a_workbook():
    q = imported("csv_variant.csv")
    assert (q.id, q.version, q.languages) == ("csv-variant", "2", ["sv", "en"])
    assert q.question("kontakt.adress").relevant == "kontakt.kanal == 'epost'"


def test_legacy_xls_forms_are_read_with_xlrd():
    path = CORPUS / "kobotoolbox__kobocat/paired/kobocat_csv_import/tutorial.xls"
    q = import_xlsform(path, skip_unsupported=True).questionnaire
    assert q.question("tutorial.age").min == 1 and q.question("tutorial.age").max == 119
    assert q.question("tutorial.pizza_type").relevant == "tutorial.pizza_fan == 'yes'"


def test_import_never_raises_anything_but_xlsform_error_on_garbled_forms(tmp_path):
    odd = ["", "(", "'", "${", "x y", "begin group", "end repeat", "select_one", "1.5", "vet_ej", "annat"]
    pools = {  # per column: mostly sensible values, some odd ones
        "type": ["text", "integer", "decimal", "date", "note", "select_one l", "select_multiple l"] * 6 + [
            "select_multiple l or_other", "select_one l or_other", "begin group", "end group", "begin repeat",
            "end repeat", "geopoint", "start", "select_one missing"],
        "name": None,  # q<row>, now and then a clash or an odd name
        "label::English (en)": ["A", "B ${a}", None],
        "relevant": [None] * 6 + ["${q0} = 'a'", "${q1} != ''", "selected(${q2}, 'a')", "${q3} > 1", "today()",
                                  "not(${q0} = 'b') and ${q4} < 2", "${nobody} = 1"],
        "constraint": [None] * 6 + [". >= 1 and . <= 5", "regex(., '^a')", ". > 0.5", "count-selected(.) <= 1"],
        "required": [None] * 8 + ["yes", "no", "${a} = 1"],
        "appearance": [None] * 5 + ["likert", "field-list", "list-nolabel", "label", "multiline"],
        "fieldkit_type": [None] * 15 + ["matrix", "money", "yesno", "scale", "longtext"],
    }
    rng = random.Random(7)
    outcomes = {"imported": 0, "refused": 0}
    for case in range(200):
        lines = ["survey," + ",".join(pools)]
        for row in range(rng.randint(1, 8)):
            cells = [rng.choice(pool + (odd if rng.random() < 0.05 else [])) if pool else
                     (rng.choice(["q0", "B-1", "_2", "Z z", ""]) if rng.random() < 0.1 else f"q{row}")
                     for pool in pools.values()]
            lines.append("," + ",".join(_csv_cell(cell) for cell in cells))
        lines += ["choices,list_name,name,label", ",l,a,A", f",l,{rng.choice(['b', 'a', 'vet_ej', ''])},B"]
        path = tmp_path / f"case{case}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        try:
            result = import_xlsform(path, skip_unsupported=rng.random() < 0.5)
        except XLSFormError as exc:
            assert exc.problems and all(str(p).startswith(f"{path}: ") for p in exc.problems)
            outcomes["refused"] += 1
        else:
            interview(result.questionnaire)
            outcomes["imported"] += 1
    assert outcomes["imported"] >= 10 and outcomes["refused"] >= 10, outcomes


def _csv_cell(value) -> str:
    if value is None:
        return ""
    return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in ',"') else value


def test_a_damaged_workbook_is_refused_with_a_message(tmp_path):
    source = (CORPUS / "fieldkit/types_basic.xlsx").read_bytes()
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(source[: len(source) // 2])
    with pytest.raises(XLSFormError) as caught:
        import_xlsform(path)
    assert str(caught.value).startswith(f"{path}: cannot read the file as an .xlsx workbook: ")


# ---------------------------------------------------------------- export

def library_paths() -> list[Path]:
    return library_files()


def exported_xform(questionnaire: Questionnaire, tmp_path: Path) -> tuple[Path, str]:
    path = export_xlsform(questionnaire, tmp_path / f"{questionnaire.id}.xlsx").path
    pyxform_warnings: list[str] = []
    xform = convert(xlsform=str(path), warnings=pyxform_warnings).xform
    assert pyxform_warnings == []
    return path, xform


def assert_xform_holds(questionnaire: Questionnaire, xform: str) -> None:
    """Every question, choice, language, condition and limit of the questionnaire is in the XForm."""
    root = ET.fromstring(xform)
    binds = {b.get("nodeset"): b.attrib for b in root.iter(f"{XF}bind")}
    languages = {t.get("lang") for t in root.iter(f"{XF}translation")}
    assert languages == {language_tag(code) for code in questionnaire.languages}
    texts = {v.text for v in root.iter(f"{XF}value")}
    names = {n.text for n in root.iter(f"{XF}name")}
    for section in questionnaire.sections:
        assert ("relevant" in binds.get(f"/data/{section.id}", {})) == bool(section.relevant)
        assert all(section.title[code] in texts for code in section.title)
        for question in section.questions:
            local = question.id.removeprefix(section.id + ".")
            node = f"/data/{section.id}/{local}"
            for text in list(question.label.values()) + [c for ch in question.choices for c in ch.label.values()]:
                assert text in texts, text
            if question.choices:
                assert {c.code for c in question.all_choices()} <= names
            if question.type == "matrix":
                assert ("relevant" in binds.get(node, {})) == bool(question.relevant)
                for item in question.items:
                    row = binds[f"{node}/{local}_{item.code}"]
                    assert (row.get("required") == "true()") == question.required
                continue
            bind = binds[node]
            assert ("relevant" in bind) == bool(question.relevant)
            limited = any(v is not None for v in (question.min, question.max, question.pattern, question.max_length))
            assert ("constraint" in bind) == limited
            assert (bind.get("required") == "true()") == question.required


def canonical(questionnaire: Questionnaire) -> str:
    """to_dict as JSON: 1 and 1.0 differ here, as they do in the content hash."""
    return json.dumps(questionnaire.to_dict(), sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("path", library_paths(), ids=lambda p: p.stem)
def test_shipped_questionnaire_exports_to_an_xlsform_pyxform_converts(path, tmp_path):
    questionnaire = load(path)
    _, xform = exported_xform(questionnaire, tmp_path)
    assert_xform_holds(questionnaire, xform)


@pytest.mark.parametrize("path", library_paths(), ids=lambda p: p.stem)
def test_shipped_questionnaire_survives_export_and_import_unchanged(path, tmp_path):
    questionnaire = load(path)
    workbook, _ = exported_xform(questionnaire, tmp_path)
    result = import_xlsform(workbook)
    assert result.warnings == []
    assert canonical(result.questionnaire) == canonical(questionnaire)
    assert result.questionnaire.content_hash == questionnaire.content_hash


def test_every_type_and_flag_survives_export_and_import(tmp_path):
    questionnaire = load(CORPUS / "exported_demo.yaml")
    workbook, xform = exported_xform(questionnaire, tmp_path)
    assert_xform_holds(questionnaire, xform)
    assert canonical(import_xlsform(workbook).questionnaire) == canonical(questionnaire)
    committed = import_xlsform(CORPUS / "fieldkit/exported_demo.xlsx")
    assert committed.warnings == []
    assert canonical(committed.questionnaire) == canonical(questionnaire)


def test_a_section_named_like_a_reserved_xlsform_name_survives(tmp_path):
    questionnaire = from_dict({
        "id": "reserved", "version": "1", "title": {"sv": "R"}, "languages": ["sv"], "sections": [
            {"id": "meta", "title": {"sv": "Meta"},
             "questions": [{"id": "meta", "type": "text", "label": {"sv": "M"}}]},
            {"id": "data", "title": {"sv": "Data"}, "relevant": "meta.meta is answered",
             "questions": [{"id": "meta", "type": "integer", "label": {"sv": "N"}}]},
            {"id": "tre", "title": {"sv": "Tre"}, "questions": [
                {"id": "meta", "type": "matrix", "label": {"sv": "M"}, "items": [{"code": "a", "label": {"sv": "A"}}],
                 "choices": [{"code": "ja", "label": {"sv": "Ja"}}]},
                {"id": "x", "type": "note", "label": {"sv": "X"}, "relevant": "tre.meta[a] == 'ja'"}]},
        ]})
    workbook, _ = exported_xform(questionnaire, tmp_path)
    assert canonical(import_xlsform(workbook).questionnaire) == canonical(questionnaire)


def test_exported_conditions_mean_the_same_without_fieldkit_columns(tmp_path):
    """A tool that ignores fieldkit_relevant reads the XPath; translated back, it decides like the original."""
    questionnaires = [load(p) for p in library_paths()] + [load(CORPUS / "exported_demo.yaml")]
    for questionnaire in questionnaires:
        workbook = export_xlsform(questionnaire, tmp_path / "form.xlsx").path
        _drop_column(workbook, "survey", "fieldkit_relevant")
        again = import_xlsform(workbook).questionnaire
        pairs = [(s.relevant, t.relevant) for s, t in zip(questionnaire.sections, again.sections)]
        pairs += [(a.relevant, b.relevant) for a, b in zip(questionnaire.questions(), again.questions())]
        for original, translated in pairs:
            assert bool(original) == bool(translated)
            if original:
                _assert_same_decisions(questionnaire, original, translated)


def _drop_column(path: Path, sheet_name: str, header: str) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[sheet_name]
    for cell in sheet[1]:
        if cell.value == header:
            sheet.delete_cols(cell.column)
    book.save(path)


def _assert_same_decisions(questionnaire: Questionnaire, original: str, translated: str) -> None:
    a, b = parse_condition(original), parse_condition(translated)
    refs = a.references()
    numbers = {float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", original)}
    options = [_candidates(questionnaire.question(ref), numbers) for ref in refs]
    combos = list(itertools.product(*options))
    if len(combos) > 400:
        combos = random.Random(1).sample(combos, 400)
    for combo in combos:
        answers = dict(zip(refs, combo))
        assert a.evaluate(answers.get) == b.evaluate(answers.get), (original, translated, answers)


def _candidates(question, numbers: set[float]) -> list:
    codes = [c.code for c in question.all_choices()]
    if question.type in ("single", "scale", "yesno"):
        return [None] + codes
    if question.type == "multi":
        return [None] + [[c] for c in codes] + [codes[:2]]
    if question.type == "matrix":
        return [None] + [{i.code: c for i in question.items} for c in codes] + \
            [{question.items[0].code: codes[0]}]
    if question.type in ("integer", "money", "decimal"):
        around = {n + d for n in numbers for d in (-1, 0, 1)} | {0}
        return [None] + sorted(int(n) if question.type != "decimal" else n for n in around)
    if question.type == "date":
        return [None, "2019-12-31", "2024-01-01", "2030-06-01"]
    return [None, "svar"]


def test_a_stale_fieldkit_relevant_gives_way_to_the_edited_relevant(tmp_path):
    questionnaire = load(CORPUS / "exported_demo.yaml")
    path = export_xlsform(questionnaire, tmp_path / "demo.xlsx").path
    book = openpyxl.load_workbook(path)
    sheet = book["survey"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        exact = row[header.index("fieldkit_relevant")].value
        if exact and "not in" in exact:  # avslut.kommentar: XPath cannot say `not in` word for word
            row[header.index("relevant")].value = "${antal} > 20"
            number = row[0].row
    book.save(path)
    result = import_xlsform(path)
    assert result.questionnaire.question("avslut.kommentar").relevant == "bakgrund.antal > 20"
    assert messages(result.warnings, path) == [
        f"survey row {number}: fieldkit_relevant no longer matches relevant; relevant is used"]


# ---------------------------------------------------------------- the command line

def test_cli_import_writes_a_definition_that_loads_back(runner, tmp_path):
    source = CORPUS / "fieldkit/types_basic.xlsx"
    result = runner.invoke(main, ["forms", "import", str(source), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = tmp_path / "types-basic-1.yaml"
    assert result.stdout.splitlines() == [
        f"{source}: imported types-basic version 1: 1 section(s), 8 question(s), languages sv, en",
        f"wrote {written}",
    ]
    assert canonical(load(written)) == canonical(import_xlsform(source).questionnaire)


def test_cli_import_fails_with_row_messages(runner, tmp_path):
    source = CORPUS / "fieldkit/unsupported_types.xlsx"
    result = runner.invoke(main, ["forms", "import", str(source), "--out", str(tmp_path)])
    assert result.exit_code == 1
    expected = [f"{source}: {m}" for m in IMPORTS_WITH_SKIP["fieldkit/unsupported_types.xlsx"][1]]
    assert result.stderr.splitlines() == expected + [
        f"{source}: not imported: 4 problem(s) (--skip-unsupported leaves those rows out)"]
    assert list(tmp_path.iterdir()) == []


def test_cli_import_skip_unsupported_leaves_rows_out_and_lists_them(runner, tmp_path):
    source = CORPUS / "fieldkit/unsupported_types.xlsx"
    result = runner.invoke(main, ["forms", "import", str(source), "--skip-unsupported", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "4 of 10 question rows left out (the warnings below say which and why)" in result.stdout
    assert f"warning: {source}: survey row 4: type 'image' is not supported" in result.stderr.splitlines()
    assert [x.id for x in load(tmp_path / "unsupported-types-1.yaml").questions()] == [
        "unsupported_types.name", "unsupported_types.place", "unsupported_types.when", "unsupported_types.children",
        "unsupported_types.rating", "unsupported_types.age"]


def test_cli_import_lists_renamed_names(runner, tmp_path):
    source = CORPUS / "fieldkit/settings_and_names.xlsx"
    result = runner.invoke(main, ["forms", "import", str(source), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "5 XLSForm name(s) became other fieldkit ids:" in result.stdout
    assert "  Age-Years -> forsta_delen.age_years" in result.stdout.splitlines()


def test_cli_import_does_not_overwrite_without_force(runner, tmp_path):
    source = str(CORPUS / "fieldkit/multiline.xlsx")
    assert runner.invoke(main, ["forms", "import", source, "--out", str(tmp_path)]).exit_code == 0
    again = runner.invoke(main, ["forms", "import", source, "--out", str(tmp_path)])
    assert again.exit_code == 1
    assert f"{tmp_path / 'multiline-1.yaml'} exists: use --force to overwrite it" in again.output
    assert runner.invoke(main, ["forms", "import", source, "--out", str(tmp_path), "--force"]).exit_code == 0


def test_cli_export_of_a_library_questionnaire_converts(runner, tmp_path):
    if not library_paths():
        pytest.skip("the form library is empty")
    questionnaire = load(library_paths()[0])
    out = tmp_path / "form.xlsx"
    result = runner.invoke(main, ["forms", "export", questionnaire.id, "--format", "xlsform", "--out", str(out)])
    assert result.exit_code == 0, result.output
    questions = sum(1 for _ in questionnaire.questions())
    assert result.stdout == (f"wrote {out}: {questionnaire.id} version {questionnaire.version}, {questions} "
                             f"question(s), languages {', '.join(questionnaire.languages)}\n")
    assert canonical(import_xlsform(out).questionnaire) == canonical(questionnaire)


def test_cli_export_takes_a_yaml_path_and_a_version(runner, tmp_path):
    source = CORPUS / "exported_demo.yaml"
    out = tmp_path / "demo.xlsx"
    result = runner.invoke(main, ["forms", "export", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    convert(xlsform=str(out))
    missing = runner.invoke(main, ["forms", "export", "kub-webbenkat", "--version", "99", "--out", str(out)])
    assert missing.exit_code == 1
    assert "no questionnaire 'kub-webbenkat' version '99' in the form library" in missing.output


def test_cli_export_refuses_unknown_ids_and_other_file_types(runner, tmp_path):
    unknown = runner.invoke(main, ["forms", "export", "no-such-form", "--out", str(tmp_path / "x.xlsx")])
    assert unknown.exit_code == 1
    assert "no questionnaire 'no-such-form' in the form library" in unknown.output
    wrong = runner.invoke(main, ["forms", "export", "kub-webbenkat", "--out", str(tmp_path / "x.xls")])
    assert wrong.exit_code == 1
    assert "--out must name an .xlsx file" in wrong.output
