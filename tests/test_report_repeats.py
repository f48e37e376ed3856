"""The reports page shows each repeat: how many submissions have instances, how many instances, and each
question of the repeat counted over instances, per county, in the reader's scope and language.

The figures are worked out by hand below from the instances each test stores.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from openpyxl import load_workbook

from exports import ExportFilter, build_report, save_workbook
from exports.filters import TableOptions
from sync import store

from central_helpers import logged_in
from exports_helpers import add_answers, sheet_rows
from forms_helpers import make_questionnaire

QID = "rep-bostader"
URL = f"/rapporter/{QID}"
UMEA, SKELLEFTEA, STOCKHOLM = "2480", "2482", "0180"  # the first two in Västerbotten (24), Stockholm in 01

ROUNDS = [{"id": "r2025", "title": "2025", "from": "2025-01-01", "to": "2025-12-31"},
          {"id": "r2026", "title": "2026", "from": "2026-01-01", "to": "2026-12-31"}]
UNITS = {
    "id": "bostader", "type": "repeat", "label": {"sv": "Bostäder", "en": "Housing units"},
    "instance_label": {"sv": "Bostad", "en": "Unit"},
    "questions": [
        {"id": "typ", "type": "single", "dont_know": True, "label": {"sv": "Typ av bostad", "en": "Kind of unit"},
         "choices": [{"code": "lagenhet", "label": {"sv": "Lägenhet", "en": "Flat"}},
                     {"code": "villa", "label": {"sv": "Villa", "en": "House"}}]},
        {"id": "rum", "type": "integer", "min": 1, "max": 10, "label": {"sv": "Antal rum", "en": "Rooms"}},
        {"id": "tomt", "type": "integer", "min": 0, "label": {"sv": "Tomtstorlek (m²)", "en": "Plot size (m²)"},
         "relevant": "s.bostader.typ == 'villa'"},
        {"id": "anpassad", "type": "yesno", "sensitive": True,
         "label": {"sv": "Anpassad för funktionsnedsättning", "en": "Adapted for a disability"}},
        {"id": "adress", "type": "text", "personal": True, "label": {"sv": "Adress", "en": "Address"}},
    ],
}


def unit(typ=None, rum=None, tomt=None, anpassad=None, adress=None) -> dict:
    given = {"typ": typ, "rum": rum, "tomt": tomt, "anpassad": anpassad, "adress": adress}
    return {f"s.bostader.{key}": value for key, value in given.items() if value is not None}


@pytest.fixture
def units(cdb):
    return store_units(cdb)


def store_units(db):
    """Västerbotten: Umeå 3 units and one submission without any, Skellefteå 1 unit, and a draft with 2 units
    that never counts; Stockholm 2 units.

    | county       | submissions with a unit | units | Lägenhet | Villa | Vet ej | rooms          |
    | Västerbotten | 2                        | 4     | 3        | 1     | 0      | 2, 3, 5, 1     |
    | Stockholm    | 1                        | 2     | 0        | 1     | 1      | 4, (none)      |
    | total        | 3                        | 6     | 3        | 2     | 1      | mean 15/5 = 3  |
    """
    questionnaire = make_questionnaire({"id": "kommun", "type": "text", "label": "Kommun"}, UNITS, id=QID,
                                       title={"sv": "Bostäder i kommunen", "en": "Housing in the municipality"},
                                       rounds=ROUNDS)
    store.add_questionnaire(db, questionnaire)
    add_answers(db, questionnaire, UMEA, {"s.bostader": [
        unit("lagenhet", 2, anpassad="ja", adress="Storgatan 1"), unit("lagenhet", 3, anpassad="nej"),
        unit("villa", 5, tomt=800, anpassad="nej")]}, created="2026-03-02T09:00:00Z")
    add_answers(db, questionnaire, UMEA, {"s.bostader": []}, created="2026-03-03T09:00:00Z")
    add_answers(db, questionnaire, SKELLEFTEA, {"s.bostader": [unit("lagenhet", 1, anpassad="nej")]},
                created="2026-04-01T09:00:00Z")
    add_answers(db, questionnaire, SKELLEFTEA, {"s.bostader": [unit("villa", 7), unit("villa", 8)]},
                status="draft", created="2026-04-02T09:00:00Z")
    add_answers(db, questionnaire, STOCKHOLM, {"s.bostader": [
        unit("villa", 4, tomt=600, anpassad="ja", adress="Kungsgatan 9"), unit("vet_ej")]},
        created="2025-05-04T09:00:00Z")
    return questionnaire


def repeat_part(client, url: str = URL) -> str:
    """The page's section of the repeat s.bostader, as text of its HTML."""
    response = client.get(url)
    assert response.status_code == 200, response.data
    page = response.get_data(as_text=True)
    return page.split('<section class="rep-repeat" id="r-s-bostader"', 1)[1].split('<p class="rep-up">', 1)[0]


