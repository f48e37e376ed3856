"""The workbook a county official prints and sends: titled charts on their table's page, page setup on
every sheet, labels instead of ids, years, dates, dashes, "not applicable" and a codebook per version.

The store is a small two-version questionnaire written here, with a handful of hand-made answers, so
that every expected value below is counted by hand.
"""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from openpyxl import load_workbook

from exports import ExportFilter, build_report, iter_csv, save_workbook
from exports.captions import is_year, shorten
from fieldkit.app import create_app
from forms import from_dict
from forms.model import Question
from sync import store

from exports_helpers import add_answers, blocks, codebook_rows, column_ids, data_records, init_store, sheet_rows

MATRIX = {"id": "bedomning", "type": "matrix",
          "label": {"sv": "Bedömning: hur fungerar samarbetet med följande?", "en": "Rating: how does it work?"},
          "choices": [{"code": "bra", "label": {"sv": "Bra", "en": "Good"}, "score": 2},
                      {"code": "daligt", "label": {"sv": "Dåligt", "en": "Poor"}, "score": 1}],
          "items": [{"code": "af", "label": {"sv": "Arbetsförmedlingen", "en": "Employment service"}},
                    {"code": "mv", "label": {"sv": "Migrationsverket", "en": "Migration agency"}}]}


def kost(version: str) -> dict:
    """Version 1, or version 2: new wording of the year question, a new option and a new matrix row."""
    v2 = version == "2"
    options = [{"code": "schablon", "label": {"sv": "Schablonersättning", "en": "Lump sum"}},
               {"code": "tomhyror", "label": {"sv": "Ersättning för tomhyror", "en": "Empty rent"}}]
    if v2:
        options.append({"code": "eu", "label": {"sv": "EU-medel", "en": "EU funds"}})
    matrix = {**MATRIX, "items": MATRIX["items"] + ([{"code": "lst", "label": {"sv": "Länsstyrelsen"}}] if v2 else [])}
    return {
        "id": "kost", "version": version, "title": {"sv": "Kostnader för mottagandet", "en": "Reception costs"},
        "sections": [
            {"id": "period", "title": {"sv": "År"}, "questions": [
                {"id": "ar", "type": "integer", "min": 2000, "max": 2035, "required": True,
                 "label": {"sv": "Vilket år gäller uppgifterna?" if v2 else "Vilket år avser uppgifterna?",
                           "en": "Which year?"}},
                {"id": "antal", "type": "integer", "min": 0, "max": 5000,
                 "label": {"sv": "Antal mottagna", "en": "Number received"}},
            ]},
            {"id": "kostnader", "title": {"sv": "Kostnader"}, "questions": [
                {"id": "tomhyror", "type": "money", "min": 0, "label": {"sv": "Tomhyror (kronor)", "en": "Empty rent"}},
                {"id": "beslut", "type": "date", "label": {"sv": "Datum för beslut", "en": "Date of decision"}},
                {"id": "finns", "type": "yesno", "label": {"sv": "Finns särskilda behov?", "en": "Special needs?"}},
                {"id": "beskrivning", "type": "longtext", "relevant": "kostnader.finns == 'ja'",
                 "label": {"sv": "Beskriv behoven", "en": "Describe the needs"}},
                {"id": "typer", "type": "multi", "other": True,
                 "label": {"sv": "Vilka ersättningar har kommunen fått?", "en": "Which compensation?"},
                 "choices": options},
                matrix,
            ]},
        ]}


V1, V2 = from_dict(kost("1")), from_dict(kost("2"))


