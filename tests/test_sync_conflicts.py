"""Revision lineage on the central: edits replace the head, concurrent edits conflict, clocks never decide."""

from __future__ import annotations

import json
import uuid

import pytest
from click.testing import CliRunner

from sync import store
from fieldkit.cli import main
from sync import devices, lineage
from sync.bundle import write_bundle
from sync.ingest import ingest

from sync_helpers import copy_submission, edit, interview, record_texts, resign


@pytest.fixture
def central(tmp_path, make_central):
    db = make_central(tmp_path / "central.db")
    yield db
    db.conn.close()


@pytest.fixture
def anna(tmp_path, central, make_laptop):
    return make_laptop(tmp_path / "anna.db", central, "anna")


@pytest.fixture
def bertil(tmp_path, central, make_laptop):
    return make_laptop(tmp_path / "bertil.db", central, "bertil")


@pytest.fixture
def send(tmp_path, central):
    """Write a laptop's bundle and ingest it on the central; returns the ingest result."""
    made = []

    def send_(laptop):
        path = tmp_path / f"bundle-{len(made)}.fkb"
        made.append(path)
        return ingest(central, write_bundle(laptop, path).path)
    return send_


@pytest.fixture
def shared(anna, bertil, send):
    """An interview made on Anna's laptop, on the central, and copied to Bertil's laptop."""
    sid = interview(anna, {"lok.har_lok": "nej"})
    send(anna)
    copy_submission(anna, bertil, sid)
    return sid


def revision_of(db, sid, number):
    return next(db.query("select * from revisions where submission_uuid = ? and number = ?", [sid, number]))


def test_two_laptops_editing_the_same_interview_conflict_and_both_edits_are_kept(central, anna, bertil, shared, send):
    sid = shared
    first = revision_of(anna, sid, 1)["id"]
    a2 = edit(anna, sid, {"lok.har_lok": "ja"})
    b2 = edit(bertil, sid, {"lok.har_lok": "vet_ej"})
    assert send(anna).counts["updated"] == 1
    result = send(bertil)
    assert result.counts == {"new": 0, "updated": 0, "unchanged": 1, "conflicts": 1, "rejected": 0}
    sub = store.get_submission(central, sid)
    assert sub.conflict and sub.head_revision == a2["id"] and sub.answers["lok.har_lok"] == "ja"
    held = {r["id"]: r for r in store.list_revisions(central, sid)}
    assert set(held) == {first, a2["id"], b2["id"]}
    assert held[b2["id"]]["answers"]["lok.har_lok"] == "vet_ej"
    (conflict,) = lineage.list_conflicts(central)
    assert (conflict["base_revision"], conflict["head_revision"], conflict["other_revision"]) == \
        (first, a2["id"], b2["id"])
    assert conflict["device_name"] == "bertil" and conflict["resolved_at"] is None


def test_the_other_arrival_order_keeps_both_too(central, anna, bertil, shared, send):
    a2 = edit(anna, shared, {"lok.har_lok": "ja"})
    b2 = edit(bertil, shared, {"lok.har_lok": "vet_ej"})
    send(bertil)
    send(anna)
    sub = store.get_submission(central, shared)
    assert sub.conflict and sub.head_revision == b2["id"]
    (conflict,) = lineage.list_conflicts(central)
    assert conflict["other_revision"] == a2["id"]


def test_an_edit_on_the_laptop_after_an_edit_on_the_central_is_a_conflict(central, anna, send):
    sid = interview(anna)
    send(anna)
    evaluator = edit(central, sid, {"lok.har_lok": "ja"}, author="Utvärderare")
    mine = edit(anna, sid, {"lok.har_lok": "vet_ej"})
    result = send(anna)
    assert result.counts["conflicts"] == 1
    sub = store.get_submission(central, sid)
    assert sub.head_revision == evaluator["id"] and sub.conflict
    assert lineage.list_conflicts(central)[0]["other_revision"] == mine["id"]


def test_editing_further_on_the_conflicting_branch_extends_the_same_conflict(central, anna, bertil, shared, send):
    edit(anna, shared, {"lok.har_lok": "ja"})
    edit(bertil, shared, {"lok.har_lok": "vet_ej"})
    send(anna)
    send(bertil)
    b3 = edit(bertil, shared, {"forslag.effektivisering": "Mer samverkan"})
    assert send(bertil).counts["conflicts"] == 1
    (conflict,) = lineage.list_conflicts(central)
    assert conflict["other_revision"] == b3["id"]


def test_a_revision_that_merges_both_branches_resolves_the_conflict(central, anna, bertil, shared, send):
    a2 = edit(anna, shared, {"lok.har_lok": "ja"})
    b2 = edit(bertil, shared, {"lok.har_lok": "vet_ej"})
    send(anna)
    send(bertil)
    # Bertil receives Anna's edit and merges both into one revision (as the review work will do).
    bertil["revisions"].insert(next(anna.query("select * from revisions where id = ?", [a2["id"]])))
    answers = {"lok.har_lok": "ja"}
    merge = {"id": str(uuid.uuid4()), "submission_uuid": shared, "number": 3, "parent_id": a2["id"],
             "merge_parent_id": b2["id"], "questionnaire_id": "kub-webbenkat", "questionnaire_version": a2["questionnaire_version"],
             "municipality_code": a2["municipality_code"], "status": "complete", "answers": store.canonical_json(answers),
             "content_hash": store.revision_hash(shared, "kub-webbenkat", a2["questionnaire_version"],
                                                 a2["municipality_code"], answers,
                                                 a2["id"], b2["id"]),
             "device_id": "bertil", "author": "Bertil", "created": store.now(), "comment": "merged"}
    bertil["revisions"].insert(merge)
    result = send(bertil)
    assert result.counts["updated"] == 1
    sub = store.get_submission(central, shared)
    assert sub.head_revision == merge["id"] and not sub.conflict
    assert lineage.list_conflicts(central) == []
    (resolved,) = lineage.list_conflicts(central, include_resolved=True)
    assert resolved["resolution_revision"] == merge["id"]


