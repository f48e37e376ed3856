"""Cleaning raw answers: every question type, don't-know codes, required vs partial, relevance."""

from __future__ import annotations

import datetime

import pytest

from forms import DONT_KNOW, NOT_APPLICABLE, clean_answers
from forms_helpers import choices, make_questionnaire, section


def clean(questionnaire, raw, **options):
    return clean_answers(questionnaire, raw, **options)


# --- single --------------------------------------------------------------------------------

def test_single_keeps_a_listed_code():
    q = make_questionnaire({"id": "boende", "type": "single", "label": "Boende", "choices": choices("hyra", "bostadsratt")})
    cleaned = clean(q, {"s.boende": " hyra "})
    assert cleaned.answers == {"s.boende": "hyra"}
    assert cleaned.errors == {}
    assert cleaned.ok


def test_single_rejects_an_unlisted_code_in_swedish_and_english():
    q = make_questionnaire({"id": "boende", "type": "single", "label": "Boende", "choices": choices("hyra", "bostadsratt")})
    assert clean(q, {"s.boende": "villa"}).errors == {"s.boende": "Välj ett av alternativen."}
    assert clean(q, {"s.boende": "villa"}, lang="en").errors == {"s.boende": "Choose one of the options."}
    assert clean(q, {"s.boende": "villa"}).answers == {}


def test_single_accepts_a_number_for_a_numeric_code():
    q = make_questionnaire({"id": "rum", "type": "single", "label": "Rum", "choices": choices("1", "2")})
    assert clean(q, {"s.rum": 2}).answers == {"s.rum": "2"}


def test_single_takes_the_first_non_empty_value_of_a_form_list():
    q = make_questionnaire({"id": "rum", "type": "single", "label": "Rum", "choices": choices("1", "2")})
    assert clean(q, {"s.rum": ["", "2"]}).answers == {"s.rum": "2"}


@pytest.mark.parametrize("value", [True, 1.5, ["x"], {"a": "1"}])
def test_single_rejects_values_that_are_no_code(value):
    q = make_questionnaire({"id": "rum", "type": "single", "label": "Rum", "choices": choices("1", "2")})
    assert clean(q, {"s.rum": value}).errors == {"s.rum": "Välj ett av alternativen."}


# --- multi ---------------------------------------------------------------------------------

def hinder(**extra):
    return make_questionnaire({"id": "hinder", "type": "multi", "label": "Hinder",
                               "choices": choices("kostnad", "hyresvardar", "kotid"), **extra})


def test_multi_keeps_codes_in_list_order_without_repeats():
    cleaned = clean(hinder(), {"s.hinder": ["kotid", "kostnad", "kotid"]})
    assert cleaned.answers == {"s.hinder": ["kostnad", "kotid"]}


def test_multi_accepts_one_code_as_a_string():
    assert clean(hinder(), {"s.hinder": "kotid"}).answers == {"s.hinder": ["kotid"]}


def test_multi_with_nothing_ticked_is_missing():
    assert clean(hinder(), {"s.hinder": []}).answers == {}
    assert clean(hinder(required=True), {"s.hinder": ["", None]}).errors == {"s.hinder": "Frågan måste besvaras."}


def test_multi_rejects_an_unlisted_code():
    assert clean(hinder(), {"s.hinder": ["kostnad", "villa"]}).errors == {"s.hinder": "Välj ett av alternativen."}


def test_multi_other_keeps_its_text():
    cleaned = clean(hinder(other=True), {"s.hinder": ["kostnad", "annat"], "s.hinder/annat": "  brist på hissar "})
    assert cleaned.answers == {"s.hinder": ["kostnad", "annat"], "s.hinder/annat": "brist på hissar"}
    assert cleaned.errors == {}


def test_multi_other_without_text_is_an_error():
    q = hinder(other=True)
    assert clean(q, {"s.hinder": ["annat"]}).errors == {"s.hinder": 'Skriv vad som avses med "annat".'}
    assert clean(q, {"s.hinder": ["annat"], "s.hinder/annat": "   "}, lang="en").errors == {
        "s.hinder": 'Say what "other" means.'}


def test_multi_other_text_is_dropped_when_other_is_not_ticked():
    cleaned = clean(hinder(other=True), {"s.hinder": ["kostnad"], "s.hinder/annat": "glömd text"})
    assert cleaned.answers == {"s.hinder": ["kostnad"]}


