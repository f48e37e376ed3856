"""The quarterly feedback to a county board: a few exact submissions in Västerbotten and the figures worked out by hand.

Quarter 2014Q3, previous 2014Q2. Three municipalities have data:

- Umeå: follow-ups 2014 Q1-Q3, 40 agreed places, placed 4, 6 and 10. Requests in Q3: case BF-1 (special needs,
  5 persons) logged "återkommer" and then ja after 4 days (one request); a no after 10 days (3 persons, housing
  shortage and places used); a ja after 2 days (2 persons). In Q2: a ja after 30 days (answered in Q3, counted in
  Q2: the request's quarter) and a no without a reason.
- Skellefteå: agreed places "vet ej" in Q3, 20 in Q2, so 20 counts; Q3 filled twice (99, then corrected to 3:
  the later counts), Q2 placed 2. Requests in Q3: a large family "återkommer" (6 persons) and a draft without an
  answer.
- Vännäs: no follow-up; a special-needs no after 7 days in Q3 (2 persons, cannot meet special needs).

Stockholm (another county) has a request in Q3 that must never show.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from exports.filters import FilterError
from exports.quarterly import Quarter, build_quarterly, export_quarterly
from exports.xlsx_quarterly import save_quarterly
from fieldkit.app import create_app
from fieldkit.cli import main
from sync import store
from sync.selection import Scope

from central_helpers import logged_in
from exports_helpers import add_answers, sheet_rows

REQUEST = {"kontakt.kanal": "telefon", "arende.amne": ["anvisningsforfragan"]}


def request(day, answer=None, answered=None, persons=None, special=None, **more):
    answers = {**REQUEST, "kontakt.datum": answered or day, "arende.forfragan_datum": day, **more}
    if special:
        answers["arende.amne"] = ["anvisningsforfragan", special]
    if answer:
        answers["svar.svar"] = answer
    if answered and answer in ("ja", "nej"):
        answers["svar.svarsdatum"] = answered
    if persons is not None:
        answers["arende.antal_personer"] = persons
    return answers


def follow_up(year, quarter, agreed, placed):
    return {"period.ar": year, "period.kvartal": f"q{quarter}", "mottagande.anvisningsbara_platser": agreed,
            "mottagande.kvot_placerade": placed, "bortval.nej_sarskilda": "nej", "bortval.tecken": "nej",
            "lansstyrelsen.uppfoljning_behovs": "nej"}


def fill(db) -> None:
    log, kvartal = store.get_questionnaire(db, "smak-kontaktlogg"), store.get_questionnaire(db, "smak-kvartal")
    for q, placed in ((1, 4), (2, 6), (3, 10)):
        add_answers(db, kvartal, "2480", follow_up(2014, q, 40, placed))
    add_answers(db, kvartal, "2482", follow_up(2014, 2, 20, 2))
    add_answers(db, kvartal, "2482", follow_up(2014, 3, "vet_ej", 99), created="2014-10-05T09:00:00.000+00:00")
    add_answers(db, kvartal, "2482", follow_up(2014, 3, "vet_ej", 3), created="2014-10-20T09:00:00.000+00:00")
    # Umeå, Q3
    add_answers(db, log, "2480", request("2014-07-01", "aterkommer", persons=5, special="sarskilda_behov",
                                         **{"arende.arendereferens": "BF-1", "svar.aterkommer_senast": "2014-07-10"}))
    add_answers(db, log, "2480", request("2014-07-01", "ja", "2014-07-05", persons=5, special="sarskilda_behov",
                                         **{"arende.arendereferens": "BF-1"}))
    add_answers(db, log, "2480", request("2014-08-10", "nej", "2014-08-20", persons=3,
                                         **{"svar.orsak_nej": ["bostadsbrist", "platser_anvanda"]}))
    add_answers(db, log, "2480", request("2014-09-01", "ja", "2014-09-03", persons=2))
    # Umeå, Q2
    add_answers(db, log, "2480", request("2014-06-10", "ja", "2014-07-10", persons=4))
    add_answers(db, log, "2480", request("2014-05-02", "nej", "2014-05-04", persons=1))
    # Skellefteå, Q3
    add_answers(db, log, "2482", request("2014-09-20", "aterkommer", persons=6, special="stor_familj",
                                         **{"svar.aterkommer_senast": "2014-10-15"}))
    add_answers(db, log, "2482", request("2014-09-25"), status="draft")
    # Vännäs, Q3
    add_answers(db, log, "2460", request("2014-07-15", "nej", "2014-07-22", persons=2, special="sarskilda_behov",
                                         **{"svar.orsak_nej": ["sarskilda_behov"]}))
    # Stockholm
    add_answers(db, log, "0180", request("2014-08-01", "ja", "2014-08-02", persons=9))


@pytest.fixture(scope="module")
def quarterly_store(users_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("quarterly")
    path = folder / "central.db"
    path.write_bytes(users_template.read_bytes())
    db = store.open_db(path)
    fill(db)
    db.conn.close()
    from fieldkit import config
    config.ensure_secret_key(folder)
    return path


@pytest.fixture
def qdb(quarterly_store):
    db = store.open_db(quarterly_store)
    yield db
    db.conn.close()


HEADERS = ["Anvisningsbara platser för året", "Ärenden", "Personer", "Ja", "Nej", "Återkommer",
           "Inget svar registrerat", "Andel ja", "Mediandagar till svar", "Andel ja: Särskilda behov",
           "Andel ja: Övriga ärenden", "Placerade: Kvartalet", "Placerade: Hittills i år",
           "Placerade: Av platserna", "Föregående: Ärenden", "Föregående: Andel ja", "Föregående: Placerade personer"]


def rows_of(table) -> dict[str, list]:
    return {row[0]: row[1:] for row in table.rows}


def test_each_municipality_row_the_county_total_and_the_previous_quarter(qdb):
    report = build_quarterly(qdb, "24", "2014Q3")
    assert report.subtitle == "Västerbottens län · 2014 K3"
    assert len(report.municipalities.columns) == 1 + len(HEADERS)
    rows = rows_of(report.municipalities)
    assert len(rows) == 16  # the county's 15 municipalities and the total
    assert rows["Umeå"] == [40, 3, 10, 2, 1, 0, 0, pytest.approx(2 / 3), 4, 1.0, 0.5, 10, 20, 0.5, 2, 0.5, 6]
    assert rows["Skellefteå"] == [20, 2, 6, 0, 0, 1, 1, 0.0, None, 0.0, 0.0, 3, 5, 0.25, 0, None, 2]
    assert rows["Vännäs"] == [None, 1, 2, 0, 1, 0, 0, 0.0, 7, 0.0, None, None, None, None, 0, None, None]
    assert rows["Dorotea"] == [None, 0, None, 0, 0, 0, 0, None, None, None, None, None, None, None, 0, None, None]
    # median days of 4, 10, 2 and 7; special needs: BF-1 ja, the large family and Vännäs' case not
    assert rows["Länet totalt"] == [60, 6, 18, 2, 2, 1, 1, pytest.approx(1 / 3), 5.5, pytest.approx(1 / 3),
                                    pytest.approx(1 / 3), 13, 25, pytest.approx(25 / 60), 2, 0.5, 8]
    assert report.municipalities.strong[-1] and not any(report.municipalities.strong[:-1])
    groups = {c.group for c in report.municipalities.columns}
    assert "Föregående kvartal, 2014 K2" in groups
    assert report.requests == 6
    assert report.notes == ["Mer än en uppföljning för samma kvartal (den senast ändrade räknas): Skellefteå 2014 K3."]


def test_reasons_for_no_and_the_quarters_before(qdb):
    report = build_quarterly(qdb, "24", Quarter(2014, 3))
    headers = [c.header for c in report.reasons.columns]
    rows = {row[0]: dict(zip(headers, row)) for row in report.reasons.rows}
    assert list(rows) == ["Vännäs", "Umeå", "Länet totalt", "Föregående kvartal, 2014 K2"]
    picked = ["Nej-svar", "Brist på bostäder", "Kan inte tillgodose särskilda behov",
              "De anvisningsbara platserna är redan använda", "Ingen orsak angiven"]
    assert [rows["Länet totalt"][h] for h in picked] == [2, 1, 1, 1, 0]
    assert [rows["Föregående kvartal, 2014 K2"][h] for h in picked] == [1, 0, 0, 0, 1]
    trend = rows_of(report.trend)
    assert list(trend) == ["2013 K2", "2013 K3", "2013 K4", "2014 K1", "2014 K2", "2014 K3"]
    assert trend["2014 K2"] == [2, 5, 1, 1, 0, 0, 0.5, 16, None, 0.5, 8]
    assert trend["2014 K1"][-1] == 4 and trend["2014 K3"][-1] == 13
    assert [(b.label, b.n, b.counts) for b in report.bars] == [  # no, none recorded, will reply, yes
        ("Vännäs", 1, [1, 0, 0, 0]), ("Umeå", 3, [1, 0, 0, 2]), ("Skellefteå", 2, [0, 1, 1, 0])]


def test_a_county_users_scope_forces_their_county(qdb):
    report = build_quarterly(qdb, "01", "2014Q3", scope=Scope(county_code="24", personal=False))
    assert report.county_code == "24" and report.requests == 6
    stockholm = build_quarterly(qdb, "01", "2014Q3")
    assert stockholm.requests == 1 and rows_of(stockholm.municipalities)["Stockholm"][2] == 9


@pytest.mark.parametrize("quarter", ["2014Q5", "2014", "Q3 2014", "1999Q1"])
def test_a_bad_quarter_is_refused_with_the_form_to_write(qdb, quarter):
    with pytest.raises(FilterError, match="write the year and the quarter as 2014Q3"):
        build_quarterly(qdb, "24", quarter)


def test_the_command_writes_the_workbook_and_audits_it(quarterly_store, tmp_path, runner):
    out = tmp_path / "vb.xlsx"
    result = runner.invoke(main, ["--db", str(quarterly_store), "export", "kvartal", "--lan", "24",
                                  "--kvartal", "2014q3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Västerbottens län, 2014 K3, 6 requests" in result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Kommuner", "Orsaker till nej", "Trend", "Diagram"]
    rows = sheet_rows(book["Kommuner"])
    assert rows[0][0] == "Kvartalsåterkoppling till länsstyrelsen: Västerbottens län · 2014 K3"
    total = next(row for row in rows if row[0] == "Länet totalt")
    assert total[1:5] == (60, 6, 18, 2) and total[-3:] == (2, 0.5, 8)
    assert book["Kommuner"].page_setup.orientation == "landscape"
    assert len(book["Diagram"]._charts) == 2
    db = store.open_db(quarterly_store)
    entry = db.execute("select details from audit_log where action = 'export' order by id desc").fetchone()[0]
    db.conn.close()
    assert '"county":"24"' in entry and '"quarter":"2014Q3"' in entry


@pytest.mark.parametrize("args, message", [
    (["--lan", "99", "--kvartal", "2014Q3"], "Error: unknown county code '99'; valid choices: 01 (Stockholms län)"),
    (["--lan", "24", "--kvartal", "2014Q5"], "Error: unknown quarter '2014Q5': write the year and the quarter as "
                                             "2014Q3 (quarters 1 to 4, years 2013 to 2035)"),
])
def test_the_command_names_a_bad_county_or_quarter(quarterly_store, tmp_path, runner, args, message):
    result = runner.invoke(main, ["--db", str(quarterly_store), "export", "kvartal", *args,
                                  "--out", str(tmp_path / "x.xlsx"), "--lang", "en"])
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "x.xlsx").exists()


@pytest.fixture
def qapp(quarterly_store):
    return create_app({"DB": str(quarterly_store), "TESTING": True, "WTF_CSRF_ENABLED": False})


def test_the_county_user_gets_only_their_county_on_the_page_and_in_the_download(qapp):
    lena = logged_in(qapp, "lena")  # county 24
    page = lena.get("/rapporter/kvartalsaterkoppling/?lan=01&kvartal=2014Q3").get_data(as_text=True)
    assert "Västerbottens län · 2014 K3" in page and "Stockholms län ·" not in page
    assert "Skellefteå" in page and "<svg" in page
    assert '<option value="01"' not in page
    download = lena.get("/rapporter/kvartalsaterkoppling/xlsx?lan=01&kvartal=2014Q3")
    assert download.status_code == 200
    assert "kvartalsaterkoppling-lan-24-2014Q3.xlsx" in download.headers["Content-Disposition"]
    olle = logged_in(qapp, "olle")  # county 01
    page = olle.get("/rapporter/kvartalsaterkoppling/?lan=24&kvartal=2014Q3").get_data(as_text=True)
    assert "Stockholms län · 2014 K3" in page and "Umeå" not in page


def test_the_page_names_a_bad_quarter(qapp):
    response = logged_in(qapp, "eva").get("/rapporter/kvartalsaterkoppling/?lan=24&kvartal=2014Q7")
    assert response.status_code == 400
    assert ("okänt kvartal &#39;2014Q7&#39;: skriv året och kvartalet som 2014Q3 (kvartal 1 till 4, år 2013 till "
            "2035)") in response.get_data(as_text=True)
    index = logged_in(qapp, "eva").get("/rapporter/").get_data(as_text=True)
    assert "/rapporter/kvartalsaterkoppling/" in index


# -- the follow-up calls after the consultation conferences ---------------------------------------

def call(conference, offer, places=None, start=None):
    answers = {"radslag.konferens": conference, "radslag.deltog": "ja", "platser.kan_erbjuda": offer,
               "sarskilda_behov.kan_mota": "nej"}
    if places:
        answers["platser.antal"] = places
    if start:
        answers["platser.fran_datum"] = start
    return answers


def test_follow_up_calls_against_the_contact_log(qdb):
    """Gävleborg (21, 10 municipalities invited): Gävle promised 10 places from March 2014 after the January
    conference and its log shows two requests in 2014, one yes for 4 persons who moved in in May, and a request
    in 2015 (outside the twelve months); Sandviken said no; Bollnäs was called twice, the later call counts."""
    from exports import ExportFilter, build_report
    calls, log = store.get_questionnaire(qdb, "smak-uppfoljning"), store.get_questionnaire(qdb, "smak-kontaktlogg")
    add_answers(qdb, calls, "2180", call("jan_2014", "ja", 10, "2014-03-01"))
    add_answers(qdb, calls, "2181", call("jan_2014", "nej"))
    add_answers(qdb, calls, "2183", call("jan_2014", "ja", 50, "2014-04-01"), created="2014-02-01T09:00:00.000+00:00")
    add_answers(qdb, calls, "2183", call("jan_2014", "kanske", 5, "2014-06-01"), created="2014-02-20T09:00:00.000+00:00")
    add_answers(qdb, log, "2180", request("2014-04-01", "ja", "2014-04-10", persons=4,
                                          **{"svar.inflyttningsdatum": "2014-05-15"}))
    add_answers(qdb, log, "2180", request("2014-06-01", "nej", "2014-06-03", persons=2))
    add_answers(qdb, log, "2180", request("2015-02-01", "ja", "2015-02-03", persons=7))
    report = build_report(qdb, ExportFilter("smak-uppfoljning", counties=("21",)))
    found = report.measures[0]
    conferences = rows_of(found.table("conferences"))
    # invited, called, rate, ja, kanske, nej, vet ej, places, earliest, latest
    assert conferences["Rådslagskonferens 1, januari 2014"] == [10, 3, 0.3, 1, 1, 1, 0, 15, "2014-03-01", "2014-06-01"]
    assert conferences["Rådslagskonferens 2, november 2014 (inför mottagandet 2015)"][:3] == [10, 0, 0.0]
    rows = {(row[2], row[0][:16]): row[3:] for row in found.table("promised").rows}
    january = "Rådslagskonferen"
    # offer, promised, from, requests, yes, persons in yes, moved in, moved in of promised
    assert rows[("Gävle", january)] == ["Ja", 10, "2014-03-01", 2, 1, 4, 4, 0.4]
    assert rows[("Sandviken", january)] == ["Nej", None, None, 0, 0, None, None, None]
    assert rows[("Bollnäs", january)] == ["Kanske", 5, "2014-06-01", 0, 0, None, None, 0.0]
    assert rows[("Totalt", january)] == [None, 15, None, 2, 1, 4, 4, pytest.approx(4 / 15)]
