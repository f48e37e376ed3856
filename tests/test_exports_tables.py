"""Tables beyond "per county": grouped by a year or a quarter, a cross-table, the whole country beside a
county, and small numbers hidden. Every figure below is worked out by hand from the nine submissions."""

from __future__ import annotations

import dataclasses

import pytest
from openpyxl import load_workbook

from exports import ExportFilter, FilterError, build_report, save_workbook
from exports.filters import TableOptions
from forms import from_dict

from exports_helpers import add_answers, blocks, questionnaires

YES_NO_DK = {"type": "yesno", "dont_know": True}

TABELL = {
    "id": "tabelltest", "version": "1", "title": {"sv": "Tabelltest", "en": "Table test"},
    "sections": [{"id": "a", "title": {"sv": "Ärenden", "en": "Cases"}, "questions": [
        {"id": "ar", "type": "year", "dont_know": True, "label": {"sv": "Vilket år?", "en": "Which year?"}},
        {"id": "datum", "type": "date", "label": {"sv": "Datum för beslut", "en": "Date of decision"}},
        {"id": "typ", "type": "single", "label": {"sv": "Vem beslutade?", "en": "Who decided?"},
         "choices": [{"code": "kommun", "label": {"sv": "Kommunen", "en": "The municipality"}},
                     {"code": "region", "label": {"sv": "Regionen", "en": "The region"}}]},
        {"id": "nojd", **YES_NO_DK, "label": {"sv": "Nöjd med beslutet?", "en": "Satisfied with the decision?"}},
        {"id": "belopp", "type": "money", "label": {"sv": "Belopp (kr)", "en": "Amount (SEK)"}},
    ]}],
}

# municipality (county), year, date, who decided, satisfied, amount
ROWS = [
    ("2480", 2013, "2013-02-10", "kommun", "ja", 100),      # 1  Västerbotten (24)
    ("2480", 2013, "2013-05-01", "kommun", "nej", 200),     # 2
    ("2482", 2014, "2013-03-31", "region", "ja", 300),      # 3
    ("2401", "vet_ej", None, "kommun", "vet_ej", None),     # 4
    ("0180", 2014, "2014-01-15", "region", "ja", 400),      # 5  Stockholm (01)
    ("0180", 2014, "2013-12-31", "kommun", "ja", 500),      # 6
    ("1480", 2013, "2013-04-01", "region", "nej", 600),     # 7  Västra Götaland (14)
    ("1480", None, "2013-07-01", "kommun", "ja", None),     # 8
    ("1480", 2012, "2012-11-20", "region", "nej", None),    # 9
]


@pytest.fixture(scope="module")
def db(tmp_path_factory, exports_template):
    import shutil

    from sync import store

    path = tmp_path_factory.mktemp("tables") / "fieldkit.db"
    shutil.copyfile(exports_template, path)
    database = store.open_db(path)
    questionnaire = from_dict(TABELL)
    store.add_questionnaire(database, questionnaire)
    for code, year, day, who, satisfied, amount in ROWS:
        answers = {"a.typ": who, "a.nojd": satisfied}
        if year is not None:
            answers["a.ar"] = year
        if day is not None:
            answers["a.datum"] = day
        if amount is not None:
            answers["a.belopp"] = amount
        add_answers(database, questionnaire, code, answers)
    v1, _v2 = questionnaires()  # the matrix of the export tests' own questionnaire
    add_answers(database, v1, "2480", {"betyg.hinder": {"bostader": "stort", "arbete": "litet"}})
    add_answers(database, v1, "0180", {"betyg.hinder": {"bostader": "litet"}})
    yield database
    database.conn.close()


def report_of(db, *, lan=(), **options):
    return build_report(db, ExportFilter("tabelltest", counties=lan, tables=TableOptions(**options)), "sv")


def table(report, key):
    return next(t for s in report.sections for t in s.tables if t.key == key)


def by_group(table, name: str) -> dict:
    """Group name -> list of that row's values of one figure (e.g. counts)."""
    values = getattr(table, name)
    values = values() if callable(values) else values
    return {g.name: values[i].tolist() for i, g in enumerate(table.groups)}