def test_multi_other_is_not_a_choice_unless_declared():
    assert clean(hinder(), {"s.hinder": ["annat"], "s.hinder/annat": "x"}).errors == {
        "s.hinder": "Välj ett av alternativen."}


def test_multi_dont_know_alone_is_an_answer():
    cleaned = clean(hinder(dont_know=True, required=True), {"s.hinder": ["vet_ej"]})
    assert cleaned.answers == {"s.hinder": ["vet_ej"]}
    assert cleaned.errors == {}


def test_multi_dont_know_cannot_be_combined_with_other_answers():
    q = hinder(dont_know=True, not_applicable=True)
    assert clean(q, {"s.hinder": ["kostnad", "vet_ej"]}).errors == {
        "s.hinder": '"Vet ej" kan inte kombineras med andra svar.'}
    assert clean(q, {"s.hinder": ["kostnad", "vet_ej"]}, lang="en").errors == {
        "s.hinder": '"Don\'t know" cannot be combined with other answers.'}
    assert clean(q, {"s.hinder": ["ej_aktuellt", "kotid"]}).errors == {
        "s.hinder": '"Ej aktuellt" kan inte kombineras med andra svar.'}
    assert clean(q, {"s.hinder": ["ej_aktuellt", "vet_ej"]}, lang="en").errors == {
        "s.hinder": '"Don\'t know" cannot be combined with other answers.'}


def test_a_limit_of_one_choice_or_character_is_said_in_the_singular():
    q = hinder(min=1, max=1)
    assert clean(q, {"s.hinder": ["kostnad", "kotid"]}).errors == {"s.hinder": "Välj högst 1 alternativ."}
    assert clean(q, {"s.hinder": ["kostnad", "kotid"]}, lang="en").errors == {"s.hinder": "Choose at most 1 option."}
    q = make_questionnaire({"id": "kod", "type": "text", "label": "Kod", "max_length": 1})
    assert clean(q, {"s.kod": "ab"}, lang="en").errors == {"s.kod": "At most 1 character."}


def test_multi_min_and_max_count_substantive_choices():
    q = hinder(min=2, max=2, dont_know=True)
    assert clean(q, {"s.hinder": ["kostnad"]}).errors == {"s.hinder": "Välj minst 2 alternativ."}
    assert clean(q, {"s.hinder": ["kostnad", "kotid", "hyresvardar"]}, lang="en").errors == {
        "s.hinder": "Choose at most 2 options."}
    assert clean(q, {"s.hinder": ["kostnad", "kotid"]}).answers == {"s.hinder": ["kostnad", "kotid"]}
    assert clean(q, {"s.hinder": ["vet_ej"]}).answers == {"s.hinder": ["vet_ej"]}


# --- scale ---------------------------------------------------------------------------------

def tillgang(**extra):
    return make_questionnaire({
        "id": "tillgang", "type": "scale", "label": "Hur svårt är det?",
        "choices": [{"code": "mycket_svart", "label": "Mycket svårt"}, {"code": "ganska_svart", "label": "Ganska svårt"},
                    {"code": "ganska_latt", "label": "Ganska lätt"}, {"code": "mycket_latt", "label": "Mycket lätt"}],
        **extra})


def test_scale_keeps_a_level_and_levels_score_in_order():
    q = tillgang()
    assert clean(q, {"s.tillgang": "ganska_latt"}).answers == {"s.tillgang": "ganska_latt"}
    question = q.question("s.tillgang")
    assert [question.score(c) for c in ("mycket_svart", "ganska_svart", "ganska_latt", "mycket_latt")] == [1, 2, 3, 4]


def test_scale_explicit_scores_are_kept():
    q = make_questionnaire({"id": "n", "type": "scale", "label": "N",
                            "choices": [{"code": "lag", "label": "Låg", "score": -1}, {"code": "hog", "label": "Hög", "score": 1}]})
    assert q.question("s.n").score("lag") == -1
    assert q.question("s.n").score("hog") == 1


def test_scale_dont_know_has_no_score():
    q = tillgang(dont_know=True)
    assert clean(q, {"s.tillgang": "vet_ej"}).answers == {"s.tillgang": "vet_ej"}
    assert q.question("s.tillgang").score("vet_ej") is None


