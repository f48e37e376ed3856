"""The store's schema: named, forward-only migrations, one set per part of the store (sqlite-utils Migrations).

- `store`: the record of interviews (questionnaires, the registry, submissions, revisions, drafts);
- `sync`: what moves between machines (devices, what was received, conflicts, acks, the sync log);
- `accounts`: users of the central, failed logins, the audit log.

Each set is applied in that order by `upgrade`. Add a new migration at the end of its set;
never edit one that has shipped. Stores made before the sets were split (one set named
`fieldkit`) are adopted in place by `upgrade`: same tables, new names, nothing rewritten.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATIONS_TABLE = Migrations.migrations_table

store_migrations = Migrations("store")
sync_migrations = Migrations("sync")
accounts_migrations = Migrations("accounts")

#: Every set, in the order they apply (later sets may refer to earlier sets' tables).
SETS = (store_migrations, sync_migrations, accounts_migrations)

#: (set, name) of the single `fieldkit` set of fieldkit 0.1 -> (set, name) that replaced it.
LEGACY = {
    ("fieldkit", "m001_initial"): ("store", "m001_initial"),
    ("fieldkit", "m002_sync"): ("sync", "m001_sync"),
    ("fieldkit", "m003_accounts_audit"): ("accounts", "m001_accounts_audit"),
}


@store_migrations()
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


#: Tables whose every write moves `store_changes.n`: what reports are built from.
WATCHED_TABLES = ("submissions", "questionnaires")


COUNTED_EVENTS = ("insert", "update", "delete")


def watch(db: Database, table: str) -> None:
    """Triggers that count every insert, update and delete on `table` in `store_changes`."""
    for event in COUNTED_EVENTS:
        db.execute(f"create trigger {table}_{event}_counted after {event} on {table} "
                   "begin update store_changes set n = n + 1; end")


def unwatch(db: Database, table: str) -> None:
    """Drop the triggers `watch` made on `table`."""
    for event in COUNTED_EVENTS:
        db.execute(f"drop trigger if exists {table}_{event}_counted")


@store_migrations()
def m002_change_counter(db: Database) -> None:
    """A counter of writes to the interviews and questionnaires, so a page can keep figures until it moves.

    SQLite's data_version is per connection and moves on any write (a login too); this counts only
    what reports are built from, and in every process that writes the store.
    """
    db.execute("create table store_changes (id integer primary key check (id = 1), n integer not null)")
    db.execute("insert into store_changes (id, n) values (1, 0)")
    for table in WATCHED_TABLES:
        watch(db, table)


@store_migrations()
def m003_district(db: Database) -> None:
    """A submission of a questionnaire with `level: district` names its district as well as its municipality.

    Null for every other submission, and for every one a store held before.
    """
    db.execute("alter table submissions add column district_code text")
    db["submissions"].create_index(["district_code"])


@store_migrations()
def m004_counted_once_in_bulk(db: Database) -> None:
    """The change counter's triggers skip rows written in bulk: an ingest moves the counter once a batch.

    A per-row `update store_changes` cost an ingest of 100 000 interviews about a second. A bulk
    writer sets `bulk = 1` and moves the counter in its own transaction (`store.counted_once`), and sets
    it back before committing, so no other connection ever sees it set; a rolled-back batch leaves
    it as it was. Every other write is counted row by row, as before.
    """
    db.execute("alter table store_changes add column bulk integer not null default 0")
    for table in WATCHED_TABLES:
        for event in ("insert", "update", "delete"):
            db.execute(f"drop trigger if exists {table}_{event}_counted")
            db.execute(f"create trigger {table}_{event}_counted after {event} on {table} "
                       "when (select bulk from store_changes where id = 1) = 0 "
                       "begin update store_changes set n = n + 1; end")


@store_migrations()
def m005_counted_once_without_a_flag(db: Database) -> None:
    """The change counter's triggers count every row again; a bulk writer drops them in its transaction instead.

    The `bulk` flag of m004 still ran a trigger program per row, which cost an ingest of 100 000
    interviews a second. `store.counted_once` now drops the triggers inside the writer's own
    transaction, moves the counter once and makes them again before the commit: no other connection
    ever sees the store without them, and a rolled-back transaction rolls the drop back too.
    """
    for table in WATCHED_TABLES:
        unwatch(db, table)
        watch(db, table)
    db.execute("alter table store_changes drop column bulk")


@sync_migrations()
def m001_sync(db: Database) -> None:
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


@sync_migrations()
def m002_device_user(db: Database) -> None:
    """A browser enrolled for the offline app belongs to one user; null for a laptop (issue 14).

    The central judges what such a device sends with its own rules (`clean_answers`): a browser's
    JavaScript is not trusted to have cleaned the answers as the Python engine would.
    """
    db.execute("alter table sync_devices add column user_name text")


@accounts_migrations()
def m001_accounts_audit(db: Database) -> None:
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


# -- applying ------------------------------------------------------------------------


def known() -> list[tuple[str, str]]:
    """(set, name) of every migration this fieldkit has, in the order they apply."""
    return [(s.name, m.name) for s in SETS for m in s._migrations]


def applied(db: Database) -> list[tuple[str, str]]:
    """(set, name) of every migration recorded in the store, in the order they were applied."""
    if not db[MIGRATIONS_TABLE].exists():
        return []
    return [(row[0], row[1]) for row in db.execute(f"select migration_set, name from {MIGRATIONS_TABLE} order by rowid")]


def label(entry: tuple[str, str]) -> str:
    return f"{entry[0]}/{entry[1]}"


def unknown(db: Database) -> list[str]:
    """Applied migrations this fieldkit does not know (the store was written by a newer one)."""
    ours = set(known()) | set(LEGACY)
    return [name for s, name in applied(db) if (s, name) not in ours]


def pending(db: Database) -> list[str]:
    """Migrations still to apply, as `set/name` (a legacy store's adopted ones count as applied)."""
    done = {LEGACY.get(entry, entry) for entry in applied(db)}
    return [label(entry) for entry in known() if entry not in done]


def adopt_legacy(db: Database) -> list[str]:
    """Rename the entries of fieldkit 0.1's single set to the sets that replaced it; one transaction."""
    found = [entry for entry in applied(db) if entry in LEGACY]
    if not found:
        return []
    with db.atomic():
        for old in found:
            new = LEGACY[old]
            db.execute(f"update {MIGRATIONS_TABLE} set migration_set = ?, name = ? where migration_set = ? and name = ?",
                       [new[0], new[1], old[0], old[1]])
    return [f"{label(old)} -> {label(LEGACY[old])}" for old in found]


def upgrade(db: Database) -> list[str]:
    """Adopt a legacy store, then apply every pending migration of every set; returns what was applied."""
    adopt_legacy(db)
    todo = pending(db)
    for migrations in SETS:
        migrations.apply(db)
    return todo
