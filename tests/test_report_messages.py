"""The exports' errors and notes speak the reader's language: the page's on the web, --lang on the command line.

One small questionnaire with a choice question, a number and two survey rounds; each refused filter
is asked for on the reports page in Swedish (the default) and in English, and the whole message is
compared. The workbook's notes and the commands' errors and summaries are checked the same way.
"""

from __future__ import annotations

import html
import re

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from exports import ExportFilter, build_report, save_workbook
from exports.filters import FilterError
from fieldkit.cli import main
from forms.loader import from_dict
from sync import store

ROUNDS = [
    {"id": "2013", "title": {"sv": "Webbenkät 2013", "en": "Web survey 2013"},
     "from": "2013-03-01", "to": "2013-06-30"},
    {"id": "2015", "title": {"sv": "Enkät 2015", "en": "Survey 2015"}, "from": "2015-02-01", "to": "2015-05-31"},
]


def _definition(version: str = "1", rounds: list = ROUNDS, antal: str = "integer") -> dict:
    return {
        "id": "enkat", "version": version, "title": {"sv": "Enkät", "en": "Survey"}, "rounds": rounds,
        "sections": [{"id": "a", "title": {"sv": "A"}, "questions": [
            {"id": "typ", "type": "single", "label": {"sv": "Typ", "en": "Kind"},
             "choices": [{"code": "x", "label": {"sv": "X"}}, {"code": "y", "label": {"sv": "Y"}}]},
            {"id": "antal", "type": antal, "label": {"sv": "Antal", "en": "Number"}},
        ]}],
    }


@pytest.fixture
def survey(db):
    with store.transaction(db):
        store.add_questionnaire(db, from_dict(_definition()))
    sid = store.create_submission(db, "enkat", "2480", created="2013-04-01T08:00:00.000+00:00")
    store.complete_submission(db, sid, {"a.typ": "x", "a.antal": 3})
    return db


ROUND_2013 = "2013 (2013-03-01 – 2013-06-30)"
#: (query, Swedish message, English message): every way the reports page refuses a filter.
REFUSED = [
    ("grupp=a.antal",
     "kan inte gruppera eller korstabulera efter 'a.antal': det är ingen val-, års- eller datumfråga i enkat; "
     "giltiga val: a.typ (eller county för län)",
     "cannot group or cross by 'a.antal': it is not a choice, year or date question of enkat; valid choices: a.typ "
     "(or county)"),
    ("kors=a.typ&kors=a.antal",
     "kan inte gruppera eller korstabulera efter 'a.antal': det är ingen val-, års- eller datumfråga i enkat; "
     "giltiga val: a.typ",
     "cannot group or cross by 'a.antal': it is not a choice, year or date question of enkat; valid choices: a.typ"),
    ("minsta=fem",
     "minsta antal som visas (minsta) måste vara ett heltal, inte 'fem'",
     "the smallest count shown (minsta) must be a whole number, not 'fem'"),
    ("minsta=2000",
     "minsta antal som visas (minsta) måste vara från 0 till 1000, inte '2000'",
     "the smallest count shown (minsta) must be from 0 to 1000, not '2000'"),
    ("minsta=-3",  # a whole number: the message says what is wrong with it
     "minsta antal som visas (minsta) måste vara från 0 till 1000, inte '-3'",
     "the smallest count shown (minsta) must be from 0 to 1000, not '-3'"),
    ("from=igår",
     "startdatumet (from) måste vara ett datum skrivet ÅÅÅÅ-MM-DD, inte 'igår'",
     "the start date (from) must be a date written YYYY-MM-DD, not 'igår'"),
    ("to=1/4/2013",
     "slutdatumet (to) måste vara ett datum skrivet ÅÅÅÅ-MM-DD, inte '1/4/2013'",
     "the end date (to) must be a date written YYYY-MM-DD, not '1/4/2013'"),
    ("to=2013-13-01",  # written YYYY-MM-DD, yet no such month
     "slutdatumet (to) '2013-13-01' är ingen dag i kalendern",
     "the end date (to) '2013-13-01' is not a day of the calendar"),
    ("to=2013-02-30",  # written YYYY-MM-DD, yet no such day
     "slutdatumet (to) '2013-02-30' är ingen dag i kalendern",
     "the end date (to) '2013-02-30' is not a day of the calendar"),
    ("from=2013-05-01&to=2013-04-01",
     "startdatumet 2013-05-01 är efter slutdatumet 2013-04-01",
     "the start date 2013-05-01 is after the end date 2013-04-01"),
    ("status=alla",
     "okänd status 'alla'; giltiga val: complete, all",
     "unknown status 'alla'; valid choices: complete, all"),
    ("omgang=2014",
     f"okänd omgång '2014' av enkat; giltiga val: {ROUND_2013}, 2015 (2015-02-01 – 2015-05-31)",
     f"unknown round '2014' of enkat; valid choices: {ROUND_2013}, 2015 (2015-02-01 – 2015-05-31)"),
    ("omgang=2013&from=2012-12-01",
     f"startdatumet 2012-12-01 ligger utanför omgång {ROUND_2013}: ange dagar inom omgången, eller inga",
     f"the start date 2012-12-01 is outside round {ROUND_2013}: give days within the round, or none"),
    ("omgang=2013&to=2013-07-15",
     f"slutdatumet 2013-07-15 ligger utanför omgång {ROUND_2013}: ange dagar inom omgången, eller inga",
     f"the end date 2013-07-15 is outside round {ROUND_2013}: give days within the round, or none"),
]


