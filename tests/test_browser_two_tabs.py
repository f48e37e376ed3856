"""The same section open in two tabs of the field laptop's pages: a tab's save does not erase what the other
saved in a question it did not change, and a tab whose answer was overwritten is told. Headless Chromium, two
pages in one context, against a real server."""

from __future__ import annotations

import pytest

from sync import store

from forms_helpers import make_questionnaire, section
from server_helpers import Server
from test_two_tabs import QUESTIONS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OTHER_TAB = "Ändrat i en annan flik"


def _new_interview(store_path) -> str:
    db = store.open_db(store_path)
    store.add_questionnaire(db, make_questionnaire(id="two-tabs", sections=[
        section("s", *QUESTIONS), section("t", {"id": "slut", "type": "text", "label": "Slut"})]))
    sid = store.create_submission(db, "two-tabs", "0180")
    db.conn.close()
    return sid


def _draft(store_path, sid) -> dict:
    db = store.open_db(store_path)
    raw = store.get_submission(db, sid).draft["raw"]
    db.conn.close()
    return raw


def _tabs(chromium, url):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    tabs = [context.new_page(), context.new_page()]
    for tab in tabs:
        tab.goto(url)
    return context, tabs


def test_answers_typed_in_two_tabs_in_different_questions_are_both_kept(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        url = f"{server.base}/s/{sid}/del/s"
        context, (a, b) = _tabs(chromium, url)  # B is loaded before A saves
        a.locator('input[name="s.antal"]').fill("77")
        expect(a.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        b.locator('textarea[name="s.kommentar"]').fill("Bra samtal")
        b.get_by_role("checkbox", name="Annat, nämligen").check()
        b.locator('input[name="s.hinder/annat"]').fill("Lokaler")
        expect(b.locator("#save-state")).to_contain_text("Sparat", timeout=10000)

        fresh = context.new_page()
        fresh.goto(url)
        expect(fresh.locator('input[name="s.antal"]')).to_have_value("77")
        expect(fresh.locator('textarea[name="s.kommentar"]')).to_have_value("Bra samtal")
        expect(fresh.locator('input[name="s.hinder/annat"]')).to_have_value("Lokaler")
        fresh.close()
        # B is told, and shows what A saved
        expect(b.locator("#other-tab")).to_contain_text(OTHER_TAB)
        expect(b.locator('input[name="s.antal"]')).to_have_value("77")

        # "Nästa" in A stops once to show what B saved, then goes on without erasing it
        a.get_by_role("button", name="Nästa").click()
        expect(a.locator("#other-tab")).to_contain_text(OTHER_TAB)
        expect(a.locator('textarea[name="s.kommentar"]')).to_have_value("Bra samtal")
        expect(a.get_by_role("checkbox", name="Annat, nämligen")).to_be_checked()
        assert a.url == url
        a.get_by_role("button", name="Nästa").click()
        a.wait_for_url(f"**/s/{sid}/del/t")
        raw = _draft(store_path, sid)
        assert (raw["s.antal"], raw["s.kommentar"], raw["s.hinder"], raw["s.hinder/annat"]) == \
            ("77", "Bra samtal", ["annat"], "Lokaler")
        assert b.evaluate("Object.keys(localStorage).filter(k => k.startsWith('fieldkit:draft:'))") == []
        context.close()


def test_the_same_question_in_two_tabs_the_later_save_wins_and_the_other_tab_is_told(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        url = f"{server.base}/s/{sid}/del/s"
        context, (a, b) = _tabs(chromium, url)
        a.locator('input[name="s.antal"]').fill("77")
        expect(a.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        b.locator('input[name="s.antal"]').fill("55")
        expect(b.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        assert _draft(store_path, sid)["s.antal"] == "55"

        a.get_by_role("button", name="Nästa").click()
        expect(a.locator("#other-tab")).to_contain_text(OTHER_TAB)
        expect(a.locator('input[name="s.antal"]')).to_have_value("55")
        assert a.url == url, "the page that lost its answer does not go on as if all were well"
        assert _draft(store_path, sid)["s.antal"] == "55"
        context.close()


def test_a_tab_showing_an_instance_another_tab_removed_saves_into_the_right_one(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    db = store.open_db(store_path)
    store.save_draft(db, sid, {"s.personer": [{"s.personer.namn": "Anna"}, {"s.personer.namn": "Bertil"}]}, "s")
    db.conn.close()
    with Server(store_path) as server:
        url = f"{server.base}/s/{sid}/del/s"
        context, (a, b) = _tabs(chromium, url)
        a.get_by_role("button", name="Ta bort: Person 1").click()
        expect(a.locator('input[name="s.personer#n"]')).to_have_value("1")
        b.locator('input[name="s.personer[2].alder"]').fill("40")  # Bertil, now number 1
        expect(b.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        expect(b.locator("#other-tab")).to_contain_text("Ladda om sidan")
        people = _draft(store_path, sid)["s.personer"]
        assert [(p.get("s.personer.namn"), p.get("s.personer.alder")) for p in people] == [("Bertil", "40")]
        b.reload()
        expect(b.locator('input[name="s.personer[1].alder"]')).to_have_value("40")
        context.close()
