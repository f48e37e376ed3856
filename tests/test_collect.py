"""The interview flow through the Flask test client, for every shipped questionnaire."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from forms.answers import clean_answers
from forms.library import SHIPPED

from sync import store
from sync.selection import Selection

from field_helpers import plausible_answers, section_post, start_interview


@pytest.mark.parametrize("questionnaire_id", SHIPPED)
def test_whole_interview_is_completed_and_stored(client, db, questionnaire_id):
    questionnaire = store.get_questionnaire(db, questionnaire_id)
    answers = plausible_answers(questionnaire)
    # a questionnaire answered per district is started for one of Stockholm's (forms/data/stadsdelar.csv)
    sid, location = start_interview(client, questionnaire_id,
                                    *(("0180", "0180-08") if questionnaire.level == "district" else ("1480",)))
    visited = []
    while "/del/" in location:
        section_id = location.rsplit("/", 1)[1]
        visited.append(section_id)
        page = client.get(location)
        assert page.status_code == 200
        section = next(s for s in questionnaire.sections if s.id == section_id)
        response = client.post(location, data=section_post(questionnaire, section, answers))
        assert response.status_code == 302, response.data.decode()[:3000]
        location = response.headers["Location"]
        assert len(visited) <= len(questionnaire.sections)
    assert location.endswith("/granska")
    review = client.get(location)
    assert "Slutför intervjun" in review.data.decode()
    done = client.post(f"/s/{sid}/slutfor")
    assert done.headers["Location"].endswith("/sammanstallning")
    stored = store.get_submission(db, sid)
    assert stored.status == "complete"
    assert stored.revision == 1
    assert stored.answers == clean_answers(questionnaire, answers).answers
    assert stored.draft is None
    summary = client.get(done.headers["Location"]).data.decode()
    assert "Intervjun är slutförd och sparad." in summary
    assert ("Stockholm, Södermalm" if questionnaire.level == "district" else "Göteborg") in summary


def test_invalid_value_shows_field_error_and_keeps_typed_values(client, db):
    sid, _ = start_interview(client, "smak-kostnader")
    questionnaire = store.get_questionnaire(db, "smak-kostnader")
    section = next(s for s in questionnaire.sections if any(q.type == "money" for q in s.questions))
    money = next(q for q in section.questions if q.type == "money")
    text_q = next((q for q in section.questions if q.type in ("text", "longtext")), None)
    data = {"action": "next", money.id: "tolv tusen"}
    if text_q:
        data[text_q.id] = "Behålls som skrivet"
    page = client.post(f"/s/{sid}/del/{section.id}", data=data)
    html = page.data.decode()
    assert page.status_code == 422
    assert "Ange ett belopp i hela kronor, t.ex. 12 500." in html
    assert 'value="tolv tusen"' in html
    assert "Rätta följande innan du går vidare:" in html
    if text_q:
        assert "Behålls som skrivet" in html
    draft = store.get_submission(db, sid).draft
    assert draft["raw"][money.id] == "tolv tusen"


def test_lok_follow_up_appears_only_after_yes_without_javascript(client, db):
    questionnaire = store.get_questionnaire(db, "kub-webbenkat")
    section = next(s for s in questionnaire.sections if s.relevant is None and any(q.relevant for q in s.questions)
                   and any(q.relevant and q.relevant.startswith(s.id + ".") for q in s.questions))
    first = section.questions[0]
    follow = next(q for q in section.questions if q.relevant)
    sid, _ = start_interview(client)
    url = f"/s/{sid}/del/{section.id}"
    html = client.get(url).data.decode()
    assert f'id="q-{follow.id}" data-qid="{follow.id}" hidden' in html
    shown = [("shown", q.id) for q in section.questions if not q.relevant]
    response = client.post(url, data=MultiDict([("action", "next"), (first.id, "ja")] + shown))
    html = response.data.decode()
    assert response.status_code == 200
    assert "Dina svar gjorde att nya frågor visas på sidan." in html
    assert f'id="q-{follow.id}" data-qid="{follow.id}">' in html
    response = client.post(url, data=MultiDict([("action", "next"), (first.id, "nej")] + shown))
    assert response.status_code == 302


def test_autosave_returns_saved_state_and_relevance(client, db):
    questionnaire = store.get_questionnaire(db, "kub-webbenkat")
    section = next(s for s in questionnaire.sections if any(q.relevant for q in s.questions))
    first, follow = section.questions[0], next(q for q in section.questions if q.relevant)
    sid, _ = start_interview(client)
    saved = client.post(f"/s/{sid}/autosave/{section.id}", data={first.id: "nej"}).get_json()
    assert saved["seq"] == 1 and follow.id in saved["hidden"]
    saved = client.post(f"/s/{sid}/autosave/{section.id}", data={first.id: "ja"}).get_json()
    assert saved["seq"] == 2 and follow.id not in saved["hidden"]
    assert store.get_submission(db, sid).draft["raw"][first.id] == "ja"


def test_an_autosave_of_an_answer_over_the_length_limit_is_refused_beside_its_question(client, db):
    sid, _ = start_interview(client)
    url = f"/s/{sid}/autosave/forslag"
    first = client.post(url, data={"forslag.effektivisering": "Kortare handläggning."}).get_json()
    refused = client.post(url, data={"forslag.effektivisering": "x" * 20_001})
    assert refused.status_code == 422
    assert refused.get_json()["error"] == "Inte sparat: rätta det markerade svaret"
    assert refused.get_json()["errors"] == {"forslag.effektivisering": "Högst 20\u00a0000 tecken."}
    draft = store.get_submission(db, sid).draft
    assert draft["seq"] == first["seq"] and draft["raw"]["forslag.effektivisering"] == "Kortare handläggning."
    client.set_cookie("fieldkit_lang", "en")
    english = client.post(url, data={"forslag.effektivisering": "x" * 20_001}).get_json()
    assert english == {"error": "Not saved: correct the marked answer", "status": 422,
                       "errors": {"forslag.effektivisering": "At most 20,000 characters."}}
    at_the_limit = client.post(url, data={"forslag.effektivisering": "x" * 20_000})
    assert at_the_limit.status_code == 200 and at_the_limit.get_json()["seq"] == first["seq"] + 1
    assert store.get_submission(db, sid).draft["raw"]["forslag.effektivisering"] == "x" * 20_000


def test_the_autosave_reply_carries_the_saved_time_as_the_page_shows_it(client, db):
    import datetime
    from zoneinfo import ZoneInfo

    sid, _ = start_interview(client)
    saved = client.post(f"/s/{sid}/autosave/forslag", data={"forslag.effektivisering": "Ja."}).get_json()
    swedish = datetime.datetime.fromisoformat(saved["saved_at"]).astimezone(ZoneInfo("Europe/Stockholm"))
    assert saved["saved_time"] == swedish.strftime("%H:%M:%S")
    assert f"Sparat {saved['saved_time']}" in client.get(f"/s/{sid}/del/forslag").get_data(as_text=True)


def test_reopening_a_completed_interview_makes_a_new_revision(client, db):
    questionnaire = store.get_questionnaire(db, "smak-kostnader")
    answers = plausible_answers(questionnaire)
    sid = store.create_submission(db, "smak-kostnader", "0180")
    store.complete_submission(db, sid, clean_answers(questionnaire, answers).answers)
    client.post(f"/s/{sid}/oppna")
    sub = store.get_submission(db, sid)
    assert sub.editing
    section = questionnaire.sections[0]
    changed = dict(answers)
    note_q = next(q for q in questionnaire.questions() if q.type == "longtext")
    changed[note_q.id] = "Ändrad efter samtal med ekonomienheten."
    for section in questionnaire.sections:
        client.post(f"/s/{sid}/del/{section.id}", data=section_post(questionnaire, section, changed))
    assert client.post(f"/s/{sid}/slutfor").status_code == 302
    revisions = store.list_revisions(db, sid)
    assert [r["number"] for r in revisions] == [1, 2]
    assert revisions[1]["parent_id"] == revisions[0]["id"]
    assert revisions[0]["answers"].get(note_q.id) != "Ändrad efter samtal med ekonomienheten."
    assert revisions[1]["answers"][note_q.id] == "Ändrad efter samtal med ekonomienheten."


def test_completion_is_refused_while_required_answers_are_missing(client, db):
    sid, _ = start_interview(client, "kub-intervju")
    review = client.get(f"/s/{sid}/granska").data.decode()
    assert "Intervjun kan inte slutföras ännu:" in review
    response = client.post(f"/s/{sid}/slutfor")
    assert response.headers["Location"].endswith("/granska")
    assert store.get_submission(db, sid).status == "draft"


def test_submissions_page_filters_and_counts(client, db):
    from sync.demo import make_demo

    make_demo(db, 60, seed=2)
    html = client.get("/intervjuer?county=24&status=complete").data.decode()
    counts = store.count_by_status(db, Selection(counties=("24",)))
    assert f"Slutförd: {counts['complete']}" in html
    rows = store.list_submissions(db, Selection(counties=("24",), status="complete"))
    assert html.count("<tr>") == len(rows) + 1 or not rows
    assert "Stockholms län</td>" not in html


def test_language_switch_is_remembered(client):
    response = client.get("/sprak/en?next=/")
    assert response.status_code == 302
    html = client.get("/").data.decode()
    assert "Start an interview" in html and '<html lang="en">' in html
    assert "Starta en intervju" in client.get("/sprak/sv?next=/", follow_redirects=True).data.decode()


def test_language_switch_refuses_offsite_redirect(client):
    assert client.get("/sprak/en?next=//evil.example/").headers["Location"] == "/"


def test_oversized_post_gets_a_readable_413(client, db):
    sid, location = start_interview(client)
    response = client.post(location, data={"action": "next", "x": "a" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Det du skickade är för stort" in response.data.decode()


def test_stale_csrf_token_gives_readable_error_and_keeps_typed_answers(csrf_app, store_path):
    client = csrf_app.test_client()
    page = client.get("/").data.decode()
    from field_helpers import csrf_token

    token = csrf_token(page)
    response = client.post("/start", data={"questionnaire": "smak-kostnader", "municipality": "0180", "csrf_token": token})
    location = response.headers["Location"]
    db = store.open_db(store_path)
    questionnaire = store.get_questionnaire(db, "smak-kostnader")
    section = questionnaire.sections[0]
    text_q = next(q for q in section.questions if q.type in ("text", "longtext", "integer", "money"))
    stale = client.post(location, data={"action": "next", text_q.id: "4711", "csrf_token": "stale"},
                        headers={"Origin": "http://localhost"})
    html = stale.data.decode()
    assert stale.status_code == 400
    assert "Sidan hade blivit inaktuell" in html
    assert "Dina inskrivna svar har sparats i utkastet." in html
    sid = location.split("/")[2]
    assert store.get_submission(db, sid).draft["raw"][text_q.id] == "4711"


def test_cross_site_post_without_token_saves_nothing(csrf_app, store_path):
    client = csrf_app.test_client()
    token = client.get("/").data.decode().split('name="csrf_token" value="')[1].split('"')[0]
    location = client.post("/start", data={"questionnaire": "smak-kostnader", "municipality": "0180",
                                           "csrf_token": token}).headers["Location"]
    db = store.open_db(store_path)
    questionnaire = store.get_questionnaire(db, "smak-kostnader")
    text_q = next(q for q in questionnaire.sections[0].questions if q.type in ("text", "longtext", "integer", "money"))
    response = client.post(location, data={"action": "next", text_q.id: "666"}, headers={"Origin": "http://evil.example"})
    assert response.status_code == 400
    assert text_q.id not in store.get_submission(db, location.split("/")[2]).draft["raw"]


def test_unknown_submission_is_a_readable_404(client):
    response = client.get("/s/00000000-0000-0000-0000-000000000000/sammanstallning")
    assert response.status_code == 404
    assert "Sidan finns inte." in response.data.decode()


def test_pages_escape_answer_text(client, db):
    questionnaire = store.get_questionnaire(db, "smak-kostnader")
    note_q = next(q for q in questionnaire.questions() if q.type == "longtext")
    sid = store.create_submission(db, "smak-kostnader", "0180")
    store.complete_submission(db, sid, {note_q.id: '<script>alert(1)</script>"><img src=x onerror=alert(2)>'})
    html = client.get(f"/s/{sid}/sammanstallning").data.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_deleting_a_draft_asks_first_and_then_deletes_it(client, db):
    sid, _ = start_interview(client)
    page = client.get(f"/s/{sid}/kasta").data.decode()
    assert "Vill du ta bort utkastet? Alla svar i det försvinner." in page
    assert store.get_submission(db, sid).draft is not None
    assert client.post(f"/s/{sid}/kasta").headers["Location"] == "/"
    with pytest.raises(store.NotFound):
        store.get_submission(db, sid)


def test_an_autosave_after_completion_is_refused_and_changes_nothing(client, db):
    questionnaire = store.get_questionnaire(db, "smak-kostnader")
    sid = store.create_submission(db, "smak-kostnader", "2480")
    store.complete_submission(db, sid, {"kommentarer.kommentar": "Klar"})
    section = questionnaire.sections[0]
    response = client.post(f"/s/{sid}/autosave/{section.id}", data={})
    assert response.status_code == 409
    assert store.get_submission(db, sid).draft is None


@pytest.mark.parametrize("target", ["//evil.example/", "/\t/evil.example", "/\\evil.example", "https://evil.example/",
                                    "/\n/evil.example", "evil.example"])
def test_language_switch_only_redirects_within_the_site(client, target):
    assert client.get("/sprak/en", query_string={"next": target}).headers["Location"] == "/"


def test_language_switch_returns_to_the_page_it_came_from(client):
    assert client.get("/sprak/en", query_string={"next": "/intervjuer?status=draft"}).headers["Location"] == \
        "/intervjuer?status=draft"


def test_review_page_counts_unanswered_questions_per_section(client, db):
    sid, _ = start_interview(client, "kub-webbenkat")
    client.post(f"/s/{sid}/autosave/lok", data={"lok.har_lok": "nej"})
    html = client.get(f"/s/{sid}/granska").data.decode()
    # 11 questions and 3 matrices of 3, 13 and 5 statements; the LÖK follow-up is skipped after "nej"; one is answered
    assert "30 av 31 frågor och påståenden saknar svar." in html
    assert "Varje påstående i en matris räknas för sig." in html
    assert f'href="/s/{sid}/del/hinder">Hinder för att ta emot på anvisning</a>: 13' in html


def test_a_long_list_is_paged_with_the_newest_first(store_path, db):
    from fieldkit.app import create_app
    from sync.demo import make_demo

    make_demo(db, 30, seed=4)
    small = create_app({"DB": str(store_path), "TESTING": True, "WTF_CSRF_ENABLED": False, "PAGE_SIZE": 10})
    html = small.test_client().get("/intervjuer").data.decode()
    assert '<span>1 / 3</span>' in html and 'href="/intervjuer?page=2' in html
    assert html.count("<tr>") == 11