@pytest.fixture(scope="module")
def kost_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("kost") / "fieldkit.db"
    db = init_store(path)
    store.add_questionnaire(db, V1)
    store.add_questionnaire(db, V2)
    add_answers(db, V2, "2480", {"period.ar": 2013, "period.antal": 12, "kostnader.tomhyror": 12500,
                                 "kostnader.beslut": "2013-05-02", "kostnader.finns": "nej",
                                 "kostnader.typer": ["schablon", "eu"],
                                 "kostnader.bedomning": {"af": "bra", "mv": "daligt", "lst": "bra"}})
    add_answers(db, V2, "2482", {"period.ar": 2014, "period.antal": 3, "kostnader.finns": "ja",
                                 "kostnader.beskrivning": "Stora familjer", "kostnader.typer": ["annat"],
                                 "kostnader.typer/annat": "Kommunbidrag",
                                 "kostnader.bedomning": {"af": "daligt", "mv": "daligt"}})
    add_answers(db, V1, "0180", {"period.ar": 2012, "kostnader.finns": "nej",
                                 "kostnader.bedomning": {"af": "bra", "mv": "bra"}})
    add_answers(db, V1, "0180", {"period.ar": 2012, "kostnader.finns": "ja"})
    db.conn.close()
    return path


@pytest.fixture(scope="module")
def kost_db(kost_path):
    db = store.open_db(kost_path)
    yield db
    db.conn.close()


@pytest.fixture(scope="module")
def book(kost_db, tmp_path_factory):
    path = save_workbook(build_report(kost_db, ExportFilter("kost"), "sv"), tmp_path_factory.mktemp("b") / "k.xlsx")
    return load_workbook(path)


def by_municipality(workbook) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for record in data_records(workbook["Data"], column_ids(workbook)):
        found.setdefault(record["Kommun"], []).append(record)
    return found


def data_cell(workbook, header: str, municipality: str):
    ws = workbook["Data"]
    rows = list(ws.iter_rows())
    col = [c.value for c in rows[0]].index(header)
    kommun = [c.value for c in rows[0]].index("Kommun")
    return next(row[col] for row in rows[1:] if row[kommun].value == municipality)


# -- labels, not ids ------------------------------------------------------------------------------

def test_data_sheet_is_headed_by_labels_and_the_codebook_gives_their_ids(book):
    header = sheet_rows(book["Data"])[0]
    assert header[10:] == (
        "Vilket år gäller uppgifterna?", "Antal mottagna", "Tomhyror (kronor)", "Datum för beslut",
        "Finns särskilda behov?", "Beskriv behoven", "Vilka ersättningar har kommunen fått?",
        "Vilka ersättningar har kommunen fått?: Schablonersättning",
        "Vilka ersättningar har kommunen fått?: Ersättning för tomhyror",
        "Vilka ersättningar har kommunen fått?: EU-medel", "Vilka ersättningar har kommunen fått?: Annat, nämligen",
        "Vilka ersättningar har kommunen fått?: annat, nämligen (text)",
        "Bedömning: Arbetsförmedlingen", "Bedömning: Migrationsverket", "Bedömning: Länsstyrelsen")
    ids = column_ids(book)
    assert ids["Vilket år gäller uppgifterna?"] == "period.ar"
    assert ids["Bedömning: Länsstyrelsen"] == "kostnader.bedomning/lst"
    assert ids["Vilka ersättningar har kommunen fått?: annat, nämligen (text)"] == "kostnader.typer/annat_text"


def test_no_sheet_but_the_codebook_shows_an_internal_key(book):
    keys = set(column_ids(book).values()) | {q.id for q in V2.questions()} | {"response_rate"}
    for ws in book.worksheets:
        if ws.title.startswith("Kodbok"):
            continue
        for row in ws.iter_rows(values_only=True):
            shown = {v for v in row if isinstance(v, str)}
            assert not shown & keys, (ws.title, shown & keys)


def test_long_labels_are_shortened_in_the_middle_and_stay_apart():
    municipal = "Har kommunen överenskommelse/samarbete om tillgång till bostäder för nyanlända flyktingar med " \
                "kommunalt bostadsbolag?"
    private = municipal.replace("kommunalt bostadsbolag", "privat hyresvärd")
    assert shorten(municipal) == "Har kommunen överenskommelse/samarbete om … flyktingar med kommunalt bostadsbolag?"
    assert shorten(private) == "Har kommunen överenskommelse/samarbete om … nyanlända flyktingar med privat hyresvärd?"
    assert shorten("Antal mottagna") == "Antal mottagna"


# -- years, dates, amounts, skipped -----------------------------------------------------------------

