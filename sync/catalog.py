"""What a laptop pulls from the central: questionnaire versions, the municipality registry, and the heads
of its own interviews.

Heads: after an evaluator resolves a conflict (or edits an interview) on the central, the laptop that
sent the interview fetches the central's current revision and the revisions leading to it, so its
next edit builds on them instead of opening a new conflict. A local edit not yet sent is never
overwritten: the laptop keeps it and the next push reports the conflict as before.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from . import acks, lineage, records, store
from .errors import SyncError

#: The most submissions one `POST /heads/revisions` may ask for; the client sends batches of this size.
HEADS_PER_REQUEST = 200

# -- the central's side -------------------------------------------------------------

def questionnaire_index(db: Database) -> list[dict[str, str]]:
    """Every stored questionnaire version with its content hash."""
    return [dict(row) for row in db.query("select id, version, content_hash from questionnaires order by id, version")]


def questionnaire_definition(db: Database, qid: str, version: str) -> dict[str, Any]:
    """One version as a bundle record (kind questionnaire)."""
    return records.questionnaire_record(db, qid, version)


def registry_document(db: Database) -> dict[str, Any]:
    """The counties and municipalities the central knows, with a SHA-256 of their canonical JSON."""
    body = {
        "counties": [dict(r) for r in db.query("select code, name from counties order by code")],
        "municipalities": [dict(r) for r in db.query(
            "select code, name, county_code, county from municipalities order by code")],
    }
    return {**body, "sha256": hashlib.sha256(records.dumps(body).encode("utf-8")).hexdigest()}


# -- the laptop's side --------------------------------------------------------------

def missing_versions(db: Database, index: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """(versions in the index this store lacks, conflicts: same id and version with another hash)."""
    held = {(r["id"], r["version"]): r["content_hash"] for r in questionnaire_index(db)}
    missing, conflicts = [], []
    for entry in index:
        key = (entry.get("id"), entry.get("version"))
        if key not in held:
            missing.append(entry)
        elif held[key] != entry.get("content_hash"):
            conflicts.append(
                f"questionnaire {key[0]} version {key[1]} has content hash {entry.get('content_hash')} on the "
                f"central but {held[key]} on this laptop: the same version must not differ; ask who changed it")
    return missing, conflicts


def add_pulled_questionnaire(db: Database, record: dict[str, Any]) -> str:
    """Check and store one pulled version: 'added' or 'unchanged'; VersionConflict names both hashes."""
    questionnaire = records.check_questionnaire(record, f"questionnaire {record.get('id')} {record.get('version')}")
    with store.transaction(db):
        return store.add_questionnaire(db, questionnaire, origin="pull")


def apply_registry(db: Database, document: dict[str, Any]) -> dict[str, int]:
    """Add or update counties and municipalities (none are removed: interviews refer to them)."""
    counties, municipalities = document.get("counties"), document.get("municipalities")
    if not isinstance(counties, list) or not isinstance(municipalities, list):
        raise SyncError("the central sent a registry without counties and municipalities")
    body = {"counties": counties, "municipalities": municipalities}
    if hashlib.sha256(records.dumps(body).encode("utf-8")).hexdigest() != document.get("sha256"):
        raise SyncError("the registry from the central does not match its own SHA-256")
    before = {r["code"]: dict(r) for r in db.query("select code, name, county_code, county from municipalities")}
    with store.transaction(db):
        db["counties"].upsert_all([{"code": c["code"], "name": c["name"]} for c in counties], pk="code")
        db["municipalities"].upsert_all(
            [{"code": m["code"], "name": m["name"], "county_code": m["county_code"], "county": m["county"]}
             for m in municipalities], pk="code")
        store.set_setting(db, "registry_sha256", document["sha256"])
    added = sum(1 for m in municipalities if m["code"] not in before)
    changed = sum(1 for m in municipalities if m["code"] in before and before[m["code"]] != {
        "code": m["code"], "name": m["name"], "county_code": m["county_code"], "county": m["county"]})
    return {"added": added, "changed": changed}


# -- heads: the central's side ------------------------------------------------------

def device_heads(db: Database, device_id: str) -> list[dict[str, Any]]:
    """The current head of every submission of which the central holds a revision sent by this device."""
    return [{**row, "conflict": bool(row["conflict"])} for row in db.query(
        "select s.uuid as submission_uuid, s.head_revision, s.revision as number, s.content_hash, s.conflict "
        "from submissions s where s.uuid in (select r.submission_uuid from sync_received x "
        "join revisions r on r.id = x.revision_id where x.device_id = ?) order by s.uuid", [device_id])]


def head_revisions(db: Database, device_id: str, wanted: dict[str, list[str]]) -> dict[str, Any]:
    """The revision records that take a laptop from what it holds to the central's heads.

    `wanted` maps a submission uuid to the ids of that submission's revisions the laptop holds
    (as `protocol.heads_request` reads it). For each submission this device sent, the answer has
    the head and every revision of the head's ancestry up to (not including) one the laptop holds,
    parents first. A submission the device never sent is listed under `unknown`, never served.
    """
    own = {row["submission_uuid"]: row for row in device_heads(db, device_id)
           if row["submission_uuid"] in wanted and row["head_revision"]}
    walk = lineage.Lineage(db)
    served: list[str] = []
    for sid in sorted(own):
        held, queue = set(wanted[sid]), [own[sid]["head_revision"]]
        while queue:
            rid = queue.pop()
            if rid in held:
                continue  # the laptop holds it, and so every ancestor of it
            held.add(rid)
            served.append(rid)
            queue.extend(walk.parents_of(rid))
    revisions = sorted((json.loads(text) for text in records.revision_texts(db, served)),
                       key=lambda r: (r["submission_uuid"], r["number"], r["id"]))
    return {"heads": [{"submission_uuid": sid, "head_revision": own[sid]["head_revision"]} for sid in sorted(own)],
            "revisions": revisions, "unknown": sorted(set(wanted) - set(own))}


# -- heads: the laptop's side -------------------------------------------------------

@dataclass
class HeadsReport:
    """What pulling the heads did, per submission uuid."""

    updated: list[str] = field(default_factory=list)     # the head moved forward to the central's
    kept_edit: list[str] = field(default_factory=list)   # an unsent local revision kept: the next push conflicts
    kept_draft: list[str] = field(default_factory=list)  # an edit in progress kept; the central's version stored
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (submission, why nothing was stored)
    stored: int = 0                                      # revisions stored

    def as_dict(self) -> dict[str, Any]:
        return {"updated": self.updated, "kept_edit": self.kept_edit, "kept_draft": self.kept_draft,
                "skipped": [list(s) for s in self.skipped], "stored": self.stored}


def heads_to_fetch(db: Database, heads: list[dict[str, Any]]) -> dict[str, list[str]]:
    """For each listed head this laptop lacks, of a submission it has: the ids of that submission's revisions it holds."""
    wanted: dict[str, list[str]] = {}
    for entry in checked_heads(heads):
        sid, head = entry["submission_uuid"], entry["head_revision"]
        if db.execute("select 1 from revisions where id = ?", [head]).fetchone():
            continue
        held = [row[0] for row in db.execute("select id from revisions where submission_uuid = ? order by id", [sid])]
        if held:
            wanted[sid] = held
    return wanted


