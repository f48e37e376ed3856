"""The seed systems' questionnaires from the laptop's pages to the central's reports (issue 13, "done means").

For each new questionnaire a few interviews chosen by hand are answered section by section through
the interview pages of a field laptop (its own store, enrolled on the central), completed, written
to a bundle file and ingested by the central; the central's report of the questionnaire then shows
the figures worked out by hand in each test's docstring. Nothing here comes from the demo generator.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from exports import ExportFilter, build_report, iter_csv, save_workbook, write_csv, write_workbook
from exports.importing import FileRefused, import_submissions
from exports.quarterly import build_quarterly
from fieldkit import config
from fieldkit import quarterly as quarterly_page
from fieldkit.app import create_app
from fieldkit.cli import main
from sync import store
from sync.selection import Scope
from sync.bundle import write_bundle
from sync.ingest import ingest

from central_helpers import logged_in
from exports_helpers import blocks
from field_helpers import section_post, start_interview


class Laptop:
    """A field laptop enrolled on the central, with a test client of its interview pages."""

    def __init__(self, folder: Path, central, make_laptop):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.db = make_laptop(folder / "fieldkit.db", central, folder.name)
        config.ensure_secret_key(folder)
        app = create_app({"DB": str(folder / "fieldkit.db"), "TESTING": True, "WTF_CSRF_ENABLED": False})
        self.client = app.test_client()
        self.sent = 0

    def interview(self, qid: str, municipality: str, answers: dict, district: str | None = None) -> str:
        """Answer every section shown through the pages and complete; returns the submission id."""
        questionnaire = store.get_questionnaire(self.db, qid)
        sid, location = start_interview(self.client, qid, municipality, district)
        while "/del/" in location:
            section = next(s for s in questionnaire.sections if s.id == location.rsplit("/", 1)[1])
            response = self.client.post(location, data=section_post(questionnaire, section, answers))
            if response.status_code == 200:  # a check's warning keeps the page once; Next again goes on
                response = self.client.post(location, data=section_post(questionnaire, section, answers))
            assert response.status_code == 302, response.data.decode()[:2000]
            location = response.headers["Location"]
        assert self.client.post(f"/s/{sid}/slutfor").headers["Location"].endswith("/sammanstallning")
        stored = store.get_submission(self.db, sid)
        assert stored.status == "complete" and stored.answers == answers
        return sid

    def send(self, central, expected_new: int) -> None:
        """Carry everything not yet sent to the central in a bundle file, as on a USB stick."""
        self.sent += 1
        bundle = write_bundle(self.db, self.folder / f"bundle-{self.sent}.fkb").path
        result = ingest(central, bundle)
        assert (result.counts["new"], result.counts["rejected"], result.counts["conflicts"]) == (expected_new, 0, 0)


@pytest.fixture
def laptop(tmp_path, central, make_laptop):
    return Laptop(tmp_path / "anna", central, make_laptop)


def rows_of(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


def measure_of(central, qid: str, lang: str = "en", **filters):
    report = build_report(central, ExportFilter(qid, **filters), lang)
    assert len(report.measures) == 1
    return report, report.measures[0]


# -- smak-kontaktlogg 3 and smak-kvartal: the contact log, the quarterly follow-up, the county's feedback --------

def contact(day, answer=None, *, answered=None, persons=None, special=False, ref=None, reasons=None, move_in=None,
            later=None):
    """A contact about a request for assignment, as the municipality's answer stood that day."""
    answers = {"kontakt.datum": answered or day, "kontakt.kanal": "telefon",
               "arende.amne": ["anvisningsforfragan", *(["sarskilda_behov"] if special else [])],
               "arende.forfragan_datum": day}
    if ref:
        answers["arende.arendereferens"] = ref
    if persons:
        answers["arende.antal_personer"] = persons
    if special:
        answers["arende.sarskilda_behov_typ"] = ["funktionsnedsattning"]
    answers["svar.svar"] = answer
    if answer in ("ja", "nej"):
        answers["svar.svarsdatum"] = answered
    if move_in:
        answers["svar.inflyttningsdatum"] = move_in
    if reasons:
        answers["svar.orsak_nej"] = reasons
    if later:
        answers["svar.aterkommer_senast"] = later
    return answers


