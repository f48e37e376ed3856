"""Metadata questions (start, end, today, deviceid, username...): recorded by the interview, never shown, exported
like answers; an ODK phone's email, number and SIM facts stay empty."""

from __future__ import annotations

import csv
import io
import zoneinfo

import pytest

from openpyxl import load_workbook

from exports import ExportFilter, build_report, iter_csv, save_workbook
from forms import clean_answers, from_dict, metadata
from forms.loader import DefinitionError
from forms.webform import build_section_form
from sync import store

from central_helpers import logged_in
from field_helpers import section_post, start_interview

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def definition(**extra) -> dict:
    return {"id": "meta", "version": "1", "title": {"sv": "Meta"}, "languages": ["sv"], "sections": [
        {"id": "rec", "title": {"sv": "Uppgifter"}, "questions": [
            {"id": "start", "type": "start", "label": {"sv": "Start"}},
            {"id": "end", "type": "end", "label": {"sv": "Slut"}},
            {"id": "dag", "type": "today", "label": {"sv": "Dag"}},
            {"id": "enhet", "type": "deviceid", "label": {"sv": "Enhet"}, **extra}]},
        {"id": "fragor", "title": {"sv": "Frågor"}, "questions": [
            {"id": "namn", "type": "text", "label": {"sv": "Namn"}, "required": True},
            {"id": "sen", "type": "text", "label": {"sv": "Sent på dagen?"}, "relevant": "rec.start > '2025-03-04T17'"},
        ]}]}


def test_record_fills_in_what_is_missing_in_local_time():
    questionnaire = from_dict(definition())
    raw = metadata.record(questionnaire, {"fragor.namn": "Ada"}, started="2025-03-04T23:30:05.120+00:00",
                          device_id="dev-1", zone=STOCKHOLM)
    # 23:30 UTC is 00:30 the next day in Stockholm (UTC+1 in March): that is the day
    assert raw == {"fragor.namn": "Ada", "rec.start": "2025-03-05T00:30:05+01:00", "rec.dag": "2025-03-05",
                   "rec.enhet": "dev-1"}
    done = metadata.record(questionnaire, raw, started="2025-03-06T10:00:00+00:00", device_id="dev-2",
                           completed="2025-07-01T08:00:00+00:00", zone=STOCKHOLM)
    # what is there stays (the start, the device); the end comes with completion, in summer time
    assert done == {**raw, "rec.end": "2025-07-01T10:00:00+02:00"}


def who_definition() -> dict:
    return {"id": "vem", "version": "1", "title": {"sv": "Vem"}, "languages": ["sv"], "sections": [
        {"id": "rec", "title": {"sv": "Uppgifter"}, "questions": [
            {"id": "anvandare", "type": "username", "label": {"sv": "Användare"}},
            *({"id": kind, "type": kind, "label": {"sv": kind}} for kind in metadata.NEVER_FILLED)]},
        {"id": "fragor", "title": {"sv": "Frågor"}, "questions": [
            {"id": "namn", "type": "text", "label": {"sv": "Namn"}, "required": True}]}]}


def test_record_fills_in_who_collected_it_and_never_the_phone_facts():
    questionnaire = from_dict(who_definition())
    raw = metadata.record(questionnaire, {}, started="2025-03-04T09:00:00+00:00", device_id="dev-1",
                          username="Anna Berg")
    assert raw == {"rec.anvandare": "Anna Berg"}  # a laptop has no email, phone number or SIM: nothing to record
    # the name stays the one who started it, as the device does
    assert metadata.record(questionnaire, raw, started="2025-03-05T09:00:00+00:00", device_id="dev-2",
                           username="Bo Ek", completed="2025-03-05T10:00:00+00:00") == raw
    assert metadata.record(questionnaire, {}, started="2025-03-04T09:00:00+00:00", device_id=None) == {}
    # a value that came with the data (an ODK phone's number) is kept, like any recorded fact
    assert clean_answers(questionnaire, {"rec.phonenumber": "+46701234567", "fragor.namn": "Ada"}).answers == {
        "rec.phonenumber": "+46701234567", "fragor.namn": "Ada"}


@pytest.mark.parametrize("qtype, value, kept", [
    ("username", "Anna Berg", True), ("username", "  ", False), ("email", "a@b.se", True),
    ("phonenumber", "+46701234567", True), ("simserial", "x" * 201, False), ("subscriberid", 46, False),
    ("start", "2025-03-04T09:15:02+01:00", True), ("start", "2025-03-04T09:15:02", False),
    ("start", "igår", False), ("today", "2025-03-04", True), ("today", "2025-3-4", False),
    ("deviceid", "abc", True), ("deviceid", "x" * 201, False), ("deviceid", 17, False),
])
def test_only_well_formed_metadata_is_kept(qtype, value, kept):
    questionnaire = from_dict(definition() if qtype in ("start", "today", "deviceid") else who_definition())
    question = next(q for q in questionnaire.questions() if q.type == qtype)
    assert (metadata.clean(question, value) is not None) is kept


