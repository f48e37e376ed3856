"""The workbook: every figure recomputed from its own Data sheet, no formulas, sheets, empty filters."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from exports import ExportFilter, build_report, save_workbook
from exports import xlsx_fast
from forms import registry
from sync import store

from exports_helpers import (
    INJECTIONS, blocks, close, codebook_rows, column_ids, data_records, expected_choice, expected_multi,
    expected_values, questionnaires, sheet_rows,
)

SV = {"total": "Totalt", "skipped": "Ej tillämplig"}
SHEETS_SV = ["Översikt", "1. Grunder", "2. Bedömning samarbete betyg", "3. Fritt", "Ej besvarad", "Fritext", "Data",
             "Kodbok 2", "Kodbok 1"]


@pytest.fixture(scope="module")
def rich(rich_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("exports") / "fieldkit.db"
    shutil.copyfile(rich_template, path)
    db = store.open_db(path)
    yield db
    db.conn.close()


@pytest.fixture(scope="module")
def workbook_path(rich, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "testenkat.xlsx"
    report = build_report(rich, ExportFilter("testenkat", status="all"), "sv")
    save_workbook(report, out)
    return out


@pytest.fixture(scope="module")
def workbook(workbook_path):
    return load_workbook(workbook_path)


def semantic(group: str | None, label: str) -> tuple:
    """What a header means, from its Swedish wording: the test's own reading of the table."""
    if group == "Antal":
        return ("count", "base") if label in ("Antal substantiella svar", "Antal svarande") else ("count", label)
    if group in ("Andel av substantiella svar", "Andel av de svarande (flera val möjliga)"):
        return ("share", label)
    if group == "Utanför andelarna":
        if label == "Ej tillämplig":
            return ("skipped",)
        if label == "Ej besvarad":
            return ("missing",)
        if label.endswith(", andel av alla svar"):
            return ("special_share", label.removesuffix(", andel av alla svar"))
        return ("special", label)
    names = {"Medelvärde (poäng)": "mean", "Antal svar": "n", "Medelvärde": "mean", "Median": "median",
             "Min": "min", "Max": "max", "Summa": "sum", "Tidigast": "first", "Senast": "last"}
    return (names[label],)


def county_name(record) -> str:
    return record["Län"]


def records_of(workbook) -> list[dict]:
    """The Data sheet's rows, answer columns by their id (looked up in the codebook, as a reader would)."""
    return data_records(workbook["Data"], column_ids(workbook))


def title(question, item=None) -> str:
    """A table is titled with its question's (or its matrix row's) text."""
    return (item or question).text("sv")


def check_block(block: dict, expected: dict) -> int:
    """Compare every cell of a table with the recomputed figures; returns how many were compared."""
    compared = 0
    assert set(block["rows"]) == set(expected), (set(block["rows"]), set(expected))
    for label, values in block["rows"].items():
        want = expected[label]
        got = {semantic(group, header): value for (group, header), value in zip(block["headers"][1:], values[1:])}
        assert set(got) == set(want), (label, set(got) ^ set(want))
        for key, value in got.items():
            assert close(value, want[key]), (label, key, value, want[key])
            compared += 1
    return compared


def test_every_figure_of_the_workbook_is_recomputed_from_its_data_sheet(workbook):
    records = records_of(workbook)
    v1, v2 = questionnaires()
    assert {r["Version"] for r in records} == {"1", "2"}
    assert len({r["Län"] for r in records}) >= 5
    tables = {}
    for name in workbook.sheetnames[1:4]:
        tables.update(blocks(workbook[name]))
    compared = 0
    for question in v2.questions():
        if question.type == "matrix":
            for item in question.items:
                key = f"{question.id}/{item.code}"
                compared += check_block(tables[title(question, item)],
                                        expected_choice(records, question, key, SV, "sv", county_name))
        elif question.type == "multi":
            compared += check_block(tables[title(question)],
                                    expected_multi(records, question, SV, "sv", county_name))
        elif question.type in ("single", "yesno", "scale"):
            expected = expected_choice(records, question, question.id, SV, "sv", county_name)
            compared += check_block(tables[title(question)], expected)
        else:
            compared += check_block(tables[title(question)],
                                    expected_values(records, question, SV, "sv", county_name))
    assert compared > 1000


