"""Repeats: a group of questions answered any number of times (the people interviewed)."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from forms import from_dict
from forms.answers import clean_answers
from forms.loader import load_text
from sync import store

from field_helpers import start_interview
from forms_helpers import choices, make_questionnaire

PEOPLE = {
    "id": "personer", "type": "repeat", "label": {"sv": "Intervjuade", "en": "Interviewed"},
    "instance_label": {"sv": "Person", "en": "Person"}, "min": 1, "max": 3,
    "questions": [
        {"id": "namn", "type": "text", "label": {"sv": "Namn", "en": "Name"}, "required": True},
        {"id": "roll", "type": "single", "label": {"sv": "Roll", "en": "Role"}, "choices": choices("chef", "annan")},
        {"id": "vilken", "type": "text", "label": {"sv": "Vilken roll", "en": "Which role"},
         "relevant": "s.personer.roll == 'annan'"},
        {"id": "alder", "type": "integer", "label": {"sv": "Ålder", "en": "Age"}, "min": 18, "max": 99},
    ],
}


def people_questionnaire(**top):
    kommun = {"id": "kommun", "type": "text", "label": {"sv": "Kommun", "en": "Municipality"}}
    return make_questionnaire(kommun, PEOPLE, **top)


def problems(text: str) -> list[str]:
    return [str(p) for p in load_text(text, "q.yaml").problems]


HEAD = """id: t
version: "1"
title: T
sections:
  - id: s
    title: S
    questions:
      - id: a
        type: text
        label: A
"""


# -- model and loader ------------------------------------------------------------


def test_repeat_questions_have_full_ids_and_survive_to_dict():
    questionnaire = people_questionnaire()
    repeat = questionnaire.question("s.personer")
    assert [q.id for q in questionnaire.questions()] == ["s.kommun", "s.personer"]
    assert [c.id for c in repeat.questions] == ["s.personer.namn", "s.personer.roll", "s.personer.vilken",
                                                 "s.personer.alder"]
    assert (repeat.min, repeat.max) == (1, 3)
    assert questionnaire.question("s.personer.alder").max == 99
    assert questionnaire.repeat_of("s.personer.namn") is repeat
    again = from_dict(questionnaire.to_dict())
    assert again.content_hash == questionnaire.content_hash
    assert again.question("s.personer").instance_text("en", 2) == "Person 2"


def test_nested_repeat_is_refused_with_its_line():
    text = HEAD + """      - id: r
        type: repeat
        label: R
        questions:
          - id: inner
            type: repeat
            label: Inner
            questions:
              - {id: x, type: text, label: X}
"""
    assert problems(text) == [
        "q.yaml:16: repeat 's.r.inner' is inside repeat 's.r': fieldkit does not support a repeat within a repeat; "
        "make it a repeat of its own after the outer one"]


def test_bad_repeat_definitions_name_file_and_line():
    text = HEAD + """      - id: r
        type: repeat
        label: R
        required: true
        min: 3
        max: 2
      - id: b
        type: text
        label: B
        relevant: s.r.x == 'ja'
      - id: r2
        type: repeat
        label: R2
        max: 500
        questions:
          - {id: y, type: text, label: Y, relevant: "s.r2.z == 'ja'"}
          - {id: z, type: text, label: Z}
"""
    assert problems(text) == [
        "q.yaml:11: repeat 's.r' needs questions: a non-empty list of the questions asked for each instance",
        "q.yaml:14: required is not for repeat 's.r': put it on the questions of the repeat "
        "(for at least one instance write min: 1)",
        "q.yaml:16: min (3) is greater than max (2) in 's.r'",
        "q.yaml:20: relevant of question 's.b' names unknown question 's.r.x'",
        "q.yaml:24: max of repeat 's.r2' is a number of instances: a whole number from 0 to 200 (got 500)",
        "q.yaml:26: relevant of question 's.r2.y' names 's.r2.z', which comes later: conditions may only use "
        "earlier answers",
    ]


def test_outside_condition_cannot_name_a_question_inside_a_repeat():
    text = HEAD + """      - id: r
        type: repeat
        label: R
        questions:
          - {id: x, type: text, label: X}
      - {id: b, type: text, label: B, relevant: "s.r.x == 'ja'"}
"""
    assert problems(text) == ["q.yaml:16: relevant of question 's.b' names 's.r.x' inside repeat 's.r': only a "
                              "question inside the same repeat can use it, and it means the same instance's answer "
                              "(outside it, count(s.r) or sum(s.r.x) of a number question)"]


def test_condition_and_expression_cannot_use_the_list_of_instances():
    text = HEAD + """      - id: r
        type: repeat
        label: R
        questions:
          - {id: x, type: text, label: X}
      - {id: b, type: text, label: B, relevant: "s.r is answered"}
