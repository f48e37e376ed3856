"""Sync conflicts on the central store: what differs between two branches, and resolving them. No Flask.

Sync (`sync.ingest`) keeps both branches when two laptops edit the same interview: the
submission's head stays, the other branch's tip is recorded in `sync_conflicts`. Resolving
writes one new revision whose parents are the current head and the other tip, with the
answer of each differing question taken from the side the reviewer chose.

A repeat (a list of instances) may be resolved per instance: instances have no key of their own, so
they are matched by position, and only when neither side moved an instance of the base (removed or
reordered one before others); otherwise only the whole list of one side can be chosen.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from forms.answers import clean_answers
from forms.model import Question, Questionnaire

from . import audit, lineage, store
from .reviewing import changed_questions

HEAD, OTHER = "head", "other"
#: The choice of a repeat that says: take each instance from the side chosen for it (`instance_choice`).
EACH = "each"


class ConflictError(store.StoreError):
    """A resolution that cannot be saved; `missing` lists the questions still without a choice."""

    def __init__(self, message: str, missing: list[str] | None = None):
        super().__init__(message)
        self.missing = missing or []


def open_for(db: Database, sid: str) -> list[dict[str, Any]]:
    """Open conflicts of one submission, oldest first."""
    return lineage.open_conflicts(db, sid)


def instance_choice(qid: str, number: int) -> str:
    """The key of the choice for one instance of a repeat, numbered from 1: `s.personer[3]`."""
    return f"{qid}[{number}]"


@dataclass
class InstanceDifference:
    """One position of a repeat on both sides; None where that side has no instance there."""

    number: int
    base: dict[str, Any] | None
    head: dict[str, Any] | None
    other: dict[str, Any] | None
    suggested: str | None

    @property
    def same(self) -> bool:
        """Both sides hold the same instance here: it is kept without a choice."""
        return self.head == self.other


@dataclass
class Difference:
    question: Question | None
    qid: str
    base: Any
    head: Any
    other: Any
    suggested: str | None  # the side that changed it from the base, when only one did
    #: A repeat whose instances can be matched by position: one entry per position. None otherwise.
    instances: list[InstanceDifference] | None = None

    def choice_keys(self) -> list[str]:
        """The choices this difference may take: the question's, then one per differing instance."""
        keys = [self.qid]
        if self.instances is not None:
            keys += [instance_choice(self.qid, i.number) for i in self.instances if not i.same]
        return keys


@dataclass
class Sides:
    """The two branches of one open conflict and the questions where they differ."""

    conflict: dict[str, Any]
    sub: store.Submission
    questionnaire: Questionnaire
    head: dict[str, Any]
    other: dict[str, Any]
    other_meta: dict[str, Any]
    head_meta: dict[str, Any]
    differences: list[Difference] = field(default_factory=list)


def _revision(db: Database, rid: str | None) -> dict[str, Any] | None:
    if not rid:
        return None
    rows = list(db.query("select * from revisions where id = ?", [rid]))
    if not rows:
        return None
    row = rows[0]
    row["answers"] = json.loads(row["answers"])
    return row


def _part(answers: dict[str, Any], qid: str) -> dict[str, Any]:
    """The keys of one question (its value, `/annat` text, matrix rows)."""
    return {k: v for k, v in answers.items() if k.split("/")[0] == qid}


