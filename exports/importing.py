"""Import submissions from a file in the shape the exports write: the wide CSV or the workbook's Data sheet.

Typical use::

    result = import_submissions(db, "omgang-2012.xlsx", actor="cli:anna")

Each row becomes a completed submission of the questionnaire whose columns the file has
(or the one named), cleaned by the rules of an interview (`import_rows`). All or nothing:
a file with any problem imports nothing and `FileRefused` lists every problem as
`FILE:ROW: column: message`. The submission id makes it idempotent: a row whose
submission is already in the store with the same answers is left alone. One whose
stored answers differ is refused, unless `update` is given: then the file's answers
become a new revision on top of the stored ones, as an edit would. The store is written
through `sync.store` (one revision per new or changed submission), with one audit entry,
in one transaction.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from typing import Any

from forms.answers import clean_answers
from sync import audit, store

from .import_file import SubmissionImportError, Table, read_table
from .import_layout import Problems, answer_keys, layout
from .import_rows import Incoming, Reader
from .labels import LANGUAGES, gettext, ngettext
from .report import load_schema, questionnaire_ids
from .schema import Schema

AUDIT_ACTION = "import_submissions"


class FileRefused(SubmissionImportError):
    """A file with problems: nothing was imported. `problems` lists the first ones as FILE:ROW: column: message."""

    def __init__(self, problems: Problems, lang: str):
        self.problems = list(problems.listed)
        self.total = problems.total
        lines = [ngettext("%(file)s: nothing was imported: %(num)s problem", "%(file)s: nothing was imported: "
                          "%(num)s problems", problems.total, lang, file=problems.name, num=problems.total)]
        lines += self.problems
        if problems.total > len(self.problems):
            lines.append(gettext("… and %(num)s more", lang, num=problems.total - len(self.problems)))
        super().__init__("\n".join(lines))


@dataclass
class ImportResult:
    """What an import did (or, with `dry_run`, would do): submission ids added, updated and left unchanged."""

    file: str
    questionnaire: str
    rows: int
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: Headers of columns that were not read: derived values, which are computed from the answers.
    ignored: list[str] = field(default_factory=list)
    #: Questions the file has no column for: left unanswered (an export leaves personal questions out unless asked).
    absent: list[str] = field(default_factory=list)
    dry_run: bool = False
    #: The file has no submission id column: each row's id is made from its content, so a file exported
    #: from a store and imported back without that column adds every submission again.
    without_ids: bool = False

    def summary(self, lang: str) -> list[str]:
        """What the import did (or would do) in `lang`, line by line: the counts, the questions without a
        column, the columns not read, and whether anything was new or written."""
        counts = {"file": self.file, "questionnaire": self.questionnaire, "added": len(self.added),
                  "updated": len(self.updated), "unchanged": len(self.unchanged)}
        if self.dry_run:
            lines = [ngettext("%(file)s: %(num)s row of %(questionnaire)s: would add %(added)s, would update "
                              "%(updated)s, unchanged %(unchanged)s",
                              "%(file)s: %(num)s rows of %(questionnaire)s: would add %(added)s, would update "
                              "%(updated)s, unchanged %(unchanged)s", self.rows, lang, **counts)]
        else:
            lines = [ngettext("%(file)s: %(num)s row of %(questionnaire)s: added %(added)s, updated %(updated)s, "
                              "unchanged %(unchanged)s",
                              "%(file)s: %(num)s rows of %(questionnaire)s: added %(added)s, updated %(updated)s, "
                              "unchanged %(unchanged)s", self.rows, lang, **counts)]
        if self.absent:
            lines.append(gettext("no column in the file (left unanswered): %(questions)s", lang,
                                 questions=", ".join(self.absent)))
        if self.ignored:
            lines.append(gettext("not read (computed from the answers): %(columns)s", lang,
                                 columns=", ".join(self.ignored)))
        if not self.added and not self.updated:
            lines.append(gettext("nothing new: every submission of the file is already in the store", lang))
        elif self.dry_run:
            lines.append(gettext("dry run: nothing was written", lang))
        return lines

    def warning(self, lang: str) -> str | None:
        """In `lang`, why rows of a file without submission ids may have become copies; None when they cannot."""
        if not (self.without_ids and self.added):
            return None
        return gettext("warning: the file has no submission id column, so each row got an id made from its content; "
                       "if these rows were exported from this store, they are now copies of its submissions "
                       "(keep the id column to import changes back)", lang)


def import_submissions(db, path: str | os.PathLike, *, questionnaire: str | None = None, version: str | None = None,
                       actor: str | None = None, update: bool = False, dry_run: bool = False,
                       lang: str = "sv") -> ImportResult:
    """Import the file at `path` (see the module doc); `version` applies to rows whose file does not say.

    SubmissionImportError if the file cannot be read or no questionnaire fits it, FileRefused with every
    problem otherwise. With `dry_run`, everything is checked against the store and nothing is written.
    """
    table = read_table(path, lang)
    if _is_long(table):
        raise SubmissionImportError(gettext("%(file)s: this is the long CSV (one row per answer); import the wide "
                                            "CSV or the workbook instead", lang, file=table.name))
    schema = choose_schema(db, table, questionnaire, lang)
    if version is not None and version not in schema.versions:
        raise SubmissionImportError(gettext(
            "questionnaire %(questionnaire)s has no version %(version)s (stored: %(versions)s)", lang,
            questionnaire=schema.questionnaire.id, version=version, versions=", ".join(sorted(schema.versions))))
    problems = Problems(table.name)
    plan = layout(table, schema, lang, problems)
    if problems:
        raise FileRefused(problems, lang)
    reader = Reader(plan, version, problems)
    incoming = reader.read()
    if problems:
        raise FileRefused(problems, lang)
    result = ImportResult(table.name, schema.questionnaire.id, len(table.rows), ignored=plan.ignored,
                          absent=sorted(reader.missing, key=list(q.id for q in schema.questionnaire.questions()).index),
                          dry_run=dry_run, without_ids="uuid" not in plan.meta)
    if dry_run:
        with _reading(db):
            _compare(db, schema, reader.missing, incoming, update, problems, plan.header("uuid"), lang, result)
        if problems:
            raise FileRefused(problems, lang)
        return result
    with store.transaction(db):
        new, changed = _compare(db, schema, reader.missing, incoming, update, problems, plan.header("uuid"), lang,
                                result)
        if problems:
            raise FileRefused(problems, lang)
        _write(db, schema.questionnaire.id, new, changed, actor, gettext("Imported from %(file)s", lang,
                                                                          file=table.name))
        audit.record(db, actor, AUDIT_ACTION, {
            "file": table.name, "format": "xlsx" if table.excel else "csv", "rows": result.rows,
            "added": len(result.added), "updated": len(result.updated), "unchanged": len(result.unchanged)},
            target=schema.questionnaire.id)
    return result


def _is_long(table: Table) -> bool:
    return any(gettext("Question id", code) in table.headers and gettext("Column id", code) in table.headers
               for code in LANGUAGES)


def choose_schema(db, table: Table, questionnaire: str | None, lang: str) -> Schema:
    """The named questionnaire's schema, or the one stored questionnaire whose columns the file's are."""
    stored = questionnaire_ids(db)
    if questionnaire is not None:
        if questionnaire not in stored:
            raise SubmissionImportError(gettext("unknown questionnaire %(questionnaire)s (stored: %(ids)s)", lang,
                                                questionnaire=questionnaire, ids=", ".join(stored)))
        return load_schema(db, questionnaire)[0]
    keys = set(answer_keys(table))
    fits = []
    if keys:
        for qid in stored:
            schema = load_schema(db, qid)[0]
            if keys <= {c.key for c in schema.columns}:
                fits.append(schema)
    if len(fits) == 1:
        return fits[0]
    if fits:
        raise SubmissionImportError(gettext(
            "%(file)s: the columns fit several questionnaires (%(ids)s); name one with --questionnaire", lang,
            file=table.name, ids=", ".join(s.questionnaire.id for s in fits)))
    raise SubmissionImportError(gettext(
        "%(file)s: no stored questionnaire has all the columns of this file; name it with --questionnaire to see "
        "which columns do not fit", lang, file=table.name))


class _reading:
    """One read transaction, so a dry run compares against one state of the store."""

    def __init__(self, db):
        self.db = db
        self.began = False

    def __enter__(self):
        if not self.db.conn.in_transaction:
            self.db.conn.execute("BEGIN")
            self.began = True

    def __exit__(self, *exc):
        if self.began:
            self.db.conn.execute("ROLLBACK")


def _stored(db, ids: list[str]) -> dict[str, tuple]:
    """uuid -> (questionnaire, version, municipality, status, answers JSON, being edited, district) of stored
    submissions."""
    found: dict[str, tuple] = {}
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        marks = ",".join("?" * len(part))
        for row in db.execute(
                "select s.uuid, s.questionnaire_id, s.questionnaire_version, s.municipality_code, s.status, s.answers, "
                "exists (select 1 from drafts d where d.submission_uuid = s.uuid), s.district_code "
                f"from submissions s where s.uuid in ({marks})", part):
            found[row[0]] = tuple(row[1:])
    return found


def _kept(schema: Schema, version: str, absent: set[str], stored: dict[str, Any], answers: dict[str, Any]) -> dict:
    """`answers` with the stored answers to the questions the file has no column for (`absent`), such as the
    personal ones an export leaves out: a file that cannot say anything about a question does not erase it.
    A kept answer whose question the row's other answers no longer ask is dropped."""
    kept = {key: value for key, value in stored.items() if key.split("/")[0] in absent}
    if not kept:
        return answers
    merged = {**kept, **answers}
    skipped = set(clean_answers(schema.versions[version], merged, partial=True).skipped)
    return {key: value for key, value in merged.items() if key not in kept or key.split("/")[0] not in skipped}


