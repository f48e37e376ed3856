"""The reports page's table options: grouping, a cross-table, small numbers hidden, the whole country beside a
county user's county."""

from __future__ import annotations

import io
import shutil

import pytest
from openpyxl import load_workbook

from fieldkit import config
from forms import registry
from fieldkit.app import create_app

from central_helpers import IN_COUNTY, OTHER_COUNTY, answers_for, logged_in, make_submission
from test_exports_web import fetch_workbook, follow_job


@pytest.fixture(scope="module")
def field_app(rich_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("reports-tables") / "fieldkit.db"
    shutil.copyfile(rich_template, path)
    config.ensure_secret_key(path.parent)
    return create_app({"DB": str(path), "TESTING": True, "WTF_CSRF_ENABLED": False})


def main_of(response) -> str:
    return response.get_data(as_text=True).split("<main", 1)[1]


def test_the_page_groups_by_a_question_and_shows_the_cross_table_with_small_numbers_hidden(field_app):
    client = field_app.test_client()
    main = main_of(client.get("/rapporter/testenkat?grupp=bas.samarbete&kors=bas.storlek&kors=betyg.af&minsta=5"))
    assert '<option value="bas.samarbete" selected>' in main
    assert '<th scope="col">Samarbetar ni med bostadsbolaget?</th>' in main  # the rows are its answers
    assert '<th scope="row">Ja</th>' in main and '<th scope="row">Ej besvarad</th>' in main
    assert "Vanligaste storleken × Hur fungerar samarbetet med AF?" in main
    assert "Små tal döljs: antal från 1 till 4 visas som &lt;5" in main
    assert "&lt;5" in main.split("Vanligaste storleken × Hur fungerar samarbetet med AF?", 1)[1]


def test_the_workbook_of_the_page_keeps_its_table_options(field_app):
    client = field_app.test_client()
    data, _pages = fetch_workbook(client, "/rapporter/testenkat/xlsx",
                                  {"status": "complete", "kors": ["bas.storlek", "betyg.af"], "minsta": "5"})
    book = load_workbook(io.BytesIO(data))
    assert "Korstabell" in book.sheetnames


def test_an_unknown_grouping_is_refused_with_the_valid_ones(field_app):
    response = field_app.test_client().get("/rapporter/testenkat?grupp=bas.kostnad")
    assert response.status_code == 400
    assert ("kan inte gruppera eller korstabulera efter &#39;bas.kostnad&#39;: det är ingen val-, års- eller "
            "datumfråga i testenkat; giltiga val: bas.samarbete, bas.storlek") in main_of(response)
    assert field_app.test_client().get("/rapporter/testenkat?minsta=fem").status_code == 400


def test_a_county_user_sees_the_whole_country_beside_their_county_and_no_other_county(central_app, cdb):
    answers = answers_for(cdb, "kub-webbenkat", IN_COUNTY)
    make_submission(cdb, municipality=IN_COUNTY, answers=answers)
    make_submission(cdb, municipality=OTHER_COUNTY, answers=answers_for(cdb, "kub-webbenkat", OTHER_COUNTY),
                    interviewer="inez")
    main = main_of(logged_in(central_app, "county").get("/rapporter/kub-webbenkat"))
    assert "Stockholms län" not in main and "Stockholm" not in main
    assert main.count('<tr class="rep-total">\n      <th scope="row">Hela landet</th>') >= 10
    assert "”Hela landet”: alla läns inlämningar under samma period, för jämförelse." in main


def test_a_county_user_naming_another_countys_municipality_gets_it_dropped(central_app, cdb):
    make_submission(cdb, municipality=IN_COUNTY, answers=answers_for(cdb, "kub-webbenkat", IN_COUNTY))
    client = logged_in(central_app, "county")
    main = main_of(client.get(f"/rapporter/kub-webbenkat?kommun={OTHER_COUNTY}&kommun={IN_COUNTY}"))
    own, other = registry.municipality(IN_COUNTY).name, registry.municipality(OTHER_COUNTY).name
    assert own in main and other not in main


def test_a_county_users_download_is_named_after_the_filter_actually_applied(central_app, cdb):
    make_submission(cdb, municipality=IN_COUNTY, answers=answers_for(cdb, "kub-webbenkat", IN_COUNTY))
    client = logged_in(central_app, "county")
    started = client.post("/rapporter/kub-webbenkat/xlsx", data={"lan": "01", "kommun": "0181"})
    job_url = started.headers["Location"]
    follow_job(client, job_url)
    page = client.get(job_url).get_data(as_text=True)
    assert "kub-webbenkat-lan-24.xlsx" in page and "0181" not in page  # neither the name nor the back link
    with client.get(job_url + "/fil") as download:
        assert 'filename=kub-webbenkat-lan-24.xlsx' in download.headers["Content-Disposition"]
    csv_file = client.get("/rapporter/kub-webbenkat/csv?lan=01&kommun=0181")
    assert "kommun" not in csv_file.headers["Content-Disposition"]
    assert "lan-24" in csv_file.headers["Content-Disposition"]


def test_when_every_municipality_in_the_frame_answered_the_page_says_so_without_an_empty_disclosure(central_app, cdb):
    make_submission(cdb, municipality=IN_COUNTY, answers=answers_for(cdb, "kub-webbenkat", IN_COUNTY))
    client = logged_in(central_app, "evaluator")
    main = main_of(client.get(f"/rapporter/kub-webbenkat?kommun={IN_COUNTY}"))
    assert "Alla kommuner i urvalsramen har svarat." in main
    assert "0 kommuner" not in main and '<details class="rep-missing"' not in main
    client.get("/sprak/en")
    main = main_of(client.get(f"/rapporter/kub-webbenkat?kommun={IN_COUNTY}"))
    assert "Every municipality in the frame has answered." in main and "0 municipalities" not in main
    some_missing = main_of(client.get("/rapporter/kub-webbenkat?lan=24"))  # the county's other 14 have not
    assert '<details class="rep-missing"' in some_missing and "14 municipalities in the frame have not" in some_missing
