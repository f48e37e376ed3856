"""Review on the central store: find submissions, edit answers as new revisions, mark reviewed, exclude,
compare revisions. Plain functions over a Database and a scope; no Flask.

Every query takes the user's `Scope` and goes through `sync.selection`, whose scope overrides the request, so
a county user cannot reach another county's submissions whatever the URL or the parameters say.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlite_utils import Database

from forms.answers import clean_answers
from forms.model import Questionnaire

from . import accounts, audit, lineage, store
from .selection import Scope, Selection
from .selection import where as selection_where


class ReviewError(store.StoreError):
    """A review action that cannot be done as asked; the message says why."""


class StaleEdit(ReviewError):
    """The submission got a newer revision after the reviewer opened it."""

    status = 409


@dataclass(frozen=True)
class ReviewFilter:
    """What the review list shows. Empty values mean 'any'. Flags are 'yes', 'no' or ''."""

    questionnaire: str = ""
    county: str = ""
    municipality: str = ""
    district: str = ""
    status: str = ""
    conflict: str = ""
    reviewed: str = ""
    excluded: str = ""
    q: str = ""

    @classmethod
    def from_args(cls, args) -> "ReviewFilter":
        values = {f.name: (args.get(f.name) or "").strip()[:200] for f in fields(cls)}
        for flag in ("conflict", "reviewed", "excluded"):
            if values[flag] not in ("yes", "no"):
                values[flag] = ""
        if values["status"] not in store.STATUSES:
            values["status"] = ""
        return cls(**values)

    def selection(self) -> Selection:
        def flag(value: str) -> bool | None:
            return {"yes": True, "no": False}.get(value)
        return Selection(questionnaire=self.questionnaire or None, counties=(self.county,) if self.county else (),
                         municipalities=(self.municipality,) if self.municipality else (),
                         districts=(self.district,) if self.district else (),
                         status=self.status or None, conflict=flag(self.conflict), reviewed=flag(self.reviewed),
                         excluded=flag(self.excluded), text=self.q)


def find(db: Database, flt: ReviewFilter, scope: Scope, *, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """Submissions matching the filter within the scope, newest change first."""
    where, params = selection_where(flt.selection(), scope)
    sql = ("select s.uuid, s.questionnaire_id, s.questionnaire_version, s.municipality_code, m.name as municipality, "
           "s.district_code, s.county_code, m.county, s.interviewer, s.status, s.modified, s.revision, s.conflict, "
           "s.reviewed, s.excluded from submissions s join municipalities m on m.code = s.municipality_code"
           f" where {where} order by s.modified desc, s.uuid limit ? offset ?")
    return list(db.query(sql, params + [limit, offset]))


def count(db: Database, flt: ReviewFilter, scope: Scope) -> int:
    where, params = selection_where(flt.selection(), scope)
    return db.execute(f"select count(*) from submissions s where {where}", params).fetchone()[0]


# -- one submission --------------------------------------------------------------

@dataclass
class Opened:
    """A submission as its reviewer sees it: answers with personal ones left out where the scope says so."""

    sub: store.Submission
    questionnaire: Questionnaire
    answers: dict[str, Any]
    skipped: set[str]
    hidden: set[str]


def open_submission(db: Database, sid: str, scope: Scope) -> Opened:
    sub = accounts.scoped_submission(db, sid, scope)
    questionnaire = store.get_questionnaire(db, sub.questionnaire_id, sub.questionnaire_version)
    answers = sub.answers if scope.personal else accounts.without_personal(questionnaire, sub.answers)
    hidden = set() if scope.personal else accounts.hidden_ids(questionnaire)
    skipped = set(clean_answers(questionnaire, sub.answers, partial=True).skipped)
    if not scope.personal:
        sub.answers = answers
        sub.draft = None
    return Opened(sub, questionnaire, answers, skipped, hidden)


def edit_answers(db: Database, sid: str, answers: dict[str, Any], *, actor: str, comment: str,
                 base_revision: str | None = None) -> dict[str, Any]:
    """Record corrected answers as a new revision (author and comment kept) and audit it; one transaction.

    `answers` must already be cleaned. Nothing is written when nothing changed. With
    `base_revision` (the head the reviewer saw), a newer head raises StaleEdit, so a
    revision that arrived meanwhile (e.g. by sync) is never silently reverted.
    """
    comment = (comment or "").strip()
    if not comment:
        raise ReviewError("a comment saying why is required")
    with store.transaction(db):
        sub = store.get_submission(db, sid)
        if sub.status != "complete":
            raise ReviewError("only completed submissions can be corrected in review")
        if base_revision is not None and sub.head_revision != base_revision:
            raise StaleEdit(f"submission {sid} has a newer revision than the one corrected")
        changed = changed_questions(sub.answers, answers)
        if not changed:
            raise ReviewError("nothing was changed")
        draft = db.execute("select raw, section_id, saved_at, seq from drafts where submission_uuid = ?",
                           [sid]).fetchone()
        revision = store.complete_submission(db, sid, answers, author=actor, comment=comment)
        if sub.conflict:  # the head moved: open conflicts now compare against the corrected head
            still_open = lineage.advance_conflicts(db, lineage.Lineage(db), sid, revision["id"])
            db.execute("update submissions set conflict = ? where uuid = ?", [1 if still_open else 0, sid])
        if draft is not None:  # someone's edit in progress on this store stays theirs
            db["drafts"].insert(dict(zip(("raw", "section_id", "saved_at", "seq"), draft), submission_uuid=sid))
        audit.record(db, actor, "edit", {"revision": revision["id"], "number": revision["number"],
                                         "questions": changed, "comment": comment}, target=sid)
    return revision


def changed_questions(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Question ids whose answer differs (an `/other` or matrix key counts for its question)."""
    keys = set(before) | set(after)
    return sorted({k.split("/")[0] for k in keys if before.get(k) != after.get(k)})


