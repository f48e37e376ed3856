"""Districts below a municipality (Stockholm's stadsdelsförvaltningar) and sthlm-uppfoljning's report.

A questionnaire with `level: district` is answered per district: its submissions name the district
as well as the municipality, and the district goes where a municipality goes (start page, lists,
review, bundles, export filters, the Data sheet, grouping, a county user's scope). The report's
figures are worked out by hand beside the submissions below.
"""

from __future__ import annotations

import datetime
import json

import pytest
from openpyxl import load_workbook

from exports import ExportFilter, build_report, save_workbook
from exports.filters import FilterError, TableOptions, check_filter
from forms import clean_answers, load_text, registry
from sync import accounts, records, store
from sync.bundle import write_bundle
from sync.demo import make_demo
from sync.ingest import ingest

from central_helpers import logged_in
from exports_helpers import data_records, sheet_rows
from field_helpers import section_post

QID = "sthlm-uppfoljning"
RINKEBY, SODERMALM, SKARHOLMEN = "0180-01", "0180-08", "0180-14"


def period(year, code, persons, households, children, *, arrival=0, permanent=0, school=(0, 0, 0), waiting=0,
           plan=0, programme=0, work=0, temporary=None, placements=None):
    """A period's answers; `placements` is (god man, HVB, family, supported housing) when children came."""
    a = {"period.ar": year, "period.period": code, "mottagande.personer": persons, "mottagande.hushall": households,
         "mottagande.ensamkommande": children, "skola.forskola": school[0], "skola.grundskola": school[1],
         "skola.sprakintroduktion": school[2], "skola.vantar": waiting, "arbete.etableringsplan": plan,
         "arbete.arbetsmarknadsinsats": programme, "arbete.arbete_studier": work, "samverkan.af": "ganska_bra"}
    if households:
        a.update({"boende.bostad_vid_ankomst": arrival, "boende.permanent": permanent})
        if temporary is not None:
            a["boende.tillfalligt_slut"] = temporary
    if children:
        god_man, hvb, family, supported = placements
        a.update({"ensamkommande.god_man": god_man, "ensamkommande.hvb": hvb, "ensamkommande.familjehem": family,
                  "ensamkommande.stodboende": supported})
    return a


def add(db, district, answers, created, *, complete=True):
    """One submission of sthlm-uppfoljning for a district of Stockholm, created at `created`."""
    q = store.get_questionnaire(db, QID)
    sid = store.create_submission(db, QID, "0180", district_code=district)
    cleaned = clean_answers(q, answers)
    assert cleaned.ok, cleaned.errors
    if complete:
        store.complete_submission(db, sid, cleaned.answers)
    else:
        store.save_draft(db, sid, answers, None, cleaned.answers)
    db.execute("update submissions set created = ?, modified = ? where uuid = ?", [created, created, sid])
    return sid


def fill(db):
    """Three districts over two periods of 2016; Skärholmen reported January-February twice (the latter counts)."""
    add(db, RINKEBY, period(2016, "p1", 30, 10, 8, arrival=3, permanent=2, school=(2, 4, 1), waiting=3, plan=15,
                            programme=6, work=3, temporary=12, placements=(8, 4, 3, 1)), "2016-03-07T09:00:00.000+00:00")
    add(db, SODERMALM, period(2016, "p1", 10, 4, 0, arrival=1, permanent=1, school=(1, 1, 0), plan=5, programme=2,
                              work=1, temporary=4), "2016-03-08T09:00:00.000+00:00")
    add(db, SKARHOLMEN, period(2016, "p1", 99, 5, 2, plan=10, placements=(2, 1, 1, 0)),
        "2016-03-08T10:00:00.000+00:00")
    add(db, SKARHOLMEN, period(2016, "p1", 20, 5, 2, permanent=1, school=(0, 2, 1), waiting=1, plan=10, programme=4,
                               temporary="vet_ej", placements=(2, 1, 1, 0)), "2016-03-09T10:00:00.000+00:00")
    add(db, RINKEBY, period(2016, "p2", 40, 16, 4, arrival=4, permanent=4, school=(3, 5, 2), plan=20, programme=8,
                            work=5, temporary=20, placements=(3, 2, 1, 1)), "2016-05-09T09:00:00.000+00:00")
    add(db, SODERMALM, period(2016, "p2", 0, 0, 0), "2016-05-10T09:00:00.000+00:00")
    add(db, SODERMALM, period(2016, "p2", 500, 100, 0), "2016-05-11T09:00:00.000+00:00", complete=False)  # a draft


