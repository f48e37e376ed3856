"""The laptop's HTTP client for the central's /api/v1/sync endpoints (standard library only).

Every request is signed with the device key (docs/sync.md, "HTTP"); every response is checked
against the central's signature before the laptop believes it. `push` sends the unacknowledged
revisions in chunks and records the central's acknowledgement after each chunk, so an
interrupted push resumes where it stopped. `pull` brings questionnaire versions, the registry
and the central's current revision of the interviews this laptop sent (`catalog.apply_heads`).
"""

from __future__ import annotations

import http.client
import json
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlite_utils import Database

from . import acks, catalog, devices, records, signing, store
from .bundle import record_line
from .errors import TransferError

API = "/api/v1/sync"
CHUNK_BYTES = 512 * 1024
RECORDS_TYPE = "application/x-fieldkit-records"


@dataclass
class Client:
    """Signed requests to one central for one enrolled device."""

    url: str
    device_id: str
    key: str
    timeout: float = 60
    offset: float = 0.0  # the central's clock minus ours, learnt from a clock_skew answer

    @classmethod
    def for_store(cls, db: Database, **kwargs: Any) -> "Client":
        ident = devices.identity(db, need_url=True)
        return cls(ident.url, ident.device_id, ident.key, **kwargs)

    def call(self, method: str, path: str, body: bytes = b"", content_type: str = "application/json") -> Any:
        """Send one signed request; returns the JSON answer or raises TransferError."""
        for attempt in (1, 2):
            status, data, error = self._send(method, path, body, content_type)
            if status == 200:
                return data
            if error.get("reason") == "clock_skew" and attempt == 1 and "server_time" in error:
                self.offset = float(error["server_time"]) - time.time()
                continue
            break
        raise TransferError(f"the central refused the request ({status}): {error.get('error', 'no reason given')}")

    def _send(self, method: str, path: str, body: bytes, content_type: str) -> tuple[int, Any, dict]:
        full_path = API + path
        timestamp = str(int(time.time() + self.offset))
        nonce = secrets.token_hex(16)
        headers = {
            "Content-Type": content_type,
            "X-Fieldkit-Device": self.device_id,
            "X-Fieldkit-Timestamp": timestamp,
            "X-Fieldkit-Nonce": nonce,
            "X-Fieldkit-Signature": signing.sign(self.key, signing.request_message(method, full_path, timestamp,
                                                                                    nonce, body)),
        }
        request = urllib.request.Request(self.url + full_path, data=body if method != "GET" else None,
                                         headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, payload, signature = response.status, response.read(), response.headers.get("X-Fieldkit-Signature")
        except urllib.error.HTTPError as exc:
            status, payload, signature = exc.code, exc.read(), exc.headers.get("X-Fieldkit-Signature")
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError, socket.timeout, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TransferError(f"could not reach the central at {self.url}: {reason}") from None
        try:
            data = json.loads(payload) if payload else {}
        except (ValueError, RecursionError):  # RecursionError: brackets nested too deep to be an answer
            raise TransferError(f"the central at {self.url} answered {status} with something that is not JSON") from None
        if status == 200 and not (signature and signing.verify(self.key, signing.response_message(nonce, status, payload),
                                                               signature)):
            raise TransferError(f"the answer from {self.url} is not signed with this device's key: "
                                "is the address right, or is something in between?")
        return status, data, (data if status != 200 and isinstance(data, dict) else {})


@dataclass
class PushReport:
    """What a push did."""

    sent: int = 0
    acknowledged: int = 0
    already_acknowledged: int = 0
    chunks: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    rejected: list[dict[str, str]] = field(default_factory=list)
    waiting: int = 0


def push(db: Database, client: Client | None = None, *, chunk_bytes: int = CHUNK_BYTES,
         progress: Callable[[PushReport, int], None] | None = None) -> PushReport:
    """Send every unacknowledged revision in chunks; record the central's acknowledgement after each.

    First asks which revisions the central already holds from this device (e.g. acknowledged
    in a response that was lost), so nothing acknowledged is sent again, and which questionnaire
    versions it holds, so only the definitions it lacks travel (a slow link carries answers first).
    """
    client = client or Client.for_store(db)
    report = PushReport()
    held = client.call("GET", "/acks").get("revision_ids", [])
    with store.transaction(db):
        report.already_acknowledged = acks.record_acks(db, held, "http")
    pending = records.unacknowledged_ids(db)
    sent_versions = _versions_held(db, client)
    sent_ids: list[str] = []
    try:
        for chunk in _chunks(db, pending, sent_versions, chunk_bytes):
            ids, body = chunk
            answer = client.call("POST", "/push", body, RECORDS_TYPE)
            with store.transaction(db):
                report.acknowledged += acks.record_acks(db, answer.get("acknowledged", []), "http")
            sent_ids.extend(ids)
            report.sent += len(ids)
            report.chunks += 1
            for key, value in (answer.get("counts") or {}).items():
                report.counts[key] = report.counts.get(key, 0) + int(value)
            report.rejected.extend(answer.get("rejected") or [])
            if progress:
                progress(report, len(pending))
    finally:
        report.waiting = records.count_unacknowledged(db)
        event = acks.log_sent(db, "push", client.url, sent_ids,
                              {"counts": report.counts, "rejected": len(report.rejected),
                               "complete": report.sent == len(pending)})
        with store.transaction(db):
            db["sync_events"].update(event, {"acked": report.acknowledged})
    return report


def _versions_held(db: Database, client: Client) -> set[tuple[str, str]]:
    """(id, version) of the questionnaires the central holds with exactly this laptop's content."""
    theirs = {(q.get("id"), q.get("version")): q.get("content_hash")
              for q in client.call("GET", "/questionnaires").get("questionnaires", [])}
    return {(row[0], row[1]) for row in db.execute("select id, version, content_hash from questionnaires")
            if theirs.get((row[0], row[1])) == row[2]}


def _chunks(db: Database, pending: list[tuple[str, str, str]], sent_versions: set[tuple[str, str]],
            limit: int):
    """Yield (revision ids, request body) with at most about `limit` bytes each, questionnaires first."""
    step = 200
    ids: list[str] = []
    parts: list[bytes] = []
    size = 0
    for start in range(0, len(pending), step):
        window = pending[start:start + step]
        texts = records.revision_texts(db, [rid for rid, _q, _v in window])
        for (rid, qid, version), text in zip(window, texts):
            if (qid, version) not in sent_versions:
                line = record_line(records.dumps(records.questionnaire_record(db, qid, version)))
                sent_versions.add((qid, version))
                parts.append(line)
                size += len(line)
            line = record_line(text)
            if ids and size + len(line) > limit:
                yield ids, b"".join(parts)
                ids, parts, size = [], [], 0
            ids.append(rid)
            parts.append(line)
            size += len(line)
    if ids:
        yield ids, b"".join(parts)


@dataclass
class PullReport:
    """What a pull did."""

    added: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    registry: dict[str, int] | None = None
    heads: catalog.HeadsReport = field(default_factory=catalog.HeadsReport)


def pull(db: Database, client: Client | None = None) -> PullReport:
    """Fetch new questionnaire versions, the registry if it changed, and the heads of the interviews this laptop sent."""
    client = client or Client.for_store(db)
    report = PullReport()
    index = client.call("GET", "/questionnaires").get("questionnaires", [])
    missing, report.conflicts = catalog.missing_versions(db, index)
    for entry in missing:
        path = "/questionnaires/" + urllib.parse.quote(entry["id"], safe="") + "/" + \
            urllib.parse.quote(entry["version"], safe="")
        record = client.call("GET", path)
        try:
            if catalog.add_pulled_questionnaire(db, record) == "added":
                report.added.append(f"{entry['id']}@{entry['version']}")
        except store.VersionConflict as exc:
            report.conflicts.append(str(exc))
    registry = client.call("GET", "/registry")
    if registry.get("sha256") != store.get_settings(db).get("registry_sha256"):
        report.registry = catalog.apply_registry(db, registry)
    report.heads = pull_heads(db, client)
    with store.transaction(db):
        acks.log_event(db, "pull", client.url, 0, 0,
                       {"added": report.added, "conflicts": report.conflicts, "registry": report.registry,
                        "heads": report.heads.as_dict()})
    return report


def pull_heads(db: Database, client: Client) -> catalog.HeadsReport:
    """`GET /heads`, then the revisions this laptop lacks in batches, then store them all in one transaction."""
    heads = {h["submission_uuid"]: h for h in catalog.checked_heads(client.call("GET", "/heads").get("heads"))}
    wanted = catalog.heads_to_fetch(db, list(heads.values()))
    fetched: list[Any] = []
    order = sorted(wanted)
    for start in range(0, len(order), catalog.HEADS_PER_REQUEST):
        batch = {sid: wanted[sid] for sid in order[start:start + catalog.HEADS_PER_REQUEST]}
        answer = client.call("POST", "/heads/revisions", records.dumps({"submissions": batch}).encode("utf-8"))
        for head in catalog.checked_heads(answer.get("heads")):
            heads[head["submission_uuid"]] = head  # the head may have moved since GET /heads: take the newer
        fetched.extend(answer.get("revisions") or [])
    return catalog.apply_heads(db, list(heads.values()), fetched)
