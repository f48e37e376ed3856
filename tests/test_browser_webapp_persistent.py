"""Done means: a real browser profile collects offline, is closed and opened again offline, then sends each interview once.

A persistent Chromium context (its profile in a temporary folder, as a tablet's browser keeps one)
loads the app online and enrols; the network goes; the app reloads from its service worker and two
interviews are filled (one where the answer opens a question, one where it stays closed) and a third
is left a draft. The browser is closed and started again on the same profile with no network: all
three are there, unchanged. Online again, one send gives the central each completed interview once,
with the answers the Python engine makes of what was typed.
"""

from __future__ import annotations

import pytest

from forms import clean_answers
from sync import store

from browser_helpers import CHROMIUM, CHROMIUM_ARGS
from central_helpers import PASSWORD
from test_browser_websync import DEFINITION, _browser_revisions, _enrol, _home, _interview, _open_app, _start_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def questionnaire(cdb):
    from forms import from_dict

    q = from_dict(DEFINITION)
    store.add_questionnaire(cdb, q)
    return q


def _launch(browser_type, profile, *, offline: bool):
    return browser_type.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, offline=offline,
        viewport={"width": 800, "height": 1280})


def test_a_closed_and_reopened_browser_keeps_everything_offline_and_sends_each_interview_once(
        chromium, server, cdb, questionnaire, tmp_path):
    from playwright.sync_api import expect

    profile = tmp_path / "profile"
    browser_type = chromium.browser_type  # the session's Playwright; a persistent context is a browser of its own
    context = _launch(browser_type, profile, offline=False)
    try:
        page, errors = _open_app(context, server.url)
        _enrol(page)
        context.set_offline(True)
        page.reload()
        _start_page(page)
        expect(page.locator("#net")).to_have_text("Offline: allt sparas i webbläsaren.")

        # Relevance: "ja" opens the number of people, "nej" keeps it closed.
        opened = _interview(page, "Umea", "ja", "12", "09:30")
        closed = _interview(page, "Lund", "nej", tid="13:45")
        _home(page)
        page.get_by_label("Webbsynk").check()
        page.get_by_placeholder("Sök kommun (namn eller kod)").fill("Kiruna")
        page.get_by_role("button", name="Starta").click()
        page.wait_for_selector("body[data-route$='/s/s'] #interview")
        antal = page.locator('input[name="s.antal"]')
        expect(antal).to_be_hidden()
        page.locator('input[name="s.svar"][value="ja"]').check()
        expect(antal).to_be_visible()
        antal.fill("2")
        expect(page.locator("#save-state")).to_contain_text("Sparat i webbläsaren")
        draft = page.url.split("/i/")[1].split("/")[0]
        before = _browser_revisions(page)
        assert before[draft]["interview"]["raw"].get("s.antal") == "2"
        assert errors == []
    finally:
        context.close()

    # Started again on the same profile with no network at all.
    context = _launch(browser_type, profile, offline=True)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.url + "/app/")
        # A new browser session, offline: the app cannot ask the central who this is, so Ivar signs in with his
        # password, checked against the verifier kept in this profile when he logged in online.
        page.wait_for_selector("body[data-ready='1'] #signin")
        page.locator("#signin-user").select_option("ivar")
        page.locator("#signin-password").fill(PASSWORD)
        page.get_by_role("button", name="Fortsätt").click()
        _start_page(page)
        expect(page.locator("#net")).to_have_text("Offline: allt sparas i webbläsaren.")
        rows = page.locator("#unsent .unsent-row")
        expect(rows).to_have_count(3)
        expect(page.locator(f'#unsent .unsent-row[data-uuid="{draft}"] .badge')).to_have_text("Utkast")
        assert _browser_revisions(page) == before
        page.goto(f"{server.url}/app/#/i/{draft}/s/s")
        page.wait_for_selector("body[data-route$='/s/s'] #interview")
        expect(page.locator('input[name="s.antal"]')).to_have_value("2")

        # Online: one send, and the central holds both completed interviews; nothing is left to send.
        context.set_offline(False)
        _home(page)
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_contain_text("Skickade 2, centralen bekräftade 2")
        expect(page.locator("#send")).to_be_disabled()
        expect(page.locator("#sent .sent-row")).to_have_count(2)
        expect(page.locator("#unsent .unsent-row")).to_have_count(1)  # the draft stays, unsent
        assert errors == []
    finally:
        context.close()

    held = cdb.execute("select submission_uuid, count(*) from revisions where submission_uuid in (?, ?, ?) "
                       "group by submission_uuid", [opened, closed, draft]).fetchall()
    assert sorted(held) == sorted([(opened, 1), (closed, 1)])
    for sid, municipality in ((opened, "2480"), (closed, "1281")):
        (revision,) = before[sid]["revisions"]
        raw = before[sid]["interview"]["raw"]
        python = clean_answers(questionnaire, {**raw, "s.slut": revision["answers"]["s.slut"]})
        assert python.ok and python.answers == revision["answers"]
        row = cdb.execute("select answers, content_hash, municipality_code from revisions where id = ?",
                          [revision["id"]]).fetchone()
        assert row == (store.canonical_json(python.answers), revision["content_hash"], municipality)
    answers = {sid: store.get_submission(cdb, sid).answers for sid in (opened, closed)}
    assert (answers[opened]["s.svar"], answers[opened]["s.antal"], answers[opened]["s.tid"]) == ("ja", 12, "09:30")
    assert answers[closed]["s.svar"] == "nej" and "s.antal" not in answers[closed] and answers[closed]["s.tid"] == "13:45"
