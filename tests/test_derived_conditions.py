"""Conditions that read derived values and count a repeat: "ask this when more than 2 people live here"."""

from __future__ import annotations

import textwrap

from forms import clean_answers, from_dict
from forms.answers import relevant_sections
from forms.loader import load_text

from forms_helpers import section


def household():
    return from_dict({"id": "hushall", "version": "1", "title": "Hushåll", "sections": [
        section("h",
                {"id": "vuxna", "type": "integer", "label": "Vuxna"},
                {"id": "barn", "type": "integer", "label": "Barn"},
                {"id": "personer", "type": "derived", "label": "Personer", "expression": "h.vuxna + h.barn"},
                {"id": "trangt", "type": "yesno", "label": "Är det trångt?", "relevant": "h.personer > 2"},
                {"id": "folk", "type": "repeat", "label": "De intervjuade", "instance_label": "Person",
                 "questions": [{"id": "namn", "type": "text", "label": "Namn"},
                               {"id": "alder", "type": "integer", "label": "Ålder"}]},
                {"id": "grupp", "type": "text", "label": "Hur gick gruppintervjun?", "relevant": "count(h.folk) > 2"},
                {"id": "aldre", "type": "yesno", "label": "Äldre än 100 sammanlagt?",
                 "relevant": "sum(h.folk.alder) >= 100 and h.personer < 10"}),
        section("t", {"id": "stor", "type": "text", "label": "Stort hushåll"}, relevant="h.personer >= 5"),
    ]})


def people(*ages):
    return [{"h.folk.namn": f"P{i}", "h.folk.alder": age} for i, age in enumerate(ages, 1)]


def test_a_question_is_asked_when_a_derived_value_of_earlier_answers_holds():
    questionnaire = household()
    # 2 + 1 = 3 people: more than 2, so asked; 1 + 1 = 2: skipped and its answer dropped.
    asked = clean_answers(questionnaire, {"h.vuxna": "2", "h.barn": "1", "h.trangt": "ja"})
    assert asked.answers["h.trangt"] == "ja" and asked.derived["h.personer"] == 3
    skipped = clean_answers(questionnaire, {"h.vuxna": "1", "h.barn": "1", "h.trangt": "ja"})
    assert "h.trangt" in skipped.skipped and "h.trangt" not in skipped.answers
    # A missing part makes the sum missing: the comparison is false, the question skipped.
    assert "h.trangt" in clean_answers(questionnaire, {"h.vuxna": "4"}).skipped
    # A section's condition too: 3 + 2 = 5 shows section t; relevant_sections agrees with cleaning.
    answers = clean_answers(questionnaire, {"h.vuxna": "3", "h.barn": "2", "t.stor": "Ja"}).answers
    assert answers["t.stor"] == "Ja"
    assert [s.id for s in relevant_sections(questionnaire, answers)] == ["h", "t"]
    assert [s.id for s in relevant_sections(questionnaire, {"h.vuxna": 3, "h.barn": 1})] == ["h"]


def test_a_question_is_asked_by_the_count_and_the_sum_of_a_repeat():
    questionnaire = household()
    three = clean_answers(questionnaire, {"h.folk": people(30, 40, 35), "h.grupp": "Bra",
                                          "h.vuxna": "3", "h.barn": "0", "h.aldre": "ja"})
    # 3 instances > 2: asked; 30 + 40 + 35 = 105 >= 100 and 3 people < 10: asked.
    assert three.answers["h.grupp"] == "Bra" and three.answers["h.aldre"] == "ja"
    two = clean_answers(questionnaire, {"h.folk": people(60, 39), "h.grupp": "Bra", "h.vuxna": "2",
                                        "h.barn": "0", "h.aldre": "ja"})
    # 2 instances: not more than 2; 60 + 39 = 99 < 100.
    assert {"h.grupp", "h.aldre"} <= set(two.skipped)
    assert "h.grupp" in clean_answers(questionnaire, {}).skipped  # no instances: count 0


HEADER = """\
id: t
version: "1"
title: T
sections:
  - id: s
    title: S
    questions:
      - {id: a, type: integer, label: A}
"""


def problems(body: str) -> list[str]:
    return [str(p) for p in load_text(HEADER + textwrap.indent(textwrap.dedent(body), " " * 6), "t.yaml").problems]


def test_the_loader_refuses_cycles_later_answers_and_repeats_used_otherwise_than_counted():
    assert problems("""\
        - {id: d, type: derived, label: D, expression: "s.a + 1", relevant: "s.e > 0"}
        - {id: e, type: derived, label: E, expression: "s.d * 2"}
        - {id: f, type: derived, label: F, expression: "s.b + 1"}
        - {id: fraga, type: text, label: Fråga, relevant: "s.f > 1"}
        - {id: b, type: integer, label: B}
        - {id: sjalv, type: integer, label: Själv, relevant: "s.g > 1"}
        - {id: g, type: derived, label: G, expression: "s.sjalv + 1"}
        - id: folk
          type: repeat
          label: Folk
          questions: [{id: alder, type: integer, label: Ålder}]
        - {id: lista, type: text, label: Lista, relevant: "s.folk is answered"}
        - {id: tidig, type: text, label: Tidig, relevant: "count(s.sen) > 1"}
        - id: sen
          type: repeat
          label: Sen
          questions: [{id: x, type: integer, label: X}]
        - {id: h, type: derived, label: H, expression: "count(s.folk)"}
        - {id: ok, type: text, label: OK, relevant: "s.h > 2 and sum(s.folk.alder) > 50 and s.d > 1"}
        """) == [
        "t.yaml:9: relevant of question 's.d' names derived entry 's.e', which depends on this condition itself: "
        "a cycle",
        "t.yaml:12: relevant of question 's.fraga' names derived entry 's.f', which reads 's.b', a later answer: "
        "a condition may use a derived value computed from earlier answers only",
        "t.yaml:14: relevant of question 's.sjalv' names derived entry 's.g', which depends on this condition "
        "itself: a cycle",
        "t.yaml:20: relevant of question 's.lista' names repeat 's.folk': a condition can only count its "
        "instances, count(s.folk)",
        "t.yaml:21: relevant of question 's.tidig' names 's.sen', which comes later: conditions may only use "
        "earlier answers",
    ]
