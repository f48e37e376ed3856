"""Login, logout and who may open which page.

On the central server (store setting `mode` = central) every page needs a login except
the login page, static files, the language switch and the device-authenticated sync API
under `/api/`. A field laptop has one local interviewer and needs no login unless a
passphrase was set. The guard runs before anything else in a request, the CSRF check
included, so nothing an anonymous or out-of-scope post carries is ever kept.
"""

from __future__ import annotations

import functools
import re
import time

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext

from forms.catalogues import N_
from sync import accounts, store
from sync.accounts import ROLES, User

from . import errors
from .db import get_db
from .urls import local_target

bp = Blueprint("auth", __name__)

#: What the login page says for each refusal of `accounts.log_in`.
LOGIN_ERRORS = {
    "login_failed": N_("Wrong user name or password."),
    "login_throttled": N_("Too many failed logins. Wait a while and try again."),
}

#: The nonce the login page sends with the form for the offline app's verifier (webapp/signin.js): kept in
#: the session only when the login succeeds, so that the app adopts only a verifier of the right password.
OFFLINE_NONCE = re.compile(r"[0-9a-f]{32}")

#: webapp.signins: the offline app asks which of its sign-in verifiers still hold, logged in or not (webapp.py).
PUBLIC_ENDPOINTS = {"auth.login", "static", "collect.set_language", "webapp.signins"}
API_PREFIX = "/api/"
#: Pages that only exist on the central server, and pages that only exist on a field laptop.
CENTRAL_BLUEPRINTS = {"review", "admin"}
FIELD_BLUEPRINTS = {"sync_pages"}
#: Who may use each blueprint on the central server; views narrow it further with `roles_required`.
BLUEPRINT_ROLES: dict[str | None, tuple[str, ...]] = {
    "auth": ROLES,
    "collect": ("admin", "interviewer"),
    "webapp": ("admin", "interviewer"),
    "review": ("admin", "evaluator", "county"),
    "quarterly": ("admin", "evaluator", "county"),
    "reports": ("admin", "evaluator", "county"),
    "admin": ("admin",),
}
#: A blueprint not listed above (added later) is open to these roles only, until someone decides otherwise.
DEFAULT_ROLES = ("admin", "evaluator")
#: Where each role lands after logging in (and when it opens a page meant for others, like `/`).
HOME = {"admin": "review.index", "evaluator": "review.index", "county": "review.index",
        "interviewer": "collect.start"}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, Secure when configured or when the request came over https."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SECURE_COOKIES")) or request.is_secure


def init_app(app) -> None:
    app.session_interface = SessionInterface()
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.register_blueprint(bp)
    # First of all request hooks: an unauthorised request must not reach the CSRF rescuers either.
    app.before_request_funcs.setdefault(None, []).insert(0, guard)
    app.context_processor(lambda: {"current_user": g.get("user"), "store_mode": g.get("mode"),
                                   "may": may})


# -- who is asking --------------------------------------------------------------

def current_user() -> User | None:
    return g.get("user")


def actor() -> str | None:
    user = current_user()
    return user.name if user else None


def current_scope() -> accounts.Scope:
    """The scope of the request's user; one that matches nothing when nobody is logged in."""
    user = current_user()
    if user is None:
        return accounts.Scope(county_code="-", interviewer="-", personal=False)
    return user.scope


def address() -> str:
    return request.remote_addr or "-"


def may(*roles: str) -> bool:
    """True if the request's user has one of the roles (the field laptop's local user has all)."""
    user = current_user()
    return user is not None and (user.local or user.role in roles)


def limits() -> accounts.Limits:
    config = current_app.config
    return accounts.Limits(config["LOGIN_MAX_FAILURES"], config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                           float(config["LOGIN_WINDOW_SECONDS"]))


def _session_user(settings: dict[str, str]) -> User | None:
    if settings.get("mode") == "central":
        name, epoch, at = session.get("user"), session.get("epoch"), session.get("at", 0)
        if not name or time.time() - at > current_app.config["SESSION_HOURS"] * 3600:
            return None
        return accounts.get_user(get_db(), name, epoch)
    key = accounts.local_session_key(settings)
    if key and session.get("local") != key:
        return None
    return accounts.local_user(settings)


def login_needed_response():
    if errors.wants_json():
        return errors.render_error(401, gettext("You need to log in."))
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))


def guard():
    """Load the user; send the anonymous to the login page and the unauthorised away."""
    endpoint = request.endpoint
    if endpoint == "static" or request.path.startswith(API_PREFIX):
        return None
    settings = store.get_settings(get_db())
    g.mode = settings.get("mode", "field")
    g.user = _session_user(settings)
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None
    user = g.user
    if user is None:
        return login_needed_response()
    blueprint = request.blueprint
    if g.mode != "central":
        if blueprint in CENTRAL_BLUEPRINTS:
            abort(404)
        return None
    if blueprint in FIELD_BLUEPRINTS:
        abort(404)
    if user.role not in BLUEPRINT_ROLES.get(blueprint, DEFAULT_ROLES):
        if endpoint == "collect.start":
            return redirect(url_for(HOME[user.role]))
        abort(403)
    sid = (request.view_args or {}).get("sid")
    if blueprint == "collect" and sid:
        accounts.scoped_submission(get_db(), sid, user.scope)  # NotFound (404) outside the scope
    return None


def roles_required(*roles: str):
    """Let only these roles (and the field laptop's local user) into a view; others get 403."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return login_needed_response()
            if not (user.local or user.role in roles):
                abort(403)
            return view(*args, **kwargs)
        wrapped.roles = roles
        return wrapped
    return decorate


login_required = roles_required(*ROLES)


# -- pages ----------------------------------------------------------------------

def _home(user: User) -> str:
    return url_for("collect.start") if user.local else url_for(HOME[user.role])


@bp.route("/logga-in", methods=["GET", "POST"])
def login():
    db = get_db()
    settings = store.get_settings(db)
    central = settings.get("mode") == "central"
    if not central and not settings.get("passphrase_hash"):
        return redirect(url_for("collect.start"))
    next_url = local_target(request.values.get("next"))
    if request.method == "GET":
        return render_template("auth/login.html", central=central, next_url=next_url, name="")
    name = (request.form.get("name") or "").strip()[: accounts.MAX_NAME * 2] if central else "local"
    try:
        user = accounts.log_in(db, name, request.form.get("password") or "", address(), limits())
    except (accounts.LoginThrottled, accounts.LoginFailed) as exc:
        return render_template("auth/login.html", central=central, next_url=next_url, name=name,
                               error=gettext(LOGIN_ERRORS[exc.reason])), exc.status
    session.clear()
    if central:
        session.update(user=user.name, epoch=user.epoch, at=time.time())
        nonce = request.form.get("offline_nonce") or ""
        if OFFLINE_NONCE.fullmatch(nonce):
            session["offline_nonce"] = nonce
    else:
        session["local"] = accounts.local_session_key(store.get_settings(db))
    return redirect(next_url or _home(user))


@bp.post("/logga-ut")
def logout():
    user = current_user()
    if user is not None:
        accounts.log_out(get_db(), user, address())
    session.clear()
    return redirect(url_for("auth.login"))
