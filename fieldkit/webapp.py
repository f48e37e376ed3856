"""The installable offline web app: its shell, service worker, manifest and the data it keeps offline.

Everything lives under /app/ so that the service worker (served from /app/sw.js) controls
exactly these pages. The app itself is static JavaScript (fieldkit/static/webapp/); the
server hands it the JSON forms (forms.webjson) of the questionnaires this user may collect,
the municipality registry and its texts in Swedish and English. Interviews are kept in the
browser's IndexedDB; see docs/guide.md, "The offline web app".
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request, session, url_for
from flask_wtf.csrf import generate_csrf

from forms import registry
from forms.catalogues import LANGUAGES, N_
from forms.webjson import digest as webjson_digest
from forms.webjson import webform
from sync import accounts, devices, store

from . import auth, i18n
from .api import bp as api_bp
from .db import get_db

bp = Blueprint("webapp", __name__, url_prefix="/app")

STATIC = Path(__file__).resolve().parent / "static"
#: The files the service worker keeps for offline use, besides the shell and the data below.
SHELL_FILES = ("app.css", "favicon.svg", "webapp/webapp.css", "webapp/expr.js", "webapp/answers.js",
               "webapp/storage.js", "webapp/sync.js", "webapp/signin.js", "webapp/webapp.js", "webapp/register.js")

#: The app's own texts, by English msgid; translated into every language in texts.json.
TEXTS = (
    N_("fieldkit offline"),
    N_("Interviews in this browser"),
    N_("Start an interview"),
    N_("Questionnaire"),
    N_("Municipality"),
    N_("Search municipality (name or code)"),
    N_("Start"),
    N_("Choose a questionnaire and a municipality."),
    N_("Interviews not yet sent"),
    N_("No interviews are waiting to be sent."),
    N_("Draft"),
    N_("Complete"),
    N_("Continue"),
    N_("Show"),
    N_("Part %(n)s of %(total)s"),
    N_("Previous"),
    N_("Next"),
    N_("Review and complete"),
    N_("Complete the interview"),
    N_("Back to the start"),
    N_("Saved in this browser %(time)s"),
    N_("Could not save in this browser: %(reason)s"),
    N_("Persistent storage: granted. The browser will not clear the interviews to free space."),
    N_("Persistent storage: not granted. The browser may clear the interviews when space runs low; "
       "send them or save them to a file soon."),
    N_("Persistent storage: this browser cannot tell."),
    N_("Online"),
    N_("Offline: everything is saved in this browser."),
    N_("Answer the questions that are marked, then complete."),
    N_("Warnings (you can complete anyway)"),
    N_("Check the warnings on this page. You can continue anyway."),
    N_("Questions that need an answer"),
    N_("%(n)s of %(total)s questions are unanswered."),
    N_("All questions are answered."),
    N_("The interview is complete and saved in this browser. It has not been sent yet."),
    N_("Completed %(time)s"),
    N_("Clear the answer"),
    N_("Other, please specify"),
    N_("Required"),
    N_("Language"),
    N_("updated %(time)s"),
    N_("The questionnaire of this interview is missing in this browser."),
    N_("This interview does not exist in this browser."),
    N_("The app could not load its data. Open it once while connected to the server."),
    N_("Answers"),
    N_("Questions the answers skip are not shown."),
    N_("Computed"),
    N_("Yes"),
    N_("No"),
    N_("The form data was updated %(time)s."),
    N_("Refused by the central: %(reason)s"),
    N_("Waiting to be sent"),
    N_("Sent interviews"),
    N_("Sent"),
    N_("Sent and acknowledged %(time)s"),
    N_("Sent %(sent)s, acknowledged %(acked)s by the central %(time)s."),
    N_("Nothing to send %(time)s: the central holds every completed interview."),
    N_("The send failed %(time)s: %(reason)s. Everything is kept in this browser; try again later."),
    N_("This browser is not enrolled: while connected and logged in, enrol it once to send interviews from it."),
    N_("The central revoked the enrolment of this browser. Nothing was deleted here: log in and enrol it again, "
       "then send."),
    N_("This browser is enrolled as %(name)s for %(user)s."),
    N_("Working…"),
    N_("Log in on the server first, then enrol the browser."),
    N_("Could not do it: %(reason)s"),
    N_("Enrol this browser"),
    N_("Send to the central"),
    N_("Sending…"),
    N_("Save to file"),
    N_("%(n)s completed revisions wait for the central's acknowledgement."),
    N_("The file holds every interview not yet acknowledged, signed by this browser; the central reads it with "
       "`fieldkit sync ingest`."),
    N_("Saved to the file %(name)s %(time)s."),
    N_("the server could not be reached"),
    N_("the server had an error (%(status)s)"),
    N_("the enrolment of this browser was revoked"),
    N_("the central does not know this browser"),
    N_("this browser is not enrolled"),
    N_("The interview is complete; the central acknowledged it %(time)s."),
    N_("Reopen for editing"),
    N_("The browser has no room left to save. The last change was NOT saved; everything saved before is kept. "
       "Send the interviews or save them to a file, then free space in the browser."),
    N_("This interview was changed in another tab or window; this change was not saved. Reload the page "
       "to continue with what was saved there."),
    N_("The stored questionnaire %(id)s version %(version)s does not match what the server sent: it was changed "
       "in this browser, so it is not used. Open the app while connected to the server to load it again."),
    N_("The browser's storage for this app is nearly full: %(used)s of %(quota)s MB used. Send the interviews or save "
       "them to a file now; new answers may not fit."),
    N_("Stored questionnaires that differed from the server's were loaded again: %(which)s."),
    N_("The central no longer offers this questionnaire; the draft keeps version %(version)s and can be completed."),
    N_("Version %(version)s is on the central now; a completed interview keeps its version."),
    N_("Move to version %(version)s"),
    N_("The draft moved from version %(from)s to %(to)s: %(carried)s answers carried, %(dropped)s could "
       "not be (they are kept with the interview)."),
    N_("Version %(version)s is on the central now; this draft keeps version %(old)s until you move it."),
    N_("Edit here instead"),
    N_("This interview was taken over in another tab or window. Everything answered here is saved; continue there, "
       "or take it back here."),
    N_("This interview is open in another tab or window. To keep one version of the answers it can be edited in "
       "one place at a time."),
    # Repeats and the range, rank, acknowledge and geopoint questions, as the server's pages word them.
    N_("Move up"),
    N_("Move down"),
    N_("Remove"),
    N_("Add %(what)s"),
    N_("None added yet."),
    N_("OK"),
    N_("Latitude"),
    N_("Longitude"),
    N_("Altitude (m)"),
    N_("Accuracy (m)"),
    N_("Use this device's location"),
    N_("Finding the location…"),
    N_("The location is not available: type the coordinates."),
    N_("Put the options in order, the first place first: move an option with its up and down buttons."),
    N_("Keep this order"),
    N_("%(min)s to %(max)s"),
    # A questionnaire answered per district; several users of one browser.
    N_("District"),
    N_("%(questionnaire)s is answered per district: choose a district of %(municipality)s."),
    N_("This interview belongs to another user of this browser."),
    N_("Interviews of another user waiting in this browser: %(n)s. They are not shown here; they will be sent when "
       "that user logs in here again."),
    # Who works in the app: logged in on the central, or signed in offline with a password (signin.js).
    N_("Sign in without a connection"),
    N_("You are offline, so the central cannot tell who you are. Choose your name and type the password you log in "
       "to the central with."),
    N_("Only users who have logged in on the central in this browser while connected can work in it offline. Never "
       "logged in here? Connect to the network, log in on the central and open the offline app once; after that you "
       "can sign in here without a connection too."),
    N_("Nobody has logged in on the central in this browser yet, so nobody can work in it offline."),
    N_("Your name"),
    N_("Password"),
    N_("Choose your name"),
    N_("Choose your name and type your password."),
    N_("Checking…"),
    N_("Wrong password."),
    N_("Too many wrong passwords for this name: wait %(seconds)s seconds before you try again."),
    N_("Log in on the central"),
    N_("The central can be reached, but you are not logged in there. Log in to continue."),
    N_("Log in"),
    N_("Log out"),
    N_("Signing in without a connection is not set up for you in this browser yet. Log out and log in again while "
       "connected; after that you can work here offline too."),
)


@functools.lru_cache(maxsize=1)
def _static_version() -> str:
    """A digest of the app's files: a new one makes browsers install the new service worker."""
    digest = hashlib.sha256()
    for name in SHELL_FILES + ("webapp/sw.js",):
        digest.update((STATIC / name).read_bytes())
    return digest.hexdigest()[:16]


