"""A killed server (SIGKILL) loses no acknowledged save and leaves a sound store. Real subprocesses."""

from __future__ import annotations

import http.client
import json
import threading
import time

import pytest

from sync import store

from server_helpers import Browser, Server

pytestmark = pytest.mark.slow


def _start(browser: Browser, questionnaire="smak-kostnader", municipality="0180"):
    browser.get("/")
    response = browser.post("/start", {"questionnaire": questionnaire, "municipality": municipality})
    path = response.geturl().removeprefix(browser.base)
    browser.get(path)
    sid, section_id = path.split("/")[2], path.rsplit("/", 1)[1]
    return sid, section_id


def test_kill_during_autosave_keeps_last_acknowledged_save(store_path):
    db = store.open_db(store_path)
    questionnaire = store.get_questionnaire(db, "smak-kostnader")
    acked: list[tuple[int, str]] = []
    with Server(store_path) as server:
        browser = Browser(server.base)
        sid, section_id = _start(browser)
        section = next(s for s in questionnaire.sections if s.id == section_id)
        field = next(q for q in section.questions if q.type in ("text", "longtext", "integer", "money"))
        stop, killed = threading.Event(), threading.Event()
        failures: list[Exception] = []

        def typist():
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    with browser.post(f"/s/{sid}/autosave/{section_id}", {field.id: str(1000 + n)}, fetch=True) as r:
                        acked.append((json.loads(r.read())["seq"], str(1000 + n)))
                except Exception as exc:
                    # Once the server is killed, a save in flight fails however the connection broke: refused,
                    # reset, or cut mid-answer (IncompleteRead, a truncated body). Before that, nothing may fail.
                    lost = isinstance(exc, (OSError, http.client.HTTPException, ValueError))
                    if not (killed.is_set() and lost):
                        failures.append(exc)
                    return

        thread = threading.Thread(target=typist)
        thread.start()
        deadline = time.monotonic() + 10
        while len(acked) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        killed.set()
        server.kill()
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert not failures, failures
    assert len(acked) >= 40
    db = store.open_db(store_path)
    assert store.integrity_ok(db)
    draft = store.get_submission(db, sid).draft
    last_seq, last_value = acked[-1]
    assert draft["seq"] >= last_seq
    if draft["seq"] == last_seq:
        assert draft["raw"][field.id] == last_value
    with Server(store_path) as server:
        browser = Browser(server.base)
        html = browser.get(f"/s/{sid}/del/{section_id}")
        assert f'value="{draft["raw"][field.id]}"' in html


def test_kill_right_after_completion_keeps_the_completed_interview(store_path):
    db = store.open_db(store_path)
    questionnaire = store.get_questionnaire(db, "smak-kostnader")
    from field_helpers import plausible_answers, section_post

    answers = plausible_answers(questionnaire)
    with Server(store_path) as server:
        browser = Browser(server.base)
        sid, _section = _start(browser)
        for section in questionnaire.sections:
            browser.post(f"/s/{sid}/del/{section.id}", list(section_post(questionnaire, section, answers).items(multi=True)))
        response = browser.post(f"/s/{sid}/slutfor", {})
        assert response.geturl().endswith("/sammanstallning")
        server.kill()
    db = store.open_db(store_path)
    assert store.integrity_ok(db)
    sub = store.get_submission(db, sid)
    assert sub.status == "complete" and sub.revision == 1
    assert len(store.list_revisions(db, sid)) == 1
