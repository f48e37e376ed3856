"""Adding an instance of a repeat with JavaScript: the page is saved first, and a copy of the answers stays in the
browser until the server has them, also when the server is gone. Headless Chromium against a real server."""

from __future__ import annotations

import pytest

from sync import store

from browser_helpers import stored_draft
from server_helpers import Server
from test_repeats import people_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = "s.personer[1].namn"
OFFLINE_STAY = ("Servern svarar inte, så sidan byttes inte. Svaren finns kvar i webbläsaren och sparas så snart "
                "servern svarar.")


def _new_interview(store_path) -> str:
    db = store.open_db(store_path)
    store.add_questionnaire(db, people_questionnaire(id="rep-test"))
    sid = store.create_submission(db, "rep-test", "0180")
    db.conn.close()
    return sid


def _copy(page, sid):
    return page.evaluate("key => JSON.parse(localStorage.getItem(key))", f"fieldkit:draft:{sid}:s")


def test_adding_an_instance_saves_first_and_keeps_the_copy_while_the_server_is_down(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        url = f"{server.base}/s/{sid}/del/s"
        page.goto(url)
        page.locator('input[name="s.kommun"]').fill("Solna")
        add = page.get_by_role("button", name="Lägg till Person")
        add.focus()
        page.keyboard.press("Enter")  # keyboard only
        page.wait_for_url("**#inst-s.personer-1")
        expect(page.locator('[id="inst-s.personer-1-h"]')).to_have_text("Person 1")
        expect(page.locator('input[name="s.kommun"]')).to_have_value("Solna")  # saved before the page changed
        assert _copy(page, sid) is None
        state = page.locator("#save-state")
        page.locator(f'input[name="{NAME}"]').fill("Anna")
        expect(state).to_contain_text("Sparat", timeout=10000)
        assert stored_draft(store_path, sid)["raw"]["s.personer"][0]["s.personer.namn"] == "Anna"
        assert _copy(page, sid) is None

        server.kill()
        page.locator(f'input[name="{NAME}"]').fill("Anna Berg")
        with page.expect_event("requestfailed"):
            page.get_by_role("button", name="Lägg till Person").click()
        expect(state).to_have_text(OFFLINE_STAY)
        assert page.url.endswith("/del/s#inst-s.personer-1")
        assert _copy(page, sid)["values"][NAME] == ["Anna Berg"]

        server.start()
        page.reload()
        expect(page.locator(f'input[name="{NAME}"]')).to_have_value("Anna Berg")
        expect(state).to_contain_text("Sparat", timeout=10000)
        assert stored_draft(store_path, sid)["raw"]["s.personer"][0]["s.personer.namn"] == "Anna Berg"
        assert _copy(page, sid) is None
        page.get_by_role("button", name="Lägg till Person").click()
        page.wait_for_url("**#inst-s.personer-2")
        assert [i.get("s.personer.namn") for i in stored_draft(store_path, sid)["raw"]["s.personer"]] == ["Anna Berg", None]
        page.close()
