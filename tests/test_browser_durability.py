"""Never lose a keystroke: the browser's copy of an answer goes only when the server has acknowledged exactly that
content, and a page change that cannot reach the server stays on the page. Headless Chromium against a real
server that is killed, restarted and held up mid-request."""

from __future__ import annotations

import time

import pytest

from sync import store

from browser_helpers import artifacts_dir, stored_draft
from server_helpers import Browser, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTIONNAIRE = "smak-kostnader"
SECTION = "sarskilda_behov"  # a middle section: it has both Föregående and Nästa
TEXT = "sarskilda_behov.beskrivning"
OFFLINE_STAY = ("Servern svarar inte, så sidan byttes inte. Svaren finns kvar i webbläsaren och sparas så snart "
                "servern svarar.")


def _new_interview(store_path) -> str:
    db = store.open_db(store_path)
    sid = store.create_submission(db, QUESTIONNAIRE, "0180")
    db.conn.close()
    return sid


def _wait_for_draft_text(store_path, sid, expected, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stored_draft(store_path, sid)["raw"].get(TEXT) == expected:
            return
        time.sleep(0.1)
    assert stored_draft(store_path, sid)["raw"].get(TEXT) == expected


def _copy(page, sid):
    """The text the page keeps in localStorage for the section's description, or None without a copy."""
    kept = page.evaluate("key => JSON.parse(localStorage.getItem(key))", f"fieldkit:draft:{sid}:{SECTION}")
    return kept and kept["values"][TEXT][0]


def _type_during_a_held_autosave(page, expect):
    """Type, hold the autosave that goes out, type more, then let the server answer that first save.

    Later autosaves fail as if the network were gone, so the server has only the first part.
    """
    held = []

    def handle(route):
        if held:
            route.abort()
        else:
            held.append(route)

    page.route("**/autosave/**", handle)
    form = page.locator("#interview")
    seq = form.get_attribute("data-seq")
    page.locator(f'textarea[name="{TEXT}"]').click()
    page.keyboard.type("Första delen.")
    deadline = time.monotonic() + 15
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    assert held, "an autosave went out"
    page.keyboard.type(" Andra delen.")  # while the save of "Första delen." is under way
    held[0].continue_()
    expect(form).not_to_have_attribute("data-seq", seq)  # the reply has been handled


def test_a_page_change_while_the_server_is_down_stays_on_the_page_and_keeps_the_answer(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    shots = artifacts_dir("durability")
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        url = f"{server.base}/s/{sid}/del/{SECTION}"
        page.goto(url)
        state = page.locator("#save-state")
        box = page.locator(f'textarea[name="{TEXT}"]')
        box.fill("Tolk vid varje besök.")
        expect(state).to_contain_text("Sparat", timeout=10000)

        server.kill()
        page.keyboard.type(" Ramper till entrén.")
        for button in ("Föregående", "Nästa"):
            with page.expect_event("requestfailed"):
                page.get_by_role("button", name=button).click()
            expect(state).to_have_text(OFFLINE_STAY)
            assert page.url == url
            assert _copy(page, sid) == "Tolk vid varje besök. Ramper till entrén."
        page.screenshot(path=shots / "offline-notice-1280x800.png")
        page.set_viewport_size({"width": 800, "height": 1280})
        state.scroll_into_view_if_needed()
        page.screenshot(path=shots / "offline-notice-800x1280.png")

        server.start()
        page.reload()
        expect(box).to_have_value("Tolk vid varje besök. Ramper till entrén.")
        expect(state).to_contain_text("Sparat", timeout=10000)
        _wait_for_draft_text(store_path, sid, "Tolk vid varje besök. Ramper till entrén.")
        assert _copy(page, sid) is None

        page.get_by_role("button", name="Nästa").click()
        page.wait_for_url("**/del/ersattning")
        assert _copy(page, sid) is None, "a page change the server took leaves no copy behind"
        page.close()


def test_the_page_saves_again_when_the_server_comes_back(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{server.base}/s/{sid}/del/{SECTION}")
        server.kill()
        page.locator(f'textarea[name="{TEXT}"]').fill("Skrivet medan servern var nere.")
        with page.expect_event("requestfailed"):
            page.get_by_role("button", name="Nästa").click()
        expect(page.locator("#save-state")).to_have_text(OFFLINE_STAY)
        assert page.url.endswith(f"/del/{SECTION}")
        server.start()
        expect(page.locator("#save-state")).to_contain_text("Sparat", timeout=15000)
        _wait_for_draft_text(store_path, sid, "Skrivet medan servern var nere.")
        assert _copy(page, sid) is None
        page.close()


def test_keys_typed_while_an_autosave_is_under_way_survive_closing_the_tab(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        context = chromium.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        url = f"{server.base}/s/{sid}/del/{SECTION}"
        page.goto(url)
        _type_during_a_held_autosave(page, expect)
        assert _copy(page, sid) == "Första delen. Andra delen.", "the copy waits for its own save"
        assert stored_draft(store_path, sid)["raw"][TEXT] == "Första delen."

        server.kill()  # closing the tab reaches no server either: only the browser's copy has the rest
        page.close()
        server.start()
        page = context.new_page()
        page.goto(url)
        expect(page.locator(f'textarea[name="{TEXT}"]')).to_have_value("Första delen. Andra delen.")
        expect(page.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        _wait_for_draft_text(store_path, sid, "Första delen. Andra delen.")
        context.close()


def test_closing_the_tab_sends_what_the_server_has_not_acknowledged(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{server.base}/s/{sid}/del/{SECTION}")
        _type_during_a_held_autosave(page, expect)
        page.unroute_all()  # the network is back
        page.close()  # well within the autosave delay
        _wait_for_draft_text(store_path, sid, "Första delen. Andra delen.")


def test_a_copy_left_in_the_browser_does_not_overwrite_newer_answers_on_the_server(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        context = chromium.new_context(viewport={"width": 1280, "height": 800})
        # The tablet's clock runs an hour ahead of the server's: the age of a copy must not decide.
        context.add_init_script("(() => { const now = Date.now; Date.now = () => now() + 3600 * 1000; })()")
        page = context.new_page()
        url = f"{server.base}/s/{sid}/del/{SECTION}"
        page.goto(url)
        server.kill()
        page.locator(f'textarea[name="{TEXT}"]').fill("Gammalt, aldrig sparat.")
        page.close()
        server.start()

        # Meanwhile the interview goes on elsewhere and this section gets a newer answer.
        other = Browser(server.base)
        other.get(f"/s/{sid}/del/{SECTION}")
        other.post(f"/s/{sid}/autosave/{SECTION}", {TEXT: "Nytt från servern."}, fetch=True).close()

        page = context.new_page()
        page.goto(url)
        expect(page.locator(f'textarea[name="{TEXT}"]')).to_have_value("Nytt från servern.")
        assert _copy(page, sid) is None
        assert stored_draft(store_path, sid)["raw"][TEXT] == "Nytt från servern."
        context.close()


def test_enter_in_a_one_line_field_goes_to_the_next_section(chromium, store_path):
    sid = _new_interview(store_path)
    with Server(store_path) as server:
        for javascript in (True, False):
            page = chromium.new_page(java_script_enabled=javascript)
            page.goto(f"{server.base}/s/{sid}/del/kostnader")
            page.locator('input[name="kostnader.initiala"]').fill("12000")
            page.locator('input[name="kostnader.initiala"]').press("Enter")
            page.wait_for_url(f"**/s/{sid}/del/{SECTION}")
            assert stored_draft(store_path, sid)["raw"]["kostnader.initiala"] == "12000"
            page.close()
