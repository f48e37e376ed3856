"""Rules on the interview pages (Flask test client): a check warns and lets the interview go on, a constraint stops it."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from sync import store

from central_helpers import logged_in, make_submission
from field_helpers import section_post, start_interview

NAD = {
    "forening.namn": "Fotbollsklubben", "forening.knutpunkt": "syd", "forening.kontaktperson_namn": "Eva Ek",
    "aktivitet.namn": "Språkfotboll", "aktivitet.fokus": ["sprak"], "aktivitet.kvalitet_bedomd": "ja",
    "omfattning.tillfallen": 4, "omfattning.deltagare": 25, "omfattning.ledare": 2,
    "ersattning.begard": 40_000, "ersattning.medlemsavgifter": "nej",
}
FEW_SESSIONS = "Ersättning kräver minst 5 tillfällen."
FEW_LEADERS = "Ersättning kräver minst en ledare per 10 deltagare."
OVER_RATE = "Begärd ersättning är mer än 1 500 kronor per deltagare."
NOTICE = "Se varningarna på sidan. Du kan gå vidare ändå."
ANSWER_FIRST = "Kommunens svar kan inte vara daterat före förfrågan. Rätta något av datumen."


def browser_post(questionnaire, section, answers, warned=()):
    """What the section page's form posts: the answers, the questions shown, the warnings shown."""
    data = section_post(questionnaire, section, answers)
    shown = [("shown", q.id) for q in section.questions]
    return MultiDict(list(data.items(multi=True)) + shown + [("warned", qid) for qid in warned])


def fill(client, sid, questionnaire, answers):
    """Post every section, in order, as a client that does not render the pages would."""
    for section in questionnaire.sections:
        response = client.post(f"/s/{sid}/del/{section.id}", data=section_post(questionnaire, section, answers))
        assert response.status_code == 302, response.data.decode()[:2000]


def test_a_broken_check_is_a_warning_on_its_section_page_once_then_the_page_goes_on(client, db):
    nad = store.get_questionnaire(db, "nad-aktivitet")
    sid, _ = start_interview(client, "nad-aktivitet")
    section = next(s for s in nad.sections if s.id == "omfattning")
    url = f"/s/{sid}/del/omfattning"

    first = client.post(url, data=browser_post(nad, section, NAD))
    html = first.data.decode()
    assert first.status_code == 200  # not an error: the page stays once so that the warnings are read
    assert NOTICE in html
    assert f"<strong>Varning:</strong> {FEW_SESSIONS}" in html
    assert f"<strong>Varning:</strong> {FEW_LEADERS}" in html
    assert OVER_RATE not in html  # that rule stands on the compensation page
    assert '<input type="hidden" name="warned" value="omfattning.minst_5_tillfallen">' in html
    assert '<input type="hidden" name="warned" value="omfattning.ledare_per_10_deltagare">' in html
    assert 'value="4"' in html  # the answers typed are kept

    again = client.post(url, data=browser_post(nad, section, NAD, warned=["omfattning.minst_5_tillfallen",
                                                                            "omfattning.ledare_per_10_deltagare"]))
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/s/{sid}/del/ersattning")

    # coming back, the warnings are still on the page, without the notice
    page = client.get(url).data.decode()
    assert FEW_SESSIONS in page and FEW_LEADERS in page and NOTICE not in page


def test_a_page_without_broken_rules_shows_no_warning(client, db):
    nad = store.get_questionnaire(db, "nad-aktivitet")
    sid, _ = start_interview(client, "nad-aktivitet")
    section = next(s for s in nad.sections if s.id == "omfattning")
    answers = {**NAD, "omfattning.tillfallen": 6, "omfattning.deltagare": 12}
    response = client.post(f"/s/{sid}/del/omfattning", data=browser_post(nad, section, answers))
    assert response.status_code == 302
    html = client.get(f"/s/{sid}/del/omfattning").data.decode()
    assert "Varning:" not in html and 'name="warned"' not in html


