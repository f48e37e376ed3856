"""The offline web app in headless Chromium: a questionnaire answered per district, and one browser shared by two users.

A central with its users is served in-process (conftest `server`). sthlm-uppfoljning (`level: district`,
from the form library) must start with one of Stockholm's districts and reach the central with it. Ivar
and Inez, both interviewers, take turns on one browser: each sees and sends only their own interviews.
"""

from __future__ import annotations

import random
import re

import pytest

from forms import from_dict
from sync import store
from sync.demo_sthlm import SthlmMaker

from test_browser_websync import DEFINITION, _home, _interview, _login, _start_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def questionnaire(cdb):
    """webbsynk (answered per municipality), published on the central before the browser first loads the app."""
    q = from_dict(DEFINITION)
    store.add_questionnaire(cdb, q)
    return q


def _open_app(page, base: str, name: str):
    """Log in as `name` and open the app, with the service worker in control."""
    _login(page, base, name)
    page.goto(base + "/app/")
    _start_page(page)
    for _ in range(100):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never took control of the page")


def _logout(page, base: str):
    page.goto(base + "/")
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url(re.compile(r"/logga-in"))


def _enrol(page, name: str):
    from playwright.sync_api import expect

    page.locator("#enrol").click()
    expect(page.locator("#device-state")).to_have_attribute("data-enrolled", "1")
    expect(page.locator("#device-state")).to_contain_text(f"för {name}")


def _send(page, count: int):
    from playwright.sync_api import expect

    page.locator("#send").click()
    expect(page.locator("#send-state")).to_have_attribute("data-state", "acknowledged")
    expect(page.locator("#send-state")).to_contain_text(f"Skickade {count}, centralen bekräftade {count}")