def test_scale_rejects_dont_know_unless_offered():
    assert clean(tillgang(), {"s.tillgang": "vet_ej"}).errors == {"s.tillgang": "Välj ett av alternativen."}
    assert clean(tillgang(dont_know=True), {"s.tillgang": "ej_aktuellt"}).errors == {
        "s.tillgang": "Välj ett av alternativen."}


# --- matrix --------------------------------------------------------------------------------

def matrix(**extra):
    return make_questionnaire({
        "id": "rum", "type": "matrix", "label": "Hur svårt per lägenhetsstorlek?",
        "choices": choices("svart", "latt"),
        "items": [{"code": "rok_1", "label": "1 rok"}, {"code": "rok_2", "label": "2 rok"}],
        **extra})


def test_matrix_rows_from_form_fields():
    cleaned = clean(matrix(), {"s.rum/rok_1": "svart", "s.rum/rok_2": "latt"})
    assert cleaned.answers == {"s.rum": {"rok_1": "svart", "rok_2": "latt"}}


def test_matrix_rows_from_a_mapping():
    cleaned = clean(matrix(), {"s.rum": {"rok_1": "latt", "rok_2": "svart", "rok_9": "latt"}})
    assert cleaned.answers == {"s.rum": {"rok_1": "latt", "rok_2": "svart"}}


def test_matrix_rejects_a_code_not_on_the_scale():
    assert clean(matrix(), {"s.rum/rok_1": "omojligt"}).errors == {"s.rum": "Välj ett av alternativen."}


def test_required_matrix_needs_every_row_except_in_partial_mode():
    q = matrix(required=True)
    cleaned = clean(q, {"s.rum/rok_1": "svart"})
    assert cleaned.errors == {"s.rum": "Besvara varje rad."}
    assert clean(q, {"s.rum/rok_1": "svart"}, lang="en").errors == {"s.rum": "Answer every row."}
    partial = clean(q, {"s.rum/rok_1": "svart"}, partial=True)
    assert partial.errors == {}
    assert partial.answers == {"s.rum": {"rok_1": "svart"}}


def test_matrix_with_no_row_is_missing():
    assert clean(matrix(required=True), {}).errors == {"s.rum": "Frågan måste besvaras."}
    assert clean(matrix(), {"s.rum/rok_1": ""}).answers == {}


def test_matrix_rows_take_dont_know():
    q = matrix(required=True, dont_know=True)
    cleaned = clean(q, {"s.rum": {"rok_1": "svart", "rok_2": "vet_ej"}})
    assert cleaned.answers == {"s.rum": {"rok_1": "svart", "rok_2": "vet_ej"}}
    assert cleaned.errors == {}


# --- yesno ---------------------------------------------------------------------------------

def test_yesno_has_fixed_codes_ja_and_nej():
    q = make_questionnaire({"id": "lok", "type": "yesno", "label": "Finns en LÖK?"})
    assert clean(q, {"s.lok": "ja"}).answers == {"s.lok": "ja"}
    assert clean(q, {"s.lok": "nej"}).answers == {"s.lok": "nej"}
    assert clean(q, {"s.lok": "yes"}).errors == {"s.lok": "Välj ett av alternativen."}
    assert clean(q, {"s.lok": True}).errors == {"s.lok": "Välj ett av alternativen."}
    assert [c.text("en") for c in q.question("s.lok").all_choices()] == ["Yes", "No"]


# --- integer -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, value", [
    ("12", 12),
    (" 12 ", 12),
    ("1 200", 1200),
    ("1\u00a0200", 1200),    # a no-break space, as pasted from a spreadsheet
    ("1\u202f200", 1200),    # a narrow no-break space
    ("-3", -3),
    (12, 12),
    (12.0, 12),
    (["7"], 7),
])
def test_integer_accepts_whole_numbers_with_thousands_spaces(raw, value):
    q = make_questionnaire({"id": "antal", "type": "integer", "label": "Antal"})
    cleaned = clean(q, {"s.antal": raw})
    assert cleaned.answers == {"s.antal": value}
    assert type(cleaned.answers["s.antal"]) is int


@pytest.mark.parametrize("raw", ["12,5", "12.5", 12.5, "tolv", "1e3", "12 st", True, float("nan"), float("inf"), {"a": 1}])
def test_integer_rejects_anything_else(raw):
    q = make_questionnaire({"id": "antal", "type": "integer", "label": "Antal"})
    assert clean(q, {"s.antal": raw}).errors == {"s.antal": "Ange ett heltal, t.ex. 12."}
    assert clean(q, {"s.antal": raw}, lang="en").errors == {"s.antal": "Enter a whole number, e.g. 12."}


