"""The instances of each repeat: one row per instance, keyed back to its submission (as ODK and Kobo do).

The Data sheet keeps one row per submission, where a repeat's column holds its number of instances (a
number question in the findings). Here each repeat gets a table of its own: the submission's id, the
instance number (from 1), the municipality code, then one column per question of the repeat. Choices are
written as their codes (a multi as `code;code`), like the CSV of the Data sheet; a derived entry of the repeat
is computed for each instance (a rule as ja/nej).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from forms import derived
from forms.model import Question

from .files import write_text_atomically
from .filters import ExportFilter, where
from .safety import safe_value
from .schema import Schema


@dataclass
class Instances:
    """The rows of one repeat: `rows` are (submission id, instance number, municipality code, *answers)."""

    repeat: Question
    questions: list[Question]
    rows: list[tuple]

    def header(self, gettext, lang: str, ids: bool = False) -> list[str]:
        """Column headings: question labels (the workbook) or ids (a CSV file)."""
        own = [q.id if ids else q.text(lang) for q in self.questions]
        return [gettext("Submission"), gettext("Instance"), gettext("Municipality code"), *own]

    def counts(self, question: Question) -> dict[str, int]:
        """How many instances chose each of a choice question's codes (a multi counts every code chosen)."""
        column = 3 + self.questions.index(question)
        found = {c.code: 0 for c in question.all_choices()}
        for row in self.rows:
            value = row[column]
            for code in (value.split(";") if isinstance(value, str) and question.type == "multi" else [value]):
                if code in found:
                    found[code] += 1
        return found


def merged_repeats(schema: Schema, include_personal: bool = True) -> list[Question]:
    """Each repeat over the stored versions (newest wording; the union of questions), in questionnaire order."""
    found: dict[str, Question] = {}
    for definition in schema.versions.values():  # newest first
        for question in definition.questions():
            if not question.repeat:
                continue
            merged = found.get(question.id)
            if merged is None:
                found[question.id] = dataclasses.replace(question, questions=list(question.questions))
                continue
            known = {child.id for child in merged.questions}
            merged.questions += [child for child in question.questions if child.id not in known]
    order = [q.id for q in schema.questionnaire.questions()]
    repeats = sorted(found.values(), key=lambda q: order.index(q.id) if q.id in order else len(order))
    if not include_personal:
        for repeat in repeats:
            repeat.questions = [child for child in repeat.questions if not child.personal]
    return repeats


def _cell(question: Question, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):  # a matrix: item=code pairs
        return ";".join(f"{item}={code}" for item, code in value.items())
    if isinstance(value, bool):
        return str(value).lower()
    return safe_value(value)


def load_instances(db, schema: Schema, flt: ExportFilter, uuids: list[str], scope, include_personal: bool
                   ) -> list[Instances]:
    """The instances of every repeat in the submissions `uuids` (the report's rows, in its order)."""
    repeats = merged_repeats(schema, include_personal)
    if not repeats:
        return []
    wanted = set(uuids)
    clause, params = where(flt, scope)
    answers: dict[str, tuple[str, dict]] = {}
    for uuid, code, text in db.conn.execute(
            f"select s.uuid, s.municipality_code, s.answers from submissions s where {clause}", params):
        if uuid in wanted:
            try:
                loaded = json.loads(text) if text else {}
            except ValueError:
                loaded = {}
            answers[uuid] = (code, loaded if isinstance(loaded, dict) else {})
    result = []
    for repeat in repeats:
        rows = []
        computed = any(q.derived for q in repeat.questions)
        for uuid in uuids:
            code, given = answers.get(uuid, (None, {}))
            entries = given.get(repeat.id)
            for number, entry in enumerate(entries if isinstance(entries, list) else [], 1):
                entry = entry if isinstance(entry, dict) else {}
                if computed:  # derived entries of the repeat: computed per instance, never stored
                    values = derived.evaluate_instance(schema.questionnaire, repeat, entry, given)
                    entry = {**entry, **{qid: ("ja" if v else "nej") if isinstance(v, bool) else v
                                         for qid, v in values.items()}}
                rows.append((uuid, number, code, *(_cell(q, entry.get(q.id)) for q in repeat.questions)))
        result.append(Instances(repeat, list(repeat.questions), rows))
    return result


def iter_instances_csv(instances: Instances, gettext, lang: str, sep: str = ",") -> Iterator[str]:
    """A repeat's instances as CSV text (UTF-8 with BOM, headed by question ids), a piece per 2,000 rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(instances.header(gettext, lang, ids=True))
    for count, row in enumerate(instances.rows, 1):
        writer.writerow(row)
        if count % 2000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_instances_csv(instances: Instances, path: str | os.PathLike, gettext, lang: str, sep: str = ",") -> Path:
    """Write one repeat's CSV file (through a temporary file, so a failure leaves no half file)."""
    return write_text_atomically(path, iter_instances_csv(instances, gettext, lang, sep))