def test_grouped_by_a_year_question_the_groups_are_the_years_then_dont_know_and_not_answered(db):
    report = report_of(db, group_by="a.ar")
    assert [g.name for g in report.groups] == ["2012", "2013", "2014", "Vet ej", "Ej besvarad", "Totalt"]
    assert report.group_header == "Vilket år?"
    who = table(report, "a.typ")
    assert by_group(who, "counts") == {"2012": [0, 1], "2013": [2, 1], "2014": [1, 2], "Vet ej": [1, 0],
                                       "Ej besvarad": [1, 0], "Totalt": [5, 4]}
    assert by_group(who, "shares")["2013"] == pytest.approx([2 / 3, 1 / 3])
    amount = table(report, "a.belopp")
    assert amount.stats["n"].tolist() == [0, 3, 3, 0, 0, 6]
    assert amount.stats["sum"].tolist()[1:3] == [900, 1200] and amount.stats["sum"][-1] == 2100
    assert amount.stats["mean"][1] == 300 and amount.stats["mean"][2] == 400 and amount.stats["mean"][-1] == 350


def test_grouped_by_the_quarter_of_a_date_in_time_order(db):
    report = report_of(db, group_by="a.datum:quarter")
    satisfied = table(report, "a.nojd")
    assert by_group(satisfied, "counts") == {
        "2012 K4": [0, 1], "2013 K1": [2, 0], "2013 K2": [0, 2], "2013 K3": [1, 0], "2013 K4": [1, 0],
        "2014 K1": [1, 0], "Ej besvarad": [0, 0], "Totalt": [5, 3]}
    assert by_group(satisfied, "special_counts")["Ej besvarad"] == [1]
    assert report.group_header == "Datum för beslut (kvartal)"


def test_grouped_by_a_question_the_workbook_heads_the_rows_with_it(db, tmp_path):
    save_workbook(report_of(db, group_by="a.datum:year"), tmp_path / "ar.xlsx")
    found = blocks(load_workbook(tmp_path / "ar.xlsx")["1. Ärenden"])["Vem beslutade?"]
    assert found["headers"][0] == (None, "Datum för beslut (år)")
    rows = {name: dict(zip(found["headers"], values)) for name, values in found["rows"].items()}
    assert list(rows) == ["2012", "2013", "2014", "Ej besvarad", "Totalt"]
    assert (rows["2013"][("Antal", "Kommunen")], rows["2013"][("Antal", "Regionen")]) == (4, 2)  # 1 2 6 8 | 3 7


def test_a_cross_table_counts_one_question_by_another_with_row_shares(db, tmp_path):
    report = report_of(db, cross=("a.typ", "a.nojd"))
    cross = report.cross
    assert [g.name for g in cross.groups] == ["Kommunen", "Regionen", "Totalt"]
    assert by_group(cross, "counts") == {"Kommunen": [3, 1], "Regionen": [2, 2], "Totalt": [5, 3]}
    assert by_group(cross, "special_counts") == {"Kommunen": [1], "Regionen": [0], "Totalt": [1]}
    assert by_group(cross, "shares")["Kommunen"] == [0.75, 0.25]
    assert by_group(cross, "special_shares")["Kommunen"] == [0.2]  # 1 "vet ej" of 5 answers
    save_workbook(report, tmp_path / "kors.xlsx")
    book = load_workbook(tmp_path / "kors.xlsx")
    assert book.sheetnames.index("Korstabell") == book.sheetnames.index("1. Ärenden") + 1
    found = blocks(book["Korstabell"])["Vem beslutade? × Nöjd med beslutet?"]
    assert found["headers"][0] == (None, "Vem beslutade?")
    rows = {name: dict(zip(found["headers"], values)) for name, values in found["rows"].items()}
    assert rows["Regionen"][("Andel av substantiella svar", "Ja")] == 0.5
    assert rows["Totalt"][("Antal", "Antal substantiella svar")] == 8


