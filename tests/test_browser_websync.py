"""Sending from the offline web app in headless Chromium: enrolment, signed pushes, resumed pushes, bundle files.

A central with its users is served in-process (conftest `server`); a small questionnaire is
published on it so that an interview is a few clicks. The browser logs in as the interviewer
Ivar, enrols itself, collects with the network cut, and sends. What the central then holds is
read from its store and compared with what the browser kept, revision by revision.
"""

from __future__ import annotations

import re

import pytest

from forms import clean_answers, from_dict
from sync import devices, store
from sync.ingest import ingest

from browser_helpers import log_in, wait_for_service_worker

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEFINITION = {
    "id": "webbsynk", "version": "1", "title": {"sv": "Webbsynk", "en": "Web sync"},
    "sections": [{"id": "s", "title": {"sv": "Kontakt", "en": "Contact"}, "questions": [
        {"id": "start", "type": "start", "label": "Start"},
        {"id": "svar", "type": "yesno", "label": {"sv": "Svarade kommunen?", "en": "Did they answer?"},
         "required": True},
        {"id": "antal", "type": "integer", "label": {"sv": "Antal personer", "en": "People"}, "relevant": "s.svar == 'ja'"},
        {"id": "tid", "type": "time", "label": {"sv": "Klockslag", "en": "Time"}},
        {"id": "slut", "type": "end", "label": "Slut"},
    ]}],
}


@pytest.fixture
def questionnaire(cdb):
    """The small questionnaire, published on the central before the browser first loads the app."""
    q = from_dict(DEFINITION)
    store.add_questionnaire(cdb, q)
    return q


def _open_app(context, base: str, *, worker: bool = True):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, base, "ivar")
    page.goto(base + "/app/")
    _start_page(page)
    if worker:
        wait_for_service_worker(page)
    return page, errors


def _start_page(page):
    page.wait_for_selector("body[data-ready='1'][data-route='#/'] #sync")


def _home(page):
    page.evaluate("location.hash = '#/'")
    _start_page(page)


def _enrol(page):
    from playwright.sync_api import expect

    page.locator("#enrol").click()
    expect(page.locator("#device-state")).to_have_attribute("data-enrolled", "1")
    expect(page.locator("#device-state")).to_contain_text("för ivar")


def _interview(page, place: str, svar: str, antal: str | None = None, tid: str = "09:30") -> str:
    """Start, fill and complete one interview on the app's pages; returns its uuid."""
    from playwright.sync_api import expect

    _home(page)
    page.get_by_label("Webbsynk").check()
    page.get_by_placeholder("Sök kommun (namn eller kod)").fill(place)
    page.get_by_role("button", name="Starta").click()
    page.wait_for_selector("body[data-route$='/s/s'] #interview")
    page.locator(f'input[name="s.svar"][value="{svar}"]').check()
    if antal is not None:
        page.locator('input[name="s.antal"]').fill(antal)
    page.locator('input[name="s.tid"]').fill(tid)
    page.get_by_role("button", name="Granska och slutför").click()
    page.get_by_role("button", name="Slutför intervjun").click()
    expect(page.locator("#completed")).to_be_visible()
    return re.search(r"#/i/([0-9a-f-]{36})$", page.url).group(1)


def _browser_revisions(page) -> dict:
    return page.evaluate("""async () => {
        const out = {};
        for (const interview of await FieldkitStorage.listInterviews()) {
          out[interview.uuid] = {interview: interview, revisions: (await FieldkitStorage.revisionsOf(interview.uuid))
            .map(r => ({...r, canonical: FieldkitStorage.canonical(r.answers)}))};
        }
        return out;
    }""")


def _central_revisions(db) -> dict[str, dict]:
    return {row["id"]: row for row in db.query("select * from revisions")}


