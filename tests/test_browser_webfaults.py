"""The offline web app under bad input and faults, in headless Chromium.

Two tabs on one interview, a full storage, a questionnaire replaced or withdrawn on the central while
drafts of it wait, a stored form changed in the browser or out of date, a logout with interviews not
yet sent, and the central's upload page for the file the app saves. Each ends by reading what
IndexedDB (or the central) holds: nothing answered is ever lost.
"""

from __future__ import annotations

import copy
import json
import re

import pytest

from forms import from_dict
from sync import drafts, store

from central_helpers import PASSWORD
from browser_helpers import log_in
from test_browser_websync import DEFINITION, _enrol, _home, _interview, _open_app, _start_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECTION = "body[data-route$='/s/s'] #interview"


@pytest.fixture
def questionnaire(cdb):
    q = from_dict(DEFINITION)
    store.add_questionnaire(cdb, q)
    return q


def _draft(page, place: str = "Umea") -> str:
    """Start an interview of Webbsynk and stay on its page; returns its uuid."""
    _home(page)
    page.get_by_label("Webbsynk").check()
    page.get_by_placeholder("Sök kommun (namn eller kod)").fill(place)
    page.get_by_role("button", name="Starta").click()
    page.wait_for_selector(SECTION)
    return re.search(r"#/i/([0-9a-f-]{36})/s/s$", page.url).group(1)


def _raw(page, uuid: str) -> dict:
    return page.evaluate("id => FieldkitStorage.getInterview(id).then(i => i.raw)", uuid)


def _reload_home(page, base: str) -> None:
    """The start page, loaded anew (a hash change alone does not start the app again)."""
    page.goto(base + "/app/#/")
    page.reload()
    _start_page(page)


def _saved(page, uuid: str, **values: str) -> None:
    """Wait until IndexedDB holds these raw values (keys with "__" for "."), as the page says it saved."""
    wanted = {key.replace("__", "."): value for key, value in values.items()}
    for _ in range(100):
        raw = _raw(page, uuid)
        if all(raw.get(key) == value for key, value in wanted.items()):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never saved {wanted}: {raw}")


