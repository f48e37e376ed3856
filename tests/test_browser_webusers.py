"""The offline web app in headless Chromium: a questionnaire answered per district, and one browser shared by two users.

A central with its users is served in-process (conftest `server`). sthlm-uppfoljning (`level: district`,
from the form library) must start with one of Stockholm's districts and reach the central with it. Ivar
and Inez, both interviewers, take turns on one browser: each sees and sends only their own interviews.
"""

from __future__ import annotations

import copy
import random
import re

import pytest

from forms import from_dict
from sync import store
from sync.demo_sthlm import SthlmMaker

from browser_helpers import artifacts_dir, log_in, wait_for_service_worker
from central_helpers import PASSWORD
from test_browser_websync import DEFINITION, _home, _interview, _start_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def questionnaire(cdb):
    """webbsynk (answered per municipality) with who collected it (`username`), published on the central
    before the browser first loads the app."""
    definition = copy.deepcopy(DEFINITION)
    definition["sections"][0]["questions"].append({"id": "vem", "type": "username", "label": "Vem"})
    q = from_dict(definition)
    store.add_questionnaire(cdb, q)
    return q


def _open_app(page, base: str, name: str, password: str = PASSWORD):
    """Log in as `name` and open the app, with the service worker in control."""
    log_in(page, base, name, password)
    page.goto(base + "/app/")
    _start_page(page)
    wait_for_service_worker(page)


def _who_collected(page, sid: str) -> str:
    """The username the app recorded in the interview (a metadata answer, never shown)."""
    return page.evaluate("id => FieldkitStorage.getInterview(id).then(i => i.raw['s.vem'])", sid)


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


INEZ_PASSWORD = "inez has her own secret"
SIGNIN = "body[data-ready='1'] #signin"


def _sign_in(page, name: str, password: str):
    """The offline sign-in: pick the name, type the password, Fortsätt; returns when the check is over."""
    checks = int(page.locator("#signin").get_attribute("data-checks"))
    page.locator("#signin-user").select_option(name)
    page.locator("#signin-password").fill(password)
    page.get_by_role("button", name="Fortsätt").click()
    # While PBKDF2 runs the button says "Kontrollerar…"; then the form counts one more check (refused), or the
    # start page is there.
    page.wait_for_selector(f"#signin[data-checks='{checks + 1}'], body[data-route] #sync")


def _app_log_out(page):
    page.locator("#log-out").click()


