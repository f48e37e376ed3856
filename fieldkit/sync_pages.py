"""The laptop's sync pages: what waits, when it last synced, connecting, sending, fetching, bundles, drafts.

A thin layer over `sync`: each button calls one library function; what went wrong is shown
on the page (offline is a normal state: nothing is lost, the interviews wait).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from urllib.parse import urlparse

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from sync import acks, client, devices, drafts, status, store
from sync.bundle import write_bundle
from sync.errors import SyncError

from . import i18n
from .db import get_db

bp = Blueprint("sync_pages", __name__, url_prefix="/sync")


def _plain_http(url: str | None) -> bool:
    """A central reached over plain http on another machine: answers and keys would cross the network unencrypted."""
    parts = urlparse(url or "")
    return parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1")


@bp.get("/")
def index():
    db = get_db()
    current = status.laptop_status(db)
    english = i18n.current_language() == "en"
    titles = {q["id"]: (q["title_en"] if english else q["title_sv"]) or q["id"] for q in store.list_questionnaires(db)}
    return render_template("sync/status.html", status=current, movable=len(drafts.movable_drafts(db)), titles=titles,
                           plain_http=_plain_http(current["central"]), default_folder=str(Path.home()))


def _done(message: str, category: str = "success"):
    flash(message, category)
    return redirect(url_for(".index"))


@bp.post("/koppla")
def connect():
    """Store the central's address and this laptop's enrolment code (`fieldkit sync setup`)."""
    try:
        ident = devices.setup(get_db(), request.form.get("url", "").strip(), request.form.get("code", "").strip())
    except SyncError as exc:
        return _done(gettext("The laptop could not be connected: %(reason)s", reason=str(exc)), "error")
    return _done(gettext("Connected to %(url)s as device %(device)s.", url=ident.url, device=ident.device_id[:8]))


@bp.post("/skicka")
def send():
    """Send what waits to the central now (`fieldkit sync push`)."""
    try:
        report = client.push(get_db())
    except SyncError as exc:
        return _done(gettext("Nothing more could be sent: %(reason)s. The interviews wait here and nothing is lost; "
                             "try again when there is a network.", reason=str(exc)), "error")
    return _done(ngettext("%(num)s revision sent, %(acked)s acknowledged; %(waiting)s still waiting.",
                          "%(num)s revisions sent, %(acked)s acknowledged; %(waiting)s still waiting.",
                          report.sent, acked=report.acknowledged, waiting=report.waiting))


@bp.post("/hamta")
def fetch():
    """Fetch new questionnaire versions, the registry and how the central now holds this laptop's interviews."""
    try:
        report = client.pull(get_db())
    except SyncError as exc:
        return _done(gettext("Nothing could be fetched: %(reason)s", reason=str(exc)), "error")
    titles = ", ".join(report.added) or gettext("none")
    message = gettext("New questionnaire versions: %(titles)s.", titles=titles) + " " + ngettext(
        "%(num)s interview updated from the central.", "%(num)s interviews updated from the central.",
        len(report.heads.updated))
    if report.conflicts:
        message += " " + "; ".join(report.conflicts)
    return _done(message, "error" if report.conflicts else "success")


@bp.post("/paket")
def bundle():
    """Save what waits as a bundle file in a folder, e.g. on a USB drive (`fieldkit sync bundle`)."""
    folder = Path(request.form.get("folder", "").strip() or ".").expanduser()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M")
    try:
        written = write_bundle(get_db(), folder / f"fieldkit-{stamp}.fkb")
    except SyncError as exc:
        return _done(gettext("No bundle was written: %(reason)s", reason=str(exc)), "error")
    return _done(ngettext("Saved %(path)s: %(num)s revision. Give it to the central; nothing is marked as sent "
                          "until its acknowledgement comes back.",
                          "Saved %(path)s: %(num)s revisions. Give it to the central; nothing is marked as sent "
                          "until its acknowledgement comes back.",
                          written.counts["revisions"], path=str(written.path)))


@bp.post("/kvittens")
def read_ack():
    """Read an acknowledgement file from the central (`fieldkit sync ingest-ack`)."""
    path = Path(request.form.get("file", "").strip()).expanduser()
    try:
        result = acks.read_ack_file(get_db(), path)
    except SyncError as exc:
        return _done(gettext("The acknowledgement was not read: %(reason)s", reason=str(exc)), "error")
    return _done(gettext("%(new)s revisions newly acknowledged; %(waiting)s still waiting.",
                         new=result["newly_acknowledged"], waiting=result["waiting"]))


@bp.get("/drafts")
def movable():
    return render_template("sync/drafts.html", rows=drafts.movable_drafts(get_db()))


@bp.post("/drafts/<sid>/move")
def move(sid: str):
    db = get_db()
    try:
        drafts.move_draft(db, sid)
    except store.StoreError as exc:
        if exc.status == 404:
            raise
        flash(str(exc), "error")
        return redirect(url_for(".movable"))
    return redirect(url_for(".moved", sid=sid))


@bp.get("/drafts/<sid>/moved")
def moved(sid: str):
    db = get_db()
    rows = list(db.query("select * from draft_moves where submission_uuid = ? order by id desc limit 1", [sid]))
    if not rows:
        return redirect(url_for(".movable"))
    move = dict(rows[0])
    move["carried"] = json.loads(move["carried"])
    move["dropped"] = json.loads(move["dropped"])
    return render_template("sync/moved.html", move=move, sid=sid)
