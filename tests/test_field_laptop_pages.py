"""Issue 15 on the field laptop: blank matrix statements counted, the interviewer named, small page faults."""

from __future__ import annotations

from pathlib import Path

from sync import audit, store

from central_helpers import logged_in
from field_helpers import csrf_token, start_interview

STATIC = Path(__file__).resolve().parent.parent / "fieldkit" / "static"


def _hinder_items(db):
    question = store.get_questionnaire(db, "kub-webbenkat").question("hinder.hinder")
    return [item.code for item in question.items]


# -- the review page counts the blank statements of a matrix -------------------------------------

def test_review_counts_each_blank_statement_of_a_partly_answered_matrix(client, db):
    sid, _ = start_interview(client, "kub-webbenkat")
    items = _hinder_items(db)
    client.post(f"/s/{sid}/autosave/hinder", data={f"hinder.hinder/{code}": "instammer_helt" for code in items[:4]})
    client.post(f"/s/{sid}/autosave/lok", data={"lok.har_lok": "nej"})
    html = client.get(f"/s/{sid}/granska").get_data(as_text=True)
    # 31 asked (11 questions, 3 + 13 + 5 statements; the LÖK follow-up skipped); 4 statements and LÖK answered
    assert "26 av 31 frågor och påståenden saknar svar." in html
    assert f'href="/s/{sid}/del/hinder">Hinder för att ta emot på anvisning</a>: 9' in html
    assert f'href="/s/{sid}/del/tillgang_bostader">' in html


def test_review_in_english_counts_questions_and_statements(client, db):
    sid, _ = start_interview(client, "kub-webbenkat")
    client.post(f"/s/{sid}/autosave/hinder", data={f"hinder.hinder/{_hinder_items(db)[0]}": "vet_ej"})
    client.set_cookie("fieldkit_lang", "en")
    html = client.get(f"/s/{sid}/granska").get_data(as_text=True)
    # the LÖK follow-up is skipped while LÖK is unanswered: 31 asked
    assert "30 of 31 questions and statements are unanswered." in html
    assert "Each statement of a grid counts on its own." in html


# -- who is interviewing ---------------------------------------------------------------------------

def _without_interviewer(db):
    db.execute("delete from settings where key = 'interviewer'")
    db.conn.commit()


def test_start_page_asks_for_the_interviewer_before_an_interview_can_start(client, db):
    _without_interviewer(db)
    html = client.get("/").get_data(as_text=True)
    assert "Vem intervjuar?" in html
    assert 'action="/intervjuare"' in html
    assert 'action="/start"' not in html
    refused = client.post("/start", data={"questionnaire": "kub-webbenkat", "municipality": "2480"})
    assert refused.headers["Location"] == "/"
    assert "Skriv vem som intervjuar innan du startar en intervju." in client.get("/").get_data(as_text=True)
    assert store.list_submissions(db, limit=10) == []


def test_the_interviewers_name_is_stored_audited_and_carried_by_new_interviews(client, db):
    _without_interviewer(db)
    response = client.post("/intervjuare", data={"interviewer": "  Anna \t Berg "})
    assert response.headers["Location"] == "/"
    assert store.get_settings(db)["interviewer"] == "Anna Berg"
    entry = audit.entries(db)[0]
    assert (entry["action"], entry["details"]) == ("interviewer_set", {"name": "Anna Berg"})
    html = client.get("/").get_data(as_text=True)
    assert "Nya intervjuer registreras på Anna Berg." in html
    assert "Intervjuare: <strong>Anna Berg</strong>" in html
    assert "Byt intervjuare" in html
    sid, _ = start_interview(client)
    assert store.get_submission(db, sid).interviewer == "Anna Berg"


def test_the_interviewer_can_be_changed_and_later_interviews_carry_the_new_name(client, db):
    first, _ = start_interview(client)
    client.post("/intervjuare", data={"interviewer": "Bo Ek"})
    second, _ = start_interview(client)
    assert store.get_submission(db, first).interviewer == "Test Intervjuare"
    assert store.get_submission(db, second).interviewer == "Bo Ek"


