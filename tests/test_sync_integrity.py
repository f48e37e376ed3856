"""A revision must belong to its submission: the same questionnaire and municipality, whatever a device sends."""

from __future__ import annotations

from sync import store
from sync.bundle import write_bundle
from sync.ingest import ingest

from field_helpers import plausible_answers
from sync_helpers import interview


def test_a_revision_naming_another_questionnaire_or_municipality_is_rejected(tmp_path, make_central, make_laptop):
    central = make_central(tmp_path / "central.db")
    laptop = make_laptop(tmp_path / "laptop.db", central, "anna")
    sid = interview(laptop, plausible_answers(store.get_questionnaire(laptop, "kub-webbenkat")))
    assert ingest(central, write_bundle(laptop, tmp_path / "1.fkb").path).counts["new"] == 1
    before = store.get_submission(central, sid)

    # A buggy or hostile laptop sends a next revision that names another questionnaire and county.
    other = store.get_questionnaire(laptop, "smak-kostnader")
    laptop.execute("update submissions set questionnaire_id = ?, questionnaire_version = ?, municipality_code = ? "
                   "where uuid = ?", [other.id, other.version, "0180", sid])
    store.complete_submission(laptop, sid, {"kommentarer.kommentar": "främmande"})
    result = ingest(central, write_bundle(laptop, tmp_path / "2.fkb").path)

    assert result.counts["rejected"] == 1 and result.counts["updated"] == 0
    (_rid, reason), = result.rejected
    assert reason.endswith(f"but its submission {sid} is kub-webbenkat in municipality 2480")
    after = store.get_submission(central, sid)
    assert (after.head_revision, after.answers) == (before.head_revision, before.answers)
    assert len(store.list_revisions(central, sid)) == 1