def test_a_questionnaire_answered_per_district_starts_only_with_a_district_and_reaches_the_central_with_it(
        chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    sthlm = store.get_questionnaire(cdb, "sthlm-uppfoljning")
    answers = SthlmMaker(sthlm, random.Random(3)).make("0180")
    # As typed on the pages: numbers as text; lists and codes as they are.
    raw = {key: str(value) if isinstance(value, int) else value for key, value in answers.items()}
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        _open_app(page, server.url, "ivar")
        _enrol(page, "ivar")
        context.set_offline(True)
        page.reload()
        _start_page(page)

        district = page.locator("#district-field")
        page.get_by_label("Webbsynk").check()
        expect(district).to_be_hidden()
        page.get_by_label("Stockholms stad: uppföljning", exact=False).check()
        expect(district).to_be_visible()
        page.get_by_placeholder("Sök kommun (namn eller kod)").fill("0180")
        page.get_by_role("button", name="Starta").click()
        expect(page.locator("#start .error")).to_have_text(
            "Stockholms stad: uppföljning av mottagande och etablering besvaras per stadsdel: välj en stadsdel i "
            "Stockholm.")
        assert page.evaluate("FieldkitStorage.listInterviews().then(rows => rows.length)") == 0

        page.get_by_label("Stadsdel").select_option("0180-08")
        page.get_by_role("button", name="Starta").click()
        page.wait_for_selector("body[data-route$='/s/period'] #interview")
        expect(page.locator(".interview-head strong")).to_have_text("Stockholm, Södermalm")
        sid = re.search(r"#/i/([0-9a-f-]{36})/", page.url).group(1)
        # The answers are put in the draft directly (typing 20 numbers is tested elsewhere), then completed here.
        page.evaluate("""async ([sid, raw]) => {
            const interview = await FieldkitStorage.getInterview(sid);
            await FieldkitStorage.saveDraft(sid, Object.assign({}, interview.raw, raw), interview.section_id);
        }""", [sid, raw])
        page.evaluate(f"location.hash = '#/i/{sid}/review'")
        page.get_by_role("button", name="Slutför intervjun").click()
        expect(page.locator("#completed")).to_be_visible()
        _home(page)
        expect(page.locator(f'#unsent .unsent-row[data-uuid="{sid}"]')).to_contain_text("Stockholm, Södermalm")

        context.set_offline(False)
        _send(page, 1)
        assert errors == []
    finally:
        context.close()
    held = store.get_submission(cdb, sid)
    assert (held.municipality_code, held.district_code, held.interviewer, held.status) == \
        ("0180", "0180-08", "ivar", "complete")
    assert {key: held.answers[key] for key in answers} == answers


def test_a_browser_shared_by_two_users_shows_and_sends_each_only_their_own(chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 800, "height": 1280})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        _open_app(page, server.url, "ivar")
        _enrol(page, "ivar")
        context.set_offline(True)
        page.reload()
        _start_page(page)
        ivars = _interview(page, "Umea", "ja", "4")
        _home(page)
        expect(page.locator("#unsent .unsent-row")).to_have_count(1)
        context.set_offline(False)
        _logout(page, server.url)

        # Inez on the same browser: nothing of Ivar's is shown, only how many of another user's wait.
        _open_app(page, server.url, "inez")
        expect(page.locator("#unsent .unsent-row")).to_have_count(0)
        expect(page.locator("#sent .sent-row")).to_have_count(0)
        expect(page.locator("#others")).to_have_text(
            "Intervjuer från en annan användare som väntar i den här webbläsaren: 1. De visas inte här; de skickas "
            "när den användaren loggar in här igen.")
        assert ivars not in page.content()
        expect(page.locator("#device-state")).to_have_attribute("data-enrolled", "0")  # Ivar's enrolment is his
        page.evaluate(f"location.hash = '#/i/{ivars}'")
        expect(page.locator(".flash-error")).to_have_text("Intervjun hör till en annan användare av den här webbläsaren.")
        _home(page)
        _enrol(page, "inez")
        inez = _interview(page, "Lund", "nej")
        _home(page)
        _send(page, 1)
        expect(page.locator("#sent .sent-row")).to_have_count(1)
        assert store.get_submission(cdb, inez).interviewer == "inez"
        assert cdb.execute("select count(*) from revisions where submission_uuid = ?", [ivars]).fetchone()[0] == 0
        # An app changed to send Ivar's interview with Inez's enrolment: the central refuses it.
        refused = page.evaluate("""async () => {
            const his = await FieldkitStorage.getMeta("device:ivar");
            await FieldkitStorage.putMeta("device:ivar", await FieldkitStorage.getMeta("device:inez"));
            FieldkitStorage.setUser("ivar");
            try { return (await FieldkitSync.push()).rejected; }
            finally { FieldkitStorage.setUser("inez"); await FieldkitStorage.putMeta("device:ivar", his); }
        }""")
        assert len(refused) == 1 and re.fullmatch(
            r"its author is 'ivar', but this browser's device webb-inez-\d{8}-\w{4} is enrolled for 'inez': each "
            r"user sends their own interviews", refused[0]["reason"]), refused
        assert cdb.execute("select count(*) from revisions where submission_uuid = ?", [ivars]).fetchone()[0] == 0
        _logout(page, server.url)

        # Ivar again: his interview waits and goes with his own enrolment; Inez's (all sent) are not mentioned.
        _open_app(page, server.url, "ivar")
        expect(page.locator("#unsent .unsent-row")).to_have_count(1)
        expect(page.locator(f'#unsent .unsent-row[data-uuid="{ivars}"]')).to_be_visible()
        expect(page.locator("#others")).to_have_count(0)
        expect(page.locator("#device-state")).to_contain_text("för ivar")
        _send(page, 1)
        expect(page.locator("#sent .sent-row")).to_have_count(1)
        assert errors == []
    finally:
        context.close()
    devices = dict(cdb.execute("select user_name, id from sync_devices where user_name is not null").fetchall())
    for sid, user, municipality in ((ivars, "ivar", "2480"), (inez, "inez", "1281")):
        held = store.get_submission(cdb, sid)
        assert (held.interviewer, held.municipality_code, held.status) == (user, municipality, "complete")
        (revision,) = cdb.query("select author, device_id from revisions where submission_uuid = ?", [sid])
        assert revision["author"] == user
        (sender,) = [row[0] for row in cdb.execute("select device_id from sync_received where revision_id in "
                                                   "(select id from revisions where submission_uuid = ?)", [sid])]
        assert sender == devices[user]
