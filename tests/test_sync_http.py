"""Push and pull over HTTP against a real server on 127.0.0.1: signing, refusals, dropped connections."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request

import pytest

from sync import store
from forms.loader import from_dict
from sync import client, devices, records, signing
from sync.bundle import record_line, write_bundle
from sync.errors import TransferError
from sync.ingest import ingest

from sync_helpers import DroppingProxy, Server, demo_interviews, edit, interview


@pytest.fixture
def laptop(tmp_path, central, server, make_laptop):
    db = make_laptop(tmp_path / "laptop.db", central, "anna", url=server.url)
    yield db
    db.conn.close()


def held(central):
    return sorted(row[0] for row in central.execute("select id from revisions"))


def local(laptop):
    return sorted(row[0] for row in laptop.execute("select id from revisions"))


def test_push_sends_every_revision_and_records_the_acknowledgement(laptop, central):
    demo_interviews(laptop, 40)
    report = client.push(laptop, chunk_bytes=16 * 1024)
    assert report.chunks > 1
    assert report.sent == len(local(laptop)) == report.acknowledged
    assert held(central) == local(laptop)
    assert report.waiting == 0
    again = client.push(laptop)
    assert again.sent == 0 and again.chunks == 0


def test_push_resumes_after_the_connection_drops_mid_request(laptop, central, server):
    demo_interviews(laptop, 200, seed=3)
    total = len(local(laptop))
    with DroppingProxy(server.server.server_port, limit=150_000, direction="up") as proxy:
        cut = client.Client(proxy.url, *_ident(laptop))
        with pytest.raises(TransferError, match="could not reach the central"):
            client.push(laptop, cut, chunk_bytes=40 * 1024)
    acked_first = laptop.execute("select count(*) from sync_acks").fetchone()[0]
    assert 0 < acked_first < total
    assert len(held(central)) == acked_first  # the cut chunk never arrived whole: nothing of it was kept
    report = client.push(laptop, chunk_bytes=40 * 1024)
    assert report.sent == total - acked_first
    assert held(central) == local(laptop)
    assert central.execute("select count(*) from sync_received").fetchone()[0] == total
    assert store.integrity_ok(central)


def test_push_after_a_lost_answer_does_not_send_acknowledged_revisions_again(laptop, central, server):
    demo_interviews(laptop, 60, seed=4)
    total = len(local(laptop))
    # The answers to /acks and /questionnaires pass (about 1 200 bytes); the answer to a later chunk is cut.
    with DroppingProxy(server.server.server_port, limit=2700, direction="down") as proxy:
        with pytest.raises(TransferError):
            client.push(laptop, client.Client(proxy.url, *_ident(laptop)), chunk_bytes=20 * 1024)
    acked_first = laptop.execute("select count(*) from sync_acks").fetchone()[0]
    held_first = len(held(central))
    assert held_first > acked_first  # the central kept a chunk whose answer never arrived
    report = client.push(laptop, chunk_bytes=20 * 1024)
    assert report.already_acknowledged == held_first - acked_first
    assert report.sent == total - held_first
    assert held(central) == local(laptop)


def test_pull_brings_a_new_questionnaire_version_and_the_registry(laptop, central):
    definition = store.get_questionnaire(central, "kub-webbenkat").to_dict()
    definition["version"] = "9"
    definition["title"]["sv"] = "KUB webbenkät, version 9"
    store.add_questionnaire(central, from_dict(definition))
    report = client.pull(laptop)
    assert report.added == ["kub-webbenkat@9"] and report.conflicts == []
    assert store.get_questionnaire(laptop, "kub-webbenkat").version == "9"
    assert report.registry == {"added": 0, "changed": 0}
    again = client.pull(laptop)
    assert again.added == [] and again.registry is None


def test_pull_refuses_a_version_that_differs_under_the_same_number(laptop, central):
    definition = store.get_questionnaire(laptop, "kub-webbenkat").to_dict()
    definition["version"] = "9"
    store.add_questionnaire(laptop, from_dict(definition))
    definition["title"]["sv"] = "Annan titel"
    store.add_questionnaire(central, from_dict(definition))
    report = client.pull(laptop)
    assert report.added == []
    assert len(report.conflicts) == 1
    assert report.conflicts[0].startswith("questionnaire kub-webbenkat version 9 has content hash ")


def _ident(db):
    ident = devices.identity(db)
    return ident.device_id, ident.key


def raw_request(url, path, headers=None, data=None, method="GET"):
    request = urllib.request.Request(url + path, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_unsigned_request_gets_401_in_json(server):
    status, body = raw_request(server.url, "/api/v1/sync/acks")
    assert status == 401
    assert body["reason"] == "unsigned"


def test_revoked_device_gets_403(laptop, central):
    interview(laptop)
    devices.revoke(central, "anna")
    with pytest.raises(TransferError) as caught:
        client.push(laptop)
    assert "(403)" in str(caught.value) and "was revoked on" in str(caught.value)
    assert central["revisions"].count == 0


def test_a_browser_of_a_disabled_user_gets_403_until_the_user_is_enabled_again(laptop, central):
    """A browser's device is its user's: disabling the user stops its pushes, and nothing it sent is lost."""
    from sync import accounts
    accounts.add_user(central, "tilda", "interviewer", "a long enough password")
    central.execute("update sync_devices set user_name = 'tilda' where name = 'anna'")  # as enrol_browser does
    central.conn.commit()
    sid = interview(laptop)
    laptop.execute("update revisions set author = 'tilda'")  # a browser sends only its user's revisions
    laptop.conn.commit()
    accounts.set_disabled(central, "tilda", True, actor="admin")
    with pytest.raises(TransferError) as caught:
        client.push(laptop)
    assert "(403)" in str(caught.value) and "whose account is disabled or removed" in str(caught.value)
    assert central["revisions"].count == 0
    accounts.set_disabled(central, "tilda", False, actor="admin")
    assert client.push(laptop).acknowledged == 1
    assert store.get_submission(central, sid) is not None


def signed_headers(laptop, method, path, body=b"", nonce=None):
    ident = devices.identity(laptop)
    timestamp = str(int(time.time()))
    nonce = nonce or secrets.token_hex(16)
    return {"X-Fieldkit-Device": ident.device_id, "X-Fieldkit-Timestamp": timestamp, "X-Fieldkit-Nonce": nonce,
            "X-Fieldkit-Signature": signing.sign(ident.key, signing.request_message(method, path, timestamp, nonce,
                                                                                     body))}


def test_request_with_a_changed_body_is_refused(laptop, central, server):
    interview(laptop)
    (_rid, _sid, text), = records.unacknowledged(laptop)
    body = record_line(text)
    headers = signed_headers(laptop, "POST", "/api/v1/sync/push", body)
    changed = record_line(text.replace('"nej"', '"ja"'))
    status, answer = raw_request(server.url, "/api/v1/sync/push", headers, changed, "POST")
    assert status == 401
    assert answer["error"].startswith("the signature does not match the key of device anna (")
    assert central["revisions"].count == 0
    assert raw_request(server.url, "/api/v1/sync/push", signed_headers(laptop, "POST", "/api/v1/sync/push", body),
                       body, "POST")[0] == 200


def test_replayed_request_is_refused(laptop, server):
    headers = signed_headers(laptop, "GET", "/api/v1/sync/acks")
    assert raw_request(server.url, "/api/v1/sync/acks", headers)[0] == 200
    status, body = raw_request(server.url, "/api/v1/sync/acks", headers)
    assert status == 401 and body["reason"] == "replayed"


def test_a_laptop_with_a_wrong_clock_corrects_itself_once(laptop, central):
    interview(laptop)
    skewed = client.Client.for_store(laptop, offset=-86400 * 3)  # three days behind
    report = client.push(laptop, skewed)
    assert report.sent == 1 and central["revisions"].count == 1
    assert abs(skewed.offset) < 60


def test_a_field_store_serves_no_sync_api(tmp_path, laptop):
    laptop_path = tmp_path / "laptop.db"
    with Server(laptop_path) as field_server:
        status, body = raw_request(field_server.url, "/api/v1/sync/acks")
    assert status == 404 and body["reason"] == "not_central"


def test_a_server_that_does_not_sign_its_answers_is_not_believed(tmp_path, laptop):
    interview(laptop)
    laptop_path = tmp_path / "laptop.db"
    with Server(laptop_path) as impostor:
        with pytest.raises(TransferError, match=r"\(404\)"):
            client.push(laptop, client.Client(impostor.url, *_ident(laptop)))
    assert laptop.execute("select count(*) from sync_acks").fetchone()[0] == 0


def test_an_edit_pushed_later_becomes_the_head(laptop, central):
    sid = interview(laptop)
    client.push(laptop)
    edit(laptop, sid, {"lok.har_lok": "ja"})
    report = client.push(laptop)
    assert report.counts["updated"] == 1 and report.sent == 1
    assert store.get_submission(central, sid).revision == 2


def test_a_bundle_whose_revisions_partly_arrived_over_http_adds_only_the_rest(tmp_path, laptop, central, server):
    demo_interviews(laptop, 120, seed=6)
    total = len(local(laptop))
    everything = write_bundle(laptop, tmp_path / "all.fkb").path  # written before any push
    with DroppingProxy(server.server.server_port, limit=60_000, direction="up") as proxy:
        with pytest.raises(TransferError):
            client.push(laptop, client.Client(proxy.url, *_ident(laptop)), chunk_bytes=20 * 1024)
    arrived = len(held(central))
    assert 0 < arrived < total
    result = ingest(central, everything)
    assert result.counts == {"new": total - arrived, "updated": 0, "unchanged": arrived, "conflicts": 0,
                             "rejected": 0}
    assert held(central) == local(laptop)
    again = client.push(laptop)
    assert again.sent == 0 and again.already_acknowledged == total - arrived


def test_push_sends_only_the_questionnaire_versions_the_central_lacks(laptop, central, monkeypatch):
    from forms.loader import from_dict
    from sync import store

    extra = from_dict({"id": "bara-har", "version": "1", "title": {"sv": "Bara här"}, "sections": [
        {"id": "a", "title": {"sv": "A"}, "questions": [{"id": "n", "type": "integer", "label": {"sv": "N"}}]}]})
    with store.transaction(laptop):
        store.add_questionnaire(laptop, extra)
    interview(laptop)  # kub-webbenkat: the central has it from its own library
    sid = store.create_submission(laptop, "bara-har", "2480")
    store.complete_submission(laptop, sid, {"a.n": 3})
    bodies = []
    real_call = client.Client.call

    def recording(self, method, path, *args, **kwargs):
        if path == "/push":
            bodies.append(args[0])
        return real_call(self, method, path, *args, **kwargs)

    monkeypatch.setattr(client.Client, "call", recording)
    report = client.push(laptop)
    assert report.sent == 2 and report.acknowledged == 2
    sent = b"".join(bodies).decode()
    assert sent.count('"kind":"questionnaire"') == 1 and '"id":"bara-har"' in sent
    assert store.get_questionnaire(central, "bara-har").version == "1"
