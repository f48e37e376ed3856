"""Derived values and rules in the exports: Data sheet and CSV cells, the codebook, the tables; years counted."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from exports import ExportFilter, build_report, iter_csv, save_workbook
from forms import from_dict
from sync import store

from exports_helpers import add_answers, blocks, codebook_sheets, column_ids, data_records, sheet_rows

NAD_BASE = {
    "forening.namn": "Fotbollsklubben", "forening.knutpunkt": "syd", "forening.kontaktperson_namn": "Eva Ek",
    "aktivitet.namn": "Språkfotboll", "aktivitet.fokus": ["sprak"], "aktivitet.kvalitet_bedomd": "ja",
    "ersattning.medlemsavgifter": "nej",
}
# (sessions, participants, leaders, claimed), each in its own municipality of Skåne (county 12)
NAD_REPORTS = {
    "1280": (6, 12, 2, 18_000),   # rules hold; eligible min(18 000, 18 000) = 18 000
    "1281": (4, 25, 2, 40_000),   # 4 < 5, 25 > 20, 40 000 > 37 500; eligible 37 500
    "1282": (10, 8, 1, 9_000),    # rules hold; eligible 9 000
}
RULES = ("omfattning.minst_5_tillfallen", "omfattning.ledare_per_10_deltagare", "ersattning.inom_schablon")


def version_1(questionnaire):
    """The questionnaire without its derived entries, as version 1: rules added later judge its answers too."""
    data = questionnaire.to_dict()
    data["version"] = "1"
    for section in data["sections"]:
        section["questions"] = [q for q in section["questions"] if q["type"] != "derived"]
    return from_dict(data)


@pytest.fixture(scope="module")
def nad_workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("nad") / "fieldkit.db"
    db = store.open_db(path)
    store.init_store(db, interviewer="Test")
    nad = store.get_questionnaire(db, "nad-aktivitet")
    old = version_1(nad)
    store.add_questionnaire(db, old)
    for code, (sessions, participants, leaders, claimed) in NAD_REPORTS.items():
        add_answers(db, nad, code, {**NAD_BASE, "omfattning.tillfallen": sessions,
                                    "omfattning.deltagare": participants, "omfattning.ledare": leaders,
                                    "ersattning.begard": claimed})
    # version 1, answered before the rules existed: 3 sessions, 9 participants and 1 leader, 20 000 claimed
    add_answers(db, old, "1283", {**NAD_BASE, "omfattning.tillfallen": 3, "omfattning.deltagare": 9,
                                  "omfattning.ledare": 1, "ersattning.begard": 20_000})
    # without participants: nothing that needs them can be computed
    add_answers(db, nad, "1284", {**NAD_BASE, "omfattning.tillfallen": 7, "ersattning.begard": 5_000},
                status="draft")
    report = build_report(db, ExportFilter("nad-aktivitet", status="all"), lang="sv")
    target = path.parent / "nad.xlsx"
    save_workbook(report, target)
    csv_text = "".join(iter_csv(report))
    db.conn.close()
    return load_workbook(target), csv_text


def by_municipality(records):
    return {r["Kommunkod"]: r for r in records}


def records(book):
    """The Data sheet's rows, answer columns by their id (looked up in the codebook, as a reader would)."""
    return data_records(book["Data"], column_ids(book))


def table(book, sheet, questionnaire_id, qid):
    """The table of one question on a section sheet: tables are titled with the question's text."""
    from forms.library import load_library

    question = next(q for q in load_library() if q.id == questionnaire_id).question(qid)
    return blocks(book[sheet])[question.text("sv")]


def test_data_sheet_has_the_rules_as_yes_no_and_the_eligible_amount(nad_workbook):
    book, _ = nad_workbook
    rows = by_municipality(records(book))
    cells = {code: tuple(rows[code][key] for key in RULES + ("ersattning.berattigat_belopp",)) for code in rows}
    assert cells == {
        "1280": ("Ja", "Ja", "Ja", 18_000),
        "1281": ("Nej", "Nej", "Nej", 37_500),
        "1282": ("Ja", "Ja", "Ja", 9_000),
        # version 1: 3 < 5; 9 <= 10; 20 000 > 13 500; min(20 000, 13 500)
        "1283": ("Nej", "Ja", "Nej", 13_500),
        "1284": ("Ja", None, None, None),  # missing participants: empty cells, never 0 or Nej
    }
    # an amount is a number formatted as kronor, like the answers
    data = book["Data"]
    ids = column_ids(book)
    header = [ids.get(c.value, c.value) for c in data[1]]
    cell = data.cell(row=2, column=header.index("ersattning.berattigat_belopp") + 1)
    assert isinstance(cell.value, int) and "kr" in cell.number_format


def test_csv_has_the_same_cells(nad_workbook):
    _, text = nad_workbook
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = rows[0]
    got = {row[header.index("Kommunkod")]: [row[header.index(key)] for key in RULES + ("ersattning.berattigat_belopp",)]
           for row in rows[1:]}
    assert got["1281"] == ["Nej", "Nej", "Nej", "37500"]
    assert got["1283"] == ["Nej", "Ja", "Nej", "13500"]
    assert got["1284"] == ["Ja", "", "", ""]


