"""WTForms classes built from a questionnaire section: fields, labels, errors, round trips."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, SelectMultipleField, StringField, TextAreaField

from forms.webform import build_section_form, formdata_for
from forms_helpers import make_questionnaire, section


def lab(sv: str, en: str) -> dict[str, str]:
    return {"sv": sv, "en": en}


def every_type():
    """One section with one question of every type."""
    return make_questionnaire(
        {"id": "boende", "type": "single", "label": lab("Boendeform", "Housing"), "required": True,
         "choices": [{"code": "hyra", "label": lab("Hyresrätt", "Rental")},
                     {"code": "agt", "label": lab("Ägt", "Owned")}]},
        {"id": "hinder", "type": "multi", "label": lab("Hinder", "Barriers"), "other": True, "dont_know": True,
         "choices": [{"code": "kostnad", "label": lab("Kostnad", "Cost")}]},
        {"id": "svarighet", "type": "scale", "label": lab("Svårighet", "Difficulty"),
         "choices": [{"code": "svart", "label": lab("Svårt", "Hard")}, {"code": "latt", "label": lab("Lätt", "Easy")}]},
        {"id": "rum", "type": "matrix", "label": lab("Per storlek", "By size"), "required": True,
         "choices": [{"code": "svart", "label": lab("Svårt", "Hard")}, {"code": "latt", "label": lab("Lätt", "Easy")}],
         "items": [{"code": "rok_1", "label": lab("1 rok", "1 room")}, {"code": "rok_2", "label": lab("2 rok", "2 rooms")}]},
        {"id": "lok", "type": "yesno", "label": lab("Finns en LÖK?", "A local agreement?")},
        {"id": "antal", "type": "integer", "label": lab("Antal", "Number"), "help": lab("Ungefär", "Roughly"),
         "dont_know": True, "not_applicable": True},
        {"id": "andel", "type": "decimal", "label": lab("Andel", "Share")},
        {"id": "kostnad", "type": "money", "label": lab("Kostnad", "Cost")},
        {"id": "postnr", "type": "text", "label": lab("Postnummer", "Postcode"), "max_length": 6},
        {"id": "kommentar", "type": "longtext", "label": lab("Kommentar", "Comment")},
        {"id": "datum", "type": "date", "label": lab("Datum", "Date"), "min": "2024-01-01", "max": "2024-12-31"},
        {"id": "tack", "type": "note", "label": lab("Tack!", "Thanks!")},
    )


FIELD_NAMES = [
    "s.boende", "s.hinder", "s.hinder/annat", "s.svarighet", "s.rum/rok_1", "s.rum/rok_2", "s.lok",
    "s.antal", "s.antal/special", "s.andel", "s.kostnad", "s.postnr", "s.kommentar", "s.datum",
]


def options(field) -> list[tuple[str, str]]:
    """(code, label) of a choice field, as rendered."""
    return [(value, label) for value, label, *_ in field.iter_choices()]


def form_for(questionnaire, formdata=None, lang="sv", sid="s"):
    return build_section_form(questionnaire, sid, lang=lang)(formdata=formdata)


# --- fields --------------------------------------------------------------------------------

def test_field_names_follow_question_ids_in_order_and_a_note_has_none():
    form = form_for(every_type())
    assert list(form._fields) == FIELD_NAMES


def test_field_kinds_fit_the_question_types():
    form = form_for(every_type())
    assert isinstance(form["s.boende"], RadioField)
    assert isinstance(form["s.hinder"], SelectMultipleField)
    assert isinstance(form["s.hinder/annat"], StringField)
    assert isinstance(form["s.rum/rok_1"], RadioField)
    assert isinstance(form["s.antal/special"], RadioField)
    assert isinstance(form["s.kommentar"], TextAreaField)
    for name in ("s.antal", "s.andel", "s.kostnad", "s.postnr", "s.datum"):
        assert type(form[name]) is StringField, name


def test_labels_and_choices_in_swedish():
    form = form_for(every_type(), lang="sv")
    assert form["s.boende"].label.text == "Boendeform"
    assert options(form["s.boende"]) == [("hyra", "Hyresrätt"), ("agt", "Ägt")]
    assert options(form["s.hinder"]) == [("kostnad", "Kostnad"), ("annat", "Annat, nämligen"), ("vet_ej", "Vet ej")]
    assert form["s.hinder/annat"].label.text == "Annat, nämligen"
    assert form["s.rum/rok_2"].label.text == "2 rok"
    assert options(form["s.rum/rok_2"]) == [("svart", "Svårt"), ("latt", "Lätt")]
    assert options(form["s.lok"]) == [("ja", "Ja"), ("nej", "Nej")]
    assert form["s.antal"].description == "Ungefär"
    assert options(form["s.antal/special"]) == [("vet_ej", "Vet ej"), ("ej_aktuellt", "Ej aktuellt")]


def test_labels_and_choices_in_english():
    form = form_for(every_type(), lang="en")
    assert form["s.boende"].label.text == "Housing"
    assert options(form["s.boende"]) == [("hyra", "Rental"), ("agt", "Owned")]
    assert options(form["s.hinder"]) == [("kostnad", "Cost"), ("annat", "Other, please specify"), ("vet_ej", "Don't know")]
    assert form["s.hinder/annat"].label.text == "Other, please specify"
    assert form["s.rum/rok_1"].label.text == "1 room"
    assert options(form["s.lok"]) == [("ja", "Yes"), ("nej", "No")]
    assert form["s.antal"].label.text == "Number"
    assert form["s.antal"].description == "Roughly"
    assert options(form["s.antal/special"]) == [("vet_ej", "Don't know"), ("ej_aktuellt", "Not applicable")]


def test_a_missing_english_label_falls_back_to_swedish():
    q = make_questionnaire({"id": "a", "type": "yesno", "label": "Bara svenska"})
    assert form_for(q, lang="en")["s.a"].label.text == "Bara svenska"


def test_inputs_carry_browser_hints():
    form = form_for(every_type())
    assert 'inputmode="numeric"' in form["s.antal"]()
    assert 'inputmode="numeric"' in form["s.kostnad"]()
    assert 'inputmode="decimal"' in form["s.andel"]()
    date = form["s.datum"]()
    assert 'type="date"' in date and 'min="2024-01-01"' in date and 'max="2024-12-31"' in date
    assert 'maxlength="6"' in form["s.postnr"]()


def test_every_text_box_stops_at_the_limit_cleaning_applies():
    form = form_for(every_type())
    assert 'maxlength="6"' in form["s.postnr"]()  # its own limit
    assert 'maxlength="20000"' in form["s.kommentar"]()  # no limit of its own: the global one (answers.MAX_TEXT)
    assert 'maxlength="20000"' in form["s.hinder/annat"]()  # what "other" means
    assert "maxlength" not in form["s.antal"]()  # a number is no text


def test_rendered_inputs_are_named_as_clean_answers_reads_them():
    form = form_for(every_type())
    assert 'name="s.hinder" type="checkbox" value="annat"' in form["s.hinder"]()
    assert 'name="s.hinder/annat"' in form["s.hinder/annat"]()
    assert 'name="s.rum/rok_1" type="radio" value="latt"' in form["s.rum/rok_1"]()
    assert 'name="s.antal/special" type="radio" value="vet_ej"' in form["s.antal/special"]()


def test_the_section_may_be_given_by_object_or_id():
    q = every_type()
    assert list(build_section_form(q, q.sections[0])()._fields) == FIELD_NAMES


def test_an_unknown_section_id_is_an_error():
    with pytest.raises(StopIteration):
        build_section_form(every_type(), "saknas")


# --- validate_answers ----------------------------------------------------------------------

def test_validate_answers_puts_each_error_on_its_field_and_keeps_what_was_typed():
    form = form_for(every_type(), MultiDict([
        ("s.hinder", "kostnad"), ("s.hinder", "annat"),       # other ticked, no text
        ("s.rum/rok_2", "latt"),                               # first row missing
        ("s.antal", "1 200"),
        ("s.andel", "tolv"),
        ("s.kostnad", "12,50"),
        ("s.postnr", "9032 55"),
        ("s.datum", "2023-12-31"),
    ]))
    cleaned = form.validate_answers()
    assert cleaned.errors == {
        "s.boende": "Frågan måste besvaras.",
        "s.hinder": 'Skriv vad som avses med "annat".',
        "s.rum": "Besvara varje rad.",
        "s.andel": "Ange ett tal, t.ex. 12,5.",
        "s.kostnad": "Ange ett belopp i hela kronor, t.ex. 12 500.",
        "s.postnr": "Högst 6 tecken.",
        "s.datum": "Värdet får inte vara mindre än 2024-01-01.",
    }
    assert {name: field.errors for name, field in form._fields.items() if field.errors} == {
        "s.boende": ["Frågan måste besvaras."],
        "s.hinder": ['Skriv vad som avses med "annat".'],
        "s.rum/rok_1": ["Besvara varje rad."],
        "s.andel": ["Ange ett tal, t.ex. 12,5."],
        "s.kostnad": ["Ange ett belopp i hela kronor, t.ex. 12 500."],
        "s.postnr": ["Högst 6 tecken."],
        "s.datum": ["Värdet får inte vara mindre än 2024-01-01."],
    }
    # What the respondent typed stays in the fields, to be corrected rather than retyped.
    assert form["s.antal"].data == "1 200"
    assert form["s.andel"].data == "tolv"
    assert form["s.kostnad"].data == "12,50"
    assert form["s.postnr"].data == "9032 55"
    assert form["s.hinder"].data == ["kostnad", "annat"]
    assert 'value="tolv"' in form["s.andel"]()
    # ...and what was valid is cleaned.
    assert cleaned.answers == {"s.rum": {"rok_2": "latt"}, "s.antal": 1200}


def test_validate_answers_errors_in_english():
    form = form_for(every_type(), MultiDict([("s.boende", "villa"), ("s.antal", "12,5")]), lang="en")
    cleaned = form.validate_answers(partial=True)
    assert form["s.boende"].errors == ["Choose one of the options."]
    assert form["s.antal"].errors == ["Enter a whole number, e.g. 12."]
    assert form.section_errors() == [("s.boende", "Choose one of the options."),
                                     ("s.antal", "Enter a whole number, e.g. 12.")]
    assert not cleaned.ok


def test_validate_answers_partial_skips_required_errors():
    form = form_for(every_type(), MultiDict([("s.lok", "ja")]))
    cleaned = form.validate_answers(partial=True)
    assert cleaned.errors == {}
    assert cleaned.answers == {"s.lok": "ja"}
    assert form.section_errors() == []


def test_the_special_choice_answers_a_number_question():
    form = form_for(every_type(), MultiDict([("s.antal", ""), ("s.antal/special", "ej_aktuellt")]))
    assert form.validate_answers(partial=True).answers == {"s.antal": "ej_aktuellt"}


def test_the_special_choice_wins_over_a_typed_number():
    form = form_for(every_type(), MultiDict([("s.antal", "12"), ("s.antal/special", "vet_ej")]))
    assert form.validate_answers(partial=True).answers == {"s.antal": "vet_ej"}


def two_pages():
    return make_questionnaire(sections=[
        section("a", {"id": "lok", "type": "yesno", "label": "Finns en LÖK?", "required": True}),
        section("b",
                {"id": "ar", "type": "integer", "label": "Vilket år?", "required": True},
                {"id": "varfor", "type": "text", "label": "Varför inte?", "required": True, "relevant": "a.lok == 'nej'"}),
        section("c", {"id": "klar", "type": "yesno", "label": "Klar?", "required": True}),
    ])


def test_validate_answers_uses_earlier_pages_for_relevance():
    q = two_pages()
    form = form_for(q, MultiDict([("b.ar", "2019"), ("b.varfor", "ingen tid")]), sid="b")
    cleaned = form.validate_answers({"a.lok": "ja"})
    assert cleaned.answers == {"a.lok": "ja", "b.ar": 2019}
    assert cleaned.skipped == ["b.varfor"]
    assert cleaned.errors == {}
    assert not form["b.varfor"].errors

    form = form_for(q, MultiDict([("b.ar", "2019")]), sid="b")
    cleaned = form.validate_answers({"a.lok": "nej"})
    assert cleaned.errors == {"b.varfor": "Frågan måste besvaras."}
    assert form["b.varfor"].errors == ["Frågan måste besvaras."]


def test_validate_answers_ignores_required_questions_on_later_pages():
    form = form_for(two_pages(), MultiDict([("a.lok", "ja")]), sid="a")
    cleaned = form.validate_answers()
    assert cleaned.ok
    assert cleaned.answers == {"a.lok": "ja"}


def test_validate_answers_replaces_this_pages_earlier_answers_with_the_submitted_ones():
    q = make_questionnaire(
        {"id": "hinder", "type": "multi", "label": "Hinder", "other": True,
         "choices": [{"code": "kostnad", "label": "Kostnad"}]},
        {"id": "rum", "type": "matrix", "label": "Rum", "choices": [{"code": "svart", "label": "Svårt"}],
         "items": [{"code": "rok_1", "label": "1 rok"}, {"code": "rok_2", "label": "2 rok"}]},
    )
    earlier = {"s.hinder": ["kostnad", "annat"], "s.hinder/annat": "gammal text",
               "s.rum": {"rok_1": "svart", "rok_2": "svart"}}
    form = form_for(q, MultiDict([("s.hinder", "kostnad"), ("s.rum/rok_2", "svart")]))
    cleaned = form.validate_answers(earlier)
    # Unticking "annat" and clearing a row removes them: nothing stale survives from the draft.
    assert cleaned.answers == {"s.hinder": ["kostnad"], "s.rum": {"rok_2": "svart"}}


# --- formdata_for --------------------------------------------------------------------------

STORED = {
    "s.boende": "agt",
    "s.hinder": ["kostnad", "annat"],
    "s.hinder/annat": "hiss saknas",
    "s.svarighet": "latt",
    "s.rum": {"rok_1": "svart", "rok_2": "latt"},
    "s.lok": "nej",
    "s.antal": "vet_ej",
    "s.andel": 12.5,
    "s.kostnad": 12500,
    "s.postnr": "903 25",
    "s.kommentar": "Rad ett\nRad två",
    "s.datum": "2024-05-01",
}


def as_multidict(data: dict) -> MultiDict:
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, str(item)))     # as a browser would send them
    return MultiDict(pairs)


def test_formdata_for_spreads_stored_answers_over_the_fields():
    q = every_type()
    assert formdata_for(q, q.sections[0], STORED) == {
        "s.boende": "agt",
        "s.hinder": ["kostnad", "annat"],
        "s.hinder/annat": "hiss saknas",
        "s.svarighet": "latt",
        "s.rum/rok_1": "svart",
        "s.rum/rok_2": "latt",
        "s.lok": "nej",
        "s.antal/special": "vet_ej",
        "s.andel": 12.5,
        "s.kostnad": 12500,
        "s.postnr": "903 25",
        "s.kommentar": "Rad ett\nRad två",
        "s.datum": "2024-05-01",
    }


def test_stored_answers_round_trip_through_the_form():
    q = every_type()
    form = form_for(q, as_multidict(formdata_for(q, q.sections[0], STORED)))
    assert form["s.antal/special"].data == "vet_ej"
    assert form["s.rum/rok_2"].data == "latt"
    assert form["s.hinder"].data == ["kostnad", "annat"]
    cleaned = form.validate_answers()
    assert cleaned.errors == {}
    assert cleaned.answers == STORED


def test_stored_answers_render_as_checked_and_filled_inputs():
    q = every_type()
    form = form_for(q, as_multidict(formdata_for(q, q.sections[0], STORED)))
    assert 'checked id="s.boende-1" name="s.boende" type="radio" value="agt"' in form["s.boende"]()
    assert 'checked id="s.antal/special-0" name="s.antal/special" type="radio" value="vet_ej"' in form["s.antal/special"]()
    assert 'value="hiss saknas"' in form["s.hinder/annat"]()
    assert 'value="12500"' in form["s.kostnad"]()


def test_formdata_for_reads_raw_draft_values_too():
    q = every_type()
    draft = {"s.rum/rok_1": "svart", "s.antal/special": "ej_aktuellt", "s.hinder": "kostnad", "s.okand": "x"}
    assert formdata_for(q, q.sections[0], draft) == {
        "s.rum/rok_1": "svart", "s.antal/special": "ej_aktuellt", "s.hinder": ["kostnad"]}


def test_formdata_for_leaves_unanswered_questions_out():
    q = every_type()
    assert formdata_for(q, q.sections[0], {}) == {}
