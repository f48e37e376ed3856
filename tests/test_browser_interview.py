"""The KUB web survey filled in end to end in headless Chromium, with keyboard and mouse."""

from __future__ import annotations

import pytest

from sync import store
from sync.selection import Selection

from browser_helpers import artifacts_dir
from server_helpers import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_kub_survey_end_to_end_with_relevance_and_autosave(chromium, store_path):
    from playwright.sync_api import expect

    shots = artifacts_dir("interview")
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server.base + "/")
        page.get_by_label("KUB webbenkät", exact=False).check()
        filter_box = page.get_by_placeholder("Sök kommun (namn eller kod)")
        filter_box.click()
        page.keyboard.type("Umea")
        expect(page.locator("#municipality")).to_have_value("2480")
        page.screenshot(path=shots / "01-start.png", full_page=True)
        page.keyboard.press("Tab")  # to the select
        page.keyboard.press("Tab")  # to the start button
        page.keyboard.press("Enter")
        page.wait_for_url("**/del/samarbete_bostader")
        expect(page.get_by_text("Del 1 av 7")).to_be_visible()

        # Keyboard: the first radio group, arrow keys move and select.
        page.locator('input[name="samarbete_bostader.kommunalt_bostadsbolag"]').first.focus()
        page.keyboard.press("Space")
        page.locator('input[name="samarbete_bostader.privat_hyresvard"][value="vet_ej"]').check()
        page.screenshot(path=shots / "02-samarbete.png", full_page=True)
        page.get_by_role("button", name="Nästa").click()

        page.wait_for_url("**/del/tillgang_bostader")
        for item, level in (("rum_1", "mycket_svart"), ("rum_2_3", "ganska_svart"), ("rum_4_fler", "vet_ej")):
            page.locator(f'input[name="tillgang_bostader.tillgang/{item}"][value="{level}"]').click()
        page.screenshot(path=shots / "03-tillgang.png", full_page=True)
        page.get_by_role("button", name="Nästa").click()

        page.wait_for_url("**/del/hinder")
        page.locator('input[name="hinder.hinder/hyresvardar_samarbete"][value="instammer_helt"]').click()
        page.screenshot(path=shots / "04-hinder.png", full_page=True)
        page.get_by_role("button", name="Nästa").click()
        page.wait_for_url("**/del/underlatta")
        page.get_by_role("button", name="Nästa").click()

        # Autosave while typing, then a reload: the text is still there.
        page.wait_for_url("**/del/samarbete")
        page.locator('input[name="samarbete.af_bosattning"][value="ganska_bra"]').check()
        comment = page.locator('textarea[name="samarbete.af_bosattning_kommentar"]')
        comment.click()
        page.keyboard.type("Lätta att nå och bra dialog.")
        expect(page.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
        page.screenshot(path=shots / "05-samarbete-autosaved.png", full_page=True)
        page.reload()
        expect(comment).to_have_value("Lätta att nå och bra dialog.")
        page.get_by_role("button", name="Nästa").click()

        # Relevance: the LÖK follow-up shows only after "Ja".
        page.wait_for_url("**/del/lok")
        follow_up = page.locator("#q-lok\\.bosattning_bostader")
        expect(follow_up).to_be_hidden()
        page.locator('input[name="lok.har_lok"][value="ja"]').check()
        expect(follow_up).to_be_visible(timeout=10000)
        page.locator('input[name="lok.bosattning_bostader"][value="nej"]').check()
        page.screenshot(path=shots / "06-lok.png", full_page=True)
        page.get_by_role("button", name="Nästa").click()

        page.wait_for_url("**/del/forslag")
        page.locator('textarea[name="forslag.effektivisering"]').fill("Färre inblandade aktörer.")
        page.get_by_role("button", name="Granska och slutför").click()
        page.wait_for_url("**/granska")
        page.screenshot(path=shots / "07-review.png", full_page=True)
        page.get_by_role("button", name="Slutför intervjun").click()
        page.wait_for_url("**/sammanstallning")
        expect(page.get_by_text("Intervjun är slutförd och sparad.")).to_be_visible()
        page.screenshot(path=shots / "08-summary.png", full_page=True)
        page.set_viewport_size({"width": 800, "height": 1100})
        page.screenshot(path=shots / "09-summary-tablet.png", full_page=True)
        page.close()

    db = store.open_db(store_path)
    row = store.list_submissions(db, Selection(status="complete"))[0]
    answers = store.get_submission(db, row["uuid"]).answers
    assert row["municipality_code"] == "2480"
    assert answers["samarbete_bostader.kommunalt_bostadsbolag"] == "ja"
    assert answers["samarbete_bostader.privat_hyresvard"] == "vet_ej"
    assert answers["tillgang_bostader.tillgang"] == {"rum_1": "mycket_svart", "rum_2_3": "ganska_svart", "rum_4_fler": "vet_ej"}
    assert answers["samarbete.af_bosattning_kommentar"] == "Lätta att nå och bra dialog."
    assert answers["lok.har_lok"] == "ja" and answers["lok.bosattning_bostader"] == "nej"
    assert answers["forslag.effektivisering"] == "Färre inblandade aktörer."