def _static_urls() -> list[str]:
    return [url_for("static", filename=name) for name in SHELL_FILES]


@bp.get("/")
def shell():
    """The one page of the app; it draws every screen itself from the data it keeps offline.

    The app shows and sends only one user's interviews (a browser may be shared). On a field laptop that is the
    laptop's interviewer, named here. On the central the page names nobody: offline it comes from the service
    worker's cache, so the app asks GET /app/enrol who is logged in, and without an answer the user signs in
    with their password (docs/sync.md, "Signing in offline"); a sign-in lasts in the tab as long as a login.
    """
    user = auth.current_user()
    central = store.get_settings(get_db()).get("mode") == "central"
    response = Response(render_template("webapp/shell.html", lang=i18n.current_language(), central=central,
                                        user="" if central or user is None else user.name,
                                        session_hours=current_app.config["SESSION_HOURS"]))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def worker():
    """The service worker, from /app/ so that it controls the app's pages (and no others)."""
    source = (STATIC / "webapp" / "sw.js").read_text(encoding="utf-8")
    data_urls = [url_for(".shell"), url_for(".questionnaires"), url_for(".municipalities"), url_for(".texts"),
                 url_for(".manifest")]
    header = (f"var FIELDKIT_VERSION = {json.dumps(_static_version())};\n"
              f"var FIELDKIT_SHELL = {json.dumps(url_for('.shell'))};\n"
              f"var FIELDKIT_FILES = {json.dumps(_static_urls() + data_urls)};\n")
    response = Response(header + source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    lang = i18n.current_language()
    data = {
        "name": i18n.CATALOGUE.gettext("fieldkit offline", lang),
        "short_name": "fieldkit",
        "lang": lang,
        "start_url": url_for(".shell"),
        "scope": url_for(".shell"),
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#16324f",
        "icons": [{"src": url_for("static", filename="favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/forms.json")
def questionnaires():
    """The JSON forms of the newest version of every questionnaire this user may collect, each with its digest.

    `?want=ID:VERSION,...` adds older versions the browser's drafts still use (in "kept"), so that a
    stored copy that no longer matches its digest can be loaded again; unknown versions are left out.
    """
    db = get_db()
    documents = [_signed(store.get_questionnaire(db, row["id"], row["version"]))
                 for row in store.list_questionnaires(db)]
    current = {(d["id"], d["version"]) for d in documents}
    kept = []
    for item in request.args.get("want", "").split(",")[:WANTED_MAX]:
        qid, _colon, version = item.partition(":")
        if not version or (qid, version) in current:
            continue
        try:
            kept.append(_signed(store.get_questionnaire(db, qid, version)))
        except store.StoreError:
            continue
        current.add((qid, version))
    return _no_store(jsonify({"generated": store.now(), "questionnaires": documents, "kept": kept}))


#: Older versions one forms.json request may add.
WANTED_MAX = 50


def _signed(questionnaire) -> dict:
    document = webform(questionnaire)
    document["digest"] = webjson_digest(document)
    return document


@bp.get("/registry.json")
def municipalities():
    return jsonify({
        "counties": [{"code": c.code, "name": c.name} for c in registry.counties()],
        "municipalities": [{"code": m.code, "name": m.name, "county_code": m.county_code, "county": m.county}
                           for m in registry.municipalities()],
        # The units a questionnaire answered per district (level "district") is answered for.
        "districts": [{"code": d.code, "name": d.name, "municipality_code": d.municipality_code}
                      for d in registry.districts()],
    })


@bp.get("/texts.json")
def texts():
    """The app's texts in every language: {lang: {msgid: text}}."""
    return jsonify({lang: {msgid: i18n.CATALOGUE.gettext(msgid, lang) for msgid in TEXTS}
                    for lang in LANGUAGES})


@bp.get("/enrol")
def enrolment():
    """Who is logged in, and what the app needs before it enrols this browser: whether it can here, a CSRF token.

    On the central the app asks this first, every time it opens: the answer (never cached) says who works
    online; no answer means offline, and then the user signs in with the password verifier kept in the browser
    (webapp/signin.js). `offline_nonce` names the verifier the login page made as this session's login
    succeeded, and `offline_ticket` marks the password it was made of; both only for a role that may sign in
    offline (OFFLINE_SIGNIN_ROLES).
    """
    user = auth.current_user()
    db = get_db()
    central = store.get_settings(db).get("mode") == "central"
    offline = central and user is not None and not user.local and user.role in OFFLINE_SIGNIN_ROLES
    return _no_store(jsonify({"central": central, "user": user.name if user and not user.local else None,
                              "csrf_token": generate_csrf(), "api": api_bp.url_prefix,
                              "offline_nonce": session.get("offline_nonce") if offline else None,
                              "offline_ticket": _offline_ticket(db, user.name) if offline else None}))


#: Roles whose password the offline app may keep a verifier of. The verifier lets whoever holds the browser
#: guess the password offline (docs/sync.md, "Signing in offline"), so an administrator's, which opens
#: everything on the central, is never kept: administrators use the app while logged in.
OFFLINE_SIGNIN_ROLES = ("interviewer",)
#: The most tickets one check takes (a browser holds one per user who signed in there).
MAX_TICKETS = 200


def _offline_ticket(db, name: str) -> str | None:
    """A mark of the user's current password, kept with the offline app's verifier of it.

    An HMAC (the app's secret key) of the name and the stored password hash: it reveals nothing of either,
    and it stops matching once the password is changed or the user disabled, which is how the next online
    contact tells the app to drop a verifier (POST /app/signins).
    """
    stored = accounts.password_hash_of(db, name)
    if stored is None:
        return None
    key = current_app.config["SECRET_KEY"]
    message = b"fieldkit offline sign-in\0" + name.encode() + b"\0" + stored.encode()
    return hmac.new(key if isinstance(key, bytes) else key.encode(), message, hashlib.sha256).hexdigest()


@bp.post("/signins")
def signins():
    """Which of the offline app's verifiers still hold: {"tickets": {name: ticket}} -> {"valid": [name...]}.

    Asked without a login (the user may have signed in offline) whenever the app reaches the central; the
    app drops the verifier of every name not in `valid`. The ticket is the credential: without one made for
    the user's current password the answer says nothing about a name, whether it exists or not. It changes
    nothing, so it needs no CSRF token.
    """
    db = get_db()
    if store.get_settings(db).get("mode") != "central":
        return _no_store(jsonify({"error": "only the central server checks offline sign-ins", "status": 404})), 404
    body = request.get_json(silent=True)
    tickets = body.get("tickets") if isinstance(body, dict) else None
    if not isinstance(tickets, dict) or len(tickets) > MAX_TICKETS or not all(
            isinstance(name, str) and isinstance(ticket, str) for name, ticket in tickets.items()):
        return _no_store(jsonify({"error": f"the body must be JSON {{\"tickets\": {{name: ticket}}}} with at most "
                                           f"{MAX_TICKETS} names", "status": 400})), 400
    valid = []
    for name, ticket in tickets.items():
        user = accounts.get_user(db, name)
        current = _offline_ticket(db, name) if user and user.role in OFFLINE_SIGNIN_ROLES else None
        if current is not None and hmac.compare_digest(current, ticket):
            valid.append(name)
    return _no_store(jsonify({"valid": sorted(valid)}))


@bp.post("/enrol")
def enrol():
    """Enrol this browser as a device of the logged-in user (audited); its id and key go to the browser once.

    The key is in this one answer only (no-store): the app imports it into WebCrypto as a key that
    cannot be read back and keeps that in IndexedDB. CSRF-checked like every form (X-CSRFToken).
    """
    db = get_db()
    user = auth.current_user()
    if store.get_settings(db).get("mode") != "central" or user is None or user.local:
        return _no_store(jsonify({"error": "only the central server enrols browsers", "status": 404})), 404
    device = devices.enrol_browser(db, user.name)
    return _no_store(jsonify({"device_id": device.id, "key": device.key, "name": device.name, "user": user.name,
                              "created": device.created, "api": api_bp.url_prefix,
                              "central": request.host_url.rstrip("/")}))


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
