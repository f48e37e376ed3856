"""A choice filter over an answer on the same page narrows the choices as that answer changes, by keyboard, and a
choice that no longer fits is cleared and saved; without JavaScript every choice is shown and saving refuses one that
does not fit. Headless Chromium against a real server."""

from __future__ import annotations

import pytest

from sync import store

from browser_helpers import log_in, stored_draft
from server_helpers import Server
from test_choice_filter import live_form

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _new_interview(store_path) -> str:
    db = store.open_db(store_path)
    store.add_questionnaire(db, live_form())
    sid = store.create_submission(db, "levande", "0180")
    db.conn.close()
    return sid


def _shown(page, name: str) -> list[str]:
    """The labels of the choices of one question that the page shows."""
    return [text.strip() for text in page.locator(f'input[name="{name}"]').evaluate_all(
        "inputs => inputs.filter(i => i.offsetParent !== null).map(i => i.closest('label').textContent)")]


def _chosen(page, name: str) -> list[str]:
    return page.locator(f'input[name="{name}"]').evaluate_all(
        "inputs => inputs.filter(i => i.checked).map(i => i.value)")


def _saved(page, store_path, sid, expected: dict):
    """Wait until the page says saved and the server's draft holds these values (None: not answered)."""
    from playwright.sync_api import expect

    expect(page.locator("#save-state")).to_contain_text("Sparat", timeout=10000)
    raw = stored_draft(store_path, sid)["raw"]
    assert {key: raw.get(key) for key in expected} == expected