def test_clock_skew_does_not_change_which_revision_wins(central, anna, send, monkeypatch):
    # Anna's laptop clock runs years ahead when she interviews, then is set back before her edit.
    monkeypatch.setattr(store, "now", lambda: "2031-06-01T10:00:00.000+00:00")
    sid = interview(anna, {"lok.har_lok": "nej"})
    monkeypatch.setattr(store, "now", lambda: "2009-01-01T10:00:00.000+00:00")
    later = edit(anna, sid, {"lok.har_lok": "ja"})
    monkeypatch.undo()
    send(anna)
    sub = store.get_submission(central, sid)
    assert sub.head_revision == later["id"] and sub.answers["lok.har_lok"] == "ja" and not sub.conflict
    # The central's edit, stamped before everything, still follows the laptop's by lineage.
    monkeypatch.setattr(store, "now", lambda: "1999-12-31T23:59:00.000+00:00")
    evaluator = edit(central, sid, {"lok.har_lok": "vet_ej"})
    monkeypatch.undo()
    assert store.get_submission(central, sid).head_revision == evaluator["id"]
    assert [r["number"] for r in store.list_revisions(central, sid)] == [1, 2, 3]


def test_a_late_clock_cannot_overwrite_a_newer_head(central, anna, bertil, shared, send, monkeypatch):
    monkeypatch.setattr(store, "now", lambda: "2001-01-01T00:00:00.000+00:00")
    a2 = edit(anna, shared, {"lok.har_lok": "ja"})
    monkeypatch.setattr(store, "now", lambda: "2099-01-01T00:00:00.000+00:00")
    edit(bertil, shared, {"lok.har_lok": "vet_ej"})
    monkeypatch.undo()
    send(anna)
    send(bertil)
    sub = store.get_submission(central, shared)
    assert sub.head_revision == a2["id"] and sub.conflict


def test_children_before_parents_in_a_bundle_are_put_in_lineage_order(tmp_path, central, anna):
    sid = interview(anna)
    second = edit(anna, sid, {"lok.har_lok": "ja"})
    third = edit(anna, sid, {"lok.har_lok": "vet_ej"})
    path = write_bundle(anna, tmp_path / "a.fkb").path
    texts = record_texts(path)
    reordered = [texts[0]] + list(reversed(texts[1:]))
    assert json.loads(reordered[1])["id"] == third["id"]
    ident = devices.identity(anna)
    result = ingest(central, resign(path, tmp_path / "reversed.fkb", ident.device_id, ident.key, texts=reordered))
    assert result.counts["new"] == 1 and result.counts["updated"] == 2 and result.counts["rejected"] == 0
    sub = store.get_submission(central, sid)
    assert sub.head_revision == third["id"] and sub.revision == 3 and not sub.conflict
    assert second["id"] in {r["id"] for r in store.list_revisions(central, sid)}


def test_conflicts_command_lists_them(tmp_path, central, anna, bertil, shared, send):
    edit(anna, shared, {"lok.har_lok": "ja"})
    edit(bertil, shared, {"lok.har_lok": "vet_ej"})
    send(anna)
    send(bertil)
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "central.db"), "sync", "conflicts"])
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith(shared)]
    assert line.split("\t")[1:3] == ["kub-webbenkat", "2480"]
    assert "\tbertil\t" in line


def test_a_new_revision_or_conflict_from_a_laptop_clears_the_reviewed_mark(central, anna, bertil, shared, send):
    from sync import reviewing

    reviewing.set_reviewed(central, shared, True, actor="eva")
    edit(anna, shared, {"lok.har_lok": "ja"})
    send(anna)
    assert not store.get_submission(central, shared).reviewed, "the head moved: what was reviewed is gone"
    reviewing.set_reviewed(central, shared, True, actor="eva")
    edit(bertil, shared, {"lok.har_lok": "vet_ej"})
    send(bertil)
    sub = store.get_submission(central, shared)
    assert sub.conflict and not sub.reviewed, "a new conflict needs a new review"
    reviewing.set_reviewed(central, shared, True, actor="eva")
    send(anna)  # nothing new arrives: the mark stays
    assert store.get_submission(central, shared).reviewed


def test_the_central_dates_an_interview_by_its_revision_not_by_when_it_arrived(tmp_path, central, anna, send):
    from sync_helpers import demo_interviews

    demo_interviews(anna, 5, seed=4)  # interviews dated in the survey's own time (2013)
    send(anna)
    for row in central.query("select s.modified, r.created from submissions s "
                             "join revisions r on r.id = s.head_revision"):
        assert row["modified"] == row["created"] and row["modified"] < "2020"
