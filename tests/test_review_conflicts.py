"""Resolving sync conflicts: only differing questions, a choice per question, a merge revision, audited."""

from __future__ import annotations

import html
import re

import pytest

from sync import audit, conflicts, reviewing, store
from sync import lineage

from central_helpers import logged_in, make_conflict, make_submission


@pytest.fixture
def conflicted(tmp_path, cdb, make_laptop):
    return make_conflict(cdb, tmp_path, make_laptop)


def test_the_conflict_screen_shows_only_the_questions_that_differ(central_app, cdb, conflicted):
    sid, conflict = conflicted["sid"], conflicted["conflict"]
    found = conflicts.sides(cdb, sid, conflict["id"])
    assert [d.qid for d in found.differences] == ["samarbete.lansstyrelsen", "lok.har_lok", "forslag.effektivisering"]
    suggested = {d.qid: d.suggested for d in found.differences}
    assert suggested == {"lok.har_lok": "head", "samarbete.lansstyrelsen": "other", "forslag.effektivisering": None}
    client = logged_in(central_app, "evaluator")
    show = client.get(f"/granskning/{sid}").get_data(as_text=True)
    assert f"/granskning/{sid}/konflikt/{conflict['id']}" in show
    page = client.get(f"/granskning/{sid}/konflikt/{conflict['id']}").get_data(as_text=True)
    assert page.count('<tr id="diff-') == 3
    assert "Annas förslag" in page and "Bertils förslag" in page
    assert "samarbete_bostader" not in page, "questions answered alike are not shown"


def test_resolving_writes_a_revision_with_both_parents_and_clears_the_conflict(central_app, cdb, conflicted):
    sid, conflict = conflicted["sid"], conflicted["conflict"]
    head_before = store.get_submission(cdb, sid).head_revision
    client = logged_in(central_app, "evaluator")
    response = client.post(f"/granskning/{sid}/konflikt/{conflict['id']}", data={
        "choice-lok.har_lok": "head", "choice-samarbete.lansstyrelsen": "other",
        "choice-forslag.effektivisering": "other", "comment": "Bertils förslag är det senaste"})
    assert response.status_code == 302
    sub = store.get_submission(cdb, sid)
    assert not sub.conflict
    assert sub.answers["lok.har_lok"] == "vet_ej"
    assert sub.answers["samarbete.lansstyrelsen"] == conflicted["rating"]
    assert sub.answers["forslag.effektivisering"] == "Bertils förslag"
    merge = store.list_revisions(cdb, sid)[-1]
    assert (merge["parent_id"], merge["merge_parent_id"]) == (head_before, conflict["other_revision"])
    assert merge["author"] == "eva" and merge["comment"] == "Bertils förslag är det senaste"
    assert merge["content_hash"] == store.revision_hash(sid, "kub-webbenkat", sub.questionnaire_version, "2480",
                                                        merge["answers"], head_before, conflict["other_revision"])
    (resolved,) = lineage.list_conflicts(cdb, include_resolved=True)
    assert resolved["resolution_revision"] == merge["id"] and resolved["resolved_at"]
    entry = audit.entries(cdb, action="conflict_resolved")[0]
    assert entry["actor"] == "eva" and entry["target"] == sid
    assert entry["details"]["from_other"] == ["samarbete.lansstyrelsen", "forslag.effektivisering"]
    assert entry["details"]["from_head"] == ["lok.har_lok"]


def test_every_differing_question_needs_a_choice(central_app, cdb, conflicted):
    sid, conflict = conflicted["sid"], conflicted["conflict"]
    client = logged_in(central_app, "evaluator")
    response = client.post(f"/granskning/{sid}/konflikt/{conflict['id']}", data={
        "choice-lok.har_lok": "head", "choice-samarbete.lansstyrelsen": "other"})
    assert response.status_code == 422
    assert "Välj vilket svar som ska gälla för: Har ni förslag på hur bosättningsprocessen kan effektiviseras?" \
        in response.get_data(as_text=True)
    assert store.get_submission(cdb, sid).conflict
    assert not audit.entries(cdb, action="conflict_resolved")


