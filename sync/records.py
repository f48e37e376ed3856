"""Bundle records: questionnaire versions and revisions as JSON objects, out of a store and checked on the way in."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Iterable, Iterator

from sqlite_utils import Database

from forms.loader import DefinitionError, from_dict
from forms.model import Questionnaire

from . import store
from .errors import BundleRejected

REVISION_FIELDS = (
    "id", "submission_uuid", "number", "parent_id", "merge_parent_id", "questionnaire_id",
    "questionnaire_version", "municipality_code", "status", "answers", "content_hash", "device_id",
    "author", "created", "comment",
)
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ROW_KEYS = frozenset(REVISION_FIELDS) - {"answers"}


def dumps(value: Any) -> str:
    """Compact JSON, keys sorted, UTF-8 text (the canonical form of the store)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# -- out of a store ------------------------------------------------------------

def questionnaire_record(db: Database, qid: str, version: str) -> dict[str, Any]:
    row = db.execute("select content_hash, definition from questionnaires where id = ? and version = ?",
                     [qid, version]).fetchone()
    if row is None:
        raise store.NotFound(f"unknown questionnaire {qid} version {version}")
    return {"kind": "questionnaire", "id": qid, "version": version, "content_hash": row[0],
            "definition": json.loads(row[1])}


REVISION_SELECT = (
    "select r.id, r.submission_uuid, r.number, r.parent_id, r.merge_parent_id, r.questionnaire_id, "
    "r.questionnaire_version, r.municipality_code, r.status, r.answers, r.content_hash, r.device_id, "
    "r.author, r.created, r.comment, s.created as s_created, s.interviewer as s_interviewer, "
    "s.device_id as s_device_id, s.district_code as s_district "
    "from revisions r join submissions s on s.uuid = r.submission_uuid "
)
UNACKNOWLEDGED = "not exists (select 1 from sync_acks a where a.revision_id = r.id)"
ORDER = " order by r.submission_uuid, r.number, r.id"


def _revision_text(row: tuple) -> str:
    (rid, sid, number, parent, merge_parent, qid, version, municipality, status, answers, digest,
     device, author, created, comment, s_created, s_interviewer, s_device, s_district) = row
    rest = {
        "kind": "revision", "id": rid, "submission_uuid": sid, "number": number, "parent_id": parent,
        "merge_parent_id": merge_parent, "questionnaire_id": qid, "questionnaire_version": version,
        "municipality_code": municipality, "status": status, "content_hash": digest, "device_id": device,
        "author": author, "created": created, "comment": comment,
        "submission": {"created": s_created, "interviewer": s_interviewer, "device_id": s_device},
    }
    if s_district:  # only then: a record without a district reads as before, in bytes too
        rest["submission"]["district_code"] = s_district
    # The stored answers are already canonical JSON: splice them in rather than parse and re-dump.
    return '{"answers":' + answers + "," + dumps(rest)[1:]


def unacknowledged(db: Database) -> Iterator[tuple[str, str, str]]:
    """(revision id, submission uuid, record JSON text) for each revision the central has not acknowledged.

    Parents come before children: ordered by submission, then revision number.
    """
    for row in db.execute(REVISION_SELECT + "where " + UNACKNOWLEDGED + ORDER):
        yield row[0], row[1], _revision_text(row)


def unacknowledged_ids(db: Database) -> list[tuple[str, str, str]]:
    """(revision id, questionnaire id, version) of each unacknowledged revision, parents first."""
    return [tuple(r) for r in db.execute(
        "select r.id, r.questionnaire_id, r.questionnaire_version from revisions r where " + UNACKNOWLEDGED + ORDER)]


def revision_texts(db: Database, ids: list[str]) -> list[str]:
    """Record JSON texts of these revisions, in the order of `ids`."""
    texts: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ",".join("?" * len(part))
        for row in db.execute(REVISION_SELECT + f"where r.id in ({marks})", part):
            texts[row[0]] = _revision_text(row)
    return [texts[rid] for rid in ids]


def count_unacknowledged(db: Database) -> int:
    return db.execute("select count(*) from revisions r "
                      "where not exists (select 1 from sync_acks a where a.revision_id = r.id)").fetchone()[0]


# -- into a store ---------------------------------------------------------------

_string = json.encoder.encode_basestring  # JSON string literal, non-ASCII kept (as ensure_ascii=False)


def _literal(value: str | None) -> str:
    return "null" if value is None else _string(value)


def revision_hash(row: dict[str, Any], answers_text: str) -> str:
    """`store.revision_hash` from the canonical answers text, without re-serialising the answers.

    The keys below are already in sorted order, so this is the canonical JSON `store.revision_hash` hashes.
    """
    return hashlib.sha256((_ANSWERS_FIRST + answers_text + _hash_tail(row)).encode("utf-8")).hexdigest()


