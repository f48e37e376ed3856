"""Derived values and rules: the expression language's arithmetic, the loader's checks, evaluation.

Every figure below is worked out by hand next to its assertion.
"""

from __future__ import annotations

import json

import pytest

from forms import clean_answers, from_dict, load_text
from forms.conditions import parse
from forms.derived import evaluate

HEADER = '''id: regler
version: "1"
title: {sv: "Regler"}
languages: [sv]
sections:
  - id: a
    title: {sv: "A"}
    questions:
      - {id: fraga, type: date, label: "Förfrågan"}
      - {id: svar, type: date, label: "Svar"}
      - {id: namn, type: text, label: "Namn"}
      - {id: deltagare, type: integer, dont_know: true, label: "Deltagare"}
      - {id: ledare, type: integer, label: "Ledare"}
      - {id: sokt, type: money, label: "Sökt"}
      - {id: andel, type: decimal, label: "Andel"}
'''


def load(entries: str, header: str = HEADER):
    """Load HEADER plus derived entries given as YAML lines of section a."""
    return load_text(header + entries, "regler.yaml")


def questionnaire(entries: str):
    result = load(entries)
    assert result.problems == []
    return result.questionnaire


def problems(entries: str) -> list[str]:
    return [str(p) for p in load(entries).problems]


RULES = '''      - id: dagar
        type: derived
        label: "Dagar"
        expression: "days(a.svar - a.fraga)"
      - id: per_ledare
        type: derived
        label: "Deltagare per ledare"
        expression: "a.deltagare / a.ledare"
      - id: berattigat
        type: derived
        label: "Berättigat"
        expression: "min(a.sokt, 1500 * a.deltagare)"
      - id: ledarregel
        type: derived
        label: "Minst en ledare per 10 deltagare"
        check: "a.deltagare <= 10 * a.ledare"
        message: "Minst en ledare per 10 deltagare"
      - id: ordning
        type: derived
        label: "Svar efter förfrågan"
        constraint: "a.svar >= a.fraga"
        message: "Svaret kan inte komma före förfrågan."
'''


# --- arithmetic, by hand ---------------------------------------------------------------


def test_days_between_two_dates_count_calendar_days_across_months_and_a_leap_day():
    q = questionnaire(RULES)
    # 2014-01-30 -> 2014-03-02: 1 day left in January + 28 in February + 2 = 31
    assert evaluate(q, {"a.fraga": "2014-01-30", "a.svar": "2014-03-02"})["a.dagar"] == 31
    # 2016 is a leap year: 2016-02-28 -> 2016-03-01 is 2 days
    assert evaluate(q, {"a.fraga": "2016-02-28", "a.svar": "2016-03-01"})["a.dagar"] == 2
    # the same day is 0 days, an answer before the request is negative
    assert evaluate(q, {"a.fraga": "2014-05-05", "a.svar": "2014-05-05"})["a.dagar"] == 0
    assert evaluate(q, {"a.fraga": "2014-05-05", "a.svar": "2014-05-01"})["a.dagar"] == -4


def test_division_min_and_a_rule_by_hand():
    q = questionnaire(RULES)
    values = evaluate(q, {"a.deltagare": 25, "a.ledare": 2, "a.sokt": 40_000})
    assert values["a.per_ledare"] == 12.5          # 25 / 2
    assert values["a.berattigat"] == 37_500        # min(40 000, 1 500 x 25 = 37 500)
    assert values["a.ledarregel"] is False         # 25 <= 10 x 2 = 20 does not hold
    values = evaluate(q, {"a.deltagare": 20, "a.ledare": 2, "a.sokt": 12_000})
    assert values["a.berattigat"] == 12_000        # min(12 000, 30 000)
    assert values["a.ledarregel"] is True          # 20 <= 20