def test_a_correction_before_resolving_keeps_the_conflict_against_the_new_head(cdb, conflicted):
    sid, conflict = conflicted["sid"], conflicted["conflict"]
    sub = store.get_submission(cdb, sid)
    corrected = reviewing.edit_answers(cdb, sid, dict(sub.answers, **{"lok.har_lok": "ja"}),
                                       actor="eva", comment="kommunen har LÖK")
    assert store.get_submission(cdb, sid).conflict
    (still,) = conflicts.open_for(cdb, sid)
    assert still["head_revision"] == corrected["id"]
    choices = {d.qid: "head" for d in conflicts.sides(cdb, sid, still["id"]).differences}
    merge = conflicts.resolve(cdb, sid, still["id"], choices, actor="eva")
    assert merge["parent_id"] == corrected["id"] and not store.get_submission(cdb, sid).conflict


def test_only_evaluators_and_admins_resolve(central_app, conflicted):
    sid, conflict = conflicted["sid"], conflicted["conflict"]
    url = f"/granskning/{sid}/konflikt/{conflict['id']}"
    assert logged_in(central_app, "county").get(url).status_code == 403
    assert logged_in(central_app, "interviewer").get(url).status_code == 403
    assert logged_in(central_app, "admin").get(url).status_code == 200
    assert logged_in(central_app, "evaluator").get(f"/granskning/{sid}/konflikt/999").status_code == 404


def test_the_conflict_and_history_pages_name_the_device_of_each_side(central_app, cdb, conflicted):
    sid, conflict = conflicted["sid"], conflicted["conflict"]
    client = logged_in(central_app, "evaluator")
    page = client.get(f"/granskning/{sid}/konflikt/{conflict['id']}").get_data(as_text=True)
    assert "Anna (anna)," in page and "Bertil (bertil)," in page
    history = client.get(f"/granskning/{sid}/historik?alla=1").get_data(as_text=True)
    assert "· Anna · anna" in history and "· Bertil · bertil" in history


def test_after_resolving_the_pages_explain_why_there_are_more_revisions_than_the_newest_number(
        central_app, cdb, conflicted):
    """Anna's and Bertil's changes are both revision 2, so the merge is revision 3 of 4 revisions."""
    sid, conflict = conflicted["sid"], conflicted["conflict"]
    client = logged_in(central_app, "evaluator")
    before = html.unescape(client.get(f"/granskning/{sid}/konflikt/{conflict['id']}").get_data(as_text=True))
    assert "Nuvarande version<br><span class=\"muted\">Revidering 2 · Anna" in before
    assert "Den andra versionen<br><span class=\"muted\">Revidering 2 · Bertil" in before
    client.post(f"/granskning/{sid}/konflikt/{conflict['id']}", data={
        "choice-lok.har_lok": "head", "choice-samarbete.lansstyrelsen": "other",
        "choice-forslag.effektivisering": "other"})
    show = re.sub(r"\s+", " ", html.unescape(client.get(f"/granskning/{sid}").get_data(as_text=True)))
    assert "Revidering 3 ·" in show
    assert "Revideringshistorik (4)" not in show
    assert "4 revideringar, numrerade 1 till 3." in show
    assert "så mer än en revidering har nummer 2" in show
    history = re.sub(r"\s+", " ", html.unescape(client.get(f"/granskning/{sid}/historik").get_data(as_text=True)))
    heads = re.findall(r'<th scope="col" class="rev-head"> (Revidering \d+(?: <span class="badge">[^<]+</span>)*)', history)
    assert heads == ["Revidering 1", 'Revidering 2 <span class="badge">samtidig</span>',
                     'Revidering 2 <span class="badge">samtidig</span>',
                     'Revidering 3 <span class="badge">sammanslagning</span>']
    client.set_cookie("fieldkit_lang", "en")
    english = re.sub(r"\s+", " ", html.unescape(client.get(f"/granskning/{sid}").get_data(as_text=True)))
    assert "4 revisions, numbered 1 to 3." in english and "more than one revision has the number 2" in english


def test_without_a_conflict_the_count_and_the_number_agree(central_app, cdb):
    sid = make_submission(cdb)
    page = logged_in(central_app, "evaluator").get(f"/granskning/{sid}").get_data(as_text=True)
    assert "1 revidering." in page and "numrerade" not in page