@pytest.fixture
def filled(db):
    fill(db)
    return db


# -- the list and the definition ---------------------------------------------------


def test_stockholm_has_its_14_district_administrations_of_2016_and_other_municipalities_none():
    names = [d.name for d in registry.districts_of("0180")]
    assert len(names) == 14 and names[0] == "Rinkeby-Kista" and names[-1] == "Skärholmen"
    assert "Älvsjö" in names and "Hägersten-Liljeholmen" in names  # merged only in 2020
    assert registry.district("0180-08").name == "Södermalm"
    assert registry.districts_of("2480") == [] and registry.district("2480-01") is None


def test_a_questionnaire_answered_per_district_needs_a_frame_of_municipalities_with_districts():
    base = ('id: t\nversion: "1"\ntitle: "T"\nlevel: district\n{frame}sections:\n  - id: s\n    title: "S"\n'
            '    questions:\n      - id: n\n        type: integer\n        label: "N"\n')
    assert load_text(base.format(frame='frame: {municipalities: ["0180"]}\n')).questionnaire.level == "district"
    problems = [str(p) for p in load_text(base.format(frame='frame: {municipalities: ["2480"]}\n')).problems]
    assert problems == ["<string>:4: level: district needs a frame of municipalities that have districts, e.g. "
                        "frame: {municipalities: [\"0180\"]} (with districts: 0180)"]
    wrong = load_text(base.format(frame="").replace("level: district", "level: stadsdel"))
    assert [p.message for p in wrong.problems] == [
        "level must be one of municipality, district: municipality when a municipality answers, district when one "
        "of its districts does (got 'stadsdel')"]


def test_a_submission_names_a_district_of_its_municipality_exactly_when_its_questionnaire_asks(db):
    sid = store.create_submission(db, QID, "0180", district_code=SODERMALM)
    assert store.get_submission(db, sid).district_code == SODERMALM
    with pytest.raises(store.StoreError, match="a district is required in municipality 0180; valid choices: "
                                               "0180-01 \\(Rinkeby-Kista\\), 0180-02"):
        store.create_submission(db, QID, "0180")
    with pytest.raises(store.StoreError, match="unknown district '0180-08' in municipality 2480; valid choices: "
                                               "\\(none: pick a municipality that has districts\\)"):
        store.create_submission(db, QID, "2480", district_code=SODERMALM)
    with pytest.raises(store.StoreError, match="kub-webbenkat is answered per municipality, not per district"):
        store.create_submission(db, "kub-webbenkat", "0180", district_code=SODERMALM)
    assert store.get_submission(db, store.create_submission(db, "kub-webbenkat", "0180")).district_code is None


# -- the pages ------------------------------------------------------------------------


def test_the_interview_is_started_for_a_district_answered_through_the_pages_and_listed_with_it(client, db):
    start = client.get("/").get_data(as_text=True)
    assert '<option value="0180-08">Södermalm (0180-08)</option>' in start
    refused = client.post("/start", data={"questionnaire": QID, "municipality": "0180"}, follow_redirects=True)
    assert "Stockholms stad: uppföljning av mottagande och etablering besvaras per stadsdel: välj en stadsdel i " \
           "Stockholm." in refused.get_data(as_text=True)
    refused = client.post("/start", data={"questionnaire": "kub-webbenkat", "municipality": "0180",
                                          "district": SODERMALM}, follow_redirects=True)
    assert "besvaras per kommun: lämna stadsdelen tom." in refused.get_data(as_text=True)
    assert db["submissions"].count == 0

    response = client.post("/start", data={"questionnaire": QID, "municipality": "0180", "district": SODERMALM})
    location = response.headers["Location"]
    sid = location.split("/")[2]
    q = store.get_questionnaire(db, QID)
    answers = period(2016, "p3", 12, 5, 1, arrival=2, permanent=1, school=(1, 2, 0), waiting=1, plan=6,
                     programme=3, work=1, temporary=9, placements=(1, 1, 0, 0))
    answers.update({"samverkan.migrationsverket": "mycket_bra", "samverkan.lansstyrelsen": "vet_ej",
                    "utveckling.fragor": "Väntetid på skolplats.", "boende.former": ["andrahand", "modul"]})
    visited = []
    while "/del/" in location:
        section = next(s for s in q.sections if s.id == location.rsplit("/", 1)[1])
        if not visited:
            assert "Stockholm, Södermalm" in client.get(location).get_data(as_text=True)
        visited.append(section.id)
        response = client.post(location, data=section_post(q, section, answers))
        assert response.status_code == 302, response.data.decode()[:2000]
        location = response.headers["Location"]
    assert visited == [s.id for s in q.sections]
    assert client.post(f"/s/{sid}/slutfor").headers["Location"].endswith("/sammanstallning")
    stored = store.get_submission(db, sid)
    assert (stored.status, stored.municipality_code, stored.county_code, stored.district_code) == \
        ("complete", "0180", "01", SODERMALM)
    assert stored.answers == answers
    listed = client.get(f"/intervjuer?district={SODERMALM}").get_data(as_text=True)
    assert "Södermalm" in listed and sid in listed
    assert sid not in client.get(f"/intervjuer?district={RINKEBY}").get_data(as_text=True)