def quarter(year, number, agreed, placed):
    return {"period.ar": year, "period.kvartal": f"q{number}", "mottagande.anvisningsbara_platser": agreed,
            "mottagande.kvot_placerade": placed, "bortval.nej_sarskilda": "nej", "bortval.tecken": "nej",
            "lansstyrelsen.uppfoljning_behovs": "nej", "nasta_kvartal.planerade_kontakter": 0}


LOG = [  # (municipality, answers)
    # Umeå: case BF-7 (special needs, 5 persons) asked 1 July, "återkommer", then yes on 8 July: one request, 7 days
    ("2480", contact("2014-07-01", "aterkommer", persons=5, special=True, ref="BF-7", later="2014-07-10")),
    ("2480", contact("2014-07-01", "ja", answered="2014-07-08", persons=5, special=True, ref="BF-7",
                     move_in="2014-09-01")),
    # Umeå: asked 4 August, no after 10 days (3 persons): housing shortage and places used
    ("2480", contact("2014-08-04", "nej", answered="2014-08-14", persons=3, ref="BF-8",
                     reasons=["bostadsbrist", "platser_anvanda"])),
    # Skellefteå: asked 2 October (the fourth quarter), yes after 3 days (2 persons)
    ("2482", contact("2014-10-02", "ja", answered="2014-10-05", persons=2, ref="BF-9")),
    # Stockholm (another county): asked in July, yes; never in Västerbotten's figures
    ("0180", contact("2014-07-02", "ja", answered="2014-07-04", persons=9, ref="BF-10")),
]
KVARTAL = [("2480", quarter(2014, 2, 40, 5)), ("2480", quarter(2014, 3, 40, 9)), ("2482", quarter(2014, 3, 20, 3))]


def test_the_contact_log_from_the_pages_to_the_answers_per_county_and_quarter(laptop, central):
    """Västerbotten: three requests (BF-7's two contacts are one), two in 2014 Q3 (a yes after 7 days, a no after
    10: median 8.5) and one in Q4 (a yes after 3 days). Over the quarters: 2 yes, 1 no, median of 7, 10, 3 = 7.
    The no gave two reasons. Stockholm's request is its own county's, in its own rows."""
    for municipality, answers in LOG:
        laptop.interview("smak-kontaktlogg", municipality, answers)
    laptop.send(central, len(LOG))
    assert {store.get_submission(central, sid).questionnaire_version
            for (sid,) in central.execute("select uuid from submissions")} == {"3"}

    _report, measure = measure_of(central, "smak-kontaktlogg", counties=("24",))
    answers = measure.table("answers")
    # requests, yes, no, will reply, none; their shares; median days, n
    assert [row[1:] for row in answers.rows] == [
        ["2014 Q3", 2, 1, 1, 0, 0, 0.5, 0.5, 0.0, 0.0, 8.5, 2],
        ["2014 Q4", 1, 1, 0, 0, 0, 1.0, 0.0, 0.0, 0.0, 3.0, 1],
        ["All quarters", 3, 2, 1, 0, 0, pytest.approx(2 / 3), pytest.approx(1 / 3), 0.0, 0.0, 7.0, 3],
    ]
    assert {row[0] for row in answers.rows} == {"Västerbottens län"}
    reasons = measure.table("reasons")
    counts = {c.header: value for c, value in zip(reasons.columns, reasons.rows[0]) if c.kind == "int"}
    assert counts["No answers"] == 1
    assert (counts["Housing shortage"], counts["The places for assignment are already used"]) == (1, 1)
    assert counts["No reason given"] == 0

    _report, everyone = measure_of(central, "smak-kontaktlogg")
    assert rows_of(everyone.table("answers"))["All counties"] == [
        "All quarters", 4, 3, 1, 0, 0, 0.75, 0.25, 0.0, 0.0, 5.0, 4]  # days 7, 10, 3 and Stockholm's 2


