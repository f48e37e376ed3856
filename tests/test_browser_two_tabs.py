"""The same section open in two tabs of the field laptop's pages: a tab's save does not erase what the other
saved in a question it did not change, and a tab whose answer was overwritten is told. Headless Chromium, two
pages in one context, against a real server."""

from __future__ import annotations

import pytest

from sync import store

from browser_helpers import stored_draft
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
        raw = stored_draft(store_path, sid)["raw"]
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
        assert stored_draft(store_path, sid)["raw"]["s.antal"] == "55"

        a.get_by_role("button", name="Nästa").click()
        expect(a.locator("#other-tab")).to_contain_text(OTHER_TAB)
        expect(a.locator('input[name="s.antal"]')).to_have_value("55")
        assert a.url == url, "the page that lost its answer does not go on as if all were well"
        assert stored_draft(store_path, sid)["raw"]["s.antal"] == "55"
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
        people = stored_draft(store_path, sid)["raw"]["s.personer"]
        assert [(p.get("s.personer.namn"), p.get("s.personer.alder")) for p in people] == [("Bertil", "40")]
        b.reload()
        expect(b.locator('input[name="s.personer[1].alder"]')).to_have_value("40")
        context.close()


def _shown_again(tab):
    """The tab is brought to the front, as when the user switches back to it (headless pages are always
    visible, so the event the browser sends then is sent here too)."""
    tab.bring_to_front()
    tab.evaluate("document.dispatchEvent(new Event('visibilitychange'))")


def test_a_tab_shown_again_shows_the_other_tabs_ticks_without_saving(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        url = f"{server.base}/s/{sid}/del/s"
        context, (a, b) = _tabs(chromium, url)  # B is loaded before A saves
        a.get_by_role("checkbox", name="Annat, nämligen").check()
        a.locator('input[name="s.hinder/annat"]').fill("Lokaler")
        expect(a.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        b.get_by_role("checkbox", name="tid").check()
        expect(b.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        raw = stored_draft(store_path, sid)["raw"]
        assert (raw["s.hinder"], raw["s.hinder/annat"]) == (["tid", "annat"], "Lokaler"), "both tabs' ticks"
        expect(b.get_by_role("checkbox", name="Annat, nämligen")).to_be_checked()
        expect(b.locator('input[name="s.hinder/annat"]')).to_have_value("Lokaler")
        seq = store.open_db(store_path)
        saves = store.get_submission(seq, sid).draft["seq"]

        _shown_again(a)
        expect(a.locator("#other-tab")).to_contain_text(OTHER_TAB)
        expect(a.get_by_role("checkbox", name="tid")).to_be_checked()
        expect(a.get_by_role("checkbox", name="Annat, nämligen")).to_be_checked()
        expect(a.locator('input[name="s.hinder/annat"]')).to_have_value("Lokaler")
        expect(a.locator("#save-state")).to_contain_text("Sparat")
        assert store.get_submission(seq, sid).draft["seq"] == saves, "hearing of the other tab saves nothing"
        seq.conn.close()
        context.close()


def test_a_question_changed_in_both_tabs_is_marked_and_the_later_save_wins(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        url = f"{server.base}/s/{sid}/del/s"
        context, (a, b) = _tabs(chromium, url)
        b.locator('input[name="s.antal"]').fill("55")
        expect(b.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        a.route("**/autosave/**", lambda route: route.abort())  # A's change cannot be saved yet
        a.locator('input[name="s.antal"]').fill("77")
        expect(a.locator("#save-state")).to_contain_text("Kunde inte spara", timeout=10000)

        _shown_again(a)
        conflict = a.locator('.question[data-qid="s.antal"] .tab-conflict')
        expect(conflict).to_contain_text("Ändrat även i en annan flik, där sparat som: 55")
        expect(a.locator("#other-tab")).to_contain_text(OTHER_TAB)
        expect(a.locator('input[name="s.antal"]')).to_have_value("77")

        a.unroute("**/autosave/**")
        a.locator('input[name="s.antal"]').fill("78")
        expect(conflict).to_have_count(0)
        expect(a.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        assert stored_draft(store_path, sid)["raw"]["s.antal"] == "78", "the later save wins"
        context.close()


def test_a_check_that_finds_no_server_says_nothing_and_the_next_one_tells(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        url = f"{server.base}/s/{sid}/del/s"
        context, (a, b) = _tabs(chromium, url)
        a.locator('input[name="s.antal"]').fill("7")
        expect(a.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        b.locator('textarea[name="s.kommentar"]').fill("Bra samtal")
        expect(b.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        a.route("**/version*", lambda route: route.abort())
        with a.expect_event("requestfailed"):
            _shown_again(a)
        expect(a.locator("#save-state")).to_contain_text("Sparat")
        expect(a.locator("#other-tab")).to_be_hidden()
        expect(a.locator('textarea[name="s.kommentar"]')).to_have_value("")

        a.unroute("**/version*")
        _shown_again(a)
        expect(a.locator("#other-tab")).to_contain_text(OTHER_TAB)
        expect(a.locator('textarea[name="s.kommentar"]')).to_have_value("Bra samtal")
        context.close()
