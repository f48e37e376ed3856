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
