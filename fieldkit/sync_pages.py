"""The laptop's sync pages: what waits to be sent, when it last synced, and moving drafts to a new version."""

from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, url_for

from sync import drafts, status, store

from .db import get_db

bp = Blueprint("sync_pages", __name__, url_prefix="/sync")


@bp.get("/")
def index():
    db = get_db()
    return render_template("sync/status.html", status=status.laptop_status(db),
                           movable=len(drafts.movable_drafts(db)))


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