def test_a_year_is_an_integer_question_bounded_within_1900_to_2100():
    def integer(low, high, qtype="integer"):
        return Question("a.b", qtype, {"sv": "x"}, min=low, max=high)

    assert is_year(integer(2000, 2035)) and is_year(integer(1900, 2100))
    assert not is_year(integer(0, 5000)) and not is_year(integer(1900, None))
    assert not is_year(integer(1899, 2000)) and not is_year(integer(2000, 2035, "decimal"))


def test_years_have_no_thousands_separator_and_no_sum(book):
    cell = data_cell(book, "Vilket år gäller uppgifterna?", "Umeå")
    assert (cell.value, cell.number_format) == (2013, "0")
    table = blocks(book["1. År"])["Vilket år gäller uppgifterna?"]
    headers = [label for _group, label in table["headers"]]
    assert "Summa" not in headers and headers[:6] == ["Län", "Antal svar", "Medelvärde", "Median", "Min", "Max"]
    assert table["rows"]["Totalt"][1:6] == [4, 2012.75, 2012.5, 2012, 2014]
    # an ordinary count keeps its sum
    assert "Summa" in [label for _g, label in blocks(book["1. År"])["Antal mottagna"]["headers"]]
    ws = book["1. År"]
    total = next(row for row in ws.iter_rows() if row[0].value == "Totalt")  # the first table's
    assert [(c.value, c.number_format) for c in total[4:6]] == [(2012, "0"), (2014, "0")]
    assert (total[2].value, total[2].number_format) == (2012.75, "0.0")


def test_dates_are_excel_dates(book):
    cell = data_cell(book, "Datum för beslut", "Umeå")
    assert cell.value == datetime.datetime(2013, 5, 2) and cell.number_format == "yyyy-mm-dd"
    table = blocks(book["2. Kostnader"])["Datum för beslut"]
    assert table["rows"]["Totalt"][2:4] == [datetime.datetime(2013, 5, 2)] * 2


def test_a_sum_of_no_amounts_is_a_dash_not_zero_kronor(book):
    table = blocks(book["2. Kostnader"])["Tomhyror (kronor)"]
    assert table["rows"]["Stockholms län"][1:7] == [0, "–", "–", "–", "–", "–"]
    assert table["rows"]["Västerbottens län"][1:7] == [1, 12500, 12500, 12500, 12500, 12500]
    money = [c for row in book["2. Kostnader"].iter_rows() for c in row if c.value == 12500]
    assert money and {c.number_format for c in money} == {'#,##0 "kr"'}


def test_skipped_free_text_says_not_applicable_and_unanswered_stays_blank(book, kost_db):
    rows = by_municipality(book)
    assert rows["Umeå"][0]["kostnader.beskrivning"] == "Ej tillämplig"  # "finns" was no: not asked
    assert rows["Skellefteå"][0]["kostnader.beskrivning"] == "Stora familjer"
    stockholm = {r["kostnader.finns"]: r["kostnader.beskrivning"] for r in rows["Stockholm"]}
    assert stockholm == {"Nej": "Ej tillämplig", "Ja": None}  # asked, left empty
    # the "other" text is asked only when "other" is chosen
    assert rows["Skellefteå"][0]["kostnader.typer/annat_text"] == "Kommunbidrag"
    assert rows["Umeå"][0]["kostnader.typer/annat_text"] == "Ej tillämplig"
    # the wide CSV says the same
    report = build_report(kost_db, ExportFilter("kost"), "sv")
    wide = list(csv.DictReader(io.StringIO("".join(iter_csv(report, sep=";")).removeprefix("\ufeff")),
                               delimiter=";"))
    texts = sorted((r["Kommun"], r["kostnader.finns"], r["kostnader.beskrivning"]) for r in wide)
    assert texts == [("Skellefteå", "Ja", "Stora familjer"), ("Stockholm", "Ja", ""),
                     ("Stockholm", "Nej", "Ej tillämplig"), ("Umeå", "Nej", "Ej tillämplig")]
    assert {r["period.ar"] for r in wide} == {"2012", "2013", "2014"}
    assert {r["kostnader.beslut"] for r in wide} == {"2013-05-02", ""}


