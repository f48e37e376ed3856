"""The seeds' own figures: the contact log's answers per county and quarter, NAD's rule check and costs per year.

Each store holds a few submissions written out below, with the figures worked out by hand beside them.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from exports import ExportFilter, build_report, save_workbook
from fieldkit import config, i18n
from fieldkit.app import create_app
from sync import store

from exports_helpers import add_answers, sheet_rows

CONTACT = {"kontakt.kanal": "telefon"}
REQUEST = {**CONTACT, "arende.amne": ["anvisningsforfragan"]}
NAD = {"forening.kontaktperson_namn": "Eva Ek", "aktivitet.fokus": ["sprak"], "aktivitet.kvalitet_bedomd": "ja",
       "ersattning.medlemsavgifter": "nej"}


def nad_report(hub, sessions, participants, leaders, claimed, **more):
    answers = {**NAD, "forening.namn": more.pop("name", "Fotbollsklubben"), "forening.knutpunkt": hub,
               "aktivitet.namn": "Språkfotboll", "omfattning.tillfallen": sessions, "omfattning.ledare": leaders,
               "ersattning.begard": claimed, **more}
    if participants is not None:
        answers["omfattning.deltagare"] = participants
    return answers


@pytest.fixture(scope="module")
def stores(field_template, tmp_path_factory):
    """One store with the three questionnaires' submissions (drafts included in the reports below)."""
    path = tmp_path_factory.mktemp("measures") / "fieldkit.db"
    path.write_bytes(field_template.read_bytes())
    config.ensure_secret_key(path.parent)
    db = store.open_db(path)
    log = store.get_questionnaire(db, "smak-kontaktlogg")
    # Skåne: Q1 2014 has three requests answered in 10, 4 and 30 days (the last answered in Q2: the request's
    # quarter counts); Q2 one "återkommer" without a request date, counted in the contact's quarter.
    add_answers(db, log, "1280", {**REQUEST, "kontakt.datum": "2014-01-10", "arende.forfragan_datum": "2014-01-10",
                                  "svar.svar": "ja", "svar.svarsdatum": "2014-01-20"})
    add_answers(db, log, "1281", {**REQUEST, "kontakt.datum": "2014-02-01", "arende.forfragan_datum": "2014-02-01",
                                  "svar.svar": "nej", "svar.svarsdatum": "2014-02-05",
                                  "svar.orsak_nej": ["bostadsbrist", "kostnad"]})
    add_answers(db, log, "1282", {**REQUEST, "kontakt.datum": "2014-04-29", "arende.forfragan_datum": "2014-03-30",
                                  "svar.svar": "nej", "svar.svarsdatum": "2014-04-29", "svar.orsak_nej": ["bostadsbrist"]})
    add_answers(db, log, "1283", {**REQUEST, "kontakt.datum": "2014-04-15", "svar.svar": "aterkommer",
                                  "svar.aterkommer_senast": "2014-05-01"})
    add_answers(db, log, "1280", {**CONTACT, "kontakt.datum": "2014-05-02", "arende.amne": ["kvotgrupp"]})  # no request
    # Västerbotten: Q2 a yes in 3 days; Q3 a no without a reason or a date, and a draft with no answer yet.
    add_answers(db, log, "2480", {**REQUEST, "kontakt.datum": "2014-06-30", "arende.forfragan_datum": "2014-06-30",
                                  "svar.svar": "ja", "svar.svarsdatum": "2014-07-03"})
    # one case logged twice: "återkommer" first, then the no; it counts once, as the no (its latest contact)
    add_answers(db, log, "2482", {**REQUEST, "kontakt.datum": "2014-07-01", "arende.forfragan_datum": "2014-07-01",
                                  "arende.arendereferens": "BF-2014-007", "svar.svar": "aterkommer",
                                  "svar.aterkommer_senast": "2014-07-10"})
    add_answers(db, log, "2482", {**REQUEST, "kontakt.datum": "2014-07-08", "arende.forfragan_datum": "2014-07-01",
                                  "arende.arendereferens": "BF-2014-007", "svar.svar": "nej"})
    add_answers(db, log, "2480", {**REQUEST, "kontakt.datum": "2014-08-01", "arende.forfragan_datum": "2014-08-01"},
                status="draft")

    nad = store.get_questionnaire(db, "nad-aktivitet")
    # (hub, sessions, participants, leaders, claimed): eligible worked out by hand in the tests
    add_answers(db, nad, "1280", nad_report("syd", 6, 12, 2, 18_000, name="=HYPERLINK(\"http://x\",\"y\")"))
    add_answers(db, nad, "1281", nad_report("syd", 4, 25, 2, 40_000))
    add_answers(db, nad, "1282", nad_report("mellan", 10, 8, 1, 15_000))
    add_answers(db, nad, "1283", nad_report("nordvast", 8, 10, 1, 15_000, **{"aktivitet.kvalitet_bedomd": "nej"}))
    add_answers(db, nad, "1284", nad_report("mellan", 5, 20, 2, 30_000, **{
        "ersattning.medlemsavgifter": "ja", "ersattning.medlemsavgifter_belopp": 2_000}))
    add_answers(db, nad, "1285", nad_report("syd", 7, None, 1, 5_000), status="draft")

    costs = store.get_questionnaire(db, "smak-kostnader")
    add_answers(db, costs, "1280", {
        "period.ar": 2014, "period.mottagna": 10, "period.sarskilda_behov": 0, "kostnader.initiala": 100_000,
        "kostnader.personal_tva_manader": 50_000, "kostnader.tomhyror": 20_000,
        "ersattning.typer": ["schablon", "initiala"], "ersattning.schablon": 80_000, "ersattning.initiala": 40_000},
        created="2015-02-01T09:00:00.000+00:00")
    # 2015 twice: the later record corrects the earlier one, which does not count
    add_answers(db, costs, "1280", {"period.ar": 2015, "period.mottagna": 5, "kostnader.initiala": 60_000},
                created="2016-03-01T09:00:00.000+00:00")
    add_answers(db, costs, "1280", {
        "period.ar": 2015, "period.mottagna": 4, "period.sarskilda_behov": 1, "kostnader.initiala": 40_000,
        "kostnader.personal_tva_manader": "vet_ej", "kostnader.tomhyror": 0, "sarskilda_behov.funktionsnedsattning": 8_000,
        "ersattning.typer": ["medel_37"], "ersattning.medel_37": 12_000},
        created="2016-06-01T09:00:00.000+00:00")
    add_answers(db, costs, "2480", {
        "period.ar": 2014, "period.mottagna": 0, "period.sarskilda_behov": 0, "kostnader.initiala": 30_000,
        "kostnader.personal_tva_manader": 0, "kostnader.tomhyror": 0}, created="2015-02-02T09:00:00.000+00:00")
    db.conn.close()
    return path


