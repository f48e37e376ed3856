"""Sensitive answers (`sensitive: true`): counted in the tables with small counts always hidden, never raw below
the roles that see personal data; NAD's reports grouped by hub by default (`report: group_by`).

The hand-worked participants of nad-deltagarenkat, all in Umeå (county 24, Lena's county):

| hub         | n | halsa.mar_allmant             | sprak.pratar_svenska        |
|-------------|---|-------------------------------|-----------------------------|
| Sydskåne    | 6 | 5 ganska_bra, 1 mycket_daligt | 4 varje_dag, 2 aldrig       |
| Mellanskåne | 2 | 2 mycket_bra                  | 2 nagon_gang_i_veckan       |

So the health table shows, with 5 the smallest count for a sensitive question: Sydskåne "<5" "Mycket
dåligt" of 6 answers, and ".." for its 5 "Ganska bra" (6 - 5 would tell the hidden 1), shares dashes;
Mellanskåne, a group of 2, "<5" everywhere, its zeros too, and dashes; the total's 5 "Ganska bra" of 8
shown (Mellanskåne's share of it cannot be placed), its 0 "Ganska dåligt" hidden (1 + 0 + 5 + 2 = 8 would
tell the small ones); the whole country's row, the same figures, hides the same. The language table, not
sensitive, shows every count.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from exports import ExportFilter, build_report, iter_csv, write_workbook
from exports.filters import BY_COUNTY, TableOptions
from forms import DefinitionError, load_text
from forms.formatting import DASH
from sync import accounts, safekeeping, store

from central_helpers import IN_COUNTY, answers_for, logged_in, make_submission
from exports_helpers import blocks, data_records, sheet_rows

QID = "nad-deltagarenkat"
SHARE = "Andel av substantiella svar"
BASE_COUNT = "Antal substantiella svar"
HEALTH = "Hur mår du för det mesta?"
SWEDISH = "Hur ofta pratar du svenska med andra än handläggare och lärare?"
BASE = {"aktiviteten.ganger": "5_fler", "aktiviteten.passade": "ganska_daligt", "sprak.nya_kontakter": "1_2",
        "natverk.medlem": "nej", "natverk.synpunkter": "Roligt att prata."}
PEOPLE = ([("syd", "ganska_bra", "varje_dag")] * 4 + [("syd", "ganska_bra", "aldrig"),
          ("syd", "mycket_daligt", "aldrig")] + [("mellan", "mycket_bra", "nagon_gang_i_veckan")] * 2)


@pytest.fixture
def survey(cdb):
    """The eight participants above; returns their submission ids."""
    return [make_submission(cdb, municipality=IN_COUNTY, questionnaire_id=QID, answers={
        **BASE, "aktiviteten.knutpunkt": hub, "halsa.mar_allmant": health, "halsa.mar_battre": "lite",
        "sprak.pratar_svenska": swedish}) for hub, health, swedish in PEOPLE]


def lena(cdb):
    return accounts.get_user(cdb, "lena").scope


def workbook(report):
    out = io.BytesIO()
    write_workbook(report, out)
    return load_workbook(io.BytesIO(out.getvalue()))


def by_header(table, row):
    """The count columns of a row (and the rest but shares), by label."""
    return {label: value for (group, label), value in zip(table["headers"], table["rows"][row])
            if group != SHARE}


def shares(table, row):
    """The share columns of a row, by option label."""
    return {label: value for (group, label), value in zip(table["headers"], table["rows"][row]) if group == SHARE}


def test_a_sensitive_question_is_counted_by_hub_with_counts_below_5_hidden_for_a_county_user(cdb, survey):
    book = workbook(build_report(cdb, ExportFilter(QID), "sv", scope=lena(cdb)))
    health = blocks(book["3. Hur du mår"])[HEALTH]
    syd, mellan, total = (by_header(health, row) for row in ("Sydskåne (Malmö)", "Mellanskåne (Lund)", "Totalt"))
    assert (syd["Ganska bra"], syd["Mycket dåligt"], syd[BASE_COUNT]) == ("..", "<5", 6)
    assert shares(health, "Sydskåne (Malmö)")["Ganska bra"] == DASH
    assert shares(health, "Sydskåne (Malmö)")["Mycket dåligt"] == DASH
    assert (mellan["Mycket bra"], mellan[BASE_COUNT]) == ("<5", "<5")
    assert set(shares(health, "Mellanskåne (Lund)").values()) == {DASH}
    assert (total["Ganska dåligt"], total["Ganska bra"], total["Mycket bra"], total[BASE_COUNT]) == ("..", 5, "<5", 8)
    assert shares(health, "Totalt")["Ganska bra"] == 5 / 8
    assert by_header(health, "Hela landet") == {**total, "Var var aktiviteten?": "Hela landet"}
    assert health["note"].startswith("Känslig fråga: bara summor visas, och antal från 1 till 4 visas som <5")
    assert health["note"].endswith("..: dolt för att skydda en annan cell (antalet kan vara större).")
    # the same sheet's language question is not sensitive: no count hidden
    swedish = blocks(book["2. Svenska"])[SWEDISH]
    assert by_header(swedish, "Mellanskåne (Lund)")["Någon gång i veckan"] == 2
    assert by_header(swedish, "Sydskåne (Malmö)")["Aldrig"] == 2
    overview = {row[0]: row[1] for row in sheet_rows(book["Översikt"]) if row and row[0]}
    assert [v for k, v in overview.items() if k.endswith("Tabeller grupperade efter")] == ["Var var aktiviteten?"]
    assert overview["Känsliga frågor"].startswith("Hur mår du för det mesta?; Mår du bättre sedan du började")
    assert "antal under 5 döljs" in overview["Känsliga frågor"]


def test_a_larger_smallest_count_asked_for_applies_to_sensitive_questions_too(cdb, survey):
    flt = ExportFilter(QID, tables=TableOptions(min_count=7))
    health = blocks(workbook(build_report(cdb, flt, "sv", scope=lena(cdb)))["3. Hur du mår"])[HEALTH]
    assert by_header(health, "Sydskåne (Malmö)")["Ganska bra"] == "<7"
    assert by_header(health, "Totalt")[BASE_COUNT] == 8


def test_a_county_user_never_gets_a_sensitive_answer_in_the_data_the_free_text_or_a_csv(cdb, survey):
    report = build_report(cdb, ExportFilter(QID), "sv", scope=lena(cdb))
    book = workbook(report)
    records = data_records(book["Data"])
    assert len(records) == 8
    assert not [h for h in records[0] if HEALTH in str(h) or "Mår du bättre" in str(h)]
    assert "Ganska bra" not in {v for r in records for v in r.values()}
    assert "Roligt att prata." in {v for row in sheet_rows(book["Fritext"]) for v in row}  # free text is still there
    codebook = "\n".join(str(v) for row in sheet_rows(book["Kodbok"]) for v in row if v is not None)
    assert "halsa.mar_allmant" in codebook  # the question is described ...
    assert "halsa.mar_allmant/" not in codebook  # ... but has no Data column
    for long in (False, True):
        text = "".join(iter_csv(build_report(cdb, ExportFilter(QID), "sv", scope=lena(cdb), compare=False),
                                long=long))
        assert "halsa." not in text and "mycket_daligt" not in text and "Mycket dåligt" not in text
        assert "varje_dag" in text or "Varje dag" in text


def test_the_web_downloads_and_review_pages_of_a_county_user_show_no_sensitive_answer(central_app, cdb, survey):
    county = logged_in(central_app, "county")
    for url in (f"/rapporter/{QID}/csv", f"/rapporter/{QID}/csv?personal=1", f"/rapporter/{QID}/csv?form=long"):
        text = county.get(url).data.decode("utf-8-sig")
        assert "Hur mår du" not in text and "halsa." not in text and "Mycket dåligt" not in text, url
    mellan = survey[-1]
    for url in (f"/granskning/{mellan}", f"/granskning/{mellan}/historik?alla=1"):
        page = county.get(url).get_data(as_text=True)
        assert "Mycket bra" not in page, url
        assert "Ja, lite" not in page, url
    shown = county.get(f"/granskning/{mellan}").get_data(as_text=True)
    assert shown.count("Känsligt svar – räknas bara i rapporterna") == 2
    # what the county user may not see, an evaluator may: on the page, and in a download asked for
    evaluator = logged_in(central_app, "evaluator")
    assert "Ja, lite" in evaluator.get(f"/granskning/{mellan}").get_data(as_text=True)
    assert "Mycket dåligt" not in evaluator.get(f"/rapporter/{QID}/csv").data.decode("utf-8-sig")
    assert "Mycket dåligt" in evaluator.get(f"/rapporter/{QID}/csv?personal=1").data.decode("utf-8-sig")


def table_of(main: str, key: str) -> str:
    """A question's section on the reports page, from its anchor to the end of its table."""
    return main.split(f'id="q-{key}"', 1)[1].split("</table>", 1)[0]