def test_a_blank_or_overlong_interviewer_name_is_refused(client, db):
    for name in ("   ", "x" * 65):
        client.post("/intervjuare", data={"interviewer": name})
        assert "Skriv intervjuarens namn (högst 64 tecken)." in client.get("/").get_data(as_text=True)
    assert store.get_settings(db)["interviewer"] == "Test Intervjuare"


def test_the_interviewer_form_needs_a_csrf_token(csrf_app, db):
    client = csrf_app.test_client()
    refused = client.post("/intervjuare", data={"interviewer": "Forged"})
    assert refused.status_code == 400
    assert store.get_settings(db)["interviewer"] == "Test Intervjuare"
    token = csrf_token(client.get("/").get_data(as_text=True))
    client.post("/intervjuare", data={"interviewer": "Cia Lund", "csrf_token": token})
    assert store.get_settings(db)["interviewer"] == "Cia Lund"


def test_the_central_server_has_no_interviewer_form(central_app, cdb):
    client = logged_in(central_app, "interviewer")
    html = client.get("/").get_data(as_text=True)
    assert "/intervjuare" not in html and "Vem intervjuar?" not in html
    assert client.post("/intervjuare", data={"interviewer": "Someone"}).status_code == 404
    assert "interviewer" not in store.get_settings(cdb)


# -- small things ----------------------------------------------------------------------------------

def test_a_radio_answer_is_cleared_without_javascript(client, db):
    sid, _ = start_interview(client)
    url = f"/s/{sid}/del/lok"
    client.post(f"/s/{sid}/autosave/lok", data={"lok.har_lok": "ja", "lok.bosattning_bostader": "nej"})
    page = client.get(url).get_data(as_text=True)
    assert page.count(">Rensa svar</button>") == 2
    # Enter in a text field submits with the form's first submit button: Nästa, never a Rensa svar
    first = page[page.index('id="interview"'):].split('<button type="submit" ', 1)[1]
    assert first.startswith('name="action" value="next"')
    response = client.post(url, data={"lok.har_lok": "ja", "lok.bosattning_bostader": "nej",
                                      "clear": "lok.bosattning_bostader"})
    assert response.status_code == 200  # the same page again, not the next one
    html = response.get_data(as_text=True)
    assert 'name="lok.bosattning_bostader" id="lok.bosattning_bostader-1" value="nej" checked' not in html
    assert 'name="lok.har_lok" id="lok.har_lok-0" value="ja" checked' in html
    assert store.get_submission(db, sid).draft["raw"] == {"lok.har_lok": "ja"}


def test_clearing_names_only_a_radio_question_of_the_page(client, db):
    sid, _ = start_interview(client)
    client.post(f"/s/{sid}/autosave/lok", data={"lok.har_lok": "ja"})
    for target in ("samarbete.af_bosattning", "lok", "hinder.hinder"):
        assert client.post(f"/s/{sid}/del/lok", data={"lok.har_lok": "ja", "clear": target}).status_code == 200
    assert store.get_submission(db, sid).draft["raw"] == {"lok.har_lok": "ja"}


def test_other_please_specify_is_written_once_on_the_page(client, db):
    questionnaire = store.get_questionnaire(db, "kub-intervju")
    section = next(s for s in questionnaire.sections if any(q.other for q in s.questions))
    others = sum(q.other for q in section.questions)
    sid, _ = start_interview(client, "kub-intervju")
    html = client.get(f"/s/{sid}/del/{section.id}").get_data(as_text=True)
    assert html.count("<span>Annat, nämligen</span>") == others
    assert html.count("Annat, nämligen") == 2 * others  # the checkbox, and the text box's hidden label
    assert html.count('class="visually-hidden" for=') == others


def test_dates_and_the_open_link_in_lists_do_not_wrap(client):
    start_interview(client)
    html = client.get("/intervjuer").get_data(as_text=True)
    assert '<td class="date">' in html and '<td class="open">' in html
    assert ".table .date, .table .open { white-space: nowrap; }" in (STATIC / "app.css").read_text()


def test_every_page_links_the_svg_favicon(client):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    with client.get("/static/favicon.svg") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.get_data(as_text=True).startswith("<svg ")
