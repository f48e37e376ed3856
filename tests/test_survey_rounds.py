"""Survey rounds: each round's days, frame, response rate and missing list, with figures worked out by hand.

The questionnaire has two rounds, as KUB had a web survey of every municipality and might ask
the NISKI network again later:
- 2013 (2013-03-01 – 2013-06-30), frame Västerbotten (15 municipalities);
- niski-2015 (2015-02-01 – 2015-05-31), frame five network members.
A submission belongs to the round whose days hold the day it was created, in Swedish time.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from exports import ExportFilter, FilterError, build_report, export_report, save_workbook
from fieldkit.cli import main
from forms.loader import from_dict, load_text
from forms.registry import in_county
from sync import audit, store

VASTERBOTTEN = [m.code for m in in_county("24")]
UMEA = "2480"
OTHERS = [code for code in VASTERBOTTEN if code != UMEA]  # 14
NISKI = ["0180", "0581", "1280", "1480", UMEA]  # Stockholm, Norrköping, Malmö, Göteborg, Umeå
ROUNDS = [
    {"id": "2013", "title": {"sv": "Webbenkät 2013", "en": "Web survey 2013"},
     "from": "2013-03-01", "to": "2013-06-30", "frame": {"counties": ["24"]}},
    {"id": "niski-2015", "title": {"sv": "NISKI-nätverket 2015", "en": "NISKI network 2015"},
     "from": "2015-02-01", "to": "2015-05-31", "frame": {"municipalities": NISKI}},
]


def _definition(version: str = "1", rounds: list | None = ROUNDS) -> dict:
    data = {
        "id": "enkat", "version": version, "title": {"sv": "Enkät"}, "unit": "municipality",
        "sections": [{"id": "a", "title": {"sv": "A"}, "questions": [
            {"id": "antal", "type": "integer", "label": {"sv": "Antal"}},
        ]}],
    }
    if rounds is not None:
        data["rounds"] = rounds
    return data


def _answer(db, municipality: str, antal: int, created: str, *, complete: bool = True) -> str:
    sid = store.create_submission(db, "enkat", municipality, created=created)
    if complete:
        store.complete_submission(db, sid, {"a.antal": antal})
    return sid


@pytest.fixture
def survey(db):
    """The two rounds' submissions, completed in the order listed (so the later one is the latest)."""
    with store.transaction(db):
        store.add_questionnaire(db, from_dict(_definition()))
    # 2013: 13 of Västerbotten's 15 answer; Umeå twice (1, then 7); one more only starts a draft.
    _answer(db, UMEA, 1, "2013-03-05T09:00:00.000+00:00")
    _answer(db, OTHERS[0], 1, "2013-02-28T23:30:00.000+00:00")  # 00:30 on 1 March in Sweden: in the round
    for code in OTHERS[1:12]:
        _answer(db, code, 1, "2013-04-10T08:00:00.000+00:00")
    _answer(db, UMEA, 7, "2013-05-20T08:00:00.000+00:00")
    _answer(db, OTHERS[12], 5, "2013-04-11T08:00:00.000+00:00", complete=False)
    _answer(db, OTHERS[13], 1, "2013-06-30T22:30:00.000+00:00")  # 00:30 on 1 July in Sweden: after the round
    # Between the rounds: Norrköping, in no round.
    _answer(db, "0581", 4, "2014-10-01T08:00:00.000+00:00")
    # niski-2015: 3 of the 5 answer; Göteborg only starts a draft.
    _answer(db, UMEA, 20, "2015-03-10T08:00:00.000+00:00")
    _answer(db, "0180", 2, "2015-04-01T08:00:00.000+00:00")
    _answer(db, "1280", 3, "2015-05-31T21:59:00.000+00:00")  # 23:59 on the round's last day in Sweden
    _answer(db, "1480", 9, "2015-03-01T08:00:00.000+00:00", complete=False)
    return db


def _antal(report):
    table = next(t for t in report.sections[0].tables if t.question.id == "a.antal")
    return table.stats["n"][-1], table.stats["sum"][-1]


def _rate(report):
    return report.response.answered[-1], report.response.in_scope[-1], round(100 * report.response.rates[-1])


def test_the_2013_round_counts_its_days_and_its_frame_of_fifteen(survey):
    report = build_report(survey, ExportFilter("enkat", round="2013"))
    assert _rate(report) == (13, 15, 87)
    assert [(m.code, m.has_draft, m.last_contact is None) for m in report.missing] == [
        (OTHERS[12], True, False),
        (OTHERS[13], False, True),  # its interview of 1 July belongs to no round: no contact within this one
    ]
    assert report.n == 13
    assert _antal(report) == (13, 19), "12 municipalities with 1, and Umeå's latest of the round, 7"
    assert len(report.duplicates) == 1, "Umeå's first interview of 2013"
    assert report.survey_round.id == "2013"


def test_the_2015_round_counts_its_five_network_members(survey):
    report = build_report(survey, ExportFilter("enkat", round="niski-2015"))
    assert _rate(report) == (3, 5, 60)
    assert [(m.code, m.has_draft) for m in report.missing] == [("0581", False), ("1480", True)]
    assert report.n == 3
    assert _antal(report) == (3, 25), "Umeå 20, Stockholm 2, Malmö 3"
    assert len(report.duplicates) == 0, "Umeå counts once in each round, not once in all"