def test_matrix_summary_rows_are_the_totals_of_each_item(workbook):
    tables = blocks(workbook["2. Bedömning samarbete betyg"])
    summary = tables["Hur stora är hindren?"]
    assert list(summary["rows"]) == ["Brist på bostäder", "Få jobb", "Skolplatser"]
    for label in ("Brist på bostäder", "Få jobb", "Skolplatser"):
        assert summary["rows"][label][1:] == tables[label]["rows"]["Totalt"][1:]
        assert tables[label]["note"] == "Hur stora är hindren?"


def test_skipped_questions_count_as_not_applicable_not_missing(workbook):
    records = records_of(workbook)
    not_yes = [r for r in records if r["bas.samarbete"] != "Ja"]
    assert not_yes and all(r["bas.antal"] in ("Ej tillämplig", None) for r in not_yes)
    assert sum(r["bas.antal"] == "Ej tillämplig" for r in records) > 10
    # version 1 had no `andel`: its rows say so rather than leaving the cell empty
    assert all(r["bas.andel"] == "Ej tillämplig" for r in records if r["Version"] == "1")
    assert all(r["betyg.hinder/skola"] == "Ej tillämplig" for r in records if r["Version"] == "1"), \
        "a matrix row added in version 2 was not shown to version 1"
    table = blocks(workbook["1. Grunder"])["Hur många lägenheter per år?"]
    total, headers = table["rows"]["Totalt"], [h for _, h in table["headers"]]
    assert total[headers.index("Ej tillämplig")] == sum(r["bas.antal"] == "Ej tillämplig" for r in records)


def test_overview_gives_submissions_and_response_rate_recomputed_from_data(workbook):
    records = records_of(workbook)
    rows = sheet_rows(workbook["Översikt"])
    assert rows[0][0] == "Testenkät om bosättning"
    values = {row[0]: row[1] for row in rows if row and row[0]}
    assert values["Antal inlämningar"] == len(records)
    assert values["Frågeformulär"] == "testenkat"
    assert "version 1: 90 inlämningar" in values["Versioner"]
    answered = {r["Kommunkod"] for r in records if r["Status"] == "Slutförd"}
    table = blocks(workbook["Översikt"])["Svarsfrekvens"]["rows"]
    counties = {c.code: c.name for c in registry.counties()}
    for code, name in counties.items():
        in_county = [m.code for m in registry.in_county(code)]
        done = len(answered & set(in_county))
        assert table[name][1:4] == [len(in_county), done, pytest.approx(done / len(in_county))]
    assert table["Totalt"][1:4] == [290, len(answered), pytest.approx(len(answered) / 290)]


def test_excluded_submissions_are_left_out(workbook, rich):
    uuids = {r["Inlämning"] for r in data_records(workbook["Data"])}
    excluded = {row[0] for row in rich.execute("select uuid from submissions where excluded = 1")}
    assert excluded and not (excluded & uuids)


def test_no_cell_holds_a_formula_and_user_text_is_kept_as_text(workbook):
    seen = []
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@", "\t", "\r")), (ws.title, c.coordinate)
                    seen.append(c.value)
    for text in INJECTIONS + ["\tcmd|' /C calc'!A0"]:
        stored = text.strip()
        assert ("'" + stored if stored.startswith(("=", "+", "-", "@")) else stored) in seen, text
    assert "'\tcmd|' /C calc'!A0" in seen


