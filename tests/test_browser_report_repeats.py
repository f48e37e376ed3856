"""A repeat's section of the reports page in headless Chromium, at a wide and a narrow window."""

from __future__ import annotations

import pytest

from sync import store

from browser_helpers import artifacts_dir
from server_helpers import Server
from test_report_repeats import QID, store_units

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("width", [1280, 800])
def test_the_repeats_section_reads_at_a_wide_and_a_narrow_window(chromium, store_path, width):
    from playwright.sync_api import expect

    db = store.open_db(store_path)
    store_units(db)
    db.conn.close()
    shots = artifacts_dir(f"report-repeats-{width}")
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{server.base}/rapporter/{QID}?minsta=3")
        page.get_by_role("link", name="2. Bostäder (upprepad grupp)").click()
        section = page.locator("#r-s-bostader")
        expect(section.get_by_role("heading", name="2. Bostäder (upprepad grupp)")).to_be_in_viewport()
        summary = section.locator("#q-s-bostader--instances")
        expect(summary.get_by_role("row", name="Totalt")).to_have_text("Totalt 3 6", use_inner_text=True)
        expect(summary.get_by_role("row", name="Stockholms län")).to_contain_text("<3")
        kinds = section.locator("#q-s-bostader-typ")
        expect(kinds.locator("figcaption")).to_have_text("Typ av bostad (n = 5; alla län)")
        # the page never scrolls sideways: a wide table scrolls in its own box
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        section.screenshot(path=shots / "repeat.png")
        page.close()