def test_enrol_collect_offline_send_and_reopen(chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        page, errors = _open_app(context, server.url)
        expect(page.locator("#device-state")).to_have_attribute("data-enrolled", "0")
        expect(page.locator("#send")).to_be_disabled()
        _enrol(page)
        device_id = page.evaluate("FieldkitSync.device().then(d => d.device_id)")
        # The key is in IndexedDB as a WebCrypto key that no script can read back.
        assert page.evaluate("""FieldkitSync.device().then(d => [d.key.type, d.key.extractable, d.key.algorithm.name,
                                                               d.key.algorithm.hash.name, 'key_hex' in d])""") == \
            ["secret", False, "HMAC", "SHA-256", False]

        # Two interviews with the network cut; the app reloads from its service worker.
        context.set_offline(True)
        page.reload()
        _start_page(page)
        first = _interview(page, "Umea", "ja", "12")
        second = _interview(page, "0180", "nej")
        _home(page)
        expect(page.locator("#unsent .unsent-row")).to_have_count(2)
        expect(page.locator("#unsent .send-state").first).to_have_text("Väntar på att skickas")

        # Still offline: the send fails, says so, and keeps everything.
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_have_attribute("data-state", "failed")
        expect(page.locator("#send-state")).to_contain_text("servern gick inte att nå")
        expect(page.locator("#send-state")).to_contain_text("Allt finns kvar i webbläsaren")
        expect(page.locator("#unsent .unsent-row")).to_have_count(2)
        assert cdb.execute("select count(*) from revisions where submission_uuid in (?, ?)", [first, second]).fetchone()[0] == 0

        context.set_offline(False)
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_have_attribute("data-state", "acknowledged")
        expect(page.locator("#send-state")).to_contain_text("Skickade 2, centralen bekräftade 2")
        expect(page.locator("#unsent .unsent-row")).to_have_count(0)
        expect(page.locator("#sent .sent-row")).to_have_count(2)
        expect(page.locator("#sent .sent-row").first).to_contain_text("Skickad och bekräftad")
        kept = _browser_revisions(page)

        # Reopened, changed and completed again: a second revision whose parent is the first, sent alone.
        page.locator(f'#sent .sent-row[data-uuid="{first}"] a').click()
        expect(page.locator("#completed")).to_have_attribute("data-sent", "1")
        page.locator("#reopen").click()
        page.wait_for_selector("body[data-route$='/s/s'] #interview")
        page.locator('input[name="s.antal"]').fill("13")
        page.get_by_role("button", name="Granska och slutför").click()
        page.get_by_role("button", name="Slutför intervjun").click()
        expect(page.locator("#completed")).to_have_attribute("data-sent", "0")
        _home(page)
        expect(page.locator("#unsent .unsent-row")).to_have_count(1)
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_contain_text("Skickade 1, centralen bekräftade 1")
        after = _browser_revisions(page)
        assert errors == []
    finally:
        context.close()

    central = _central_revisions(cdb)
    for sid, municipality in ((first, "2480"), (second, "0180")):
        (revision,) = kept[sid]["revisions"]
        held = central[revision["id"]]
        raw = kept[sid]["interview"]["raw"]
        python = clean_answers(questionnaire, {**raw, "s.slut": revision["answers"]["s.slut"]})
        assert python.ok and revision["answers"] == python.answers
        assert held["answers"] == store.canonical_json(python.answers) == revision["canonical"]
        assert held["content_hash"] == revision["content_hash"] == store.revision_hash(
            sid, "webbsynk", "1", municipality, python.answers, None)
        assert (held["parent_id"], held["number"], held["municipality_code"]) == (None, 1, municipality)
        submission = store.get_submission(cdb, sid)
        assert (submission.interviewer, submission.status) == ("ivar", "complete")
        # start, end and the time were recorded as the Python engine keeps them.
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", python.answers["s.start"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", python.answers["s.slut"])
        assert python.answers["s.tid"] == "09:30"
    assert kept[first]["revisions"][0]["answers"]["s.antal"] == 12 and "s.antal" not in kept[second]["revisions"][0]["answers"]

    one, two = after[first]["revisions"]
    assert (two["number"], two["parent_id"]) == (2, one["id"])
    assert two["answers"]["s.antal"] == 13 and two["answers"]["s.start"] == one["answers"]["s.start"]
    assert two["answers"]["s.slut"] == one["answers"]["s.slut"]  # completing an edit keeps `end`
    held = _central_revisions(cdb)[two["id"]]
    assert (held["parent_id"], held["content_hash"]) == (one["id"], two["content_hash"])
    assert store.get_submission(cdb, first).head_revision == two["id"]
    # Exactly these three revisions arrived from this device, each once.
    received = [row[0] for row in cdb.execute("select revision_id from sync_received where device_id = ?", [device_id])]
    assert sorted(received) == sorted([one["id"], two["id"], kept[second]["revisions"][0]["id"]])
    assert len(central) == len(received) + _others(cdb, received)


def _others(db, received: list[str]) -> int:
    marks = ",".join("?" * len(received))
    return db.execute(f"select count(*) from revisions where id not in ({marks})", received).fetchone()[0]