def test_definition_texts_that_look_like_formulas_stay_text(tmp_path, make_exports_store):
    from forms import from_dict

    from exports_helpers import add_answers

    db = make_exports_store(tmp_path / "fieldkit.db")
    questionnaire = from_dict({
        "id": "formler", "version": "1", "title": {"sv": "=Titel"},
        "sections": [{"id": "a", "title": {"sv": "@Avsnitt"}, "questions": [
            {"id": "val", "type": "single", "label": {"sv": "=SUM(A1:A3)"},
             "choices": [{"code": "x", "label": {"sv": "-Minus"}}, {"code": "y", "label": {"sv": "+Plus"}}]},
        ]}]})
    store.add_questionnaire(db, questionnaire)
    add_answers(db, questionnaire, "2480", {"a.val": "x"})
    wb = load_workbook(save_workbook(build_report(db, ExportFilter("formler"), "sv"), tmp_path / "f.xlsx"))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(("=", "+", "-", "@")), (ws.title, c.coordinate, c.value)
                    texts.append(c.value)
    assert {"'=Titel", "'=SUM(A1:A3)", "'-Minus", "'+Plus"} <= set(texts)


def test_free_text_sheet_lists_every_answer_with_county_and_municipality(workbook):
    rows = sheet_rows(workbook["Fritext"])
    assert rows[0] == ("Fråga", "Län", "Kommun", "Kommunkod", "Svar", "Inlämning")
    records = records_of(workbook)
    expected = sum(1 for r in records if r["fritt.kommentar"] not in (None, "Ej tillämplig"))
    expected += sum(1 for r in records if r.get("betyg.kanaler/annat_text") not in (None, "Ej tillämplig"))
    answers = [r for r in rows[1:] if r[4] is not None]  # a heading row with the question starts each question
    assert len(answers) == expected
    headings = [r[0] for r in rows[1:] if r[4] is None]
    assert headings == ["Vilka kanaler används? (annat, nämligen)", "Övriga kommentarer"]
    umea = [r for r in rows if r[2] == "Umeå" and r[0] == "Övriga kommentarer"]
    assert {r[4] for r in umea} >= {"'=HYPERLINK(\"http://evil.example\",\"klicka\")", "<b>&amp; å ä ö</b>"}
    assert workbook["Fritext"].auto_filter.ref == f"A1:F{len(rows)}"
    assert workbook["Fritext"].freeze_panes == "A2"


def test_data_sheet_has_metadata_first_and_a_flag_per_multi_option(workbook):
    ws = workbook["Data"]
    header = sheet_rows(ws)[0]
    assert header[:7] == ("Inlämning", "Version", "Status", "Länskod", "Län", "Kommunkod", "Kommun")
    ids = column_ids(workbook)
    assert [h for h in header if ids.get(h, "").startswith("betyg.kanaler/")] == [
        "Vilka kanaler används?: Telefon", "Vilka kanaler används?: Möte", "Vilka kanaler används?: E-post",
        "Vilka kanaler används?: Annat, nämligen", "Vilka kanaler används?: Vet ej",
        "Vilka kanaler används?: annat, nämligen (text)"]
    records = records_of(workbook)
    flags = {r["betyg.kanaler/telefon"] for r in records}
    assert flags == {0, 1, None, "Ej tillämplig"} or flags <= {0, 1, None}
    money = header.index("Tomhyror (kr)") + 1
    cells = [row[money - 1] for row in ws.iter_rows(min_row=2) if isinstance(row[money - 1].value, int)]
    assert cells and all(c.number_format == '#,##0 "kr"' for c in cells)
    assert ws.freeze_panes == "H2"
    assert ws.auto_filter.ref.startswith("A1:")


def test_sheet_names_are_valid_and_unique(workbook):
    assert workbook.sheetnames == SHEETS_SV
    assert all(len(name) <= 31 for name in workbook.sheetnames)


def test_codebook_lists_every_question_and_code(workbook):
    v1, v2 = questionnaires()
    for name, version in (("Kodbok 2", v2), ("Kodbok 1", v1)):
        rows = codebook_rows(workbook[name])
        assert {row["Fråge-id"] for row in rows} == {q.id for q in version.questions()}, name
    codes = {(row["Fråge-id"], row["Kod"]) for row in codebook_rows(workbook["Kodbok 2"]) if row["Kod"]}
    assert ("bas.storlek", "mellan") in codes and ("betyg.kanaler", "vet_ej") in codes
    assert ("betyg.hinder", "skola") in codes


