"""Review pages: filter the list, correct answers with a comment, history, mark reviewed, exclude."""

from __future__ import annotations

from exports import ExportFilter, build_report
from sync import reviewing, store

from central_helpers import IN_COUNTY, OTHER_COUNTY, logged_in, make_submission

SECTION = "lok"


def _lok_form(answer: str, comment: str = "Rättat efter samtal med kommunen", *, base: str) -> dict[str, str]:
    """The correction form as the edit page posts it; `base` is the head revision the page showed."""
    return {"lok.har_lok": answer, "comment": comment, "base": base}


def _head(db, sid) -> str:
    return store.get_submission(db, sid).head_revision


def _flip(db, sid):
    return "ja" if store.get_submission(db, sid).answers.get("lok.har_lok") != "ja" else "nej"


def test_the_list_filters_by_every_field(central_app, cdb):
    umea = make_submission(cdb, municipality=IN_COUNTY)
    stockholm = make_submission(cdb, municipality=OTHER_COUNTY, interviewer="inez", seed=5)
    draft = make_submission(cdb, municipality="2481", complete=False)
    contact = make_submission(cdb, questionnaire_id="smak-kontaktlogg", seed=6)
    reviewing.set_reviewed(cdb, umea, True, actor="eva")
    reviewing.set_excluded(cdb, stockholm, True, actor="eva", reason="dubblett")
    cdb.execute("update submissions set conflict = 1 where uuid = ?", [contact])
    client = logged_in(central_app, "evaluator")

    def found(query):
        page = client.get("/granskning/?" + query).get_data(as_text=True)
        return {sid for sid in (umea, stockholm, draft, contact) if sid in page}

    assert found("") == {umea, stockholm, draft, contact}
    assert found("questionnaire=smak-kontaktlogg") == {contact}
    assert found("county=01") == {stockholm}
    assert found("municipality=2481") == {draft}
    assert found("status=draft") == {draft}
    assert found("reviewed=yes") == {umea}
    assert found("excluded=yes") == {stockholm}
    assert found("excluded=no&county=24") == {umea, draft, contact}
    assert found("conflict=yes") == {contact}
    assert found("q=Stockholm") == {stockholm}
    assert found("q=inez") == {stockholm}
    assert found("q=%25") == set(), "a % typed in the search is a character, not a wildcard"
    assert found("status=bogus&reviewed=maybe") == {umea, stockholm, draft, contact}


def test_an_edit_needs_a_comment_and_writes_a_new_revision_by_the_reviewer(central_app, cdb):
    sid = make_submission(cdb)
    before = store.get_submission(cdb, sid)
    answer = _flip(cdb, sid)
    client = logged_in(central_app, "evaluator")
    refused = client.post(f"/granskning/{sid}/andra/{SECTION}", data=_lok_form(answer, comment="  ", base=_head(cdb, sid)))
    assert refused.status_code == 422
    assert "Skriv en kommentar om varför svaren ändras." in refused.get_data(as_text=True)
    assert store.get_submission(cdb, sid).revision == 1
    assert client.post(f"/granskning/{sid}/andra/{SECTION}", data=_lok_form(answer, base=_head(cdb, sid))).status_code == 302
    after = store.get_submission(cdb, sid)
    assert after.revision == 2 and after.answers["lok.har_lok"] == answer
    newest = store.list_revisions(cdb, sid)[-1]
    assert (newest["author"], newest["comment"], newest["parent_id"]) == \
        ("eva", "Rättat efter samtal med kommunen", before.head_revision)
    assert {k: v for k, v in after.answers.items() if not k.startswith("lok.")} == \
        {k: v for k, v in before.answers.items() if not k.startswith("lok.")}


def test_an_invalid_edit_is_refused_and_nothing_is_written(central_app, cdb):
    sid = make_submission(cdb)
    client = logged_in(central_app, "evaluator")
    response = client.post(f"/granskning/{sid}/andra/{SECTION}", data=_lok_form("kanske", base=_head(cdb, sid)))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Rätta följande innan du går vidare:" in page and "Välj ett av alternativen." in page
    assert store.get_submission(cdb, sid).revision == 1


def test_an_edit_that_changes_nothing_writes_nothing(central_app, cdb):
    sid = make_submission(cdb)
    same = store.get_submission(cdb, sid).answers["lok.har_lok"]
    data = _lok_form(same, base=_head(cdb, sid))
    if same == "ja":
        data.update({k: v for k, v in store.get_submission(cdb, sid).answers.items() if k.startswith("lok.")})
    response = logged_in(central_app, "evaluator").post(f"/granskning/{sid}/andra/{SECTION}", data=data,
                                                         follow_redirects=True)
    assert "Inget ändrades" in response.get_data(as_text=True)
    assert store.get_submission(cdb, sid).revision == 1