def test_a_missing_operand_gives_a_missing_result_never_zero_or_an_error():
    q = questionnaire(RULES)
    values = evaluate(q, {"a.fraga": "2014-03-03", "a.ledare": 2})
    assert values == {}  # no answer date, no participants, no claim: nothing can be computed
    # a special answer is not a number either
    values = evaluate(q, {"a.deltagare": "vet_ej", "a.ledare": 2, "a.sokt": 5000})
    assert "a.per_ledare" not in values and "a.berattigat" not in values and "a.ledarregel" not in values


def test_division_by_zero_gives_a_missing_result():
    q = questionnaire(RULES)
    values = evaluate(q, {"a.deltagare": 12, "a.ledare": 0})
    assert "a.per_ledare" not in values
    assert values["a.ledarregel"] is False  # 12 <= 0: the rule is judged, and broken


@pytest.mark.parametrize("source, answers, expected", [
    ("1 + 2 * 3", {}, 7),
    ("(1 + 2) * 3", {}, 9),
    ("10 - 4 - 3", {}, 3),                      # left to right
    ("a.x -1", {"a.x": 5}, 4),                  # a minus sign after an operand subtracts
    ("a.x-1", {"a.x": 5}, 4),
    ("-a.x + 1", {"a.x": 5}, -4),
    ("7 / 2", {}, 3.5),
    ("round(7 / 2)", {}, 4),                    # half away from zero
    ("round(-2.5)", {}, -3),
    ("round(2 / 3, 2)", {}, 0.67),
    ("max(a.x, 3, 9)", {"a.x": 5}, 9),
    ("if(a.x > 3, a.x * 2, 0)", {"a.x": 5}, 10),
    ("if(a.x > 3, a.x * 2, 0)", {"a.x": 1}, 0),
    ("days(a.d + 30 - a.d)", {"a.d": "2014-02-10"}, 30),
    ("a.d + 30", {"a.d": "2014-02-10"}, "2014-03-12"),
    ("max(a.d, '2014-06-01')", {"a.d": "2014-02-10"}, "2014-06-01"),
    ("a.d >= '2014-01-01'", {"a.d": "2014-02-10"}, True),
    ("int(7 / 2)", {}, 3),                      # the whole part, as XPath's int()
    ("int(-2.7)", {}, -2),                      # toward zero
    ("number(a.s) + 1", {"a.s": "3"}, 4),       # a choice code that is a number
    ("number(a.s) * 2", {"a.s": " 1.5 "}, 3.0),
    ("number(a.s)", {"a.s": "ja"}, None),       # text that is no number: missing
    ("number(a.x)", {"a.x": 5}, 5),
])
def test_expression_values(source, answers, expected):
    from forms.arithmetic import result

    assert result(parse(source).value(answers.get)) == expected


@pytest.mark.parametrize("source, answers, expected", [
    ("a.x > 1 and a.y > 1", {"a.x": 0}, False),        # false and missing: false
    ("a.x > 1 and a.y > 1", {"a.x": 5}, None),         # true and missing: missing
    ("a.x > 1 or a.y > 1", {"a.x": 5}, True),          # true or missing: true
    ("a.x > 1 or a.y > 1", {"a.x": 0}, None),
    ("not (a.y > 1)", {}, None),
    ("a.y is answered", {}, False),                    # never missing
    ("a.y != 3", {}, None),
    ("a.x in [1, 2]", {}, None),
    ("if(a.y > 1, 1, 2)", {}, None),                   # a missing test: a missing result
])
def test_rules_use_three_valued_logic(source, answers, expected):
    assert parse(source).value(answers.get) == expected


def test_conditions_keep_their_meaning_with_arithmetic():
    condition = parse("a.deltagare > 10 * a.ledare")
    assert condition.evaluate({"a.deltagare": 25, "a.ledare": 2}.get) is True
    assert condition.evaluate({"a.deltagare": 25}.get) is False  # a missing answer: false, as before


# --- the loader's checks ----------------------------------------------------------------


