"""The relevance condition language: parsing, evaluation, errors and safety."""

from __future__ import annotations

import pytest

from forms.conditions import ConditionError, parse


def holds(source: str, answers: dict) -> bool:
    return parse(source).evaluate(answers.get)


# --- comparisons ---------------------------------------------------------------------------

@pytest.mark.parametrize("source, answers, expected", [
    ("s.antal == 3", {"s.antal": 3}, True),
    ("s.antal == 3", {"s.antal": 4}, False),
    ("s.antal != 3", {"s.antal": 4}, True),
    ("s.antal != 3", {"s.antal": 3}, False),
    ("s.antal > 3", {"s.antal": 4}, True),
    ("s.antal > 3", {"s.antal": 3}, False),
    ("s.antal >= 3", {"s.antal": 3}, True),
    ("s.antal < 3", {"s.antal": 2}, True),
    ("s.antal <= 3", {"s.antal": 4}, False),
    ("s.kostnad > 12.5", {"s.kostnad": 13}, True),
    ("s.kostnad > 12.5", {"s.kostnad": 12.5}, False),
    ("s.saldo >= -1", {"s.saldo": -1}, True),
    ("s.saldo<-1", {"s.saldo": -2}, True),
    ("s.antal == 1.0", {"s.antal": 1}, True),
])
def test_numbers_compare_as_numbers(source, answers, expected):
    assert holds(source, answers) is expected


def test_ten_is_greater_than_nine_not_less_as_text_would_be():
    assert holds("s.antal > 9", {"s.antal": 10})
    assert not holds("s.antal < 9", {"s.antal": 10})


@pytest.mark.parametrize("source, answers, expected", [
    ("s.boende == 'hyresratt'", {"s.boende": "hyresratt"}, True),
    ('s.boende == "hyresratt"', {"s.boende": "hyresratt"}, True),
    ("s.boende == 'hyresratt'", {"s.boende": "bostadsratt"}, False),
    ("s.boende != 'hyresratt'", {"s.boende": "bostadsratt"}, True),
    ("s.namn == 'O\\'Brien'", {"s.namn": "O'Brien"}, True),
    ("s.kod == '1'", {"s.kod": 1}, True),
])
def test_strings_compare_by_equality(source, answers, expected):
    assert holds(source, answers) is expected


@pytest.mark.parametrize("source, date, expected", [
    ("s.start < '2024-07-01'", "2024-06-30", True),
    ("s.start < '2024-07-01'", "2024-07-01", False),
    ("s.start >= '2024-07-01'", "2024-12-31", True),
    ("s.start > '2023-12-31'", "2024-01-01", True),
    ("s.start == '2024-01-01'", "2024-01-01", True),
])
def test_iso_dates_compare_in_calendar_order(source, date, expected):
    assert holds(source, {"s.start": date}) is expected


def test_comparing_two_answers():
    assert holds("s.start < s.slut", {"s.start": "2024-01-01", "s.slut": "2024-02-01"})
    assert not holds("s.start < s.slut", {"s.start": "2024-03-01", "s.slut": "2024-02-01"})


def test_a_number_and_a_text_are_never_ordered():
    assert not holds("s.antal > 5", {"s.antal": "10"})
    assert not holds("s.antal < 5", {"s.antal": "vet_ej"})
    assert not holds("s.antal >= 5", {"s.antal": "vet_ej"})


# --- missing answers -----------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    "s.a == 'ja'",
    "s.a != 'ja'",
    "s.a > 3",
    "s.a < 3",
    "s.a >= 3",
    "s.a <= 3",
    "s.a == s.b",
    "s.a != s.b",
    "s.a in ['ja', 'nej']",
    "s.a not in ['ja', 'nej']",
    "'ja' in s.a",
    "'ja' not in s.a",
    "s.m[liten] == 'svart'",
    "s.m[liten] != 'svart'",
])
def test_a_comparison_with_a_missing_answer_is_false(source):
    assert holds(source, {}) is False


def test_a_missing_answer_is_false_but_its_negation_is_true():
    assert holds("not s.a == 'ja'", {})
    assert holds("not (s.a in ['ja'])", {})


def test_an_empty_answer_counts_as_missing_for_a_bare_reference():
    assert not holds("s.a", {"s.a": ""})
    assert not holds("s.a", {"s.a": []})
    assert holds("s.a", {"s.a": "ja"})


# --- and / or / not ------------------------------------------------------------------------

def test_and_binds_tighter_than_or():
    answers = {"s.a": 1, "s.b": 0, "s.c": 0}
    # a == 1 or (b == 1 and c == 1)
    assert holds("s.a == 1 or s.b == 1 and s.c == 1", answers)
    assert not holds("(s.a == 1 or s.b == 1) and s.c == 1", answers)


