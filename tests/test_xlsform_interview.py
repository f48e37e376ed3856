"""Every importable XLSForm of the corpus works like a native questionnaire: interview, completion, sync, export."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from forms import metadata, parse_condition
from forms.answers import clean_answers
from forms.xlsform import XLSFormError, import_xlsform

from sync import store

from field_helpers import plausible_answers, section_post, start_interview, swedish_today

CORPUS = Path(__file__).resolve().parent / "xlsforms"
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in (".xlsx", ".xls", ".xlsm", ".csv"))


@functools.cache
def _import(path: Path):
    """The file imported with unsupported rows skipped, or its XLSFormError; once for the tests of this module."""
    try:
        return import_xlsform(path, skip_unsupported=True)
    except XLSFormError as exc:
        return exc


def test_the_corpus_has_at_least_25_forms_and_most_import():
    assert len(FILES) >= 25
    assert sum(not isinstance(_import(path), XLSFormError) for path in FILES) >= 25


def keeping_the_rules(questionnaire, answers: dict) -> dict:
    """The demo answers know nothing of a form's rules: leave out the answer that breaks one (the rule's own question).

    A rule may read the day the interview is started (`today`), which the app records: it is judged with today's date.
    """
    recorded = {q.id: swedish_today() for q in questionnaire.questions() if q.type == "today"}
    for qid in clean_answers(questionnaire, {**answers, **recorded}).errors:
        rule = questionnaire.question(qid)
        if rule is not None and rule.rule == "constraint":
            answers.pop(parse_condition(rule.expression).references()[0], None)
    return answers


@pytest.mark.parametrize("path", [pytest.param(p, id=str(p.relative_to(CORPUS))) for p in FILES])
def test_imported_form_is_interviewed_and_completed_in_the_app(path, client, db):
    result = _import(path)
    if isinstance(result, XLSFormError):
        assert result.problems and all(str(p).startswith(str(path)) or "row" in str(p) for p in result.problems)
        return  # rejected with row-level messages: tests/test_xlsform.py asserts them exactly
    questionnaire = result.questionnaire
    with store.transaction(db):
        assert store.add_questionnaire(db, questionnaire, origin=path.name) in ("added", "unchanged")
    answers = keeping_the_rules(questionnaire, plausible_answers(questionnaire, "0180"))
    sid, location = start_interview(client, questionnaire.id, "0180")
    for _ in range(len(questionnaire.sections) + 1):
        if "/del/" not in location:
            break
        section_id = location.rsplit("/", 1)[1]
        assert client.get(location).status_code == 200
        section = next(s for s in questionnaire.sections if s.id == section_id)
        response = client.post(location, data=section_post(questionnaire, section, answers))
        assert response.status_code == 302, response.data.decode()[:2000]
        location = response.headers["Location"]
    assert location.endswith("/granska")
    assert client.post(f"/s/{sid}/slutfor").headers["Location"].endswith("/sammanstallning")
    stored = store.get_submission(db, sid)
    assert stored.status == "complete"
    recorded = {q.id for q in questionnaire.questions() if q.metadata}  # start, end, today, deviceid, username...
    assert {k: v for k, v in stored.answers.items() if k not in recorded} == \
        clean_answers(questionnaire, answers).answers
    # what a laptop has is recorded; an ODK phone's email, number and SIM stay empty
    empty = {q.id for q in questionnaire.questions() if q.type in metadata.NEVER_FILLED}
    assert set(stored.answers) & recorded == recorded - empty
    assert client.get(f"/s/{sid}/sammanstallning").status_code == 200


@pytest.mark.parametrize("name", ["matrix.xlsx", "likert_scale.xlsx", "or_other.xlsx", "types_basic.xlsx"])
def test_imported_form_travels_by_bundle_and_is_exported_on_the_central(name, tmp_path, make_central, make_laptop):
    from openpyxl import load_workbook

    from exports.filters import ExportFilter
    from exports.report import build_report
    from exports.workbook import save_workbook
    from sync.demo import make_demo
    from sync.bundle import write_bundle
    from sync.ingest import ingest

    questionnaire = import_xlsform(CORPUS / "fieldkit" / name, skip_unsupported=True).questionnaire
    central = make_central(tmp_path / "central.db")
    laptop = make_laptop(tmp_path / "laptop.db", central, "laptop-1")
    with store.transaction(laptop):
        store.add_questionnaire(laptop, questionnaire, origin=name)
    made = make_demo(laptop, 40, seed=5, questionnaire_ids=[questionnaire.id])

    write_bundle(laptop, tmp_path / "laptop.fkb")
    result = ingest(central, tmp_path / "laptop.fkb")
    assert result.counts["new"] == made["complete"]
    assert list(result.questionnaires.values()) == ["added"]

    report = build_report(central, ExportFilter(questionnaire.id, status="complete"))
    assert report.n == made["complete"]
    out = save_workbook(report, tmp_path / "out.xlsx")
    workbook = load_workbook(out, read_only=True)
    rows = list(workbook["Data"].iter_rows(values_only=True))
    codebook = list(workbook["Kodbok"].iter_rows(values_only=True))
    workbook.close()
    assert len(rows) - 1 == made["complete"]
    header = rows[0]
    columns = dict(zip(codebook[2], zip(*codebook[3:])))
    data_ids = {key: shown for key, shown in zip(columns["Kolumn-id"], columns["Kolumn i Data"]) if key}
    answered = [q for q in questionnaire.questions() if q.answerable and q.type not in ("matrix", "multi")]
    # a column per question, by the imported ids (the codebook names each one's header in Data)
    assert all(q.id in data_ids and data_ids[q.id] in header for q in answered)