def _hash_tail(row: dict[str, Any]) -> str:
    """What `store.revision_hash` hashes after the answers, in canonical JSON."""
    return (',"merge_parent":' + _literal(row.get("merge_parent_id")) + ',"municipality":'
            + _string(row["municipality_code"]) + ',"parent":' + _literal(row.get("parent_id"))
            + ',"questionnaire":' + _string(row["questionnaire_id"]) + ',"submission":'
            + _string(row["submission_uuid"]) + ',"version":' + _string(row["questionnaire_version"]) + "}")


_SCAN = json.JSONDecoder().scan_once  # one JSON value at an index: (value, end); no whitespace around it
_ANSWERS_FIRST = '{"answers":'
_ANSWERS_AT = len(_ANSWERS_FIRST)  # in characters and in bytes alike: it is ASCII


def _rest(decoded: str) -> dict[str, Any] | None:
    """The object `{` + `decoded` (what follows the comma after the answers), or None if that is not exactly one object."""
    rest = "{" + decoded
    record, end = _SCAN(rest, 0)
    return record if end == len(rest) and type(record) is dict and "answers" not in record else None


def parse(where: str, text: bytes) -> tuple[Any, str | None, memoryview | None]:
    """A record's JSON text as (Python data, the answers' JSON text, the line up to their end), if the
    record starts with its answers; else (Python data, None, None).

    fieldkit writes revision records with `answers` first and in canonical form; keeping their
    text lets the importer store it as it is once the content hash proves it canonical, instead of
    serialising the answers again, and the record's own bytes up to the answers' end are the start of
    what the content hash covers (`check_revision`). Any other layout takes the general path.
    BundleRejected if not JSON.
    """
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleRejected("invalid_record", f"{where}: not UTF-8 text ({exc})") from None
    if decoded.startswith(_ANSWERS_FIRST):
        try:
            answers, end = _SCAN(decoded, _ANSWERS_AT)
            record = _rest(decoded[end + 1:]) if decoded[end] == "," else None
            if record is not None:
                record["answers"] = answers
                prefix = memoryview(text)[:len(text) - len(decoded[end:].encode("utf-8"))]
                return record, decoded[_ANSWERS_AT:end], prefix
        except (ValueError, IndexError, StopIteration, RecursionError):
            pass  # not the usual layout: the general path below decides
    try:
        return json.loads(decoded), None, None
    except ValueError as exc:
        raise BundleRejected("invalid_record", f"{where}: not valid JSON ({exc})") from None
    except RecursionError:
        raise BundleRejected("invalid_record", f"{where}: not valid JSON (nested too deeply)") from None


def answers_end(prefix: memoryview | None) -> int:
    """Where the answers end in the bytes of a record of the usual layout (`parse` gave the prefix), else 0."""
    return len(prefix) if prefix is not None else 0


def checked_revision(where: str, text: bytes, end: int, record_sha256: str) -> "Revision":
    """Rebuild a revision from a record line that `check_revision` passed before.

    The second pass of an ingest reads the same line again (its SHA-256 proves it): `end` (from
    `answers_end`) says where its canonical answers end, so only the small rest is decoded and
    parsed. The answers stay UTF-8 bytes, exactly as checked: the importer stores them as text
    (`CAST(? AS TEXT)`) without decoding them to encode them again.
    """
    if end:
        answers: str | bytes = text[_ANSWERS_AT:end]
        record = _rest(text[end + 1:].decode("utf-8"))
    else:
        record = json.loads(text)
        answers = dumps(record["answers"])
    meta = record.get("submission")
    if not (meta and meta.get("created") and meta.get("device_id") and "interviewer" in meta):
        meta = _submission_meta(record, record)  # fill in what the record leaves out
    if _ROW_KEYS <= record.keys():  # fieldkit's layout: every field, nulls included; the record is the row
        row = record
    else:
        row = {key: record.get(key) for key in REVISION_FIELDS}
    row["answers"] = answers
    return Revision(row, meta, where, record_sha256)