def measure(path, qid, lang="sv"):
    db = store.open_db(path)
    try:
        report = build_report(db, ExportFilter(qid, status="all"), lang=lang)
    finally:
        db.conn.close()
    assert len(report.measures) == 1
    return report, report.measures[0]


def rows_by(table, n):
    """The table's rows as {(its first n values): {header: value}}; a share's header is "group: header"."""
    headers = [c.header if not c.group or c.kind != "pct" else f"{c.group}: {c.header}" for c in table.columns]
    return {tuple(row[:n]): dict(zip(headers, row)) for row in table.rows}


# -- contact log ------------------------------------------------------------------------------

def test_contact_log_answers_per_county_and_quarter_count_each_request_in_its_request_quarter(stores):
    _report, found = measure(stores, "smak-kontaktlogg")
    assert "8 av 9 kontakter, 7 förfrågningar" in found.note
    rows = rows_by(found.table("answers"), 2)
    skane, vb, everyone = "Skåne län", "Västerbottens län", "Alla län"
    assert list(rows) == [(skane, "2014 K1"), (skane, "2014 K2"), (skane, "Alla kvartal"),
                          (vb, "2014 K2"), (vb, "2014 K3"), (vb, "Alla kvartal"),
                          (everyone, "2014 K1"), (everyone, "2014 K2"), (everyone, "2014 K3"),
                          (everyone, "Alla kvartal")]
    share = "Andel av förfrågningarna: "

    def figures(key):
        row = rows[key]
        return [row["Förfrågningar"], row["Ja"], row["Nej"], row["Kommunen återkommer"], row["Inget svar registrerat"],
                row["Median"], row["n"]]

    # requests, ja, nej, återkommer, none recorded, median days, n of the median
    assert figures((skane, "2014 K1")) == [3, 1, 2, 0, 0, 10, 3]  # days 10, 4, 30
    assert figures((skane, "2014 K2")) == [1, 0, 0, 1, 0, None, 0]
    assert figures((skane, "Alla kvartal")) == [4, 1, 2, 1, 0, 10, 3]
    assert figures((vb, "2014 K3")) == [2, 0, 1, 0, 1, None, 0]
    assert figures((vb, "Alla kvartal")) == [3, 1, 1, 0, 1, 3, 1]
    assert figures((everyone, "2014 K2")) == [2, 1, 0, 1, 0, 3, 1]
    assert figures((everyone, "Alla kvartal")) == [7, 2, 3, 1, 1, 7, 4]  # median of 3, 4, 10, 30
    assert rows[(skane, "Alla kvartal")][share + "Nej"] == 0.5
    assert rows[(everyone, "Alla kvartal")][share + "Inget svar registrerat"] == pytest.approx(1 / 7)
    strong = [row[1] for row, s in zip(found.table("answers").rows, found.table("answers").strong) if s]
    assert strong == ["Alla kvartal"] * 3


