"""Moving a draft to a newer version of its questionnaire, carrying every answer that still fits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from forms.answers import _Invalid, clean_answers, clean_value, message
from forms.model import OTHER_SUFFIX, Question, Questionnaire

from . import store

#: Question types whose values can move to another type unchanged (then cleaned by the new question).
COMPATIBLE = {
    "integer": {"integer", "decimal", "money", "year"},
    "year": {"year", "integer"},
    "money": {"money", "integer", "decimal"},
    "decimal": {"decimal"},
    "text": {"text", "longtext"},
    "longtext": {"longtext", "text"},
    "single": {"single", "scale"},
    "scale": {"scale", "single"},
    "yesno": {"yesno"},
    "multi": {"multi"},
    "matrix": {"matrix"},
    "date": {"date"},
}


@dataclass
class Move:
    """What moving a draft did: the answers carried and those that could not be, with reasons."""

    submission_uuid: str
    from_version: str
    to_version: str
    carried: list[str] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)


def newer_version(db: Database, qid: str, version: str) -> str | None:
    """The newest stored version of a questionnaire if it is newer than `version`."""
    newest = store.get_questionnaire(db, qid).version
    return newest if store.version_key(newest) > store.version_key(version) else None


def movable_drafts(db: Database) -> list[dict[str, Any]]:
    """Never-completed drafts whose questionnaire has a newer version, with that version."""
    rows = []
    for row in db.query("select s.uuid, s.questionnaire_id, s.questionnaire_version, s.municipality_code, "
                        "s.modified, m.name as municipality from submissions s "
                        "left join municipalities m on m.code = s.municipality_code "
                        "where s.status = 'draft' order by s.modified desc"):
        newer = newer_version(db, row["questionnaire_id"], row["questionnaire_version"])
        if newer:
            rows.append({**row, "newer_version": newer})
    return rows


def _keys_of(question: Question, raw: dict[str, Any]) -> list[str]:
    """The raw keys that hold a question's value: its id, matrix rows `id/item`, "other" text `id/annat`."""
    prefix = question.id + "/"
    return [key for key in raw if key == question.id or key.startswith(prefix)]


def plan(old: Questionnaire, new: Questionnaire, raw: dict[str, Any]) -> tuple[dict[str, Any], list[str],
                                                                                list[dict[str, Any]]]:
    """(raw values for the new version, question ids carried, what could not be carried and why)."""
    carried_raw: dict[str, Any] = {}
    carried: list[str] = []
    dropped: list[dict[str, Any]] = []
    claimed: set[str] = set()
    for question in old.questions():
        keys = _keys_of(question, raw)
        claimed.update(keys)
        values = {key: raw[key] for key in keys if raw[key] not in (None, "", [], {})}
        if not values:
            continue
        target = new.question(question.id)
        reason = None
        if target is None:
            reason = "the question is not in the new version"
        elif target.type not in COMPATIBLE.get(question.type, {question.type}):
            reason = f"the question changed type from {question.type} to {target.type}"
        else:
            if target.type == "multi" and not target.other:
                values.pop(question.id + OTHER_SUFFIX, None)
            try:
                value, _extra = clean_value(target, values)
            except _Invalid as exc:  # the engine's own validation error; its message says what is wrong
                reason = f"the answer is not valid in the new version: {message(exc.code, 'en', **exc.params)}"
            else:
                if value is None:
                    reason = "the answer is not valid in the new version"
        if reason:
            dropped.append({"question": question.id, "reason": reason, "value": values})
            continue
        carried_raw.update(values)
        carried.append(question.id)
    for key in raw:
        if key not in claimed and raw[key] not in (None, "", [], {}):
            dropped.append({"question": key, "reason": "not a question of the old version", "value": raw[key]})
    return carried_raw, carried, dropped


def move_draft(db: Database, sid: str, version: str | None = None) -> Move:
    """Move a never-completed draft to `version` (default: the newest) in one transaction.

    Every answer whose question id still exists with a compatible type and whose value is valid
    there is carried; the others are listed in the result and kept in `draft_moves` with their values.
    """
    with store.transaction(db):
        sub = store.get_submission(db, sid)
        if sub.status != "draft" or sub.draft is None:
            raise store.StoreError("only a draft that was never completed can move to another questionnaire "
                                   "version; completed interviews keep their version")
        old = store.get_questionnaire(db, sub.questionnaire_id, sub.questionnaire_version)
        new = store.get_questionnaire(db, sub.questionnaire_id, version)
        if new.version == old.version:
            raise store.StoreError(f"the draft already uses version {old.version} of {old.id}")
        raw, carried, dropped = plan(old, new, sub.draft["raw"])
        answers = clean_answers(new, raw, partial=True).answers
        section_id = sub.draft.get("section_id")
        if not any(s.id == section_id for s in new.sections):
            section_id = new.sections[0].id
        stamp = store.now()
        db["drafts"].update(sid, {"raw": store.canonical_json(raw), "section_id": section_id, "saved_at": stamp,
                                  "seq": (sub.draft.get("seq") or 0) + 1})
        db["submissions"].update(sid, {"questionnaire_version": new.version, "answers": store.canonical_json(answers),
                                       "modified": stamp})
        db["draft_moves"].insert({"submission_uuid": sid, "at": stamp, "from_version": old.version,
                                  "to_version": new.version, "carried": json.dumps(carried),
                                  "dropped": store.canonical_json(dropped)})
    return Move(sid, old.version, new.version, carried, dropped)
