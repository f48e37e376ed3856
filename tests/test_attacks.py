"""Bad input and attacks on the central server: each is refused or made harmless, and nothing leaks."""

from __future__ import annotations

import re
import secrets
import time

import pytest

from sync import accounts, audit, store
from fieldkit.app import create_app
from sync import devices, records, signing
from sync.bundle import record_line

from central_helpers import PASSWORD, logged_in, login, make_submission
from sync_helpers import interview

SCRIPT = "<script>alert('x')</script>"
IMG = '"><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE submissions; --"
PAYLOADS = (SCRIPT, IMG, SQL)


def _raw_absent(html: str, payload: str) -> None:
    """The payload is not in the page as markup (it may be there escaped, or percent-encoded in a URL)."""
    assert payload not in html or payload == SQL
    assert "<script>alert" not in html and "<img src=x" not in html


def _escaped(payload: str) -> str:
    return (payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


# -- payloads in answers, search fields and names --------------------------------------------

@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img", "sql"])
def test_payloads_in_answers_are_stored_as_typed_and_shown_escaped(central_app, cdb, payload):
    sid = make_submission(cdb, interviewer="ivar")
    interviewer = logged_in(central_app, "interviewer")
    assert interviewer.post(f"/s/{sid}/oppna").status_code == 302
    response = interviewer.post(f"/s/{sid}/del/forslag", data={"forslag.effektivisering": payload, "action": "next"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert interviewer.post(f"/s/{sid}/slutfor").status_code == 302
    sub = store.get_submission(cdb, sid)
    assert sub.status == "complete" and sub.answers["forslag.effektivisering"] == payload
    assert cdb["submissions"].exists() and cdb["submissions"].count == 1
    evaluator = logged_in(central_app, "evaluator")
    pages = [interviewer.get(f"/s/{sid}/sammanstallning"), evaluator.get(f"/granskning/{sid}"),
             evaluator.get(f"/granskning/{sid}/historik"), evaluator.get("/rapporter/kub-webbenkat")]
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        _raw_absent(html, payload)
    assert _escaped(payload) in pages[1].get_data(as_text=True)


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img", "sql"])
def test_payloads_in_search_fields_are_harmless(central_app, cdb, payload):
    make_submission(cdb)
    evaluator = logged_in(central_app, "evaluator")
    admin = logged_in(central_app, "admin")
    for client, url in ((evaluator, "/granskning/"), (admin, "/admin/logg"), (admin, "/intervjuer")):
        response = client.get(url, query_string={"q": payload, "actor": payload, "questionnaire": payload,
                                                 "county": payload, "municipality": payload})
        assert response.status_code == 200, url
        _raw_absent(response.get_data(as_text=True), payload)
    page = evaluator.get("/granskning/", query_string={"q": payload}).get_data(as_text=True)
    assert f'value="{_escaped(payload)}"' in page
    assert cdb["submissions"].count == 1


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img", "sql"])
def test_payloads_in_user_names_are_stored_as_typed_and_shown_escaped(central_app, cdb, payload):
    admin = logged_in(central_app, "admin")
    response = admin.post("/admin/anvandare", data={"name": payload, "role": "evaluator", "county": "",
                                                    "password": "ett långt lösenord",
                                                    "password_again": "ett långt lösenord"})
    assert response.status_code == 302
    assert payload in [u["name"] for u in accounts.list_users(cdb)]
    assert accounts.verify(cdb, payload, "ett långt lösenord").name == payload
    login(central_app.test_client(), payload + "x", "wrong password")
    for url in ("/admin/anvandare", "/admin/logg"):
        html = admin.get(url).get_data(as_text=True)
        _raw_absent(html, payload)
        assert _escaped(payload) in html
    assert audit.entries(cdb, action="login_failed")[0]["target"] == payload + "x"
    assert cdb["users"].exists() and cdb["submissions"].exists()


# -- forged requests ------------------------------------------------------------------------------

def _token(client, url):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def test_forged_csrf_is_rejected(central_csrf_app, cdb):
    sid = make_submission(cdb)
    evaluator = central_csrf_app.test_client()
    token = _token(evaluator, "/logga-in")
    assert evaluator.post("/logga-in", data={"name": "eva", "password": PASSWORD, "csrf_token": token}).status_code == 302
    other = central_csrf_app.test_client()
    foreign = _token(other, "/logga-in")
    for data in ({"excluded": "1", "reason": "forged"},
                 {"excluded": "1", "reason": "forged", "csrf_token": "forged-token"},
                 {"excluded": "1", "reason": "forged", "csrf_token": foreign}):
        assert evaluator.post(f"/granskning/{sid}/exkludera", data=data).status_code == 400
    assert not store.get_submission(cdb, sid).excluded
    good = _token(evaluator, f"/granskning/{sid}")
    assert evaluator.post(f"/granskning/{sid}/exkludera",
                          data={"excluded": "1", "reason": "ok", "csrf_token": good}).status_code == 302
    assert store.get_submission(cdb, sid).excluded


def test_a_stale_post_from_someone_not_logged_in_keeps_nothing(central_csrf_app, cdb):
    """The CSRF error page keeps what a stale interview post carried; never for an unauthorised request."""
    sid = make_submission(cdb)
    store.reopen_submission(cdb, sid)
    before = store.get_submission(cdb, sid).draft
    anonymous = central_csrf_app.test_client()
    response = anonymous.post(f"/s/{sid}/autosave/forslag", data={"forslag.effektivisering": "injected"},
                              headers={"Origin": "http://localhost", "X-Requested-With": "fetch"})
    assert response.status_code == 401
    other_interviewer = central_csrf_app.test_client()
    token = _token(other_interviewer, "/logga-in")
    other_interviewer.post("/logga-in", data={"name": "inez", "password": PASSWORD, "csrf_token": token})
    response = other_interviewer.post(f"/s/{sid}/del/forslag", data={"forslag.effektivisering": "injected"},
                                      headers={"Origin": "http://localhost"})
    assert response.status_code == 404
    assert store.get_submission(cdb, sid).draft == before


def test_a_session_cookie_signed_with_another_key_is_ignored(central_path):
    other = create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False,
                        "SECRET_KEY": "someone else's key"})
    forged = other.test_client()
    with forged.session_transaction() as session:
        session.update(user="ada", epoch=0, at=time.time())
    cookie = forged.get_cookie("session").value
    real = create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False}).test_client()
    real.set_cookie("session", cookie)
    assert real.get("/admin/anvandare").status_code == 302


