"""Choice filters: a select offers only the choices whose attribute equals an earlier answer (county -> municipality)."""

from __future__ import annotations

import textwrap

from forms import clean_answers, from_dict
from forms.loader import load_text

from forms_helpers import section

COUNTIES = [{"code": "24", "label": "Västerbottens län"}, {"code": "25", "label": "Norrbottens län"}]
MUNICIPALITIES = [
    {"code": "2480", "label": "Umeå", "lan": "24"},
    {"code": "2482", "label": "Skellefteå", "lan": "24"},
    {"code": "2580", "label": "Luleå", "lan": "25"},
]


def county_form(**municipality):
    return from_dict({"id": "plats", "version": "1", "title": {"sv": "Plats", "en": "Place"}, "sections": [
        section("p", {"id": "lan", "type": "single", "label": {"sv": "Län", "en": "County"}, "choices": COUNTIES,
                      "dont_know": True},
                {"id": "kommun", "type": "single", "label": "Kommun", "choices": MUNICIPALITIES,
                 "filter": {"lan": "p.lan"}, "dont_know": True, **municipality}),
    ]})


def test_a_filtered_question_offers_the_choices_of_the_earlier_answer():
    kommun = county_form().question("p.kommun")
    answers = {"p.lan": "24"}
    assert kommun.offered(answers.get) == {"2480", "2482", "vet_ej"}
    assert kommun.offered({"p.lan": "25"}.get) == {"2580", "vet_ej"}
    # No county yet, or "don't know": no municipality fits, only the question's own special answers.
    assert kommun.offered({}.get) == {"vet_ej"}
    assert kommun.offered({"p.lan": "vet_ej"}.get) == {"vet_ej"}


def test_cleaning_refuses_a_choice_the_filter_does_not_offer_naming_the_earlier_question():
    questionnaire = county_form()
    cleaned = clean_answers(questionnaire, {"p.lan": "24", "p.kommun": "2580"}, lang="en")
    assert cleaned.errors == {"p.kommun": '"Luleå" does not fit the answer to "County": choose again.'}
    assert "p.kommun" not in cleaned.answers
    swedish = clean_answers(questionnaire, {"p.lan": "24", "p.kommun": "2580"})
    assert swedish.errors == {"p.kommun": '"Luleå" passar inte till svaret på "Län": välj igen.'}
    assert clean_answers(questionnaire, {"p.lan": "24", "p.kommun": "2482"}).answers == {
        "p.lan": "24", "p.kommun": "2482"}
    assert clean_answers(questionnaire, {"p.lan": "25", "p.kommun": "vet_ej"}).ok


def test_a_multi_question_is_filtered_on_every_choice_and_by_two_attributes():
    questionnaire = from_dict({"id": "t", "version": "1", "title": "T", "sections": [section(
        "s",
        {"id": "lan", "type": "single", "label": "Län", "choices": COUNTIES},
        {"id": "stor", "type": "yesno", "label": "Stor"},
        {"id": "orter", "type": "multi", "label": "Orter", "filter": {"lan": "s.lan", "stor": "s.stor"}, "choices": [
            {"code": "umea", "label": "Umeå", "lan": "24", "stor": "ja"},
            {"code": "vindeln", "label": "Vindeln", "lan": "24", "stor": "nej"},
            {"code": "lulea", "label": "Luleå", "lan": "25", "stor": "ja"}]},
    )]})
    assert clean_answers(questionnaire, {"s.lan": "24", "s.stor": "ja", "s.orter": ["umea"]}).ok
    cleaned = clean_answers(questionnaire, {"s.lan": "24", "s.stor": "ja", "s.orter": ["umea", "vindeln"]}, lang="en")
    assert cleaned.errors == {"s.orter": '"Vindeln" does not fit the answer to "Län": choose again.'}


def test_a_filter_by_code_and_inside_a_repeat():
    questionnaire = from_dict({"id": "t", "version": "1", "title": "T", "sections": [section(
        "s",
        {"id": "folk", "type": "repeat", "label": "Personer", "instance_label": "Person", "questions": [
            {"id": "lan", "type": "single", "label": "Län", "choices": COUNTIES},
            {"id": "kommun", "type": "single", "label": "Kommun", "choices": MUNICIPALITIES,
             "filter": {"lan": "s.folk.lan"}},
            {"id": "igen", "type": "single", "label": "Samma län igen", "choices": COUNTIES,
             "filter": {"code": "s.folk.lan"}},
        ]},
    )]})
    raw = {"s.folk": [{"s.folk.lan": "24", "s.folk.kommun": "2480", "s.folk.igen": "24"},
                      {"s.folk.lan": "25", "s.folk.kommun": "2480", "s.folk.igen": "24"}]}
    cleaned = clean_answers(questionnaire, raw, lang="en")
    assert cleaned.errors == {
        "s.folk[2].kommun": 'Person 2: Kommun: "Umeå" does not fit the answer to "Län": choose again.',
        "s.folk[2].igen": 'Person 2: Samma län igen: "Västerbottens län" does not fit the answer to "Län": '
                          'choose again.'}