"""
    assert problems(text) == ["q.yaml:16: relevant of question 's.b' names repeat 's.r': a condition can only "
                              "count its instances, count(s.r)"]


# -- cleaning ----------------------------------------------------------------------


def test_each_instance_is_cleaned_by_its_questions_rules_and_errors_name_the_instance():
    questionnaire = people_questionnaire()
    raw = {"s.kommun": "Ale", "s.personer": [
        {"s.personer.namn": "Anna", "s.personer.roll": "annan", "s.personer.vilken": "IT", "s.personer.alder": "17"},
        {"s.personer.roll": "chef", "s.personer.vilken": "kept only if shown"},
    ]}
    cleaned = clean_answers(questionnaire, raw, lang="en")
    assert cleaned.answers == {"s.kommun": "Ale", "s.personer": [
        {"s.personer.namn": "Anna", "s.personer.roll": "annan", "s.personer.vilken": "IT"},
        {"s.personer.roll": "chef"},
    ]}
    assert cleaned.errors == {
        "s.personer[1].alder": "Person 1: Age: The value may not be less than 18.",
        "s.personer[2].namn": "Person 2: Name: This question must be answered.",
    }
    assert cleaned.skipped == ["s.personer[2].vilken"]


def test_instance_limits_are_errors_of_the_repeat():
    questionnaire = people_questionnaire()
    assert clean_answers(questionnaire, {}, lang="en").errors == {
        "s.personer": "Interviewed: add at least 1 instance."}
    assert clean_answers(questionnaire, {}, partial=True).errors == {}
    four = [{"s.personer.namn": name} for name in "ABCD"]
    assert clean_answers(questionnaire, {"s.personer": four}, lang="sv").errors == {
        "s.personer": "Intervjuade: högst 3 förekomster."}
    ok = clean_answers(questionnaire, {"s.personer": four[:2]})
    assert ok.ok and ok.answers == {"s.personer": [{"s.personer.namn": "A"}, {"s.personer.namn": "B"}]}


# -- pages -------------------------------------------------------------------------


@pytest.fixture
def people_interview(client, db):
    store.add_questionnaire(db, people_questionnaire(id="rep-test"))
    sid, _location = start_interview(client, "rep-test")
    return sid, f"/s/{sid}/del/s"


def page_post(url, client, *pairs, **fields):
    return client.post(url, data=MultiDict([*pairs, *fields.items()]))


def test_add_fill_reorder_remove_instances_without_javascript(client, db, people_interview):
    sid, url = people_interview
    html = client.get(url).data.decode()
    assert 'name="s.personer#n" value="0"' in html
    assert '<button type="submit" name="repeat" value="add:s.personer" class="button" formnovalidate>' \
           'Lägg till Person</button>' in html
    added = page_post(url, client, ("s.kommun", "Ale"), ("s.personer#n", "0"), ("repeat", "add:s.personer"))
    assert added.status_code == 302
    assert added.headers["Location"].endswith(f"{url}#inst-s.personer-1")
    html = client.get(url).data.decode()
    assert 'name="s.personer#n" value="1"' in html
    assert '<h2 class="instance-title" id="inst-s.personer-1-h">Person 1</h2>' in html
    assert 'name="s.personer[1].namn"' in html and 'value="Ale"' in html
    # fill the first, add a second in the same post: what was typed is kept
    page_post(url, client, ("s.kommun", "Ale"), ("s.personer#n", "1"), ("s.personer[1].namn", "Anna"),
              ("s.personer[1].roll", "chef"), ("repeat", "add:s.personer"))
    page_post(url, client, ("s.kommun", "Ale"), ("s.personer#n", "2"), ("s.personer[1].namn", "Anna"),
              ("s.personer[1].roll", "chef"), ("s.personer[2].namn", "Bo"), ("s.personer[2].roll", "annan"),
              ("s.personer[2].vilken", "IT"), ("repeat", "up:s.personer:2"))
    raw = store.get_submission(db, sid).draft["raw"]
    assert raw["s.personer"] == [
        {"s.personer.namn": "Bo", "s.personer.roll": "annan", "s.personer.vilken": "IT", "s.personer.alder": None},
        {"s.personer.namn": "Anna", "s.personer.roll": "chef", "s.personer.vilken": None, "s.personer.alder": None},
    ]
    html = client.get(url).data.decode()
    assert 'name="s.personer[1].namn" type="text" value="Bo"' in html
    assert 'id="q-s.personer[2].vilken" data-qid="s.personer[2].vilken" hidden' in html  # Anna is chef
    assert 'aria-label="Ta bort: Person 2"' in html
    removed = page_post(url, client, ("s.kommun", "Ale"), ("s.personer#n", "2"), ("s.personer[1].namn", "Bo"),
                        ("s.personer[1].roll", "annan"), ("s.personer[1].vilken", "IT"),
                        ("s.personer[2].namn", "Anna"), ("s.personer[2].roll", "chef"),
                        ("repeat", "remove:s.personer:1"))
    assert removed.headers["Location"].endswith("#inst-s.personer-1")
    raw = store.get_submission(db, sid).draft["raw"]
    assert [i["s.personer.namn"] for i in raw["s.personer"]] == ["Anna"]


def test_instance_errors_show_on_the_page_and_block_completion(client, db, people_interview):
    sid, url = people_interview
    page_post(url, client, ("s.kommun", "Ale"), ("s.personer#n", "0"), ("repeat", "add:s.personer"))
    page = page_post(url, client, ("action", "next"), ("s.kommun", "Ale"), ("s.personer#n", "1"),
                     ("s.personer[1].alder", "12"))
    html = page.data.decode()
    assert page.status_code == 422
    assert '<a href="#q-s.personer[1].namn">Person 1: Namn</a>: Person 1: Namn: Frågan måste besvaras.' in html
    assert 'id="err-s.personer[1].alder" role="alert">Person 1: Ålder: Värdet får inte vara mindre än 18.' in html
    review = client.get(f"/s/{sid}/granska").data.decode()
    assert "Person 1: Namn: Frågan måste besvaras." in review
    page = page_post(url, client, ("action", "next"), ("s.kommun", "Ale"), ("s.personer#n", "1"),
                     ("s.personer[1].namn", "Anna"), ("s.personer[1].alder", "40"))
    assert page.status_code == 302 and page.headers["Location"].endswith("/granska")
    done = client.post(f"/s/{sid}/slutfor")
    assert done.headers["Location"].endswith("/sammanstallning")
    stored = store.get_submission(db, sid)
    assert stored.status == "complete"
    assert stored.answers == {"s.kommun": "Ale", "s.personer": [{"s.personer.namn": "Anna", "s.personer.alder": 40}]}
    summary = client.get(done.headers["Location"]).data.decode()
    assert "Person 1 (Namn: Anna; Ålder: 40)" in summary


def test_autosave_keeps_instances_and_reports_hidden_instance_questions(client, db, people_interview):
    sid, url = people_interview
    response = client.post(f"/s/{sid}/autosave/s", data=MultiDict([
        ("s.personer#n", "2"), ("s.personer[1].roll", "annan"), ("s.personer[2].roll", "chef")]))
    assert response.status_code == 200
    assert response.get_json()["hidden"] == ["s.personer[2].vilken"]
    raw = store.get_submission(db, sid).draft["raw"]
    assert [i["s.personer.roll"] for i in raw["s.personer"]] == ["annan", "chef"]


def test_add_stops_at_max(client, db, people_interview):
    sid, url = people_interview
    for count in range(4):
        page_post(url, client, ("s.personer#n", str(min(count, 3))), ("repeat", "add:s.personer"))
    raw = store.get_submission(db, sid).draft["raw"]
    assert len(raw["s.personer"]) == 3
    assert 'value="add:s.personer"' not in client.get(url).data.decode()


# -- derived values over a repeat ---------------------------------------------------


def test_count_and_sum_over_a_repeat_are_derived_values_outside_it():
    questionnaire = people_questionnaire(sections=[
        {"id": "s", "title": "S", "questions": [
            PEOPLE,
            {"id": "antal", "type": "derived", "label": "Antal", "expression": "count(s.personer)"},
            {"id": "svar", "type": "derived", "label": "Svar", "expression": "count(s.personer.alder)"},
            {"id": "summa", "type": "derived", "label": "Summa", "expression": "sum(s.personer.alder)"},
            {"id": "alla", "type": "derived", "label": "Alla", "constraint": "sum(s.personer.alder) <= 100",
             "message": "Högst 100 år sammanlagt"},
        ]}])
    assert [q.result for q in questionnaire.questions() if q.derived] == ["integer", "integer", "integer", "yesno"]
    raw = {"s.personer": [{"s.personer.namn": "A", "s.personer.alder": "40"},
                          {"s.personer.namn": "B"},
                          {"s.personer.namn": "C", "s.personer.alder": "65"}]}
    cleaned = clean_answers(questionnaire, raw)
    assert cleaned.derived == {"s.antal": 3, "s.svar": 2, "s.summa": 105, "s.alla": False}
    assert cleaned.errors == {"s.alla": "Högst 100 år sammanlagt"}
    none = clean_answers(questionnaire, {}, partial=True)
    assert none.derived == {"s.antal": 0, "s.svar": 0, "s.summa": 0, "s.alla": True}


def test_an_expression_outside_a_repeat_uses_it_only_through_count_and_sum():
    text = HEAD + """      - id: r
        type: repeat
        label: R
        questions:
          - {id: x, type: integer, label: X}
          - {id: t, type: text, label: T}
      - {id: b, type: derived, label: B, expression: "s.r.x + 1"}
      - {id: c, type: derived, label: C, expression: "sum(s.r.t)"}
      - {id: d, type: derived, label: D, expression: "count(s.a)"}