def sides(db: Database, sid: str, conflict_id: int) -> Sides:
    """The conflict's two branches: the submission's current head against the other branch's tip."""
    rows = list(db.query("select * from sync_conflicts where id = ? and submission_uuid = ? and resolved_at is null",
                         [conflict_id, sid]))
    if not rows:
        raise store.NotFound(f"no open conflict {conflict_id} on submission {sid}")
    conflict = rows[0]
    sub = store.get_submission(db, sid)
    other = _revision(db, conflict["other_revision"])
    if other is None or not sub.head_revision:
        raise store.NotFound(f"conflict {conflict_id} names a revision this store does not hold")
    base = _revision(db, conflict["base_revision"])
    questionnaire = store.get_questionnaire(db, sub.questionnaire_id, sub.questionnaire_version)
    head = _revision(db, sub.head_revision) or {}
    result = Sides(conflict, sub, questionnaire, sub.answers, other["answers"], other, head)
    base_answers = base["answers"] if base else {}
    for qid in _ordered(questionnaire, changed_questions(sub.answers, other["answers"])):
        head_part, other_part, base_part = (_part(a, qid) for a in (sub.answers, other["answers"], base_answers))
        suggested = None
        if head_part == base_part:
            suggested = OTHER
        elif other_part == base_part:
            suggested = HEAD
        question = questionnaire.question(qid)
        diff = Difference(question, qid, base_answers.get(qid), sub.answers.get(qid), other["answers"].get(qid),
                          suggested)
        if question is not None and question.repeat:
            diff.instances = matched_instances(base_answers.get(qid, []) if base else None, diff.head, diff.other)
        result.differences.append(diff)
    return result


