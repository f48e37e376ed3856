"""The offline app renders what the Python pages do: repeats, range/rank/acknowledge/geopoint, ${} piping, metadata
(username included, the phone's number left empty).

A questionnaire that uses all of them (tests/webparity.yaml) is added to a field store; an interview runs in
headless Chromium, partly by keyboard, and its completed revision must be what the Python engine makes of the
same raw values, with the same content hash. Screenshots of each page, in Swedish and English, at both tablet
sizes, go to test-artifacts/webparity-*.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from forms import clean_answers
from forms.loader import load
from sync import store

from browser_helpers import artifacts_dir
from server_helpers import Server
from test_browser_webapp import _open_online, _ready, _stored

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEFINITION = Path(__file__).resolve().parent / "webparity.yaml"
PLACE = {"latitude": 63.8258, "longitude": 20.263, "accuracy": 12}


@pytest.fixture
def parity_store(store_path):
    db = store.open_db(store_path)
    store.add_questionnaire(db, load(DEFINITION))
    db.conn.close()
    return store_path


def _start(page, title: str, start: str) -> str:
    page.get_by_label(title).check()
    page.locator("#municipality-filter").fill("Umea")
    page.get_by_role("button", name=start).click()
    page.wait_for_selector("body[data-route$='/s/hem'] #interview")
    return re.search(r"#/i/([0-9a-f-]{36})/s/hem$", page.url).group(1)


def _raw(page, uuid: str) -> dict:
    return page.evaluate("id => FieldkitStorage.getInterview(id).then(i => i.raw)", uuid)


def test_repeats_new_types_piping_and_metadata_in_the_offline_app(chromium, parity_store):
    from playwright.sync_api import expect

    shots = artifacts_dir("webparity-800x1280")
    with Server(parity_store) as server:
        context = chromium.new_context(viewport={"width": 800, "height": 1280}, geolocation=PLACE,
                                       permissions=["geolocation"])
        try:
            page, errors = _open_online(context, server.base)
            uuid = _start(page, "Webbparitet", "Starta")

            # Metadata is recorded, never shown; start, today and the device id are in the draft already.
            form = page.locator("#interview")
            expect(form.locator('[name^="hem.start"], [name^="hem.slut"], [name^="hem.dag"], [name^="hem.enhet"]')) \
                .to_have_count(0)
            expect(form).not_to_contain_text("Enhet")
            raw = _raw(page, uuid)
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", raw["hem.start"])
            assert raw["hem.dag"] == raw["hem.start"][:10] and raw["hem.enhet"] and "hem.slut" not in raw
            # who collects it is the laptop's interviewer; a browser has no phone number: that stays empty
            assert raw["hem.vem"] == "Test Intervjuare" and "hem.tel" not in raw

            # Piping: "…" until answered, then the choice's label and the number as Swedish writes them.
            trivsel = page.locator("#q-hem-trivsel")
            expect(trivsel.locator("legend")).to_contain_text("Hur trivs ni i er … med … personer?")
            page.locator('input[name="hem.boende"][value="hyr"]').check()
            page.locator('input[name="hem.antal"]').fill("3")
            page.locator('input[name="hem.hyra"]').fill("12500")
            expect(trivsel.locator("legend")).to_contain_text("Hur trivs ni i er Hyresrätt med 3 personer?")
            expect(trivsel.locator(".help")).to_have_text("Hyran är 12\u00a0500\u00a0kr. 0 = inte alls, 10 = mycket.")

            # Range: an untouched slider is no answer; arrow keys move it and the number box follows.
            expect(trivsel.locator(".range-ends")).to_have_text("0 till 10")
            box = trivsel.locator('input[name="hem.trivsel"]')
            expect(box).to_have_value("")
            trivsel.locator('input[type="range"]').focus()
            for _ in range(7):
                page.keyboard.press("ArrowRight")
            expect(box).to_have_value("7")

            # Rank: the order shown is no answer until moved; the buttons keep the focus on the moved option.
            rank = page.locator("#q-hem-viktigt")
            expect(rank.locator(".rank-label")).to_have_text(["Läge", "Pris", "Storlek"])
            rank.get_by_role("button", name="Flytta ned: Läge").click()
            expect(rank.get_by_role("button", name="Flytta ned: Läge")).to_be_focused()
            page.keyboard.press("Enter")
            expect(rank.locator(".rank-label")).to_have_text(["Pris", "Storlek", "Läge"])
            expect(rank.get_by_role("button", name="Flytta upp: Läge")).to_be_focused()
            expect(rank.get_by_role("button", name="Rensa svar")).to_be_visible()

            # Geopoint: typed in, or the device's location.
            geo = page.locator("#q-hem-plats")
            geo.get_by_role("button", name="Använd enhetens plats").click()
            expect(geo.get_by_label("Latitud")).to_have_value("63.825800")
            expect(geo.get_by_label("Noggrannhet (m)")).to_have_value("12.0")
            geo.get_by_label("Longitud").fill("20,2630")

            # Acknowledge is required: Next says so, then the box is ticked.
            page.get_by_role("button", name="Nästa").click()
            expect(page.locator("#q-hem-samtycke .error")).to_have_text("Frågan måste besvaras.")
            page.screenshot(path=shots / "01-hem-sv.png", full_page=True)
            page.locator("#q-hem-samtycke").get_by_label("OK").check()
            expect(page.locator("#save-state")).to_contain_text("Sparat i webbläsaren")
            page.get_by_role("button", name="Nästa").click()

            # The repeat: none yet; add three (the third by keyboard), each numbered, with its own relevance.
            page.wait_for_selector("body[data-route$='/s/folk'] #interview")
            people = page.locator("#q-folk-personer")
            expect(people.locator(".help")).to_have_text("Lägg till de 3 personerna.")
            expect(people).to_contain_text("Ingen tillagd ännu.")
            add = people.get_by_role("button", name="Lägg till Person")
            add.click()
            expect(page.locator('input[name="folk.personer[1].namn"]')).to_be_focused()
            page.keyboard.type("Anna")
            add.click()
            page.locator('input[name="folk.personer[2].fodd"]').fill("2012")
            page.locator('input[name="folk.personer[2].roll"][value="annan"]').check()
            expect(page.locator("#q-folk-personer-2--vilken")).to_be_visible()
            expect(page.locator("#q-folk-personer-1--vilken")).to_be_hidden()
            page.locator('input[name="folk.personer[2].vilken"]').fill("Kusin")
            expect(page.locator("#q-folk-personer-2--alder")).to_have_text("Ålder: 13")
            add.focus()
            page.keyboard.press("Enter")
            page.keyboard.type("Cecilia")
            page.locator('input[name="folk.personer[3].fodd"]').fill("1901")
            expect(people.locator(".instance-title")).to_have_text(["Person 1", "Person 2", "Person 3"])
            expect(page.locator("#q-folk-tack")).to_contain_text("Tack! 3 personer, trivsel 7 av 10, viktigast: "
                                                                 "Pris, Storlek, Läge.")

            # Errors name the instance; a broken constraint inside an instance too.
            page.get_by_role("button", name="Granska och slutför").click()
            summary = page.locator(".flash-error[role='alert']")
            expect(summary.locator("li")).to_have_text(["Person 2: Namn: Frågan måste besvaras.",
                                                        "Person 3: Åldern kan inte vara 120 år eller mer."])
            expect(page.locator("#q-folk-personer-2--namn .error")).to_have_text(
                "Person 2: Namn: Frågan måste besvaras.")
            page.screenshot(path=shots / "02-folk-errors-sv.png", full_page=True)

            # Move Person 3 up by keyboard (the focus follows it), then remove Person 3 (once Person 2).
            people.get_by_role("button", name="Flytta upp: Person 3").focus()
            page.keyboard.press("Enter")
            expect(people.get_by_role("button", name="Flytta upp: Person 2")).to_be_focused()
            expect(page.locator('input[name="folk.personer[2].namn"]')).to_have_value("Cecilia")
            page.locator('input[name="folk.personer[2].fodd"]').fill("1990")
            people.get_by_role("button", name="Ta bort: Person 3").click()
            expect(people.locator(".instance-title")).to_have_text(["Person 1", "Person 2"])
            expect(page.locator("#q-folk-tack")).to_contain_text("Tack! 2 personer")
            page.screenshot(path=shots / "03-folk-sv.png", full_page=True)
            page.get_by_role("button", name="Granska och slutför").click()

            page.wait_for_selector("body[data-route$='/review'] #complete")
            review = page.locator("main")
            expect(review).to_contain_text("Person 2 – Namn: Cecilia; Födelseår: 1990; Ålder: 35")
            expect(review).not_to_contain_text("Enhet")
            page.screenshot(path=shots / "04-review-sv.png", full_page=True)
            page.locator("#complete").click()
            expect(page.locator("#completed")).to_be_visible()
            stored = _stored(page, uuid)

            # Reopened, the cleaned answers fill the widgets again; a changed part keeps the others of the place.
            page.get_by_role("button", name="Öppna för ändring").click()
            page.wait_for_selector("body[data-route*='/s/'] #interview")
            page.evaluate("id => location.hash = '#/i/' + id + '/s/hem'", uuid)
            page.wait_for_selector("body[data-route$='/s/hem'] #interview")
            geo = page.locator("#q-hem-plats")
            expect(geo.get_by_label("Latitud")).to_have_value("63.8258")
            geo.get_by_label("Höjd (m)").fill("12,5")
            expect(page.locator('input[name="hem.trivsel"]')).to_have_value("7")
            expect(page.locator("#q-hem-viktigt .rank-label")).to_have_text(["Pris", "Storlek", "Läge"])
            expect(page.locator("#q-hem-samtycke").get_by_label("OK")).to_be_checked()
            expect(page.locator("#save-state")).to_contain_text("Sparat i webbläsaren")
            reopened = _raw(page, uuid)
            assert {key: reopened[key] for key in reopened if key.startswith("hem.plats")} == {
                "hem.plats/lat": 63.8258, "hem.plats/lon": 20.263, "hem.plats/alt": "12,5", "hem.plats/acc": 12}
            assert errors == []
        finally:
            context.close()

    # The revision is what Python makes of the draft's raw values, with the end recorded on completion; compared
    # as canonical JSON, which keeps a whole float (the accuracy, 12.0) apart from an int as Python writes it.
    questionnaire = load(DEFINITION)
    interview, revision = stored["interview"], stored["revisions"][0]
    sent = json.loads(revision["canonical"])
    assert "hem.slut" not in interview["raw"] and sent["hem.slut"] >= sent["hem.start"]
    python = clean_answers(questionnaire, {**interview["raw"], "hem.slut": sent["hem.slut"]})
    assert python.ok, python.errors
    assert revision["canonical"] == store.canonical_json(python.answers)
    assert revision["content_hash"] == store.revision_hash(uuid, "webbparitet", "1", "2480", python.answers, None)
    answers = python.answers
    assert answers["folk.personer"] == [{"folk.personer.namn": "Anna"},
                                        {"folk.personer.namn": "Cecilia", "folk.personer.fodd": 1990}]
    assert (answers["hem.trivsel"], answers["hem.viktigt"], answers["hem.samtycke"]) == (7, ["pris", "storlek", "lage"],
                                                                                        "OK")
    assert answers["hem.plats"] == {"lat": 63.8258, "lon": 20.263, "acc": 12.0}
    assert answers["hem.hyra"] == 12500 and '"acc":12.0' in revision["canonical"]


@pytest.mark.parametrize("width, height", [(800, 1280), (1280, 800)])
def test_the_new_pages_in_english_and_swedish(chromium, parity_store, width, height):
    """Both pages in both languages (screenshots); English piping and instance errors; nothing wider than the screen."""
    from playwright.sync_api import expect

    shots = artifacts_dir(f"webparity-{width}x{height}-languages")
    with Server(parity_store) as server:
        context = chromium.new_context(viewport={"width": width, "height": height})
        try:
            page, errors = _open_online(context, server.base)
            page.get_by_role("button", name="English").click()
            uuid = _start(page, "Web parity", "Start")
            page.locator('input[name="hem.boende"][value="eget"]').check()
            page.locator('input[name="hem.antal"]').fill("4")
            page.locator('input[name="hem.hyra"]').fill("12 500")
            expect(page.locator("#q-hem-trivsel legend")).to_contain_text(
                "How do you like your own house with 4 people?")
            expect(page.locator("#q-hem-trivsel .help")).to_have_text(
                "The rent is SEK\u00a012,500. 0 = not at all, 10 = very much.")
            page.screenshot(path=shots / "01-hem-en.png", full_page=True)
            page.get_by_role("button", name="Svenska").click()
            page.wait_for_selector("body[data-route$='/s/hem'] #interview")
            expect(page.locator("#q-hem-trivsel legend")).to_contain_text("Hur trivs ni i er Eget hus med 4 personer?")
            expect(page.locator("#q-hem-trivsel .help")).to_contain_text("Hyran är 12\u00a0500\u00a0kr.")
            page.screenshot(path=shots / "02-hem-sv.png", full_page=True)
            wide = page.evaluate("""() => Array.from(document.querySelectorAll('main *')).filter(
                e => e.getBoundingClientRect().right > window.innerWidth).map(e => e.tagName + '.' + e.className)""")
            assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth"), wide
            page.evaluate("id => location.hash = '#/i/' + id + '/s/folk'", uuid)
            page.wait_for_selector("body[data-route$='/s/folk'] #interview")
            page.get_by_role("button", name="English").click()
            page.wait_for_selector("body[data-route$='/s/folk'] #interview")
            add = page.get_by_role("button", name="Add Person")
            add.click()
            add.click()
            page.locator('input[name="folk.personer[1].namn"]').fill("Anna")
            page.get_by_role("button", name="Review and complete").click()
            expect(page.locator(".flash-error[role='alert'] li")).to_have_text(["Person 2: Name: This question must be "
                                                                                "answered."])
            page.screenshot(path=shots / "03-folk-en.png", full_page=True)
            assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            page.get_by_role("button", name="Svenska").click()
            page.wait_for_selector("body[data-route$='/s/folk'] #interview")
            page.screenshot(path=shots / "04-folk-sv.png", full_page=True)
            assert _raw(page, uuid)["folk.personer"] == [{"folk.personer.namn": "Anna"}, {}]
            assert errors == []
        finally:
            context.close()
