"""Text that looks like a formula stays text in every file fieldkit writes (XLSForm export, long CSV)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from exports import ExportFilter, build_report, iter_csv
from forms.loader import from_dict
from forms.xlsform import export_xlsform
from sync import store

RISKY = from_dict({
    "id": "formler", "version": "1", "title": {"sv": "=Titel"},
    "sections": [{"id": "a", "title": {"sv": "Avsnitt"}, "questions": [
        {"id": "val", "type": "single", "label": {"sv": "=SUM(A1:A3)"},
         "choices": [{"code": "-A1", "label": {"sv": "+Plus"}}, {"code": "b", "label": {"sv": "B"}}]},
    ]}]})


def test_an_xlsform_export_writes_a_label_that_starts_with_equals_as_text(tmp_path):
    path = export_xlsform(RISKY, tmp_path / "formler.xlsx").path
    workbook = load_workbook(path)
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str) and cell.value.startswith("=")]
    assert {c.value for c in cells} >= {"=SUM(A1:A3)", "=Titel"}
    assert {c.data_type for c in cells} == {"s"}, "a formula cell would run in Excel"


def test_the_long_csv_neutralises_a_choice_code_that_starts_like_a_formula(db):
    with store.transaction(db):
        store.add_questionnaire(db, RISKY)
    sid = store.create_submission(db, "formler", "2480")
    store.complete_submission(db, sid, {"a.val": "-A1"})
    report = build_report(db, ExportFilter("formler", status="all"), "sv")
    rows = list(csv.reader(io.StringIO("".join(iter_csv(report, long=True)).removeprefix("\ufeff"))))
    header, answer = rows[0], rows[1]
    assert answer[header.index("Kod")] == "'-A1"
    assert answer[header.index("Svar")] == "'+Plus"