def test_warnings_are_listed_on_the_review_page_and_do_not_block_completion(client, db):
    nad = store.get_questionnaire(db, "nad-aktivitet")
    sid, _ = start_interview(client, "nad-aktivitet")
    fill(client, sid, nad, NAD)
    review = client.get(f"/s/{sid}/granska").data.decode()
    assert "<h2>Varningar</h2>" in review
    for message in (FEW_SESSIONS, FEW_LEADERS, OVER_RATE):
        assert message in review
    assert f'/s/{sid}/del/omfattning#q-omfattning.minst_5_tillfallen">Omfattning: Regel: minst 5 tillfällen</a>' \
        in review
    assert "Slutför intervjun" in review  # the button is there: warnings never block
    # the derived value is shown with the answers: min(40 000, 1 500 x 25) = 37 500 kronor
    assert "Berättigat belopp (kronor)" in review
    assert "37\u00a0500\u00a0kr" in review
    done = client.post(f"/s/{sid}/slutfor")
    assert done.headers["Location"].endswith("/sammanstallning")
    assert store.get_submission(db, sid).status == "complete"
    summary = client.get(done.headers["Location"]).data.decode()
    assert "37\u00a0500\u00a0kr" in summary
    assert f"Nej – {FEW_SESSIONS}" in summary


KONTAKT = {
    "kontakt.datum": "2014-09-01", "kontakt.kanal": "telefon", "arende.amne": ["anvisningsforfragan"],
    "arende.forfragan_datum": "2014-09-10", "svar.svar": "nej", "svar.svarsdatum": "2014-09-08",
    "svar.orsak_nej": ["bostadsbrist"],
}


def test_a_broken_constraint_is_an_error_that_stops_the_page(client, db):
    log = store.get_questionnaire(db, "smak-kontaktlogg")
    sid, _ = start_interview(client, "smak-kontaktlogg")
    for section in log.sections[:2]:
        client.post(f"/s/{sid}/del/{section.id}", data=section_post(log, section, KONTAKT))
    svar = next(s for s in log.sections if s.id == "svar")
    response = client.post(f"/s/{sid}/del/svar", data=browser_post(log, svar, KONTAKT))
    html = response.data.decode()
    assert response.status_code == 422
    assert f'<p class="error" role="alert">{ANSWER_FIRST}</p>' in html
    # in the summary at the top too, linked to the rule on the page
    assert f'<a href="#q-svar.svar_efter_forfragan">Svaret är inte daterat före förfrågan</a>: {ANSWER_FIRST}' in html
    fixed = client.post(f"/s/{sid}/del/svar", data=browser_post(log, svar, {**KONTAKT, "svar.svarsdatum": "2014-09-12"}))
    assert fixed.status_code == 302


def test_a_broken_constraint_blocks_completion_on_the_review_page(client, db):
    log = store.get_questionnaire(db, "smak-kontaktlogg")
    sid, _ = start_interview(client, "smak-kontaktlogg")
    for section in log.sections:
        client.post(f"/s/{sid}/del/{section.id}", data=section_post(log, section, KONTAKT))
    review = client.get(f"/s/{sid}/granska").data.decode()
    assert "Intervjun kan inte slutföras ännu:" in review
    assert ANSWER_FIRST in review
    assert "Slutför intervjun" not in review
    refused = client.post(f"/s/{sid}/slutfor")
    assert refused.headers["Location"].endswith(f"/s/{sid}/granska")
    assert store.get_submission(db, sid).status == "draft"


# --- the evaluator's correction page shows the same rules ------------------------------------------------------

def test_correcting_answers_in_review_shows_the_rules_of_the_section(central_app, cdb):
    nad = store.get_questionnaire(cdb, "nad-aktivitet")
    sid = make_submission(cdb, questionnaire_id="nad-aktivitet", municipality="1280", answers=nad_answers(nad))
    client = logged_in(central_app, "evaluator")
    page = client.get(f"/granskning/{sid}/andra/omfattning").get_data(as_text=True)
    assert f"<strong>Varning:</strong> {FEW_SESSIONS}" in page  # 4 sessions in the stored answers

    log = store.get_questionnaire(cdb, "smak-kontaktlogg")
    sid = make_submission(cdb, questionnaire_id="smak-kontaktlogg", municipality="1280",
                          answers={**KONTAKT, "svar.svarsdatum": "2014-09-12"})
    svar = next(s for s in log.sections if s.id == "svar")
    data = section_post(log, svar, KONTAKT)  # the answer date moved before the request
    data.update({"comment": "Rättat datum", "base": store.get_submission(cdb, sid).head_revision})
    refused = client.post(f"/granskning/{sid}/andra/svar", data=data)
    assert refused.status_code == 422
    assert f'<p class="error" role="alert">{ANSWER_FIRST}</p>' in refused.get_data(as_text=True)
    assert store.get_submission(cdb, sid).revision == 1


def nad_answers(nad):
    from forms import clean_answers

    return clean_answers(nad, NAD).answers
