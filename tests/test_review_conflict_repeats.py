"""Resolving a sync conflict in a repeat instance by instance: matched by position, chosen per instance."""

from __future__ import annotations

import re

import pytest

from sync import audit, conflicts, store
from sync.bundle import write_bundle
from sync.ingest import ingest

from central_helpers import PASSWORD, logged_in
from exports_helpers import add_answers
from sync_helpers import copy_submission
from test_repeats import people_questionnaire
from test_repeats_sync_exports import person

ANNA = person("Anna", "chef", 51)
ANNA_OLDER = person("Anna", "chef", 52)
BO = person("Bo", "annan", vilken="IT")
CIA = person("Cia", "chef")


def repeat_conflict(db, folder, make_laptop, base, device_a, device_b):
    """An interview with the list `base` that device A changed to `device_a` and device B to `device_b`.

    A's revision reached the central `db` first, so it is the head and B's is the conflict's other side.
    """
    questionnaire = people_questionnaire(id="rep-konflikt")
    store.add_questionnaire(db, questionnaire)
    anna, bertil = make_laptop(folder / "a.db", db, "anna"), make_laptop(folder / "b.db", db, "bertil")
    for laptop in (anna, bertil):
        store.add_questionnaire(laptop, questionnaire)
    sid = add_answers(anna, questionnaire, "2480", {"s.kommun": "Umeå", "s.personer": base})
    ingest(db, write_bundle(anna, folder / "a0.fkb").path)
    copy_submission(anna, bertil, sid)
    for laptop, people, name in ((anna, device_a, "a1"), (bertil, device_b, "b1")):
        store.reopen_submission(laptop, sid)
        store.complete_submission(laptop, sid, {"s.kommun": "Umeå", "s.personer": people})
        ingest(db, write_bundle(laptop, folder / f"{name}.fkb").path)
        laptop.conn.close()
    (conflict,) = conflicts.open_for(db, sid)
    return sid, conflict


@pytest.fixture
def edited_and_added(cdb, tmp_path, make_laptop):
    """Device A edited instance 1 (Anna's age); device B added instance 3 (Cia)."""
    return repeat_conflict(cdb, tmp_path, make_laptop, [ANNA, BO], [ANNA_OLDER, BO], [ANNA, BO, CIA])


def _url(sid, conflict):
    return f"/granskning/{sid}/konflikt/{conflict['id']}"


def _checked(page: str, name: str) -> str | None:
    """The value of the checked radio button named `name`, as the page starts."""
    for tag in re.findall(r"<input [^>]*>", page):
        if f'name="{name}"' in tag and " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def test_the_page_shows_the_instances_side_by_side_with_each_side_s_change_suggested(central_app, edited_and_added):
    sid, conflict = edited_and_added
    page = logged_in(central_app, "evaluator").get(_url(sid, conflict)).get_data(as_text=True)
    rows = re.findall(r'<tr id="instance-s\.personer\[(\d)\]"', page)
    assert rows == ["1", "2", "3"]
    assert "Namn: Anna; Roll: chef; Ålder: 52" in page and "Namn: Cia; Roll: chef" in page
    assert "Samma i båda versionerna: Namn: Bo; Roll: annan; Vilken roll: IT" in page
    assert "Finns inte i den här versionen: utelämna den" in page
    assert 'name="choice-s.personer[2]"' not in page, "an instance alike on both sides needs no choice"
    assert _checked(page, "choice-s.personer") == "each"
    assert _checked(page, "choice-s.personer[1]") == "head"  # only A changed instance 1
    assert _checked(page, "choice-s.personer[3]") == "other"  # only B added instance 3


def test_choosing_per_instance_keeps_a_s_edit_and_b_s_new_instance(central_app, cdb, edited_and_added):
    sid, conflict = edited_and_added
    head_before = store.get_submission(cdb, sid).head_revision
    client = logged_in(central_app, "evaluator")
    response = client.post(_url(sid, conflict), data={
        "choice-s.personer": "each", "choice-s.personer[1]": "head", "choice-s.personer[3]": "other",
        "comment": "båda ändringarna"})
    assert response.status_code == 302
    expected = {"s.kommun": "Umeå", "s.personer": [ANNA_OLDER, BO, CIA]}
    sub = store.get_submission(cdb, sid)
    assert sub.answers == expected and not sub.conflict
    merge = store.list_revisions(cdb, sid)[-1]
    assert merge["answers"] == expected
    assert (merge["parent_id"], merge["merge_parent_id"]) == (head_before, conflict["other_revision"])
    entry = audit.entries(cdb, action="conflict_resolved")[0]
    assert entry["details"]["per_instance"] == {"s.personer": {"1": "head", "3": "other"}}
    assert entry["details"]["from_head"] == [] and entry["details"]["from_other"] == []


def test_choosing_the_other_way_takes_b_s_instance_1_and_leaves_out_instance_3(central_app, cdb, edited_and_added):
    sid, conflict = edited_and_added
    response = logged_in(central_app, "evaluator").post(_url(sid, conflict), data={
        "choice-s.personer": "each", "choice-s.personer[1]": "other", "choice-s.personer[3]": "head"})
    assert response.status_code == 302
    assert store.get_submission(cdb, sid).answers == {"s.kommun": "Umeå", "s.personer": [ANNA, BO]}