def test_each_chart_sheet_has_native_charts(workbook_path):
    import zipfile

    with zipfile.ZipFile(workbook_path) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 8


def test_a_filter_matching_nothing_gives_a_workbook_that_says_so(rich, tmp_path):
    flt = ExportFilter("testenkat", municipalities=("0980",), date_from=datetime.date(2020, 1, 1))
    report = build_report(rich, flt, "sv")
    out = save_workbook(report, tmp_path / "tom.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS_SV
    texts = [row[0] for row in sheet_rows(wb["Översikt"])]
    assert "Inga inlämningar matchar urvalet." in texts
    assert len(sheet_rows(wb["Data"])) == 1
    rate = blocks(wb["Översikt"])["Svarsfrekvens"]["rows"]
    assert rate["Totalt"][1:4] == [1, 0, 0]


def test_english_workbook_translates_labels(rich, tmp_path):
    report = build_report(rich, ExportFilter("testenkat", counties=("24",)), "en")
    wb = load_workbook(save_workbook(report, tmp_path / "en.xlsx"))
    assert wb.sheetnames[0] == "Overview"
    assert wb.sheetnames[-4:] == ["Free text", "Data", "Codebook 2", "Codebook 1"]
    values = {r["bas.samarbete"] for r in data_records(wb["Data"], column_ids(wb))}
    assert values <= {"Yes", "No", "Don't know", None}


def test_fast_rows_match_openpyxl_own_cell_writer(rich, tmp_path, monkeypatch):
    report = build_report(rich, ExportFilter("testenkat", status="all"), "sv")
    save_workbook(report, tmp_path / "fast.xlsx")
    monkeypatch.setattr(xlsx_fast, "FAST", False)
    save_workbook(report, tmp_path / "plain.xlsx")
    fast, plain = load_workbook(tmp_path / "fast.xlsx"), load_workbook(tmp_path / "plain.xlsx")
    for name in ("Data", "Fritext"):
        fast_rows = list(fast[name].iter_rows())
        plain_rows = list(plain[name].iter_rows())
        assert len(fast_rows) == len(plain_rows) > 1
        for a_row, b_row in zip(fast_rows, plain_rows):
            for a, b in zip(a_row, b_row):
                assert (a.value, a.data_type, a.number_format, a.alignment.wrap_text) == \
                       (b.value, b.data_type, b.number_format, b.alignment.wrap_text), (name, a.coordinate)
        assert fast[name].row_dimensions[3].height == plain[name].row_dimensions[3].height


def test_the_fast_row_writer_is_in_use():
    from openpyxl import Workbook

    ws = Workbook(write_only=True).create_sheet("x")
    assert xlsx_fast.RowWriter(ws).fast, "openpyxl internals changed: exports of big stores get slow"


@pytest.mark.slow
def test_libreoffice_converts_the_workbook_to_pdf(workbook_path, tmp_path):
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("libreoffice is required in CI (Debian package libreoffice-calc-nogui)")
        pytest.skip("libreoffice is not installed")
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(workbook_path)],
        capture_output=True, text=True, timeout=300,
    )
    pdf = tmp_path / "testenkat.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.stat().st_size > 10_000, result.stdout + result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_fast_row_writer_handles_more_than_a_hundred_columns(tmp_path):
    from openpyxl import Workbook, load_workbook

    from exports.xlsx_fast import RowWriter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    writer = RowWriter(sheet)
    writer.append([f"kolumn {i}" for i in range(300)])
    writer.append(list(range(300)))
    workbook.save(tmp_path / "wide.xlsx")
    read = load_workbook(tmp_path / "wide.xlsx")["Data"]
    assert (read.max_column, read["KN1"].value, read["KN2"].value) == (300, "kolumn 299", 299)