def test_an_unknown_reference_is_a_problem_with_its_line():
    assert problems('''      - id: x
        type: derived
        label: "X"
        expression: "a.deltagare + a.gaster"
''') == ["regler.yaml:19: expression of 'a.x' names unknown question 'a.gaster'"]


@pytest.mark.parametrize("expression, message", [
    ("a.namn / a.deltagare", "expression of 'a.x': cannot divide 'a.namn' (text) by 'a.deltagare' (a number): "
                             "arithmetic needs numbers (with dates: date - date, date + days, date - days)"),
    ("a.svar - a.fraga", "expression of 'a.x': the result is a difference of dates: write days(...) around it "
                         "for the number of days"),
    ("days(a.svar)", "expression of 'a.x': days() takes a difference of two dates, such as "
                     "days(s.svar - s.fraga), not 'a.svar' (a date)"),
    ("a.svar > 3", "expression of 'a.x': cannot compare 'a.svar' (a date) with 3 using >: "
                   "compare numbers with numbers, dates with dates"),
    ("if(a.deltagare > 1, a.namn, 0)", "expression of 'a.x': if() gives text in one case and a number in the "
                                       "other: give both cases the same type"),
    ("a.deltagare +", "expression of 'a.x': expected a question id or a value, found end of condition at "
                      "position 14"),
    ("sum(a.deltagare, 1)", "expression of 'a.x': sum() takes 1 argument (got 2) at position 1"),
    ("sum(a.deltagare)", "expression of 'a.x': sum() takes a number question of a repeat, such as "
                         "sum(s.personer.alder), not 'a.deltagare' (a number)"),
])
def test_expressions_that_do_not_fit_are_problems(expression, message):
    assert problems(f'''      - id: x
        type: derived
        label: "X"
        expression: "{expression}"
''') == [f"regler.yaml:19: {message}"]


def test_a_cycle_between_derived_values_is_refused():
    result = load('''      - id: x
        type: derived
        label: "X"
        expression: "a.y + 1"
      - id: y
        type: derived
        label: "Y"
        expression: "a.z * 2"
      - id: z
        type: derived
        label: "Z"
        expression: "a.x - a.deltagare"
''')
    assert result.questionnaire is None
    assert [str(p) for p in result.problems] == [
        "regler.yaml:19: derived values depend on each other in a cycle: a.x -> a.y -> a.z -> a.x"]
    assert result.problems[0].code == "cycle"


def test_a_derived_value_naming_itself_is_a_cycle():
    assert problems('''      - id: x
        type: derived
        label: "X"
        expression: "a.x + 1"
''') == ["regler.yaml:19: derived values depend on each other in a cycle: a.x -> a.x"]


def test_a_rule_must_be_true_or_false_and_have_a_message():
    assert problems('''      - id: r
        type: derived
        label: "R"
        check: "a.deltagare * 2"
        message: "M"
      - id: s
        type: derived
        label: "S"
        constraint: "a.svar >= a.fraga"
''') == [
        "regler.yaml:19: check of 'a.r': a check must be true or false, such as a comparison (this one gives a number)",
        "regler.yaml:24: constraint 'a.s' needs a message, shown when it fails, with a text per language (sv)",
    ]


def test_a_derived_entry_needs_one_expression_and_no_answer_options():
    assert problems('''      - id: r
        type: derived
        label: "R"
        required: true
        expression: "a.deltagare + 1"
        check: "a.deltagare > 1"
''') == [
        "regler.yaml:19: required has no meaning for derived entry 'a.r': it is computed, never answered",
        "regler.yaml:21: derived entry 'a.r' needs exactly one of expression, check or constraint "
        "(got expression, check)",
    ]


def test_conditions_may_name_derived_entries_of_earlier_answers_only_and_questions_take_no_expression():
    assert problems('''      - id: x
        type: derived
        label: "X"
        expression: "a.deltagare + a.q"
      - id: n
        type: note
        label: "N"
        relevant: "a.x > 3"
      - id: q
        type: integer
        label: "Q"
        expression: "a.deltagare + 1"
''') == [
        "regler.yaml:23: relevant of question 'a.n' names derived entry 'a.x', which reads 'a.q', a later answer: "
        "a condition may use a derived value computed from earlier answers only",
        "regler.yaml:27: expression is only for derived entries (type: derived)",
    ]


