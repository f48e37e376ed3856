"""range, rank, acknowledge and geopoint questions, and ${section.question} piped into labels and help.

The definition is written inline; each test checks what a questionnaire author, an interviewer or an
analyst would see: the loader's messages, the cleaned answers, the page, the export.
"""

from __future__ import annotations

import html as htmllib

import pytest
from werkzeug.datastructures import MultiDict

from forms import clean_answers
from forms.loader import load_text
from forms.piping import pipe
from sync import store

from field_helpers import start_interview

FORM = """\
id: fler-typer
version: "1"
title: {sv: Fler frågetyper, en: More question types}
sections:
  - id: hem
    title: {sv: Hemmet, en: Home}
    questions:
      - id: boende
        type: single
        label: {sv: Boende, en: Housing}
        choices:
          - {code: hyra, label: {sv: "Hyresrätt <A&B>", en: "Rented <A&B>"}}
          - {code: eget, label: {sv: Eget hus, en: Own house}}
      - id: antal
        type: integer
        label: {sv: Antal personer, en: People}
      - id: flytt
        type: date
        label: {sv: Inflyttning, en: Moved in}
      - id: trivsel
        type: range
        label: {sv: "Hur trivs ni i er ${hem.boende} med ${hem.antal} personer?", en: "How do you like your ${hem.boende}?"}
        help: {sv: "Sedan ${hem.flytt}.", en: "Since ${hem.flytt}."}
        min: 0
        max: 10
        step: 2
      - id: viktigt
        type: rank
        label: {sv: "Vad är viktigast?", en: "What matters most?"}
        choices:
          - {code: pris, label: {sv: Pris, en: Price}}
          - {code: lage, label: {sv: Läge, en: Location}}
          - {code: storlek, label: {sv: Storlek, en: Size}}
      - id: samtycke
        type: acknowledge
        label: {sv: Jag har läst informationen, en: I have read the information}
        required: true
      - id: plats
        type: geopoint
        label: {sv: "Var ligger bostaden?", en: "Where is the home?"}
"""


@pytest.fixture(scope="module")
def form():
    result = load_text(FORM, "fler.yaml")
    assert result.problems == []
    return result.questionnaire


def problems(text: str) -> list[str]:
    return [str(p) for p in load_text(text, "x.yaml").problems]


def one_question(lines: str) -> str:
    return ("id: x\nversion: \"1\"\ntitle: X\nsections:\n  - id: s\n    title: S\n    questions:\n"
            "      - {id: a, type: integer, label: A}\n" + lines)


# ---------------------------------------------------------------- the loader


def test_loader_names_file_and_line_of_what_the_new_types_lack():
    assert problems(one_question("      - {id: r, type: range, label: R, max: 10}\n")) == [
        "x.yaml:9: range question 's.r' needs min: the slider's lowest value, e.g. min: 0, max: 10"]
    assert problems(one_question("      - {id: r, type: range, label: R, min: 0, max: 10, step: 3}\n")) == [
        "x.yaml:9: step 3 does not fit range 's.r': from min 0 it never reaches max 10"]
    assert problems(one_question("      - {id: r, type: range, label: R, min: 0, max: 1, step: 0}\n")) == [
        "x.yaml:9: step of 's.r' must be a number greater than 0 (got 0)"]
    assert problems(one_question("      - {id: r, type: integer, label: R, step: 2}\n")) == [
        "x.yaml:9: step is only for range questions, not for integer 's.r'"]
    assert problems(one_question("      - {id: k, type: rank, label: K}\n")) == [
        "x.yaml:9: rank question 's.k' needs choices"]
    assert problems(one_question("      - {id: g, type: geopoint, label: G, dont_know: true}\n")) == [
        "x.yaml:9: dont_know is not available for geopoint question 's.g'"]