def test_metadata_is_kept_whatever_the_conditions_and_conditions_may_use_it():
    data = definition()
    data["sections"][0]["relevant"] = "false"  # the section is never shown: its metadata is kept all the same
    questionnaire = from_dict(data)
    raw = {"rec.start": "2025-03-04T18:00:00+01:00", "rec.enhet": "dev-1", "fragor.namn": "Ada",
           "fragor.sen": "Ja"}
    cleaned = clean_answers(questionnaire, raw)
    assert cleaned.answers == raw  # 18:00 is later than 17: the question is asked
    raw["rec.start"] = "2025-03-04T09:00:00+01:00"
    assert "fragor.sen" in clean_answers(questionnaire, raw).skipped


def test_metadata_cannot_be_required_and_is_never_a_field():
    with pytest.raises(DefinitionError) as caught:
        from_dict(definition(required=True), "meta.yaml")
    assert [p.message for p in caught.value.problems] == [
        "deviceid 'rec.enhet' is recorded automatically: it cannot be required and has no don't know or not "
        "applicable"]
    questionnaire = from_dict(definition())
    form = build_section_form(questionnaire, "rec")
    assert form.layout == [] and list(form()._fields) == []


def test_the_interview_records_metadata_shows_no_page_for_it_and_exports_it(client, db, tmp_path):
    questionnaire = from_dict(definition())
    with store.transaction(db):
        store.add_questionnaire(db, questionnaire)
    device = store.get_settings(db)["device_id"]
    sid, location = start_interview(client, "meta", "0180")
    assert location.endswith("/del/rec")
    location = client.get(location).headers["Location"]
    assert location.endswith("/del/fragor")  # the metadata section is no page: on to the first that is
    response = client.post(location, data=section_post(questionnaire, questionnaire.sections[1],
                                                       {"fragor.namn": "Ada"}))
    assert response.status_code == 302
    draft = store.get_submission(db, sid).draft["raw"]
    assert draft["rec.enhet"] == device and "rec.end" not in draft
    assert client.post(f"/s/{sid}/slutfor").status_code == 302
    sub = store.get_submission(db, sid)
    assert sub.status == "complete"
    created = sub.created  # the store's UTC time: the start is the same moment in Stockholm
    assert sub.answers["rec.start"] == metadata.record(questionnaire, {}, started=created, device_id=None,
                                                       zone=STOCKHOLM)["rec.start"]
    assert sub.answers["rec.dag"] == sub.answers["rec.start"][:10]
    assert sub.answers["rec.end"] >= sub.answers["rec.start"][:19]
    assert {k: v for k, v in sub.answers.items() if not k.startswith("rec.")} == {"fragor.namn": "Ada"}
    text = "".join(iter_csv(build_report(db, ExportFilter("meta", status="all"), "sv")))
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [(r["rec.enhet"], r["rec.dag"], r["fragor.namn"]) for r in rows] == [
        (device, sub.answers["rec.dag"], "Ada")]
    workbook = load_workbook(save_workbook(build_report(db, ExportFilter("meta", status="all"), "sv"),
                                           tmp_path / "meta.xlsx"))
    data = [[c.value for c in row] for row in workbook["Data"].iter_rows()]
    header = next(r for r in data if "Enhet" in r)
    assert data[data.index(header) + 1][header.index("Enhet")] == device
    free_texts = [c.value for row in workbook["Fritext"].iter_rows() for c in row]
    assert "Ada" in free_texts and device not in free_texts  # recorded facts are no free text


def test_the_laptop_interview_records_its_interviewer_and_exports_the_phone_facts_empty(client, db):
    questionnaire = from_dict(who_definition())
    with store.transaction(db):
        store.add_questionnaire(db, questionnaire)
    sid, location = start_interview(client, "vem", "0180")
    location = client.get(location).headers["Location"]  # the metadata section is no page
    assert client.post(location, data=section_post(questionnaire, questionnaire.sections[1],
                                                   {"fragor.namn": "Ada"})).status_code == 302
    assert client.post(f"/s/{sid}/slutfor").status_code == 302
    sub = store.get_submission(db, sid)
    assert sub.answers == {"rec.anvandare": "Test Intervjuare", "fragor.namn": "Ada"}
    text = "".join(iter_csv(build_report(db, ExportFilter("vem", status="all"), "sv")))
    [row] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["rec.anvandare"] == "Test Intervjuare"
    assert [row[f"rec.{kind}"] for kind in metadata.NEVER_FILLED] == ["", "", "", ""]


def test_on_the_central_server_the_logged_in_user_is_recorded(central_app, cdb):
    questionnaire = from_dict(who_definition())
    with store.transaction(cdb):
        store.add_questionnaire(cdb, questionnaire)
    client = logged_in(central_app, "ivar")
    sid, location = start_interview(client, "vem", "2480")
    location = client.get(location).headers["Location"]
    assert client.post(location, data=section_post(questionnaire, questionnaire.sections[1],
                                                   {"fragor.namn": "Ada"})).status_code == 302
    assert store.get_submission(cdb, sid).draft["raw"]["rec.anvandare"] == "ivar"