def _with_more_questions() -> dict:
    """The questionnaire with a sensitive scale question and a date question added."""
    definition = _definition()
    definition["id"] = "enkat2"
    definition["sections"][0]["questions"] += [
        {"id": "mar", "type": "scale", "sensitive": True, "label": {"sv": "Mår", "en": "Feel"},
         "choices": [{"code": "1", "label": {"sv": "Dåligt"}, "score": 1},
                     {"code": "2", "label": {"sv": "Bra"}, "score": 2}]},
        {"id": "dag", "type": "date", "label": {"sv": "Dag", "en": "Day"}},
    ]
    return definition


VALID_MORE = "a.typ, a.dag:year, a.dag:quarter"
#: Groupings of a real question of the questionnaire, refused for a reason the message must name.
REFUSED_KNOWN = [
    ("grupp=a.mar",
     f"kan inte gruppera eller korstabulera efter 'a.mar': det är en känslig fråga, och dess svar skulle namnge "
     f"raderna i varje tabell; giltiga val: {VALID_MORE} (eller county för län)",
     f"cannot group or cross by 'a.mar': it is a sensitive question, and its answers would name the rows of every "
     f"table; valid choices: {VALID_MORE} (or county)"),
    ("kors=a.typ&kors=a.mar",
     f"kan inte gruppera eller korstabulera efter 'a.mar': det är en känslig fråga, och dess svar skulle namnge "
     f"raderna i varje tabell; giltiga val: {VALID_MORE}",
     f"cannot group or cross by 'a.mar': it is a sensitive question, and its answers would name the rows of every "
     f"table; valid choices: {VALID_MORE}"),
    ("grupp=a.dag",
     "kan inte gruppera eller korstabulera efter 'a.dag': en datumfråga grupperar efter år eller kvartal, "
     "a.dag:year eller a.dag:quarter",
     "cannot group or cross by 'a.dag': a date question groups by its year or quarter, a.dag:year or a.dag:quarter"),
    ("grupp=a.typ:year",
     "kan inte gruppera eller korstabulera efter 'a.typ:year': bara en datumfråga har år eller kvartal; skriv a.typ",
     "cannot group or cross by 'a.typ:year': only a date question has a year or quarter; write a.typ"),
]