def test_loader_refuses_a_piped_reference_to_an_unknown_question_or_to_itself():
    assert problems(one_question("      - {id: b, type: text, label: \"Hello ${s.nobody}\"}\n")) == [
        "x.yaml:9: label of 's.b' refers to ${s.nobody}: no question has that id: write ${section.question}, "
        "e.g. ${hushall.antal}"]
    assert problems(one_question("      - {id: b, type: text, label: B, help: \"Was ${s.b}\"}\n")) == [
        "x.yaml:9: help of 's.b' refers to ${s.b}: a question cannot show its own answer in its text"]
    assert problems(one_question("      - {id: b, type: text, label: \"A is ${s.a}\"}\n")) == []


# ---------------------------------------------------------------- cleaning


def test_cleaning_keeps_numbers_on_the_steps_orders_codes_and_coordinates(form):
    cleaned = clean_answers(form, {
        "hem.trivsel": "6", "hem.viktigt": ["lage", "pris", "storlek"], "hem.samtycke": "OK",
        "hem.plats/lat": "63,8258", "hem.plats/lon": " 20.263 ", "hem.plats/acc": "12.5"})
    assert cleaned.errors == {}
    assert cleaned.answers == {"hem.trivsel": 6, "hem.viktigt": ["lage", "pris", "storlek"], "hem.samtycke": "OK",
                               "hem.plats": {"lat": 63.8258, "lon": 20.263, "acc": 12.5}}
    # as JSON from the offline app or an import: ODK's "lat lon alt acc" text works too
    assert clean_answers(form, {"hem.plats": "63.8258 20.263 12 5", "hem.samtycke": "OK"}).answers["hem.plats"] == {
        "lat": 63.8258, "lon": 20.263, "alt": 12.0, "acc": 5.0}


def test_cleaning_says_what_is_wrong_with_each_new_type(form):
    cleaned = clean_answers(form, {"hem.trivsel": "5", "hem.viktigt": ["lage", "pris"], "hem.plats/lat": "95",
                                   "hem.plats/lon": "20"}, lang="en")
    assert cleaned.errors == {
        "hem.trivsel": "Choose a value in steps of 2 from 0.",
        "hem.viktigt": "Put every option in a place of its own.",
        "hem.samtycke": "This question must be answered.",
        "hem.plats": "The latitude must be between -90 and 90 and the longitude between -180 and 180.",
    }
    cleaned = clean_answers(form, {"hem.trivsel": "12", "hem.viktigt": ["lage", "lage", "pris"],
                                   "hem.plats/lat": "63.8", "hem.samtycke": "OK"}, lang="sv")
    assert cleaned.errors == {
        "hem.trivsel": "Värdet får inte vara större än 10.",
        "hem.viktigt": "Ge varje alternativ en egen plats.",
        "hem.plats": "Ange latitud och longitud i decimala grader, t.ex. 63,8258 och 20,2630.",
    }


def test_piping_shows_the_answer_as_the_page_language_writes_it(form):
    answers = {"hem.boende": "hyra", "hem.antal": 12500, "hem.flytt": "2019-05-01"}
    question = form.question("hem.trivsel")
    assert pipe(question.text("sv"), form, answers, "sv") == \
        "Hur trivs ni i er Hyresrätt <A&B> med 12\u00a0500 personer?"
    assert pipe(question.text("en"), form, answers, "en") == "How do you like your Rented <A&B>?"
    assert pipe(question.help_text("sv"), form, answers, "sv") == "Sedan 2019-05-01."
    assert pipe(question.text("sv"), form, {}, "sv") == "Hur trivs ni i er … med … personer?"


# ---------------------------------------------------------------- the page


