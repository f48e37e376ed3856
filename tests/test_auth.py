"""Logins on the central server and the field laptop: passwords, sessions, cookies, throttling, audit."""

from __future__ import annotations

import time

import pytest

from sync import accounts, audit, store
from fieldkit.app import create_app

from central_helpers import PASSWORD, logged_in, login, make_submission


def test_central_pages_send_the_anonymous_to_the_login_page(central_app):
    client = central_app.test_client()
    for path in ("/", "/intervjuer", "/granskning/", "/admin/anvandare", "/admin/logg"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/logga-in?next="), path
    assert client.get("/logga-in").status_code == 200
    with client.get("/static/app.css") as response:
        assert response.status_code == 200


def test_a_fetch_without_login_gets_401_json(central_app):
    response = central_app.test_client().post("/s/x/autosave/y", headers={"X-Requested-With": "fetch"})
    assert response.status_code == 401
    assert response.json == {"error": "Du behöver logga in.", "status": 401}


@pytest.mark.parametrize("role, home", [("admin", "/granskning/"), ("evaluator", "/granskning/"),
                                        ("county", "/granskning/"), ("interviewer", "/")])
def test_each_role_lands_on_its_home_page(central_app, role, home):
    client = central_app.test_client()
    name = {"admin": "ada", "evaluator": "eva", "county": "lena", "interviewer": "ivar"}[role]
    response = login(client, name)
    assert response.status_code == 302 and response.headers["Location"] == home
    assert client.get(home).status_code == 200


def test_login_is_audited_with_role_and_address(central_app, cdb):
    logged_in(central_app, "eva")
    entry = audit.entries(cdb, action="login")[0]
    assert (entry["actor"], entry["details"], entry["address"]) == ("eva", {"role": "evaluator"}, "127.0.0.1")


def test_a_wrong_password_and_an_unknown_name_fail_alike_and_are_audited(central_app, cdb):
    client = central_app.test_client()
    wrong = login(client, "eva", "not the password")
    unknown = login(client, "nobody", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "Fel användarnamn eller lösenord." in wrong.get_data(as_text=True)
    assert "Fel användarnamn eller lösenord." in unknown.get_data(as_text=True)
    failed = audit.entries(cdb, action="login_failed")
    assert [(e["actor"], e["target"]) for e in failed] == [(None, "nobody"), (None, "eva")]
    assert client.get("/granskning/").status_code == 302


def test_names_are_case_insensitive_but_passwords_are_not(central_app):
    client = central_app.test_client()
    assert login(client, "EVA", PASSWORD.upper()).status_code == 401
    assert login(client, "EVA").status_code == 302


def test_an_account_is_throttled_after_five_failures_even_with_the_right_password(central_app, cdb):
    client = central_app.test_client()
    for _ in range(5):
        assert login(client, "eva", "guess").status_code == 401
    response = login(client, "eva")
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.get_data(as_text=True)
    assert audit.entries(cdb, action="login_throttled")[0]["target"] == "eva"
    # Others can still log in from the same address.
    assert login(client, "ada").status_code == 302


def test_throttling_holds_across_server_processes(central_path):
    """Counts live in the store: a second worker (another app on the same store) sees them."""
    first = create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False})
    second = create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False})
    for _ in range(3):
        login(first.test_client(), "eva", "guess")
    for _ in range(2):
        login(second.test_client(), "eva", "guess")
    assert login(first.test_client(), "eva").status_code == 429
    assert login(second.test_client(), "eva").status_code == 429


