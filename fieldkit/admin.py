"""Admin pages of the central server: user accounts, enrolled devices and the audit log."""

from __future__ import annotations

import segno
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from forms import registry
from sync import accounts, audit, devices
from sync.errors import SyncError

from . import audit_text
from .auth import actor, roles_required
from .db import get_db

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _back(message: str, category: str = "success"):
    """Say what happened on the users and devices page."""
    flash(message, category)
    return redirect(url_for(".users"))


@bp.get("/anvandare")
@roles_required("admin")
def users():
    db = get_db()
    return render_template("admin/users.html", users=accounts.list_users(db), roles=accounts.ROLES,
                           counties=registry.counties(), devices=_devices(db), form={})


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
            error = str(exc)
    if error:
        return render_template("admin/users.html", users=accounts.list_users(db), roles=accounts.ROLES,
                               counties=registry.counties(), devices=_devices(db), form=form, error=error), 422
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
        return _back(str(exc), "error")
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
        return _back(str(exc), "error")
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
        return _back(str(exc), "error")
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
    return render_template("admin/audit.html", rows=rows, actions=audit.actions_seen(db), action=action or "",
                           who=who or "", describe=audit_text.sentence, raw=audit.describe, limit=limit,
                           page_size=current_app.config["PAGE_SIZE"])
