"""Builders for the sync tests: interviews and edits, store dumps, bundles rewritten, a real server, a bad network.

The stores come from conftest.py's factories `make_central` and `make_laptop`.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import zipfile
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from sync import demo, store
from sync.bundle import BundleWriter

QID = "kub-webbenkat"
MUNICIPALITY = "2480"  # Umeå


def interview(db: Database, answers: dict[str, Any] | None = None, *, municipality: str = MUNICIPALITY) -> str:
    """A completed kub-webbenkat interview; returns its uuid."""
    sid = store.create_submission(db, QID, municipality)
    store.complete_submission(db, sid, answers or {"lok.har_lok": "nej"})
    return sid


def edit(db: Database, sid: str, changes: dict[str, Any], *, author: str | None = None) -> dict[str, Any]:
    """Reopen a completed interview and complete it again with `changes` applied: a new revision."""
    sub = store.get_submission(db, sid)
    store.reopen_submission(db, sid)
    return store.complete_submission(db, sid, {**sub.answers, **changes}, author=author)


def demo_interviews(db: Database, n: int, seed: int = 1) -> int:
    """n synthetic kub-webbenkat interviews (about 5 % stay drafts); returns how many are complete."""
    return demo.make_demo(db, n, seed, [QID])["complete"]


def copy_submission(source: Database, target: Database, sid: str) -> None:
    """Give `target` a copy of a submission and its revisions, as if the interview moved between laptops."""
    sub = next(source.query("select * from submissions where uuid = ?", [sid]))
    target["submissions"].insert(sub)
    target["revisions"].insert_all(source.query("select * from revisions where submission_uuid = ?", [sid]))


def dump(db: Database) -> list[str]:
    """Every statement that would rebuild the store: equal dumps mean equal stores."""
    return list(db.conn.iterdump())


def counts(db: Database) -> dict[str, int]:
    return {table: db[table].count for table in ("submissions", "revisions", "sync_received", "sync_conflicts")}


def rewrite_zip(path: Path, target: Path, change) -> None:
    """Copy a bundle, passing each entry's bytes through `change(name, data)`; keeps valid zip CRCs."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))


def manifest(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("manifest.json"))


def record_texts(path: Path) -> list[str]:
    """The JSON text of each record in a bundle, in order."""
    with zipfile.ZipFile(path) as zf:
        data = gzip.decompress(zf.read("records.jsonl.gz")).decode("utf-8")
    return [line.split(" ", 1)[1] for line in data.splitlines()]


def resign(path: Path, target: Path, device_id: str, key: str, texts: list[str] | None = None,
           **manifest_changes: Any) -> Path:
    """Write a validly signed bundle with other records or manifest fields (a buggy or newer writer)."""
    old = manifest(path)
    writer = BundleWriter(target, device_id, key, bundle_id=old["bundle_id"])
    for text in record_texts(path) if texts is None else texts:
        writer.add(text)
    writer.close(old["counts"], old["questionnaires"], **manifest_changes)
    return target


# -- a real central server on 127.0.0.1, and a proxy that drops connections ---------------

def closed_before_sent(app):
    """`app` with each answer read whole, and its iterable closed, before werkzeug's server writes it.

    werkzeug closes an answer's iterable in a `finally` that first reads what is left on the socket; when the
    browser has reset the connection (a page left while its favicon or a script was still coming), that read
    raises, the iterable of a static file is never closed, and the file's ResourceWarning surfaces when the
    garbage collector finds it: in whichever test runs then, failed by the suite's `filterwarnings = error`.
    The answers here are small, and none is a stream.
    """
    def answer(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
    return answer


class Server:
    """The central's Flask app under werkzeug's threaded server, on a free port of 127.0.0.1."""

    def __init__(self, db_path: Path):
        from werkzeug.serving import make_server

        from fieldkit import config
        from fieldkit.app import create_app

        config.ensure_secret_key(config.instance_path_for(db_path))
        self.app = create_app({"DB": str(db_path), "TESTING": True})
        self.server = make_server("127.0.0.1", 0, closed_before_sent(self.app), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # A short poll: shutdown() waits for the loop to notice, half a second per server by default.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(5)
        self.server.server_close()


class DroppingProxy:
    """A TCP proxy to `port` that cuts every connection once `limit` bytes went one way.

    `direction` is "up" (laptop to central: the request is cut) or "down" (central to laptop:
    the answer is lost after the central acted on the request). Connections after the cut are closed at once.
    """

    def __init__(self, port: int, limit: int, direction: str = "up"):
        self.port = port
        self.limit = limit
        self.direction = direction
        self.passed = 0
        self.cut = False
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.accept, daemon=True)

    def __enter__(self) -> "DroppingProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.listener.close()

    def accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.port))
            threading.Thread(target=self.pump, args=(client, upstream, "up"), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client, "down"), daemon=True).start()

    def pump(self, source: socket.socket, target: socket.socket, way: str) -> None:
        try:
            while data := source.recv(4096):
                truncated = False
                if way == self.direction:
                    with self.lock:
                        room = self.limit - self.passed
                        if room <= 0 or self.cut:
                            self.cut = True
                            break
                        truncated = len(data) > room
                        data = data[:room]
                        self.passed += len(data)
                        self.cut = self.cut or truncated
                target.sendall(data)
                if truncated:
                    # Cut now: waiting for more to arrive would wait for a client that has sent everything
                    # and waits for an answer (until its timeout, a minute).
                    break
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