def test_an_address_is_throttled_across_accounts(central_path):
    app = create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "LOGIN_MAX_FAILURES_PER_ADDRESS": 4})
    client = app.test_client()
    for name in ("a1", "a2", "a3", "a4"):
        assert login(client, name, "guess").status_code == 401
    assert login(client, "ada").status_code == 429
    other = app.test_client()
    assert login(other, "ada", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302


def test_throttling_ends_when_the_window_has_passed(cdb):
    limits = accounts.Limits(per_account=2, per_address=50, window=60)
    for at in (1000.0, 1001.0):
        accounts.note_failure(cdb, "Eva", "10.1.1.1", limits, at=at)
    assert accounts.throttled(cdb, "eva", "10.1.1.2", limits, at=1030.0)
    assert not accounts.throttled(cdb, "eva", "10.1.1.2", limits, at=1062.0)


def test_a_good_login_clears_the_account_failures(central_app):
    client = central_app.test_client()
    for _ in range(4):
        login(client, "eva", "guess")
    assert login(client, "eva").status_code == 302
    for _ in range(4):
        login(client, "eva", "guess")
    assert login(client, "eva").status_code == 302


def test_disabling_a_user_ends_the_session_and_refuses_logins(central_app, cdb):
    client = logged_in(central_app, "eva")
    assert client.get("/granskning/").status_code == 200
    accounts.set_disabled(cdb, "eva", True, actor="ada")
    assert client.get("/granskning/").status_code == 302
    assert login(client, "eva").status_code == 401
    accounts.set_disabled(cdb, "eva", False, actor="ada")
    assert login(client, "eva").status_code == 302
    changes = [e["action"] for e in audit.entries(cdb, target="eva") if e["action"].startswith("user_")]
    assert changes == ["user_enabled", "user_disabled", "user_added"]


def test_a_new_password_ends_old_sessions(central_app, cdb):
    client = logged_in(central_app, "eva")
    accounts.set_password(cdb, "eva", "another long password", actor="ada")
    assert client.get("/granskning/").status_code == 302
    assert login(client, "eva").status_code == 401
    assert login(client, "eva", "another long password").status_code == 302


def test_passwords_are_hashed_with_scrypt_unless_fieldkit_password_hash_names_another_method(monkeypatch, cdb):
    monkeypatch.delenv("FIELDKIT_PASSWORD_HASH", raising=False)
    accounts.add_user(cdb, "kim", "evaluator", "a long enough password")
    stored = cdb.execute("select password_hash from users where name = 'kim'").fetchone()[0]
    assert stored.startswith("scrypt:")
    assert accounts.verify(cdb, "kim", "a long enough password").role == "evaluator"
    assert accounts.verify(cdb, "nobody", "a long enough password") is None
    assert accounts._dummy_hash().startswith("scrypt:")  # a wrong name costs as much as a wrong password

    monkeypatch.setenv("FIELDKIT_PASSWORD_HASH", "pbkdf2:sha256:1")
    accounts.set_password(cdb, "kim", "another long password")
    stored = cdb.execute("select password_hash from users where name = 'kim'").fetchone()[0]
    assert stored.startswith("pbkdf2:sha256:1$")
    assert accounts.verify(cdb, "kim", "another long password").role == "evaluator"
    assert accounts._dummy_hash().startswith("pbkdf2:sha256:1$")


def test_a_session_expires_after_the_configured_hours(central_path):
    app = create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False, "SESSION_HOURS": 0})
    client = app.test_client()
    assert login(client, "eva").status_code == 302
    time.sleep(0.01)
    assert client.get("/granskning/").status_code == 302


def test_logout_is_a_post_and_ends_the_session(central_app, cdb):
    client = logged_in(central_app, "eva")
    assert client.get("/logga-ut").status_code == 405
    response = client.post("/logga-ut")
    assert response.status_code == 302 and response.headers["Location"] == "/logga-in"
    assert client.get("/granskning/").status_code == 302
    assert audit.entries(cdb, action="logout")[0]["actor"] == "eva"


def test_login_follows_only_local_next_addresses(central_app):
    client = central_app.test_client()
    assert login(client, "eva", next="/granskning/?status=complete").headers["Location"] == "/granskning/?status=complete"
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"):
        assert login(central_app.test_client(), "eva", next=evil).headers["Location"] == "/granskning/", evil


def test_the_login_form_is_csrf_protected(central_csrf_app):
    client = central_csrf_app.test_client()
    response = client.post("/logga-in", data={"name": "eva", "password": PASSWORD})
    assert response.status_code == 400
    page = client.get("/logga-in").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logga-in", data={"name": "eva", "password": PASSWORD, "csrf_token": token}).status_code == 302


def test_the_session_cookie_is_httponly_and_samesite_lax(central_app):
    response = login(central_app.test_client(), "eva")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_when_configured_or_over_https(central_path):
    configured = create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False,
                             "SECURE_COOKIES": True})
    assert "Secure" in login(configured.test_client(), "eva").headers["Set-Cookie"]
    plain = create_app({"DB": str(central_path), "TESTING": True, "WTF_CSRF_ENABLED": False})
    over_tls = plain.test_client()
    response = over_tls.post("/logga-in", data={"name": "eva", "password": PASSWORD}, base_url="https://localhost")
    assert "Secure" in response.headers["Set-Cookie"]