def test_english_says_not_applicable_too(kost_db, tmp_path):
    wb = load_workbook(save_workbook(build_report(kost_db, ExportFilter("kost", counties=("24",)), "en"),
                                     tmp_path / "en.xlsx"))
    rows = {r["Municipality"]: r for r in data_records(wb["Data"], column_ids(wb))}
    assert rows["Umeå"]["kostnader.beskrivning"] == "Not applicable (skipped)"


# -- the codebook per version -----------------------------------------------------------------------

def test_a_codebook_per_version_in_its_own_words_marks_what_not_every_version_has(book):
    assert book.sheetnames[-2:] == ["Kodbok 2", "Kodbok 1"]
    v2, v1 = codebook_rows(book["Kodbok 2"]), codebook_rows(book["Kodbok 1"])
    text = {(r["Fråge-id"], r["Kod"]): r["Text"] for r in v1 if r["Typ"] or r["Kod"]}
    assert text[("period.ar", None)] == "Vilket år avser uppgifterna?"
    assert {(r["Fråge-id"], r["Text"]) for r in v2 if r["Typ"] == "Heltal"} >= {
        ("period.ar", "Vilket år gäller uppgifterna?")}
    marks = {(r["Fråge-id"], r["Kod"]): r["Endast i versioner"] for r in v2 if r["Kod"]}
    assert marks[("kostnader.typer", "eu")] == "2" and marks[("kostnader.bedomning", "lst")] == "2"
    assert marks[("kostnader.typer", "schablon")] is None and marks[("kostnader.bedomning", "af")] is None
    assert ("kostnader.typer", "eu") not in {(r["Fråge-id"], r["Kod"]) for r in v1}
    marked = [row for row in book["Kodbok 2"].iter_rows() if row[5].value == "eu"]
    assert marked[0][9].fill.fgColor.rgb.endswith("FFF2CC")  # the marker a reader sees
    assert sheet_rows(book["Kodbok 2"])[0][0] == "Kodbok, version 2 · Kostnader för mottagandet"


def test_the_codebook_leaves_out_personal_questions_when_the_export_does(tmp_path):
    db = init_store(tmp_path / "fieldkit.db")
    personal = from_dict({"id": "pers", "version": "1", "title": {"sv": "Kontakter"}, "sections": [
        {"id": "k", "title": {"sv": "Kontakt"}, "questions": [
            {"id": "namn", "type": "text", "personal": True, "label": {"sv": "Kontaktpersonens namn"}},
            {"id": "svar", "type": "yesno", "label": {"sv": "Svarade kommunen ja?"}}]}]})
    store.add_questionnaire(db, personal)
    add_answers(db, personal, "2480", {"k.namn": "Kerstin", "k.svar": "ja"})
    report = build_report(db, ExportFilter("pers"), "sv", include_personal=False)
    wb = load_workbook(save_workbook(report, tmp_path / "p.xlsx"))
    assert {r["Fråge-id"] for r in codebook_rows(wb["Kodbok"])} == {"k.svar"}


# -- charts and the printed page --------------------------------------------------------------------

def chart_title(chart) -> str:
    return "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))


def test_every_chart_is_titled_with_question_n_and_filter(book):
    titles = [chart_title(c) for ws in book.worksheets for c in ws._charts]
    assert len(titles) >= 6
    assert "Svarsfrekvens (n = 290; alla län)" in titles
    assert "Finns särskilda behov? (n = 4; alla län)" in titles
    assert "Bedömning: hur fungerar samarbetet med följande? (n = 1–3; alla län)" in titles
    assert "Tomhyror (kronor): medelvärde (n = 1; alla län)" in titles
    assert all(re.search(r"\(n = [\d–]+; alla län\)$", t) for t in titles), titles