@pytest.mark.parametrize("qtype", ["integer", "money", "decimal"])
def test_a_number_with_too_many_digits_is_told_so_not_that_it_is_no_number(qtype):
    """An outside tester typed 1 000 000 000 000 000 000 000 and was told to enter a whole number."""
    q = make_questionnaire({"id": "antal", "type": qtype, "label": "Antal"})
    raw = "1 000 000 000 000 000 000 000"
    assert clean(q, {"s.antal": raw}).errors == {"s.antal": "Talet är för stort: högst 15 siffror."}
    assert clean(q, {"s.antal": raw}, lang="en").errors == {"s.antal": "The number is too large: at most 15 digits."}
    assert clean(q, {"s.antal": "999 999 999 999 999"}).answers == {"s.antal": 999_999_999_999_999}


def test_integer_min_and_max():
    q = make_questionnaire({"id": "antal", "type": "integer", "label": "Antal", "min": 0, "max": 1000})
    assert clean(q, {"s.antal": "-1"}).errors == {"s.antal": "Värdet får inte vara mindre än 0."}
    assert clean(q, {"s.antal": "1 001"}).errors == {"s.antal": "Värdet får inte vara större än 1\u00a0000."}
    assert clean(q, {"s.antal": "1 001"}, lang="en").errors == {"s.antal": "The value may not be greater than 1,000."}
    assert clean(q, {"s.antal": "-1"}, lang="en").errors == {"s.antal": "The value may not be less than 0."}
    assert clean(q, {"s.antal": "0"}).answers == {"s.antal": 0}
    assert clean(q, {"s.antal": "1 000"}).answers == {"s.antal": 1000}


# --- decimal -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, value", [
    ("12,5", 12.5),
    ("12.5", 12.5),
    ("1 200,75", 1200.75),
    ("-0,5", -0.5),
    ("3", 3),
    (12.5, 12.5),
    (3, 3),
])
def test_decimal_accepts_a_comma_or_a_point(raw, value):
    q = make_questionnaire({"id": "andel", "type": "decimal", "label": "Andel"})
    assert clean(q, {"s.andel": raw}).answers == {"s.andel": value}


@pytest.mark.parametrize("raw", ["12,5,1", "1e5", "tolv", "12,", ",5", True, float("nan"), float("inf"), float("-inf"),
                                 pytest.param(10 ** 400, id="int-too-large-for-a-float")])
def test_decimal_rejects_anything_else(raw):
    q = make_questionnaire({"id": "andel", "type": "decimal", "label": "Andel"})
    assert clean(q, {"s.andel": raw}).errors == {"s.andel": "Ange ett tal, t.ex. 12,5."}
    assert clean(q, {"s.andel": raw}, lang="en").errors == {"s.andel": "Enter a number, e.g. 12.5."}


def test_decimal_min_and_max():
    q = make_questionnaire({"id": "andel", "type": "decimal", "label": "Andel", "min": 0, "max": 100})
    assert clean(q, {"s.andel": "100,5"}).errors == {"s.andel": "Värdet får inte vara större än 100."}
    assert clean(q, {"s.andel": "-0,1"}).errors == {"s.andel": "Värdet får inte vara mindre än 0."}
    assert clean(q, {"s.andel": "99,9"}).answers == {"s.andel": 99.9}


# --- money ---------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, value", [
    ("12500", 12500),
    ("12 500", 12500),
    ("12 500 kr", 12500),
    ("12 500 KR", 12500),
    ("12500kr", 12500),
    ("12 500 SEK", 12500),
    ("12 500:-", 12500),
    (12500, 12500),
    (12500.0, 12500),
])
def test_money_accepts_whole_kronor_with_spaces_and_kr(raw, value):
    q = make_questionnaire({"id": "kostnad", "type": "money", "label": "Kostnad"})
    cleaned = clean(q, {"s.kostnad": raw})
    assert cleaned.answers == {"s.kostnad": value}
    assert type(cleaned.answers["s.kostnad"]) is int