def test_and_binds_tighter_than_or_on_the_left_too():
    answers = {"s.a": 0, "s.b": 0, "s.c": 1}
    # (a == 1 and b == 1) or c == 1
    assert holds("s.a == 1 and s.b == 1 or s.c == 1", answers)
    assert not holds("s.a == 1 and (s.b == 1 or s.c == 1)", answers)


def test_not_binds_tighter_than_and():
    answers = {"s.a": "nej", "s.b": "nej"}
    # (not a == ja) and b == ja
    assert not holds("not s.a == 'ja' and s.b == 'ja'", answers)
    assert holds("not (s.a == 'ja' and s.b == 'ja')", answers)


def test_not_not_cancels():
    assert holds("not not s.a == 'ja'", {"s.a": "ja"})


def test_nested_parentheses():
    source = "((s.a == 1 or s.b == 1) and (s.c == 1 or (s.d == 1 and not s.e == 1)))"
    assert holds(source, {"s.a": 1, "s.d": 1, "s.e": 0})
    assert not holds(source, {"s.a": 1, "s.d": 1, "s.e": 1})
    assert not holds(source, {"s.c": 1})


def test_keywords_inside_names_are_part_of_the_name():
    # "order", "index" and "island" start with or / in / is: still plain question ids.
    answers = {"s.order": 1, "s.index": 2, "s.island": "ja"}
    assert holds("s.order == 1 and s.index == 2 and s.island == 'ja'", answers)


# --- in / not in ---------------------------------------------------------------------------

def test_in_a_list_of_values():
    assert holds("s.boende in ['hyresratt', 'bostadsratt']", {"s.boende": "bostadsratt"})
    assert not holds("s.boende in ['hyresratt', 'bostadsratt']", {"s.boende": "villa"})
    assert holds("s.antal in [1, 2, 3]", {"s.antal": 2})
    assert holds("s.antal in [1]", {"s.antal": 1})


def test_not_in_a_list_of_values():
    assert holds("s.boende not in ['hyresratt', 'bostadsratt']", {"s.boende": "villa"})
    assert not holds("s.boende not in ['hyresratt', 'bostadsratt']", {"s.boende": "hyresratt"})


def test_in_a_multi_answer_checks_whether_the_code_was_chosen():
    answers = {"s.hinder": ["hyresvardar", "annat"]}
    assert holds("'annat' in s.hinder", answers)
    assert not holds("'kostnad' in s.hinder", answers)
    assert holds("'kostnad' not in s.hinder", answers)
    assert not holds("'annat' not in s.hinder", answers)


def test_in_an_answer_that_is_not_a_list_is_false():
    assert not holds("'ja' in s.a", {"s.a": "ja"})


def test_in_a_matrix_answer_looks_at_the_row_answers():
    assert holds("'vet_ej' in s.m", {"s.m": {"liten": "svart", "stor": "vet_ej"}})
    assert not holds("'latt' in s.m", {"s.m": {"liten": "svart", "stor": "vet_ej"}})


# --- is answered ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, answered", [
    ("ja", True),
    (0, True),
    (["a"], True),
    ({"liten": "svart"}, True),
    ("vet_ej", True),
    ("ej_aktuellt", True),
    (None, False),
    ("", False),
    ([], False),
    ({}, False),
])
def test_is_answered(value, answered):
    answers = {"s.a": value}
    assert holds("s.a is answered", answers) is answered
    assert holds("s.a is not answered", answers) is not answered


def test_a_question_never_given_is_not_answered():
    assert holds("s.a is not answered", {})
    assert not holds("s.a is answered", {})


def test_dont_know_is_answered_but_equals_no_choice():
    answers = {"s.lok": "vet_ej"}
    assert holds("s.lok is answered", answers)
    assert not holds("s.lok == 'ja'", answers)
    assert not holds("s.lok == 'nej'", answers)
    assert holds("s.lok == 'vet_ej'", answers)


# --- matrix rows ---------------------------------------------------------------------------

def test_a_matrix_row_is_read_with_brackets():
    answers = {"s.tillgang": {"liten": "mycket_svart", "stor": "ganska_latt"}}
    assert holds("s.tillgang[liten] == 'mycket_svart'", answers)
    assert not holds("s.tillgang[stor] == 'mycket_svart'", answers)
    assert holds("s.tillgang[stor] in ['ganska_latt', 'mycket_latt']", answers)


def test_a_matrix_row_code_may_be_a_number_or_a_string():
    answers = {"s.rum": {"1": "svart", "rok_2": "latt"}}
    assert holds("s.rum[1] == 'svart'", answers)
    assert holds("s.rum['rok_2'] == 'latt'", answers)


def test_an_unanswered_matrix_row_is_not_answered():
    answers = {"s.tillgang": {"liten": "svart"}}
    assert holds("s.tillgang[liten] is answered", answers)
    assert holds("s.tillgang[stor] is not answered", answers)


def test_a_row_of_an_answer_that_is_not_a_matrix_is_missing():
    assert holds("s.a[rad] is not answered", {"s.a": "ja"})
    assert not holds("s.a[rad] == 'ja'", {"s.a": "ja"})


