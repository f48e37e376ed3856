"""The offline app's server side: JSON forms (forms.webjson) and the /app/ routes."""

from __future__ import annotations

import json
import re

import pytest

from forms.webjson import tree, webform

from forms_helpers import choices, make_questionnaire, section


def test_conditions_become_trees_without_source_text():
    assert tree("s.a == 'ja' and not (s.b > 2.5 or s.c in ['x', 1])") == [
        "and",
        ["cmp", "==", ["ref", "s.a", None], ["lit", "ja"]],
        ["not", ["or", ["cmp", ">", ["ref", "s.b", None], ["float", 2.5]],
                 ["in", ["ref", "s.c", None], ["list", [["lit", "x"], ["lit", 1]]]]]],
    ]
    # 1.0 stays a float (Python writes it "1.0" when it compares it with text); days() keeps its argument.
    assert tree("days(s.d - s.e) >= 1.0") == [
        "cmp", ">=", ["call", "days", ["arith", "-", ["ref", "s.d", None], ["ref", "s.e", None]]], ["float", 1.0]]
    assert tree("s.m[rad] is not answered") == ["not", ["answered", ["ref", "s.m", "rad"]]]
    assert tree("if(s.a, -s.b, 0)") == ["call", "if", ["ref", "s.a", None], ["neg", ["ref", "s.b", None]], ["lit", 0]]


def test_webform_carries_every_rule_the_pages_apply():
    questionnaire = make_questionnaire(sections=[
        section("a",
                {"id": "antal", "type": "integer", "label": "Antal", "required": True, "min": 0, "max": 200,
                 "dont_know": True},
                {"id": "val", "type": "multi", "label": "Val", "choices": choices("x", "y"), "other": True,
                 "not_applicable": True, "max": 1},
                {"id": "epost", "type": "text", "label": "E-post", "pattern": "[^@]+@[^@]+", "max_length": 80,
                 "relevant": "a.antal > 0"},
                {"id": "dag", "type": "date", "label": "Dag", "min": "2020-01-01"},
                {"id": "dubbelt", "type": "derived", "label": "Dubbelt", "expression": "a.antal * 2"},
                {"id": "rimligt", "type": "derived", "label": "Rimligt", "check": "a.antal < 100",
                 "message": {"sv": "Många!", "en": "Many!"}}),
        section("b", {"id": "not", "type": "note", "label": "Tack"}, relevant="a.antal is answered"),
    ])
    document = webform(questionnaire)
    assert (document["format"], document["format_version"], document["id"], document["version"]) == \
        ("fieldkit-webform", 1, "test", "1")
    assert document["content_hash"] == questionnaire.content_hash
    a, b = document["sections"]
    antal, val, epost, dag, dubbelt, rimligt = a["questions"]
    assert antal == {"id": "a.antal", "type": "integer", "label": {"sv": "Antal"}, "required": True, "min": 0, "max": 200,
                     "special": [{"code": "vet_ej", "label": {"sv": "Vet ej", "en": "Don't know"}}]}
    assert [c["code"] for c in val["choices"]] == ["x", "y", "annat", "ej_aktuellt"]
    assert (val["other"], val["max"]) == ("annat", 1)
    assert (epost["pattern"], epost["max_length"], epost["relevant"]) == \
        ("[^@]+@[^@]+", 80, ["cmp", ">", ["ref", "a.antal", None], ["lit", 0]])
    assert dag["min"] == "2020-01-01"
    assert (dubbelt["expression"], dubbelt["rule"], dubbelt["result"]) == \
        (["arith", "*", ["ref", "a.antal", None], ["lit", 2]], None, "integer")
    assert (rimligt["rule"], rimligt["result"], rimligt["message"]) == ("check", "yesno", {"sv": "Många!", "en": "Many!"})
    assert b["relevant"] == ["answered", ["ref", "a.antal", None]]
    assert document["derived_order"] == ["a.dubbelt", "a.rimligt"] and document["booleans"] == ["a.rimligt"]
    assert document["messages"]["sv"]["required"] == "Frågan måste besvaras."
    assert document["messages"]["en"]["max_choices"] == ["Choose at most %(num)s option.", "Choose at most %(num)s options."]
    # The browser gets trees, never an expression to evaluate as source.
    assert "a.antal > 0" not in json.dumps(document) and "a.antal * 2" not in json.dumps(document)