def test_the_quarterly_follow_up_from_the_pages_to_the_feedback_to_the_county_board(laptop, central, central_app):
    """2014 Q3 in Västerbotten (previous quarter Q2):

    - Umeå: 40 agreed places; requests BF-7 (special needs, 5 persons, yes after 7 days) and BF-8 (3 persons, no
      after 10 days): 2 cases, 8 persons, 1 yes 1 no, share yes 0.5, median 8.5 days, special needs 1.0, others
      0.0; placed 9 this quarter, 5 + 9 = 14 this year, 14/40 = 0.35 of the places; Q2: no cases, placed 5.
    - Skellefteå: 20 agreed, no request in Q3 (its request is in Q4), placed 3, 3/20 = 0.15.
    - County: 60 agreed, 2 cases, 8 persons, placed 12, 17 this year, 17/60; Q2 placed 5.
    """
    for municipality, answers in LOG:
        laptop.interview("smak-kontaktlogg", municipality, answers)
    for municipality, answers in KVARTAL:
        laptop.interview("smak-kvartal", municipality, answers)
    laptop.send(central, len(LOG) + len(KVARTAL))

    report = build_quarterly(central, "24", "2014Q3", "en")
    rows = rows_of(report.municipalities)
    # agreed, cases, persons, yes, no, will reply, none, share yes, median days, special, others,
    # placed: quarter, year, of agreed; previous: cases, share yes, placed
    assert rows["Umeå"] == [40, 2, 8, 1, 1, 0, 0, 0.5, 8.5, 1.0, 0.0, 9, 14, 0.35, 0, None, 5]
    assert rows["Skellefteå"] == [20, 0, None, 0, 0, 0, 0, None, None, None, None, 3, 3, 0.15, 0, None, None]
    assert rows["County total"] == [60, 2, 8, 1, 1, 0, 0, 0.5, 8.5, 1.0, 0.0, 12, 17, pytest.approx(17 / 60),
                                    0, None, 5]
    assert report.requests == 2
    trend = rows_of(report.trend)
    assert trend["2014 Q3"][:3] == [2, 8, 1] and trend["2014 Q2"][-1] == 5

    # The county's own user gets the same figures on the central's page, and never another county's.
    page = logged_in(central_app, "lena").get("/rapporter/kvartalsaterkoppling/?lan=01&kvartal=2014Q3")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Västerbottens län · 2014 K3" in text
    assert "Umeå" in text and "Stockholm" not in text.split("<main", 1)[-1]
    stockholm = build_quarterly(central, "01", "2014Q3", "en")
    assert rows_of(stockholm.municipalities)["Stockholm"][1:3] == [1, 9]


# -- smak-uppfoljning: the follow-up calls against the contact log --------------------------------------------

def call(offer, places=None, start=None):
    answers = {"radslag.konferens": "jan_2014", "radslag.deltog": "ja", "platser.kan_erbjuda": offer,
               "sarskilda_behov.kan_mota": "nej", "hinder.hinder": ["bostadsbrist"]}
    if places:
        answers.update({"platser.antal": places, "platser.fran_datum": start})
    return answers