def _compare(db, schema: Schema, absent: set[str], incoming: list[Incoming], update: bool, problems: Problems,
             column: str, lang: str, result: ImportResult) -> tuple[list[Incoming], list[Incoming]]:
    """Sort the rows into new, changed and unchanged submissions; a row that clashes with the store is a problem
    of its submission id's `column`. A stored submission keeps its answers to the `absent` questions."""
    qid = schema.questionnaire.id
    stored = _stored(db, [row.sid for row in incoming])
    new, changed = [], []
    for row in incoming:
        found = stored.get(row.sid)
        if found is None:
            new.append(row)
            result.added.append(row.sid)
            continue
        s_qid, s_version, s_municipality, status, answers, editing, s_district = found
        answers = json.loads(answers or "{}")
        if s_qid == qid and s_version == row.version and s_version in schema.versions:
            row = replace(row, answers=_kept(schema, row.version, absent, answers, row.answers))
        for repeat_id in schema.counts:  # a file holds no instances: a stored submission keeps its own
            if repeat_id in answers:
                row.answers[repeat_id] = answers[repeat_id]
        if (s_qid, s_version, s_municipality) != (qid, row.version, row.municipality):
            problems.add(row.row, column, gettext(
                "%(id)s is already in the store as a submission of %(questionnaire)s version %(version)s for "
                "municipality %(municipality)s", lang, id=row.sid, questionnaire=s_qid, version=s_version,
                municipality=s_municipality))
        elif s_district != row.district:
            problems.add(row.row, column, gettext(
                "%(id)s is already in the store as a submission of district %(district)s", lang, id=row.sid,
                district=s_district or "–"))
        elif status != "complete":
            problems.add(row.row, column, gettext("%(id)s is in the store as an interview not yet completed", lang,
                                                  id=row.sid))
        elif answers == row.answers:
            result.unchanged.append(row.sid)
        elif editing:
            problems.add(row.row, column, gettext(
                "%(id)s is being edited in the store: finish or discard that edit first", lang, id=row.sid))
        elif not update:
            problems.add(row.row, column, gettext(
                "%(id)s is already in the store with other answers; import with --update to record the file's "
                "answers as a new revision", lang, id=row.sid))
        else:
            changed.append(row)
            result.updated.append(row.sid)
    return new, changed


def _write(db, qid: str, new: list[Incoming], changed: list[Incoming], actor: str | None, comment: str) -> None:
    """Create the new submissions and add a revision to the changed ones, as an interview would."""
    author = actor or "import"
    for row in new:
        store.create_submission(db, qid, row.municipality, version=row.version, sid=row.sid, created=row.created,
                                interviewer=row.interviewer or author, district_code=row.district)
        store.complete_submission(db, row.sid, row.answers, author=author, comment=comment)
    for row in changed:
        store.complete_submission(db, row.sid, row.answers, author=author, comment=comment)