def test_the_edit_page_shows_the_section_filled_in(central_app, cdb):
    sid = make_submission(cdb)
    page = logged_in(central_app, "admin").get(f"/granskning/{sid}/andra/{SECTION}").get_data(as_text=True)
    current = store.get_submission(cdb, sid).answers["lok.har_lok"]
    assert f'value="{current}" checked' in page
    assert 'name="comment"' in page


def test_a_draft_cannot_be_corrected_in_review(central_app, cdb):
    sid = make_submission(cdb, complete=False)
    response = logged_in(central_app, "evaluator").get(f"/granskning/{sid}/andra/{SECTION}")
    assert response.status_code == 302 and response.headers["Location"] == f"/granskning/{sid}"


def test_history_shows_revisions_side_by_side_with_what_changed(central_app, cdb):
    sid = make_submission(cdb)
    answer = _flip(cdb, sid)
    client = logged_in(central_app, "evaluator")
    client.post(f"/granskning/{sid}/andra/{SECTION}", data=_lok_form(answer, base=_head(cdb, sid)))
    page = client.get(f"/granskning/{sid}/historik").get_data(as_text=True)
    assert "Revidering 1" in page and "Revidering 2" in page and "Rättat efter samtal med kommunen" in page
    _opened, revisions, rows = reviewing.history(cdb, sid, reviewing.accounts.EVERYTHING)
    changed = [row["question"].id for row in rows if row["ever_changed"]]
    assert changed == ["lok.har_lok"]
    assert page.count('class="changed"') == 1


def test_mark_reviewed_and_unmark(central_app, cdb):
    sid = make_submission(cdb)
    client = logged_in(central_app, "evaluator")
    client.post(f"/granskning/{sid}/granskad", data={"reviewed": "1"})
    assert store.get_submission(cdb, sid).reviewed
    client.post(f"/granskning/{sid}/granskad", data={"reviewed": "0"})
    assert not store.get_submission(cdb, sid).reviewed


def test_exclusion_needs_a_reason_and_leaves_the_submission_out_of_exports(central_app, cdb):
    keep = make_submission(cdb)
    drop = make_submission(cdb, municipality="2481", seed=8)
    flt = ExportFilter("kub-webbenkat")
    assert build_report(cdb, flt).n == 2
    client = logged_in(central_app, "evaluator")
    refused = client.post(f"/granskning/{drop}/exkludera", data={"excluded": "1", "reason": " "}, follow_redirects=True)
    assert "Ange ett skäl till exkluderingen." in refused.get_data(as_text=True)
    assert not store.get_submission(cdb, drop).excluded
    client.post(f"/granskning/{drop}/exkludera", data={"excluded": "1", "reason": "Testintervju"})
    sub = store.get_submission(cdb, drop)
    assert sub.excluded and sub.exclude_reason == "Testintervju"
    assert build_report(cdb, flt).n == 1, "excluded submissions leave the exports"
    assert "Testintervju" in client.get(f"/granskning/{drop}").get_data(as_text=True)
    assert store.get_submission(cdb, keep).answers, "it stays in the store"
    client.post(f"/granskning/{drop}/exkludera", data={"excluded": "0"})
    assert not store.get_submission(cdb, drop).excluded and build_report(cdb, flt).n == 2


def test_a_correction_keeps_an_interviewers_edit_in_progress(cdb):
    sid = make_submission(cdb)
    store.reopen_submission(cdb, sid)
    answers = dict(store.get_submission(cdb, sid).answers, **{"lok.har_lok": "vet_ej"})
    reviewing.edit_answers(cdb, sid, answers, actor="eva", comment="rättning")
    assert store.get_submission(cdb, sid).draft is not None


def test_a_correction_of_an_older_revision_is_refused_and_keeps_the_newer_one(central_app, cdb):
    sid = make_submission(cdb)
    client = logged_in(central_app, "evaluator")
    seen = _head(cdb, sid)  # the head when the evaluator opened the edit page
    newer = dict(store.get_submission(cdb, sid).answers, **{"forslag.effektivisering": "Rättat på laptopen"})
    store.reopen_submission(cdb, sid)
    store.complete_submission(cdb, sid, newer)  # e.g. arrived by sync meanwhile
    response = client.post(f"/granskning/{sid}/andra/{SECTION}", data=_lok_form(_flip(cdb, sid), base=seen),
                           follow_redirects=True)
    assert "Intervjun fick en nyare revidering medan du ändrade den" in response.get_data(as_text=True)
    sub = store.get_submission(cdb, sid)
    assert sub.revision == 2 and sub.answers["forslag.effektivisering"] == "Rättat på laptopen"


def test_a_correction_without_the_revision_it_started_from_is_refused(central_app, cdb):
    sid = make_submission(cdb)
    data = _lok_form(_flip(cdb, sid), base="")
    logged_in(central_app, "evaluator").post(f"/granskning/{sid}/andra/{SECTION}", data=data)
    assert store.get_submission(cdb, sid).revision == 1
