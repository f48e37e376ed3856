"""County users see their own county only, without personal answers, whatever the URL or parameters say."""

from __future__ import annotations

import re

from exports import ExportFilter, build_report
from sync import accounts, reviewing, store
from sync.selection import Selection

from central_helpers import IN_COUNTY, OTHER_COUNTY, answers_for, logged_in, make_submission

CONTACT = "smak-kontaktlogg"


def _contact(db, municipality, name):
    answers = answers_for(db, CONTACT, municipality)
    answers["kontakt.kontaktperson_namn"] = name
    return make_submission(db, municipality=municipality, questionnaire_id=CONTACT, answers=answers)


def test_the_county_list_shows_only_the_users_county_even_when_asked_for_another(central_app, cdb):
    mine = make_submission(cdb, municipality=IN_COUNTY)
    theirs = make_submission(cdb, municipality=OTHER_COUNTY, interviewer="inez")
    client = logged_in(central_app, "county")
    for query in ("", "?county=01", "?municipality=0180", "?county=01&municipality=0180", f"?q={theirs[:8]}"):
        page = client.get("/granskning/" + query).get_data(as_text=True)
        # sthlm-uppfoljning's title in the questionnaire filter names the city; nothing else may
        assert theirs not in page and not re.search("Stockholm(?!s stad: uppföljning)", page.split("<main")[1]), query
    assert mine in client.get("/granskning/").get_data(as_text=True)
    assert mine not in client.get("/granskning/?municipality=0180").get_data(as_text=True)


def test_another_countys_submission_by_url_is_404_and_leaks_nothing(central_app, cdb):
    theirs = make_submission(cdb, municipality=OTHER_COUNTY, interviewer="inez")
    client = logged_in(central_app, "county")
    for path in (f"/granskning/{theirs}", f"/granskning/{theirs}/historik", f"/s/{theirs}/sammanstallning"):
        response = client.get(path)
        assert response.status_code in (403, 404), path
        body = response.get_data(as_text=True)
        assert "Stockholm" not in body and "inez" not in body and "Kub" not in body, path
    unknown = client.get("/granskning/00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == client.get(f"/granskning/{theirs}").status_code == 404, \
        "an existing and a missing submission must look the same"


def test_a_county_user_never_sees_personal_answers(central_app, cdb):
    sid = _contact(cdb, IN_COUNTY, "Kerstin Hemligsson")
    client = logged_in(central_app, "county")
    page = client.get(f"/granskning/{sid}").get_data(as_text=True)
    assert "Kerstin Hemligsson" not in page and "Personuppgift – visas inte" in page
    history = client.get(f"/granskning/{sid}/historik").get_data(as_text=True)
    assert "Kerstin Hemligsson" not in history
    assert sid not in client.get("/granskning/?q=Hemligsson").get_data(as_text=True), "search must not be an oracle"
    evaluator = logged_in(central_app, "evaluator")
    assert "Kerstin Hemligsson" in evaluator.get(f"/granskning/{sid}").get_data(as_text=True)
    assert sid in evaluator.get("/granskning/?q=Hemligsson").get_data(as_text=True)


def test_the_scope_is_forced_in_the_query_layer(cdb):
    mine = make_submission(cdb, municipality=IN_COUNTY)
    theirs = make_submission(cdb, municipality=OTHER_COUNTY, interviewer="inez")
    scope = accounts.get_user(cdb, "lena").scope
    found = {r["uuid"] for r in reviewing.find(cdb, reviewing.ReviewFilter(county="01"), scope)}
    assert found == {mine}, "the user's county overrides the one asked for"
    asked_for_theirs = Selection(counties=("01",), municipalities=(OTHER_COUNTY, IN_COUNTY))
    assert {r["uuid"] for r in store.list_submissions(cdb, asked_for_theirs, scope)} == {mine}
    assert store.count_by_status(cdb, asked_for_theirs, scope) == {"draft": 0, "complete": 1}
    assert reviewing.count(cdb, reviewing.ReviewFilter(), scope) == 1
    report = build_report(cdb, ExportFilter("kub-webbenkat", counties=("01",)), scope=scope)
    assert report.filter.counties == ("24",) and list(report.frame["uuid"]) == [mine]
    assert report.response.groups[0].code == "24"
    try:
        accounts.scoped_submission(cdb, theirs, scope)
    except store.NotFound as exc:
        assert str(exc) == f"unknown submission {theirs}"
    else:
        raise AssertionError("out-of-scope submission was returned")


def test_county_users_cannot_change_anything(central_app, cdb):
    sid = make_submission(cdb, municipality=IN_COUNTY)
    client = logged_in(central_app, "county")
    assert client.post(f"/granskning/{sid}/granskad", data={"reviewed": "1"}).status_code == 403
    assert client.post(f"/granskning/{sid}/exkludera", data={"excluded": "1", "reason": "x"}).status_code == 403
    assert client.get(f"/granskning/{sid}/andra/samarbete").status_code == 403
    sub = store.get_submission(cdb, sid)
    assert not sub.reviewed and not sub.excluded