def test_the_loader_refuses_filters_that_name_later_unknown_or_unfit_questions_with_their_lines():
    text = textwrap.dedent("""\
        id: t
        version: "1"
        title: T
        sections:
          - id: s
            title: S
            questions:
              - id: kommun
                type: single
                label: Kommun
                filter: {lan: s.lan}
                choices:
                  - {code: "2480", label: Umeå, lan: "24"}
              - id: lan
                type: single
                label: Län
                choices: [{code: "24", label: Västerbotten}]
              - id: namn
                type: text
                label: Namn
                filter: {lan: s.lan}
              - id: ort
                type: single
                label: Ort
                filter: {kommun: s.lan, lan: s.ingen}
                choices:
                  - {code: x, label: X, lan: 24, Stor: true}
              - id: fler
                type: multi
                label: Fler
                filter: {lan: s.flera}
                choices: [{code: x, label: X, lan: "24"}]
              - id: flera
                type: multi
                label: Flera
                choices: [{code: x, label: X}]
              - id: sist
                type: single
                label: Sist
                filter: {lan: s.flera}
                choices: [{code: x, label: X, lan: "24"}]
        """)
    result = load_text(text, "plats.yaml")
    assert [str(p) for p in result.problems] == [
        "plats.yaml:11: filter of 's.kommun' (lan: s.lan) names a question that comes later (or itself): a filter "
        "uses an earlier answer",
        "plats.yaml:21: filter is only for single and multi questions, not for text 's.namn'",
        "plats.yaml:25: filter of 's.ort' names attribute 'kommun', which no choice of the question has "
        "(they have: code, lan)",
        "plats.yaml:25: filter of 's.ort' (lan: s.ingen) names no question (write the full id, section.question)",
        "plats.yaml:27: choice 'x' in question 's.ort' has key 'Stor': a choice takes code, label, score and "
        "attributes named with lowercase letters, digits and '_' (not name or list_name, the columns of an XLSForm's "
        "choices sheet)",
        "plats.yaml:31: filter of 's.fler' (lan: s.flera) names a question that comes later (or itself): a filter "
        "uses an earlier answer",
        "plats.yaml:40: filter of 's.sist' (lan: s.flera) names multi question 's.flera': a filter compares one value "
        "(single, scale, yesno, integer, year, text questions)",
    ]


def test_attributes_and_filter_survive_the_canonical_form_and_leave_other_hashes_alone():
    questionnaire = county_form()
    again = from_dict(questionnaire.to_dict())
    assert again.question("p.kommun").filter == {"lan": "p.lan"}
    assert again.question("p.kommun").choices[2].attributes == {"lan": "25"}
    assert again.content_hash == questionnaire.content_hash
    assert "filter" not in again.to_dict()["sections"][0]["questions"][0]


# -- the interview pages ------------------------------------------------------------------------

def two_pages():
    return from_dict({"id": "plats", "version": "1", "title": {"sv": "Plats", "en": "Place"}, "sections": [
        section("p", {"id": "lan", "type": "single", "label": "Län", "choices": COUNTIES}),
        section("k", {"id": "kommun", "type": "single", "label": "Kommun", "choices": MUNICIPALITIES,
                      "filter": {"lan": "p.lan"}},
                {"id": "samma", "type": "single", "label": "Län igen", "choices": COUNTIES},
                {"id": "ort", "type": "single", "label": "Ort", "choices": MUNICIPALITIES,
                 "filter": {"lan": "k.samma"}}),
    ]})


