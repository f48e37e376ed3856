"""CSV exports and the `fieldkit export` commands: figures recomputed from the CSV, BOM, separators, errors."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from fieldkit.cli import main
from exports import ExportFilter, build_report, iter_csv, save_workbook

from exports_helpers import (
    blocks, column_ids, data_records, expected_choice, expected_multi, expected_values, questionnaires,
)
from test_exports_workbook import SV, check_block, county_name, title

NUMBER_COLUMNS = {"bas.antal": int, "bas.kostnad": int, "bas.andel": float}


@pytest.fixture(scope="module")
def rich_path(rich_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("csv") / "fieldkit.db"
    shutil.copyfile(rich_template, path)
    return path


@pytest.fixture(scope="module")
def rich(rich_path):
    from sync import store

    db = store.open_db(rich_path)
    yield db
    db.conn.close()


def run(rich_path, *args):
    return CliRunner().invoke(main, ["--db", str(rich_path), "export", *args], catch_exceptions=False)


def read_csv(path, sep=","):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=sep))


def typed(header, row):
    """A CSV row as the test reads it: empty is no value, number and 0/1 columns as numbers."""
    record = {}
    for key, value in zip(header, row):
        if value == "":
            value = None
        elif key in NUMBER_COLUMNS and value[0].isdigit():
            value = NUMBER_COLUMNS[key](value.replace(",", "."))
        elif "/" in key and key.startswith("betyg.kanaler/") and not key.endswith("_text"):
            value = int(value)
        record[key] = value
    return record


def test_every_figure_of_the_workbook_is_recomputed_from_the_wide_csv(rich_path, tmp_path):
    assert run(rich_path, "xlsx", "--questionnaire", "testenkat", "--status", "all",
               "--out", str(tmp_path / "t.xlsx")).exit_code == 0
    result = run(rich_path, "csv", "--questionnaire", "testenkat", "--status", "all", "--sep", ";",
                 "--out", str(tmp_path / "t.csv"))
    assert result.exit_code == 0 and result.output.startswith(f"wrote {tmp_path / 't.csv'}: ")
    rows = read_csv(tmp_path / "t.csv", ";")
    records = [typed(rows[0], row) for row in rows[1:]]
    workbook = load_workbook(tmp_path / "t.xlsx")
    assert len(records) == len(data_records(workbook["Data"]))
    tables = {}
    for name in workbook.sheetnames[1:4]:
        tables.update(blocks(workbook[name]))
    compared = 0
    for question in questionnaires()[1].questions():
        if question.type == "matrix":
            for item in question.items:
                key = f"{question.id}/{item.code}"
                compared += check_block(tables[title(question, item)],
                                        expected_choice(records, question, key, SV, "sv", county_name))
        elif question.type == "multi":
            compared += check_block(tables[title(question)],
                                    expected_multi(records, question, SV, "sv", county_name))
        elif question.type in ("single", "yesno", "scale"):
            compared += check_block(tables[title(question)],
                                    expected_choice(records, question, question.id, SV, "sv", county_name))
        else:
            compared += check_block(tables[title(question)],
                                    expected_values(records, question, SV, "sv", county_name))
    assert compared > 1000


def test_the_long_csv_has_one_row_per_answer(rich_path, tmp_path):
    run(rich_path, "csv", "--questionnaire", "testenkat", "--long", "--out", str(tmp_path / "long.csv"))
    run(rich_path, "csv", "--questionnaire", "testenkat", "--out", str(tmp_path / "wide.csv"))
    long_rows = read_csv(tmp_path / "long.csv")
    assert long_rows[0] == ["Inlämning", "Version", "Status", "Länskod", "Län", "Kommunkod", "Kommun", "Skapad",
                            "Fråge-id", "Kolumn-id", "Kod", "Svar"]
    wide = read_csv(tmp_path / "wide.csv")
    header, records = wide[0], [dict(zip(wide[0], row)) for row in wide[1:]]
    answers = [dict(zip(long_rows[0], row)) for row in long_rows[1:]]
    for key in ("bas.samarbete", "betyg.hinder/bostader", "bas.kostnad", "fritt.kommentar"):
        in_wide = sum(1 for r in records if r[key] not in ("", "Ej tillämplig"))
        assert in_wide == sum(1 for a in answers if a["Kolumn-id"] == key), key
    chosen = sum(1 for r in records for k in header if k.startswith("betyg.kanaler/") and r[k] == "1")
    assert chosen == sum(1 for a in answers if a["Fråge-id"] == "betyg.kanaler" and a["Kolumn-id"] !=
                         "betyg.kanaler/annat_text")
    assert {a["Svar"] for a in answers if a["Kolumn-id"] == "betyg.kanaler/telefon"} == {"Telefon"}
    assert {(a["Kod"], a["Svar"]) for a in answers if a["Kolumn-id"] == "bas.samarbete"} == {
        ("ja", "Ja"), ("nej", "Nej"), ("vet_ej", "Vet ej")}


def test_csv_cells_cannot_start_a_formula(rich):
    report = build_report(rich, ExportFilter("testenkat", status="all"), "sv")
    for long in (False, True):
        text = "".join(iter_csv(report, long=long))
        for row in csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")):
            for value in row:
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
        assert "'=HYPERLINK(" in text and "'\tcmd|" in text


def test_separators_bom_and_decimal_commas_for_swedish_excel(rich):
    report = build_report(rich, ExportFilter("testenkat", counties=("24",)), "sv")
    for sep in (",", ";", "\t"):
        text = "".join(iter_csv(report, sep=sep))
        assert text.startswith("\ufeffInlämning" + sep + "Version" + sep)
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=sep))
        andel = [row[rows[0].index("bas.andel")] for row in rows[1:]]
        decimals = [v for v in andel if v and v[0].isdigit() and not v.isdigit()]
        assert decimals, andel
        assert all(("," in v) == (sep == ";") for v in decimals), (sep, decimals)
    with pytest.raises(ValueError, match="unknown separator"):
        "".join(iter_csv(report, sep="|"))


def test_the_commands_explain_unknown_codes_and_list_valid_choices(rich_path, tmp_path):
    out = str(tmp_path / "x.xlsx")
    result = run(rich_path, "xlsx", "--questionnaire", "finns-inte", "--out", out)  # in Swedish, as --lang says
    assert result.exit_code == 1
    assert "Error: okänd enkät 'finns-inte'; giltiga val: kub-intervju, kub-webbenkat" in result.output
    result = run(rich_path, "xlsx", "--questionnaire", "testenkat", "--lan", "26", "--out", out, "--lang", "en")
    assert result.exit_code == 1 and "unknown county code '26'; valid choices: 01 (Stockholms län)" in result.output
    result = run(rich_path, "csv", "--questionnaire", "testenkat", "--kommun", "1", "--out", out, "--lang", "en")
    assert result.exit_code == 1 and "unknown municipality code '1'; valid choices: 0114 (Upplands Väsby)" in \
        result.output
    result = run(rich_path, "csv", "--questionnaire", "testenkat", "--status", "klar", "--out", out)
    assert result.exit_code == 2 and "'klar' is not one of 'complete', 'all'" in result.output
    result = run(rich_path, "csv", "--questionnaire", "testenkat", "--from", "1 maj", "--out", out)
    assert result.exit_code == 2 and "'1 maj' is not a date written YYYY-MM-DD, e.g. 2013-03-01" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_a_command_with_a_filter_matching_nothing_writes_a_workbook_that_says_so(rich_path, tmp_path):
    out = tmp_path / "tom.xlsx"
    result = run(rich_path, "xlsx", "--questionnaire", "testenkat", "--from", "2030-01-01", "--lang", "en",
                 "--out", str(out))
    assert result.exit_code == 0 and ": 0 submissions" in result.output
    overview = [row[0] for row in load_workbook(out)["Overview"].iter_rows(values_only=True)]
    assert "No submissions match the filter." in overview


def test_the_wide_csv_matches_the_data_sheet(rich, tmp_path):
    report = build_report(rich, ExportFilter("testenkat", status="all"), "sv")
    save_workbook(report, tmp_path / "d.xlsx")
    workbook = load_workbook(tmp_path / "d.xlsx")
    sheet = list(workbook["Data"].iter_rows(values_only=True))
    rows = list(csv.reader(io.StringIO("".join(iter_csv(report)).removeprefix("\ufeff"), newline="")))
    ids = column_ids(workbook)  # the sheet is headed by labels, the CSV by the ids the codebook gives them
    assert rows[0] == [ids.get(h, h) for h in sheet[0]]
    dates = {i for i, key in enumerate(rows[0]) if key == "fritt.datum"}
    for from_csv, from_sheet in zip(rows[1:], sheet[1:]):
        for i, (text, value) in enumerate(zip(from_csv, from_sheet)):
            if value is None:
                assert text == ""
            elif hasattr(value, "strftime"):  # a date answer is a date cell in the sheet, YYYY-MM-DD in the CSV
                assert text == value.strftime("%Y-%m-%d" if i in dates else "%Y-%m-%d %H:%M:%S")
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                assert float(text) == value
            else:
                assert text == str(value).replace("\r", "\n") or text == str(value), (text, value)