def test_the_follow_up_calls_from_the_pages_to_places_promised_against_the_contact_log(laptop, central):
    """Gävleborg (21; its 10 municipalities are invited) after the January 2014 conference: Gävle promises 10
    places from 1 March 2014, Sandviken none, Hudiksvall perhaps 4 from 1 June. Gävle's contact log shows a request
    on 1 April answered yes for 4 persons who moved in on 15 May, and a request in February 2015 (after the
    twelve months). So: 3 of 10 called (0.3), 1 yes, 1 perhaps, 1 no; 14 places, from 2014-03-01 to 2014-06-01;
    Gävle: 1 request, 1 yes, 4 persons, 4 moved in, 4/10 = 0.4 of its places; the total 4/14."""
    laptop.interview("smak-uppfoljning", "2180", call("ja", 10, "2014-03-01"))
    laptop.interview("smak-uppfoljning", "2181", call("nej"))
    laptop.interview("smak-uppfoljning", "2184", call("kanske", 4, "2014-06-01"))
    laptop.interview("smak-kontaktlogg", "2180", contact("2014-04-01", "ja", answered="2014-04-10", persons=4,
                                                         ref="G-1", move_in="2014-05-15"))
    laptop.interview("smak-kontaktlogg", "2180", contact("2015-02-01", "ja", answered="2015-02-03", persons=7,
                                                         ref="G-2"))
    laptop.send(central, 5)

    _report, measure = measure_of(central, "smak-uppfoljning", counties=("21",))
    conferences = rows_of(measure.table("conferences"))
    first = next(name for name in conferences if "January 2014" in name or "januari 2014" in name)
    # invited, called, rate, yes, perhaps, no, don't know, places, earliest, latest
    assert conferences[first] == [10, 3, 0.3, 1, 1, 1, 0, 14, "2014-03-01", "2014-06-01"]
    promised = {row[2]: row[3:] for row in measure.table("promised").rows if row[0] == first}
    # offer, places, from, requests, yes, persons in yes, moved in, moved in of the places
    assert promised["Gävle"] == ["Yes", 10, "2014-03-01", 1, 1, 4, 4, 0.4]
    assert promised["Sandviken"] == ["No", None, None, 0, 0, None, None, None]
    assert promised["Hudiksvall"] == ["Perhaps", 4, "2014-06-01", 0, 0, None, None, 0.0]
    assert promised["Total"] == [None, 14, None, 1, 1, 4, 4, pytest.approx(4 / 14)]


# -- nad-deltagarenkat: participants per hub, health answers in aggregate only ------------------------------

def participant(hub, health, swedish):
    return {"aktiviteten.knutpunkt": hub, "aktiviteten.ganger": "5_fler", "aktiviteten.passade": "mycket_bra",
            "sprak.pratar_svenska": swedish, "sprak.nya_kontakter": "1_2", "halsa.mar_allmant": health,
            "halsa.mar_battre": "lite", "natverk.medlem": "nej"}


PARTICIPANTS = ([participant("syd", "ganska_bra", "varje_dag")] * 5 + [participant("syd", "ganska_daligt", "aldrig")]
                + [participant("mellan", "mycket_bra", "varje_dag")])


