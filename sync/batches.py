"""One batch of an ingest, in the caller's transaction: decide each revision against the store, write the batch.

Each revision ends as one of OUTCOMES. What the store holds (revisions, submission heads, open
conflicts) is read inside the transaction, so a batch is decided against the store as it is then,
whatever other writers did between two batches. Parent links never change, so the lineage cache
lives as long as the ingest.
"""

from __future__ import annotations

import json
import operator
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterator

from sqlite_utils import Database

from forms import registry
from forms.answers import clean_answers
from forms.model import Questionnaire

from . import audit, devices, lineage, records, store
from .errors import BundleRejected

OUTCOMES = ("new", "updated", "unchanged", "conflicts", "rejected")
SQL_PARAMS = 900

REVISION_COLUMNS = ("id", "submission_uuid", "number", "parent_id", "merge_parent_id", "questionnaire_id",
                    "questionnaire_version", "municipality_code", "status", "answers", "content_hash",
                    "device_id", "author", "created", "comment")
SUBMISSION_COLUMNS = ("uuid", "questionnaire_id", "questionnaire_version", "municipality_code", "county_code",
                      "interviewer", "device_id", "status", "created", "modified", "revision", "head_revision",
                      "content_hash", "answers", "conflict", "district_code")
_revision_tuple = operator.itemgetter(*REVISION_COLUMNS)
_submission_tuple = operator.itemgetter(*SUBMISSION_COLUMNS)
#: The districts of each municipality that has some (a district is checked like a municipality code).
DISTRICTS = {code: {d.code for d in registry.districts_of(code)}
             for code in {d.municipality_code for d in registry.districts()}}
#: A new head or a new conflict clears "reviewed": what the evaluator reviewed is no longer what the store holds.
HEAD_COLUMNS = ("questionnaire_version", "status", "modified", "revision", "head_revision", "content_hash",
                "answers", "conflict", "reviewed")


def _value(column: str) -> str:
    """The placeholder of a column: answers may come as the UTF-8 bytes of their canonical text
    (`records.checked_revision`), stored as text like any other."""
    return "CAST(? AS TEXT)" if column == "answers" else "?"


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"insert into {table} ({','.join(columns)}) values ({','.join(map(_value, columns))})"


_INSERT_SUBMISSIONS = _insert("submissions", SUBMISSION_COLUMNS)
_INSERT_REVISIONS = _insert("revisions", REVISION_COLUMNS)


@dataclass
class Result:
    """What an ingest did: counts per outcome, reasons for rejections, the acknowledged revision ids."""

    bundle_id: str | None
    device_id: str
    source: str
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    questionnaires: dict[str, str] = field(default_factory=dict)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list, repr=False)

    @property
    def changed(self) -> bool:
        return bool(self.counts["new"] or self.counts["updated"] or self.counts["conflicts"]
                    or "added" in self.questionnaires.values())

    def summary(self) -> str:
        parts = ", ".join(f"{self.counts[k]} {k}" for k in OUTCOMES)
        added = [k for k, v in self.questionnaires.items() if v == "added"]
        if added:
            parts += f"; questionnaire versions added: {', '.join(added)}"
        if not self.changed:
            parts += "; nothing changed (everything was already held)"
        return parts


def version_conflict(where: str, questionnaire: Questionnaire, held: str, place: str) -> BundleRejected:
    return BundleRejected("questionnaire_conflict", (
        f"{where}: questionnaire {questionnaire.id} version {questionnaire.version} has content hash "
        f"{questionnaire.content_hash} in the bundle but {held} {place}: the same version must "
        "not be edited in place; publish the change as a new version"))


def _chunks(values: list[str], size: int = SQL_PARAMS) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


