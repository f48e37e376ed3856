"""The fieldkit store: one SQLite file (WAL) holding questionnaires, submissions and revisions.

Plain functions over a `sqlite_utils.Database`; no Flask. Every write that
matters runs in one `transaction`. A submission's answers live in its
revisions; `submissions` holds the current head for fast listing, and
`drafts` the raw values typed so far (autosave), valid or not.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import sqlite3
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

from sqlite_utils import Database

from forms import registry
from forms.answers import defaults
from forms.errors import FieldkitError
from forms.library import load_library
from forms.loader import from_dict
from forms.model import Questionnaire

from . import schema
from .selection import EVERYTHING, Scope, Selection
from .selection import where as selection_where

DEFAULT_DB = "instance/fieldkit.db"
STATUSES = ("draft", "complete")


class StoreError(FieldkitError):
    """A problem with the store that a user can act on."""


class NotFound(StoreError):
    status = 404
    reason = "not_found"


class NotEditable(StoreError):
    """A save for a submission that is not open for editing (completed meanwhile, or discarded)."""

    status = 409


class VersionConflict(StoreError):
    """Same questionnaire id and version, different content."""

    status = 409


def now() -> str:
    """The current UTC time as ISO 8601 with milliseconds."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def open_db(path: str | os.PathLike) -> Database:
    """Open (creating the folder if needed) a store with foreign keys and a busy timeout.

    The store is switched to WAL once, by `init_store`; the mode is kept in the file.
    """
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
        private(path)
    conn = sqlite3.connect(str(path), timeout=15, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    return Database(conn)


def private(path: Path) -> None:
    """Make the store file (created empty if missing) and its WAL readable by its owner only.

    The store holds device keys and personal answers. SQLite gives the -wal and -shm files
    the mode of the database file, so creating it 0600 covers them too.
    """
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if part.stat().st_mode & 0o077:
                os.chmod(part, 0o600)
        except FileNotFoundError:
            pass


@contextlib.contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction (BEGIN IMMEDIATE); nested calls become savepoints."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


# -- schema ------------------------------------------------------------------

def check_schema(db: Database) -> None:
    """Refuse a store made by a newer fieldkit, or one not yet initialised."""
    unknown = schema.unknown(db)
    if unknown:
        raise StoreError(
            f"this store was written by a newer fieldkit (unknown migrations: {', '.join(unknown)}); "
            "upgrade fieldkit before opening it"
        )
    if schema.pending(db):
        raise StoreError("the store is not initialised or needs an upgrade: run `fieldkit init`")


def init_store(db: Database, *, central: bool = False, interviewer: str | None = None) -> dict[str, Any]:
    """Create or upgrade the store, load the registry and the form library. Safe to run twice."""
    if schema.unknown(db):
        check_schema(db)
    db.execute("PRAGMA journal_mode=WAL")
    report: dict[str, Any] = {"migrations": schema.upgrade(db), "questionnaires": {}}
    with transaction(db):
        settings = get_settings(db)
        if "device_id" not in settings:
            set_setting(db, "device_id", str(uuid.uuid4()))
        if "mode" not in settings:
            set_setting(db, "mode", "central" if central else "field")
        elif central and settings["mode"] != "central":
            raise StoreError("this store is a field store; create a new store for the central server")
        if interviewer:
            set_setting(db, "interviewer", interviewer)
        load_registry(db)
        for questionnaire in load_library():
            report["questionnaires"][questionnaire.id] = add_questionnaire(db, questionnaire, origin="library")
    return report


def load_registry(db: Database) -> None:
    db["counties"].upsert_all([{"code": c.code, "name": c.name} for c in registry.counties()], pk="code")
    db["municipalities"].upsert_all(
        [{"code": m.code, "name": m.name, "county_code": m.county_code, "county": m.county}
         for m in registry.municipalities()],
        pk="code",
    )


def get_settings(db: Database) -> dict[str, str]:
    """The store's settings; empty for a store that is not initialised yet."""
    try:
        return dict(db.execute("select key, value from settings").fetchall())
    except sqlite3.OperationalError:
        return {}


def set_setting(db: Database, key: str, value: str) -> None:
    db["settings"].upsert({"key": key, "value": value}, pk="key")


# -- questionnaires ----------------------------------------------------------

def add_questionnaire(db: Database, questionnaire: Questionnaire, origin: str = "import") -> str:
    """Store a questionnaire version: 'added', 'unchanged', or VersionConflict if edited in place."""
    key = (questionnaire.id, questionnaire.version)
    existing = db.execute(
        "select content_hash from questionnaires where id = ? and version = ?", key
    ).fetchone()
    digest = questionnaire.content_hash
    if existing:
        if existing[0] == digest:
            return "unchanged"
        raise VersionConflict(
            f"questionnaire {questionnaire.id} version {questionnaire.version} is already published with "
            f"content hash {existing[0][:12]}, but this definition has hash {digest[:12]}: "
            "a published version cannot be changed in place, bump the version"
        )
    db["questionnaires"].insert({
        "id": questionnaire.id,
        "version": questionnaire.version,
        "content_hash": digest,
        "title_sv": questionnaire.text("sv"),
        "title_en": questionnaire.text("en"),
        "definition": canonical_json(questionnaire.to_dict()),
        "added_at": now(),
        "origin": origin,
    })
    return "added"


#: Parsed questionnaire versions by content hash: a version never changes, so the hash is the whole key.
_PARSED: dict[str, Questionnaire] = {}


def _parse_definition(content_hash: str, definition: str) -> Questionnaire:
    return from_dict(json.loads(definition), filename=f"store:{content_hash[:12]}")


def get_questionnaire(db: Database, qid: str, version: str | None = None) -> Questionnaire:
    """A stored questionnaire version (the newest when version is None)."""
    rows = db.execute("select version, content_hash from questionnaires where id = ?", [qid]).fetchall()
    if version is not None:
        rows = [r for r in rows if r[0] == version]
    if not rows:
        what = f"{qid} version {version}" if version else qid
        raise NotFound(f"unknown questionnaire {what}")
    version, content_hash = max(rows, key=lambda r: version_key(r[0]))
    parsed = _PARSED.get(content_hash)
    if parsed is None:
        definition = db.execute("select definition from questionnaires where id = ? and version = ?",
                                [qid, version]).fetchone()[0]
        parsed = _parse_definition(content_hash, definition)
        if len(_PARSED) > 64:
            _PARSED.clear()
        _PARSED[content_hash] = parsed
    return parsed


def version_key(version: str) -> tuple:
    """Sort key for versions: numeric parts numerically ("10" after "9")."""
    parts = []
    for part in str(version).replace("-", ".").split("."):
        parts.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return tuple(parts)


def list_questionnaires(db: Database) -> list[dict[str, Any]]:
    """One row per questionnaire id: newest version, title, all versions."""
    by_id: dict[str, dict[str, Any]] = {}
    for row in db.query("select id, version, title_sv, title_en, content_hash from questionnaires"):
        entry = by_id.setdefault(row["id"], {"id": row["id"], "versions": []})
        entry["versions"].append(row["version"])
        if row["version"] == max(entry["versions"], key=version_key):
            entry.update(version=row["version"], title_sv=row["title_sv"], title_en=row["title_en"],
                         content_hash=row["content_hash"])
    for entry in by_id.values():
        entry["versions"].sort(key=version_key)
    return sorted(by_id.values(), key=lambda e: e["id"])


# -- submissions -------------------------------------------------------------

@dataclass
class Submission:
    uuid: str
    questionnaire_id: str
    questionnaire_version: str
    municipality_code: str
    county_code: str
    interviewer: str | None
    device_id: str | None
    status: str
    created: str
    modified: str
    revision: int
    head_revision: str | None
    content_hash: str | None
    answers: dict[str, Any]
    conflict: bool = False
    reviewed: bool = False
    excluded: bool = False
    exclude_reason: str | None = None
    draft: dict[str, Any] | None = None
    district_code: str | None = None

    @property
    def editing(self) -> bool:
        """A completed submission reopened for editing."""
        return self.status == "complete" and self.draft is not None


def _submission(row: dict[str, Any], draft: dict[str, Any] | None) -> Submission:
    data = dict(row)
    data["answers"] = json.loads(data.get("answers") or "{}")
    for flag in ("conflict", "reviewed", "excluded"):
        data[flag] = bool(data.get(flag))
    return Submission(**data, draft=draft)


def create_submission(db: Database, questionnaire_id: str, municipality_code: str, *,
                      version: str | None = None, interviewer: str | None = None,
                      device_id: str | None = None, sid: str | None = None, created: str | None = None,
                      district_code: str | None = None) -> str:
    """Start a draft interview; returns its UUID.

    An import gives the submission's own `sid` and the time it was `created` (ISO 8601, UTC).
    A questionnaire with `level: district` needs one of the municipality's districts.
    """
    questionnaire = get_questionnaire(db, questionnaire_id, version)
    municipality = registry.municipality(municipality_code)
    if municipality is None:
        raise NotFound(f"unknown municipality code {municipality_code!r}")
    district = check_district(questionnaire, municipality.code, district_code)
    settings = get_settings(db)
    stamp = now()
    sid = sid or str(uuid.uuid4())
    with transaction(db):
        db["submissions"].insert({
            "uuid": sid,
            "questionnaire_id": questionnaire.id,
            "questionnaire_version": questionnaire.version,
            "municipality_code": municipality.code,
            "county_code": municipality.county_code,
            "interviewer": interviewer or settings.get("interviewer"),
            "device_id": device_id or settings.get("device_id"),
            "status": "draft",
            "created": created or stamp,
            "modified": stamp,
            "revision": 0,
            "answers": "{}",
            "district_code": district,
        })
        # the draft starts with the questionnaire's defaults, which the interviewer may change
        db["drafts"].insert({"submission_uuid": sid, "raw": json.dumps(defaults(questionnaire), ensure_ascii=False),
                             "section_id": None, "saved_at": stamp, "seq": 0})
    return sid


def check_district(questionnaire: Questionnaire, municipality_code: str, district_code: str | None) -> str | None:
    """The district a new submission answers for: one of the municipality's when the questionnaire is
    answered per district, else none. StoreError names the valid ones."""
    district_code = (district_code or "").strip() or None
    if questionnaire.level != "district":
        if district_code:
            raise StoreError(f"{questionnaire.id} is answered per municipality, not per district "
                             f"(got district {district_code!r})")
        return None
    valid = registry.districts_of(municipality_code)
    if district_code not in {d.code for d in valid}:
        choices = ", ".join(f"{d.code} ({d.name})" for d in valid) or "(none: pick a municipality that has districts)"
        what = f"unknown district {district_code!r}" if district_code else "a district is required"
        raise StoreError(f"{questionnaire.id} is answered per district: {what} in municipality "
                         f"{municipality_code}; valid choices: {choices}")
    return district_code


def get_submission(db: Database, sid: str) -> Submission:
    cursor = db.execute("select * from submissions where uuid = ?", [sid])
    row = cursor.fetchone()
    if row is None:
        raise NotFound(f"unknown submission {sid}")
    row = dict(zip([c[0] for c in cursor.description], row))
    found = db.execute("select raw, section_id, saved_at, seq from drafts where submission_uuid = ?", [sid]).fetchone()
    draft = None
    if found:
        draft = {"raw": json.loads(found[0] or "{}"), "section_id": found[1], "saved_at": found[2], "seq": found[3]}
    return _submission(row, draft)


def save_draft(db: Database, sid: str, raw: dict[str, Any], section_id: str | None,
               answers: dict[str, Any] | None = None) -> dict[str, Any]:
    """Autosave: replace the draft's raw values in one transaction; returns saved_at and seq."""
    stamp = now()
    with transaction(db):
        row = db.execute("select status from submissions where uuid = ?", [sid]).fetchone()
        if row is None:
            raise NotFound(f"unknown submission {sid}")
        seq_row = db.execute("select seq from drafts where submission_uuid = ?", [sid]).fetchone()
        if seq_row is None:
            # Checked inside the transaction: a late autosave must not reopen what was just completed.
            raise NotEditable(f"submission {sid} is not open for editing")
        seq = seq_row[0] + 1
        db["drafts"].upsert({"submission_uuid": sid, "raw": canonical_json(raw), "section_id": section_id,
                             "saved_at": stamp, "seq": seq}, pk="submission_uuid")
        update: dict[str, Any] = {"modified": stamp}
        if row[0] == "draft" and answers is not None:
            update["answers"] = canonical_json(answers)
        db["submissions"].update(sid, update)
    return {"saved_at": stamp, "seq": seq}


def revision_hash(sid: str, questionnaire_id: str, version: str, municipality_code: str,
                  answers: dict[str, Any], parent_id: str | None, merge_parent_id: str | None = None) -> str:
    """Content hash of a revision: what it says and what it derives from."""
    return sha256(canonical_json({
        "submission": sid, "questionnaire": questionnaire_id, "version": version,
        "municipality": municipality_code, "answers": answers, "parent": parent_id,
        "merge_parent": merge_parent_id,
    }))


def complete_submission(db: Database, sid: str, answers: dict[str, Any], *, author: str | None = None,
                        comment: str | None = None, device_id: str | None = None,
                        draft_seq: int | None = None) -> dict[str, Any]:
    """Record cleaned answers as a new revision, mark complete and drop the draft; one transaction.

    With `draft_seq`, the answers were cleaned from that save of the draft: if a later
    save came in meanwhile, NotEditable is raised and nothing is written. Completing a
    reopened interview with the answers it already has makes no revision: the edit is
    closed and the current head returned with `unchanged` set.
    """
    stamp = now()
    with transaction(db):
        sub = get_submission(db, sid)
        if draft_seq is not None and (sub.draft is None or sub.draft["seq"] != draft_seq):
            raise NotEditable(f"submission {sid} changed while it was being completed")
        if sub.status == "complete" and answers == sub.answers and not comment:
            db["drafts"].delete_where("submission_uuid = ?", [sid])
            return {"id": sub.head_revision, "number": sub.revision, "unchanged": True}
        number = sub.revision + 1
        digest = revision_hash(sid, sub.questionnaire_id, sub.questionnaire_version, sub.municipality_code,
                               answers, sub.head_revision)
        revision = {
            "id": str(uuid.uuid4()),
            "submission_uuid": sid,
            "number": number,
            "parent_id": sub.head_revision,
            "merge_parent_id": None,
            "questionnaire_id": sub.questionnaire_id,
            "questionnaire_version": sub.questionnaire_version,
            "municipality_code": sub.municipality_code,
            "status": "complete",
            "answers": canonical_json(answers),
            "content_hash": digest,
            "device_id": device_id or get_settings(db).get("device_id"),
            "author": author or sub.interviewer,
            "created": stamp,
            "comment": comment,
        }
        db["revisions"].insert(revision)
        db["submissions"].update(sid, {
            "status": "complete", "modified": stamp, "revision": number, "head_revision": revision["id"],
            "content_hash": digest, "answers": revision["answers"],
        })
        db["drafts"].delete_where("submission_uuid = ?", [sid])
    return revision


def reopen_submission(db: Database, sid: str) -> None:
    """Open a completed submission for editing: a draft seeded with its current answers."""
    with transaction(db):
        sub = get_submission(db, sid)
        if sub.draft is None:
            db["drafts"].insert({"submission_uuid": sid, "raw": canonical_json(sub.answers), "section_id": None,
                                 "saved_at": now(), "seq": 0})


def discard_draft(db: Database, sid: str) -> None:
    """Drop an edit in progress of a completed submission (a never-completed one is deleted)."""
    with transaction(db):
        sub = get_submission(db, sid)
        db["drafts"].delete_where("submission_uuid = ?", [sid])
        if sub.status == "draft":
            db["submissions"].delete(sid)


def list_revisions(db: Database, sid: str) -> list[dict[str, Any]]:
    rows = list(db.query("select * from revisions where submission_uuid = ? order by number, created", [sid]))
    for row in rows:
        row["answers"] = json.loads(row["answers"])
    return rows


def list_submissions(db: Database, selection: Selection = Selection(), scope: Scope = EVERYTHING, *,
                     limit: int = 500, offset: int = 0) -> list[dict[str, Any]]:
    """Submissions of the selection within the scope, newest first, with municipality names and a draft flag."""
    where, params = selection_where(selection, scope)
    sql = (
        "select s.uuid, s.questionnaire_id, s.questionnaire_version, s.municipality_code, m.name as municipality, "
        "s.district_code, s.county_code, m.county, s.interviewer, s.status, s.created, s.modified, s.revision, "
        "s.conflict, (d.submission_uuid is not null) as has_draft "
        "from submissions s join municipalities m on m.code = s.municipality_code "
        "left join drafts d on d.submission_uuid = s.uuid"
        f" where {where} order by s.modified desc limit ? offset ?"
    )
    return list(db.query(sql, params + [limit, offset]))


def count_by_status(db: Database, selection: Selection = Selection(), scope: Scope = EVERYTHING) -> dict[str, int]:
    """How many submissions of the selection (whatever its status) within the scope have each status."""
    where, params = selection_where(replace(selection, status=None), scope)
    counts = {status: 0 for status in STATUSES}
    for row in db.query(f"select s.status, count(*) as n from submissions s where {where} group by s.status", params):
        counts[row["status"]] = row["n"]
    return counts


def change_count(db: Database) -> int:
    """A number that moves with every write to submissions and questionnaires, by any process.

    Figures built from the store stay true while it stays the same (see schema.m002_change_counter).
    """
    return db.execute("select n from store_changes where id = 1").fetchone()[0]


class Bulk:
    """What a bulk writer tells `counted_once`: whether it changed submissions or questionnaires."""

    changed = False


@contextlib.contextmanager
def counted_once(db: Database) -> Iterator[Bulk]:
    """Inside a transaction: many writes to submissions that move the change counter once, not per row.

    The counting triggers are dropped for the block and made again at its end, in the same
    transaction (see schema.m005_counted_once_without_a_flag): other connections never see the store
    without them, and an exception (after which the caller rolls back) brings them back with the
    rollback. The writer sets `changed` on what this yields when it wrote something (a re-ingest that
    changes nothing leaves the counter, and every kept page, as it was).
    """
    if not db.conn.in_transaction:
        raise StoreError("counted_once must run inside a transaction")
    for table in schema.WATCHED_TABLES:
        schema.unwatch(db, table)
    bulk = Bulk()
    yield bulk
    for table in schema.WATCHED_TABLES:
        schema.watch(db, table)
    db.execute("update store_changes set n = n + ? where id = 1", [1 if bulk.changed else 0])


def integrity_ok(db: Database) -> bool:
    return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