"""
    assert problems(text) == [
        "q.yaml:17: expression of 's.b' names 's.r.x' of repeat 's.r': outside the repeat an expression can only "
        "count its instances, count(s.r), or add up one of its number questions, sum(s.r.<question>)",
        "q.yaml:18: expression of 's.c': sum() takes a number question of a repeat, such as sum(s.personer.alder), "
        "not 's.r.t' (a repeat's answers)",
        "q.yaml:19: expression of 's.d': count() takes a repeat, such as count(s.personer), not 's.a' (text)",
    ]


def test_derived_entries_inside_a_repeat_are_computed_per_instance():
    repeat = dict(PEOPLE, questions=PEOPLE["questions"] + [
        {"id": "fodd", "type": "derived", "label": {"sv": "Född", "en": "Born"}, "expression": "2025 - s.personer.alder"},
        {"id": "vuxen", "type": "derived", "label": {"sv": "Vuxen", "en": "Adult"},
         "constraint": "s.personer.alder >= s.min_alder",
         "message": {"sv": "Yngre än den lägsta åldern", "en": "Younger than the lowest age"}},
    ])
    questionnaire = make_questionnaire(
        {"id": "min_alder", "type": "integer", "label": {"sv": "Lägsta ålder", "en": "Lowest age"}}, repeat)
    assert [c.result for c in questionnaire.question("s.personer").questions if c.derived] == ["integer", "yesno"]
    raw = {"s.min_alder": "30", "s.personer": [{"s.personer.namn": "A", "s.personer.alder": "40"},
                                               {"s.personer.namn": "B", "s.personer.alder": "20"},
                                               {"s.personer.namn": "C"}]}
    cleaned = clean_answers(questionnaire, raw, lang="en")
    assert cleaned.derived == {"s.personer[1].fodd": 1985, "s.personer[1].vuxen": True,
                               "s.personer[2].fodd": 2005, "s.personer[2].vuxen": False}
    assert cleaned.errors == {"s.personer[2].vuxen": "Person 2: Younger than the lowest age"}
    assert cleaned.answers["s.personer"][1] == {"s.personer.namn": "B", "s.personer.alder": 20}


def test_a_derived_entry_inside_a_repeat_is_checked_like_any_other():
    text = HEAD + """      - id: r
        type: repeat
        label: R
        questions:
          - {id: x, type: integer, label: X}
          - {id: y, type: derived, label: Y, expression: "s.r.x + s.a"}