def test_the_reports_page_shows_a_county_user_the_hubs_and_hides_small_health_counts(central_app, cdb, survey):
    main = logged_in(central_app, "county").get(f"/rapporter/{QID}").get_data(as_text=True).split("<main", 1)[1]
    assert '<option value="aktiviteten.knutpunkt" selected>' in main
    assert '<option value="halsa.mar_allmant"' not in main  # never a grouping
    health = table_of(main, "halsa-mar_allmant")
    assert '<th scope="row">Sydskåne (Malmö)</th>' in health and '<th scope="row">Mellanskåne (Lund)</th>' in health
    assert health.count("&lt;5") >= 4
    assert "Känslig fråga: bara summor visas" in health
    swedish = table_of(main, "sprak-pratar_svenska")
    assert "&lt;5" not in swedish


GROUPED_NOTE = "Tabellerna är grupperade efter den här frågan: dess egen tabell visar dess svar totalt."


def test_the_question_grouped_by_shows_its_own_answers_in_total_not_a_bar_of_100_per_cent_each(
        central_app, cdb, survey):
    main = logged_in(central_app, "county").get(f"/rapporter/{QID}").get_data(as_text=True).split("<main", 1)[1]
    hubs = main.split('id="q-aktiviteten-knutpunkt"', 1)[1].split("</figure>", 1)[0]
    assert GROUPED_NOTE in hubs
    table = table_of(main, "aktiviteten-knutpunkt")
    assert '<th scope="row">Sydskåne (Malmö)</th>' not in table and '<th scope="row">Totalt</th>' in table
    assert "75" in table and "25" in table  # 6 of 8 in Sydskåne, 2 of 8 in Mellanskåne
    chart = hubs.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "75\xa0%" in chart and "100\xa0%" not in chart, chart  # no hub shown as 100 % of itself
    book = workbook(build_report(cdb, ExportFilter(QID), "sv", scope=lena(cdb)))
    own = blocks(book["1. Aktiviteten"])["Var var aktiviteten?"]
    assert set(own["rows"]) == {"Totalt", "Hela landet"}
    assert (by_header(own, "Totalt")["Sydskåne (Malmö)"], by_header(own, "Totalt")["Mellanskåne (Lund)"]) == (6, 2)
    assert own["note"].startswith(GROUPED_NOTE)
    other = blocks(book["1. Aktiviteten"])
    assert any("Sydskåne (Malmö)" in t["rows"] for title, t in other.items() if title != "Var var aktiviteten?")


