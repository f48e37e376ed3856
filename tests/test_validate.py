"""`fieldkit forms validate` on deliberately broken definitions, and the content hash."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fieldkit.cli import main
from forms import DefinitionError, from_dict, load, load_text

TESTS = Path(__file__).parent
BROKEN = TESTS / "broken"

KNOWN_TYPES = ("single, multi, scale, matrix, yesno, integer, decimal, money, text, longtext, year, date, time, "
               "datetime, note, derived, start, end, today, deviceid, username, email, phonenumber, simserial, subscriberid, "
               "range, rank, acknowledge, geopoint, repeat")
QUESTION_KEYS = ("check, choices, constraint, constraint_message, default, dont_know, expression, filter, help, id, "
                 "items, label, max, max_length, message, min, not_applicable, other, pattern, personal, relevant, "
                 "required, sensitive, step, type, xlsform_constraint, xlsform_header, xlsform_name")

#: Every problem of every broken file, exactly as `fieldkit forms validate broken` prints it.
EXPECTED = {
    "bad_limits.yaml": [
        "13: min (10) is greater than max (1) in 's.antal'",
        "17: min of 's.kostnad' must be a whole number (got 'noll')",
        "21: max of 's.datum' must be a date YYYY-MM-DD (got '2024-13-01')",
    ],
    "bad_pattern.yaml": [
        "12: pattern of 's.postnummer' is not a valid regular expression: unterminated character set at position 10",
    ],
    "cycle.yaml": [
        "12: relevant of question 's.a' refers to 's.a', which depends on this condition itself: a cycle",
        "15: relevant of section 't' refers to 't.b', which depends on this condition itself: a cycle",
    ],
    "duplicate_question_id.yaml": [
        "12: duplicate question id 's.antal' (first on line 9)",
    ],
    "duplicate_section_id.yaml": [
        "12: duplicate section id 'bakgrund' (first on line 6)",
    ],
    "empty_choices.yaml": [
        "12: question 's.boende' is empty: give at least one choice",
        "13: multi question 's.hinder' needs choices",
    ],
    "later_reference.yaml": [
        "12: relevant of question 's.lok_ar' names 's.lok_finns', which comes later: conditions may only use earlier answers",
    ],
    "malformed_yaml.yaml": [
        "13: malformed YAML: found unexpected end of stream (while scanning a quoted scalar on line 11)",
    ],
    "many_problems.yaml": [
        "2: id must be a slug of lowercase letters, digits and '-' (got 'Manga Problem')",
        f"10: unknown type 'checkbox' for question 'a' (known: {KNOWN_TYPES})",
        "15: question 's.b' is empty: give at least one choice",
        "20: min (5) is greater than max (2) in 's.c'",
        "21: duplicate question id 's.c' (first on line 16)",
        "24: pattern of 's.c' is not a valid regular expression: missing ), unterminated subpattern at position 0",
        "28: key 'type' appears twice in one mapping (first on line 26)",
        "29: relevant of question 's.d' names unknown question 's.x'",
        "33: relevant of question 's.e' names 's.f', which comes later: conditions may only use earlier answers",
        f"34: unknown key 'colour' in question (allowed: {QUESTION_KEYS})",
        "35: label is required, with a text per language (sv, en)",
        "37: relevant of question 's.f' refers to 's.f', which depends on this condition itself: a cycle",
    ],
    "missing_label.yaml": [
        "9: label is required, with a text per language (sv, en)",
        "16: label needs a text in the first language (sv)",
    ],
    "repeated_choice_code.yaml": [
        "17: choice code 'hyresratt' repeats in question 's.boende' (first on line 13)",
    ],
    "unknown_key.yaml": [
        "8: unknown key 'hint' in section (allowed: description, id, questions, relevant, title, xlsform_top_level)",
        f"13: unknown key 'requird' in question (allowed: {QUESTION_KEYS})",
    ],
    "unknown_reference.yaml": [
        "15: relevant of question 's.lok_ar' names unknown question 's.lok'",
    ],
    "unknown_type.yaml": [
        f"10: unknown type 'number' for question 'antal' (known: {KNOWN_TYPES})",
    ],
}

VALID = """\
# A small, valid questionnaire.
id: test-enkat
version: "1"
title:
  sv: Testenkät
  en: Test survey
sections:
  - id: lok
    title: Lokala överenskommelser
    questions:
      - id: finns
        type: yesno
        label:
          sv: Finns en LÖK?
          en: Is there a local agreement?
        required: true
        dont_know: true
      - id: ar
        type: integer
        label:
          sv: Vilket år?
          en: Which year?
        min: 1990
        max: 2030
        relevant: lok.finns == 'ja'
      - id: form
        type: single
        label:
          sv: Vilken form?
          en: Which form?
        help:
          sv: Välj det som passar bäst.
          en: Choose the best fit.
        choices:
          - code: skriftlig
            label:
              sv: Skriftlig
              en: Written
          - code: muntlig
            label:
              sv: Muntlig
              en: Oral
      - id: info
        type: note
        label: Tack!