def test_the_participant_survey_from_the_pages_to_the_tables_per_hub(laptop, central):
    """Seven participants in Lund: six at Sydskåne (5 feel rather well, 1 rather badly; 5 speak Swedish every day,
    1 never) and one at Mellanskåne (very well, every day). By hub, with 5 the smallest count shown for a sensitive
    question: Sydskåne ".." "rather well" of 6 (its 5 would tell the "<5" rather badly: 6 - 5), "<5" rather badly;
    Mellanskåne "<5"; total ".." of 7 (its 5 would tell Sydskåne's again, Mellanskåne having none). The language
    question is not sensitive: every count shows (Sydskåne 5 every day, 1 never; Mellanskåne 1; total 6 of 7).
    The mean score of the language question: Sydskåne (1 + 5 * 4) / 6 = 3.5, total 25 / 7. A county user of Skåne
    gets the counts, never the raw health answers."""
    for answers in PARTICIPANTS:
        laptop.interview("nad-deltagarenkat", "1281", answers)
    laptop.send(central, len(PARTICIPANTS))

    report = build_report(central, ExportFilter("nad-deltagarenkat"), "sv")
    out = io.BytesIO()
    write_workbook(report, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    health = blocks(book["3. Hur du mår"])["Hur mår du för det mesta?"]
    share = "Andel av substantiella svar"
    counts = {label: {h: v for (g, h), v in zip(health["headers"], values) if g != share}
              for label, values in health["rows"].items()}
    assert (counts["Sydskåne (Malmö)"]["Ganska bra"], counts["Sydskåne (Malmö)"]["Ganska dåligt"]) == ("..", "<5")
    assert counts["Sydskåne (Malmö)"]["Antal substantiella svar"] == 6
    assert counts["Mellanskåne (Lund)"]["Mycket bra"] == "<5"
    # Mellanskåne answered fewer than 5 times: its row shows "<5" throughout; the total's 7 substantive answers
    # less Sydskåne's 6 would tell Mellanskåne's, so the 7 is hidden too
    assert (counts["Totalt"]["Ganska bra"], counts["Totalt"]["Antal substantiella svar"]) == ("..", "..")
    swedish = blocks(book["2. Svenska"])[
        "Hur ofta pratar du svenska med andra än handläggare och lärare?"]["rows"]
    # never, a few times a month, a few times a week, every day, answers; then the mean score (never 1 .. every day 4)
    assert swedish["Sydskåne (Malmö)"][1:6] == [1, 0, 0, 5, 6] and swedish["Sydskåne (Malmö)"][-1] == 21 / 6
    assert swedish["Mellanskåne (Lund)"][1:6] == [0, 0, 0, 1, 1]
    assert swedish["Totalt"][1:6] == [1, 0, 0, 6, 7] and swedish["Totalt"][-1] == pytest.approx(25 / 7)
    # the sensitive answers stay out of the raw data of anyone who may not see personal data
    skane = build_report(central, ExportFilter("nad-deltagarenkat"), "sv",
                         scope=Scope(county_code="12", personal=False), compare=False)
    text = "".join(iter_csv(skane))
    assert skane.n == 7 and "halsa." not in text and "Ganska dåligt" not in text and "Varje dag" in text


# -- sthlm-uppfoljning: districts per period toward the year's volumes -------------------------------------

def period(code, persons, households, children, *, arrival, permanent, school, waiting, plan, work, temporary,
           placements=(0, 0, 0, 0)):
    answers = {"period.ar": 2016, "period.period": code, "mottagande.personer": persons,
               "mottagande.hushall": households, "mottagande.ensamkommande": children,
               "boende.bostad_vid_ankomst": arrival, "boende.permanent": permanent,
               "boende.tillfalligt_slut": temporary, "skola.forskola": school[0], "skola.grundskola": school[1],
               "skola.sprakintroduktion": school[2], "skola.vantar": waiting, "arbete.etableringsplan": plan,
               "arbete.arbetsmarknadsinsats": 0, "arbete.arbete_studier": work}
    if children:
        answers.update(dict(zip(("ensamkommande.god_man", "ensamkommande.hvb", "ensamkommande.familjehem",
                                 "ensamkommande.stodboende"), placements)))
    return answers


RINKEBY, SODERMALM = "0180-01", "0180-08"


def test_the_district_follow_up_from_the_pages_to_the_city_executive_boards_summary(laptop, central):
    """2016: January-February from Rinkeby-Kista (50 persons, 20 households of which 5 housed on arrival and 4 in
    permanent housing, 10 children; school 3 + 6 + 1 placed, 2 waiting; 20 with a plan, 4 in work or studies;
    15 households in temporary housing) and Södermalm (30 persons, 10 households, 2 permanent, no children;
    school 1 + 1 + 0, none waiting; 10 with a plan, 1 in work; 6 temporary); March-April from Rinkeby-Kista
    (40 persons, 15 households, 3 permanent, 8 children; school 2 + 4 + 2, 0 waiting; 15 plan, 5 work; 12 temporary).

    Year to date: 120 persons of 2 810 (0.0427), 18 children of 1 600; permanent 9 of 45 households, school
    20 placed of 22 (10 + 2 + 8 placed, 2 waiting), work 10 of 45; temporary at the end of March-April 12
    (Rinkeby-Kista only)."""
    laptop.interview("sthlm-uppfoljning", "0180", period("p1", 50, 20, 10, arrival=5, permanent=4, school=(3, 6, 1),
                                                         waiting=2, plan=20, work=4, temporary=15,
                                                         placements=(10, 4, 4, 2)), district=RINKEBY)
    laptop.interview("sthlm-uppfoljning", "0180", period("p1", 30, 10, 0, arrival=0, permanent=2, school=(1, 1, 0),
                                                         waiting=0, plan=10, work=1, temporary=6), district=SODERMALM)
    laptop.interview("sthlm-uppfoljning", "0180", period("p2", 40, 15, 8, arrival=3, permanent=3, school=(2, 4, 2),
                                                         waiting=0, plan=15, work=5, temporary=12,
                                                         placements=(8, 2, 4, 2)), district=RINKEBY)
    laptop.send(central, 3)
    assert sorted(r[0] for r in central.execute("select district_code from submissions")) == \
        [RINKEBY, RINKEBY, SODERMALM]

    report, measure = measure_of(central, "sthlm-uppfoljning")
    assert measure.table("summary").rows == [[2016, "March–April", 2, 120, 2810, 120 / 2810, 18, 1600, 18 / 1600,
                                              9 / 45, 20 / 22, 10 / 45, 12]]
    trend = measure.table("trend")
    assert trend.column("Districts reporting") == [2, 1]
    assert trend.column("With housing on arrival") == [5 / 30, 3 / 15]
    assert trend.column("Households in temporary housing") == [21, 12]
    districts = measure.table("districts")
    assert [row[2:5] for row in districts.rows] == [["Rinkeby-Kista", 1, 50], ["Södermalm", 1, 30],
                                                    ["City total", 2, 80], ["Rinkeby-Kista", 1, 40],
                                                    ["City total", 1, 40]]
    # the response rate counts Stockholm's 14 districts: two have answered
    assert (report.response.in_scope[-1], report.response.answered[-1]) == (14, 2)
    assert len(report.missing) == 12 and "Södermalm" not in {m.name for m in report.missing}


# -- a questionnaire answered per district: its response rate and filter count districts ----------------------

def district_store(db):
    """Rinkeby-Kista and Södermalm have reported January-February 2016, Skärholmen has a draft only."""
    answers = period("p1", 10, 4, 0, arrival=1, permanent=1, school=(1, 1, 0), waiting=0, plan=5, work=1,
                     temporary=3)
    for district in (RINKEBY, SODERMALM):
        store.complete_submission(db, store.create_submission(db, "sthlm-uppfoljning", "0180", district_code=district),
                                  answers)
    store.save_draft(db, store.create_submission(db, "sthlm-uppfoljning", "0180", district_code=SKARHOLMEN),
                     answers, None, answers)


SKARHOLMEN = "0180-14"


def test_the_response_rate_of_a_questionnaire_answered_per_district_counts_stockholms_14_districts(central):
    """14 districts expected, 2 answered (1/7); the 12 others are listed by name, Skärholmen with its draft.
    Filtered to Södermalm and Skärholmen: 2 expected, 1 answered, Skärholmen missing."""
    district_store(central)
    report = build_report(central, ExportFilter("sthlm-uppfoljning"), "sv")
    assert [g.name for g in report.response.groups] == ["Stockholms län", "Totalt"]
    assert list(report.response.in_scope) == [14, 14] and list(report.response.answered) == [2, 2]
    assert report.response.rates[-1] == pytest.approx(2 / 14)
    missing = {m.name: (m.code, m.has_draft) for m in report.missing}
    assert len(missing) == 12 and missing["Skärholmen"] == (SKARHOLMEN, True)
    assert missing["Älvsjö"][1] is False and "Södermalm" not in missing and "Stockholm" not in missing

    picked = build_report(central, ExportFilter("sthlm-uppfoljning", districts=(SODERMALM, SKARHOLMEN)), "sv")
    assert (list(picked.response.in_scope), list(picked.response.answered)) == ([2, 2], [1, 1])
    assert [m.name for m in picked.missing] == ["Skärholmen"] and picked.n == 1

    out = io.BytesIO()
    write_workbook(report, out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    rows = [row for row in book["Ej besvarad"].iter_rows(values_only=True)]
    assert rows[0][:3] == ("Län", "Stadsdelskod", "Stadsdel")
    assert len(rows) == 13 and rows[-1][:4] == ("Stockholms län", SKARHOLMEN, "Skärholmen", "Bara utkast")


def test_the_reports_page_of_a_questionnaire_answered_per_district_has_a_district_filter(central, central_app):
    district_store(central)
    eva = logged_in(central_app, "eva")
    page = eva.get("/rapporter/sthlm-uppfoljning").get_data(as_text=True)
    assert '<input type="checkbox" name="stadsdel" value="0180-08"> Södermalm</label>' in page
    assert "12 stadsdelar i ramen har inte svarat" in page
    assert "Stadsdelar i urvalet" in page  # the response rate's header counts districts
    page = eva.get(f"/rapporter/sthlm-uppfoljning?stadsdel={SODERMALM}&stadsdel={SKARHOLMEN}").get_data(as_text=True)
    assert '<input type="checkbox" name="stadsdel" value="0180-08" checked> Södermalm</label>' in page
    assert "1 stadsdel i ramen har inte svarat" in page and "Skärholmen (0180-14)" in page
    assert f"stadsdel={SODERMALM}" in page  # the downloads keep the filter
    refused = eva.get("/rapporter/sthlm-uppfoljning?stadsdel=0180-99")
    assert refused.status_code == 400 and "okänd stadsdel &#39;0180-99&#39;" in refused.get_data(as_text=True)
    # a questionnaire answered per municipality has no district picker; nor has a county without districts
    assert 'name="stadsdel"' not in eva.get("/rapporter/kub-webbenkat").get_data(as_text=True)
    assert 'name="stadsdel"' not in logged_in(central_app, "lena").get("/rapporter/sthlm-uppfoljning").get_data(
        as_text=True)
    assert 'name="stadsdel" value="0180-08"' in logged_in(central_app, "olle").get(
        "/rapporter/sthlm-uppfoljning").get_data(as_text=True)


# -- `fieldkit submissions import` of a questionnaire answered per district ------------------------------------

def test_a_per_district_export_imports_back_with_its_districts_and_the_same_figures(central, make_field_store,
                                                                                   tmp_path):
    """The central's two completed reports (Rinkeby-Kista, Södermalm) go out as CSV and as a workbook and come
    back into an empty store with their districts; the report there has the same district rows and rate (2/14).
    Importing again adds nothing."""
    district_store(central)
    report = build_report(central, ExportFilter("sthlm-uppfoljning"), "sv", include_personal=True, compare=False)
    assert report.n == 2
    (tmp_path / "out").mkdir()
    write_csv(report, tmp_path / "out" / "sthlm.csv", sep=";")
    save_workbook(report, tmp_path / "out" / "sthlm.xlsx")
    header = (tmp_path / "out" / "sthlm.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(";")
    assert header[5:9] == ["Kommunkod", "Kommun", "Stadsdelskod", "Stadsdel"]

    for name in ("sthlm.csv", "sthlm.xlsx"):
        path = tmp_path / name.replace(".", "-") / "fieldkit.db"
        make_field_store(path).conn.close()
        result = CliRunner().invoke(main, ["--db", str(path), "submissions", "import", str(tmp_path / "out" / name)],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"{name}: 2 rader av sthlm-uppfoljning: tillagda 2, uppdaterade 0, "
                                        "oförändrade 0")
        again = CliRunner().invoke(main, ["--db", str(path), "submissions", "import", str(tmp_path / "out" / name)])
        assert "tillagda 0, uppdaterade 0, oförändrade 2" in again.output
        target = store.open_db(path)
        assert sorted(target.execute("select district_code, answers from submissions").fetchall()) == sorted(
            central.execute("select district_code, answers from submissions where status = 'complete'").fetchall())
        back = build_report(target, ExportFilter("sthlm-uppfoljning"), "sv")
        assert back.measures[0].table("districts").rows == report.measures[0].table("districts").rows
        assert (list(back.response.in_scope), list(back.response.answered)) == ([14, 14], [2, 2])
        target.conn.close()


def test_an_import_names_a_missing_or_wrong_district_by_line_and_column(make_field_store, tmp_path):
    head = "Inlämning;Version;Status;Kommunkod;Stadsdelskod;period.ar;period.period;mottagande.personer;" \
           "mottagande.hushall;mottagande.ensamkommande;skola.forskola;skola.grundskola;skola.sprakintroduktion;" \
           "skola.vantar;arbete.etableringsplan;arbete.arbetsmarknadsinsats;arbete.arbete_studier"
    zeros = ";2016;Januari–februari;0;0;0;0;0;0;0;0;0;0"
    rows = ["0180;" + zeros, "0180;0180-99" + zeros, "2480;0180-08" + zeros]
    ids = ["3f2b8c1e-5a7d-4e21-9c0b-7d1e2f3a4b5" + str(i) for i in range(3)]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([head] + [f"{sid};1;Slutförd;{row}" for sid, row in zip(ids, rows)]), encoding="utf-8")
    db = make_field_store(tmp_path / "db" / "fieldkit.db")
    with pytest.raises(FileRefused) as refused:
        import_submissions(db, path, lang="en")
    valid = "0180-01 (Rinkeby-Kista), 0180-02 (Spånga-Tensta)"
    assert refused.value.problems[0].startswith(
        "bad.csv:2: Stadsdelskod: a district code is required: sthlm-uppfoljning is answered per district (valid in "
        f"municipality 0180: {valid}")
    assert refused.value.problems[1].startswith(
        f"bad.csv:3: Stadsdelskod: unknown district code 0180-99 in municipality 0180 (valid: {valid}")
    assert refused.value.problems[2] == "bad.csv:4: Stadsdelskod: unknown district code 0180-08 in municipality 2480 " \
                                        "(valid: –)"
    assert len(refused.value.problems) == 3 and db["submissions"].count == 0


# -- the quarterly page in the reports pages' cache ----------------------------------------------------------

def test_the_quarterly_page_is_kept_until_the_store_changes_and_never_served_to_another_scope(central, central_app,
                                                                                               monkeypatch):
    """Lena's page of Västerbotten 2014 Q3 is built once for two requests; Olle (Stockholms län) asking the same
    gets his own county. A new request in Umeå (a yes after 4 days, 1 person) moves the store: the next page has
    Umeå's 3 cases, 9 persons, 2 yes of 3."""
    for qid, rows in (("smak-kontaktlogg", LOG), ("smak-kvartal", KVARTAL)):
        for municipality, answers in rows:
            store.complete_submission(central, store.create_submission(central, qid, municipality), answers)
    built = []

    def counting(*args, **kwargs):
        built.append(build_quarterly(*args, **kwargs))
        return built[-1]
    monkeypatch.setattr(quarterly_page, "build_quarterly", counting)
    lena, olle = logged_in(central_app, "lena"), logged_in(central_app, "olle")
    url = "/rapporter/kvartalsaterkoppling/?lan=24&kvartal=2014Q3"
    first, second = lena.get(url).get_data(as_text=True), lena.get(url.replace("2014Q3", "2014q3")).get_data(
        as_text=True)
    assert len(built) == 1 and "Västerbottens län · 2014 K3" in first and "Västerbottens län · 2014 K3" in second
    assert "Stockholms län · 2014 K3" in olle.get(url).get_data(as_text=True) and len(built) == 2
    assert rows_of(built[0].municipalities)["Umeå"][1:4] == [2, 8, 1]

    store.complete_submission(central, store.create_submission(central, "smak-kontaktlogg", "2480"),
                              contact("2014-09-10", "ja", answered="2014-09-14", persons=1, ref="BF-11"))
    lena.get(url)
    assert len(built) == 3
    umea = rows_of(built[-1].municipalities)["Umeå"]
    assert umea[1:4] == [3, 9, 2] and umea[7] == pytest.approx(2 / 3)


def test_an_import_refuses_a_row_whose_submission_is_stored_for_another_district(central, tmp_path):
    district_store(central)
    report = build_report(central, ExportFilter("sthlm-uppfoljning", districts=(SODERMALM,)), "en",
                          include_personal=True, compare=False)
    write_csv(report, tmp_path / "moved.csv", sep=";")
    sid = report.frame["uuid"].iloc[0]
    text = (tmp_path / "moved.csv").read_text(encoding="utf-8-sig").replace(f";{SODERMALM};", f";{RINKEBY};")
    (tmp_path / "moved.csv").write_text(text, encoding="utf-8")
    with pytest.raises(FileRefused) as refused:
        import_submissions(central, tmp_path / "moved.csv", lang="en", update=True)
    assert refused.value.problems == [f"moved.csv:2: Submission: {sid} is already in the store as a submission of "
                                      f"district {SODERMALM}"]
    assert store.get_submission(central, sid).district_code == SODERMALM