def test_secure_cookies_setting_reads_from_the_environment(monkeypatch, central_path):
    monkeypatch.setenv("FIELDKIT_SECURE_COOKIES", "true")
    app = create_app({"DB": str(central_path), "TESTING": True})
    assert app.config["SECURE_COOKIES"] is True


# -- the field laptop -------------------------------------------------------------------

def test_a_field_laptop_without_passphrase_needs_no_login(client):
    assert client.get("/").status_code == 200
    assert client.get("/logga-in").headers["Location"] == "/"


def test_review_and_admin_pages_do_not_exist_on_a_field_laptop(client):
    for path in ("/granskning/", "/admin/anvandare", "/admin/logg"):
        assert client.get(path).status_code == 404, path


def test_a_passphrase_protects_the_field_laptop(app, db):
    accounts.set_passphrase(db, "lång hemlig fras", actor="test")
    client = app.test_client()
    assert client.get("/").headers["Location"].startswith("/logga-in")
    assert client.post("/logga-in", data={"password": "wrong phrase!"}).status_code == 401
    response = client.post("/logga-in", data={"password": "lång hemlig fras"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert "Test Intervjuare" in client.get("/").get_data(as_text=True)
    accounts.set_passphrase(db, "en annan lång fras", actor="test")
    assert client.get("/").status_code == 302, "a new passphrase ends the old sessions"
    assert [e["action"] for e in audit.entries(db)][:3] == ["passphrase_set", "login", "login_failed"]


def test_the_central_store_refuses_a_passphrase(cdb):
    with pytest.raises(accounts.AccountError, match="user accounts"):
        accounts.set_passphrase(cdb, "lång hemlig fras")


# -- interviewers on the central ------------------------------------------------------------

def test_an_interviewer_sees_and_opens_only_own_submissions(central_app, cdb):
    own = make_submission(cdb, interviewer="ivar")
    other = make_submission(cdb, interviewer="inez", seed=4)
    client = logged_in(central_app, "ivar")
    page = client.get("/intervjuer").get_data(as_text=True)
    assert own in page and other not in page
    assert client.get(f"/s/{own}/sammanstallning").status_code == 200
    assert client.get(f"/s/{other}/sammanstallning").status_code == 404
    assert client.post(f"/s/{other}/oppna").status_code == 404
    assert store.get_submission(cdb, other).draft is None


def test_a_new_interview_on_the_central_is_the_logged_in_interviewers(central_app, cdb):
    client = logged_in(central_app, "ivar")
    response = client.post("/start", data={"questionnaire": "kub-webbenkat", "municipality": "2480"})
    sid = response.headers["Location"].split("/")[2]
    assert store.get_submission(cdb, sid).interviewer == "ivar"


def test_a_session_cookie_copied_before_logout_opens_nothing_after_it(central_app, cdb):
    client = logged_in(central_app, "ada")
    other_tab = logged_in(central_app, "ada")  # a second session of the same user, e.g. another browser
    cookie = client.get_cookie("session").value
    assert client.post("/logga-ut").status_code == 302
    thief = central_app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/admin/anvandare").status_code == 302
    assert other_tab.get("/admin/anvandare").status_code == 302, "logout ends every session of the user"


def test_a_laptop_session_cookie_copied_before_logout_opens_nothing_after_it(app, db):
    accounts.set_passphrase(db, "lång hemlig fras", actor="test")
    client = app.test_client()
    assert client.post("/logga-in", data={"password": "lång hemlig fras"}).status_code == 302
    cookie = client.get_cookie("session").value
    client.post("/logga-ut")
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/").status_code == 302
    assert client.post("/logga-in", data={"password": "lång hemlig fras"}).status_code == 302
    assert client.get("/").status_code == 200


def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(central_path):
    import threading

    limits = accounts.Limits(per_account=5, per_address=100, window=900)
    outcomes: list[str] = []
    start = threading.Barrier(30)

    def attempt(i: int) -> None:
        db = store.open_db(central_path)
        try:
            start.wait()
            accounts.log_in(db, "eva", f"guess {i}", f"10.0.0.{i}", limits)
        except accounts.LoginFailed:
            outcomes.append("checked")
        except accounts.LoginThrottled:
            outcomes.append("throttled")
        finally:
            db.conn.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["checked"] * 5 + ["throttled"] * 25
