"""Issue 15 on a field laptop in headless Chromium: naming the interviewer, clearing a radio answer with the
script, the matrix header row that stays in view, and lists that fit a tablet held upright."""

from __future__ import annotations

import pytest

from sync import store
from sync.demo import make_demo

from browser_helpers import artifacts_dir
from server_helpers import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDE, TALL = {"width": 1280, "height": 800}, {"width": 800, "height": 1280}


def _watch(page):
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def test_interviewer_named_on_first_use_and_a_radio_answer_cleared(chromium, store_path, db):
    from playwright.sync_api import expect

    db.execute("delete from settings where key = 'interviewer'")
    db.conn.commit()
    shots = artifacts_dir("field-laptop")
    with Server(store_path) as server:
        page = chromium.new_page(viewport=WIDE)
        errors = _watch(page)
        page.goto(server.base + "/")
        expect(page.get_by_role("heading", name="Vem intervjuar?")).to_be_visible()
        expect(page.get_by_role("button", name="Starta intervjun")).to_have_count(0)
        page.screenshot(path=shots / "01-start-asks-name-1280.png", full_page=True)
        page.get_by_label("Ditt namn").fill("Anna Berg")
        page.get_by_role("button", name="Spara namnet").click()
        expect(page.get_by_text("Nya intervjuer registreras på Anna Berg.")).to_be_visible()
        page.screenshot(path=shots / "02-start-named-1280.png", full_page=True)
        page.get_by_text("Byt intervjuare").click()
        page.get_by_label("Intervjuarens namn").fill("Bo Ek")
        page.screenshot(path=shots / "03-start-change-open-1280.png", full_page=True)
        page.get_by_role("button", name="Spara namnet").click()
        expect(page.get_by_text("Intervjuare: Bo Ek")).to_be_visible()

        page.locator('input[name="questionnaire"][value="kub-webbenkat"]').check()
        page.locator("#municipality").select_option("2480")
        page.get_by_role("button", name="Starta intervjun").click()
        page.wait_for_url("**/del/**")
        sid = page.url.split("/")[4]
        assert store.get_submission(db, sid).interviewer == "Bo Ek"

        page.goto(f"{server.base}/s/{sid}/del/lok")
        page.locator('input[name="lok.har_lok"][value="ja"]').check()
        follow = page.locator('input[name="lok.bosattning_bostader"][value="nej"]')
        expect(follow).to_be_visible()
        follow.check()
        expect(page.locator("#save-state")).to_contain_text("Sparat")
        page.screenshot(path=shots / "04-radio-answered-1280.png", full_page=True)
        page.locator("#q-lok\\.bosattning_bostader").get_by_role("button", name="Rensa svar").click()
        expect(follow).not_to_be_checked()
        expect(page).to_have_url(f"{server.base}/s/{sid}/del/lok")  # no page change: the script did it
        for _ in range(50):  # the autosave goes out 300 ms after the change
            if store.get_submission(db, sid).draft["raw"] == {"lok.har_lok": "ja"}:
                break
            page.wait_for_timeout(100)
        assert store.get_submission(db, sid).draft["raw"] == {"lok.har_lok": "ja"}
        expect(page.locator("#save-state")).to_contain_text("Sparat")
        page.screenshot(path=shots / "05-radio-cleared-1280.png", full_page=True)
        assert errors == []


def test_matrix_header_stays_in_view_and_lists_fit_an_upright_tablet(chromium, store_path, db):
    make_demo(db, 12, seed=3)
    shots = artifacts_dir("field-laptop-lists")
    with Server(store_path) as server:
        page = chromium.new_page(viewport=WIDE)
        errors = _watch(page)
        page.goto(server.base + "/")
        page.locator('input[name="questionnaire"][value="kub-webbenkat"]').check()
        page.locator("#municipality").select_option("2480")
        page.get_by_role("button", name="Starta intervjun").click()
        page.wait_for_url("**/del/**")
        sid = page.url.split("/")[4]
        for size, name in ((WIDE, "1280"), (TALL, "800")):
            page.set_viewport_size(size)
            page.goto(f"{server.base}/s/{sid}/del/hinder")
            wrap = page.locator(".matrix-wrap")
            # 13 statements are taller than the box (at most 75 % of the screen): it scrolls, its header row stays
            assert wrap.evaluate("w => w.scrollHeight > w.clientHeight"), f"the matrix does not scroll at {name} px"
            wrap.evaluate("w => w.scrollIntoView()")
            box = wrap.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.mouse.wheel(0, 250)
            page.wait_for_function("() => document.querySelector('.matrix-wrap').scrollTop > 0")
            page.wait_for_timeout(200)
            gap = wrap.evaluate("w => w.querySelector('thead th').getBoundingClientRect().top"
                                " - w.getBoundingClientRect().top")
            assert abs(gap) < 1.5, f"the header row scrolled away at {name} px: {gap}"
            page.screenshot(path=shots / f"01-matrix-scrolled-{name}.png")

            page.goto(server.base + "/intervjuer")
            page.screenshot(path=shots / f"02-interviews-{name}.png", full_page=True)
            table_wrap = page.locator(".table-wrap")
            assert table_wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), f"the list scrolls sideways at {name}"
            for link in page.get_by_role("link", name="Öppna", exact=True).all():
                box = link.bounding_box()
                assert box["x"] + box["width"] <= size["width"] and box["height"] < 30, (name, box)
            for cell in page.locator("td.date").all():
                lines = cell.evaluate("c => { const r = document.createRange(); r.selectNodeContents(c);"
                                      " return r.getClientRects().length; }")
                assert lines == 1, f"a date wraps at {name} px"
        assert errors == []
