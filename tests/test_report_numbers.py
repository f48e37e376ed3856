"""Numbers read alike on the reports page and in the workbook: means and medians with two decimals on both,
and the Codebook's question types in the report's words (docs/exports.md)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from exports import ExportFilter, build_report, write_workbook
from forms.loader import from_dict
from sync import store

from exports_helpers import codebook_rows


def _definition() -> dict:
    return {
        "id": "siffror", "version": "1", "title": {"sv": "Siffror", "en": "Figures"},
        "sections": [{"id": "a", "title": {"sv": "A", "en": "A"}, "questions": [
            {"id": "typ", "type": "single", "label": {"sv": "Typ", "en": "Kind"},
             "choices": [{"code": "x", "label": {"sv": "X"}}, {"code": "y", "label": {"sv": "Y"}}]},
            {"id": "ok", "type": "yesno", "label": {"sv": "Går det bra?", "en": "Going well?"}},
            {"id": "betyg", "type": "scale", "label": {"sv": "Betyg", "en": "Grade"},
             "choices": [{"code": "1", "label": {"sv": "Dåligt"}, "score": 1},
                         {"code": "2", "label": {"sv": "Bra"}, "score": 2}]},
            {"id": "antal", "type": "integer", "label": {"sv": "Antal", "en": "Number"}},
            {"id": "mer", "type": "longtext", "label": {"sv": "Mer", "en": "More"}},
        ]}],
    }


@pytest.fixture
def survey(db):
    """Two completed submissions: 2 and 3 (mean and median 2.5), graded 1 and 2 (mean score 1.5)."""
    with store.transaction(db):
        store.add_questionnaire(db, from_dict(_definition()))
    for antal, betyg in ((2, "1"), (3, "2")):
        sid = store.create_submission(db, "siffror", "2480", created="2024-04-01T08:00:00.000+00:00")
        store.complete_submission(db, sid, {"a.typ": "x", "a.ok": "ja", "a.betyg": betyg, "a.antal": antal})
    return db


def _row_cells(main: str, key: str, row: str) -> list[str]:
    """The cells of one row of a question's table on the page."""
    table = main.split(f'id="q-{key}"', 1)[1].split("</table>", 1)[0]
    cells = table.split(f'<th scope="row">{row}</th>', 1)[1].split("</tr>", 1)[0]
    return [re.sub(r"<[^>]+>", " ", c).split()[0] if re.sub(r"<[^>]+>", " ", c).split() else ""
            for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]


def test_means_and_medians_show_two_decimals_on_the_page_as_in_the_workbook(survey, client):
    main = client.get("/rapporter/siffror").get_data(as_text=True).split("<main", 1)[1]
    answers, mean, median, smallest, largest, total = _row_cells(main, "a-antal", "Totalt")[:6]
    assert (answers, mean, median, smallest, largest, total) == ("2", "2,50", "2,50", "2", "3", "5")
    assert _row_cells(main, "a-betyg", "Totalt")[-1] == "1,50"  # the mean score
    client.get("/sprak/en")
    main = client.get("/rapporter/siffror").get_data(as_text=True).split("<main", 1)[1]
    assert _row_cells(main, "a-antal", "Total")[1:3] == ["2.50", "2.50"]
    out = io.BytesIO()
    write_workbook(build_report(survey, ExportFilter("siffror"), "sv"), out)
    sheet = load_workbook(io.BytesIO(out.getvalue()))["1. A"]
    means = [c for row in sheet.iter_rows() for c in row if c.value == 2.5]
    assert means and {c.number_format for c in means} == {"#,##0.00"}  # shown as 2,50 / 2.50


@pytest.mark.parametrize("lang, words", [
    ("sv", {"a.typ": "Enkelval", "a.ok": "Ja/nej-fråga", "a.betyg": "Skala", "a.antal": "Heltal",
            "a.mer": "Lång text"}),
    ("en", {"a.typ": "Single choice", "a.ok": "Yes/no question", "a.betyg": "Scale", "a.antal": "Whole number",
            "a.mer": "Long text"}),
])
def test_the_codebook_names_question_types_in_the_reports_language(survey, lang, words):
    out = io.BytesIO()
    write_workbook(build_report(survey, ExportFilter("siffror"), lang), out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    sheet = book["Kodbok" if lang == "sv" else "Codebook"]
    rows = codebook_rows(sheet)
    kind, typ, qid = ("Typ", "Typ", "Fråge-id") if lang == "sv" else ("Type", "Type", "Question id")
    found = {row[qid]: row[typ] for row in rows if row.get(typ)}
    assert {q: found.get(q) for q in words} == words