# -- scope and sync ----------------------------------------------------------------------


def test_a_county_user_of_stockholms_lan_sees_the_districts_and_another_county_user_never(central_app, cdb):
    sid = add(cdb, SODERMALM, period(2016, "p1", 10, 4, 0, permanent=1, plan=5), "2016-03-08T09:00:00.000+00:00")
    olle = logged_in(central_app, "olle")  # county 01, Stockholms län
    page = olle.get(f"/granskning/?district={SODERMALM}").get_data(as_text=True)
    assert sid in page and "Södermalm" in page
    assert olle.get(f"/granskning/{sid}").status_code == 200
    lena = logged_in(central_app, "lena")  # county 24, Västerbotten
    assert sid not in lena.get(f"/granskning/?district={SODERMALM}").get_data(as_text=True)
    assert lena.get(f"/granskning/{sid}").status_code in (403, 404)
    flt = ExportFilter(QID, districts=(SODERMALM,))
    assert build_report(cdb, flt, scope=accounts.get_user(cdb, "olle").scope).n == 1
    assert build_report(cdb, flt, scope=accounts.get_user(cdb, "lena").scope).n == 0


def test_a_district_submission_travels_from_a_laptop_to_the_central_with_its_district(tmp_path, make_central,
                                                                                     make_laptop):
    central = make_central(tmp_path / "central.db")
    laptop = make_laptop(tmp_path / "laptop.db", central, "anna")
    sid = add(laptop, SKARHOLMEN, period(2016, "p1", 20, 5, 0, plan=10), "2016-03-09T10:00:00.000+00:00")
    other = store.create_submission(laptop, "kub-webbenkat", "2480")
    store.complete_submission(laptop, other, {"lok.har_lok": "nej"})
    bundle = write_bundle(laptop, tmp_path / "anna.fkb").path
    result = ingest(central, bundle)
    assert result.counts["new"] == 2 and result.counts["rejected"] == 0
    assert store.get_submission(central, sid).district_code == SKARHOLMEN
    assert store.get_submission(central, other).district_code is None
    # a record of a municipality's interview reads as before: no district key at all
    row = next(laptop.execute(records.REVISION_SELECT + "where r.submission_uuid = ?", [other]))
    assert "district_code" not in records._revision_text(row)
    row = next(laptop.execute(records.REVISION_SELECT + "where r.submission_uuid = ?", [sid]))
    assert json.loads(records._revision_text(row))["submission"]["district_code"] == SKARHOLMEN


def test_a_bundle_naming_a_district_not_of_its_municipality_is_rejected(tmp_path, make_central, make_laptop):
    central = make_central(tmp_path / "central.db")
    laptop = make_laptop(tmp_path / "laptop.db", central, "anna")
    sid = add(laptop, SKARHOLMEN, period(2016, "p1", 20, 5, 0, plan=10), "2016-03-09T10:00:00.000+00:00")
    laptop.execute("update submissions set district_code = '2480-01' where uuid = ?", [sid])
    result = ingest(central, write_bundle(laptop, tmp_path / "anna.fkb").path)
    assert result.counts["rejected"] == 1
    assert result.rejected[0][1] == "unknown district '2480-01' of municipality 0180"
    assert central["submissions"].count == 0



def test_a_submission_answered_per_district_without_its_district_is_rejected(tmp_path, make_central, make_laptop):
    central = make_central(tmp_path / "central.db")
    laptop = make_laptop(tmp_path / "laptop.db", central, "anna")
    sid = add(laptop, SKARHOLMEN, period(2016, "p1", 20, 5, 0, plan=10), "2016-03-09T10:00:00.000+00:00")
    laptop.execute("update submissions set district_code = null where uuid = ?", [sid])
    result = ingest(central, write_bundle(laptop, tmp_path / "anna.fkb").path)
    assert result.counts["rejected"] == 1
    assert result.rejected[0][1] == (f"questionnaire sthlm-uppfoljning is answered per district, but submission "
                                     f"{sid} names none")
    assert central["submissions"].count == 0