def test_without_a_round_every_day_counts_and_the_questionnaire_frame_applies(survey):
    report = build_report(survey, ExportFilter("enkat"))
    # Västerbotten 14 (13 in 2013, one on 1 July), Norrköping (2014), Stockholm and Malmö (2015).
    assert _rate(report)[:2] == (17, 290)
    assert report.n == 17
    assert report.survey_round is None


def test_dates_inside_a_round_narrow_it_and_dates_outside_are_refused(survey):
    march = build_report(survey, ExportFilter("enkat", date_to=_day("2013-03-31"), round="2013"))
    assert _rate(march) == (2, 15, 13)
    assert _antal(march) == (2, 2), "Umeå's only interview created in March (1) counts, not its later 7"
    with pytest.raises(FilterError) as raised:
        build_report(survey, ExportFilter("enkat", date_from=_day("2012-12-01"), round="2013"))
    assert str(raised.value) == ("the start date 2012-12-01 is outside round 2013 (2013-03-01 – 2013-06-30): "
                                 "give days within the round, or none")
    with pytest.raises(FilterError, match=r"^the end date 2013-07-15 is outside round 2013 "):
        build_report(survey, ExportFilter("enkat", date_to=_day("2013-07-15"), round="2013"))


def test_an_unknown_round_lists_the_valid_ones(survey):
    with pytest.raises(FilterError) as raised:
        build_report(survey, ExportFilter("enkat", round="2014"))
    assert str(raised.value) == ("unknown round '2014' of enkat; valid choices: 2013 (2013-03-01 – 2013-06-30), "
                                 "niski-2015 (2015-02-01 – 2015-05-31)")


def test_the_workbook_overview_and_the_audit_entry_name_the_round(survey, tmp_path):
    report = export_report(survey, ExportFilter("enkat", round="2013"), "xlsx", actor="eva")
    save_workbook(report, tmp_path / "r.xlsx")
    rows = {row[0]: row[1] for row in load_workbook(tmp_path / "r.xlsx")["Översikt"].iter_rows(values_only=True)
            if row and row[0]}
    assert rows["Urval: Enkätomgång"] == "Webbenkät 2013 (2013-03-01 – 2013-06-30)"
    assert rows["Urval: Period (skapad)"] == "2013-03-01 – 2013-06-30"
    details = audit.entries(survey, action="export")[0]["details"]
    assert (details["round"], details["round_period"], details["submissions"]) == (
        "2013", ["2013-03-01", "2013-06-30"], 13)


def test_the_export_command_takes_a_round_and_refuses_an_unknown_one(survey, store_path, tmp_path):
    out = tmp_path / "r.xlsx"
    base = ["--db", str(store_path), "export", "xlsx", "--questionnaire", "enkat", "--out", str(out)]
    result = CliRunner().invoke(main, base + ["--round", "niski-2015"])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and ": 3 submissions" in result.output
    missing = list(load_workbook(out)["Ej besvarad"].iter_rows(values_only=True))[1:]
    assert [(row[1], row[3]) for row in missing] == [("0581", "Ingen inlämning"), ("1480", "Bara utkast")]
    result = CliRunner().invoke(main, base + ["--round", "2014", "--lang", "en"])
    assert result.exit_code == 1
    assert ("Error: unknown round '2014' of enkat; valid choices: 2013 (2013-03-01 – 2013-06-30), "
            "niski-2015 (2015-02-01 – 2015-05-31)") in result.output


def test_the_report_page_offers_the_rounds_and_names_the_one_shown(survey, client):
    page = client.get("/rapporter/enkat").get_data(as_text=True)
    assert '<select name="omgang" class="input">' in page
    assert '<option value="">Alla omgångar</option>' in page
    assert '<option value="2013">Webbenkät 2013 (2013-03-01 – 2013-06-30)</option>' in page
    page = client.get("/rapporter/enkat?omgang=niski-2015").get_data(as_text=True)
    assert '<option value="niski-2015" selected>NISKI-nätverket 2015 (2015-02-01 – 2015-05-31)</option>' in page
    assert "Enkätomgång: <strong>NISKI-nätverket 2015</strong> (2015-02-01 – 2015-05-31)" in page
    assert "2 kommuner i urvalsramen har inte svarat" in page and "Göteborg (1480)" in page
    assert "Svarsfrekvens (n = 5; alla län; NISKI-nätverket 2015)" in page, "the charts' titles name the round"
    assert 'name="omgang" value="niski-2015"' in page, "the downloads keep the round"
    assert "omgang=niski-2015" in page
    refused = client.get("/rapporter/enkat?omgang=2014")
    assert refused.status_code == 400
    assert "okänd omgång &#39;2014&#39; av enkat; giltiga val: 2013" in refused.get_data(as_text=True)
    assert client.post("/rapporter/enkat/xlsx", data={"omgang": "2014"}).status_code == 400
    csv = client.get("/rapporter/enkat/csv?omgang=2013")
    assert csv.headers["Content-Disposition"] == 'attachment; filename="enkat-omgang-2013-bred.csv"'
    assert csv.get_data(as_text=True).count("\n") == 1 + 13