def test_a_sensitive_question_cannot_group_or_cross_the_tables(cdb, survey):
    with pytest.raises(Exception, match="cannot group or cross by 'halsa.mar_allmant'"):
        build_report(cdb, ExportFilter(QID, tables=TableOptions(group_by="halsa.mar_allmant")))


def test_erase_leaves_sensitive_answers_of_an_anonymous_survey(cdb, survey):
    erased = safekeeping.erase_personal(cdb, municipality=IN_COUNTY, actor="test")
    assert erased.answers == 0
    assert store.get_submission(cdb, survey[0]).answers["halsa.mar_allmant"] == "ganska_bra"


# -- the default grouping -------------------------------------------------------------

def nad_report(cdb, hub: str, quality: str, seed: int) -> str:
    answers = {**answers_for(cdb, "nad-aktivitet", "1280", seed), "forening.knutpunkt": hub,
               "aktivitet.kvalitet_bedomd": quality}
    return make_submission(cdb, municipality="1280", questionnaire_id="nad-aktivitet", answers=answers)


@pytest.fixture
def nad(cdb):
    """Three activity reports in Malmö: Sydskåne with quality judged yes and no, Nordöstra Skåne with yes."""
    return [nad_report(cdb, "syd", "ja", 1), nad_report(cdb, "syd", "nej", 2), nad_report(cdb, "nordost", "ja", 3)]


QUALITY = ("Har den lokala arbetsgruppen bedömt att aktiviteten håller tillräckligt hög kvalitet för att läggas som "
           "NAD-aktivitet i etableringsplan?")