def test_the_choices_follow_the_answer_on_the_same_page_by_keyboard(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{server.base}/s/{sid}/del/k")
        hint = page.locator('[id="q-k.ort"] .filter-none')
        # No county yet: only "Vet ej", and a hint that says what to answer first
        assert _shown(page, "k.ort") == ["Vet ej"]
        expect(hint).to_have_text("Svara på ”Län igen” först: alternativen beror på det.")

        page.locator('[id="k.samma-0"]').focus()
        page.keyboard.press("Space")  # Västerbottens län
        assert _shown(page, "k.ort") == ["Umeå", "Skellefteå", "Vet ej"]
        expect(hint).to_be_hidden()
        page.locator('[id="k.ort-0"]').focus()
        page.keyboard.press("ArrowDown")  # Umeå -> Skellefteå, by arrow key as in any radio group
        assert _chosen(page, "k.ort") == ["2482"]
        page.keyboard.press("ArrowDown")  # past the hidden Luleå
        assert _chosen(page, "k.ort") == ["vet_ej"]
        page.keyboard.press("ArrowUp")
        assert _chosen(page, "k.ort") == ["2482"]
        _saved(page, store_path, sid, {"k.samma": "24", "k.ort": "2482"})

        # Another county: Skellefteå no longer fits, so it is cleared, and the page saves that
        page.locator('[id="k.samma-0"]').focus()
        page.keyboard.press("ArrowDown")  # Norrbottens län
        assert _chosen(page, "k.samma") == ["25"]
        assert _chosen(page, "k.ort") == []
        assert _shown(page, "k.ort") == ["Luleå", "Vet ej"]
        _saved(page, store_path, sid, {"k.samma": "25", "k.ort": None})
        page.locator('[id="k.ort-2"]').check()  # Luleå

        # A number typed in: "25" and " 24 " compare as the server compares them
        page.locator('input[name="k.lankod"]').fill("25")
        assert _shown(page, "k.orter") == ["Luleå"]
        page.locator('input[name="k.lankod"]').fill(" 24 ")
        assert _shown(page, "k.orter") == ["Umeå", "Skellefteå"]
        page.locator('[id="k.orter-0"]').check()  # Umeå
        _saved(page, store_path, sid, {"k.orter": ["2480"]})
        page.locator('input[name="k.lankod/special"]').check()  # Vet ej: no county, so nothing fits
        assert _chosen(page, "k.orter") == [] and _shown(page, "k.orter") == []
        expect(page.locator('[id="q-k.orter"] .filter-none')).to_have_text(
            "Svara på ”Länskod” först: alternativen beror på det.")
        _saved(page, store_path, sid, {"k.lankod": "vet_ej", "k.orter": None})

        # Inside a repeat: the instance's own county and, here, the place chosen above
        page.get_by_role("button", name="Lägg till Besök").click()
        page.wait_for_url("**#inst-k.besok-1")
        assert _shown(page, "k.besok[1].kommun") == []
        page.locator('input[name="k.besok[1].lan"][value="25"]').check()
        assert _shown(page, "k.besok[1].kommun") == ["Luleå"]
        page.locator('input[name="k.besok[1].kommun"][value="2580"]').check()
        _saved(page, store_path, sid, {"k.ort": "2580"})
        assert stored_draft(store_path, sid)["raw"]["k.besok"] == [{"k.besok.lan": "25", "k.besok.kommun": "2580"}]
        page.close()


def test_without_javascript_every_choice_is_shown_and_saving_refuses_one_that_does_not_fit(chromium, store_path):
    from playwright.sync_api import expect

    sid = _new_interview(store_path)
    with Server(store_path) as server:
        context = chromium.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{server.base}/s/{sid}/del/k")
        assert _shown(page, "k.ort") == ["Umeå", "Skellefteå", "Luleå", "Vet ej"]
        expect(page.locator('[id="q-k.ort"] .filter-none')).to_be_hidden()
        page.get_by_label("Norrbottens län").first.check()
        page.get_by_label("Umeå").first.check()
        page.get_by_role("button", name="Granska och slutför").last.click()
        expect(page.locator(".error-summary")).to_contain_text('"Umeå" passar inte till svaret på "Län igen"')
        context.close()

        # With the script the refused choice stays shown, chosen, until the county changes
        page = chromium.new_page()
        page.goto(f"{server.base}/s/{sid}/del/k")
        assert _shown(page, "k.ort") == ["Umeå", "Luleå", "Vet ej"] and _chosen(page, "k.ort") == ["2480"]
        page.get_by_label("Västerbottens län").first.check()
        assert _shown(page, "k.ort") == ["Umeå", "Skellefteå", "Vet ej"] and _chosen(page, "k.ort") == ["2480"]
        page.get_by_label("Norrbottens län").first.check()
        assert _shown(page, "k.ort") == ["Luleå", "Vet ej"] and _chosen(page, "k.ort") == []
        _saved(page, store_path, sid, {"k.samma": "25", "k.ort": None})
        page.close()


def test_the_evaluators_correction_page_narrows_the_choices_as_the_interview_page_does(chromium, central_path, cdb):
    from playwright.sync_api import expect

    store.add_questionnaire(cdb, live_form())
    sid = store.create_submission(cdb, "levande", "0180")
    store.complete_submission(cdb, sid, {"p.lan": "25", "k.samma": "24", "k.ort": "2480"})
    with Server(central_path) as server:
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        log_in(page, server.base, "eva")
        page.goto(f"{server.base}/granskning/{sid}/andra/k")
        assert _shown(page, "k.ort") == ["Umeå", "Skellefteå", "Vet ej"] and _chosen(page, "k.ort") == ["2480"]
        page.get_by_label("Norrbottens län").first.check()  # Umeå no longer fits: cleared
        assert _shown(page, "k.ort") == ["Luleå", "Vet ej"] and _chosen(page, "k.ort") == []
        page.get_by_label("Luleå").first.check()
        page.get_by_label("Kommentar: varför ändras svaren?").fill("Fel län i intervjun")
        page.get_by_role("button", name="Spara rättelsen").click()
        expect(page.get_by_text("Rättelsen är sparad som en ny revidering.")).to_be_visible()
        page.close()
    answers = store.get_submission(cdb, sid).answers
    assert (answers["k.samma"], answers["k.ort"]) == ("25", "2580")