def _submission_meta(record: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """What a new submission needs (when, by whom, on which device, for which district), from the record's
    `submission`. The district is the submission's, like its municipality: set when it was started."""
    meta = record.get("submission") or {}
    return {"created": meta.get("created") or row.get("created"), "interviewer": meta.get("interviewer"),
            "device_id": meta.get("device_id") or row.get("device_id"), "district_code": meta.get("district_code")}


def revision_of(record: dict[str, Any], where: str) -> "Revision":
    """A revision from a parsed record that `check_revision` passed (e.g. one a pull brought)."""
    row = {key: record.get(key) for key in REVISION_FIELDS}
    row["answers"] = dumps(record["answers"])
    return Revision(row, _submission_meta(record, row), where, None)


class Revision:
    """An incoming, checked revision: the row for `revisions` (answers as canonical text) and what a new
    submission head needs."""

    __slots__ = ("id", "row", "submission", "where", "record_sha256", "parents")

    def __init__(self, row: dict[str, Any], submission: dict[str, Any], where: str, record_sha256: str | None):
        self.id = row["id"]
        self.row = row
        self.submission = submission
        self.where = where
        self.record_sha256 = record_sha256
        parent, merge_parent = row["parent_id"], row["merge_parent_id"]
        if merge_parent:
            self.parents = (parent, merge_parent) if parent else (merge_parent,)
        else:
            self.parents = (parent,) if parent else ()


def _invalid(where: str, message: str) -> BundleRejected:
    return BundleRejected("invalid_record", f"{where}: {message}")


_REQUIRED = ("id", "submission_uuid", "questionnaire_id", "questionnaire_version", "municipality_code",
             "status", "created")
_OPTIONAL = ("parent_id", "merge_parent_id", "device_id", "author", "comment")


def check_revision(record: dict[str, Any], where: str, answers_text: str | None = None,
                   prefix: memoryview | bytes | None = None) -> bool:
    """Check a revision record's fields and its content hash; BundleRejected (invalid_record) names the first wrong one.

    `answers_text` is the record's own text of its answers, `prefix` its UTF-8 bytes after
    `{"answers":` (both from `parse`; with the prefix, the answers are not encoded again). Returns True
    if that text is the canonical one the content hash covers, so the import can store it as it is.
    """
    get = record.get
    for key in _REQUIRED:
        value = get(key)
        if type(value) is not str or not value:
            raise _invalid(where, f"field {key!r} must be a non-empty string")
    for key in _OPTIONAL:
        value = get(key)
        if value is not None and (type(value) is not str or not value):
            raise _invalid(where, f"field {key!r} must be a non-empty string or null")
    number = get("number")
    if type(number) is not int or number < 1:
        raise _invalid(where, "field 'number' must be a whole number of at least 1")
    answers = get("answers")
    if type(answers) is not dict:
        raise _invalid(where, "field 'answers' must be a JSON object")
    digest = get("content_hash")
    if type(digest) is not str or not _HEX64.match(digest):
        raise _invalid(where, "field 'content_hash' must be 64 lower-case hex digits")
    meta = get("submission") or {}
    if type(meta) is not dict:
        raise _invalid(where, "field 'submission' must be a JSON object")
    for key, value in _submission_meta(record, record).items():
        if value is not None and type(value) is not str:
            raise _invalid(where, f"field 'submission.{key}' must be a string")
    if prefix is not None:
        sha = hashlib.sha256(prefix)
        sha.update(_hash_tail(record).encode("utf-8"))
        if sha.hexdigest() == digest:
            return True
    elif answers_text is not None and revision_hash(record, answers_text) == digest:
        return True
    actual = revision_hash(record, dumps(answers))
    if actual != digest:
        raise _invalid(where, f"revision {record['id']} has content hash {digest[:12]} but its content hashes "
                              f"to {actual[:12]}")
    return False


def check_questionnaire(record: dict[str, Any], where: str) -> Questionnaire:
    """Build the questionnaire a record defines and check its declared id, version and hash."""
    definition = record.get("definition")
    if not isinstance(definition, dict):
        raise _invalid(where, "field 'definition' must be a JSON object")
    try:
        questionnaire = from_dict(definition, filename=where)
    except DefinitionError as exc:
        raise _invalid(where, f"the questionnaire definition is not valid: {exc}") from None
    for key, actual in (("id", questionnaire.id), ("version", questionnaire.version),
                        ("content_hash", questionnaire.content_hash)):
        if record.get(key) != actual:
            raise _invalid(where, f"field {key!r} says {record.get(key)!r} but the definition has {actual!r}")
    return questionnaire


def kind_of(record: Any, where: str) -> str:
    if not isinstance(record, dict):
        raise _invalid(where, "a record must be a JSON object")
    kind = record.get("kind")
    if kind not in ("questionnaire", "revision"):
        raise _invalid(where, f"unknown record kind {kind!r} (expected 'questionnaire' or 'revision')")
    return kind


def questionnaire_records(db: Database, keys: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    return [questionnaire_record(db, qid, version) for qid, version in sorted(set(keys))]