# --- references ----------------------------------------------------------------------------

def test_references_lists_each_question_once_in_order():
    condition = parse("s.b == 1 and (s.a[rad] is answered or 'x' in s.c) and s.b != 2")
    assert condition.references() == ["s.b", "s.a", "s.c"]


def test_literals_are_not_references():
    assert parse("s.a in ['s.b', 's.c']").references() == ["s.a"]


def test_the_parsed_condition_keeps_its_source():
    assert parse("s.a == 'ja'").source == "s.a == 'ja'"


# --- syntax errors -------------------------------------------------------------------------

@pytest.mark.parametrize("source, message, position", [
    ("s.a ==", "expected a question id or a value, found end of condition at position 7", 6),
    ("s.a == 'ja' and", "expected a question id or a value, found end of condition at position 16", 15),
    ("(s.a == 'ja'", "expected ')' at position 13", 12),
    ("s.a == 'ja')", "unexpected ')' at position 12", 11),
    ("s.a 'ja'", "unexpected 'ja' at position 5", 4),
    ("s.a = 'ja'", "unexpected character '=' at position 5", 4),
    ("s.a == 'ja", "unexpected character \"'\" at position 8", 7),
    ("s.a && s.b", "unexpected character '&' at position 5", 4),
    ("s.a is", "expected 'answered' after 'is' at position 7", 6),
    ("s.a is 'ja'", "expected 'answered' after 'is' at position 8", 7),
    ("'ja' is answered", "'is answered' needs a question id at position 6", 5),
    ("s.a in", "expected a question id at position 7", 6),
    ("s.a in []", "expected a value in the list at position 9", 8),
    ("s.a in ['ja' 'nej']", "expected ',' or ']' at position 14", 13),
    ("s.a in [s.b]", "expected a value in the list at position 9", 8),
    ("s.m[] == 'x'", "expected an item code at position 5", 4),
    ("s.m[rad == 'x'", "expected ']' at position 9", 8),
    ("and s.a", "expected a question id or a value, found 'and' at position 1", 0),
])
def test_a_syntax_error_names_its_position(source, message, position):
    with pytest.raises(ConditionError) as caught:
        parse(source)
    assert str(caught.value) == message
    assert caught.value.position == position


def test_a_position_counts_from_one_and_points_at_the_bad_character_after_blanks():
    with pytest.raises(ConditionError) as caught:
        parse("s.a ==    @")
    assert str(caught.value) == "unexpected character '@' at position 11"
    assert "s.a ==    @"[caught.value.position] == "@"


@pytest.mark.parametrize("source", ["", "   ", None, 42])
def test_an_empty_condition_is_an_error(source):
    with pytest.raises(ConditionError) as caught:
        parse(source)
    assert str(caught.value) == "a condition must be a non-empty string"


def test_condition_error_is_a_value_error():
    assert issubclass(ConditionError, ValueError)


# --- nothing is Python ---------------------------------------------------------------------

@pytest.mark.parametrize("source, message", [
    ("__import__('os')", "unknown function '__import__' at position 1 (known: count, days, if, int, max, min, number, round, sum)"),
    ("__import__('os').system('true')", "unexpected character '.' at position 17"),
    ("open('/etc/passwd')", "unknown function 'open' at position 1 (known: count, days, if, int, max, min, number, round, sum)"),
    ("lambda: 1", "unexpected character ':' at position 7"),
    ("s.a; import os", "unexpected character ';' at position 4"),
    ("s.a ** 2 == 4", "expected a question id or a value, found '*' at position 6"),
    ("s.a if s.b else s.c", "unexpected 'if' at position 5"),
    ("[x for x in s.a]", "expected a question id or a value, found '[' at position 1"),
    ("{'a': 1}", "unexpected character '{' at position 1"),
])
def test_python_is_a_syntax_error(source, message):
    with pytest.raises(ConditionError) as caught:
        parse(source)
    assert str(caught.value) == message


def test_attribute_like_names_are_only_looked_up_as_question_ids():
    asked = []

    def lookup(qid):
        asked.append(qid)
        return None

    condition = parse("s.__class__ is answered or __builtins__ == 1")
    assert condition.evaluate(lookup) is False
    assert asked == ["s.__class__", "__builtins__"]


def test_evaluation_only_reads_answers_through_the_lookup():
    condition = parse("s.a == 'ja' and s.b in [1, 2]")
    assert condition.evaluate({"s.a": "ja", "s.b": 2}.get) is True
    assert condition.evaluate(lambda qid: None) is False


def test_a_bare_reference_is_true_for_an_answer_of_zero():
    from forms.conditions import parse

    assert parse("s.n").evaluate({"s.n": 0}.get) is True
    assert parse("s.n").evaluate({}.get) is False
    assert parse("s.n").evaluate({"s.n": ""}.get) is False