def test_nad_workbooks_group_by_hub_unless_another_grouping_is_chosen(cdb, nad):
    report = build_report(cdb, ExportFilter("nad-aktivitet"), "sv")
    assert report.filter.tables.group_by == "forening.knutpunkt"
    assert [g.name for g in report.groups] == ["Nordöstra Skåne (Kristianstad)", "Sydskåne (Malmö)", "Totalt"]
    quality = blocks(workbook(report)["2. Aktiviteten"])[QUALITY]
    assert (by_header(quality, "Sydskåne (Malmö)")["Ja"], by_header(quality, "Sydskåne (Malmö)")["Nej"]) == (1, 1)
    assert by_header(quality, "Nordöstra Skåne (Kristianstad)")["Ja"] == 1
    assert (by_header(quality, "Totalt")["Ja"], by_header(quality, "Totalt")["Nej"]) == (2, 1)
    by_county = build_report(cdb, ExportFilter("nad-aktivitet", tables=TableOptions(group_by=BY_COUNTY)), "sv")
    assert [g.name for g in by_county.groups] == ["Skåne län", "Totalt"]
    # a questionnaire without `report:` still groups by county
    assert build_report(cdb, ExportFilter("kub-webbenkat"), "sv").filter.tables.group_by == BY_COUNTY


def test_the_nad_page_groups_by_hub_and_keeps_a_chosen_county_grouping_in_its_links(central_app, cdb, nad):
    evaluator = logged_in(central_app, "evaluator")
    main = evaluator.get("/rapporter/nad-aktivitet").get_data(as_text=True).split("<main", 1)[1]
    assert '<option value="forening.knutpunkt" selected>' in main
    assert '<th scope="row">Nordöstra Skåne (Kristianstad)</th>' in main
    chosen = evaluator.get("/rapporter/nad-aktivitet?grupp=county&lan=12").get_data(as_text=True)
    main = chosen.split("<main", 1)[1]
    quality = table_of(main, "aktivitet-kvalitet_bedomd")
    assert '<th scope="row">Skåne län</th>' in quality and "Nordöstra Skåne (Kristianstad)</th>" not in quality
    assert 'name="grupp" value="county"' in main  # the downloads keep the county grouping