@pytest.mark.parametrize("raw", [12.5, "12.5", "12,5", "12,50 kr", "kr", "tolvtusen", "12 500 EUR", True])
def test_money_rejects_ore_and_anything_else(raw):
    q = make_questionnaire({"id": "kostnad", "type": "money", "label": "Kostnad"})
    assert clean(q, {"s.kostnad": raw}).errors == {"s.kostnad": "Ange ett belopp i hela kronor, t.ex. 12 500."}
    assert clean(q, {"s.kostnad": raw}, lang="en").errors == {
        "s.kostnad": "Enter an amount in whole kronor, e.g. 12 500."}


def test_money_min():
    q = make_questionnaire({"id": "kostnad", "type": "money", "label": "Kostnad", "min": 0})
    assert clean(q, {"s.kostnad": "-100 kr"}).errors == {"s.kostnad": "Värdet får inte vara mindre än 0."}


# --- text and longtext ---------------------------------------------------------------------

def test_text_trims_and_collapses_blanks():
    q = make_questionnaire({"id": "namn", "type": "text", "label": "Namn"})
    assert clean(q, {"s.namn": "  Anna \n  Berg\t "}).answers == {"s.namn": "Anna Berg"}


def test_text_pattern_must_match_the_whole_answer():
    q = make_questionnaire({"id": "postnr", "type": "text", "label": "Postnummer", "pattern": "[0-9]{3} ?[0-9]{2}"})
    assert clean(q, {"s.postnr": "903 25"}).answers == {"s.postnr": "903 25"}
    assert clean(q, {"s.postnr": "90325"}).answers == {"s.postnr": "90325"}
    assert clean(q, {"s.postnr": "903 256"}).errors == {"s.postnr": "Svaret har inte rätt format."}
    assert clean(q, {"s.postnr": "x903 25"}, lang="en").errors == {"s.postnr": "The answer is not in the expected format."}


def test_text_max_length():
    q = make_questionnaire({"id": "kort", "type": "text", "label": "Kort", "max_length": 5})
    assert clean(q, {"s.kort": "abcde"}).answers == {"s.kort": "abcde"}
    assert clean(q, {"s.kort": "abcdef"}).errors == {"s.kort": "Högst 5 tecken."}
    assert clean(q, {"s.kort": "abcdef"}, lang="en").errors == {"s.kort": "At most 5 characters."}


def test_text_without_max_length_is_still_bounded():
    q = make_questionnaire({"id": "namn", "type": "text", "label": "Namn"})
    assert clean(q, {"s.namn": "x" * 20_001}).errors == {"s.namn": "Högst 20\u00a0000 tecken."}
    assert clean(q, {"s.namn": "x" * 20_001}, lang="en").errors == {"s.namn": "At most 20,000 characters."}


def test_text_rejects_structures():
    q = make_questionnaire({"id": "namn", "type": "text", "label": "Namn"})
    assert clean(q, {"s.namn": {"a": "b"}}).errors == {"s.namn": "Ange text."}
    assert clean(q, {"s.namn": True}, lang="en").errors == {"s.namn": "Enter text."}


def test_blank_text_is_missing():
    q = make_questionnaire({"id": "namn", "type": "text", "label": "Namn", "required": True})
    assert clean(q, {"s.namn": "   "}).errors == {"s.namn": "Frågan måste besvaras."}


def test_longtext_keeps_line_breaks_and_normalises_them():
    q = make_questionnaire({"id": "kommentar", "type": "longtext", "label": "Kommentar"})
    cleaned = clean(q, {"s.kommentar": "  Rad ett\r\n\r\nRad  två \x00 "})
    assert cleaned.answers == {"s.kommentar": "Rad ett\n\nRad  två"}


# --- date ----------------------------------------------------------------------------------

def test_date_accepts_iso_dates():
    q = make_questionnaire({"id": "datum", "type": "date", "label": "Datum"})
    assert clean(q, {"s.datum": "2024-02-29"}).answers == {"s.datum": "2024-02-29"}
    assert clean(q, {"s.datum": datetime.date(2024, 3, 1)}).answers == {"s.datum": "2024-03-01"}


@pytest.mark.parametrize("raw", ["2023-02-29", "2024-13-01", "1/3/2024", "2024-3-1", "igår", 20240301])
def test_date_rejects_other_formats_and_impossible_dates(raw):
    q = make_questionnaire({"id": "datum", "type": "date", "label": "Datum"})
    assert clean(q, {"s.datum": raw}).errors == {"s.datum": "Ange ett datum som ÅÅÅÅ-MM-DD."}
    assert clean(q, {"s.datum": raw}, lang="en").errors == {"s.datum": "Enter a date as YYYY-MM-DD."}


