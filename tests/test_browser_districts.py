"""The start page's district in headless Chromium: shown only for a questionnaire answered per district."""

from __future__ import annotations

import pytest

from sync import store

from browser_helpers import artifacts_dir
from server_helpers import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_district_is_asked_only_for_a_questionnaire_answered_per_district(chromium, store_path):
    from playwright.sync_api import expect

    shots = artifacts_dir("districts")
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server.base + "/")
        district = page.locator("#district")
        page.get_by_label("KUB webbenkät", exact=False).check()
        expect(district).to_be_hidden()
        page.get_by_label("Stockholms stad: uppföljning", exact=False).check()
        expect(district).to_be_visible()
        page.locator("#municipality").select_option("0180")
        district.select_option("0180-08")
        page.screenshot(path=shots / "01-start.png", full_page=True)
        page.get_by_role("button", name="Starta intervjun").click()
        page.wait_for_url("**/del/period")
        expect(page.get_by_text("Stockholm, Södermalm")).to_be_visible()
    db = store.open_db(store_path)
    (row,) = db.query("select municipality_code, district_code from submissions")
    assert row == {"municipality_code": "0180", "district_code": "0180-08"}