def test_a_questionnaire_without_rounds_has_no_round_select(db, client):
    with store.transaction(db):
        store.add_questionnaire(db, from_dict(_definition(rounds=None)))
    assert 'name="omgang"' not in client.get("/rapporter/enkat").get_data(as_text=True)


def test_the_newest_versions_rounds_count_for_every_versions_submissions(db):
    with store.transaction(db):
        store.add_questionnaire(db, from_dict(_definition("1", ROUNDS[:1])))
    old = store.create_submission(db, "enkat", "0180", version="1", created="2015-04-01T08:00:00.000+00:00")
    store.complete_submission(db, old, {"a.antal": 2})
    with store.transaction(db):
        store.add_questionnaire(db, from_dict(_definition("2", ROUNDS[1:])))
    report = build_report(db, ExportFilter("enkat", round="niski-2015"))
    assert (report.n, _rate(report)) == (1, (1, 5, 20)), "version 1's answer counts in version 2's round"
    assert [str(w) for w in report.schema.warnings] == ["round 2013 of version 1 is not in version 2, the newest: "
                                                        "the newest version's rounds are used"]
    with pytest.raises(FilterError, match=r"^unknown round '2013' of enkat; valid choices: niski-2015 "):
        build_report(db, ExportFilter("enkat", round="2013"))


def test_rounds_round_trip_and_leave_other_definitions_hashes_alone():
    questionnaire = from_dict(_definition())
    again = from_dict(questionnaire.to_dict())
    assert again.to_dict() == questionnaire.to_dict() and again.content_hash == questionnaire.content_hash
    assert [(r.id, str(r.start), str(r.end), r.frame.counties, len(r.frame.municipalities))
            for r in again.rounds] == [("2013", "2013-03-01", "2013-06-30", ("24",), 0),
                                       ("niski-2015", "2015-02-01", "2015-05-31", (), 5)]
    assert "rounds" not in from_dict(_definition(rounds=None)).to_dict()


BAD = """\
id: enkat
version: "1"
title: {sv: Enkät}
rounds:
  - id: "2013"
    title: {sv: Webbenkät 2013}
    from: 2013-03-01
    to: 2013-06-30
  - id: niski-2015
    title: {sv: NISKI 2015}
    from: 2015-02-01
    to: 2015-01-31
    frame: {municipalities: ["0180", "9999"]}
    colour: red
  - id: "2013"
    title: {sv: Igen}
    from: 2014-01-01
    to: 2014-02-01
  - id: sommar
    title: {sv: Sommar}
    from: 2013-06-30
    to: 2013-08-31
  - id: host
    title: {sv: Höst}
    from: 2013-09-01
  - id: Vinter
    title: {sv: Vinter}
    from: 2013-12-01
    to: 2013-12-32
sections:
  - id: a
    title: {sv: A}
    questions: [{id: n, type: integer, label: {sv: N}}]
"""


def test_every_problem_in_rounds_names_file_line_and_field():
    result = load_text(BAD, "enkat.yaml")
    assert [str(p) for p in result.problems] == [
        "enkat.yaml:12: round 'niski-2015': to (2015-01-31) is before from (2015-02-01)",
        "enkat.yaml:13: round 'niski-2015' frame municipalities: unknown code '9999'",
        "enkat.yaml:14: unknown key 'colour' in round (allowed: frame, from, id, title, to)",
        "enkat.yaml:15: round id '2013' repeats (first on line 5)",
        "enkat.yaml:21: round 'sommar' (2013-06-30 – 2013-08-31) overlaps round '2013' (2013-03-01 – 2013-06-30) "
        "on line 5: a submission may belong to one round only",
        "enkat.yaml:23: round 'host' needs to: a day written YYYY-MM-DD, e.g. to: 2013-03-01",
        "enkat.yaml:26: round id must be lowercase letters, digits, '_' and '-' (got 'Vinter'), e.g. id: niski-2015",
        "enkat.yaml:29: round 'Vinter': to must be a day written YYYY-MM-DD (got '2013-12-32')",
    ]
    result = load_text(BAD.replace("rounds:\n", "rounds: {}\nx:\n", 1), "enkat.yaml")
    assert str(result.problems[0]) == (
        "enkat.yaml:4: rounds must be a list of rounds, each with id, title, from and to, e.g. "
        "- {id: \"2013\", title: Webbenkät 2013, from: 2013-03-01, to: 2013-06-30}")


def test_an_impossible_day_is_a_problem_of_its_line():
    text = BAD.split("  - id: niski-2015")[0] + "sections:" + BAD.split("sections:")[1]
    result = load_text(text.replace("to: 2013-06-30", "to: 2013-06-31"), "enkat.yaml")
    assert [str(p) for p in result.problems] == [
        "enkat.yaml:8: round '2013': to must be a day written YYYY-MM-DD (got '2013-06-31')"]


def _day(text: str):
    import datetime

    return datetime.date.fromisoformat(text)