@pytest.mark.parametrize("query, swedish, english", REFUSED_KNOWN, ids=[r[0] for r in REFUSED_KNOWN])
def test_a_refused_grouping_by_a_real_question_says_why(db, client, query, swedish, english):
    with store.transaction(db):
        store.add_questionnaire(db, from_dict(_with_more_questions()))
    response = client.get(f"/rapporter/enkat2?{query}")
    assert response.status_code == 400
    assert _alert(response) == swedish
    client.get("/sprak/en")
    assert _alert(client.get(f"/rapporter/enkat2?{query}")) == english


def _alert(response) -> str:
    found = re.search(r'<p class="flash flash-error" role="alert">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert found, "no error on the page"
    return html.unescape(found.group(1))


@pytest.mark.parametrize("query, swedish, english", REFUSED, ids=[r[0] for r in REFUSED])
def test_the_reports_page_names_a_refused_filter_in_its_language(survey, client, query, swedish, english):
    response = client.get(f"/rapporter/enkat?{query}")
    assert response.status_code == 400
    assert _alert(response) == swedish
    client.get("/sprak/en")
    response = client.get(f"/rapporter/enkat?{query}")
    assert response.status_code == 400
    assert _alert(response) == english


def test_an_unknown_municipality_lists_the_countys_own_in_the_pages_language(survey, client):
    sv = _alert(client.get("/rapporter/enkat?lan=24&kommun=9999"))
    assert sv.startswith("okänd kommunkod '9999'; giltiga val i 24: 2401 (Nordmaling), 2403 (Bjurholm), ")
    client.get("/sprak/en")
    en = _alert(client.get("/rapporter/enkat?lan=24&kommun=9999"))
    assert en.startswith("unknown municipality code '9999'; valid choices in 24: 2401 (Nordmaling), 2403 (Bjurholm), ")


def test_a_refused_download_is_an_error_page_in_the_pages_language(survey, client):
    refused = client.post("/rapporter/enkat/xlsx", data={"omgang": "2014"})
    assert refused.status_code == 400
    assert "okänd omgång &#39;2014&#39; av enkat; giltiga val: 2013 (2013-03-01 – 2013-06-30)" in \
        refused.get_data(as_text=True)
    client.get("/sprak/en")
    refused = client.post("/rapporter/enkat/xlsx", data={"grupp": "a.antal"})  # refused before a job starts
    assert refused.status_code == 400
    assert ("cannot group or cross by &#39;a.antal&#39;: it is not a choice, year or date question of enkat; valid "
            "choices: a.typ (or county)") in refused.get_data(as_text=True)
    refused = client.get("/rapporter/enkat/csv?grupp=a.antal&status=klar")
    assert refused.status_code == 400
    assert "unknown status &#39;klar&#39;; valid choices: complete, all" in refused.get_data(as_text=True)


def test_the_quarterly_page_names_a_bad_quarter_in_its_language(client):
    response = client.get("/rapporter/kvartalsaterkoppling/?lan=24&kvartal=2014Q7")
    assert response.status_code == 400
    assert _alert(response) == ("okänt kvartal '2014Q7': skriv året och kvartalet som 2014Q3 (kvartal 1 till 4, "
                                "år 2013 till 2035)")
    client.get("/sprak/en")
    assert _alert(client.get("/rapporter/kvartalsaterkoppling/?lan=24&kvartal=2014Q7")) == (
        "unknown quarter '2014Q7': write the year and the quarter as 2014Q3 (quarters 1 to 4, years 2013 to 2035)")


def test_the_error_keeps_its_english_text_and_gives_swedish_on_request(survey):
    with pytest.raises(FilterError) as raised:
        build_report(survey, ExportFilter("enkat", status="alla"), "sv")
    assert str(raised.value) == "unknown status 'alla'; valid choices: complete, all"
    assert raised.value.text("sv") == "okänd status 'alla'; giltiga val: complete, all"


def _notes(path, title: str) -> list[str]:
    rows = [row[0] for row in load_workbook(path).worksheets[0].iter_rows(values_only=True)]
    start = rows.index(title) + 1
    return rows[start:rows.index(None, start)]


def test_a_swedish_workbook_has_its_notes_in_swedish_and_an_english_one_in_english(db, tmp_path):
    """Version 1 had round 2013 and the number as text; version 2 only round 2015, and the number as an integer."""
    with store.transaction(db):
        store.add_questionnaire(db, from_dict(_definition("1", ROUNDS[:1], antal="text")))
        store.add_questionnaire(db, from_dict(_definition("2", ROUNDS[1:])))
    sv = build_report(db, ExportFilter("enkat"), "sv")
    save_workbook(sv, tmp_path / "sv.xlsx")
    assert _notes(tmp_path / "sv.xlsx", "Att observera") == [
        "a.antal: typ text i version 1, integer i en senare version; svaren läses som integer",
        "omgång 2013 i version 1 finns inte i version 2, den senaste: den senaste versionens omgångar används",
    ]
    en = build_report(db, ExportFilter("enkat"), "en")
    save_workbook(en, tmp_path / "en.xlsx")
    assert _notes(tmp_path / "en.xlsx", "Notes") == [
        "a.antal: type text in version 1, integer in a newer version; answers are read as integer",
        "round 2013 of version 1 is not in version 2, the newest: the newest version's rounds are used",
    ]


def test_the_export_command_speaks_its_lang(survey, store_path, tmp_path):
    base = ["--db", str(store_path), "export", "xlsx", "--questionnaire", "enkat", "--out", str(tmp_path / "x.xlsx")]
    swedish = CliRunner().invoke(main, base + ["--round", "2013", "--from", "2012-12-01"])
    assert (swedish.exit_code, swedish.output) == (1, f"Error: startdatumet 2012-12-01 ligger utanför omgång "
                                                      f"{ROUND_2013}: ange dagar inom omgången, eller inga\n")
    english = CliRunner().invoke(main, base + ["--group-by", "a.antal", "--lang", "en"])
    assert (english.exit_code, english.output) == (1, "Error: cannot group or cross by 'a.antal': it is not a "
                                                      "choice, year or date question of enkat; valid choices: a.typ "
                                                      "(or county)\n")


def test_a_bad_frame_file_is_named_in_the_lang_given_after_it(survey, store_path, tmp_path):
    """--frame is read by its option's callback: the error still follows a --lang written later."""
    frame = tmp_path / "ram.csv"
    frame.write_text("kommunkod\n2480\n12345\n", encoding="utf-8")
    base = ["--db", str(store_path), "export", "xlsx", "--questionnaire", "enkat", "--out", str(tmp_path / "x.xlsx"),
            "--frame", str(frame)]
    swedish = CliRunner().invoke(main, base)
    assert swedish.output == f"Error: {frame}:3: '12345' är ingen kommunkod (4 siffror, t.ex. 2480)\n"
    english = CliRunner().invoke(main, base + ["--lang", "en"])
    assert english.output == f"Error: {frame}:3: '12345' is not a municipality code (4 digits, e.g. 2480)\n"


def test_the_quarterly_command_speaks_its_lang(store_path, tmp_path):
    base = ["--db", str(store_path), "export", "kvartal", "--lan", "24", "--kvartal", "2014Q7",
            "--out", str(tmp_path / "k.xlsx")]
    assert CliRunner().invoke(main, base).output == (
        "Error: okänt kvartal '2014Q7': skriv året och kvartalet som 2014Q3 (kvartal 1 till 4, år 2013 till 2035)\n")
    assert CliRunner().invoke(main, base + ["--lang", "en"]).output == (
        "Error: unknown quarter '2014Q7': write the year and the quarter as 2014Q3 (quarters 1 to 4, years 2013 to "
        "2035)\n")
