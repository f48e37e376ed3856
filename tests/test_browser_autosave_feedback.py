"""What the interview page says about its autosave, in headless Chromium against a real server: an answer the
server refuses is marked at once beside its question (and not called saved), and "Sparat HH:MM:SS" is the
server's Swedish clock wherever the laptop thinks it is."""

from __future__ import annotations

import datetime
import json
from zoneinfo import ZoneInfo

import pytest

from sync import store

from browser_helpers import stored_draft
from server_helpers import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEXT = "forslag.effektivisering"
LIMIT = 20_000  # forms/answers.py MAX_TEXT: the question has no max_length of its own


def _new_interview(store_path) -> str:
    db = store.open_db(store_path)
    sid = store.create_submission(db, "kub-webbenkat", "2480")
    db.conn.close()
    return sid


def _paste(page, text: str) -> None:
    """Put text in the answer by script, past the browser's maxlength, as a paste by an extension could."""
    page.locator(f'textarea[name="{TEXT}"]').evaluate(
        "(box, text) => { box.value = text; box.dispatchEvent(new Event('input', { bubbles: true })); }", text)


def _browser_copy(page, sid) -> dict | None:
    kept = page.evaluate("key => localStorage.getItem(key)", f"fieldkit:draft:{sid}:forslag")
    return json.loads(kept) if kept else None


def test_an_answer_over_the_length_limit_is_stopped_and_a_pasted_one_is_marked_at_once(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{server.base}/s/{sid}/del/forslag")
        box = page.locator(f'textarea[name="{TEXT}"]')
        state = page.locator("#save-state")
        expect(box).to_have_attribute("maxlength", str(LIMIT))

        # Typing stops at the limit, and what is there is saved
        _paste(page, "x" * (LIMIT - 2))
        box.press("End")
        page.keyboard.type("abcd")
        expect(box).to_have_value("x" * (LIMIT - 2) + "ab")
        expect(state).to_contain_text("Sparat", timeout=10000)
        assert stored_draft(store_path, sid)["raw"][TEXT] == "x" * (LIMIT - 2) + "ab"

        # Longer than that by script: not saved, and the page says so beside the question, as the server would
        _paste(page, "y" * (LIMIT + 1))
        expect(state).to_have_text("Inte sparat: rätta det markerade svaret", timeout=10000)
        error = page.locator(f'[id="err-{TEXT}"]')
        expect(error).to_have_text("Högst 20\u00a0000 tecken.")
        expect(page.locator(f'[id="q-{TEXT}"]')).to_have_class("question q-longtext has-error")
        expect(box).to_have_attribute("aria-invalid", "true")
        assert f"err-{TEXT}" in box.get_attribute("aria-describedby").split()
        assert stored_draft(store_path, sid)["raw"][TEXT] == "x" * (LIMIT - 2) + "ab"
        assert _browser_copy(page, sid)["values"][TEXT] == ["y" * (LIMIT + 1)]  # kept until the server has it

        # Shortened: saved, unmarked, and the browser's copy goes
        box.fill("Färre inblandade aktörer.")
        expect(state).to_contain_text("Sparat", timeout=10000)
        expect(error).to_have_count(0)
        expect(box).not_to_have_attribute("aria-invalid", "true")
        assert f"err-{TEXT}" not in (box.get_attribute("aria-describedby") or "").split()
        assert stored_draft(store_path, sid)["raw"][TEXT] == "Färre inblandade aktörer."
        assert _browser_copy(page, sid) is None
        page.close()


def test_what_is_typed_while_a_refused_save_is_under_way_is_saved_after_the_refusal(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{server.base}/s/{sid}/del/forslag")
        held = []
        page.route("**/autosave/**", lambda route: route.continue_() if held else held.append(route))
        _paste(page, "y" * (LIMIT + 1))
        for _tick in range(750):  # until the save goes out (within the autosave delay)
            if held:
                break
            page.wait_for_timeout(20)
        assert held, "an autosave went out"
        page.locator(f'textarea[name="{TEXT}"]').fill("Kortare.")
        page.wait_for_timeout(3500)  # past the autosave delay: its save waits for the one under way
        held[0].continue_()  # refused: too long
        expect(page.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        expect(page.locator(f'[id="err-{TEXT}"]')).to_have_count(0)
        assert stored_draft(store_path, sid)["raw"][TEXT] == "Kortare."
        page.close()


def test_saved_shows_the_servers_swedish_time_on_a_laptop_in_another_time_zone(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        context = chromium.new_context(timezone_id="America/New_York")
        page = context.new_page()
        assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "America/New_York"
        page.goto(f"{server.base}/s/{sid}/del/forslag")
        page.locator(f'textarea[name="{TEXT}"]').fill("Tydligare ansvar.")
        state = page.locator("#save-state")
        expect(state).to_contain_text("Sparat", timeout=10000)
        saved_at = stored_draft(store_path, sid)["saved_at"]
        swedish = datetime.datetime.fromisoformat(saved_at).astimezone(ZoneInfo("Europe/Stockholm"))
        expect(state).to_have_text(f"Sparat {swedish:%H:%M:%S}")
        page.reload()
        expect(state).to_have_text(f"Sparat {swedish:%H:%M:%S}")  # as the server renders it
        context.close()