def test_the_whole_list_is_still_a_choice_and_overrides_the_instance_choices(central_app, cdb, edited_and_added):
    sid, conflict = edited_and_added
    response = logged_in(central_app, "evaluator").post(_url(sid, conflict), data={
        "choice-s.personer": "other", "choice-s.personer[1]": "head"})
    assert response.status_code == 302
    assert store.get_submission(cdb, sid).answers == {"s.kommun": "Umeå", "s.personer": [ANNA, BO, CIA]}
    assert audit.entries(cdb, action="conflict_resolved")[0]["details"]["from_other"] == ["s.personer"]


def test_an_instance_without_a_choice_is_named_and_nothing_is_saved(central_app, cdb, edited_and_added):
    sid, conflict = edited_and_added
    revisions = len(store.list_revisions(cdb, sid))
    response = logged_in(central_app, "evaluator").post(_url(sid, conflict), data={
        "choice-s.personer": "each", "choice-s.personer[1]": "head"})
    assert response.status_code == 422
    assert "Välj vilket svar som ska gälla för: Intervjuade: Person 3" in response.get_data(as_text=True)
    assert _checked(response.get_data(as_text=True), "choice-s.personer[1]") == "head", "the choice made is kept"
    assert store.get_submission(cdb, sid).conflict and len(store.list_revisions(cdb, sid)) == revisions


def test_the_merged_list_is_cleaned_like_any_merge(central_app, cdb, tmp_path, make_laptop):
    """A edited the only person, B removed her; leaving her out breaks the repeat's `min: 1`."""
    sid, conflict = repeat_conflict(cdb, tmp_path, make_laptop, [ANNA], [ANNA_OLDER], [])
    client = logged_in(central_app, "evaluator")
    page = client.get(_url(sid, conflict)).get_data(as_text=True)
    assert _checked(page, "choice-s.personer[1]") is None, "both sides changed instance 1: no suggestion"
    response = client.post(_url(sid, conflict), data={"choice-s.personer": "each", "choice-s.personer[1]": "other"})
    assert response.status_code == 422
    assert "Intervjuade: lägg till minst 1 förekomst." in response.get_data(as_text=True)
    assert store.get_submission(cdb, sid).answers["s.personer"] == [ANNA_OLDER]
    response = client.post(_url(sid, conflict), data={"choice-s.personer": "each", "choice-s.personer[1]": "head"})
    assert response.status_code == 302
    assert store.get_submission(cdb, sid).answers == {"s.kommun": "Umeå", "s.personer": [ANNA_OLDER]}


def test_instances_that_moved_are_not_matched_by_position(central_app, cdb, tmp_path, make_laptop):
    """A removed the first person, so Bo is now first on A's side: only the whole list can be chosen."""
    sid, conflict = repeat_conflict(cdb, tmp_path, make_laptop, [ANNA, BO], [BO], [ANNA, BO, CIA])
    (diff,) = conflicts.sides(cdb, sid, conflict["id"]).differences
    assert diff.instances is None
    client = logged_in(central_app, "evaluator")
    page = client.get(_url(sid, conflict)).get_data(as_text=True)
    assert 'id="instance-' not in page and 'value="each"' not in page
    assert "förekomsterna kan inte paras ihop" in page
    response = client.post(_url(sid, conflict), data={"choice-s.personer": "each"})
    assert response.status_code == 422
    response = client.post(_url(sid, conflict), data={"choice-s.personer": "head"})
    assert response.status_code == 302
    assert store.get_submission(cdb, sid).answers["s.personer"] == [BO]


def test_only_evaluators_and_admins_open_the_repeat_conflict(central_app, edited_and_added):
    sid, conflict = edited_and_added
    data = {"choice-s.personer": "each", "choice-s.personer[1]": "head", "choice-s.personer[3]": "other"}
    for role in ("county", "interviewer"):
        client = logged_in(central_app, role)
        assert client.get(_url(sid, conflict)).status_code == 403
        assert client.post(_url(sid, conflict), data=data).status_code == 403
    assert central_app.test_client().post(_url(sid, conflict), data=data).status_code == 302  # to the login
    assert logged_in(central_app, "admin").get(_url(sid, conflict)).status_code == 200


def test_resolving_per_instance_needs_the_csrf_token(central_csrf_app, cdb, edited_and_added):
    sid, conflict = edited_and_added
    client = central_csrf_app.test_client()

    def token(url):
        return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)

    client.post("/logga-in", data={"name": "eva", "password": PASSWORD, "csrf_token": token("/logga-in")})
    data = {"choice-s.personer": "each", "choice-s.personer[1]": "head", "choice-s.personer[3]": "other"}
    assert client.post(_url(sid, conflict), data=data).status_code == 400
    assert client.post(_url(sid, conflict), data=dict(data, csrf_token="forged")).status_code == 400
    assert store.get_submission(cdb, sid).conflict
    response = client.post(_url(sid, conflict), data=dict(data, csrf_token=token(_url(sid, conflict))))
    assert response.status_code == 302
    assert store.get_submission(cdb, sid).answers["s.personer"] == [ANNA_OLDER, BO, CIA]
