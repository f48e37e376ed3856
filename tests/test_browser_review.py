"""The central server in headless Chromium: an evaluator resolves a conflict and corrects an answer, the admin
sees both in the audit log, and a county user's reports show their own county only."""

from __future__ import annotations

import re

import pytest

from sync import store

from browser_helpers import artifacts_dir, log_in
from central_helpers import OTHER_COUNTY, make_conflict, make_submission
from server_helpers import Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _logout(page):
    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/logga-in")


def test_evaluator_resolves_a_conflict_and_corrects_an_answer_admin_sees_both(chromium, central_path, cdb, tmp_path,
                                                                               make_laptop):
    from playwright.sync_api import expect

    found = make_conflict(cdb, tmp_path, make_laptop)
    sid = found["sid"]
    for seed in range(3):
        make_submission(cdb, seed=seed)
    make_submission(cdb, municipality=OTHER_COUNTY, interviewer="inez", seed=7)
    cdb.conn.close()
    shots = artifacts_dir("review")
    with Server(central_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        errors, missing = [], []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda message: errors.append(message.text)
                if message.type == "error" and "Failed to load resource" not in message.text else None)
        page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)

        page.goto(server.base + "/granskning/")
        page.wait_for_url(re.compile(r"/logga-in\?next="))
        page.screenshot(path=shots / "01-login.png", full_page=True)
        log_in(page, server.base, "eva")
        page.wait_for_url("**/granskning/")
        page.locator('select[name="conflict"]').select_option("yes")
        page.get_by_role("button", name="Filtrera").click()
        expect(page.get_by_text("Träffar: 1")).to_be_visible()
        page.screenshot(path=shots / "02-list-conflicts.png", full_page=True)
        page.get_by_role("link", name="Umeå").click()
        page.wait_for_url(f"**/granskning/{sid}")
        page.screenshot(path=shots / "03-submission-in-conflict.png", full_page=True)

        page.get_by_role("link", name="Lös konflikten").click()
        page.wait_for_url(f"**/granskning/{sid}/konflikt/*")
        rows = page.locator("table.conflict tbody tr")
        expect(rows).to_have_count(3)
        page.screenshot(path=shots / "04-conflict.png", full_page=True)
        page.locator('tr[id="diff-forslag.effektivisering"] input[value="other"]').check()
        page.get_by_label("Kommentar (frivillig)").fill("Bertils förslag är det senaste")
        page.get_by_role("button", name="Spara det valda som en ny revidering").click()
        page.wait_for_url(f"**/granskning/{sid}")
        expect(page.get_by_text("Konflikten är löst")).to_be_visible()
        expect(page.get_by_role("link", name="Lös konflikten")).to_have_count(0)
        page.screenshot(path=shots / "05-resolved.png", full_page=True)

        page.locator("section.answers", has_text="Lokal överenskommelse").get_by_role("link", name="Rätta svar").click()
        page.wait_for_url(f"**/granskning/{sid}/andra/lok")
        page.locator('input[name="lok.har_lok"][value="nej"]').check()
        page.get_by_role("button", name="Spara rättelsen").click()
        expect(page.get_by_text("Skriv en kommentar om varför svaren ändras.")).to_be_visible()
        page.get_by_label("Kommentar: varför ändras svaren?").fill("Kommunen bekräftade i telefon: ingen LÖK")
        page.screenshot(path=shots / "06-edit.png", full_page=True)
        page.get_by_role("button", name="Spara rättelsen").click()
        page.wait_for_url(f"**/granskning/{sid}")
        expect(page.get_by_text("Rättelsen är sparad som en ny revidering.")).to_be_visible()
        page.get_by_role("link", name="Revideringshistorik").click()
        expect(page.locator("td.changed").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "the history fits the window"
        page.screenshot(path=shots / "07-history.png", full_page=True)
        _logout(page)

        log_in(page, server.base, "ada")
        page.goto(server.base + "/admin/logg")
        expect(page.locator("tr.audit-conflict_resolved")).to_contain_text("eva")
        expect(page.locator("tr.audit-edit")).to_contain_text("Kommunen bekräftade i telefon: ingen LÖK")
        page.screenshot(path=shots / "08-audit.png", full_page=True)
        _logout(page)
        assert not errors, errors
        assert not missing, missing
        page.close()
    db = store.open_db(central_path)
    sub = store.get_submission(db, sid)
    assert not sub.conflict and sub.answers["lok.har_lok"] == "nej"
    assert sub.answers["forslag.effektivisering"] == "Bertils förslag"
    db.conn.close()


def test_a_county_user_sees_only_their_county_in_the_reports(chromium, central_path, cdb):
    from playwright.sync_api import expect

    for seed in range(4):
        make_submission(cdb, municipality=["2480", "2481", "2482", "2404"][seed], seed=seed)
    for seed in range(3):
        make_submission(cdb, municipality=OTHER_COUNTY, interviewer="inez", seed=10 + seed)
    cdb.conn.close()
    shots = artifacts_dir("review/county")
    with Server(central_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        log_in(page, server.base, "lena")
        page.wait_for_url("**/granskning/")
        expect(page.get_by_text("Träffar: 4")).to_be_visible()
        page.screenshot(path=shots / "01-county-review-list.png", full_page=True)
        page.get_by_role("link", name="Rapporter").click()
        expect(page.locator("main")).to_contain_text("kub-webbenkat · version 3 · 4 slutförda")
        page.screenshot(path=shots / "02-county-reports.png", full_page=True)
        page.get_by_role("link", name="KUB webbenkät", exact=False).click()
        page.wait_for_load_state()
        main = page.locator("main")
        expect(main).to_contain_text("Antal intervjuer: 4")
        expect(main).to_contain_text("Västerbotten")
        expect(main).not_to_contain_text("Stockholms län")
        page.screenshot(path=shots / "03-county-report.png", full_page=True)
        page.goto(page.url.split("?")[0] + "?lan=01")
        expect(page.locator("main")).not_to_contain_text("Stockholms län")
        expect(page.locator("main")).to_contain_text("Antal intervjuer: 4")
        page.screenshot(path=shots / "04-county-report-asked-for-another.png", full_page=True)
        page.close()