def test_offline_each_user_of_a_shared_browser_signs_in_with_their_own_password(chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    from sync import accounts

    accounts.set_password(cdb, "inez", INEZ_PASSWORD)
    context = chromium.new_context(viewport={"width": 1000, "height": 1200})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # Online, each logs in on the central once and enrols the browser: the app keeps a verifier of each password.
        _open_app(page, server.url, "ivar")
        _enrol(page, "ivar")
        expect(page.locator("#who-name")).to_have_text("ivar")
        expect(page.locator("#no-offline-signin")).to_have_count(0)
        _logout(page, server.url)
        log_in(page, server.url, "inez", INEZ_PASSWORD)
        page.goto(server.url + "/app/")
        _start_page(page)
        _enrol(page, "inez")
        _logout(page, server.url)
        page.goto(server.url + "/app/")  # logged out: the central sends the app to its login page
        page.wait_for_url(re.compile(r"/logga-in"))

        # Offline, nobody logged in: the app asks who it is, and shows nothing of anyone's interviews first.
        context.set_offline(True)
        page.goto(server.url + "/app/")
        page.wait_for_selector(SIGNIN)
        page.screenshot(path=artifacts_dir("webusers") / "01-signin.png", full_page=True)
        assert page.locator("#signin-user option").all_text_contents() == ["Välj ditt namn", "inez", "ivar"]
        kept = page.evaluate("FieldkitStorage.listMeta('signin:')")
        assert {v["user"] for v in kept} == {"ivar", "inez"}
        assert all(v["algorithm"] == "PBKDF2-SHA256" and v["iterations"] >= 600000 and len(v["salt"]) == 32
                   for v in kept)
        assert not any(secret in str(kept) for secret in (PASSWORD, INEZ_PASSWORD))
        assert all(re.fullmatch(r"[0-9a-f]{64}", v["ticket"]) for v in kept)  # the central's mark of the password
        # Nothing of a verifier stays behind outside IndexedDB: the pending one lived in the login's tab only.
        assert page.evaluate("JSON.stringify([localStorage, sessionStorage])") and not any(
            v["salt"] in page.evaluate("JSON.stringify([localStorage, sessionStorage])") for v in kept)
        _sign_in(page, "ivar", PASSWORD)
        _start_page(page)
        expect(page.locator("#who-name")).to_have_text("ivar")
        ivars = _interview(page, "Umea", "ja", "4")
        _home(page)
        _app_log_out(page)
        page.wait_for_selector(SIGNIN)
        assert "Umeå" not in page.locator("main").inner_text()
        page.go_back()  # to his completed interview's address: the sign-in again, not his answers
        page.wait_for_selector(f"body[data-ready='1'][data-route='#/i/{ivars}'] #signin")
        assert "Umeå" not in page.locator("main").inner_text()
        page.evaluate("location.hash = '#/'")
        page.wait_for_selector("body[data-ready='1'][data-route='#/'] #signin")

        # Inez does not know Ivar's password: his name with hers is refused, and so are his interviews.
        _sign_in(page, "ivar", INEZ_PASSWORD)
        expect(page.locator("#signin-error")).to_have_text("Fel lösenord.")
        expect(page.locator("#signin")).to_be_visible()
        _sign_in(page, "inez", INEZ_PASSWORD)
        _start_page(page)
        expect(page.locator("#who-name")).to_have_text("inez")
        expect(page.locator("#unsent .unsent-row")).to_have_count(0)
        expect(page.locator("#others")).to_have_attribute("data-count", "1")
        page.evaluate(f"location.hash = '#/i/{ivars}'")
        expect(page.locator(".flash-error")).to_have_text("Intervjun hör till en annan användare av den här webbläsaren.")
        inez = _interview(page, "Lund", "nej")
        _home(page)
        expect(page.locator("#unsent .unsent-row")).to_have_count(1)
        _app_log_out(page)
        page.wait_for_selector(SIGNIN)

        # Wrong passwords for a name are throttled: after three (Inez's was the first), even the right one waits.
        _sign_in(page, "ivar", "guess one")
        expect(page.locator("#signin-error")).to_have_text("Fel lösenord.")
        _sign_in(page, "ivar", "guess two")
        expect(page.locator("#signin-error")).to_have_text(re.compile(
            r"^Fel lösenord\. För många felaktiga lösenord för det här namnet: vänta \d+ sekunder innan du försöker "
            r"igen\.$"))
        assert page.evaluate("FieldkitStorage.getMeta('signin_failures:ivar').then(f => f.count)") == 3
        # The wait grows with more wrong ones; as after eight (15 minutes), so that no slow machine outlasts it here.
        page.evaluate("FieldkitStorage.putMeta('signin_failures:ivar', {count: 8, last: new Date().toISOString()})")
        _sign_in(page, "ivar", PASSWORD)
        expect(page.locator("#signin-error")).to_have_text(re.compile(
            r"^För många felaktiga lösenord för det här namnet: vänta \d+ sekunder innan du försöker igen\.$"))
        expect(page.locator("#signin")).to_be_visible()
        # ... reloading does not reset the count (it is kept in IndexedDB); once the wait is over, the right one works.
        page.reload()
        page.wait_for_selector(SIGNIN)
        _sign_in(page, "ivar", PASSWORD)
        expect(page.locator("#signin-error")).to_contain_text("För många felaktiga lösenord")
        page.evaluate("FieldkitStorage.getMeta('signin_failures:ivar').then(f => FieldkitStorage.putMeta("
                      "'signin_failures:ivar', {count: f.count, last: new Date(Date.now() - 3600e3).toISOString()}))")
        _sign_in(page, "ivar", PASSWORD)
        _start_page(page)
        expect(page.locator(f'#unsent .unsent-row[data-uuid="{ivars}"]')).to_be_visible()
        expect(page.locator("#unsent .unsent-row")).to_have_count(1)
        assert page.evaluate("FieldkitStorage.getMeta('signin_failures:ivar')") is None

        # Back online. The login page says only how many users' interviews wait: no name, no place.
        context.set_offline(False)
        other = context.new_page()
        other.goto(server.url + "/logga-in")
        notice = other.locator("#unsent-notice")
        expect(notice).to_have_text(
            "Webbläsaren har fortfarande intervjuer från offlineappen som inte har skickats, från 2 användare. "
            "Utloggningen tog inte bort dem: de finns kvar i webbläsaren tills centralen har fått dem. Var och en ser "
            "och skickar sina egna efter att ha loggat in och öppnat offlineappen.")
        assert not any(word in other.content() for word in ("ivar", "inez", "Umeå", "Lund", ivars, inez))
        # A login page (where logging out lands) ends the sign-in of every tab at once: Ivar's first tab no longer
        # shows his interviews, and asks who works now (online: a login on the central).
        expect(page.locator("#login-needed")).to_be_visible()
        expect(page.locator("#who-name")).to_have_count(0)
        assert "Umeå" not in page.locator("main").inner_text()

        # Ivar signs in offline again, and sends his with his own enrolment once the connection is back (no login
        # on the central needed); the username his interviews record is his.
        context.set_offline(True)
        page.reload()
        page.wait_for_selector(SIGNIN)
        _sign_in(page, "ivar", PASSWORD)
        _start_page(page)
        assert (_who_collected(page, ivars), _who_collected(page, inez)) == ("ivar", "inez")
        context.set_offline(False)
        _send(page, 1)
        _app_log_out(page)  # the central answers now, and nobody is logged in there: log in there
        expect(page.locator("#login-needed")).to_have_text(
            "Centralen går att nå, men du är inte inloggad där. Logga in för att fortsätta.")
        expect(page.locator("#who-name")).to_have_count(0)

        # Once Inez is known, her start page on the central counts hers.
        log_in(other, server.url, "inez", INEZ_PASSWORD)
        expect(other.locator("#unsent-notice")).to_have_text(
            "1 av dina intervjuer i offlineappen i den här webbläsaren har inte skickats. Öppna offlineappen och skicka "
            "dem, eller spara dem till en fil där. Öppna offlineappen")
        other.goto(server.url + "/app/")
        _start_page(other)
        expect(other.locator("#who-name")).to_have_text("inez")
        expect(other.locator(f'#unsent .unsent-row[data-uuid="{inez}"]')).to_be_visible()
        _send(other, 1)
        # The app's own Logga ut, online: the central's logout, and the app wants a login again.
        other.locator("#log-out").click()
        other.wait_for_url(re.compile(r"/logga-in"))
        other.goto(server.url + "/app/")
        other.wait_for_url(re.compile(r"/logga-in"))
        assert errors == []
    finally:
        context.close()
    devices = dict(cdb.execute("select user_name, id from sync_devices where user_name is not null").fetchall())
    for sid, user, municipality in ((ivars, "ivar", "2480"), (inez, "inez", "1281")):
        held = store.get_submission(cdb, sid)
        assert (held.interviewer, held.municipality_code, held.status, held.answers["s.vem"]) == \
            (user, municipality, "complete", user)
        (revision,) = cdb.query("select author from revisions where submission_uuid = ?", [sid])
        assert revision["author"] == user
        (sender,) = [row[0] for row in cdb.execute("select device_id from sync_received where revision_id in "
                                                   "(select id from revisions where submission_uuid = ?)", [sid])]
        assert sender == devices[user]


def test_offline_nobody_works_without_a_verifier_made_at_a_login_in_this_browser(chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    context = chromium.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # A login whose verifier never reached the app (as a session from before the app kept them).
        log_in(page, server.url, "ivar")
        page.evaluate("sessionStorage.clear()")
        page.goto(server.url + "/app/")
        _start_page(page)
        wait_for_service_worker(page)
        expect(page.locator("#no-offline-signin")).to_have_text(
            "Inloggning utan anslutning är inte förberedd för dig i den här webbläsaren ännu. Logga ut och logga in "
            "igen med anslutning; sedan kan du arbeta här offline också.")

        context.set_offline(True)
        page.reload()
        page.wait_for_selector("body[data-ready='1'] #signin-none")
        expect(page.locator("#signin-none")).to_have_text(
            "Ingen har loggat in på centralen i den här webbläsaren ännu, så ingen kan arbeta i den offline.")
        expect(page.locator("#start")).to_have_count(0)
        page.locator("#lang button", has_text="English").click()
        expect(page.locator("#signin-none")).to_have_text(
            "Nobody has logged in on the central in this browser yet, so nobody can work in it offline.")
        assert errors == []
    finally:
        context.close()


def test_a_changed_password_or_a_disabled_user_stops_working_offline_at_the_next_online_contact(
        chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    from sync import accounts

    accounts.set_password(cdb, "inez", INEZ_PASSWORD)
    context = chromium.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        for name, password in (("ivar", PASSWORD), ("inez", INEZ_PASSWORD), ("ada", PASSWORD)):
            _open_app(page, server.url, name, password)
            _logout(page, server.url)
        # Ivar works offline; an administrator's password is never kept: only the interviewers can sign in offline.
        context.set_offline(True)
        page.goto(server.url + "/app/")
        page.wait_for_selector(SIGNIN)
        assert page.locator("#signin-user option").all_text_contents() == ["Välj ditt namn", "inez", "ivar"]
        verifiers = "FieldkitStorage.listMeta('signin:').then(vs => vs.map(v => v.user).sort())"
        _sign_in(page, "ivar", PASSWORD)
        _start_page(page)
        ivars = _interview(page, "Umea", "ja", "4")
        # Meanwhile his password is changed on the central and Inez is disabled.
        accounts.set_password(cdb, "ivar", "ivar's new password")
        accounts.set_disabled(cdb, "inez", True)
        # The connection comes back: the app asks the central at once, and both verifiers go; Ivar must log in.
        context.set_offline(False)
        expect(page.locator("#login-needed")).to_be_visible()
        expect(page.locator("#who-name")).to_have_count(0)
        assert page.evaluate(verifiers) == []
        context.set_offline(True)
        page.reload()
        page.wait_for_selector("body[data-ready='1'] #signin-none")

        # His next login, with the new password, makes a new verifier; his interview waited for him.
        context.set_offline(False)
        _open_app(page, server.url, "ivar", "ivar's new password")
        expect(page.locator(f'#unsent .unsent-row[data-uuid="{ivars}"]')).to_be_visible()
        _logout(page, server.url)
        context.set_offline(True)
        page.goto(server.url + "/app/")
        page.wait_for_selector(SIGNIN)
        assert page.locator("#signin-user option").all_text_contents() == ["Välj ditt namn", "ivar"]
        _sign_in(page, "ivar", PASSWORD)
        expect(page.locator("#signin-error")).to_have_text("Fel lösenord.")
        _sign_in(page, "ivar", "ivar's new password")
        _start_page(page)
        assert errors == []
    finally:
        context.close()


def test_after_logging_out_the_back_button_shows_nothing_of_the_previous_user(chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    context = chromium.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        _open_app(page, server.url, "ivar")
        _interview(page, "Umea", "ja", "4")
        expect(page.locator("main")).to_contain_text("Umeå")
        _app_log_out(page)  # online: the central's logout, which lands on its login page
        page.wait_for_url(re.compile(r"/logga-in"))
        # Back to the app's page (from the browser's back-forward cache, or loaded again): it asks who works now.
        # Chromium either shows the kept page again or loads it anew, when the central sends it to its login page.
        page.go_back()
        page.wait_for_selector("body[data-ready='1'] #login-needed, form.login-form")
        assert "Umeå" not in page.locator("main").inner_text()
        expect(page.locator("#who-name")).to_have_count(0)
        assert errors == []
    finally:
        context.close()