def _instances(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _in_place(base: list[Any], side: list[Any]) -> bool:
    """No instance of the base turns up at another position on this side (none removed before others, none moved).

    An instance equal to one of the base's counts as that instance; a duplicate may make this say no, which
    only means the whole list is chosen instead.
    """
    return all(i < len(base) and base[i] == instance for i, instance in enumerate(side) if instance in base)


def matched_instances(base: Any, head: Any, other: Any) -> list[InstanceDifference] | None:
    """A repeat's instances side by side by position, or None when positions do not say which is which.

    Without a base (the common revision is not held) positions are all there is and they are used.
    """
    base_list, head_list, other_list = _instances(base), _instances(head), _instances(other)
    if base is not None and not (_in_place(base_list, head_list) and _in_place(base_list, other_list)):
        return None
    rows = []
    for n in range(max(len(head_list), len(other_list))):
        at_base, at_head, at_other = (items[n] if n < len(items) else None
                                      for items in (base_list, head_list, other_list))
        suggested = None
        if base is not None and at_head == at_base:
            suggested = OTHER
        elif base is not None and at_other == at_base:
            suggested = HEAD
        rows.append(InstanceDifference(n + 1, at_base, at_head, at_other, suggested))
    return rows


def suggested_choices(found: Sides) -> dict[str, str]:
    """The choices a page starts with: the side that changed a question (or an instance) when only one did.

    A repeat matched by position starts with EACH, its instances with their own suggestions.
    """
    choices = {}
    for diff in found.differences:
        if diff.instances is not None:
            choices[diff.qid] = EACH
            choices.update({instance_choice(diff.qid, i.number): i.suggested
                            for i in diff.instances if i.suggested and not i.same})
        elif diff.suggested:
            choices[diff.qid] = diff.suggested
    return choices


def _ordered(questionnaire: Questionnaire, qids: list[str]) -> list[str]:
    order = {q.id: n for n, q in enumerate(questionnaire.questions())}
    return sorted(qids, key=lambda q: (order.get(q, len(order)), q))


def _missing(diff: Difference, choices: dict[str, str]) -> list[str]:
    """The choice keys of one difference still without a usable choice."""
    choice = choices.get(diff.qid)
    if choice in (HEAD, OTHER):
        return []
    if choice == EACH and diff.instances is not None:
        return [key for key in diff.choice_keys()[1:] if choices.get(key) not in (HEAD, OTHER)]
    return [diff.qid]


def merged_instances(diff: Difference, choices: dict[str, str]) -> list[dict[str, Any]]:
    """A repeat's list taken instance by instance: the chosen side's instance at each position, if it has one.

    Choosing the side without an instance leaves that instance out; the rest keep their order.
    """
    merged = []
    for row in diff.instances or []:
        side = HEAD if row.same else choices[instance_choice(diff.qid, row.number)]
        instance = row.head if side == HEAD else row.other
        if instance is not None:
            merged.append(instance)
    return merged


def merged_answers(found: Sides, choices: dict[str, str]) -> dict[str, Any]:
    """The head's answers with each differing question taken from the chosen side.

    Every differing question needs a choice ('head' or 'other'), or for a repeat matched by position EACH and
    a choice for every instance that differs (`instance_choice`); ConflictError names those without.
    """
    missing = [key for diff in found.differences for key in _missing(diff, choices)]
    if missing:
        raise ConflictError("choose an answer for: " + ", ".join(missing), missing)
    merged = dict(found.head)
    for diff in found.differences:
        if choices[diff.qid] == OTHER:
            merged = {k: v for k, v in merged.items() if k.split("/")[0] != diff.qid}
            merged.update(_part(found.other, diff.qid))
        elif choices[diff.qid] == EACH:
            merged[diff.qid] = merged_instances(diff, choices)
    return merged


def resolve(db: Database, sid: str, conflict_id: int, choices: dict[str, str], *, actor: str,
            comment: str = "") -> dict[str, Any]:
    """Write the merge revision (parents: head and other tip), clear the conflict, audit; one transaction.

    ConflictError when a choice is missing or the merged answers are not valid together.
    """
    with store.transaction(db):
        found = sides(db, sid, conflict_id)
        cleaned = clean_answers(found.questionnaire, merged_answers(found, choices))
        if not cleaned.ok:
            problems = "; ".join(f"{qid}: {message}" for qid, message in cleaned.errors.items())
            raise ConflictError(f"the chosen answers do not fit together ({problems}); choose again")
        revision = _merge_revision(db, found, cleaned.answers, actor, comment)
        still_open = lineage.advance_conflicts(db, lineage.Lineage(db), sid, revision["id"])
        db["submissions"].update(sid, {
            "status": revision["status"], "modified": revision["created"], "revision": revision["number"],
            "head_revision": revision["id"], "content_hash": revision["content_hash"],
            "answers": revision["answers"], "conflict": 1 if still_open else 0,
        })
        audit.record(db, actor, "conflict_resolved", {
            "conflict": conflict_id, "revision": revision["id"], "other_revision": found.conflict["other_revision"],
            "from_head": [d.qid for d in found.differences if choices[d.qid] == HEAD],
            "from_other": [d.qid for d in found.differences if choices[d.qid] == OTHER],
            **_per_instance(found, choices),
        }, target=sid)
    return revision


def _per_instance(found: Sides, choices: dict[str, str]) -> dict[str, Any]:
    """For the audit log: the side taken at each differing position of the repeats resolved per instance."""
    each = {d.qid: {str(row.number): choices[instance_choice(d.qid, row.number)]
                    for row in d.instances or [] if not row.same}
            for d in found.differences if choices[d.qid] == EACH}
    return {"per_instance": each} if each else {}


def _merge_revision(db: Database, found: Sides, answers: dict[str, Any], actor: str, comment: str) -> dict[str, Any]:
    sub, other_id = found.sub, found.conflict["other_revision"]
    number = db.execute("select coalesce(max(number), 0) + 1 from revisions where submission_uuid = ?",
                        [sub.uuid]).fetchone()[0]
    revision = {
        "id": str(uuid.uuid4()), "submission_uuid": sub.uuid, "number": number,
        "parent_id": sub.head_revision, "merge_parent_id": other_id,
        "questionnaire_id": sub.questionnaire_id, "questionnaire_version": sub.questionnaire_version,
        "municipality_code": sub.municipality_code, "status": sub.status or "complete",
        "answers": store.canonical_json(answers),
        "content_hash": store.revision_hash(sub.uuid, sub.questionnaire_id, sub.questionnaire_version,
                                            sub.municipality_code, answers, sub.head_revision, other_id),
        "device_id": store.get_settings(db).get("device_id"), "author": actor, "created": store.now(),
        "comment": (comment or "").strip() or "conflict resolved",
    }
    db["revisions"].insert(revision)
    return revision