def test_the_central_cleans_what_a_browser_sends_by_its_own_rules(tmp_path, make_central, make_laptop):
    """A browser (a device enrolled for a user) is judged by clean_answers; a laptop's same record is not."""
    central = make_central(tmp_path / "central.db")
    laptop = make_laptop(tmp_path / "laptop.db", central, "anna")
    sid = store.create_submission(laptop, "kub-webbenkat", "2480")
    store.complete_submission(laptop, sid, {"lok.har_lok": "nej"})
    # what a faulty app could send: a code the question does not have, with a matching content hash
    bad = {"lok.har_lok": "kanske"}
    revision = laptop.execute("select id, parent_id from revisions where submission_uuid = ?", [sid]).fetchone()
    digest = store.revision_hash(sid, "kub-webbenkat", store.get_submission(laptop, sid).questionnaire_version,
                                 "2480", bad, revision[1])
    laptop.execute("update revisions set answers = ?, content_hash = ? where id = ?",
                   [json.dumps(bad), digest, revision[0]])
    laptop.execute("update submissions set answers = ?, content_hash = ? where uuid = ?", [json.dumps(bad), digest, sid])
    laptop.conn.commit()
    bundle = write_bundle(laptop, tmp_path / "anna.fkb").path
    # as if a browser enrolled for the revision's author had sent it
    central.execute("update sync_devices set user_name = ? where name = 'anna'",
                    [laptop.execute("select author from revisions where id = ?", [revision[0]]).fetchone()[0]])
    central.conn.commit()
    result = ingest(central, bundle)
    assert result.counts["rejected"] == 1
    assert result.rejected[0][1].startswith("the central's rules refuse its answers: lok.har_lok: ")
    assert central["submissions"].count == 0
    central.execute("update sync_devices set user_name = null where name = 'anna'")  # a laptop: trusted
    central.conn.commit()
    assert ingest(central, bundle).counts["new"] == 1


# -- exports ------------------------------------------------------------------------------


def test_an_export_filters_by_district_by_code_or_name_and_names_the_valid_ones(filled):
    flt = check_filter(ExportFilter(QID, districts=("Södermalm", "0180-01")), [QID])
    assert flt.districts == (RINKEBY, SODERMALM)
    assert build_report(filled, flt).n == 4  # Rinkeby-Kista twice, Södermalm twice (its draft left out)
    with pytest.raises(FilterError, match="unknown district 'Solna'; valid choices: 0180-01 \\(Rinkeby-Kista\\)"):
        check_filter(ExportFilter(QID, districts=("Solna",)), [QID])


def test_the_data_sheet_has_the_district_beside_the_municipality_and_tables_group_by_district(filled, tmp_path):
    report = build_report(filled, ExportFilter(QID, tables=TableOptions(group_by="district")), lang="en")
    path = tmp_path / "sthlm.xlsx"
    save_workbook(report, path)
    wb = load_workbook(path)
    header = [c.value for c in wb["Data"][1]]
    assert header[5:9] == ["Municipality code", "Municipality", "District code", "District"]
    rows = data_records(wb["Data"])
    assert sorted((r["District code"], r["District"]) for r in rows) == [
        (RINKEBY, "Rinkeby-Kista"), (RINKEBY, "Rinkeby-Kista"), (SODERMALM, "Södermalm"), (SODERMALM, "Södermalm"),
        (SKARHOLMEN, "Skärholmen"), (SKARHOLMEN, "Skärholmen")]  # Södermalm's draft is not exported
    assert report.group_header == "District"
    assert [g.name for g in report.groups] == ["Rinkeby-Kista", "Södermalm", "Skärholmen", "Total"]
    persons = [r for r in sheet_rows(wb["2. Reception"]) if r and r[0] in ("Rinkeby-Kista", "Total")]
    # the first table, persons: every record counts here (30 + 10 + 99 + 20 + 40 + 0), not only the latest
    assert [(r[0], r[1], r[6]) for r in persons[:2]] == [("Rinkeby-Kista", 2, 70), ("Total", 6, 199)]
    with pytest.raises(FilterError, match="cannot group by district: kub-webbenkat is answered per municipality"):
        build_report(filled, ExportFilter("kub-webbenkat", tables=TableOptions(group_by="district")))


# -- the report ------------------------------------------------------------------------------