def test_a_cut_push_resumes_without_duplicates(chromium, server, cdb, questionnaire):
    from playwright.sync_api import expect

    context = chromium.new_context(service_workers="block")  # page.route sees every request
    try:
        page, errors = _open_app(context, server.url, worker=False)
        _enrol(page)
        uuids = [_interview(page, place, "ja", str(n)) for n, place in enumerate(["Umea", "Lund", "Kiruna"], 1)]
        _home(page)

        # A server error says so and changes nothing.
        page.route("**/api/v1/sync/acks", lambda route: route.fulfill(status=500, body="{}",
                                                                        content_type="application/json"))
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_contain_text("servern fick ett fel (500)")
        expect(page.locator("#unsent .unsent-row")).to_have_count(3)
        page.unroute("**/api/v1/sync/acks")

        pushed: list[list[str]] = []  # the revision ids in each POST /push the browser made

        def cut(route):
            lines = route.request.post_data_buffer.decode().splitlines()
            pushed.append([re.search(r'"id":"([0-9a-f-]{36})"', line).group(1) for line in lines])
            if len(pushed) == 1:
                route.continue_()
            else:  # the central takes the second chunk, but its answer never reaches the browser
                route.fetch()
                route.abort("connectionreset")

        page.route("**/api/v1/sync/push", cut)
        page.evaluate("FieldkitSync.settings.chunkBytes = 1")  # one revision per chunk
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_have_attribute("data-state", "failed")
        expect(page.locator("#send-state")).to_contain_text("Allt finns kvar i webbläsaren")
        expect(page.locator("#unsent .unsent-row")).to_have_count(2)  # only the first was acknowledged
        assert len(pushed) == 2
        page.unroute("**/api/v1/sync/push")

        page.route("**/api/v1/sync/push", lambda route: (pushed.append(
            [re.search(r'"id":"([0-9a-f-]{36})"', line).group(1)
             for line in route.request.post_data_buffer.decode().splitlines()]), route.continue_()))
        page.evaluate("FieldkitSync.settings.chunkBytes = 1")
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_have_attribute("data-state", "acknowledged")
        expect(page.locator("#unsent .unsent-row")).to_have_count(0)
        kept = _browser_revisions(page)
        assert errors == []
    finally:
        context.close()

    ids = {sid: kept[sid]["revisions"][0]["id"] for sid in uuids}
    # The second push asked /acks first: the chunk whose answer was lost was not sent again.
    sent = [rid for chunk in pushed for rid in chunk]
    assert len(pushed) == 3 and sorted(sent) == sorted(ids.values())
    assert all(kept[sid]["revisions"][0]["acked_at"] for sid in uuids)
    held = cdb.execute("select submission_uuid, count(*) from revisions where submission_uuid in (?, ?, ?) "
                       "group by submission_uuid", uuids).fetchall()
    assert sorted(held) == sorted((sid, 1) for sid in uuids)


def test_unsent_interviews_saved_to_a_file_are_ingested_by_the_central(chromium, server, cdb, questionnaire, tmp_path):
    from playwright.sync_api import expect

    context = chromium.new_context(service_workers="block", accept_downloads=True)
    try:
        page, errors = _open_app(context, server.url, worker=False)
        expect(page.locator("#save-file")).to_be_disabled()  # not enrolled: nothing could sign the file
        _enrol(page)
        uuids = [_interview(page, "Umea", "ja", "4", "14:05"), _interview(page, "Lund", "nej", tid="07:45")]
        _home(page)
        with page.expect_download() as download:
            page.locator("#save-file").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        expect(page.locator("#file-state")).to_contain_text(path.name)
        kept = _browser_revisions(page)

        result = ingest(cdb, path, actor="ada")
        assert (result.counts["new"], result.counts["rejected"]) == (2, 0)

        # The next send learns from /acks that the central holds both: nothing goes twice.
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_contain_text("Inget att skicka")
        expect(page.locator("#sent .sent-row")).to_have_count(2)

        # Revoked on the central: the send is refused, the app says why and keeps the interview; enrolled again, it goes.
        name = page.evaluate("FieldkitSync.device().then(d => d.name)")
        devices.revoke(cdb, name, actor="ada")
        third = _interview(page, "Kiruna", "nej")
        _home(page)
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_contain_text("webbläsarens registrering har återkallats")
        expect(page.locator("#device-state")).to_have_attribute("data-enrolled", "0")
        expect(page.locator("#device-state")).to_contain_text("Centralen har återkallat webbläsarens registrering")
        expect(page.locator("#unsent .unsent-row")).to_have_count(1)
        _enrol(page)
        page.locator("#send").click()
        expect(page.locator("#send-state")).to_contain_text("Skickade 1, centralen bekräftade 1")
        assert page.evaluate("FieldkitSync.device().then(d => d.name)") != name
        assert errors == []
    finally:
        context.close()

    assert store.get_submission(cdb, third).status == "complete"
    assert re.fullmatch(r"fieldkit-webb-ivar-\d{8}-[0-9a-f]{4}-\d{8}-\d{6}\.fkb", path.name)
    for sid in uuids:
        (revision,) = kept[sid]["revisions"]
        held = _central_revisions(cdb)[revision["id"]]
        assert held["content_hash"] == revision["content_hash"] and held["answers"] == revision["canonical"]
    assert [kept[sid]["revisions"][0]["answers"]["s.tid"] for sid in uuids] == ["14:05", "07:45"]
    senders = {row[0] for row in cdb.execute("select device_id from sync_received where revision_id in (?, ?)",
                                             [kept[sid]["revisions"][0]["id"] for sid in uuids])}
    (sender,) = senders
    assert devices.get_device(cdb, sender, allow_revoked=True).name == \
        path.name[len("fieldkit-"):-len("-20260101-000000.fkb")]