def test_a_county_export_has_the_whole_country_under_its_total(db, tmp_path):
    report = report_of(db, lan=("24",))
    assert [g.name for g in report.groups] == ["Västerbottens län", "Totalt"]
    assert report.n == 4  # the country's rows are never in the report's own submissions
    who = report.shown(table(report, "a.typ"))
    assert by_group(who, "counts") == {"Västerbottens län": [3, 1], "Totalt": [3, 1], "Hela landet": [5, 4]}
    # a year answered elsewhere only (2012) is a column of the county's table too, with 0
    years = report.shown(table(report, "a.ar"))
    assert [o.code for o in years.options] == ["2012", "2013", "2014"]
    assert by_group(years, "counts") == {"Västerbottens län": [0, 2, 1], "Totalt": [0, 2, 1],
                                         "Hela landet": [1, 3, 3]}
    assert by_group(years, "shares")["Hela landet"] == pytest.approx([1 / 7, 3 / 7, 3 / 7])
    amount = report.shown(table(report, "a.belopp"))
    assert amount.stats["n"].tolist() == [3, 3, 6] and amount.stats["sum"].tolist() == [600, 600, 2100]
    save_workbook(report, tmp_path / "lan.xlsx")
    book = load_workbook(tmp_path / "lan.xlsx")
    found = blocks(book["1. Ärenden"])["Vem beslutade?"]
    assert list(found["rows"]) == ["Västerbottens län", "Totalt", "Hela landet"]
    assert "Hela landet" in found["note"]
    data = [row for row in book["Data"].iter_rows(min_row=2, values_only=True)]
    assert len(data) == 4 and {row[4] for row in data} == {"Västerbottens län"}


def test_a_matrix_of_a_county_has_the_whole_country_under_each_statement(db):
    report = build_report(db, ExportFilter("testenkat", counties=("24",)), "sv")
    matrix = table(report, "betyg.hinder")
    summary = report.matrix_summary(matrix)
    assert [g.name for g in summary.groups] == [
        "Brist på bostäder", "Brist på bostäder: hela landet", "Få jobb", "Få jobb: hela landet",
        "Skolplatser", "Skolplatser: hela landet"]
    assert summary.counts.tolist() == [[0, 1], [1, 1], [1, 0], [1, 0], [0, 0], [0, 0]]  # litet, stort
    assert summary.missing.tolist() == [0, 0, 0, 1, 0, 0]  # Stockholm left "Få jobb" empty
    assert summary.skipped.tolist() == [0, 0, 0, 0, 1, 2]  # version 1 had no "Skolplatser"


def test_a_whole_country_export_has_no_country_row(db):
    report = report_of(db)
    assert report.country == {}
    assert [g.name for g in report.shown(table(report, "a.typ")).groups][-1] == "Totalt"


def test_counts_below_five_are_hidden_with_the_shares_resting_on_them(db, tmp_path):
    save_workbook(report_of(db, min_count=5), tmp_path / "small.xlsx")
    sheet = load_workbook(tmp_path / "small.xlsx")["1. Ärenden"]
    notes = [row[0] for row in sheet.iter_rows(max_row=4, values_only=True)]
    assert "Små tal döljs: antal från 1 till 4 visas som <5, och andelar och statistik som räknats ur dem som –. " \
        "..: dolt för att skydda en annan cell (antalet kan vara större)." in notes
    found = blocks(sheet)["Vem beslutade?"]
    rows = {name: dict(zip(found["headers"], values)) for name, values in found["rows"].items()}
    stockholm, total = rows["Stockholms län"], rows["Totalt"]  # 1 and 1 of 2; 5 and 4 of 9
    # every county answered fewer than 5 times: each county's row shows "<5" throughout, its zeros too, since
    # which of its counts are 0 would tell the rest (Stockholm's 2 answers in two "<5" options are 1 and 1)
    for county in ("Stockholms län", "Västra Götalands län", "Västerbottens län"):
        counts = [value for (group, _label), value in rows[county].items() if group in ("Antal", "Utanför andelarna")]
        assert counts == ["<5"] * 5, county
    assert stockholm[("Andel av substantiella svar", "Kommunen")] == "–"
    # the total's 5 "Kommunen" of 9 would tell its hidden 4 "Regionen", and its 9 and its 0 unanswered the
    # counties' rows: hidden to protect them, their shares with them
    assert (total[("Antal", "Kommunen")], total[("Antal", "Regionen")], total[("Antal", "Antal substantiella svar")]) \
        == ("..", "<5", "..")
    assert total[("Andel av substantiella svar", "Kommunen")] == "–"
    assert total[("Andel av substantiella svar", "Regionen")] == "–"
    assert total[("Utanför andelarna", "Ej besvarad")] == ".."
    amounts = blocks(sheet)["Belopp (kr)"]
    stockholm = dict(zip(amounts["headers"], amounts["rows"]["Stockholms län"]))  # 400 and 500
    assert stockholm[("Statistik", "Antal svar")] == "<5" and stockholm[("Statistik", "Medelvärde")] == "–"
    overview = [row for row in load_workbook(tmp_path / "small.xlsx")["Översikt"].iter_rows(values_only=True)]
    assert ("Urval: Små tal", "antal under 5 dolda") in [row[:2] for row in overview]


