"""What a laptop pulls from the central: questionnaire versions and the municipality registry."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlite_utils import Database

from . import records, store
from .errors import SyncError

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