def test_a_county_filter_is_named_in_chart_titles_and_a_lone_county_gets_its_own_bars(kost_db, tmp_path):
    wb = load_workbook(save_workbook(build_report(kost_db, ExportFilter("kost", counties=("24",)), "sv"),
                                     tmp_path / "ac.xlsx"))
    charts = {chart_title(c): c for c in wb["2. Kostnader"]._charts}
    chart = charts["Finns särskilda behov? (n = 2; Västerbottens län)"]
    assert chart.type == "bar" and len(chart.series) == 2  # the county's shares of yes and no, and the country's
    assert not any("medelvärde" in t for t in charts)  # a mean per county needs more than one county


def test_with_several_counties_yes_no_gets_a_bar_per_county(book):
    charts = {chart_title(c): c for c in book["2. Kostnader"]._charts}
    chart = charts["Finns särskilda behov? (n = 4; alla län)"]
    assert chart.grouping == "percentStacked"
    categories = chart.series[0].cat.numRef or chart.series[0].cat.strRef
    first, last = (int(x) for x in re.findall(r"\$A\$(\d+)", categories.f))  # the table's county names
    rows = sheet_rows(book["2. Kostnader"])
    assert [rows[i - 1][0] for i in range(first, last + 1)] == ["Stockholms län", "Västerbottens län", "Totalt"]


def test_each_chart_is_anchored_by_its_table_with_no_page_break_between(book):
    for ws in book.worksheets:
        rows = sheet_rows(ws)
        breaks = [b.id for b in ws.row_breaks.brk]
        tables = blocks(ws)
        for chart in ws._charts:
            anchor = chart.anchor._from.row + 1
            question = chart_title(chart).rsplit(" (n = ", 1)[0].removesuffix(": medelvärde")
            title_row = next(i for i, row in enumerate(rows, 1) if row and row[0] == question
                             and rows[i + 2][0] in ("Län", "Påstående"))  # not a statement row of the summary
            table_end = title_row + 4 + len(tables[question]["rows"])
            assert title_row <= anchor <= table_end + 2, (ws.title, question, title_row, anchor)
            assert not [b for b in breaks if title_row <= b < anchor + 3], (ws.title, question, breaks)


