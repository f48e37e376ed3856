"""The store: migrations, versions of questionnaires, revisions, transactions."""

from __future__ import annotations

import pytest

from forms.loader import load_text
from sync import schema, store

SMALL = """
id: liten
version: "1"
title: {sv: Liten, en: Small}
sections:
  - id: a
    title: {sv: A, en: A}
    questions:
      - id: antal
        type: integer
        label: {sv: Antal, en: Number}
"""


def test_init_is_safe_to_run_twice(tmp_path):
    db = store.open_db(tmp_path / "s.db")
    first = store.init_store(db)
    second = store.init_store(db)
    assert first["migrations"] and not second["migrations"]
    assert set(second["questionnaires"].values()) == {"unchanged"}
    assert db["municipalities"].count == 290 and db["counties"].count == 21
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_older_store_is_upgraded_in_place(tmp_path):
    db = store.open_db(tmp_path / "s.db")
    db.execute("PRAGMA journal_mode=WAL")
    schema.store_migrations.apply(db)  # a store that has only the first set
    report = store.init_store(db)
    assert schema.applied(db) == schema.known()
    assert report["migrations"] == [schema.label(e) for e in schema.known() if e[0] != "store"]
    assert not schema.pending(db)


def test_newer_store_is_refused_with_a_clear_message(tmp_path):
    db = store.open_db(tmp_path / "s.db")
    store.init_store(db)
    db["_sqlite_migrations"].insert({"migration_set": "fieldkit", "name": "m999_from_the_future",
                                     "applied_at": "2030-01-01 00:00:00"})
    with pytest.raises(store.StoreError) as exc:
        store.init_store(db)
    assert str(exc.value) == (
        "this store was written by a newer fieldkit (unknown migrations: m999_from_the_future); "
        "upgrade fieldkit before opening it"
    )


def test_editing_a_published_version_in_place_is_refused(tmp_path):
    db = store.open_db(tmp_path / "s.db")
    store.init_store(db)
    original = load_text(SMALL).questionnaire
    assert store.add_questionnaire(db, original) == "added"
    assert store.add_questionnaire(db, load_text(SMALL).questionnaire) == "unchanged"
    edited = load_text(SMALL.replace("Antal, en", "Antal personer, en")).questionnaire
    with pytest.raises(store.VersionConflict) as exc:
        store.add_questionnaire(db, edited)
    assert "cannot be changed in place, bump the version" in str(exc.value)
    assert original.content_hash[:12] in str(exc.value) and edited.content_hash[:12] in str(exc.value)
    bumped = load_text(SMALL.replace('version: "1"', 'version: "2"').replace("Antal, en", "Antal personer, en")).questionnaire
    assert store.add_questionnaire(db, bumped) == "added"
    assert store.get_questionnaire(db, "liten").version == "2"
    assert store.get_questionnaire(db, "liten", "1").content_hash == original.content_hash


def test_every_revision_is_kept_with_its_parent(db):
    sid = store.create_submission(db, "smak-kostnader", "2480")
    first = store.complete_submission(db, sid, {"kommentarer.kommentar": "Första"})
    store.reopen_submission(db, sid)
    second = store.complete_submission(db, sid, {"kommentarer.kommentar": "Andra"})
    revisions = store.list_revisions(db, sid)
    assert [r["answers"]["kommentarer.kommentar"] for r in revisions] == ["Första", "Andra"]
    assert second["parent_id"] == first["id"] and first["parent_id"] is None
    sub = store.get_submission(db, sid)
    assert (sub.revision, sub.head_revision, sub.content_hash) == (2, second["id"], second["content_hash"])


def test_a_failed_write_leaves_nothing_behind(db):
    sid = store.create_submission(db, "smak-kostnader", "2480")
    with pytest.raises(RuntimeError):
        with store.transaction(db):
            store.complete_submission(db, sid, {"kommentarer.kommentar": "x"})
            raise RuntimeError("pulled cable")
    assert store.list_revisions(db, sid) == []
    assert store.get_submission(db, sid).status == "draft"


def test_unknown_municipality_is_refused(db):
    with pytest.raises(store.NotFound, match="unknown municipality code '9999'"):
        store.create_submission(db, "smak-kostnader", "9999")


def test_a_late_autosave_does_not_reopen_a_completed_submission(db):
    sid = store.create_submission(db, "smak-kostnader", "2480")
    store.complete_submission(db, sid, {"kommentarer.kommentar": "Klar"})
    with pytest.raises(store.NotEditable):
        store.save_draft(db, sid, {"kommentarer.kommentar": "sent efter"}, None)
    sub = store.get_submission(db, sid)
    assert sub.draft is None and sub.answers == {"kommentarer.kommentar": "Klar"}


def test_completion_refuses_answers_cleaned_from_an_older_save(db):
    sid = store.create_submission(db, "smak-kostnader", "2480")
    seen = store.save_draft(db, sid, {"kommentarer.kommentar": "första"}, None)["seq"]
    store.save_draft(db, sid, {"kommentarer.kommentar": "andra, sparad under tiden"}, None)
    with pytest.raises(store.NotEditable):
        store.complete_submission(db, sid, {"kommentarer.kommentar": "första"}, draft_seq=seen)
    sub = store.get_submission(db, sid)
    assert sub.status == "draft" and sub.draft["raw"] == {"kommentarer.kommentar": "andra, sparad under tiden"}
