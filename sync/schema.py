"""Named, forward-only schema migrations of the fieldkit store (sqlite-utils Migrations).

Add a new migration at the end; never edit one that has shipped.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("fieldkit")


@migrations()
def m001_initial(db: Database) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["counties"].create({"code": str, "name": str}, pk="code")
    db["municipalities"].create(
        {"code": str, "name": str, "county_code": str, "county": str},
        pk="code",
        foreign_keys=[("county_code", "counties", "code")],
    )
    db["questionnaires"].create(
        {
            "id": str, "version": str, "content_hash": str, "title_sv": str, "title_en": str,
            "definition": str, "added_at": str, "origin": str,
        },
        pk=("id", "version"),
    )
    db["submissions"].create(
        {
            "uuid": str, "questionnaire_id": str, "questionnaire_version": str,
            "municipality_code": str, "county_code": str, "interviewer": str, "device_id": str,
            "status": str, "created": str, "modified": str, "revision": int, "head_revision": str,
            "content_hash": str, "answers": str, "conflict": int, "reviewed": int, "excluded": int,
            "exclude_reason": str,
        },
        pk="uuid",
        defaults={"revision": 0, "conflict": 0, "reviewed": 0, "excluded": 0, "answers": "{}"},
        not_null={"questionnaire_id", "questionnaire_version", "municipality_code", "status", "created", "modified"},
    )
    db["submissions"].create_index(["questionnaire_id", "status"])
    db["submissions"].create_index(["county_code"])
    db["submissions"].create_index(["municipality_code"])
    db["submissions"].create_index(["modified"])
    db["revisions"].create(
        {
            "id": str, "submission_uuid": str, "number": int, "parent_id": str, "merge_parent_id": str,
            "questionnaire_id": str, "questionnaire_version": str, "municipality_code": str,
            "status": str, "answers": str, "content_hash": str, "device_id": str, "author": str,
            "created": str, "comment": str,
        },
        pk="id",
        not_null={"submission_uuid", "number", "answers", "content_hash", "created"},
    )
    db["revisions"].create_index(["submission_uuid", "number"])
    db["revisions"].create_index(["parent_id"])
    db["drafts"].create(
        {"submission_uuid": str, "raw": str, "section_id": str, "saved_at": str, "seq": int},
        pk="submission_uuid",
    )


@migrations()
def m002_sync(db: Database) -> None:
    """Sync (issue 4): enrolled devices, what the central received, conflicts; the laptop's acks and log."""
    # Central side.
    db["sync_devices"].create(
        {"id": str, "name": str, "key": str, "created": str, "revoked_at": str, "last_seen": str},
        pk="id", not_null={"name", "key", "created"},
    )
    db["sync_devices"].create_index(["name"], unique=True)
    db["sync_received"].create(
        {"device_id": str, "revision_id": str, "record_sha256": str, "received_at": str, "ingest_id": str},
        pk=("device_id", "revision_id"),
    )
    db["sync_ingests"].create(
        {"id": str, "bundle_id": str, "device_id": str, "source": str, "at": str, "records_sha256": str,
         "counts": str},
        pk="id",
    )
    db["sync_ingests"].create_index(["bundle_id"])
    db["sync_conflicts"].create(
        {"id": int, "submission_uuid": str, "base_revision": str, "head_revision": str, "other_revision": str,
         "device_id": str, "detected_at": str, "resolved_at": str, "resolution_revision": str},
        pk="id", not_null={"submission_uuid", "head_revision", "other_revision", "detected_at"},
    )
    db["sync_conflicts"].create_index(["submission_uuid"])
    db["sync_nonces"].create({"device_id": str, "nonce": str, "seen_at": float}, pk=("device_id", "nonce"))
    # Laptop side.
    db["sync_acks"].create({"revision_id": str, "acked_at": str, "via": str}, pk="revision_id")
    db["sync_events"].create(
        {"id": int, "at": str, "kind": str, "ref": str, "revisions": int, "acked": int, "detail": str},
        pk="id",
    )
    db["sync_sent"].create({"event_id": int, "revision_id": str}, pk=("event_id", "revision_id"))
    db["draft_moves"].create(
        {"id": int, "submission_uuid": str, "at": str, "from_version": str, "to_version": str,
         "carried": str, "dropped": str},
        pk="id",
    )


@migrations()
def m003_accounts_audit(db: Database) -> None:
    """Central server (issue 6): user accounts, failed logins for throttling, the audit log."""
    db.execute("""
        create table users (
            name text primary key collate nocase,
            role text not null check (role in ('admin', 'evaluator', 'county', 'interviewer')),
            county_code text,
            password_hash text not null,
            created text not null,
            disabled_at text,
            epoch integer not null default 0
        )""")
    db.execute("create table login_failures (id integer primary key, at real not null, "
               "account text not null, address text not null)")
    db.execute("create index login_failures_account on login_failures (account, at)")
    db.execute("create index login_failures_address on login_failures (address, at)")
    db.execute("create table audit_log (id integer primary key autoincrement, at text not null, actor text, "
               "action text not null, target text, details text, address text)")
    db.execute("create index audit_log_action on audit_log (action, id)")
