"""`sync pull` brings the central's head of the laptop's own interviews: a resolved conflict reaches the laptop."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from fieldkit.cli import main
from sync import catalog, client, conflicts, lineage, records, store
from sync.errors import SyncError, TransferError

from central_helpers import answers_for
from sync_helpers import copy_submission, edit

MUNICIPALITY = "2480"


@pytest.fixture
def anna(tmp_path, central, server, make_laptop):
    db = make_laptop(tmp_path / "anna.db", central, "anna", url=server.url)
    yield db
    db.conn.close()


@pytest.fixture
def bertil(tmp_path, central, server, make_laptop):
    db = make_laptop(tmp_path / "bertil.db", central, "bertil", url=server.url)
    yield db
    db.conn.close()


@pytest.fixture
def resolved(anna, bertil, central):
    """An interview of Anna's that Bertil edited too; both pushed, and the evaluator merged the two on the central.

    Anna's proposal is kept, Bertil's rating is taken.
    """
    answers = answers_for(anna)
    sid = store.create_submission(anna, "kub-webbenkat", MUNICIPALITY)
    store.complete_submission(anna, sid, answers)
    client.push(anna)
    copy_submission(anna, bertil, sid)
    rating = "mycket_bra" if answers["samarbete.lansstyrelsen"] != "mycket_bra" else "ganska_bra"
    edit(anna, sid, {"forslag.effektivisering": "Annas förslag"}, author="Anna")
    edit(bertil, sid, {"samarbete.lansstyrelsen": rating, "forslag.effektivisering": "Bertils förslag"},
         author="Bertil")
    assert client.push(anna).counts["updated"] == 1
    assert client.push(bertil).counts["conflicts"] == 1
    (conflict,) = conflicts.open_for(central, sid)
    merge = conflicts.resolve(central, sid, conflict["id"], {
        "forslag.effektivisering": conflicts.HEAD, "samarbete.lansstyrelsen": conflicts.OTHER}, actor="eva")
    return {"sid": sid, "merge": merge, "rating": rating, "bertils": conflict["other_revision"]}


def head(db, sid):
    return store.get_submission(db, sid).head_revision


def test_pull_brings_the_merge_and_the_next_edit_opens_no_conflict(anna, central, resolved):
    sid, merge = resolved["sid"], resolved["merge"]
    report = client.pull(anna)
    assert report.heads.updated == [sid]
    assert (report.heads.kept_edit, report.heads.kept_draft, report.heads.skipped) == ([], [], [])
    assert report.heads.stored == 2  # Bertil's edit and the merge
    sub = store.get_submission(anna, sid)
    assert sub.head_revision == merge["id"] and sub.revision == merge["number"]
    assert sub.answers["forslag.effektivisering"] == "Annas förslag"
    assert sub.answers["samarbete.lansstyrelsen"] == resolved["rating"]
    assert sub.content_hash == merge["content_hash"]
    assert records.count_unacknowledged(anna) == 0, "pulled revisions are never sent back"

    edited = edit(anna, sid, {"forslag.effektivisering": "Annas nya förslag"})
    assert edited["parent_id"] == merge["id"]
    pushed = client.push(anna)
    assert pushed.sent == 1
    assert pushed.counts == {"new": 0, "updated": 1, "unchanged": 0, "conflicts": 0, "rejected": 0}
    assert head(central, sid) == edited["id"]
    assert conflicts.open_for(central, sid) == []
    assert not store.get_submission(central, sid).conflict


def test_a_second_pull_fetches_nothing_and_changes_nothing(anna, resolved):
    client.pull(anna)
    before = list(anna.conn.iterdump())
    again = client.pull(anna)
    assert again.heads == catalog.HeadsReport()
    after = [line for line in anna.conn.iterdump() if "sync_events" not in line]
    assert after == [line for line in before if "sync_events" not in line]


def test_the_other_laptop_gets_the_merge_too(bertil, resolved):
    report = client.pull(bertil)
    assert report.heads.updated == [resolved["sid"]]
    assert report.heads.stored == 2  # Anna's edit and the merge: Bertil has his own edit and the base
    assert head(bertil, resolved["sid"]) == resolved["merge"]["id"]


def test_a_laptop_with_an_unsent_edit_keeps_it_and_the_next_push_opens_the_conflict(anna, central, resolved):
    sid, merge = resolved["sid"], resolved["merge"]
    local = edit(anna, sid, {"forslag.effektivisering": "Skrivet före hämtningen"})
    report = client.pull(anna)
    assert report.heads.kept_edit == [sid] and report.heads.updated == []
    sub = store.get_submission(anna, sid)
    assert sub.head_revision == local["id"]
    assert sub.answers["forslag.effektivisering"] == "Skrivet före hämtningen"
    assert anna.execute("select 1 from revisions where id = ?", [merge["id"]]).fetchone(), "the merge is stored"
    assert records.count_unacknowledged(anna) == 1  # only the local edit waits

    pushed = client.push(anna)
    assert pushed.sent == 1 and pushed.counts["conflicts"] == 1
    (conflict,) = conflicts.open_for(central, sid)
    assert (conflict["head_revision"], conflict["other_revision"]) == (merge["id"], local["id"])


def test_an_edit_in_progress_is_kept_and_the_head_moves_once_it_is_discarded(anna, resolved):
    sid, merge = resolved["sid"], resolved["merge"]
    before = head(anna, sid)
    store.reopen_submission(anna, sid)
    store.save_draft(anna, sid, {"forslag.effektivisering": "halvskrivet"}, None)
    report = client.pull(anna)
    assert report.heads.kept_draft == [sid] and report.heads.updated == []
    sub = store.get_submission(anna, sid)
    assert sub.head_revision == before and sub.draft["raw"] == {"forslag.effektivisering": "halvskrivet"}

    store.discard_draft(anna, sid)
    again = client.pull(anna)
    assert again.heads.updated == [sid] and again.heads.stored == 0
    assert head(anna, sid) == merge["id"]


def test_an_evaluators_edit_on_the_central_reaches_the_laptop(anna, central):
    sid = store.create_submission(anna, "kub-webbenkat", MUNICIPALITY)
    store.complete_submission(anna, sid, answers_for(anna))
    client.push(anna)
    corrected = edit(central, sid, {"forslag.effektivisering": "Rättat av utvärderaren"}, author="eva")
    report = client.pull(anna)
    assert report.heads.updated == [sid] and report.heads.stored == 1
    assert store.get_submission(anna, sid).answers["forslag.effektivisering"] == "Rättat av utvärderaren"
    assert head(anna, sid) == corrected["id"]


def test_the_central_lists_and_serves_only_the_devices_own_interviews(anna, bertil, central, resolved):
    sid = resolved["sid"]
    other = store.create_submission(bertil, "kub-webbenkat", MUNICIPALITY)
    store.complete_submission(bertil, other, answers_for(bertil))
    client.push(bertil)
    anna_id = store.get_settings(anna)["sync_device_id"]
    assert [h["submission_uuid"] for h in catalog.device_heads(central, anna_id)] == [sid]
    served = catalog.head_revisions(central, anna_id, {sid: [], other: []})
    assert served["unknown"] == [other]
    assert served["heads"] == [{"submission_uuid": sid, "head_revision": resolved["merge"]["id"]}]
    assert {r["submission_uuid"] for r in served["revisions"]} == {sid}
    numbers = [r["number"] for r in served["revisions"]]
    assert numbers == sorted(numbers) and served["revisions"][-1]["id"] == resolved["merge"]["id"]
    assert len(served["revisions"]) == len(store.list_revisions(central, sid))


def test_a_malformed_heads_request_gets_400(anna):
    with pytest.raises(TransferError) as caught:
        client.Client.for_store(anna).call("POST", "/heads/revisions", b'{"submissions": [1, 2]}')
    assert str(caught.value) == ('the central refused the request (400): the request must be JSON: '
                                 '{"submissions": {submission uuid: [revision ids held]}}')


def test_a_revision_whose_content_does_not_match_its_hash_stores_nothing(anna, central, resolved):
    sid = resolved["sid"]
    anna_id = store.get_settings(anna)["sync_device_id"]
    held = [r["id"] for r in store.list_revisions(anna, sid)]
    served = catalog.head_revisions(central, anna_id, {sid: held})
    served["revisions"][-1]["answers"]["forslag.effektivisering"] = "ändrat på vägen"
    before = list(anna.conn.iterdump())
    with pytest.raises(SyncError, match="content hash"):
        catalog.apply_heads(anna, served["heads"], served["revisions"])
    assert list(anna.conn.iterdump()) == before


def test_sync_pull_says_how_many_interviews_were_updated_and_which_edits_were_kept(tmp_path, anna, resolved):
    sid = resolved["sid"]
    runner = CliRunner()
    local = edit(anna, sid, {"forslag.effektivisering": "Inte skickat än"})
    result = runner.invoke(main, ["--db", str(tmp_path / "anna.db"), "sync", "pull"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "questionnaire versions added: none",
        "registry: 0 municipalities added, 0 changed",
        "0 interviews updated from the central",
        f"  kept {sid}: this laptop has an edit the central does not have yet; the next push sends it and the "
        "central lists a conflict to resolve",
    ]
    assert head(anna, sid) == local["id"]


def test_sync_pull_reports_one_interview_updated(tmp_path, anna, central, resolved):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "anna.db"), "sync", "pull"])
    assert result.exit_code == 0, result.output
    assert "1 interview updated from the central" in result.stdout.splitlines()
    assert lineage.Lineage(anna).descends(head(anna, resolved["sid"]), resolved["bertils"])