def test_every_sheet_prints_on_a4_fitted_to_width_with_repeated_headers_and_page_numbers(book):
    repeated = {"Data": "$1:$1", "Fritext": "$1:$1", "Ej besvarad": "$1:$1", "Kodbok 2": "$3:$3", "Kodbok 1": "$3:$3",
                "1. År": "$1:$3", "2. Kostnader": "$1:$3"}
    for ws in book.worksheets:
        setup = ws.page_setup
        assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (9, 1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.oddFooter.right.text == "Sida &P av &N" and ws.oddFooter.center.text == "&A", ws.title
        assert (ws.print_title_rows or None) == repeated.get(ws.title), ws.title
    assert book["Översikt"].page_setup.orientation == "portrait"
    assert book["Data"].page_setup.orientation == "landscape"


# -- the reports page -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page(kost_path):
    from fieldkit import config

    config.ensure_secret_key(kost_path.parent)
    app = create_app({"DB": str(kost_path), "TESTING": True, "WTF_CSRF_ENABLED": False})
    return app.test_client().get("/rapporter/kost").get_data(as_text=True)


def test_the_reports_page_captions_its_charts_like_the_workbook(page):
    captions = re.findall(r'<figcaption class="rep-note">([^<]*)</figcaption>', page)
    assert "Finns särskilda behov? (n = 4; alla län)" in captions
    assert "Svarsfrekvens (n = 290; alla län)" in captions
    assert "<title id=\"rc" in page and "Finns särskilda behov? (n = 4; alla län)</title>" in page


def test_the_reports_page_writes_years_plainly_and_a_dash_for_no_amounts(page):
    year = page.split("<h3>Vilket år gäller uppgifterna?</h3>", 1)[1].split("</table>", 1)[0]  # not the contents
    cells = re.findall(r'<td class="rep-num">([^<]*)', year)
    assert cells[:5] == ["2", "2012", "2012", "2012", "2012"]  # Stockholms län first: two answers, 2012
    total = year.split('<th scope="row">Totalt</th>', 1)[1]
    assert re.findall(r'<td class="rep-num">([^<]*)', total)[:5] == ["4", "2012,8", "2012,5", "2012", "2014"]
    assert "2\u00a0012" not in year and "2012,75" not in year and "Summa" not in year
    rent = page.split("<h3>Tomhyror (kronor)", 1)[1].split("</table>", 1)[0]
    stockholm = rent.split('<th scope="row">Stockholms län</th>', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="rep-num">([^<]*)', stockholm)[:6] == ["0", "–", "–", "–", "–", "–"]


def test_the_reports_page_charts_show_whole_labels(kost_db, tmp_path):
    from exports.svg import stacked_chart

    label = "Kapaciteten att ta emot nyanlända är osäker eftersom personalstyrkan har minskat"
    svg = stacked_chart("t", [(label, [0.5, 0.5])], ["Ja", "Nej"])
    row_label = svg.split('<text class="rc-label"', 1)[1].split("</text>", 1)[0]
    spans = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", row_label)
    assert " ".join(spans) == label and all(len(s) <= 32 for s in spans)
    long_legend = ["Nordöstra Skåne (Kristianstad) " * 4, "Nej"]  # wider than the chart: broken, never cut
    legend = stacked_chart("t", [(label, [0.5, 0.5])], long_legend).split('<text class="rc-legend">', 1)[1]
    spans = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", legend.split("</text>", 1)[0])
    assert len(spans) > 1 and "".join(spans) == long_legend[0].strip() and "…" not in legend


# -- the whole thing, as LibreOffice prints it ------------------------------------------------------

@pytest.mark.slow
def test_one_countys_kub_workbook_prints_in_under_15_pages_and_every_chart_is_titled(tmp_path):
    """`fieldkit demo` of 70 kub-webbenkat interviews, then the workbook of county 24, converted to PDF by LibreOffice."""
    import os
    import shutil
    import subprocess

    from click.testing import CliRunner

    from fieldkit.cli import main

    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("libreoffice is required in CI (Debian package libreoffice-calc-nogui)")
        pytest.skip("libreoffice is not installed")
    db, out = str(tmp_path / "fieldkit.db"), tmp_path / "vasterbotten.xlsx"
    for args in (["init"], ["demo", "--questionnaire", "kub-webbenkat", "--submissions", "70", "--seed", "1"],
                 ["export", "xlsx", "--questionnaire", "kub-webbenkat", "--lan", "24", "--out", str(out)]):
        result = CliRunner().invoke(main, ["--db", db, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    workbook = load_workbook(out)
    titles = [chart_title(c) for ws in workbook.worksheets for c in ws._charts]
    # response rate, 2 yes/no on housing, 3 matrices, 3 ratings of cooperation, 2 yes/no on the local agreement
    assert len(titles) == 11
    assert all(re.search(r"\(n = [\d–]+; Västerbottens län\)$", t) for t in titles), titles
    result = subprocess.run(
        [binary, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(out)], capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "vasterbotten.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stdout + result.stderr
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))
    # before: 51 pages, a page per matrix statement; now a page or two per section
    assert 10 <= pages < 15, pages


def test_a_label_that_repeats_a_header_gets_a_number_in_data_and_in_the_codebook(tmp_path):
    db = init_store(tmp_path / "fieldkit.db")
    twice = from_dict({"id": "dubbel", "version": "1", "title": {"sv": "Dubbletter"}, "sections": [
        {"id": "a", "title": {"sv": "A"}, "questions": [
            {"id": "kommun", "type": "text", "label": {"sv": "Kommun"}},
            {"id": "igen", "type": "text", "label": {"sv": "Kommun"}}]}]})
    store.add_questionnaire(db, twice)
    add_answers(db, twice, "2480", {"a.kommun": "Umeå", "a.igen": "Umeå igen"})
    wb = load_workbook(save_workbook(build_report(db, ExportFilter("dubbel"), "sv"), tmp_path / "d.xlsx"))
    assert sheet_rows(wb["Data"])[0][6:] == ("Kommun", "Skapad", "Ändrad", "Intervjuare", "Kommun (2)", "Kommun (3)")
    assert column_ids(wb) == {"Kommun (2)": "a.kommun", "Kommun (3)": "a.igen"}