def test_result_types_follow_the_operands():
    q = questionnaire(RULES + '''      - id: andel_procent
        type: derived
        label: "Andel i procent"
        expression: "round(a.andel * 100, 1)"
      - id: kvar
        type: derived
        label: "Kvar"
        expression: "a.sokt - a.berattigat"
''')
    results = {x.id: x.result for x in q.questions() if x.derived}
    assert results == {"a.dagar": "integer", "a.per_ledare": "decimal", "a.berattigat": "money",
                       "a.ledarregel": "yesno", "a.ordning": "yesno", "a.andel_procent": "decimal",
                       "a.kvar": "money"}
    # a derived value may use another, in any order
    assert evaluate(q, {"a.sokt": 40_000, "a.deltagare": 25})["a.kvar"] == 2_500  # 40 000 - 37 500


# --- round trip and cleaning -------------------------------------------------------------


def test_derived_entries_round_trip_through_the_stores_json():
    q = questionnaire(RULES)
    data = json.loads(json.dumps(q.to_dict()))
    entry = data["sections"][0]["questions"][-1]
    assert entry == {"id": "ordning", "type": "derived", "label": {"sv": "Svar efter förfrågan"},
                     "constraint": "a.svar >= a.fraga", "message": {"sv": "Svaret kan inte komma före förfrågan."}}
    again = from_dict(data)
    assert again.content_hash == q.content_hash
    assert [(x.id, x.expression, x.rule, x.result) for x in again.questions() if x.derived] == \
        [(x.id, x.expression, x.rule, x.result) for x in q.questions() if x.derived]


def test_a_questionnaire_without_derived_entries_keeps_its_hash():
    q = questionnaire("")
    assert "expression" not in json.dumps(q.to_dict())


def test_a_broken_constraint_is_an_error_a_broken_check_a_warning():
    q = questionnaire(RULES)
    cleaned = clean_answers(q, {"a.fraga": "2014-03-10", "a.svar": "2014-03-01", "a.deltagare": "30",
                                "a.ledare": "2"}, lang="en")
    assert cleaned.errors == {"a.ordning": "Svaret kan inte komma före förfrågan."}
    assert cleaned.warnings == ["a.ledarregel"]
    assert cleaned.derived["a.dagar"] == -9
    assert cleaned.answers["a.svar"] == "2014-03-01"  # both dates are valid answers: they are kept
    ok = clean_answers(q, {"a.fraga": "2014-03-10", "a.svar": "2014-03-12", "a.deltagare": "30", "a.ledare": "2"})
    assert ok.ok and ok.warnings == ["a.ledarregel"]  # a warning never makes the answers invalid


def test_a_skipped_derived_entry_is_not_computed():
    q = questionnaire('''      - id: dagar
        type: derived
        label: "Dagar"
        relevant: "a.ledare > 0"
        expression: "days(a.svar - a.fraga)"
''')
    answers = {"a.fraga": "2014-01-01", "a.svar": "2014-01-11"}
    assert evaluate(q, {**answers, "a.ledare": 1}) == {"a.dagar": 10}
    assert evaluate(q, {**answers, "a.ledare": 0}) == {}


def test_a_year_is_four_digits():
    q = questionnaire('''      - {id: ar, type: year, min: 2000, max: 2035, label: "År"}
''')
    assert clean_answers(q, {"a.ar": " 2014 "}).answers == {"a.ar": 2014}
    assert clean_answers(q, {"a.ar": "14"}, lang="en").errors == {"a.ar": "Enter a year with four digits, e.g. 2014."}
    assert clean_answers(q, {"a.ar": "1999"}, lang="en").errors == {"a.ar": "The value may not be less than 2000."}