# -- path traversal -------------------------------------------------------------------------------

def test_path_traversal_in_download_names_is_rejected(central_app, cdb):
    make_submission(cdb)
    evaluator = logged_in(central_app, "evaluator")
    for url in ("/rapporter/jobb/..%2F..%2Fsecret_key/fil", "/rapporter/jobb/../../secret_key/fil",
                "/rapporter/jobb/%2e%2e%2fsecret_key/fil", "/static/..%2Fsecret_key", "/static/../../secret_key",
                "/rapporter/..%2F..%2Fsecret_key/csv"):
        response = evaluator.get(url)
        assert response.status_code in (400, 404), url
        assert b"secret" not in response.data.lower().replace(b"secret_key", b"") or response.status_code == 404
        response.close()
    bad = evaluator.get("/rapporter/kub-webbenkat/csv?kommun=../../../etc/passwd")
    assert bad.status_code == 400
    good = evaluator.get("/rapporter/kub-webbenkat/csv?kommun=2480")
    disposition = good.headers["Content-Disposition"]
    name = re.search(r'filename="([^"]+)"', disposition).group(1)
    assert "/" not in name and "\\" not in name and ".." not in name


# -- devices --------------------------------------------------------------------------------------

def _signed(laptop, method, path, body=b""):
    ident = devices.identity(laptop)
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    return {"X-Fieldkit-Device": ident.device_id, "X-Fieldkit-Timestamp": timestamp, "X-Fieldkit-Nonce": nonce,
            "X-Fieldkit-Signature": signing.sign(ident.key, signing.request_message(method, path, timestamp, nonce,
                                                                                     body))}


def test_a_replayed_key_of_a_revoked_device_is_rejected(central_app, cdb, tmp_path, make_laptop):
    laptop = make_laptop(tmp_path / "laptop.db", cdb, "anna")
    interview(laptop)
    (_rid, _sid, text), = records.unacknowledged(laptop)
    body = record_line(text)
    client = central_app.test_client()
    captured = _signed(laptop, "POST", "/api/v1/sync/push", body)
    replay = client.post("/api/v1/sync/push", headers=captured, data=body)
    assert replay.status_code == 200
    assert client.post("/api/v1/sync/push", headers=captured, data=body).json["reason"] == "replayed"
    devices.revoke(cdb, "anna")
    fresh = _signed(laptop, "POST", "/api/v1/sync/push", body)
    for headers in (captured, fresh):
        response = client.post("/api/v1/sync/push", headers=headers, data=body)
        assert response.status_code == 403 and response.json["reason"] == "revoked_device"
    assert client.get("/api/v1/sync/acks", headers=_signed(laptop, "GET", "/api/v1/sync/acks")).status_code == 403
    assert cdb["revisions"].count == 1, "only the push before the revocation was taken"
    laptop.conn.close()


def test_a_browser_session_does_not_open_the_device_api(central_app):
    admin = logged_in(central_app, "admin")
    assert admin.get("/api/v1/sync/acks").status_code == 401


# -- hardening --------------------------------------------------------------------------------------

def test_security_headers_are_on_every_kind_of_answer(central_app, cdb):
    client = central_app.test_client()
    for response in (client.get("/logga-in"), client.get("/no-such-page"), client.get("/api/v1/sync/acks"),
                     logged_in(central_app, "admin").get("/admin/logg")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp


def test_a_too_large_login_post_gets_413(central_path):
    app = create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "MAX_CONTENT_LENGTH": 10_000})
    response = app.test_client().post("/logga-in", data={"name": "eva", "password": "x" * 20_000})
    assert response.status_code == 413


def test_no_debug_pages_in_production(monkeypatch, central_path):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app({"DB": str(central_path)})
    assert not app.debug and not app.testing

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    app.logger.disabled = True
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(user="ada", epoch=0, at=time.time())
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body and "Werkzeug" not in body
