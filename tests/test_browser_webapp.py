"""The offline web app in headless Chromium: one visit online, then a whole interview with the server gone.

The store is a field laptop's (no login). After the first visit the server is killed and the
browser context goes offline; the app must reload from its service worker, run the interview
from the JSON form kept in IndexedDB, and still hold the completed interview when the page is
closed and opened again. The answers it completes with are compared with what the Python
engine makes of the same raw values, and the revision's content hash with the central's.
"""

from __future__ import annotations

import re

import pytest

from forms import clean_answers
from forms.library import library_dir
from forms.loader import load
from sync import store

from browser_helpers import artifacts_dir, wait_for_service_worker
from server_helpers import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UNSENT = "#unsent .unsent-row"


def _open_online(context, base: str):
    """First visit: the app, its service worker in control, its data in IndexedDB."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + "/app/")
    page.wait_for_selector("body[data-ready='1'] #start")
    wait_for_service_worker(page)
    return page, errors


def _ready(page):
    page.wait_for_selector("body[data-ready='1'][data-rendered] main h1")


def _section(page, section_id: str):
    page.wait_for_selector(f"body[data-route$='/s/{section_id}'] #interview")


def _stored(page, uuid: str) -> dict:
    return page.evaluate("""async (id) => {
        const interview = await FieldkitStorage.getInterview(id);
        const revisions = await FieldkitStorage.revisionsOf(id);
        return {interview: interview, revisions: revisions.map(r => ({...r, canonical: FieldkitStorage.canonical(r.answers)}))};
    }""", uuid)


def test_offline_interview_from_start_to_complete_survives_a_closed_page(chromium, store_path):
    from playwright.sync_api import expect

    shots = artifacts_dir("webapp")
    server = Server(store_path).start()
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    try:
        page, errors = _open_online(context, server.base)
        page.screenshot(path=shots / "01-start-online.png", full_page=True)

        # The server is gone and the network too: the app reloads from the service worker's cache.
        server.kill()
        context.set_offline(True)
        page.reload()
        _ready(page)
        expect(page.locator("#net")).to_have_text("Offline: allt sparas i webbläsaren.")
        expect(page.locator("#persist")).to_contain_text("Beständig lagring:")
        expect(page.locator("#unsent h2")).to_have_text("Intervjuer som inte har skickats (0)")

        page.get_by_label("SMAK kontaktlogg med kommuner").check()
        page.get_by_placeholder("Sök kommun (namn eller kod)").fill("Umea")
        expect(page.locator("#municipality")).to_have_value("2480")
        page.get_by_role("button", name="Starta").click()

        # Part 1: the section about the request is not relevant yet, so there are three parts.
        _section(page, "kontakt")
        expect(page.locator(".progress-text")).to_have_text("Del 1 av 3")
        page.locator('input[name="kontakt.datum"]').fill("2024-03-01")
        page.locator('input[name="kontakt.kanal"][value="telefon"]').check()
        page.locator('input[name="kontakt.kontaktperson_telefon"]').fill("abc")
        expect(page.locator('input[name="kontakt.kontaktperson_telefon"]')).to_have_attribute("maxlength", "20000")
        expect(page.locator("#save-state")).to_contain_text("Sparat i webbläsaren")
        page.get_by_role("button", name="Nästa").click()
        expect(page.locator("#q-kontakt-kontaktperson_telefon .error")).to_have_text(
            "Svaret har inte rätt format.")
        page.locator('input[name="kontakt.kontaktperson_telefon"]').fill("026-17 80 00")
        page.screenshot(path=shots / "02-kontakt.png", full_page=True)
        page.get_by_role("button", name="Nästa").click()

        # Part 2: choosing an assignment request shows the case questions and adds the answer section.
        _section(page, "arende")
        reference = page.locator("#q-arende-arendereferens")
        expect(reference).to_be_hidden()
        page.locator('input[name="arende.amne"][value="anvisningsforfragan"]').check()
        expect(reference).to_be_visible()
        expect(page.locator(".progress-text")).to_have_text("Del 2 av 4")
        page.locator('input[name="arende.arendereferens"]').fill("BF-2014-017")
        page.locator('input[name="arende.antal_personer"]').fill("3")
        page.locator('input[name="arende.antal_hushall"]').fill("5")
        warning = page.locator("#q-arende-hushall_hogst_personer")
        expect(warning).to_have_text("Fler hushåll än personer: kontrollera antalen.")
        page.locator('input[name="arende.forfragan_datum"]').fill("2024-03-01")
        page.get_by_role("button", name="Nästa").click()
        expect(page.get_by_role("status").filter(has_text="Se varningarna på sidan.")).to_be_visible()
        page.screenshot(path=shots / "03-arende-warning.png", full_page=True)
        page.get_by_role("button", name="Nästa").click()  # the warning was read: go on

        # Part 3: an answer dated before the request breaks a constraint.
        _section(page, "svar")
        page.locator('input[name="svar.svar"][value="ja"]').check()
        page.locator('input[name="svar.svarsdatum"]').fill("2024-02-20")
        page.get_by_role("button", name="Nästa").click()
        expect(page.locator(".flash-error[role=alert]")).to_be_visible()
        expect(page.locator("#q-svar-svar_efter_forfragan")).to_be_visible()
        page.screenshot(path=shots / "04-svar-error.png", full_page=True)
        page.locator('input[name="svar.svarsdatum"]').fill("2024-03-11")
        page.locator('input[name="svar.inflyttningsdatum"]').fill("2024-04-01")
        expect(page.locator("#q-svar-dagar_till_svar")).to_have_text("Dagar från förfrågan till svar: 10")
        page.get_by_role("button", name="Nästa").click()

        _section(page, "uppfoljning")
        page.get_by_role("button", name="Granska och slutför").click()
        page.wait_for_selector("#complete")
        expect(page.locator("main")).to_contain_text("Varningar (du kan slutföra ändå)")
        page.screenshot(path=shots / "05-review.png", full_page=True)
        page.get_by_role("button", name="Slutför intervjun").click()
        expect(page.locator("#completed")).to_have_text(
            "Intervjun är slutförd och sparad i webbläsaren. Den har inte skickats än.")
        uuid = re.search(r"#/i/([0-9a-f-]{36})$", page.url).group(1)
        page.close()

        # Closed and opened again, still offline: the interview is there, completed, waiting to be sent.
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server.base + "/app/")
        _ready(page)
        row = page.locator(UNSENT)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Umeå")
        expect(row.locator(".badge")).to_have_text("Slutförd")
        page.screenshot(path=shots / "06-reopened.png", full_page=True)
        row.get_by_role("link", name="Visa").click()
        expect(page.locator("#completed")).to_be_visible()
        expect(page.locator("main")).to_contain_text("BF-2014-017")

        stored = _stored(page, uuid)
        assert errors == []
    finally:
        context.close()
        server.kill()

    # What the browser completed is what the Python engine makes of the same raw values.
    questionnaire = load(library_dir() / "smak-kontaktlogg.yaml")
    interview, revisions = stored["interview"], stored["revisions"]
    assert (interview["status"], interview["questionnaire_id"], interview["questionnaire_version"]) == \
        ("complete", "smak-kontaktlogg", "3")
    assert interview["municipality_code"] == "2480" and interview["county_code"] == "24"
    python = clean_answers(questionnaire, interview["raw"])
    assert python.ok and python.warnings == ["arende.hushall_hogst_personer"]
    assert [r["number"] for r in revisions] == [1] and revisions[0]["parent_id"] is None
    revision = revisions[0]
    assert revision["answers"] == python.answers
    assert revision["canonical"] == store.canonical_json(python.answers)
    assert revision["content_hash"] == store.revision_hash(uuid, "smak-kontaktlogg", "3", "2480", python.answers, None)
    assert python.answers["svar.svarsdatum"] == "2024-03-11" and python.derived["svar.dagar_till_svar"] == 10


@pytest.mark.parametrize("width, height", [(800, 1280), (1280, 800)])
def test_keyboard_interview_in_english_keeps_a_draft_across_a_reload(chromium, store_path, width, height):
    from playwright.sync_api import expect

    shots = artifacts_dir(f"webapp-{width}x{height}")
    with Server(store_path) as server:
        context = chromium.new_context(viewport={"width": width, "height": height})
        try:
            page, errors = _open_online(context, server.base)
            page.screenshot(path=shots / "01-start-sv.png", full_page=True)
            page.get_by_role("button", name="English").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Interviews in this browser")
            expect(page.locator("#net")).to_have_text("Online")
            page.screenshot(path=shots / "02-start-en.png", full_page=True)

            # Keyboard only: the questionnaire by arrow keys, the municipality by typing, Enter to start.
            page.get_by_label("KUB municipal interview").focus()
            page.keyboard.press("Space")
            page.keyboard.press("Tab")
            page.keyboard.type("Umea")
            expect(page.locator("#municipality")).to_have_value("2480")
            page.keyboard.press("Tab")
            page.keyboard.press("Tab")
            expect(page.get_by_role("button", name="Start")).to_be_focused()
            page.keyboard.press("Enter")
            page.wait_for_selector("body[data-route*='/s/'] #interview")
            expect(page.locator(".progress-text")).to_contain_text("Part 1 of")
            first = page.locator("#interview input").first
            first.focus()
            page.keyboard.press("Space")  # the first choice of the first question
            expect(first).to_be_checked()
            expect(page.locator("#save-state")).to_contain_text("Saved in this browser")
            page.screenshot(path=shots / "03-section-en.png", full_page=True)

            # A reload (as after a crash) comes back to the same page with the answer.
            page.reload()
            page.wait_for_selector("body[data-route*='/s/'] #interview")
            expect(page.locator("#interview input").first).to_be_checked()
            page.get_by_role("button", name="Svenska").click()
            expect(page.get_by_role("button", name="Nästa")).to_be_visible()
            page.screenshot(path=shots / "04-section-sv.png", full_page=True)
            page.goto(server.base + "/app/#/")
            _ready(page)
            expect(page.locator(UNSENT)).to_have_count(1)
            expect(page.locator(UNSENT + " .badge")).to_have_text("Utkast")
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not overflow, "the start page is wider than the screen"
            assert errors == []
        finally:
            context.close()


def test_the_review_shows_a_year_as_written(chromium, store_path):
    """A year is shown as 2016 on the review, as everywhere (docs/forms.md), not as the number 2 016."""
    from playwright.sync_api import expect

    with Server(store_path) as server:
        context = chromium.new_context()
        try:
            page, errors = _open_online(context, server.base)
            page.get_by_label("SMAK kostnader för mottagande av kvotflyktingar").check()
            page.get_by_placeholder("Sök kommun (namn eller kod)").fill("Umea")
            page.get_by_role("button", name="Starta").click()
            page.wait_for_selector("body[data-route*='/s/'] #interview")
            year = page.locator("#interview input.input-year").first
            year.fill("2016")
            expect(page.locator("#save-state")).to_contain_text("Sparat i webbläsaren")
            uuid = re.search(r"#/i/([0-9a-f-]{36})/", page.url).group(1)
            page.evaluate("(id) => { location.hash = '#/i/' + id + '/review'; }", uuid)
            page.wait_for_selector("#complete")
            answers = page.locator(".answers dd").all_inner_texts()
            assert "2016" in answers and "2\u00a0016" not in answers and "2 016" not in answers, answers
            assert errors == []
        finally:
            context.close()