def test_the_cli_workbook_of_nad_groups_by_hub(runner, central_path, cdb, nad, tmp_path):
    from fieldkit.cli import main

    out = tmp_path / "nad.xlsx"
    result = runner.invoke(main, ["--db", str(central_path), "export", "xlsx", "--questionnaire", "nad-aktivitet",
                                  "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    quality = blocks(load_workbook(out)["2. Aktiviteten"])[QUALITY]
    assert set(quality["rows"]) == {"Nordöstra Skåne (Kristianstad)", "Sydskåne (Malmö)", "Totalt"}


# -- the loader ---------------------------------------------------------------------

FORM = """\
id: halsa
version: "1"
title: {sv: "Hälsa"}
report: {group_by: %s}
sections:
  - id: s
    title: {sv: "S"}
    questions:
      - id: ort
        type: single
        label: {sv: "Ort"}
        choices: [{code: a, label: {sv: "A"}}, {code: b, label: {sv: "B"}}]
      - id: mar
        type: %s
        sensitive: %s
        label: {sv: "Hur mår du?"}
"""


@pytest.mark.parametrize("group_by, qtype, flag, problem", [
    ("s.ort", "integer", "true", "halsa.yaml:15: sensitive: true is only for questions with choices (single, multi, "
                                 "scale, matrix, yesno), whose answers are counted: a integer question's table "
                                 "would show single answers"),
    ("s.ort", "yesno", "ja", "halsa.yaml:15: sensitive must be true or false"),
    ("s.mar", "yesno", "true", "halsa.yaml:4: report group_by 's.mar': a personal or sensitive question cannot "
                               "group the tables"),
    ("s.nej", "yesno", "false", "halsa.yaml:4: report group_by 's.nej': names no question of this questionnaire"),
    ("s.ort:year", "yesno", "false", "halsa.yaml:4: report group_by 's.ort:year': only a single, yesno, scale, "
                                     "year question, a rule, a matrix row or a date can group the tables"),
])
def test_the_loader_refuses_bad_sensitive_and_report_values_with_file_and_line(group_by, qtype, flag, problem):
    result = load_text(FORM % (group_by, qtype, flag), "halsa.yaml")
    assert [str(p) for p in result.problems] == [problem]


def test_the_loader_refuses_a_condition_or_derived_value_reading_a_sensitive_answer():
    text = (FORM % ("s.ort", "yesno", "true")) + """\
      - id: varfor
        type: text
        relevant: "s.mar == 'nej'"
        label: {sv: "Varför?"}
      - id: dalig
        type: derived
        expression: "s.mar == 'nej'"
        label: {sv: "Mår dåligt"}
"""
    problems = [str(p) for p in load_text(text, "halsa.yaml").problems]
    assert problems[0] == ("halsa.yaml:19: relevant of question 's.varfor' names sensitive question 's.mar': "
                           "whether a question was asked would show its answer in the raw data")
    assert problems[1].startswith("halsa.yaml:23: expression of 's.dalig' reads sensitive question 's.mar'")
    with pytest.raises(DefinitionError):
        from forms import from_dict
        from_dict({"id": "x", "version": "1", "title": {"sv": "X"}, "report": "s.ort",
                   "sections": [{"id": "s", "title": {"sv": "S"}, "questions": [
                       {"id": "ort", "type": "yesno", "label": {"sv": "Ort"}}]}]})


# Ten participants of one hub: 2 "Ganska dåligt" (score 2), 4 "Ganska bra" (3), 4 "Mycket bra" (4); every count is
# hidden (<5), n = 10 is shown. Their mean, 32 / 10 = 3.2, would tell the counts: with each of them from 1 to 4 (a 0
# shows as 0), 2a + 3b + 4c = 32 and a + b + c = 10 hold only for a = 2, b = 4, c = 4. So the mean is a dash.
# Ten in another hub, 5 "Ganska bra" and 5 "Mycket bra": with the total's 9 "Ganska bra" the 5 would tell the first
# hub's 4, so both 5s show as ".." (hidden to protect), and their mean (15 + 20) / 10 = 3.5, which would tell them,
# is a dash too. Only the total's 9 "Mycket bra" of 20 still shows.
HIDDEN_SPLIT = ([("nordost", "ganska_daligt")] * 2 + [("nordost", "ganska_bra")] * 4 + [("nordost", "mycket_bra")] * 4
                + [("syd", "ganska_bra")] * 5 + [("syd", "mycket_bra")] * 5)
MEAN = "Medelvärde (poäng)"


@pytest.fixture
def split(cdb):
    return [make_submission(cdb, municipality=IN_COUNTY, questionnaire_id=QID, answers={
        **BASE, "aktiviteten.knutpunkt": hub, "halsa.mar_allmant": health, "halsa.mar_battre": "lite",
        "sprak.pratar_svenska": "varje_dag"}) for hub, health in HIDDEN_SPLIT]


def test_a_mean_score_over_hidden_counts_is_a_dash_in_the_workbook(cdb, split):
    health = blocks(workbook(build_report(cdb, ExportFilter(QID), "sv", scope=lena(cdb)))["3. Hur du mår"])[HEALTH]
    nordost = by_header(health, "Nordöstra Skåne (Kristianstad)")
    assert (nordost["Ganska dåligt"], nordost["Ganska bra"], nordost["Mycket bra"], nordost[BASE_COUNT]) == (
        "<5", "<5", "<5", 10)
    assert nordost[MEAN] == DASH
    syd = by_header(health, "Sydskåne (Malmö)")
    assert (syd["Ganska bra"], syd["Mycket bra"], syd[BASE_COUNT], syd[MEAN]) == ("..", "..", 10, DASH)
    total = by_header(health, "Totalt")
    assert (total["Ganska bra"], total["Mycket bra"], total[MEAN]) == ("..", 9, DASH)


def test_a_mean_score_over_hidden_counts_is_a_dash_on_the_reports_page(central_app, cdb, split):
    main = logged_in(central_app, "county").get(f"/rapporter/{QID}").get_data(as_text=True).split("<main", 1)[1]
    health = table_of(main, "halsa-mar_allmant")
    nordost = health.split('<th scope="row">Nordöstra Skåne (Kristianstad)</th>', 1)[1].split("</tr>", 1)[0]
    syd = health.split('<th scope="row">Sydskåne (Malmö)</th>', 1)[1].split("</tr>", 1)[0]
    assert "3,2" not in nordost and nordost.rstrip().endswith(f"{DASH}</td>")
    assert "3,5" not in syd and syd.rstrip().endswith(f"{DASH}</td>") and "..</" in syd  # protecting nordöst