def test_contact_log_counts_the_reasons_for_no_per_county(stores):
    _report, found = measure(stores, "smak-kontaktlogg")
    table = found.table("reasons")
    rows = rows_by(table, 1)
    counts = ["Nej-svar", "Brist på bostäder", "Kostnader", "Brist på personal", "Ingen orsak angiven"]
    assert [rows[("Skåne län",)][h] for h in counts] == [2, 2, 1, 0, 0]
    assert [rows[("Västerbottens län",)][h] for h in counts] == [1, 0, 0, 0, 1]
    assert [rows[("Totalt",)][h] for h in counts] == [3, 2, 1, 0, 1]
    assert rows[("Skåne län",)]["Andel av nej-svaren: Kostnader"] == 0.5


# -- NAD ----------------------------------------------------------------------------------------

def test_nad_rule_check_flags_each_rule_and_voids_or_caps_the_eligible_amount(stores):
    _report, found = measure(stores, "nad-aktivitet")
    table = found.table("reports")
    assert table.listing
    headers = ["Kommun", "Knutpunkt", "Regel: minst 5 tillfällen", "Regel: minst en ledare per 10 deltagare",
               "Regel: högst 1 500 kronor per deltagare",
               "Regel: kvaliteten bedömd som tillräckligt hög av den lokala arbetsgruppen",
               "Begärt", "Använt till medlemsavgifter", "Berättigat", "Begärt minus berättigat"]
    rows = [[row[[c.header for c in table.columns].index(h)] for h in headers] for row in table.rows]
    assert rows == [  # hub order: north-west, central, south; then the frame's order (municipality)
        ["Helsingborg", "Nordvästra Skåne (Helsingborg)", True, True, True, False, 15_000, None, 0, 15_000],
        ["Landskrona", "Mellanskåne (Lund)", True, True, False, True, 15_000, None, 12_000, 3_000],
        ["Höganäs", "Mellanskåne (Lund)", True, True, True, True, 30_000, 2_000, 28_000, 2_000],
        ["Malmö", "Sydskåne (Malmö)", True, True, True, True, 18_000, None, 18_000, 0],
        ["Lund", "Sydskåne (Malmö)", False, False, False, True, 40_000, None, 0, 40_000],
        ["Eslöv", "Sydskåne (Malmö)", True, None, None, True, 5_000, None, None, None],
    ]


def test_nad_summary_per_hub_counts_breaches_and_sums_claimed_and_eligible(stores):
    _report, found = measure(stores, "nad-aktivitet")
    table = found.table("hubs")
    assert [row[1:] for row in table.rows] == [
        # reports; broken: sessions, leaders, rate, quality; any; eligible for nothing; not checkable;
        # claimed, eligible, claimed less eligible (over reports with both)
        [1, 0, 0, 0, 1, 1, 1, 0, 15_000, 0, 15_000],
        [2, 0, 0, 1, 0, 1, 0, 0, 45_000, 40_000, 5_000],
        [3, 1, 1, 1, 0, 1, 1, 1, 63_000, 18_000, 40_000],
        [6, 1, 1, 2, 1, 3, 2, 1, 123_000, 58_000, 60_000],
    ]
    assert [row[0] for row in table.rows] == ["Nordvästra Skåne (Helsingborg)", "Mellanskåne (Lund)",
                                              "Sydskåne (Malmö)", "Totalt"]


