"""Everything unfinished is in view: every open draft on the start page, every interview through pages."""

from __future__ import annotations

import re

from sync import store


def _complete(db, municipality="2480"):
    sid = store.create_submission(db, "kub-webbenkat", municipality)
    store.complete_submission(db, sid, {})
    return sid


def test_the_start_page_lists_every_open_draft_however_many_completed_ones_came_after(client, db):
    drafts = [store.create_submission(db, "kub-webbenkat", "2480") for _ in range(16)]
    for _ in range(120):  # newer, completed: they pushed older drafts out of the 100 newest
        _complete(db)
    reopened = _complete(db, "0180")
    store.reopen_submission(db, reopened)
    page = client.get("/").get_data(as_text=True)
    for sid in drafts + [reopened]:
        assert f"/s/{sid}" in page, sid


def test_the_interview_list_pages_through_everything(app, client, db):
    app.config["PAGE_SIZE"] = 25
    made = {_complete(db) for _ in range(60)}
    seen = set()
    for page in (1, 2, 3):
        html = client.get(f"/intervjuer?page={page}").get_data(as_text=True)
        assert f"{page} / 3" in html
        seen |= set(re.findall(r"/s/([0-9a-f-]{36})", html))
    assert seen == made
    first = client.get("/intervjuer").get_data(as_text=True)
    assert "page=2" in first and "page=0" not in first
    filtered = client.get("/intervjuer?status=complete&page=2").get_data(as_text=True)
    assert "status=complete" in filtered and "page=3" in filtered


def test_completing_a_reopened_interview_without_changes_makes_no_new_revision(client, db):
    sid = store.create_submission(db, "kub-webbenkat", "2480")
    store.complete_submission(db, sid, {"forslag.effektivisering": "Fler bostäder"})
    client.post(f"/s/{sid}/oppna")
    assert store.get_submission(db, sid).editing
    response = client.post(f"/s/{sid}/slutfor", follow_redirects=True)
    assert "Inget ändrades, så ingen ny revidering sparades." in response.get_data(as_text=True)
    sub = store.get_submission(db, sid)
    assert (sub.revision, sub.editing, len(store.list_revisions(db, sid))) == (1, False, 1)