def test_codebook_shows_kind_expression_and_message(nad_workbook):
    book, _ = nad_workbook
    newest = codebook_sheets(book)[0]  # version 2, which has the rules
    rows = [(row[0], row[3], row[4], row[5], row[6]) for row in sheet_rows(newest)
            if row[0] == "omfattning.ledare_per_10_deltagare"]
    assert rows == [
        ("omfattning.ledare_per_10_deltagare", "kontroll (varning)", "Ja/nej-fråga", None,
         "Regel: minst en ledare per 10 deltagare"),
        ("omfattning.ledare_per_10_deltagare", "uttryck", None, None, "omfattning.deltagare <= 10 * omfattning.ledare"),
        ("omfattning.ledare_per_10_deltagare", "meddelande", None, None,
         "Ersättning kräver minst en ledare per 10 deltagare."),
        ("omfattning.ledare_per_10_deltagare", "svarsalternativ", None, "ja", "Ja"),
        ("omfattning.ledare_per_10_deltagare", "svarsalternativ", None, "nej", "Nej"),
    ]
    value = [(row[3], row[4], row[6]) for row in sheet_rows(newest) if row[0] == "ersattning.berattigat_belopp"]
    assert value[0][:2] == ("beräknat värde", "Belopp (kr)")
    assert value[1] == ("uttryck", None, "min(ersattning.begard, 1500 * omfattning.deltagare)")


def test_rules_are_tabulated_as_yes_no_shares(nad_workbook):
    book, _ = nad_workbook
    found = table(book, "3. Omfattning", "nad-aktivitet", "omfattning.ledare_per_10_deltagare")
    row = dict(zip(found["headers"], found["rows"]["Totalt"]))
    # judged in 4 submissions: 1280, 1282 and 1283 hold, 1281 does not; 1284 cannot be judged
    assert row[("Antal", "Ja")] == 3
    assert row[("Antal", "Nej")] == 1
    assert row[("Andel av substantiella svar", "Ja")] == pytest.approx(0.75)
    assert row[("Utanför andelarna", "Ej besvarad")] == 1


def test_derived_amounts_get_value_statistics(nad_workbook):
    book, _ = nad_workbook
    found = table(book, "4. Ersättning", "nad-aktivitet", "ersattning.berattigat_belopp")
    row = dict(zip(found["headers"], found["rows"]["Totalt"]))
    # 18 000 + 37 500 + 9 000 + 13 500 = 78 000 over 4
    assert row[("Statistik", "Antal svar")] == 4
    assert row[("Statistik", "Summa")] == 78_000
    assert row[("Statistik", "Medelvärde")] == 19_500


def test_contact_log_days_from_request_to_answer_in_the_data_sheet(db, tmp_path):
    log = store.get_questionnaire(db, "smak-kontaktlogg")
    base = {"kontakt.datum": "2014-09-01", "kontakt.kanal": "telefon"}
    request = {**base, "arende.amne": ["anvisningsforfragan"], "arende.forfragan_datum": "2014-09-01"}
    add_answers(db, log, "2480", {**request, "svar.svar": "ja", "svar.svarsdatum": "2014-10-15"})   # 44 days
    add_answers(db, log, "2481", {**request, "svar.svar": "nej", "svar.svarsdatum": "2014-09-01",
                                  "svar.orsak_nej": ["kostnad"]})                                        # 0 days
    add_answers(db, log, "2482", {**request, "svar.svar": "aterkommer"})        # no answer yet
    add_answers(db, log, "2401", {**base, "arende.amne": ["kvotgrupp"]})         # not a request
    save_workbook(build_report(db, ExportFilter("smak-kontaktlogg"), lang="sv"), tmp_path / "log.xlsx")
    book = load_workbook(tmp_path / "log.xlsx")
    rows = by_municipality(records(book))
    assert {code: rows[code]["svar.dagar_till_svar"] for code in rows} == {
        "2480": 44, "2481": 0, "2482": None, "2401": "Ej tillämplig"}
    found = table(book, "3. Kommunens svar", "smak-kontaktlogg", "svar.dagar_till_svar")
    total = dict(zip(found["headers"], found["rows"]["Totalt"]))
    assert total[("Statistik", "Medelvärde")] == 22  # (44 + 0) / 2
    assert total[("Utanför andelarna", "Ej tillämplig")] == 1


def test_a_year_is_counted_per_year_and_never_summed(db, tmp_path):
    costs = store.get_questionnaire(db, "smak-kostnader")
    for code, year in (("2480", 2013), ("2481", 2014), ("2482", 2014), ("0180", 2014)):
        add_answers(db, costs, code, {"period.ar": year})
    save_workbook(build_report(db, ExportFilter("smak-kostnader"), lang="sv"), tmp_path / "costs.xlsx")
    book = load_workbook(tmp_path / "costs.xlsx")
    found = table(book, "1. År och mottagna personer", "smak-kostnader", "period.ar")
    labels = [label for _group, label in found["headers"]]
    assert "Summa" not in labels and "Medelvärde" not in labels
    total = dict(zip(found["headers"], found["rows"]["Totalt"]))
    assert total[("Antal", "2013")] == 1
    assert total[("Antal", "2014")] == 3
    assert total[("Andel av substantiella svar", "2014")] == pytest.approx(0.75)
    vasterbotten = dict(zip(found["headers"], found["rows"]["Västerbottens län"]))
    assert (vasterbotten[("Antal", "2013")], vasterbotten[("Antal", "2014")]) == (1, 2)
    years = {r["Kommunkod"]: r["period.ar"] for r in records(book)}
    assert years == {"2480": 2013, "2481": 2014, "2482": 2014, "0180": 2014}