def set_reviewed(db: Database, sid: str, reviewed: bool, *, actor: str) -> None:
    with store.transaction(db):
        store.get_submission(db, sid)
        db.execute("update submissions set reviewed = ? where uuid = ?", [1 if reviewed else 0, sid])
        audit.record(db, actor, "reviewed" if reviewed else "unreviewed", target=sid)


def set_excluded(db: Database, sid: str, excluded: bool, *, actor: str, reason: str = "") -> None:
    """Leave a submission out of analysis (exports, reports) with a reason, or take it back in."""
    reason = (reason or "").strip()
    if excluded and not reason:
        raise ReviewError("a reason for excluding is required")
    with store.transaction(db):
        store.get_submission(db, sid)
        db.execute("update submissions set excluded = ?, exclude_reason = ? where uuid = ?",
                   [1 if excluded else 0, reason if excluded else None, sid])
        audit.record(db, actor, "excluded" if excluded else "included",
                     {"reason": reason} if excluded else {}, target=sid)


# -- history -----------------------------------------------------------------------

def history(db: Database, sid: str, scope: Scope) -> tuple[Opened, list[dict[str, Any]], list[dict[str, Any]]]:
    """(the submission, its revisions oldest first, one row per question with each revision's answer).

    A cell is `changed` when it differs from the same question in that revision's parent.
    """
    opened = open_submission(db, sid, scope)
    revisions = store.list_revisions(db, sid)
    by_id = {r["id"]: r for r in revisions}
    for rev in revisions:
        if not scope.personal:
            rev["answers"] = accounts.without_personal(opened.questionnaire, rev["answers"])
        parent = by_id.get(rev["parent_id"] or "")
        rev["changed"] = set(changed_questions(parent["answers"] if parent else {}, rev["answers"]))
    rows = []
    for question in opened.questionnaire.questions():
        if not question.answerable or question.id in opened.hidden:
            continue
        cells = [{"value": rev["answers"].get(question.id), "changed": question.id in rev["changed"]}
                 for rev in revisions]
        if any(c["value"] is not None for c in cells):
            rows.append({"question": question, "cells": cells, "ever_changed": any(c["changed"] for c in cells[1:])})
    return opened, revisions, rows