# -- costs --------------------------------------------------------------------------------------

def test_costs_per_municipality_and_year_take_the_latest_record_and_divide_by_persons(stores):
    _report, found = measure(stores, "smak-kostnader")
    rows = rows_by(found.table("municipalities"), 3)
    headers = ["Poster", "Mottagna personer", "Tomhyror", "Särskilda behov", "Totalt", "Per mottagen person",
               "Mottagen", "Ersättning: Andel av kostnaderna", "Belopp som saknas"]
    malmo_2014 = rows[("Skåne län", "Malmö", 2014)]
    assert [malmo_2014[h] for h in headers] == [1, 10, 20_000, None, 170_000, 17_000, 120_000,
                                                pytest.approx(120 / 170), 0]
    # the later 2015 record; "vet ej" for staff and three special-needs amounts left empty: 4 not given
    malmo_2015 = rows[("Skåne län", "Malmö", 2015)]
    assert [malmo_2015[h] for h in headers] == [2, 4, 0, 8_000, 48_000, 12_000, 12_000, 0.25, 4]
    umea = rows[("Västerbottens län", "Umeå", 2014)]
    assert [umea[h] for h in headers] == [1, 0, 0, None, 30_000, None, None, None, 0]
    assert len(rows) == 3


def test_costs_per_county_and_year_never_add_years_together(stores):
    _report, found = measure(stores, "smak-kostnader")
    table = found.table("years")
    assert table.rows == [
        # county, year, municipalities, persons, costs, per person, compensation, compensation / costs
        ["Skåne län", 2014, 1, 10, 170_000, 17_000, 120_000, pytest.approx(120 / 170)],
        ["Skåne län", 2015, 1, 4, 48_000, 12_000, 12_000, 0.25],
        ["Västerbottens län", 2014, 1, 0, 30_000, None, None, None],
        # per person and the share only over municipalities with both figures: Umeå received no one
        ["Alla län", 2014, 2, 10, 200_000, 17_000, 120_000, pytest.approx(120 / 170)],
        ["Alla län", 2015, 1, 4, 48_000, 12_000, 12_000, 0.25],
    ]


# -- workbook and page ----------------------------------------------------------------------------

def test_the_workbook_has_a_sheet_per_measure_and_listing_with_numbers_flags_and_safe_text(stores, tmp_path):
    report, _found = measure(stores, "nad-aktivitet")
    save_workbook(report, tmp_path / "nad.xlsx")
    book = load_workbook(tmp_path / "nad.xlsx")
    assert book.sheetnames[:3] == ["Översikt", "NAD-regler", "NAD per rapport"]
    summary = sheet_rows(book["NAD-regler"])
    total = next(row for row in summary if row[0] == "Totalt")
    assert total[1:12] == (6, 1, 1, 2, 1, 3, 2, 1, 123_000, 58_000, 60_000)
    listing = book["NAD per rapport"]
    header = [c.value for c in listing[4]]
    assert listing.auto_filter.ref.startswith("A4:") and listing.freeze_panes == "A5"
    assert listing.print_title_rows == "$3:$4" and listing[3][8].value == "Regeln uppfylld"
    malmo = next(row for row in listing.iter_rows(min_row=5) if row[1].value == "Malmö")
    cells = dict(zip(header, malmo))
    assert cells["Föreningens namn"].value == "'=HYPERLINK(\"http://x\",\"y\")"
    assert cells["Berättigat"].value == 18_000 and cells["Berättigat"].number_format == '#,##0 "kr"'
    lund = next(row for row in listing.iter_rows(min_row=5) if row[1].value == "Lund")
    broken = dict(zip(header, lund))["Regel: minst 5 tillfällen"]
    assert broken.value == "Nej" and broken.fill.fgColor.rgb.endswith("FFF2CC")
    overview = [row[0] for row in sheet_rows(book["Översikt"])]
    assert "NAD-regler" in overview and "NAD per rapport" in overview


def test_the_costs_sheet_writes_years_as_years(stores, tmp_path):
    report, _found = measure(stores, "smak-kostnader", lang="en")
    save_workbook(report, tmp_path / "costs.xlsx")
    book = load_workbook(tmp_path / "costs.xlsx")
    ws = book["Costs per year"]
    year_cells = [row[1] for row in ws.iter_rows() if row[0].value == "All counties"]
    assert [(c.value, c.number_format) for c in year_cells] == [(2014, "0"), (2015, "0")]