def test_date_min_and_max():
    q = make_questionnaire({"id": "datum", "type": "date", "label": "Datum", "min": "2024-01-01", "max": "2024-12-31"})
    assert clean(q, {"s.datum": "2023-12-31"}).errors == {"s.datum": "Värdet får inte vara mindre än 2024-01-01."}
    assert clean(q, {"s.datum": "2025-01-01"}, lang="en").errors == {
        "s.datum": "The value may not be greater than 2024-12-31."}
    assert clean(q, {"s.datum": "2024-01-01"}).answers == {"s.datum": "2024-01-01"}
    assert clean(q, {"s.datum": "2024-12-31"}).answers == {"s.datum": "2024-12-31"}


# --- note ----------------------------------------------------------------------------------

def test_a_note_is_never_answered():
    q = make_questionnaire({"id": "info", "type": "note", "label": "Läs detta först"},
                           {"id": "a", "type": "yesno", "label": "A"})
    cleaned = clean(q, {"s.info": "hej", "s.a": "ja"})
    assert cleaned.answers == {"s.a": "ja"}
    assert cleaned.errors == {}
    assert cleaned.skipped == []


# --- required, partial and special codes ---------------------------------------------------

def test_required_missing_answers_are_errors_in_both_languages():
    q = make_questionnaire({"id": "a", "type": "yesno", "label": "A", "required": True},
                           {"id": "b", "type": "integer", "label": "B", "required": True},
                           {"id": "c", "type": "text", "label": "C"})
    assert clean(q, {}).errors == {"s.a": "Frågan måste besvaras.", "s.b": "Frågan måste besvaras."}
    assert clean(q, {"s.a": "", "s.b": None}, lang="en").errors == {
        "s.a": "This question must be answered.", "s.b": "This question must be answered."}
    assert not clean(q, {}).ok


def test_partial_mode_allows_missing_answers_but_not_invalid_ones():
    q = make_questionnaire({"id": "a", "type": "yesno", "label": "A", "required": True},
                           {"id": "b", "type": "integer", "label": "B", "required": True})
    cleaned = clean(q, {"s.b": "många"}, partial=True)
    assert cleaned.errors == {"s.b": "Ange ett heltal, t.ex. 12."}
    assert clean(q, {"s.a": "ja"}, partial=True).ok


def test_an_unknown_language_falls_back_to_swedish():
    q = make_questionnaire({"id": "a", "type": "yesno", "label": "A", "required": True})
    assert clean(q, {}, lang="fi").errors == {"s.a": "Frågan måste besvaras."}


def test_dont_know_and_not_applicable_are_answers_not_missing():
    q = make_questionnaire({"id": "antal", "type": "integer", "label": "Antal", "required": True,
                            "dont_know": True, "not_applicable": True, "min": 0})
    assert clean(q, {"s.antal": "vet_ej"}).answers == {"s.antal": DONT_KNOW}
    assert clean(q, {"s.antal": " ej_aktuellt "}).answers == {"s.antal": NOT_APPLICABLE}
    assert clean(q, {"s.antal": "vet_ej"}).errors == {}
    assert clean(q, {}).errors == {"s.antal": "Frågan måste besvaras."}


def test_special_codes_are_only_accepted_where_offered():
    q = make_questionnaire({"id": "antal", "type": "integer", "label": "Antal", "dont_know": True},
                           {"id": "datum", "type": "date", "label": "Datum"})
    assert clean(q, {"s.antal": "ej_aktuellt"}).errors == {"s.antal": "Ange ett heltal, t.ex. 12."}
    assert clean(q, {"s.datum": "vet_ej"}).errors == {"s.datum": "Ange ett datum som ÅÅÅÅ-MM-DD."}


@pytest.mark.parametrize("qtype, extra", [
    ("single", {"choices": choices("a", "b")}),
    ("scale", {"choices": choices("a", "b")}),
    ("yesno", {}),
    ("decimal", {}),
    ("money", {}),
    ("text", {}),
    ("longtext", {}),
    ("date", {}),
])
def test_dont_know_satisfies_required_for_every_type(qtype, extra):
    q = make_questionnaire({"id": "x", "type": qtype, "label": "X", "required": True, "dont_know": True, **extra})
    cleaned = clean(q, {"s.x": "vet_ej"})
    assert cleaned.answers == {"s.x": "vet_ej"}
    assert cleaned.ok