def test_the_page_after_the_county_offers_its_municipalities_and_refuses_others_without_javascript(client, db):
    from sync import store

    from field_helpers import start_interview
    questionnaire = two_pages()
    with store.transaction(db):
        store.add_questionnaire(db, questionnaire, origin="test")
    sid, location = start_interview(client, "plats", "0180")
    response = client.post(location, data={"action": "next", "p.lan": "25"})
    page = response.headers["Location"]
    html = client.get(page).data.decode()
    # k.kommun: only Luleå (its county's); k.ort follows an answer on this same page, so all three are shown.
    assert html.count('value="2580"') == 2 and html.count('value="2480"') == 1 and html.count('value="2482"') == 1
    refused = client.post(page, data={"action": "next", "k.kommun": "2480", "k.samma": "24", "k.ort": "2580"})
    assert refused.status_code == 422
    text = refused.data.decode()
    assert "&#34;Umeå&#34; passar inte till svaret på &#34;Län&#34;: välj igen." in text
    assert "&#34;Luleå&#34; passar inte till svaret på &#34;Län igen&#34;: välj igen." in text
    # The refused choice stays on the page beside the offered one (and in k.ort's full list), to be changed.
    assert text.count('value="2480"') == 2 and text.count('value="2482"') == 1
    done = client.post(page, data={"action": "next", "k.kommun": "2580", "k.samma": "24", "k.ort": "2482"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/granska")
    assert store.get_submission(db, sid).draft["raw"]["k.kommun"] == "2580"


def live_form():
    """A filter over an answer on the same page, outside and inside a repeat, and over a number typed in."""
    return from_dict({"id": "levande", "version": "1", "title": {"sv": "Levande", "en": "Live"}, "sections": [
        section("p", {"id": "lan", "type": "single", "label": "Län", "choices": COUNTIES}),
        section("k",
                {"id": "samma", "type": "single", "label": "Län igen", "choices": COUNTIES, "dont_know": True},
                {"id": "ort", "type": "single", "label": "Ort", "choices": MUNICIPALITIES,
                 "filter": {"lan": "k.samma"}, "dont_know": True},
                {"id": "lankod", "type": "integer", "label": "Länskod", "dont_know": True},
                {"id": "orter", "type": "multi", "label": "Orter", "choices": MUNICIPALITIES,
                 "filter": {"lan": "k.lankod"}},
                {"id": "besok", "type": "repeat", "label": "Besök", "instance_label": "Besök", "questions": [
                    {"id": "lan", "type": "single", "label": "Besökets län", "choices": COUNTIES},
                    {"id": "kommun", "type": "single", "label": "Besökets kommun", "choices": MUNICIPALITIES,
                     "filter": {"lan": "k.besok.lan", "code": "k.ort"}},
                ]}),
    ]})


def _live(html: str) -> dict[str, dict]:
    """The choice filters the page's script narrows live, by the name of the question's fields."""
    import html as markup
    import json
    import re

    found = {}
    for spec, rest in re.findall(r"data-choice-filter='([^']*)'>(.*?)</div>", html, re.S):
        found[re.search(r'name="([^"]+)"', rest).group(1)] = json.loads(markup.unescape(spec))
    return found


def test_a_filter_over_an_answer_on_the_same_page_tells_the_page_script_what_to_compare(client, db):
    from sync import store

    from field_helpers import start_interview
    with store.transaction(db):
        store.add_questionnaire(db, live_form(), origin="test")
    sid, location = start_interview(client, "levande", "0180")
    page = client.post(location, data={"action": "next", "p.lan": "25"}).headers["Location"]
    draft = store.get_submission(db, sid).draft["raw"]
    draft["k.besok"] = [{}]
    store.save_draft(db, sid, draft, "k", {})
    html = client.get(page).data.decode()
    live = _live(html)
    assert sorted(live) == ["k.besok[1].kommun", "k.ort", "k.orter"]
    umea_skelleftea_lulea = {"2480": {"lan": "24"}, "2482": {"lan": "24"}, "2580": {"lan": "25"}}
    assert live["k.ort"] == {"sources": [{"attribute": "lan", "field": "k.samma", "number": False}],
                             "choices": umea_skelleftea_lulea}
    assert live["k.orter"]["sources"] == [{"attribute": "lan", "field": "k.lankod", "number": True}]
    # inside the repeat: its own instance's county, and an answer on the same page outside the repeat
    assert sorted(live["k.besok[1].kommun"]["sources"], key=lambda s: s["attribute"]) == [
        {"attribute": "code", "field": "k.ort", "number": False},
        {"attribute": "lan", "field": "k.besok[1].lan", "number": False}]
    assert live["k.besok[1].kommun"]["choices"]["2580"] == {"lan": "25", "code": "2580"}
    # Without the script every choice is there, and a hint waits hidden for it.
    assert html.count('value="2580"') == 3
    assert html.count('class="help filter-none" role="status" hidden') == 3
    assert "Svara på ”Län igen” först: alternativen beror på det." in html


def test_a_filter_over_a_saved_earlier_page_and_one_on_this_page_sends_the_earlier_answer_as_text():
    from forms.webform import build_section_form

    questionnaire = from_dict({"id": "t", "version": "1", "title": "T", "sections": [
        section("a", {"id": "antal", "type": "integer", "label": "Antal"}),
        section("b", {"id": "lan", "type": "single", "label": "Län", "choices": COUNTIES},
                {"id": "ort", "type": "single", "label": "Ort", "filter": {"lan": "b.lan", "stor": "a.antal"},
                 "choices": [{"code": "x", "label": "X", "lan": "24", "stor": "3"}]}),
    ]})
    form = build_section_form(questionnaire, questionnaire.sections[1], "sv")()
    form.offer_choices({"a.antal": 3.0})
    sources = sorted(form.live_filters["b.ort"]["sources"], key=lambda s: s["attribute"])
    assert sources == [{"attribute": "lan", "field": "b.lan", "number": False}, {"attribute": "stor", "value": "3"}]
    form.offer_choices({})
    assert {"attribute": "stor", "value": None} in form.live_filters["b.ort"]["sources"]


# -- XLSForm ----------------------------------------------------------------------------------------

def test_xlsform_choice_filters_import_clean_export_and_convert(tmp_path):
    from test_xlsform_calculations import texts, write_form
    from forms.xlsform import import_xlsform

    from test_xlsform import exported_xform
    label = "label::English (en)"
    path = write_form(tmp_path, [
        ["type", "name", label, "choice_filter"],
        ["select_one lan", "lan", "County", ""],
        ["select_one kommun", "kommun", "Municipality", "lan=${lan}"],
        ["select_one lan", "samma", "Same county", "name=${lan}"],
        ["select_multiple ort", "orter", "Places", "${lan}=lan and stor=${big}"],
        ["select_one jn", "big", "Big?", ""],
        ["select_multiple ort", "fler", "More places", "lan=${lan} or stor=${big}"],
        ["select_one kommun", "sista", "Last", "lan=${big}"],
        ["text", "fri", "Free text", ""],
        ["select_one ort", "efter", "After", "stor=${big} and lan=${lan}"],
    ], [
        ["list_name", "name", label, "lan", "stor"],
        ["lan", "24", "Västerbotten", "", ""],
        ["lan", "25", "Norrbotten", "", ""],
        ["kommun", "2480", "Umeå", "24", ""],
        ["kommun", "2580", "Luleå", "25", ""],
        ["ort", "umea", "Umeå", "24", "yes"],
        ["ort", "hornefors", "Hörnefors", "24", "no"],
        ["jn", "yes", "Yes", "", ""],
        ["jn", "no", "No", "", ""],
    ])
    result = import_xlsform(path, skip_unsupported=True)
    assert texts(result.left_out, path) == [
        "survey row 5: choice_filter '${lan}=lan and stor=${big}' cannot be translated: ${big} comes later "
        "(row 6): conditions may only use earlier answers (or calculations)",
        "survey row 7: choice_filter 'lan=${lan} or stor=${big}' cannot be translated: fieldkit reads "
        "column=${name} (or ${name}=column), joined by 'and', so the question is left out (it would show every "
        "choice of the list)",
    ]
    questionnaire = result.questionnaire
    filters = {q.id: q.filter for q in questionnaire.questions() if q.filter}
    sid = questionnaire.sections[0].id
    assert filters == {f"{sid}.kommun": {"lan": f"{sid}.lan"}, f"{sid}.samma": {"code": f"{sid}.lan"},
                       f"{sid}.sista": {"lan": f"{sid}.big"},
                       f"{sid}.efter": {"stor": f"{sid}.big", "lan": f"{sid}.lan"}}
    # Only the compared columns become attributes.
    assert [c.attributes for c in questionnaire.question(f"{sid}.kommun").choices] == [{"lan": "24"}, {"lan": "25"}]
    assert questionnaire.question(f"{sid}.lan").choices[0].attributes == {}
    cleaned = clean_answers(questionnaire, {f"{sid}.lan": "24", f"{sid}.kommun": "2580", f"{sid}.samma": "24",
                                            f"{sid}.big": "yes", f"{sid}.efter": "hornefors"}, lang="en")
    assert cleaned.errors == {
        f"{sid}.kommun": '"Luleå" does not fit the answer to "County": choose again.',
        f"{sid}.efter": '"Hörnefors" does not fit the answer to "Big?": choose again.'}
    # Export and back: the same filters; pyxform converts the export without a warning.
    exported, xform = exported_xform(questionnaire, tmp_path)
    again = import_xlsform(exported).questionnaire
    assert {q.id: q.filter for q in again.questions() if q.filter} == filters
    # the questions stood outside any group in the source, and do so again: /data/lan
    assert "instance('kommun')/root/item[lan= /data/lan ]" in xform
    assert "instance('lan')/root/item[name= /data/lan ]" in xform