def test_unknown_ids_are_refused_with_the_valid_ones_listed(db):
    valid = "a.ar, a.datum:year, a.datum:quarter, a.typ, a.nojd"
    with pytest.raises(FilterError) as raised:
        report_of(db, group_by="a.belopp")
    assert str(raised.value) == ("cannot group or cross by 'a.belopp': it is not a choice, year or date question of "
                                 f"tabelltest; valid choices: {valid} (or county)")
    with pytest.raises(FilterError) as raised:
        report_of(db, cross=("a.typ", "a.datum"))
    assert str(raised.value) == ("cannot group or cross by 'a.datum': a date question groups by its year or quarter, "
                                 "a.datum:year or a.datum:quarter")  # it is a date question: say what to write
    with pytest.raises(FilterError, match="a cross-table needs two question ids, not 1: a.typ"):
        report_of(db, cross=("a.typ",))


def test_the_options_are_in_the_filters_description_for_the_audit_log():
    flt = ExportFilter("tabelltest", tables=TableOptions("a.ar", ("a.typ", "a.nojd"), 5))
    described = flt.describe()
    assert (described["group_by"], described["cross"], described["min_count"]) == ("a.ar", ["a.typ", "a.nojd"], 5)
    assert "group_by" not in dataclasses.replace(flt, tables=TableOptions()).describe()


def test_the_command_takes_grouping_cross_table_and_smallest_count(db, tmp_path):
    from click.testing import CliRunner

    from fieldkit.cli import main

    path = db.execute("pragma database_list").fetchone()[2]
    base = ["--db", path, "export", "xlsx", "--questionnaire", "tabelltest", "--out", str(tmp_path / "t.xlsx")]
    result = CliRunner().invoke(main, base + ["--group-by", "a.datum:quarter", "--cross", "a.typ,a.nojd",
                                              "--min-count", "5", "--lan", "14"])
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "t.xlsx")
    found = blocks(book["Korstabell"])["Vem beslutade? × Nöjd med beslutet?"]
    assert list(found["rows"]) == ["Kommunen", "Regionen", "Totalt", "Hela landet"]
    country = dict(zip(found["headers"], found["rows"]["Hela landet"]))  # ja 5, nej 3 of 8 in the country
    # 5 "Ja" of 8 would tell the hidden 3 "Nej", and 8 substantive answers of the 9 submissions the hidden 1
    # "Vet ej": both hidden to protect them
    assert (country[("Antal", "Ja")], country[("Antal", "Nej")], country[("Antal", "Antal substantiella svar")],
            country[("Utanför andelarna", "Vet ej")]) == ("..", "<5", "..", "<5")
    refused = CliRunner().invoke(main, base + ["--group-by", "a.typ/x", "--lang", "en"])
    assert refused.exit_code == 1
    assert refused.output == ("Error: cannot group or cross by 'a.typ/x': it is not a choice, year or date question "
                              "of tabelltest; valid choices: a.ar, a.datum:year, a.datum:quarter, a.typ, a.nojd "
                              "(or county)\n")
