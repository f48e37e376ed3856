"""A new version of a shipped questionnaire keeps the answers of the one it replaces counting.

The previous versions, as shipped, are in tests/fixtures/library-previous (see its README).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from forms import load
from forms.library import library_dir
from exports import ExportFilter, build_report

from sync import store

from exports_helpers import add_answers

PREVIOUS = sorted((Path(__file__).parent / "fixtures" / "library-previous").glob("*.yaml"))


def _codes(question):
    return {c.code for c in question.choices}, {i.code for i in question.items}


@pytest.mark.parametrize("path", PREVIOUS, ids=lambda p: p.stem)
def test_every_answer_id_and_code_of_the_previous_version_is_kept(path):
    before = load(path)
    after = load(library_dir() / path.name)
    assert int(after.version) == int(before.version) + 1
    for question in before.questions():
        now = after.question(question.id)
        assert now is not None, f"{after.id} {after.version} lost {question.id}"
        assert now.type == question.type, question.id
        choices, items = _codes(question)
        now_choices, now_items = _codes(now)
        assert choices <= now_choices, f"{question.id} lost codes {sorted(choices - now_choices)}"
        assert items <= now_items, f"{question.id} lost items {sorted(items - now_items)}"


def test_the_previous_versions_are_those_once_shipped():
    assert [p.stem for p in PREVIOUS] == ["kub-intervju", "kub-webbenkat", "nad-aktivitet", "nad-deltagarenkat",
                                          "smak-kontaktlogg"]
    assert {load(p).id: load(p).version for p in PREVIOUS} == {
        "kub-intervju": "2", "kub-webbenkat": "2", "nad-aktivitet": "3", "nad-deltagarenkat": "1",
        "smak-kontaktlogg": "2"}


def test_an_export_over_versions_2_and_3_counts_answers_together_by_id(db):
    """Two requests logged with version 2 and three with version 3, in Västerbotten: one column each, five rows."""
    v2 = load(Path(__file__).parent / "fixtures" / "library-previous" / "smak-kontaktlogg.yaml")
    store.add_questionnaire(db, v2)
    v3 = store.get_questionnaire(db, "smak-kontaktlogg")
    assert v3.version == "3"
    request = {"kontakt.datum": "2014-05-02", "kontakt.kanal": "telefon", "arende.amne": ["anvisningsforfragan"],
               "arende.forfragan_datum": "2014-05-02", "arende.antal_personer": 4}
    add_answers(db, v2, "2480", {**request, "svar.svar": "ja", "svar.svarsdatum": "2014-05-09"})
    add_answers(db, v2, "2482", {**request, "svar.svar": "nej", "svar.svarsdatum": "2014-05-05",
                                 "svar.orsak_nej": ["bostadsbrist"]})
    add_answers(db, v3, "2480", {**request, "svar.svar": "ja", "svar.svarsdatum": "2014-06-02",
                                 "svar.inflyttningsdatum": "2014-07-01", "arende.antal_hushall": 1})
    add_answers(db, v3, "2481", {**request, "svar.svar": "nej", "svar.svarsdatum": "2014-05-03",
                                 "svar.orsak_nej": ["bostadsbrist", "platser_anvanda"]})
    add_answers(db, v3, "2403", {**request, "svar.svar": "aterkommer", "svar.aterkommer_senast": "2014-05-20"})

    report = build_report(db, ExportFilter("smak-kontaktlogg", counties=("24",)))
    assert report.version_counts == {"2": 2, "3": 3}
    answers = report.frame["svar.svar"].astype(str).value_counts().to_dict()
    assert answers == {"ja": 2, "nej": 2, "aterkommer": 1}
    # the days to an answer are computed for both versions: 7 and 3 (v2), 31 and 1 (v3)
    assert sorted(report.frame["svar.dagar_till_svar"].dropna().astype(int)) == [1, 3, 7, 31]
    # a reason new in version 3 counts beside the old one: bostadsbrist 2 of 2 no's, platser_anvanda 1
    assert int(report.frame["svar.orsak_nej/bostadsbrist"].sum()) == 2
    assert int(report.frame["svar.orsak_nej/platser_anvanda"].sum()) == 1