class Importer:
    """The state of one ingest: what is known, what waits to be written, and the lineage."""

    def __init__(self, db: Database, device: devices.Device, result: Result,
                 questionnaires: list[tuple[Questionnaire, str]]):
        self.db = db
        self.conn = db.conn
        self.device = device
        self.result = result
        self.ingest_id = str(uuid.uuid4())
        self.stamp = store.now()
        self.counties = dict(db.execute("select code, county_code from municipalities").fetchall())
        self.versions = {tuple(r) for r in db.execute("select id, version from questionnaires")}
        self.versions.update((q.id, q.version) for q, _where in questionnaires)
        self.lineage = lineage.Lineage(db)
        self.deferred: list[records.Revision] = []
        # Per batch: what the store holds of it, and the writes that wait for the batch's end.
        self.known: dict[str, tuple[str, str]] = {}
        self.heads: dict[str, dict[str, Any]] = {}
        self.new_subs: dict[str, dict[str, Any]] = {}
        self.updates: dict[str, dict[str, Any]] = {}
        self.new_revs: list[tuple] = []
        #: A browser's answers are cleaned here by the central's rules; a laptop cleaned them with the same engine.
        self.judge = device.user_name is not None
        self.definitions: dict[tuple[str, str], Questionnaire | None] = {}

    # -- questionnaires --

    def add_questionnaires(self, questionnaires: list[tuple[Questionnaire, str]]) -> None:
        """Add the bundle's questionnaire versions (checked by the first pass) before any revision."""
        for questionnaire, where in questionnaires:
            try:
                outcome = store.add_questionnaire(self.db, questionnaire, origin=f"sync:{self.device.name}")
            except store.VersionConflict:  # added by someone else since the first pass
                held = self.db.execute("select content_hash from questionnaires where id = ? and version = ?",
                                       [questionnaire.id, questionnaire.version]).fetchone()[0]
                raise version_conflict(where, questionnaire, held, "in this store") from None
            self.result.questionnaires[f"{questionnaire.id}@{questionnaire.version}"] = outcome

    def complete(self, records_sha256: str | None, actor: str, address: str | None) -> None:
        """Record the ingest as done: `sync_ingests`, the device's last-seen time and the audit entry."""
        result = self.result
        self.db["sync_ingests"].insert({"id": self.ingest_id, "bundle_id": result.bundle_id,
                                        "device_id": self.device.id, "source": result.source, "at": store.now(),
                                        "records_sha256": records_sha256, "counts": records.dumps(result.counts)})
        devices.touch(self.db, self.device.id)
        audit.record(self.db, actor, "sync_ingest", {"source": result.source, "bundle": result.bundle_id,
                                                     **result.counts}, target=self.device.id, address=address)

    # -- revisions --

    def batch(self, batch: list[records.Revision]) -> None:
        if not batch:
            return
        ids = [r.id for r in batch]
        wanted = list({*ids, *(p for r in batch for p in r.parents)})
        self.known = {}
        for part in _chunks(wanted):
            marks = ",".join("?" * len(part))
            for rid, digest, sid in self.conn.execute(
                    f"select id, content_hash, submission_uuid from revisions where id in ({marks})", part):
                self.known[rid] = (digest, sid)
        sids = list({r.row["submission_uuid"] for r in batch})
        self.heads = {}
        for part in _chunks(sids):
            marks = ",".join("?" * len(part))
            for sid, head, conflict, qid, code in self.conn.execute(
                    "select uuid, head_revision, conflict, questionnaire_id, municipality_code "
                    f"from submissions where uuid in ({marks})", part):
                self.heads[sid] = {"head_revision": head, "conflict": conflict, "identity": (qid, code)}
        acked = [revision for revision in batch if self.one(revision)]
        self.flush(acked)  # what this device delivered before keeps its row: `insert or ignore`
        self.result.acknowledged.extend(r.id for r in acked)

    def one(self, revision: records.Revision) -> bool:
        """Decide one revision; True if the central now holds it (to acknowledge)."""
        row = revision.row
        rid, sid = row["id"], row["submission_uuid"]
        counts = self.result.counts
        if rid in self.known:
            held = self.known[rid][0]
            if held == row["content_hash"]:
                counts["unchanged"] += 1
                return True
            return self.reject(rid, f"revision {rid} is already held with content hash {held[:12]}, "
                                    f"the bundle has {row['content_hash'][:12]}")
        if (row["questionnaire_id"], row["questionnaire_version"]) not in self.versions:
            return self.reject(rid, f"questionnaire {row['questionnaire_id']} version "
                                    f"{row['questionnaire_version']} is not in this store nor in the bundle")
        if row["municipality_code"] not in self.counties:
            return self.reject(rid, f"unknown municipality code {row['municipality_code']!r}")
        district = revision.submission.get("district_code")
        if district is not None and district not in DISTRICTS.get(row["municipality_code"], ()):
            return self.reject(rid, f"unknown district {district!r} of municipality {row['municipality_code']}")
        refused = self.judged(revision, sid not in self.heads)
        if refused:
            return self.reject(rid, refused)
        for parent in revision.parents:
            if parent not in self.known:
                self.deferred.append(revision)
                return False
            if self.known[parent][1] != sid:
                return self.reject(rid, f"its parent {parent} belongs to another submission")
        head = self.heads.get(sid)
        identity = (row["questionnaire_id"], row["municipality_code"])
        if head is not None and head["identity"] != identity:
            return self.reject(rid, f"it names questionnaire {identity[0]} and municipality {identity[1]}, but its "
                                    f"submission {sid} is {head['identity'][0]} in municipality {head['identity'][1]}")
        self.new_revs.append(_revision_tuple(row))
        self.known[rid] = (row["content_hash"], sid)
        if head is None:
            self.new_subs[sid] = self.submission_row(revision)
            self.heads[sid] = {"head_revision": rid, "conflict": 0, "identity": identity}
            counts["new"] += 1
        elif head["head_revision"] is None or row["parent_id"] == head["head_revision"] \
                or self.descends(rid, head["head_revision"]):
            conflict = head["conflict"]
            if conflict:
                self.flush_pending()
                conflict = int(lineage.advance_conflicts(self.db, self.lineage, sid, rid))
            self.set_head(sid, revision, conflict)
            counts["updated"] += 1
        else:
            self.flush_pending()
            outcome = lineage.record_conflict(self.db, self.lineage, sid, head["head_revision"], rid, self.device.id)
            if outcome == "agreed":  # the same answers as the head: no conflict, and the branch's one is settled
                counts["unchanged"] += 1
                if head["conflict"] and not lineage.open_conflicts(self.db, sid):
                    self.clear_flag(sid)
            else:
                self.set_flag(sid)
                counts["conflicts"] += 1
        return True

    def descends(self, rid: str, ancestor: str) -> bool:
        """Rare path (the parent is not the head): write what waits, then walk the lineage in the store."""
        self.flush_pending()
        return self.lineage.descends(rid, ancestor)

    def reject(self, rid: str, reason: str) -> bool:
        self.result.counts["rejected"] += 1
        self.result.rejected.append((rid, reason))
        return False

    def submission_row(self, revision: records.Revision) -> dict[str, Any]:
        row, meta = revision.row, revision.submission
        return {
            "uuid": row["submission_uuid"], "questionnaire_id": row["questionnaire_id"],
            "questionnaire_version": row["questionnaire_version"], "municipality_code": row["municipality_code"],
            "county_code": self.counties[row["municipality_code"]], "interviewer": meta["interviewer"],
            "device_id": meta["device_id"], "status": row["status"], "created": meta["created"],
            "modified": row["created"], "revision": row["number"], "head_revision": row["id"],
            "content_hash": row["content_hash"], "answers": row["answers"], "conflict": 0,
            "district_code": meta.get("district_code"),
        }

    def definition(self, qid: str, version: str) -> Questionnaire | None:
        key = (qid, version)
        if key not in self.definitions:
            try:
                self.definitions[key] = store.get_questionnaire(self.db, qid, version)
            except store.NotFound:
                self.definitions[key] = None
        return self.definitions[key]

    def judged(self, revision: records.Revision, new: bool) -> str | None:
        """Why the central refuses what a revision says, or None.

        A new submission of a questionnaire answered per district must name its district. From a
        browser (the offline app), the answers must be clean by the central's own rules for their
        version (`clean_answers`): the reason names the first question refused and why.
        """
        row = revision.row
        foreign = self.foreign_author(revision)
        if foreign:
            return foreign
        if not new and not self.judge:
            return None
        definition = self.definition(row["questionnaire_id"], row["questionnaire_version"])
        if definition is None:
            return None
        if new and definition.level == "district" and not revision.submission.get("district_code"):
            return (f"questionnaire {definition.id} is answered per district, but submission "
                    f"{row['submission_uuid']} names none")
        if not self.judge:
            return None
        try:
            answers = json.loads(row["answers"])
        except ValueError:
            return "its answers are not JSON"
        cleaned = clean_answers(definition, answers if isinstance(answers, dict) else {},
                                partial=row["status"] != "complete")
        if not isinstance(answers, dict):
            return "its answers are not a mapping of question ids"
        if cleaned.errors:
            key, message = next(iter(cleaned.errors.items()))
            more = f" (and {len(cleaned.errors) - 1} more)" if len(cleaned.errors) > 1 else ""
            return f"the central's rules refuse its answers: {key}: {message}{more}"
        return None

    def foreign_author(self, revision: records.Revision) -> str | None:
        """Why a browser's device may not send this revision: it names an author other than the device's user.

        A browser may be shared; each user enrols it for themselves and sends only their own interviews,
        so a revision by anyone else (or by no one) arriving with this key is refused. Laptops are not
        checked: one laptop's interviewer may change, and its revisions name who wrote them.
        """
        expected = self.device.user_name
        author = revision.row.get("author")
        if expected is None or author == expected:
            return None
        return (f"its author is {author!r}, but this browser's device {self.device.name} is enrolled for "
                f"{expected!r}: each user sends their own interviews")

    def set_head(self, sid: str, revision: records.Revision, conflict: int) -> None:
        row = revision.row
        values = {"questionnaire_version": row["questionnaire_version"], "status": row["status"],
                  "modified": row["created"], "revision": row["number"], "head_revision": row["id"],
                  "content_hash": row["content_hash"], "answers": row["answers"], "conflict": conflict,
                  "reviewed": 0}
        target = self.new_subs.get(sid)
        if target is not None:
            target.update(values)
        else:
            self.updates[sid] = values
        self.heads[sid]["head_revision"] = row["id"]
        self.heads[sid]["conflict"] = conflict

    def set_flag(self, sid: str) -> None:
        target = self.new_subs.get(sid)
        if target is not None:
            target["conflict"] = 1
        elif sid in self.updates:
            self.updates[sid].update(conflict=1, reviewed=0)
        else:
            self.conn.execute("update submissions set conflict = 1, reviewed = 0, modified = ? where uuid = ?",
                              [self.stamp, sid])
        self.heads[sid]["conflict"] = 1

    def clear_flag(self, sid: str) -> None:
        """Rare path: the last open conflict of a submission was settled (what waits was written before)."""
        self.conn.execute("update submissions set conflict = 0, modified = ? where uuid = ?", [self.stamp, sid])
        self.heads[sid]["conflict"] = 0

    def flush_pending(self) -> None:
        """Write what waits (rare path: conflicts read and write the store directly)."""
        self.flush([])

    def flush(self, received: list[records.Revision]) -> None:
        if self.new_subs:
            self.conn.executemany(_INSERT_SUBMISSIONS, map(_submission_tuple, self.new_subs.values()))
            self.new_subs.clear()
        if self.new_revs:
            self.conn.executemany(_INSERT_REVISIONS, self.new_revs)
            self.new_revs = []
        if self.updates:
            assignments = ", ".join(f"{c} = {_value(c)}" for c in HEAD_COLUMNS)
            self.conn.executemany(f"update submissions set {assignments} where uuid = ?",
                                  [tuple(v[c] for c in HEAD_COLUMNS) + (sid,) for sid, v in self.updates.items()])
            self.updates.clear()
        if received:
            self.conn.executemany(
                "insert or ignore into sync_received (device_id, revision_id, record_sha256, received_at, ingest_id) "
                "values (?, ?, ?, ?, ?)",
                [(self.device.id, r.id, r.record_sha256, self.stamp, self.ingest_id) for r in received])

    def finish(self) -> None:
        """Retry revisions that arrived before their parent; reject those whose parent never came."""
        while self.deferred:
            waiting, self.deferred = self.deferred, []
            before = self.result.counts["rejected"]
            self.batch(waiting)
            if len(self.deferred) == len(waiting) and self.result.counts["rejected"] == before:
                for revision in self.deferred:
                    missing = next(p for p in revision.parents if p not in self.known)
                    self.reject(revision.id, f"its parent revision {missing} is neither held here nor in the bundle")
                self.deferred = []