"""


@pytest.fixture
def runner():
    return CliRunner()


def validate(runner, *args):
    return runner.invoke(main, ["forms", "validate", *args])


def test_every_broken_file_is_in_the_expected_list():
    assert sorted(p.name for p in BROKEN.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_validate_reports_every_problem_of_a_broken_file_with_its_line(runner, monkeypatch, name):
    monkeypatch.chdir(TESTS)
    result = validate(runner, f"broken/{name}")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"broken/{name}:{line}" for line in EXPECTED[name]] + [
        "1 of 1 file(s) have problems"]


def test_validate_on_the_directory_reports_every_file_in_name_order(runner, monkeypatch):
    monkeypatch.chdir(TESTS)
    result = validate(runner, "broken")
    assert result.exit_code == 1
    expected = [f"broken/{name}:{line}" for name in sorted(EXPECTED) for line in EXPECTED[name]]
    assert result.stderr.splitlines() == expected + [f"{len(EXPECTED)} of {len(EXPECTED)} file(s) have problems"]


def test_validate_exits_0_on_a_valid_file(runner, tmp_path, monkeypatch):
    (tmp_path / "test-enkat.yaml").write_text(VALID, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = validate(runner, "test-enkat.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == "test-enkat.yaml: ok (test-enkat version 1, 4 questions)\n"
    assert result.stderr == ""


def test_validate_exits_1_when_any_file_is_broken(runner, tmp_path, monkeypatch):
    (tmp_path / "a-valid.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "b-broken.yaml").write_text(VALID.replace("type: integer", "type: number"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = validate(runner, ".")
    assert result.exit_code == 1
    assert result.stdout == "a-valid.yaml: ok (test-enkat version 1, 4 questions)\n"
    assert result.stderr.splitlines() == [
        f"b-broken.yaml:19: unknown type 'number' for question 'ar' (known: {KNOWN_TYPES})",
        "1 of 2 file(s) have problems",
    ]


def test_validate_a_directory_without_definitions_is_an_error(runner, tmp_path, monkeypatch):
    (tmp_path / "notes.txt").write_text("not a definition", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = validate(runner, ".")
    assert result.exit_code == 1
    assert result.stderr == "Error: no definition files (*.yaml) found in .\n"


def test_validate_a_missing_file_reports_it(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = validate(runner, "saknas.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "saknas.yaml:0: cannot read the file: [Errno 2] No such file or directory: 'saknas.yaml'",
        "1 of 1 file(s) have problems",
    ]


def test_validate_needs_a_path(runner):
    result = validate(runner)
    assert result.exit_code == 2
    assert "Missing argument 'PATHS...'" in result.output


# --- the loader collects every problem -----------------------------------------------------

def test_load_text_reports_all_problems_of_the_many_problems_file_not_just_the_first():
    text = (BROKEN / "many_problems.yaml").read_text(encoding="utf-8")
    result = load_text(text, "many.yaml")
    assert not result.ok
    assert result.questionnaire is None
    assert [f"{p.line}: {p.message}" for p in result.problems] == EXPECTED["many_problems.yaml"]
    assert [p.code for p in result.problems] == [
        "id", "unknown-type", "empty-choices", "limits", "duplicate-id", "limits", "duplicate-key",
        "unknown-reference", "later-reference", "unknown-key", "label", "cycle"]
    assert all(p.file == "many.yaml" for p in result.problems)


def test_load_raises_one_definition_error_listing_every_problem():
    with pytest.raises(DefinitionError) as caught:
        load(BROKEN / "cycle.yaml")
    assert [p.line for p in caught.value.problems] == [12, 15]
    assert str(caught.value) == "\n".join(f"{BROKEN / 'cycle.yaml'}:{line}" for line in EXPECTED["cycle.yaml"])


def test_a_condition_syntax_error_names_the_line_and_the_position():
    text = VALID.replace("relevant: lok.finns == 'ja'", "relevant: lok.finns = 'ja'")
    result = load_text(text, "f.yaml")
    assert [str(p) for p in result.problems] == [
        "f.yaml:25: relevant of question 'lok.ar': unexpected character '=' at position 11"]


def test_an_impossible_yaml_date_is_a_problem_not_a_crash():
    text = VALID.replace("type: integer", "type: date").replace("min: 1990", "min: 2024-02-30").replace("        max: 2030\n", "")
    result = load_text(text, "f.yaml")
    assert [str(p) for p in result.problems] == [
        "f.yaml:23: min of 'lok.ar' must be a date YYYY-MM-DD (got '2024-02-30')"]


def test_a_valid_definition_loads():
    result = load_text(VALID, "f.yaml")
    assert result.ok
    assert result.problems == []
    q = result.questionnaire
    assert (q.id, q.version, q.text("en")) == ("test-enkat", "1", "Test survey")
    assert [question.id for question in q.questions()] == ["lok.finns", "lok.ar", "lok.form", "lok.info"]
    assert q.question("lok.ar").relevant == "lok.finns == 'ja'"


def test_from_dict_raises_with_every_problem():
    with pytest.raises(DefinitionError) as caught:
        from_dict({"id": "x", "version": "1", "title": "X", "sections": [
            {"id": "s", "title": "S", "questions": [
                {"id": "a", "type": "number", "label": "A"},
                {"id": "b", "type": "yesno", "label": "B", "relevant": "s.c == 'ja'"},
            ]}]})
    assert [p.message for p in caught.value.problems] == [
        f"unknown type 'number' for question 'a' (known: {KNOWN_TYPES})",
        "relevant of question 's.b' names unknown question 's.c'",
    ]


# --- the content hash ----------------------------------------------------------------------

REFORMATTED = """\
# Same questionnaire: other comments, flow style, other key order and quoting.
version: '1'
id: "test-enkat"
title: {en: "Test survey", sv: "Testenkät"}
sections:
- questions:
  - {type: yesno, id: finns, required: true, dont_know: true,
     label: {en: "Is there a local agreement?", sv: "Finns en LÖK?"}}   # the LÖK question
  - id: ar
    relevant: "lok.finns == 'ja'"
    max: 2030
    min: 1990
    type: integer
    label:
      en: Which year?
      sv: Vilket år?
  - id: form
    type: single
    choices: [{code: skriftlig, label: {sv: Skriftlig, en: Written}},
              {label: {en: Oral, sv: Muntlig}, code: muntlig}]
    help: {en: "Choose the best fit.", sv: "Välj det som passar bäst."}
    label: {en: "Which form?", sv: "Vilken form?"}
  - {id: info, type: note, label: {sv: "Tack!"}}
  title: Lokala överenskommelser
  id: lok