def checked_heads(heads: Any) -> list[dict[str, str]]:
    """The heads list of an answer from the central; SyncError if it is not one."""
    if not isinstance(heads, list) or not all(
            isinstance(h, dict) and isinstance(h.get("submission_uuid"), str) and isinstance(h.get("head_revision"), str)
            for h in heads):
        raise SyncError("the central sent a list of heads this fieldkit cannot read")
    return heads


def apply_heads(db: Database, heads: list[dict[str, Any]], fetched: list[Any]) -> HeadsReport:
    """Store the fetched revisions and move each submission's head forward to the central's; one transaction.

    The head moves only when the central's head descends from the laptop's and no edit is open
    on the laptop. A laptop head the central's does not descend from is an edit not yet sent: it
    is kept (`kept_edit`), and the next push reports the conflict as before. Stored revisions
    count as acknowledged, so they are never sent back. SyncError, storing nothing, when the
    central's answer does not hold together (a wrong content hash, a missing parent).
    """
    report = HeadsReport()
    by_submission: dict[str, list[records.Revision]] = {}
    for number, record in enumerate(fetched, 1):
        where = f"pulled revision {number}"
        if records.kind_of(record, where) != "revision":
            raise SyncError(f"{where}: the central sent a {record['kind']} record where a revision belongs")
        records.check_revision(record, where)
        revision = records.revision_of(record, where)
        by_submission.setdefault(revision.row["submission_uuid"], []).append(revision)
    with store.transaction(db):
        walk = lineage.Lineage(db)
        for entry in checked_heads(heads):
            sid, head = entry["submission_uuid"], entry["head_revision"]
            _apply_head(db, walk, sid, head, by_submission.pop(sid, []), report)
        if by_submission:
            raise SyncError("the central sent revisions of submissions it did not list: "
                            + ", ".join(sorted(by_submission)))
    return report