def table_rows(part: str, key: str) -> dict[str, list[str]]:
    """The rows of the table of `key` (a question's id, or the repeat's summary) as {row name: [cell texts]}."""
    anchor = "q-" + key.replace("#", "--").replace("/", "-").replace(".", "-")
    table = part.split(f'id="{anchor}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for name, cells in re.findall(r'<th scope="row">(.*?)</th>(.*?)</tr>', table, re.S):
        texts = [unescape(re.sub(r"<[^>]+>", " ", cell)).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                                        cells, re.S)]
        rows[unescape(name)] = [" ".join(words) for words in texts]
    return rows


def header_of(part: str, key: str) -> list[str]:
    anchor = "q-" + key.replace("#", "--").replace("/", "-").replace(".", "-")
    head = part.split(f'id="{anchor}"', 1)[1].split("</thead>", 1)[0]
    return [unescape(text) for text in re.findall(r'<th scope="col">(.*?)</th>', head)]


# -- the hand-worked example ----------------------------------------------------------


def test_an_evaluator_sees_the_instances_and_their_answers_per_county_in_swedish(central_app, units):
    part = repeat_part(logged_in(central_app, "evaluator"))
    assert "2. Bostäder (upprepad grupp)" in part
    assert "räknas över förekomster, inte över inlämningar" in part
    assert header_of(part, "s.bostader#instances") == ["Län", "Inlämningar med minst en förekomst", "Förekomster"]
    assert table_rows(part, "s.bostader#instances") == {
        "Stockholms län": ["1", "2"], "Västerbottens län": ["2", "4"], "Totalt": ["3", "6"]}
    # the kind of unit: shares of the substantive answers, "Vet ej" apart with its share of all answers
    assert header_of(part, "s.bostader.typ")[:4] == ["Län", "Lägenhet", "Villa", "Antal substantiella svar"]
    kinds = table_rows(part, "s.bostader.typ")
    assert kinds["Västerbottens län"][:4] == ["75 % 3", "25 % 1", "4", "0 0 %"]
    assert kinds["Stockholms län"][:4] == ["0 % 0", "100 % 1", "1", "1 50 %"]
    assert kinds["Totalt"][:4] == ["60 % 3", "40 % 2", "5", "1 17 %"]
    # rooms: n, mean, median, min, max, sum; Stockholm's second unit left it unanswered
    rooms = table_rows(part, "s.bostader.rum")
    assert rooms["Västerbottens län"][:6] == ["4", "2,75", "2,50", "1", "5", "11"]
    assert rooms["Totalt"] == ["5", "3,00", "3,00", "1", "5", "15", "0", "1"]  # ..., Ej tillämplig, Ej besvarad
    # the plot is asked for houses only: the four other units are "Ej tillämplig", not missing
    assert table_rows(part, "s.bostader.tomt")["Totalt"] == ["2", "700,00", "700,00", "600", "800", "1 400", "4", "0"]
    assert table_rows(part, "s.bostader.adress")["Totalt"] == ["2", "0", "4"]  # answers, skipped, unanswered
    assert "Storgatan" not in part and "Kungsgatan" not in part  # free text only in the downloads


