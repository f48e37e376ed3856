"""The request's store connection: one `sqlite_utils.Database` per request on `g`."""

from __future__ import annotations

from flask import current_app, g
from sqlite_utils import Database

from sync.store import open_db


def get_db() -> Database:
    if "db" not in g:
        g.db = open_db(current_app.config["DB"])
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.conn.close()


def init_app(app) -> None:
    app.teardown_appcontext(close_db)