"""
    assert problems(text) == ["q.yaml:16: expression of 's.r.y': cannot add 's.r.x' (a number) and 's.a' (text): "
                              "arithmetic needs numbers (with dates: date - date, date + days, date - days)"]


def test_a_broken_constraint_of_an_instance_shows_beside_that_instance(client, db):
    repeat = dict(PEOPLE, questions=PEOPLE["questions"] + [
        {"id": "vuxen", "type": "derived", "label": {"sv": "Vuxen", "en": "Adult"},
         "constraint": "s.personer.alder >= 30", "message": {"sv": "Minst 30 år", "en": "At least 30"}}])
    store.add_questionnaire(db, make_questionnaire(repeat, id="rep-rule"))
    sid, _location = start_interview(client, "rep-rule")
    url = f"/s/{sid}/del/s"
    page_post(url, client, ("s.personer#n", "0"), ("repeat", "add:s.personer"))
    page = page_post(url, client, ("action", "next"), ("s.personer#n", "1"), ("s.personer[1].namn", "Bo"),
                     ("s.personer[1].alder", "20"))
    html = page.data.decode()
    assert page.status_code == 422
    assert '<a href="#q-s.personer[1].vuxen">Person 1: Vuxen</a>: Person 1: Minst 30 år' in html
    assert '<div class="rule rule-error" id="q-s.personer[1].vuxen" data-qid="s.personer[1].vuxen">' in html