def test_the_page_pipes_escaped_answers_and_offers_slider_rank_buttons_box_and_coordinates(client, db, form):
    store.add_questionnaire(db, form)
    sid, _ = start_interview(client, "fler-typer")
    url = f"/s/{sid}/del/hem"
    client.post(url, data=MultiDict([("action", "stay"), ("hem.boende", "hyra"), ("hem.antal", "12500")]))
    page = client.get(url).data.decode()
    assert "Hur trivs ni i er Hyresrätt &lt;A&amp;B&gt; med 12\u00a0500 personer?" in page
    assert "Sedan …." in page
    assert 'type="range" class="range-slider" id="hem.trivsel-slider" data-range-for="hem.trivsel" hidden\n' \
           '           min="0" max="10" step="2"' in page
    # rank: in the order written, not yet an answer (the inputs are disabled) until moved or kept
    assert page.count('name="hem.viktigt" value="') == 3
    assert '<input type="hidden" name="hem.viktigt" value="pris" disabled>' in page
    assert 'aria-label="Flytta upp: Läge"' in page
    assert '<input type="checkbox" name="hem.samtycke" id="hem.samtycke" value="OK">' in page
    assert 'id="hem.plats/lat"' in page and 'id="hem.plats/lon"' in page and "Latitud" in page
    assert 'data-geolocate="hem.plats" hidden' in page


def test_rank_buttons_work_without_javascript_and_the_answers_are_stored(client, db, form):
    store.add_questionnaire(db, form)
    sid, _ = start_interview(client, "fler-typer")
    url = f"/s/{sid}/del/hem"
    moved = client.post(url, data=MultiDict([("action", "next"), ("move", "hem.viktigt storlek up")]))
    assert moved.status_code == 422  # a move stays on the page (which says what is still unanswered)
    page = moved.data.decode()
    order = [code for code in ("pris", "lage", "storlek") if f'name="hem.viktigt" value="{code}"' in page]
    assert order == ["pris", "lage", "storlek"]
    assert page.index('value="storlek">') < page.index('value="lage">')  # moved above Läge, now enabled
    done = client.post(url, data=MultiDict([
        ("action", "next"), ("hem.trivsel", "8"), ("hem.viktigt", "storlek"), ("hem.viktigt", "pris"),
        ("hem.viktigt", "lage"), ("hem.samtycke", "OK"), ("hem.plats/lat", "63,8258"), ("hem.plats/lon", "20,263")]))
    assert done.status_code == 302, done.data.decode()[:3000]
    draft = store.get_submission(db, sid).draft
    cleaned = clean_answers(form, draft["raw"])
    assert cleaned.answers["hem.viktigt"] == ["storlek", "pris", "lage"]
    assert cleaned.answers["hem.trivsel"] == 8 and cleaned.answers["hem.samtycke"] == "OK"
    assert cleaned.answers["hem.plats"] == {"lat": 63.8258, "lon": 20.263}
    page = client.get(url).data.decode()
    assert 'value="63,8258"' in page and '<input type="hidden" name="hem.viktigt" value="storlek">' in page


# ---------------------------------------------------------------- exports

# municipality (county), how they like it (range), order of importance (rank), acknowledged, position
EXPORT_ROWS = [
    ("2480", 8, ["lage", "pris", "storlek"], "OK", {"lat": 63.8258, "lon": 20.263}),   # Västerbotten
    ("2482", 4, ["pris", "lage", "storlek"], "OK", {"lat": 64.75, "lon": 20.95, "acc": 8.0}),
    ("0180", 6, ["lage", "storlek", "pris"], "OK", None),                              # Stockholm
    ("0180", None, None, "OK", {"lat": 59.3293, "lon": 18.0686}),
]


@pytest.fixture(scope="module")
def export_db(tmp_path_factory, exports_template, form):
    import shutil

    from exports_helpers import add_answers

    path = tmp_path_factory.mktemp("more-types") / "fieldkit.db"
    shutil.copyfile(exports_template, path)
    database = store.open_db(path)
    store.add_questionnaire(database, form)
    for code, rating, order, ok, point in EXPORT_ROWS:
        answers = {"hem.samtycke": ok, "hem.trivsel": rating, "hem.viktigt": order, "hem.plats": point}
        add_answers(database, form, code, {k: v for k, v in answers.items() if v is not None})
    yield database
    database.conn.close()