def _apply_head(db: Database, walk: lineage.Lineage, sid: str, head: str, fetched: list[records.Revision],
                report: HeadsReport) -> None:
    local = db.execute("select head_revision, (select 1 from drafts d where d.submission_uuid = s.uuid) "
                       "from submissions s where uuid = ?", [sid]).fetchone()
    if local is None:
        if fetched:
            report.skipped.append((sid, "the interview is not on this laptop"))
        return
    local_head, editing = local
    if local_head == head:
        return
    missing = _missing_on_laptop(db, fetched)
    if missing:
        report.skipped.append((sid, missing))
        return
    new = _store_revisions(db, sid, fetched)
    report.stored += len(new)
    acks.record_acks(db, [r.id for r in fetched], "pull")
    if not db.execute("select 1 from revisions where id = ?", [head]).fetchone():
        raise SyncError(f"the central named revision {head} as the head of {sid} but did not send it")
    if local_head and walk.descends(local_head, head):
        return  # the laptop is ahead: its unsent edits build on the central's head, the next push sends them
    if local_head and not walk.descends(head, local_head):
        report.kept_edit.append(sid)
    elif editing:
        report.kept_draft.append(sid)
    else:
        _move_head(db, sid, head)
        report.updated.append(sid)


def _missing_on_laptop(db: Database, fetched: list[records.Revision]) -> str | None:
    """Why the laptop cannot take these revisions (a questionnaire version or municipality it lacks), or None."""
    for revision in fetched:
        row = revision.row
        if not db.execute("select 1 from questionnaires where id = ? and version = ?",
                          [row["questionnaire_id"], row["questionnaire_version"]]).fetchone():
            return f"questionnaire {row['questionnaire_id']} version {row['questionnaire_version']} is not on this laptop"
        if not db.execute("select 1 from municipalities where code = ?", [row["municipality_code"]]).fetchone():
            return f"municipality {row['municipality_code']} is not in this laptop's registry"
    return None


def _store_revisions(db: Database, sid: str, fetched: list[records.Revision]) -> list[records.Revision]:
    """Insert the revisions (all of submission `sid`) the laptop lacks, after checking each has its parents."""
    ids = {r.id for r in fetched}
    new = []
    for revision in fetched:
        row = revision.row
        held = db.execute("select content_hash, submission_uuid from revisions where id = ?", [row["id"]]).fetchone()
        if held:
            if tuple(held) != (row["content_hash"], sid):
                raise SyncError(f"revision {row['id']} on the central differs from the one on this laptop")
            continue
        for parent in revision.parents:
            if parent not in ids and not db.execute("select 1 from revisions where id = ? and submission_uuid = ?",
                                                    [parent, sid]).fetchone():
                raise SyncError(f"the central sent revision {row['id']} without its parent {parent}")
        new.append(revision)
    db["revisions"].insert_all([dict(r.row) for r in new])
    return new


def _move_head(db: Database, sid: str, head: str) -> None:
    row = db.execute("select questionnaire_version, status, number, content_hash, answers from revisions "
                     "where id = ?", [head]).fetchone()
    version, status, number, digest, answers = row
    db["submissions"].update(sid, {"questionnaire_version": version, "status": status, "modified": store.now(),
                                   "revision": number, "head_revision": head, "content_hash": digest,
                                   "answers": answers})
