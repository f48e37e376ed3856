"""Admin pages of the central server: user accounts, enrolled devices and the audit log."""

from __future__ import annotations

import segno
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from forms import registry
from forms.catalogues import N_
from sync import accounts, audit, devices
from sync.errors import SyncError

from . import audit_text
from .auth import actor, roles_required
from .i18n import label
from .db import get_db

bp = Blueprint("admin", __name__, url_prefix="/admin")


#: What the page says for each `reason` of an account or device error: the command line's messages name its
#: options (--lan) and list every choice, which the page's form already offers.
PROBLEMS: dict[str, str] = {
    "name_missing": N_("Write a user name."),
    "name_too_long": N_("A user name can have at most %(limit)s characters."),
    "name_characters": N_("A user name cannot contain tabs, line breaks or control characters."),
    "name_taken": N_("There is already a user named %(name)s; choose another name."),
    "no_such_user": N_("There is no user named %(name)s."),
    "role_unknown": N_("Choose a role from the list."),
    "county_missing": N_("Choose a county for a county user."),
    "county_unknown": N_("Choose a county from the list."),
    "county_not_for_role": N_("Only county users have a county: choose “–” as the county, or the role county."),
    "password_short": N_("The password must have at least %(limit)s characters."),
    "device_name_missing": N_("Write a name for the laptop."),
    "device_name_taken": N_("A device named %(name)s is already enrolled; choose another name or revoke the "
                            "old one first."),
    "no_such_device": N_("There is no device named %(name)s."),
}


def _problem(exc: Exception, name: str) -> str:
    """An account or device error in the page's language; `name` is the user or device the form named."""
    text = PROBLEMS.get(getattr(exc, "reason", None) or "")
    if text is None:
        return str(exc)  # not one the admin pages expect: the plain message rather than none
    limit = accounts.MIN_PASSWORD if exc.reason == "password_short" else accounts.MAX_NAME
    return gettext(text, name=name.strip(), limit=limit)


def _back(message: str, category: str = "success"):
    """Say what happened on the users and devices page."""
    flash(message, category)
    return redirect(url_for(".users"))


@bp.get("/anvandare")
@roles_required("admin")
def users():
    return _users_page(get_db(), {})


def _users_page(db, form: dict[str, str], error: str | None = None) -> str:
    """The users and devices page; `form` and `error` are a refused new user's fields and what was wrong."""
    counties = registry.counties()
    return render_template("admin/users.html", users=accounts.list_users(db), roles=accounts.ROLES,
                           counties=counties, county_names={c.code: c.name for c in counties},
                           devices=_devices(db), form=form, error=error)


def _devices(db):
    if not db["sync_devices"].exists():
        return None
    return list(db.query("select name, id, created, revoked_at, last_seen from sync_devices order by name"))


@bp.post("/anvandare")
@roles_required("admin")
def add_user():
    db = get_db()
    form = {k: request.form.get(k, "") for k in ("name", "role", "county")}
    password, again = request.form.get("password", ""), request.form.get("password_again", "")
    error = None
    if password != again:
        error = gettext("The passwords differ.")
    else:
        try:
            accounts.add_user(db, form["name"], form["role"], password,
                              county_code=form["county"] if form["role"] == "county" else None, actor=actor())
        except accounts.AccountError as exc:
            error = _problem(exc, form["name"])
    if error:
        return _users_page(db, form, error), 422
    return _back(gettext("The user %(name)s was added.", name=form["name"].strip()))


@bp.post("/anvandare/status")
@roles_required("admin")
def user_status():
    name = request.form.get("name", "")
    disable = request.form.get("disabled") == "1"
    if disable and name.lower() == (actor() or "").lower():
        return _back(gettext("You cannot disable yourself."), "error")
    try:
        accounts.set_disabled(get_db(), name, disable, actor=actor())
    except accounts.AccountError:
        abort(404)
    return _back(gettext("The user %(name)s is disabled.", name=name) if disable
                 else gettext("The user %(name)s is active again.", name=name))


@bp.post("/anvandare/losenord")
@roles_required("admin")
def reset_password():
    """Give a user a new password (audited); their sessions end."""
    db = get_db()
    name = request.form.get("name", "")
    password, again = request.form.get("password", ""), request.form.get("password_again", "")
    if password != again:
        return _back(gettext("The passwords differ."), "error")
    try:
        accounts.set_password(db, name, password, actor=actor())
    except accounts.AccountError as exc:
        return _back(_problem(exc, name), "error")
    return _back(gettext("The password of %(name)s was changed; their sessions have ended.", name=name))


@bp.post("/enheter")
@roles_required("admin")
def enrol_device():
    """Enrol a laptop; its code is shown on this answer only (never stored in a page or a log)."""
    db = get_db()
    name = request.form.get("device", "")
    try:
        device, code = devices.enrol(db, name, actor=actor())
    except SyncError as exc:
        return _back(_problem(exc, name), "error")
    qr = segno.make(code, error="m").svg_data_uri(scale=4, border=2)
    response = make_response(render_template("admin/enrolled.html", device=device, code=code, qr=qr))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/enheter/aterkalla")
@roles_required("admin")
def revoke_device():
    name = request.form.get("device", "")
    try:
        devices.revoke(get_db(), name, actor=actor())
    except SyncError as exc:
        return _back(_problem(exc, name), "error")
    return _back(gettext("The device %(name)s is revoked: its bundles and requests are refused from now on.",
                         name=name))


@bp.get("/logg")
@roles_required("admin")
def audit_page():
    db = get_db()
    action = request.args.get("action") or None
    who = request.args.get("actor") or None
    limit = min(max(request.args.get("limit", 200, type=int) or 200, 1), 2000)
    rows = audit.entries(db, limit=limit, action=action, actor=who)
    # The filter offers the actions in words (alphabetically in the page's language); its values stay the codes.
    actions = sorted(audit.actions_seen(db), key=lambda code: label("audit_action", code).casefold())
    return render_template("admin/audit.html", rows=rows, actions=actions, action=action or "",
                           who=who or "", describe=audit_text.sentence, raw=audit.describe, limit=limit,
                           page_size=current_app.config["PAGE_SIZE"])