def test_app_routes_serve_shell_worker_and_data(client):
    shell = client.get("/app/")
    assert shell.status_code == 200
    html = shell.get_data(as_text=True)
    assert 'rel="manifest" href="/app/manifest.webmanifest"' in html
    assert 'data-worker="/app/sw.js"' in html and "<script>" not in html
    assert "script-src 'self'" in shell.headers["Content-Security-Policy"]

    worker = client.get("/app/sw.js")
    assert worker.mimetype == "text/javascript" and worker.headers["Cache-Control"] == "no-cache"
    source = worker.get_data(as_text=True)
    files = json.loads(source.split("var FIELDKIT_FILES = ", 1)[1].split(";\n", 1)[0])
    assert {"/app/", "/app/forms.json", "/app/registry.json", "/app/texts.json", "/static/webapp/webapp.js",
            "/static/webapp/expr.js", "/static/app.css"} <= set(files)
    for url in files:  # everything the worker keeps offline exists
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()

    manifest = client.get("/app/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert (manifest.json["start_url"], manifest.json["scope"], manifest.json["display"]) == ("/app/", "/app/", "standalone")

    forms = client.get("/app/forms.json")
    assert forms.headers["Cache-Control"] == "no-store"
    ids = [(f["id"], f["version"]) for f in forms.json["questionnaires"]]
    assert ("smak-kontaktlogg", "3") in ids and ("kub-webbenkat", "3") in ids
    assert len(ids) == len({i for i, _v in ids})  # the newest version of each, once

    registry = client.get("/app/registry.json").json
    assert len(registry["municipalities"]) == 290 and len(registry["counties"]) == 21
    assert {"code": "2480", "name": "Umeå", "county_code": "24", "county": "Västerbottens län"} in registry["municipalities"]

    texts = client.get("/app/texts.json").json
    assert texts["sv"]["Interviews not yet sent"] == "Intervjuer som inte har skickats"
    assert texts["en"]["Part %(n)s of %(total)s"] == "Part %(n)s of %(total)s"


def test_the_app_gets_the_level_of_each_form_the_districts_and_whose_page_it_is(central_app):
    import time

    client = central_app.test_client()
    with client.session_transaction() as session:
        session.update(user="ivar", epoch=0, at=time.time())
    # The page names nobody on the central (offline a cached copy would name whoever opened it last); the app
    # asks GET /app/enrol, never cached, who is logged in.
    shell = client.get("/app/").get_data(as_text=True)
    assert 'data-user=""' in shell and 'data-central="1"' in shell and "ivar" not in shell
    assert client.get("/app/enrol").json["user"] == "ivar"
    levels = {f["id"]: f["level"] for f in client.get("/app/forms.json").json["questionnaires"]}
    assert levels["sthlm-uppfoljning"] == "district" and levels["kub-webbenkat"] == "municipality"
    districts = client.get("/app/registry.json").json["districts"]
    assert len(districts) == 14  # forms/data/stadsdelar.csv: Stockholm's 14 district administrations
    assert {"code": "0180-08", "name": "Södermalm", "municipality_code": "0180"} in districts


def test_county_user_gets_no_forms_on_the_central(central_app, central_path):
    import time

    client = central_app.test_client()
    with client.session_transaction() as session:
        session.update(user="lena", epoch=0, at=time.time())
    assert client.get("/app/forms.json").status_code == 403
    with client.session_transaction() as session:
        session.update(user="ivar", epoch=0, at=time.time())
    assert client.get("/app/forms.json").status_code == 200


def test_enrolment_makes_an_audited_device_for_the_logged_in_user_and_needs_csrf(central_csrf_app, central_path):
    import re

    from sync import devices, store
    from sync.audit import entries

    from central_helpers import login

    client = central_csrf_app.test_client()
    page = client.get("/logga-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert login(client, "ivar", csrf_token=token).status_code == 302

    info = client.get("/app/enrol", headers={"X-Requested-With": "fetch"})
    assert info.headers["Cache-Control"] == "no-store"
    assert (info.json["central"], info.json["user"], info.json["api"]) == (True, "ivar", "/api/v1/sync")
    # Without the CSRF token nothing is enrolled.
    refused = client.post("/app/enrol", json={}, headers={"X-Requested-With": "fetch"})
    assert refused.status_code == 400
    db = store.open_db(central_path)
    assert devices.list_devices(db) == []

    answer = client.post("/app/enrol", json={}, headers={"X-Requested-With": "fetch", "X-CSRFToken": info.json["csrf_token"]})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    device = devices.get_device(db, answer.json["device_id"])
    assert answer.json["key"] == device.key and len(device.key) == 64
    assert re.fullmatch(r"webb-ivar-\d{8}-[0-9a-f]{4}", device.name) and answer.json["name"] == device.name
    entry = entries(db, action="device_enrolled")[0]
    assert (entry["actor"], entry["target"]) == ("ivar", device.name)
    assert entry["details"] == {"id": device.id, "browser_of": "ivar"}


def test_a_field_laptop_enrols_no_browser(client):
    assert client.get("/app/enrol").json["central"] is False
    assert client.post("/app/enrol", json={}).status_code == 404


def test_a_login_keeps_the_nonce_of_the_offline_verifier_only_when_it_succeeds(central_app):
    """The login page sends a nonce with the form (webapp/login.js); the app adopts its verifier only with it."""
    from central_helpers import PASSWORD, login

    nonce = "0123456789abcdef" * 2
    client = central_app.test_client()
    assert login(client, "ivar", "not the password", offline_nonce=nonce).status_code == 401
    assert client.get("/app/enrol", headers={"X-Requested-With": "fetch"}).status_code == 401
    assert login(client, "ivar", PASSWORD, offline_nonce=nonce).status_code == 302
    answer = client.get("/app/enrol")
    assert (answer.json["user"], answer.json["offline_nonce"]) == ("ivar", nonce)
    assert answer.headers["Cache-Control"] == "no-store"
    # Another login without a nonce (no WebCrypto) or with something else leaves none from before.
    for other in ("", "<script>", nonce.upper(), nonce + "00"):
        assert login(client, "ivar", PASSWORD, offline_nonce=other).status_code == 302
        assert client.get("/app/enrol").json["offline_nonce"] is None


def test_the_login_page_brings_the_offline_verifier_script(central_app):
    page = central_app.test_client().get("/logga-in").get_data(as_text=True)
    assert "webapp/login.js" in page and "data-offline-signin" in page and 'name="offline_nonce"' in page
    # The unsent notice: how many users, never who (the texts carry no names; the script fills in a number).
    assert 'data-many="Webbläsaren har fortfarande intervjuer från offlineappen som inte har skickats, från %(n)s ' \
           'användare.' in page


def test_an_interviewers_ticket_holds_until_the_password_changes_or_the_user_is_disabled(
        central_app, central_csrf_app, cdb):
    """The ticket the app keeps with a verifier; POST /app/signins (no login, no CSRF) says which still hold."""
    from central_helpers import logged_in, login
    from sync import accounts

    ivar = logged_in(central_app, "ivar").get("/app/enrol").json["offline_ticket"]
    inez = logged_in(central_app, "inez").get("/app/enrol").json["offline_ticket"]
    assert re.fullmatch(r"[0-9a-f]{64}", ivar) and ivar != inez
    # An administrator's password is never kept offline: no ticket, no nonce.
    admin = logged_in(central_app, "ada").get("/app/enrol").json
    assert (admin["user"], admin["offline_ticket"], admin["offline_nonce"]) == ("ada", None, None)

    anonymous = central_csrf_app.test_client()

    def valid(tickets):
        answer = anonymous.post("/app/signins", json={"tickets": tickets})
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
        return answer.json["valid"]

    assert valid({"ivar": ivar, "inez": inez}) == ["inez", "ivar"]
    # A ticket is one user's: swapped, made up or for an unknown name, it says nothing.
    assert valid({"ivar": inez, "inez": ivar, "nobody": ivar, "ada": "0" * 64}) == []
    accounts.set_password(cdb, "ivar", "a new password for ivar")
    accounts.set_disabled(cdb, "inez", True)
    assert valid({"ivar": ivar, "inez": inez}) == []
    accounts.set_disabled(cdb, "inez", False)
    assert valid({"ivar": ivar, "inez": inez}) == ["inez"]
    # A login with the new password brings a new ticket, the one that holds now.
    client = central_app.test_client()
    assert login(client, "ivar", "a new password for ivar").status_code == 302
    renewed = client.get("/app/enrol").json["offline_ticket"]
    assert renewed != ivar and valid({"ivar": renewed, "inez": inez}) == ["inez", "ivar"]


@pytest.mark.parametrize("body", [None, {}, {"tickets": []}, {"tickets": {"ivar": 1}},
                                  {"tickets": {str(n): "x" for n in range(201)}}])
def test_a_ticket_check_of_another_shape_is_refused_saying_what_it_takes(central_app, body):
    answer = central_app.test_client().post("/app/signins", json=body) if body is not None else \
        central_app.test_client().post("/app/signins", data="not json")
    assert answer.status_code == 400
    assert answer.json["error"] == 'the body must be JSON {"tickets": {name: ticket}} with at most 200 names'


def test_a_field_laptop_checks_no_tickets(client):
    assert client.post("/app/signins", json={"tickets": {}}).status_code == 404