"""


def content_hash(text: str) -> str:
    result = load_text(text, "f.yaml")
    assert result.ok, result.problems
    return result.questionnaire.content_hash


def test_content_hash_is_a_sha256_hex_digest():
    digest = content_hash(VALID)
    assert len(digest) == 64
    assert int(digest, 16) >= 0


def test_content_hash_ignores_formatting_comments_and_key_order():
    assert content_hash(REFORMATTED) == content_hash(VALID)


def test_content_hash_survives_a_round_trip_through_to_dict():
    q = load_text(VALID, "f.yaml").questionnaire
    assert from_dict(q.to_dict()).content_hash == q.content_hash


@pytest.mark.parametrize("old, new", [
    ("sv: Testenkät", "sv: Testenkäten"),                                  # questionnaire title
    ("en: Test survey", "en: Test Survey"),                                # English title, capital only
    ("sv: Finns en LÖK?", "sv: Finns det en LÖK?"),                        # a question label
    ("sv: Muntlig", "sv: Muntligt"),                                       # a choice label
    ("en: Choose the best fit.", "en: Choose one."),                       # help text
    ("title: Lokala överenskommelser", "title: Lokala överenskommelser (LÖK)"),  # a section title
    ("label: Tack!", "label: Tack så mycket!"),                            # a note
])
def test_any_label_change_gives_a_different_hash(old, new):
    assert old in VALID
    assert content_hash(VALID.replace(old, new)) != content_hash(VALID)


@pytest.mark.parametrize("old, new", [
    ('version: "1"', 'version: "2"'),
    ("max: 2030", "max: 2031"),
    ("required: true\n        dont_know", "required: false\n        dont_know"),
    ("relevant: lok.finns == 'ja'", "relevant: lok.finns != 'nej'"),
])
def test_any_change_of_meaning_gives_a_different_hash(old, new):
    assert old in VALID
    assert content_hash(VALID.replace(old, new)) != content_hash(VALID)


def test_a_choice_code_named_ref_in_a_condition_list_is_not_a_question():
    from forms.loader import load_text

    text = """
id: ref-list
version: "1"
title: {sv: T}
sections:
  - id: s
    title: {sv: S}
    questions:
      - id: a
        type: single
        label: {sv: A}
        choices: [{code: ref, label: {sv: R}}, {code: b, label: {sv: B}}]
      - id: c
        type: text
        label: {sv: C}
        relevant: "s.a in ['ref', 'b']"
"""
    result = load_text(text, "ref.yaml")
    assert result.problems == []


def test_an_unquoted_decimal_version_is_refused():
    from forms.loader import load_text

    result = load_text('id: v\nversion: 1.10\ntitle: {sv: T}\nsections:\n  - id: s\n    title: {sv: S}\n'
                       '    questions:\n      - {id: a, type: text, label: {sv: A}}\n', "v.yaml")
    assert [str(p) for p in result.problems] == ['v.yaml:2: version 1.1 is a number: quote it, e.g. version: "1.1"']


def test_a_choice_coded_annat_clashes_with_other_true():
    from forms.loader import load_text

    result = load_text('id: o\nversion: "1"\ntitle: {sv: T}\nsections:\n  - id: s\n    title: {sv: S}\n    questions:\n'
                       '      - id: m\n        type: multi\n        label: {sv: M}\n        other: true\n'
                       '        choices: [{code: annat, label: {sv: Annat}}, {code: b, label: {sv: B}}]\n', "o.yaml")
    assert [str(p) for p in result.problems] == [
        "o.yaml:11: choice code 'annat' is reserved for other: true in 's.m': remove that choice or rename it"]
