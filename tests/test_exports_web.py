"""The reports pages: filters, SVG charts and tables, downloads (CSV streamed, workbook built in the background)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import time

import pytest
from openpyxl import load_workbook

from sync import demo, store
from fieldkit import config
from fieldkit.app import create_app

from central_helpers import IN_COUNTY, OTHER_COUNTY, answers_for, logged_in, make_submission
from exports_helpers import data_records


@pytest.fixture(scope="module")
def field_app(rich_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("reports") / "fieldkit.db"
    shutil.copyfile(rich_template, path)
    config.ensure_secret_key(path.parent)
    return create_app({"DB": str(path), "TESTING": True, "WTF_CSRF_ENABLED": False})


@pytest.fixture
def client(field_app):
    return field_app.test_client()


def follow_job(client, job_url: str, timeout: float = 60):
    """Follow a workbook job's progress page until the file is served; returns (bytes, pages seen)."""
    pages = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        page = client.get(job_url)
        pages.append(page.get_data(as_text=True))
        if 'http-equiv="refresh" content="0;url=' in pages[-1]:
            break
        assert 'http-equiv="refresh" content="1"' in pages[-1], pages[-1]
        time.sleep(0.1)
    with client.get(job_url + "/fil") as download:
        assert download.status_code == 200
        assert download.headers["Content-Type"].startswith("application/vnd.openxmlformats")
        return download.data, pages


def fetch_workbook(client, url: str, data: dict, timeout: float = 60):
    """Start a workbook job and follow it to its file."""
    started = client.post(url, data=data)
    assert started.status_code == 303, started.data
    return follow_job(client, started.headers["Location"], timeout)


def test_the_index_lists_every_questionnaire_with_its_completed_count(client):
    page = client.get("/rapporter/").get_data(as_text=True)
    assert "Testenkät om bosättning" in page and 'href="/rapporter/testenkat"' in page
    assert "kub-webbenkat" in page
    assert 'href="/rapporter/"' in client.get("/").get_data(as_text=True), "the nav links to the reports"


def test_the_report_page_for_a_county_shows_charts_and_tables_for_that_county(client):
    response = client.get("/rapporter/testenkat?lan=24")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    main = page.split("<main", 1)[1]
    assert "Västerbottens län" in main and "Stockholms län</th>" not in main
    assert main.count("<svg") >= 6 and main.count('<table class="table rep-table">') >= 10
    for title in ("Samarbetar ni med bostadsbolaget?", "Hur fungerar samarbetet med AF?", "Hur stora är hindren?",
                  "Vilka kanaler används?", "Hur många lägenheter per år?", "Övriga kommentarer"):
        assert title in main, title
    assert "Svarsfrekvens" in main and "reports.css" in page
    assert 'style="' not in page and "<script>" not in page, "the CSP forbids inline styles and scripts"


def test_chart_and_table_text_is_escaped(client):
    page = client.get("/rapporter/testenkat?lan=24").get_data(as_text=True)
    assert "<b>&amp; å ä ö</b>" not in page


def test_unknown_codes_give_a_400_page_that_lists_the_valid_choices(client):
    response = client.get("/rapporter/testenkat?lan=99")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "okänd länskod &#39;99&#39;; giltiga val: 01 (Stockholms län)" in page
    response = client.get("/rapporter/testenkat?kommun=9999&lan=24")
    assert "giltiga val i 24: 2401 (Nordmaling)" in response.get_data(as_text=True)
    assert client.get("/rapporter/testenkat?from=igår").status_code == 400
    assert client.get("/rapporter/finns-inte").status_code == 404


def test_a_filter_matching_nothing_says_so(client):
    page = client.get("/rapporter/testenkat?kommun=0980&from=2030-01-01").get_data(as_text=True)
    assert "Antal intervjuer: 0" in page and "Inga inlämningar matchar urvalet." in page


def test_csv_downloads_have_a_bom_the_separator_and_the_filter(client):
    response = client.get("/rapporter/testenkat/csv?lan=24&sep=;")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="testenkat-lan-24-bred.csv"'
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Inlämning", "Version", "Status", "Länskod", "Län"]
    assert len(rows) > 2 and {r[3] for r in rows[1:]} == {"24"}
    long_rows = list(csv.reader(io.StringIO(client.get("/rapporter/testenkat/csv?lan=24&form=long")
                                            .data.decode("utf-8-sig"))))
    assert long_rows[0][-4:] == ["Fråge-id", "Kolumn-id", "Kod", "Svar"]
    assert {r[1] for r in rows[1:]} <= {"1", "2"} and len(long_rows) > len(rows)