def test_two_tabs_edit_one_interview_one_at_a_time_and_lose_nothing(chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    context = chromium.new_context()
    try:
        page, errors = _open_app(context, server.url)
        uuid = _draft(page)
        page.locator('input[name="s.svar"][value="ja"]').check()
        _saved(page, uuid, s__svar="ja")

        # The same interview in a second tab: shown, but nothing can be changed there.
        other = context.new_page()
        other.on("pageerror", lambda error: errors.append(str(error)))
        other.goto(page.url)
        other.wait_for_selector(SECTION)
        expect(other.locator("#elsewhere")).to_have_attribute("data-state", "elsewhere")
        expect(other.locator("#elsewhere")).to_contain_text("Intervjun är öppen i en annan flik eller ett annat fönster")
        expect(other.locator('input[name="s.antal"]')).to_be_disabled()
        expect(other.locator('input[name="s.svar"][value="ja"]')).to_be_checked()

        # Taken over there: the first tab stops, and says why.
        other.locator("#take-over").click()
        expect(other.locator('input[name="s.antal"]')).to_be_enabled()
        expect(page.locator("#elsewhere")).to_have_attribute("data-state", "taken")
        expect(page.locator("#elsewhere")).to_contain_text("togs över i en annan flik")
        expect(page.locator('input[name="s.tid"]')).to_be_disabled()
        other.locator('input[name="s.antal"]').fill("7")
        _saved(other, uuid, s__antal="7")

        # Taken back in the first tab: it shows what the second saved, and goes on from there.
        page.locator("#take-over").click()
        expect(page.locator('input[name="s.antal"]')).to_have_value("7")
        page.locator('input[name="s.tid"]').fill("10:15")
        _saved(page, uuid, s__tid="10:15")
        expect(other.locator("#elsewhere")).to_have_attribute("data-state", "taken")
        raw = _raw(page, uuid)
        assert (raw["s.svar"], raw["s.antal"], raw["s.tid"]) == ("ja", "7", "10:15")

        # Without the lock (an old browser), a save from elsewhere in between is refused, not overwritten.
        other.evaluate("""id => FieldkitStorage.getInterview(id).then(i =>
            FieldkitStorage.saveDraft(id, Object.assign({}, i.raw, {"s.antal": "8"}), "s"))""", uuid)
        page.locator('input[name="s.tid"]').fill("11:00")
        expect(page.locator("#save-state")).to_contain_text("Intervjun ändrades i en annan flik eller ett annat fönster")
        raw = _raw(page, uuid)
        assert (raw["s.antal"], raw["s.tid"]) == ("8", "10:15")
        assert errors == []
    finally:
        context.close()


QUOTA = """() => {
  window.realPut = IDBObjectStore.prototype.put;
  window.realAdd = IDBObjectStore.prototype.add;
  const full = function () { throw new DOMException("The quota has been exceeded.", "QuotaExceededError"); };
  IDBObjectStore.prototype.put = full;
  IDBObjectStore.prototype.add = full;
}"""
ROOM = "() => { IDBObjectStore.prototype.put = window.realPut; IDBObjectStore.prototype.add = window.realAdd; }"


def test_a_full_storage_says_so_keeps_what_was_saved_and_saves_it_all_when_there_is_room(
        chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    context = chromium.new_context()
    # The browser reports 95 of 100 MB used: the start page warns before anything fails.
    context.add_init_script("""navigator.storage.estimate = () => Promise.resolve(
        {usage: 95 * 1048576, quota: 100 * 1048576});""")
    try:
        page, errors = _open_app(context, server.url)
        expect(page.locator("#space")).to_have_text(
            "Webbläsarens lagring för appen är nästan full: 95 av 100 MB används. Skicka intervjuerna eller spara dem "
            "till en fil nu; nya svar kanske inte får plats.")
        uuid = _draft(page)
        page.locator('input[name="s.svar"][value="ja"]').check()
        _saved(page, uuid, s__svar="ja")

        page.evaluate(QUOTA)
        page.locator('input[name="s.antal"]').fill("12")
        state = page.locator("#save-state")
        expect(state).to_have_text("Webbläsaren har inte plats att spara. Den senaste ändringen sparades INTE; allt som "
                                   "sparats tidigare finns kvar. Skicka intervjuerna eller spara dem till en fil och "
                                   "frigör sedan plats i webbläsaren.")
        expect(state).to_have_attribute("role", "alert")
        assert _raw(page, uuid)["s.svar"] == "ja" and "s.antal" not in _raw(page, uuid)

        # Starting another interview fails the same way and leaves no half-made interview behind.
        _home(page)
        page.get_by_label("Webbsynk").check()
        page.get_by_placeholder("Sök kommun (namn eller kod)").fill("Lund")
        page.get_by_role("button", name="Starta").click()
        expect(page.locator(".flash-error[role=alert]")).to_contain_text("Webbläsaren har inte plats att spara.")
        assert page.evaluate("FieldkitStorage.listInterviews().then(rows => rows.length)") == 1

        # Room again: the next change saves everything answered, the one that failed included.
        page.evaluate(ROOM)
        page.goto(f"{server.url}/app/#/i/{uuid}/s/s")
        page.wait_for_selector(SECTION)
        page.locator('input[name="s.antal"]').fill("12")
        _saved(page, uuid, s__antal="12")
        page.evaluate(QUOTA)
        page.locator('input[name="s.tid"]').fill("08:05")
        expect(state).to_contain_text("Webbläsaren har inte plats att spara.")
        page.evaluate(ROOM)
        page.locator('input[name="s.tid"]').fill("08:06")
        _saved(page, uuid, s__tid="08:06")
        raw = _raw(page, uuid)
        assert (raw["s.svar"], raw["s.antal"], raw["s.tid"]) == ("ja", "12", "08:06")
        assert errors == []
    finally:
        context.close()


def _publish_version_2(cdb):
    """Version 2 of Webbsynk: `antal` is a decimal now, `tid` is gone and there is a new question."""
    definition = copy.deepcopy(DEFINITION)
    definition["version"] = "2"
    questions = definition["sections"][0]["questions"]
    questions[2]["type"] = "decimal"
    questions[:] = [q for q in questions if q["id"] != "tid"]
    questions.insert(3, {"id": "kommentar", "type": "text", "label": {"sv": "Kommentar", "en": "Comment"}})
    q = from_dict(definition)
    store.add_questionnaire(cdb, q)
    return q


ANDRA = {"id": "andra", "version": "1", "title": {"sv": "Andra enkäten", "en": "Second"},
         "sections": [{"id": "a", "title": {"sv": "A", "en": "A"}, "questions": [
             {"id": "fri", "type": "text", "label": {"sv": "Fritext", "en": "Free text"}}]}]}


def test_drafts_keep_their_version_when_it_is_replaced_or_withdrawn_and_move_like_on_laptops(
        chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    store.add_questionnaire(cdb, from_dict(ANDRA))
    context = chromium.new_context(service_workers="block")  # page.route sees the app's requests
    try:
        page, errors = _open_app(context, server.url, worker=False)
        _enrol(page)
        moving = _draft(page)
        page.locator('input[name="s.svar"][value="ja"]').check()
        page.locator('input[name="s.antal"]').fill("4")
        page.locator('input[name="s.tid"]').fill("09:30")
        _saved(page, moving, s__antal="4", s__tid="09:30")
        completed = _interview(page, "Lund", "nej")
        _home(page)
        page.get_by_label("Andra enkäten").check()
        page.get_by_placeholder("Sök kommun (namn eller kod)").fill("Kiruna")
        page.get_by_role("button", name="Starta").click()
        page.wait_for_selector("body[data-route$='/s/a'] #interview")
        withdrawn = re.search(r"#/i/([0-9a-f-]{36})/s/a$", page.url).group(1)
        page.locator('input[name="a.fri"]').fill("kvar")
        _saved(page, withdrawn, a__fri="kvar")
        before = _raw(page, moving)

        # On the central: version 2 of Webbsynk; "andra" is no longer offered (taken out of forms.json).
        version_2 = _publish_version_2(cdb)

        def without_andra(route):
            response = route.fetch()
            data = response.json()
            data["questionnaires"] = [f for f in data["questionnaires"] if f["id"] != "andra"]
            route.fulfill(response=response, body=json.dumps(data))

        page.route("**/app/forms.json*", without_andra)
        _home(page)
        page.reload()
        _start_page(page)
        row = page.locator(f'#unsent .unsent-row[data-uuid="{moving}"]')
        expect(row).to_contain_text("(v1)")
        expect(row.locator(".version-note")).to_contain_text(
            "Version 2 finns nu på centralen; utkastet behåller version 1 tills du flyttar det.")
        expect(page.locator(f'#unsent .unsent-row[data-uuid="{withdrawn}"] .version-note')).to_have_text(
            "Centralen erbjuder inte längre enkäten; utkastet behåller version 1 och kan slutföras.")
        expect(page.get_by_label("Andra enkäten")).to_have_count(0)  # no new interviews of it

        # Until moved, the draft runs on version 1: `tid` is still asked.
        row.get_by_role("link", name="Fortsätt").click()
        page.wait_for_selector(SECTION)
        expect(page.locator('input[name="s.tid"]')).to_have_value("09:30")
        _home(page)
        row.get_by_role("button", name="Flytta till version 2").click()
        expect(page.locator("#moved")).to_contain_text(
            "Utkastet flyttades från version 1 till 2: 3 svar fördes över, 1 kunde inte föras över")
        expect(page.locator("#moved li")).to_have_text(["s.tid: the question is not in the new version"])
        stored = page.evaluate("id => FieldkitStorage.getInterview(id)", moving)

        # The withdrawn questionnaire's draft is completed on its own version.
        page.locator(f'#unsent .unsent-row[data-uuid="{withdrawn}"] a').click()
        page.wait_for_selector("body[data-route$='/s/a'] #interview")
        expect(page.locator('input[name="a.fri"]')).to_have_value("kvar")
        page.get_by_role("button", name="Granska och slutför").click()
        page.get_by_role("button", name="Slutför intervjun").click()
        expect(page.locator("#completed")).to_be_visible()

        # The moved draft goes on with version 2's questions and is completed and sent as version 2.
        page.goto(f"{server.url}/app/#/i/{moving}/s/s")
        page.wait_for_selector(SECTION)
        expect(page.locator('input[name="s.tid"]')).to_have_count(0)
        expect(page.locator('input[name="s.antal"]')).to_have_value("4")
        page.locator('input[name="s.kommentar"]').fill("flyttad")
        _saved(page, moving, s__kommentar="flyttad")
        page.get_by_role("button", name="Granska och slutför").click()
        page.get_by_role("button", name="Slutför intervjun").click()
        expect(page.locator("#completed")).to_be_visible()
        _home(page)
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_contain_text("Skickade 3, centralen bekräftade 3")
        assert errors == []
    finally:
        context.close()

    # The move is the laptops' move: the same answers carried and dropped as sync/drafts.py plans.
    raw, carried, dropped = drafts.plan(questionnaire, version_2, before)
    move = stored["moves"][0]
    assert (move["from_version"], move["to_version"]) == ("1", "2")
    assert move["carried"] == carried == ["s.start", "s.svar", "s.antal"]
    assert move["dropped"] == dropped == [{"question": "s.tid", "reason": "the question is not in the new version",
                                           "value": {"s.tid": "09:30"}}]
    assert stored["raw"] == raw and stored["questionnaire_version"] == "2"
    sent = {sid: store.get_submission(cdb, sid) for sid in (moving, completed, withdrawn)}
    assert [sent[sid].questionnaire_version for sid in (moving, completed, withdrawn)] == ["2", "1", "1"]
    assert sent[moving].answers["s.antal"] == 4 and sent[moving].answers["s.kommentar"] == "flyttad"
    assert "s.tid" not in sent[moving].answers and sent[withdrawn].answers["a.fri"] == "kvar"


TAMPER = """async () => {
  const db = await FieldkitStorage.open();
  const tx = db.transaction(["forms"], "readwrite");
  const forms = tx.objectStore("forms");
  const row = await new Promise(done => { const r = forms.get(["webbsynk", "1"]); r.onsuccess = () => done(r.result); });
  row.form.sections[0].questions[1].label.sv = "Svarade kommunen? (ändrad)";
  if (%s) row.digest = await FieldkitStorage.formDigest(row.form);
  forms.put(row);
  await new Promise(done => { tx.oncomplete = done; });
}"""


def test_a_changed_stored_form_is_refused_and_a_stale_one_is_loaded_again(chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    context = chromium.new_context()
    try:
        page, errors = _open_app(context, server.url)
        # Each form the server sent passes the check the app makes before it runs one.
        assert page.evaluate("""FieldkitStorage.currentForms().then(forms => Promise.all(forms.map(
            f => FieldkitStorage.formDigest(f).then(d => d === f.digest && d.length === 64))))""") == [True] * len(
            store.list_questionnaires(cdb))
        uuid = _draft(page)
        page.locator('input[name="s.svar"][value="ja"]').check()
        _saved(page, uuid, s__svar="ja")

        # Changed in the browser (its digest no longer matches), then opened offline: refused, with a message.
        # Changed in the browser while the app's cache still holds the server's forms: repaired from it, and said.
        page.evaluate(TAMPER % "false")
        context.set_offline(True)
        _reload_home(page, server.url)
        expect(page.locator("#replaced")).to_have_text(
            "Sparade enkäter som skilde sig från serverns hämtades igen: webbsynk v1.")

        # Changed again, and the cached copy is gone too: refused offline, with a message.
        page.evaluate(TAMPER % "false")
        page.evaluate("""caches.keys().then(names => Promise.all(names.map(
            name => caches.open(name).then(cache => cache.delete('/app/forms.json')))))""")
        _reload_home(page, server.url)
        problem = ("Den sparade enkäten webbsynk version 1 stämmer inte med det servern skickade: den har ändrats i "
                   "webbläsaren och används därför inte. Öppna appen med anslutning till servern för att hämta den igen.")
        expect(page.locator('[data-problem="tampered"]')).to_have_text(problem)
        expect(page.get_by_label("Webbsynk")).to_have_count(0)
        page.goto(f"{server.url}/app/#/i/{uuid}/s/s")
        expect(page.locator("main .flash-error[role=alert]")).to_have_text(problem)
        expect(page.locator("#interview")).to_have_count(0)

        # Online again: the server's copy replaces it, and the draft runs with its answers.
        context.set_offline(False)
        _reload_home(page, server.url)
        expect(page.locator("#replaced")).to_have_text(
            "Sparade enkäter som skilde sig från serverns hämtades igen: webbsynk v1.")
        expect(page.locator("[data-problem]")).to_have_count(0)
        page.goto(f"{server.url}/app/#/i/{uuid}/s/s")
        page.wait_for_selector(SECTION)
        expect(page.locator("#q-s-svar legend")).to_contain_text("Svarade kommunen?")
        expect(page.locator("#q-s-svar legend")).not_to_contain_text("ändrad")
        expect(page.locator('input[name="s.svar"][value="ja"]')).to_be_checked()

        # A stale copy (whole, with its own digest, but not what the server sends) is replaced on the next load.
        page.evaluate(TAMPER % "true")
        assert page.evaluate("FieldkitStorage.getForm('webbsynk', '1').then(f => f.sections[0].questions[1].label.sv)") \
            == "Svarade kommunen? (ändrad)"
        _reload_home(page, server.url)
        expect(page.locator("#replaced")).to_contain_text("webbsynk v1")
        assert page.evaluate("FieldkitStorage.getForm('webbsynk', '1').then(f => f.sections[0].questions[1].label.sv)") \
            == "Svarade kommunen?"
        assert errors == []
    finally:
        context.close()


def test_logging_out_keeps_unsent_interviews_and_the_login_page_says_so(chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    context = chromium.new_context()
    try:
        page, errors = _open_app(context, server.url)
        _enrol(page)
        first = _interview(page, "Umea", "ja", "3")
        _draft(page, "Lund")
        page.goto(server.url + "/")
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_url(re.compile(r"/logga-in"))
        notice = page.locator("#unsent-notice")
        expect(notice).to_be_visible()
        # Nobody is logged in: it says how many users' interviews wait, not whose, how many or what about.
        expect(notice).to_have_text(
            "Webbläsaren har fortfarande intervjuer från offlineappen som inte har skickats, från en användare. "
            "Utloggningen tog inte bort dem: de finns kvar i webbläsaren tills centralen har fått dem. Den som de "
            "tillhör ser och skickar dem efter att ha loggat in och öppnat offlineappen.")
        assert not any(word in page.content() for word in ("ivar", "Umeå", "Lund", first))

        log_in(page, server.url, "ivar")
        page.goto(server.url + "/app/")
        _start_page(page)
        expect(page.locator("#unsent .unsent-row")).to_have_count(2)
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_contain_text("Skickade 1, centralen bekräftade 1")
        page.goto(server.url + "/")
        page.get_by_role("button", name="Logga ut").click()
        page.wait_for_url(re.compile(r"/logga-in"))
        expect(page.locator("#unsent-notice")).to_contain_text("från en användare")  # the draft
        # Logged in, Ivar's own start page on the central says how many of his wait.
        log_in(page, server.url, "ivar")
        expect(page.locator("#unsent-notice")).to_contain_text(
            "1 av dina intervjuer i offlineappen i den här webbläsaren har inte skickats.")
        assert errors == []
    finally:
        context.close()
    assert store.get_submission(cdb, first).status == "complete"


def test_the_upload_page_ingests_the_file_chromium_saved(chromium, server, cdb, questionnaire, tmp_path):
    from playwright.sync_api import expect

    context = chromium.new_context(service_workers="block", accept_downloads=True)
    admin = chromium.new_context()
    try:
        page, errors = _open_app(context, server.url, worker=False)
        _enrol(page)
        uuids = [_interview(page, "Umea", "ja", "6"), _interview(page, "Lund", "nej")]
        _home(page)
        with page.expect_download() as download:
            page.locator("#save-file").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)

        upload = admin.new_page()
        log_in(upload, server.url, "ada")
        upload.goto(server.url + "/admin/paket/")
        upload.get_by_label("Paketfil").set_input_files(str(path))
        upload.get_by_role("button", name="Ladda upp och importera").click()
        expect(upload.locator("#upload-result")).to_have_text(
            f"{path.name}: 2 nya, 0 uppdaterade, 0 oförändrade, 0 konflikter, 0 avvisade.")
        upload.get_by_label("Paketfil").set_input_files(str(path))
        upload.get_by_role("button", name="Ladda upp och importera").click()
        expect(upload.locator("#upload-result")).to_contain_text("2 oförändrade")

        # The browser learns from the central's acknowledgements that nothing needs to go again.
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_contain_text("Inget att skicka")
        expect(page.locator("#sent .sent-row")).to_have_count(2)
        assert errors == []
    finally:
        context.close()
        admin.close()
    held = cdb.execute("select submission_uuid, count(*) from revisions where submission_uuid in (?, ?) "
                       "group by submission_uuid", uuids).fetchall()
    assert sorted(held) == sorted((sid, 1) for sid in uuids)
    assert store.get_submission(cdb, uuids[0]).answers["s.antal"] == 6