def test_exports_tabulate_range_as_a_number_rank_as_first_places_and_mean_places_and_two_coordinates(export_db):
    from exports import ExportFilter, build_report

    report = build_report(export_db, ExportFilter("fler-typer"), "sv")
    tables = {t.key: t for s in report.sections for t in s.tables}
    total = -1  # the last group is the whole selection
    # range: 8, 4, 6 -> mean 6, median 6
    assert tables["hem.trivsel"].stats["mean"][total] == 6 and tables["hem.trivsel"].stats["n"][total] == 3
    # first places: läge twice, pris once (the fourth interview has no ranking)
    first = tables["hem.viktigt"]
    assert [c.code for c in first.options] == ["pris", "lage", "storlek"]
    assert first.counts[total].tolist() == [1, 2, 0] and first.question.text("sv") == \
        "Vad är viktigast?: första plats"
    # mean places: pris (2 + 1 + 3) / 3 = 2, läge (1 + 2 + 1) / 3 = 4/3, storlek (3 + 3 + 2) / 3 = 8/3
    assert tables["hem.viktigt/pris"].stats["mean"][total] == 2
    assert tables["hem.viktigt/lage"].stats["mean"][total] == pytest.approx(4 / 3)
    assert tables["hem.viktigt/storlek"].stats["mean"][total] == pytest.approx(8 / 3)
    assert tables["hem.viktigt/lage"].question.text("en") == "What matters most?: Location (place)"
    # acknowledge: four OKs
    assert tables["hem.samtycke"].counts[total].tolist() == [4]
    # geopoint: latitude and longitude, three positions
    assert tables["hem.plats/lat"].stats["n"][total] == 3
    assert tables["hem.plats/lat"].stats["max"][total] == 64.75
    assert tables["hem.plats/lon"].stats["min"][total] == 18.0686
    assert [c.key for c in report.schema.raw_columns()] == [
        "hem.boende", "hem.antal", "hem.flytt", "hem.trivsel", "hem.viktigt", "hem.viktigt/pris", "hem.viktigt/lage",
        "hem.viktigt/storlek", "hem.samtycke", "hem.plats/lat", "hem.plats/lon"]
    assert report.schema.warnings == []


def test_the_csv_has_a_column_per_rank_option_and_per_coordinate(export_db):
    from exports import ExportFilter, build_report
    from exports.csv_export import iter_csv

    report = build_report(export_db, ExportFilter("fler-typer"), "sv")
    lines = "".join(iter_csv(report)).splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","))) for line in lines[1:]]
    umea = next(r for r in rows if "2480" in r.values())
    assert (umea["hem.trivsel"], umea["hem.viktigt"], umea["hem.viktigt/pris"], umea["hem.viktigt/lage"],
            umea["hem.samtycke"], umea["hem.plats/lat"], umea["hem.plats/lon"]) == \
        ("8", "Läge", "2", "1", "OK", "63.8258", "20.263")


def test_the_workbook_heads_each_part_column_and_places_are_whole_numbers(export_db, tmp_path):
    from openpyxl import load_workbook

    from exports import ExportFilter, build_report, save_workbook

    report = build_report(export_db, ExportFilter("fler-typer"), "en")
    path = save_workbook(report, tmp_path / "more.xlsx")
    ws = load_workbook(path, read_only=True)[report.gettext("Data")]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    assert "What matters most?: Location (place)" in header and "Where is the home?: latitude" in header
    umea = next(r for r in rows[1:] if "Umeå" in r)
    assert umea[header.index("What matters most?: Location (place)")] == 1
    assert umea[header.index("Where is the home?: longitude")] == 20.263
    assert umea[header.index("What matters most?: first place")] == "Location"


def test_the_summary_writes_a_rank_as_places_and_a_point_as_coordinates(form):
    from forms.display import format_answer

    assert format_answer(form.question("hem.viktigt"), ["lage", "pris", "storlek"], "sv") == \
        "1. Läge; 2. Pris; 3. Storlek"
    assert format_answer(form.question("hem.plats"), {"lat": 63.8258, "lon": 20.263, "acc": 5.0}, "sv") == \
        "63,8258 20,263"
    assert format_answer(form.question("hem.trivsel"), 2.5, "en") == "2.5"