def test_the_same_figures_in_english(central_app, units):
    client = logged_in(central_app, "evaluator")
    client.set_cookie("fieldkit_lang", "en")
    part = repeat_part(client)
    assert "2. Housing units (repeated group)" in part
    assert "counted over instances, not over submissions" in part
    assert header_of(part, "s.bostader#instances") == ["County", "Submissions with at least one instance",
                                                        "Instances"]
    assert table_rows(part, "s.bostader#instances")["Total"] == ["3", "6"]
    assert header_of(part, "s.bostader.typ")[:3] == ["County", "Flat", "House"]
    assert table_rows(part, "s.bostader.typ")["Total"][:4] == ["60% 3", "40% 2", "5", "1 17%"]
    assert table_rows(part, "s.bostader.rum")["Västerbottens län"][:2] == ["4", "2.75"]


def test_the_contents_link_to_the_repeat_and_its_tables(central_app, units):
    page = logged_in(central_app, "evaluator").get(URL).get_data(as_text=True)
    contents = page.split('id="contents"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="#r-s-bostader">2. Bostäder (upprepad grupp)</a>' in contents
    for anchor in ("q-s-bostader--instances", "q-s-bostader-typ", "q-s-bostader-rum"):
        assert f'href="#{anchor}"' in contents and f'id="{anchor}"' in page
    assert page.count('id="q-s-bostader"') == 1  # the number of units per submission, in section 1, stays apart


def test_the_filters_narrow_the_instances(central_app, units):
    client = logged_in(central_app, "evaluator")
    part = repeat_part(client, f"{URL}?kommun={SKELLEFTEA}")
    assert table_rows(part, "s.bostader#instances")["Totalt"] == ["1", "1"]
    # with drafts, Skellefteå's draft adds one submission and two houses
    part = repeat_part(client, f"{URL}?kommun={SKELLEFTEA}&status=all")
    assert table_rows(part, "s.bostader#instances")["Totalt"] == ["2", "3"]
    assert table_rows(part, "s.bostader.typ")["Totalt"][:2] == ["33 % 1", "67 % 2"]
    # a survey round: Stockholm's interview is the only one of 2025
    part = repeat_part(client, f"{URL}?omgang=r2025")
    assert table_rows(part, "s.bostader#instances") == {"Stockholms län": ["1", "2"], "Totalt": ["1", "2"]}
    part = repeat_part(client, f"{URL}?omgang=r2026&from=2026-03-03")  # Umeå's second and Skellefteå's
    assert table_rows(part, "s.bostader#instances") == {"Västerbottens län": ["1", "1"], "Totalt": ["1", "1"]}


def test_the_tables_can_be_grouped_by_a_question(central_app, cdb, units):
    questionnaire = make_questionnaire(
        {"id": "kommun", "type": "text", "label": "Kommun"},
        {"id": "nybygge", "type": "yesno", "label": {"sv": "Bygger ni nytt?", "en": "Building new?"}},
        UNITS, id=QID, version="2", title={"sv": "Bostäder i kommunen", "en": "Housing in the municipality"},
        rounds=ROUNDS)
    store.add_questionnaire(cdb, questionnaire)
    add_answers(cdb, questionnaire, STOCKHOLM, {"s.nybygge": "ja", "s.bostader": [unit("lagenhet"), unit("villa")]})
    part = repeat_part(logged_in(central_app, "evaluator"), f"{URL}?grupp=s.nybygge")
    assert table_rows(part, "s.bostader#instances") == {
        "Ja": ["1", "2"], "Ej tillämplig": ["3", "6"], "Totalt": ["4", "8"]}  # version 1 did not ask it


# -- the reader's scope, small numbers, sensitive questions --------------------------------


def test_a_county_user_counts_only_their_countys_instances(central_app, units):
    part = repeat_part(logged_in(central_app, "county"))  # lena, Västerbotten
    summary = table_rows(part, "s.bostader#instances")
    assert list(summary) == ["Västerbottens län", "Totalt", "Hela landet"]
    assert summary["Totalt"] == ["2", "4"]  # not Stockholm's units
    assert summary["Hela landet"] == ["3", "6"]  # the comparison every table of the page has
    kinds = table_rows(part, "s.bostader.typ")
    assert kinds["Totalt"][:4] == ["75 % 3", "25 % 1", "4", "0 0 %"]
    assert "Stockholm" not in part
    assert 'id="q-s-bostader-adress"' not in part  # a personal question: no table for a county user
    # asking for Stockholm changes nothing: the scope wins
    assert repeat_part(logged_in(central_app, "county"), f"{URL}?lan=01") == part


def test_small_counts_are_hidden_in_the_repeats_tables(central_app, units):
    part = repeat_part(logged_in(central_app, "evaluator"), f"{URL}?minsta=3")
    # Västerbotten's 4 instances would tell Stockholm's hidden 2 (6 - 4): hidden to protect it
    assert table_rows(part, "s.bostader#instances") == {
        "Stockholms län": ["<3", "<3"], "Västerbottens län": ["<3", ".."], "Totalt": ["3", "6"]}
    kinds = table_rows(part, "s.bostader.typ")
    # Västerbotten's 3 flats of 4 would tell its hidden house (4 - 3), and the total's 3 flats then the 3
    assert kinds["Västerbottens län"][:3] == ["– ..", "– <3", "4"]
    # Stockholm has 2 instances: fewer than 3, so each of its counts shows "<3", its 0 flats too (which of a
    # small group's counts are 0 would tell the rest); shares of a hidden base are dashes
    assert kinds["Stockholms län"][:3] == ["– <3", "– <3", "<3"]
    # the total's 5 answers would tell Stockholm's hidden 1 (5 - 4): hidden, its shares with it
    assert kinds["Totalt"][:3] == ["– ..", "– <3", ".."]
    rooms = table_rows(part, "s.bostader.rum")
    assert rooms["Stockholms län"][:6] == ["<3", "–", "–", "–", "–", "–"]
    assert rooms["Totalt"][:2] == ["..", "–"]  # 5 answers of which Västerbotten's 4 would tell Stockholm's 1


def test_a_sensitive_question_of_a_repeat_always_hides_small_counts(central_app, units):
    part = repeat_part(logged_in(central_app, "evaluator"))  # no smallest count asked for
    adapted = table_rows(part, "s.bostader.anpassad")  # yes 2 (Umeå, Stockholm), no 3, of 5 answers
    # 5 answers of the 6 instances would tell the one left unanswered ("<5"): hidden to protect it
    assert adapted["Totalt"][:3] == ["– <5", "– <5", ".."]
    assert adapted["Västerbottens län"][:3] == ["– <5", "– <5", "<5"]
    assert "Känslig fråga" in part.split('id="q-s-bostader-anpassad"', 1)[1].split("</section>", 1)[0]
    assert table_rows(part, "s.bostader.typ")["Totalt"][:2] == ["60 % 3", "40 % 2"]  # other questions as asked


def test_the_kept_page_is_per_scope_holds_no_instance_rows_and_a_correction_rebuilds_it(central_app, cdb, units):
    eva, lena = logged_in(central_app, "evaluator"), logged_in(central_app, "county")
    assert table_rows(repeat_part(eva), "s.bostader#instances")["Totalt"] == ["3", "6"]
    assert table_rows(repeat_part(lena), "s.bostader#instances")["Totalt"] == ["2", "4"]
    assert table_rows(repeat_part(eva), "s.bostader#instances")["Totalt"] == ["3", "6"]
    kept = central_app.extensions["fieldkit_report_pages"]._entries.values()
    assert len(kept) == 2 and all(one.rows == [] for page in kept for one in page["r"].instances)
    # Skellefteå's interview is corrected: a second unit
    sid = cdb.execute("select uuid from submissions where municipality_code = ? and status = 'complete'",
                      [SKELLEFTEA]).fetchone()[0]
    store.reopen_submission(cdb, sid)
    store.complete_submission(cdb, sid, {"s.bostader": [unit("lagenhet", 1), unit("villa", 6)]})
    assert table_rows(repeat_part(eva), "s.bostader#instances")["Totalt"] == ["3", "7"]
    assert table_rows(repeat_part(lena), "s.bostader#instances")["Totalt"] == ["2", "5"]


# -- the workbook says the same ------------------------------------------------------------


def test_the_workbooks_repeat_sheet_counts_the_same_and_hides_small_counts(cdb, units, tmp_path):
    report = build_report(cdb, ExportFilter(QID, tables=TableOptions(min_count=3)), "sv")
    rows = sheet_rows(load_workbook(save_workbook(report, tmp_path / "out.xlsx"), read_only=True)["Bostäder"])
    assert rows[1][0] == "6 förekomster i 3 inlämningar."
    table = rows.index(("Typ av bostad", "Förekomster"))
    # as on the page: 3 flats of the 5 substantive answers would tell the 2 houses
    assert rows[table + 1:table + 4] == [("Lägenhet", ".."), ("Villa", "<3"), ("Vet ej", "<3")]
    # the rows of the instances would show the hidden villas one by one: they are left out, and a note says so
    assert rows[-1] == ("Förekomsternas rader är utelämnade eftersom små tal döljs; exportera utan döljning "
                        "för att få dem.",)
    assert not any("villa" in str(row).lower() for row in rows[table + 4:])


def test_the_repeat_sheets_rows_give_each_instances_choices_in_words(cdb, units, tmp_path):
    for lang, header, words in (("sv", "Typ av bostad", ("Lägenhet", "Villa", "Vet ej")),
                                ("en", "Kind of unit", ("Flat", "House", "Don't know"))):
        report = build_report(cdb, ExportFilter(QID), lang)
        book = load_workbook(save_workbook(report, tmp_path / f"{lang}.xlsx"), read_only=True)
        rows = sheet_rows(book[report.instances[0].repeat.text(lang)[:31]])
        first = next(i for i, row in enumerate(rows) if len(row) > 4 and row[3] == header)
        kinds = [row[3] for row in rows[first + 1:]]
        assert sorted(kinds) == sorted([words[0], words[0], words[1], words[0], words[1], words[2]])
        adapted = [row[6] for row in rows[first + 1:] if len(row) > 6 and row[6] is not None]
        assert set(adapted) <= {"Ja", "Nej", "Yes", "No"} and adapted


def test_without_personal_answers_the_repeat_sheet_leaves_out_sensitive_and_personal_columns(cdb, units, tmp_path):
    report = build_report(cdb, ExportFilter(QID), "sv", include_personal=False)
    book = load_workbook(save_workbook(report, tmp_path / "out.xlsx"), read_only=True)
    rows = sheet_rows(book["Bostäder"])
    assert ("Inlämning", "Förekomst", "Kommunkod", "Typ av bostad", "Antal rum", "Tomtstorlek (m²)") in rows
    assert not any("Anpassad för funktionsnedsättning" in str(row) for row in rows[rows.index(
        ("Inlämning", "Förekomst", "Kommunkod", "Typ av bostad", "Antal rum", "Tomtstorlek (m²)")):])
    assert "Storgatan 1" not in str(rows)
    overview = dict(row[:2] for row in sheet_rows(book["Översikt"]) if len(row) >= 2)
    assert overview["Känsliga frågor"].startswith("Anpassad för funktionsnedsättning: ")