def test_a_questionnaire_without_measures_has_none(field_template, tmp_path):
    path = tmp_path / "fieldkit.db"
    path.write_bytes(field_template.read_bytes())
    db = store.open_db(path)
    assert build_report(db, ExportFilter("kub-webbenkat")).measures == []


def test_the_reports_page_shows_the_measures_in_the_readers_words(stores):
    app = create_app({"DB": str(stores), "TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    page = client.get("/rapporter/nad-aktivitet?status=all").get_data(as_text=True)
    assert "NAD-rapporter per knutpunkt: brutna regler, begärt och berättigat" in page
    assert "123\u00a0000\u00a0kr" in page and "58\u00a0000\u00a0kr" in page
    assert 'class="rep-broken">Nej</td>' in page
    assert "<th scope=\"col\">Regel: högst 1\u00a0500 kronor per deltagare</th>" in page  # never split over two lines
    contents = re.search(r'<nav class="rep-toc card" id="contents".*?</nav>', page, re.S).group(0)
    measure_links = re.findall(r'href="#(m-[^"]+)"', contents)
    assert measure_links and all(f'id="{target}"' in page for target in measure_links)
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in page  # escaped, shown as text
    client.set_cookie(i18n.COOKIE, "en")
    text = client.get("/rapporter/smak-kontaktlogg?status=all").get_data(as_text=True)
    assert "Answers to assignment requests per county and quarter" in text and "2014 Q1" in text


def test_small_numbers_are_hidden_in_the_measures_as_in_the_question_tables(stores):
    from exports.filters import TableOptions

    db = store.open_db(stores)
    try:
        report = build_report(db, ExportFilter("nad-aktivitet", status="all", tables=TableOptions(min_count=3)))
    finally:
        db.conn.close()
    found = report.measures[0]
    assert found.table("reports").rows == []  # a row per report: left out whole
    assert "Utelämnad: små tal döljs" in found.table("reports").note
    hubs = found.table("hubs")
    # reports; broken: sessions, leaders, rate, quality; any; nothing; not checkable; claimed, eligible, difference
    assert [row[1:] for row in hubs.rows] == [
        ["<3", 0, 0, 0, "<3", "<3", "<3", 0, "–", "–", "–"],  # one report: its amounts would be its own
        ["<3", 0, 0, "<3", 0, "<3", 0, 0, "–", "–", "–"],
        [3, "<3", "<3", "<3", 0, "<3", "<3", "<3", "–", "–", "–"],
        [6, "<3", "<3", "<3", "<3", 3, "<3", "<3", "–", "–", "–"],
    ]
    assert "Små tal döljs: antal från 1 till 2 visas som <3" in found.note


def test_a_case_answered_in_a_later_contact_counts_in_the_quarter_it_was_asked(field_template, tmp_path):
    path = tmp_path / "fieldkit.db"
    path.write_bytes(field_template.read_bytes())
    config.ensure_secret_key(path.parent)
    db = store.open_db(path)
    log = store.get_questionnaire(db, "smak-kontaktlogg")
    # asked on 30 March ("återkommer"), answered yes on 28 April in a second contact without a request date
    add_answers(db, log, "2480", {**REQUEST, "kontakt.datum": "2014-03-30", "arende.forfragan_datum": "2014-03-30",
                                  "arende.arendereferens": "TEST-1", "svar.svar": "aterkommer"},
                created="2014-03-30T09:00:00.000+00:00")
    add_answers(db, log, "2480", {**REQUEST, "kontakt.datum": "2014-04-29", "arende.arendereferens": "test-1",
                                  "svar.svar": "ja", "svar.svarsdatum": "2014-04-28"},
                created="2014-04-29T09:00:00.000+00:00")
    db.conn.close()
    _report, found = measure(path, "smak-kontaktlogg")
    rows = rows_by(found.table("answers"), 2)
    row = rows[("Västerbottens län", "2014 K1")]
    assert [row["Förfrågningar"], row["Ja"], row["Kommunen återkommer"], row["Median"], row["n"]] == [1, 1, 0, 29, 1]
    assert ("Västerbottens län", "2014 K2") not in rows