def test_the_report_per_district_and_period_with_the_city_total(filled):
    measure = build_report(filled, ExportFilter(QID), lang="en").measures[0]
    table = measure.table("districts")
    heads = ["Period", "District", "Records", "Persons assigned", "Households", "Unaccompanied children",
             "In permanent housing", "Placed in school", "In work or studies", "Households in temporary housing"]
    got = [[row[[c.header for c in table.columns].index(h)] for h in heads] for row in table.rows]
    assert got == [
        ["January–February", "Rinkeby-Kista", 1, 30, 10, 8, 2 / 10, 7 / 10, 3 / 15, 12],
        ["January–February", "Södermalm", 1, 10, 4, 0, 1 / 4, 2 / 2, 1 / 5, 4],
        ["January–February", "Skärholmen", 2, 20, 5, 2, 1 / 5, 3 / 4, 0 / 10, None],  # the latter counts
        ["January–February", "City total", 4, 60, 19, 10, 4 / 19, 12 / 16, 4 / 30, 16],
        ["March–April", "Rinkeby-Kista", 1, 40, 16, 4, 4 / 16, 10 / 10, 5 / 20, 20],
        ["March–April", "Södermalm", 1, 0, 0, 0, None, None, None, None],  # nobody came: no share
        ["March–April", "City total", 2, 40, 16, 4, 4 / 16, 10 / 10, 5 / 20, 20],
    ]
    assert table.strong == [False, False, False, True, False, False, True]


def test_the_trend_per_period_runs_the_year_to_date_toward_2810_and_1600(filled):
    table = build_report(filled, ExportFilter(QID), lang="en").measures[0].table("trend")
    assert table.column("Period") == ["January–February", "March–April"]
    assert table.column("Districts reporting") == [3, 2]
    assert table.column("Year to date") == [60, 100]  # persons; the children's has the same header
    index = [c.header for c in table.columns]
    children = [i for i, h in enumerate(index) if h == "Year to date"][1]
    assert [row[children] for row in table.rows] == [10, 14]
    goal = [i for i, h in enumerate(index) if h == "Share of the goal"]
    assert [row[goal[0]] for row in table.rows] == [60 / 2810, 100 / 2810]
    assert [row[goal[1]] for row in table.rows] == [10 / 1600, 14 / 1600]
    assert table.column("With housing on arrival") == [4 / 19, 4 / 16]


def test_the_summary_for_the_city_executive_board_is_the_year_to_date(filled):
    table = build_report(filled, ExportFilter(QID), lang="en").measures[0].table("summary")
    assert table.rows == [[2016, "March–April", 3, 100, 2810, 100 / 2810, 14, 1600, 14 / 1600,
                           8 / 35, 22 / 26, 9 / 50, 20]]


def test_the_report_in_the_workbook_and_in_swedish(filled, tmp_path):
    report = build_report(filled, ExportFilter(QID), lang="sv")
    assert report.measures[0].title == "Uppföljning för Kommunstyrelsen"
    path = tmp_path / "sthlm.xlsx"
    save_workbook(report, path)
    wb = load_workbook(path)
    assert wb.sheetnames[1:4] == ["Uppföljning för Kommunstyrelsen", "Utveckling per period", "Stadsdelar per period"]
    rows = sheet_rows(wb["Stadsdelar per period"])
    assert ("Januari–februari", "Stadsdelarna sammanlagt") == next(r[1:3] for r in rows if r[2] == "Stadsdelarna "
                                                                                                   "sammanlagt")


def test_demo_data_covers_2016_period_by_period_for_every_district_in_order(db):
    counts = make_demo(db, 14 * 4, seed=3, questionnaire_ids=[QID])
    rows = list(db.query("select * from submissions where questionnaire_id = ? order by created", [QID]))
    assert counts["complete"] + counts["draft"] == 56
    q = store.get_questionnaire(db, QID)
    seen = set()
    for row in rows:
        answers = json.loads(row["answers"])
        assert clean_answers(q, answers).ok
        assert row["municipality_code"] == "0180" and registry.district(row["district_code"]) is not None
        code = answers["period.period"]
        end = datetime.date(2016, 2 * int(code[1]), 28)
        assert datetime.date.fromisoformat(row["created"][:10]) > end, "filled in after the period"
        seen.add((row["district_code"], code))
    assert len(seen) == 56  # each district once in each of January-February to July-August
    assert [json.loads(r["answers"])["period.period"] for r in rows] == sorted(
        json.loads(r["answers"])["period.period"] for r in rows)
