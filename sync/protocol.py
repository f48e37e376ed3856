"""The central's side of the HTTP protocol, without a web framework: authenticate a request, read a chunk."""

from __future__ import annotations

import json
import re
import time
from typing import Iterator, Mapping

from sqlite_utils import Database

from . import accounts, catalog, devices, signing, store
from .bundle import split_line
from .errors import BundleRejected, DeviceError, SyncError

#: How far a request's timestamp may be from the central's clock (the client corrects itself once).
WINDOW_SECONDS = 300
_NONCE = re.compile(r"^[0-9a-f]{16,64}$")


class RequestError(SyncError):
    """A request body the central cannot read."""

    status = 400
    reason = "bad_request"


class AuthError(SyncError):
    """A request that is not from an enrolled, unrevoked device. `status` is 401 or 403."""

    def __init__(self, status: int, reason: str, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.extra = extra


def authenticate(db: Database, method: str, path: str, headers: Mapping[str, str], body: bytes,
                 now: float | None = None) -> devices.Device:
    """The device that signed this request, or AuthError saying why not.

    Checks, in order: the headers are there, the device is enrolled (401) and not revoked (403), a
    browser's user is not disabled (403),
    the timestamp is within the window (401 clock_skew, with the central's time), the signature
    (401), and that the nonce was not used before (401 replayed). Records the nonce.
    """
    now = time.time() if now is None else now
    device_id = headers.get("X-Fieldkit-Device", "")
    timestamp = headers.get("X-Fieldkit-Timestamp", "")
    nonce = headers.get("X-Fieldkit-Nonce", "").lower()
    signature = headers.get("X-Fieldkit-Signature", "")
    if not (device_id and timestamp.isdigit() and _NONCE.match(nonce) and signature):
        raise AuthError(401, "unsigned", "the request is not signed: it needs the X-Fieldkit-Device, -Timestamp, "
                                         "-Nonce and -Signature headers")
    try:
        device = devices.get_device(db, device_id)
    except DeviceError as exc:
        raise AuthError(403 if exc.reason == "revoked_device" else 401, exc.reason, str(exc)) from None
    if device.user_name is not None and accounts.get_user(db, device.user_name) is None:
        # a browser speaks for its user: once the user is disabled it sends nothing more (enabling them again
        # lets it send what it kept); a bundle an administrator ingests by hand is their own decision
        raise AuthError(403, "user_disabled", f"device {device.label} is the browser of {device.user_name!r}, "
                                              "whose account is disabled or removed")
    if abs(int(timestamp) - now) > WINDOW_SECONDS:
        raise AuthError(401, "clock_skew", f"the request's time is {int(timestamp) - now:+.0f} s from the "
                                           "central's clock", server_time=int(now))
    if not signing.verify(device.key, signing.request_message(method, path, timestamp, nonce, body), signature):
        raise AuthError(401, "bad_signature", f"the signature does not match the key of device {device.label}")
    with store.transaction(db):
        db.execute("delete from sync_nonces where seen_at < ?", [now - 2 * WINDOW_SECONDS])
        cursor = db.execute("insert or ignore into sync_nonces (device_id, nonce, seen_at) values (?, ?, ?)",
                            [device.id, nonce, now])
        if cursor.rowcount == 0:
            raise AuthError(401, "replayed", "this request was already received (the same nonce)")
        devices.touch(db, device.id)
    return device


def chunk_lines(body: bytes, chunk_id: str) -> Iterator[tuple[str, str, bytes]]:
    """(where, SHA-256 hex, JSON text) for each line of a pushed chunk, each line's hash checked."""
    lines = body.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if not lines:
        raise BundleRejected("invalid_record", f"chunk {chunk_id}: no records")
    for number, line in enumerate(lines, 1):
        yield split_line(line, f"chunk {chunk_id}: record {number}")


def heads_request(body: bytes) -> dict[str, list[str]]:
    """A `POST /heads/revisions` body, `{"submissions": {uuid: [revision ids held]}}`, checked; RequestError if not."""
    try:
        request = json.loads(body)
    except (ValueError, RecursionError):
        request = None
    wanted = request.get("submissions") if isinstance(request, dict) else None
    if not isinstance(wanted, dict) or not all(
            isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in wanted.values()):
        raise RequestError('the request must be JSON: {"submissions": {submission uuid: [revision ids held]}}')
    if len(wanted) > catalog.HEADS_PER_REQUEST:
        raise RequestError(f"ask for at most {catalog.HEADS_PER_REQUEST} submissions in one request, "
                           f"not {len(wanted)}")
    return wanted