def test_the_workbook_is_built_in_the_background_for_the_same_filter(client):
    data, pages = fetch_workbook(client, "/rapporter/testenkat/xlsx", {"lan": "24", "status": "complete"})
    wb = load_workbook(io.BytesIO(data))
    records = data_records(wb["Data"])
    assert records and {r["Länskod"] for r in records} == {"24"}
    assert {r["Status"] for r in records} == {"Slutförd"}
    assert "Excel-arbetsboken är klar" in pages[-1] and "byggs" not in pages[-1]
    assert "testenkat-lan-24.xlsx" in pages[-1]


def test_another_users_job_is_not_found(field_app, client):
    started = client.post("/rapporter/testenkat/xlsx", data={"lan": "24"})
    job_id = started.headers["Location"].rsplit("/", 1)[1]
    runner = field_app.extensions["fieldkit_export_jobs"]
    runner.jobs[job_id].owner = "someone else"
    assert client.get(f"/rapporter/jobb/{job_id}").status_code == 404
    assert client.get(f"/rapporter/jobb/{job_id}/fil").status_code == 404
    assert client.get("/rapporter/jobb/not-a-job").status_code == 404


@pytest.fixture(scope="module")
def big_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "fieldkit.db"
    db = store.open_db(path)
    store.init_store(db)
    demo.make_demo(db, 10_000, 1, ["kub-webbenkat"])
    db.conn.close()
    config.ensure_secret_key(path.parent)
    return create_app({"DB": str(path), "TESTING": True, "WTF_CSRF_ENABLED": False})


@pytest.mark.slow
def test_the_download_of_a_10000_submission_workbook_starts_within_two_seconds(big_app):
    client = big_app.test_client()
    started = time.perf_counter()
    response = client.post("/rapporter/kub-webbenkat/xlsx", data={"status": "complete"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert time.perf_counter() - started < 2.0
    assert "%" in page and "<progress" in page
    data, _pages = follow_job(client, response.headers["Location"], timeout=120)
    assert len(load_workbook(io.BytesIO(data), read_only=True)["Data"]["A1":"A3"]) == 3


# -- the central server ----------------------------------------------------------

def test_a_county_user_sees_only_their_county_in_reports_and_downloads(central_app, cdb):
    mine = make_submission(cdb, municipality=IN_COUNTY)
    theirs = make_submission(cdb, municipality=OTHER_COUNTY, interviewer="inez")
    client = logged_in(central_app, "county")
    for query in ("", "?lan=01", "?lan=01&kommun=0180"):
        page = client.get("/rapporter/kub-webbenkat" + query).get_data(as_text=True)
        assert "Stockholms län" not in page.split("<main", 1)[1], query
    wide = client.get("/rapporter/kub-webbenkat/csv?lan=01").data.decode("utf-8-sig")
    assert mine in wide and theirs not in wide
    data, _ = fetch_workbook(client, "/rapporter/kub-webbenkat/xlsx", {"lan": "01"})
    assert {r["Inlämning"] for r in data_records(load_workbook(io.BytesIO(data))["Data"])} == {mine}


def test_a_county_user_gets_no_personal_answers_in_reports(central_app, cdb):
    answers = answers_for(cdb, "smak-kontaktlogg", IN_COUNTY)
    answers["kontakt.kontaktperson_namn"] = "Kerstin Hemligsson"
    make_submission(cdb, municipality=IN_COUNTY, questionnaire_id="smak-kontaktlogg", answers=answers)
    county = logged_in(central_app, "county")
    for url in ("/rapporter/smak-kontaktlogg", "/rapporter/smak-kontaktlogg/csv",
                "/rapporter/smak-kontaktlogg/csv?form=long"):
        assert "Kerstin Hemligsson" not in county.get(url).get_data(as_text=True), url
    evaluator = logged_in(central_app, "evaluator")
    assert "Kerstin Hemligsson" not in evaluator.get("/rapporter/smak-kontaktlogg/csv").data.decode("utf-8-sig")
    assert "Kerstin Hemligsson" in evaluator.get("/rapporter/smak-kontaktlogg/csv?personal=1").data.decode("utf-8-sig")


def test_interviewers_and_anonymous_users_get_no_reports(central_app):
    anonymous = central_app.test_client()
    assert anonymous.get("/rapporter/").status_code == 302
    interviewer = logged_in(central_app, "interviewer")
    assert interviewer.get("/rapporter/kub-webbenkat").status_code == 403
    assert interviewer.get("/rapporter/kub-webbenkat/csv").status_code == 403


def test_exports_are_written_to_the_audit_log(central_app, cdb):
    client = logged_in(central_app, "evaluator")
    client.get("/rapporter/kub-webbenkat/csv?lan=24")
    row = cdb.execute("select actor, action, target, details from audit_log where action = 'export' "
                      "order by id desc limit 1").fetchone()
    assert row[:3] == ("eva", "export", "kub-webbenkat")
    assert re.search(r'"counties":\["24"\]', row[3]) and '"format":"csv"' in row[3]
