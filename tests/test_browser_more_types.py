"""A range and a rank answered with the keyboard only, in headless Chromium: the slider's arrow keys set the
number, the rank's up buttons move an option, and what is stored is what the page showed."""

from __future__ import annotations

import pytest

from forms import clean_answers
from forms.loader import load_text
from sync import store

from server_helpers import Server
from test_more_types import FORM

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_range_and_rank_by_keyboard_are_stored_as_shown(chromium, store_path):
    from playwright.sync_api import expect

    form = load_text(FORM, "fler.yaml").questionnaire
    db = store.open_db(store_path)
    store.add_questionnaire(db, form)
    db.conn.close()
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server.base + "/")
        page.get_by_label("Fler frågetyper", exact=False).check()
        page.get_by_placeholder("Sök kommun (namn eller kod)").fill("Umea")
        page.get_by_role("button", name="Starta intervjun").click()
        page.wait_for_url("**/del/hem")

        # range: the slider is shown, the arrow keys step it by 2 and the number box follows
        slider = page.locator('input[data-range-for="hem.trivsel"]')
        expect(slider).to_be_visible()
        slider.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        expect(page.locator('input[name="hem.trivsel"]')).to_have_value("6")

        # rank: Storlek moved to the top with its up button, twice, by keyboard; focus stays on the option
        page.get_by_role("button", name="Flytta upp: Storlek").focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        order = page.locator('ol[data-rank="hem.viktigt"] input[type="hidden"]')
        expect(order).to_have_count(3)
        assert [order.nth(i).get_attribute("value") for i in range(3)] == ["storlek", "pris", "lage"]
        assert all(order.nth(i).is_enabled() for i in range(3))  # moved: now an answer
        expect(page.get_by_role("button", name="Flytta ned: Storlek")).to_be_focused()

        page.locator('input[name="hem.samtycke"]').focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Granska och slutför").last.click()
        page.wait_for_url("**/granska")

    db = store.open_db(store_path)
    sid = db.conn.execute("select uuid from submissions where questionnaire_id = 'fler-typer'").fetchone()[0]
    cleaned = clean_answers(form, store.get_submission(db, sid).draft["raw"])
    assert cleaned.answers == {"hem.trivsel": 6, "hem.viktigt": ["storlek", "pris", "lage"], "hem.samtycke": "OK"}