def test_raw_that_is_not_a_mapping_counts_as_no_answers():
    q = make_questionnaire({"id": "a", "type": "yesno", "label": "A", "required": True})
    assert clean(q, ["s.a", "ja"]).errors == {"s.a": "Frågan måste besvaras."}
    assert clean(q, None, partial=True).answers == {}


def test_unknown_keys_are_ignored():
    q = make_questionnaire({"id": "a", "type": "yesno", "label": "A"})
    assert clean(q, {"s.a": "ja", "s.zzz": "x", "csrf_token": "abc"}).answers == {"s.a": "ja"}


# --- relevance -----------------------------------------------------------------------------

def chain():
    """A -> B -> C: B only if A is yes, C only if B is yes."""
    return make_questionnaire(
        {"id": "a", "type": "yesno", "label": "Finns en LÖK?", "required": True},
        {"id": "b", "type": "yesno", "label": "Är den skriftlig?", "required": True, "relevant": "s.a == 'ja'"},
        {"id": "c", "type": "integer", "label": "Vilket år?", "required": True, "relevant": "s.b == 'ja'"},
    )


def test_chain_all_relevant_when_each_answer_is_yes():
    cleaned = clean(chain(), {"s.a": "ja", "s.b": "ja", "s.c": "2019"})
    assert cleaned.answers == {"s.a": "ja", "s.b": "ja", "s.c": 2019}
    assert cleaned.skipped == []
    assert cleaned.ok


def test_chain_required_follow_up_is_an_error_only_while_relevant():
    assert clean(chain(), {"s.a": "ja"}).errors == {"s.b": "Frågan måste besvaras."}
    assert clean(chain(), {"s.a": "ja", "s.b": "ja"}).errors == {"s.c": "Frågan måste besvaras."}


def test_chain_no_at_the_top_skips_everything_below():
    cleaned = clean(chain(), {"s.a": "nej"})
    assert cleaned.answers == {"s.a": "nej"}
    assert cleaned.skipped == ["s.b", "s.c"]
    assert cleaned.errors == {}


def test_answers_to_a_question_made_irrelevant_are_dropped_not_missing():
    # The respondent said yes, answered the follow-ups, then went back and changed A to no.
    cleaned = clean(chain(), {"s.a": "nej", "s.b": "ja", "s.c": "2019"})
    assert cleaned.answers == {"s.a": "nej"}
    assert cleaned.skipped == ["s.b", "s.c"]
    assert cleaned.errors == {}
    assert cleaned.ok


def test_an_invalid_answer_to_an_irrelevant_question_is_no_error():
    cleaned = clean(chain(), {"s.a": "ja", "s.b": "nej", "s.c": "inte ett tal"})
    assert cleaned.answers == {"s.a": "ja", "s.b": "nej"}
    assert cleaned.skipped == ["s.c"]
    assert cleaned.errors == {}


def test_relevance_is_decided_on_cleaned_not_raw_answers():
    # B's raw answer is invalid, so it is not "ja", and C is not shown.
    cleaned = clean(chain(), {"s.a": "ja", "s.b": "JA!", "s.c": "2019"})
    assert cleaned.errors == {"s.b": "Välj ett av alternativen."}
    assert cleaned.skipped == ["s.c"]
    assert "s.c" not in cleaned.answers


def test_dont_know_does_not_open_a_follow_up_but_is_answered():
    q = make_questionnaire(
        {"id": "a", "type": "yesno", "label": "A", "dont_know": True},
        {"id": "b", "type": "text", "label": "Varför?", "relevant": "s.a == 'ja'"},
        {"id": "c", "type": "text", "label": "Kommentar", "relevant": "s.a is answered"},
    )
    cleaned = clean(q, {"s.a": "vet_ej", "s.b": "x", "s.c": "y"})
    assert cleaned.answers == {"s.a": "vet_ej", "s.c": "y"}
    assert cleaned.skipped == ["s.b"]


def test_multi_other_text_is_dropped_with_its_question():
    q = make_questionnaire(
        {"id": "a", "type": "yesno", "label": "A"},
        {"id": "hinder", "type": "multi", "label": "Hinder", "other": True, "choices": choices("kostnad"),
         "relevant": "s.a == 'ja'"},
    )
    cleaned = clean(q, {"s.a": "nej", "s.hinder": ["annat"], "s.hinder/annat": "text"})
    assert cleaned.answers == {"s.a": "nej"}
    assert cleaned.skipped == ["s.hinder"]


