"""A new questionnaire version while drafts of the old one exist: keep collecting, offer to move, list what is lost."""

from __future__ import annotations

import json

import pytest

from sync import store
from fieldkit import config
from fieldkit.app import create_app
from forms.loader import from_dict
from sync import acks, devices, drafts
from sync.bundle import write_bundle

from forms_helpers import choices, section

OLD = {
    "id": "enkat", "version": "1", "title": {"sv": "Enkät", "en": "Survey"},
    "sections": [
        section("a",
                {"id": "antal", "type": "integer", "label": {"sv": "Antal", "en": "Number"}},
                {"id": "namn", "type": "text", "label": {"sv": "Namn", "en": "Name"}},
                {"id": "farg", "type": "single", "label": {"sv": "Färg", "en": "Colour"},
                 "choices": choices("rod", "bla", "gron")},
                {"id": "bort", "type": "text", "label": {"sv": "Tas bort", "en": "Removed"}},
                {"id": "typ", "type": "text", "label": {"sv": "Byter typ", "en": "Changes type"}},
                {"id": "rader", "type": "matrix", "label": {"sv": "Rader", "en": "Rows"},
                 "choices": choices("ja", "nej"),
                 "items": [{"code": "x", "label": {"sv": "X", "en": "X"}}, {"code": "y", "label": {"sv": "Y", "en": "Y"}}]}),
    ],
}


def new_version():
    data = json.loads(json.dumps(OLD))
    data["version"] = "2"
    questions = data["sections"][0]["questions"]
    questions[:] = [q for q in questions if q["id"] != "bort"]
    for q in questions:
        if q["id"] == "antal":
            q["type"] = "decimal"          # compatible: whole numbers are decimals
        if q["id"] == "namn":
            q["type"] = "longtext"         # compatible
        if q["id"] == "farg":
            q["choices"] = choices("rod", "gul")  # "bla" no longer exists
        if q["id"] == "typ":
            q["type"] = "date"             # not compatible
    questions.append({"id": "ny", "type": "text", "label": {"sv": "Ny", "en": "New"}})
    return from_dict(data)


@pytest.fixture
def laptop(tmp_path, make_field_store):
    db = make_field_store(tmp_path / "laptop.db", interviewer=None)
    store.add_questionnaire(db, from_dict(OLD))
    config.ensure_secret_key(tmp_path)
    yield db
    db.conn.close()


RAW = {"a.antal": "12", "a.namn": "Eva", "a.farg": "bla", "a.bort": "hej", "a.typ": "igår", "a.rader/x": "ja"}


def draft(db, raw=RAW):
    sid = store.create_submission(db, "enkat", "2480")
    store.save_draft(db, sid, dict(raw), "a")
    return sid


def test_a_draft_keeps_its_version_when_a_new_one_arrives(laptop):
    sid = draft(laptop)
    store.add_questionnaire(laptop, new_version(), origin="pull")
    assert store.get_submission(laptop, sid).questionnaire_version == "1"
    assert [row["uuid"] for row in drafts.movable_drafts(laptop)] == [sid]
    assert drafts.movable_drafts(laptop)[0]["newer_version"] == "2"
    started_now = store.create_submission(laptop, "enkat", "2480")
    assert store.get_submission(laptop, started_now).questionnaire_version == "2"


def test_moving_a_draft_carries_compatible_answers_and_lists_the_rest(laptop):
    sid = draft(laptop)
    store.add_questionnaire(laptop, new_version())
    move = drafts.move_draft(laptop, sid)
    assert (move.from_version, move.to_version) == ("1", "2")
    assert move.carried == ["a.antal", "a.namn", "a.rader"]
    reasons = {item["question"]: item["reason"] for item in move.dropped}
    assert reasons == {
        "a.farg": "the answer is not valid in the new version: Choose one of the options.",
        "a.bort": "the question is not in the new version",
        "a.typ": "the question changed type from text to date",
    }
    sub = store.get_submission(laptop, sid)
    assert sub.questionnaire_version == "2"
    assert sub.draft["raw"] == {"a.antal": "12", "a.namn": "Eva", "a.rader/x": "ja"}
    assert sub.answers == {"a.antal": 12, "a.namn": "Eva", "a.rader": {"x": "ja"}}
    logged = next(laptop.query("select * from draft_moves where submission_uuid = ?", [sid]))
    assert {d["question"]: d["value"] for d in json.loads(logged["dropped"])}["a.bort"] == {"a.bort": "hej"}


def test_a_completed_interview_keeps_its_version(laptop):
    sid = draft(laptop)
    store.complete_submission(laptop, sid, {"a.antal": 12})
    store.add_questionnaire(laptop, new_version())
    assert drafts.movable_drafts(laptop) == []
    with pytest.raises(store.StoreError, match="completed interviews keep their version"):
        drafts.move_draft(laptop, sid)


def test_the_pages_show_the_status_and_move_a_draft(tmp_path, laptop):
    sid = draft(laptop)
    store.add_questionnaire(laptop, new_version())
    app = create_app({"DB": str(tmp_path / "laptop.db"), "TESTING": True})
    client = app.test_client()
    page = client.get("/sync/").get_data(as_text=True)
    assert "Allt är skickat och kvitterat." in page and "1 utkast skickas när det har slutförts." in page
    page = client.get("/sync/drafts").get_data(as_text=True)
    assert "Flytta till version 2" in page
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    refused = client.post(f"/sync/drafts/{sid}/move")
    assert refused.status_code == 400
    assert store.get_submission(laptop, sid).questionnaire_version == "1"
    moved = client.post(f"/sync/drafts/{sid}/move", data={"csrf_token": token}, follow_redirects=True)
    text = moved.get_data(as_text=True)
    assert moved.status_code == 200
    assert "Från version 1 till 2: 3 svar följde med." in text
    assert "<code>a.bort</code>" in text and "the question is not in the new version" in text
    assert store.get_submission(laptop, sid).questionnaire_version == "2"


def test_the_status_page_says_what_waits_and_whether_it_was_acknowledged(tmp_path, laptop, make_central):
    central = make_central(tmp_path / "central" / "central.db")
    _device, code = devices.enrol(central, "anna")
    devices.setup(laptop, "http://127.0.0.1:9", code)
    sid = draft(laptop)
    store.complete_submission(laptop, sid, {"a.antal": 3})
    client = create_app({"DB": str(tmp_path / "laptop.db"), "TESTING": True}).test_client()
    client.set_cookie("fieldkit_lang", "en")
    page = client.get("/sync/").get_data(as_text=True)
    assert "1 revision of 1 interview" in page and "Nothing has been sent yet." in page
    written = write_bundle(laptop, tmp_path / "a.fkb")
    page = client.get("/sync/").get_data(as_text=True)
    assert "The server has acknowledged 0 of 1." in page
    acks.record_acks(laptop, written.revision_ids, "file")
    page = client.get("/sync/").get_data(as_text=True)
    assert "The server acknowledged everything." in page and "Everything is sent and acknowledged." in page
    central.conn.close()