def test_relevance_on_a_matrix_row_and_a_multi_choice():
    q = make_questionnaire(
        {"id": "rum", "type": "matrix", "label": "Rum", "choices": choices("svart", "latt"),
         "items": [{"code": "rok_1", "label": "1 rok"}, {"code": "rok_2", "label": "2 rok"}]},
        {"id": "varfor", "type": "text", "label": "Varför svårt?", "relevant": "s.rum[rok_1] == 'svart'"},
        {"id": "hinder", "type": "multi", "label": "Hinder", "choices": choices("kostnad", "kotid")},
        {"id": "ko", "type": "integer", "label": "Kötid", "relevant": "'kotid' in s.hinder"},
    )
    shown = clean(q, {"s.rum/rok_1": "svart", "s.varfor": "kö", "s.hinder": ["kotid"], "s.ko": "3"})
    assert shown.answers == {"s.rum": {"rok_1": "svart"}, "s.varfor": "kö", "s.hinder": ["kotid"], "s.ko": 3}
    hidden = clean(q, {"s.rum/rok_1": "latt", "s.varfor": "kö", "s.hinder": ["kostnad"], "s.ko": "3"})
    assert hidden.answers == {"s.rum": {"rok_1": "latt"}, "s.hinder": ["kostnad"]}
    assert hidden.skipped == ["s.varfor", "s.ko"]


def test_a_numeric_condition_uses_the_cleaned_number():
    q = make_questionnaire(
        {"id": "antal", "type": "integer", "label": "Antal"},
        {"id": "varfor", "type": "text", "label": "Varför så många?", "relevant": "s.antal > 999"},
    )
    assert clean(q, {"s.antal": "1 200", "s.varfor": "x"}).answers == {"s.antal": 1200, "s.varfor": "x"}
    assert clean(q, {"s.antal": "998", "s.varfor": "x"}).skipped == ["s.varfor"]


def test_section_relevance_skips_every_question_in_the_section():
    q = make_questionnaire(sections=[
        section("a", {"id": "lok", "type": "yesno", "label": "Finns en LÖK?", "required": True}),
        section("b",
                {"id": "ar", "type": "integer", "label": "Vilket år?", "required": True},
                {"id": "info", "type": "note", "label": "Tack"},
                {"id": "text", "type": "longtext", "label": "Beskriv", "required": True},
                relevant="a.lok == 'ja'"),
        section("c", {"id": "kommentar", "type": "text", "label": "Kommentar"}),
    ])
    off = clean(q, {"a.lok": "nej", "b.ar": "2019", "b.text": "x", "c.kommentar": "hej"})
    assert off.answers == {"a.lok": "nej", "c.kommentar": "hej"}
    assert off.skipped == ["b.ar", "b.text"]
    assert off.errors == {}
    on = clean(q, {"a.lok": "ja", "b.ar": "2019"})
    assert on.answers == {"a.lok": "ja", "b.ar": 2019}
    assert on.errors == {"b.text": "Frågan måste besvaras."}
    assert on.skipped == []


def test_question_relevance_inside_a_relevant_section():
    q = make_questionnaire(sections=[
        section("a", {"id": "lok", "type": "yesno", "label": "LÖK?"}),
        section("b",
                {"id": "skriftlig", "type": "yesno", "label": "Skriftlig?"},
                {"id": "ar", "type": "integer", "label": "År", "relevant": "b.skriftlig == 'ja'"},
                relevant="a.lok == 'ja'"),
    ])
    cleaned = clean(q, {"a.lok": "ja", "b.skriftlig": "nej", "b.ar": "2019"})
    assert cleaned.answers == {"a.lok": "ja", "b.skriftlig": "nej"}
    assert cleaned.skipped == ["b.ar"]


def test_a_section_whose_condition_reads_a_missing_answer_is_skipped():
    q = make_questionnaire(sections=[
        section("a", {"id": "lok", "type": "yesno", "label": "LÖK?"}),
        section("b", {"id": "ar", "type": "integer", "label": "År", "required": True}, relevant="a.lok == 'ja'"),
    ])
    cleaned = clean(q, {"b.ar": "2019"})
    assert cleaned.answers == {}
    assert cleaned.skipped == ["b.ar"]
    assert cleaned.errors == {}
