"""The instances of each repeat: one row per instance, keyed back to its submission (as ODK and Kobo do), and
the repeat's questions counted over its instances.

The Data sheet keeps one row per submission, where a repeat's column holds its number of instances (a
number question in the findings). Here each repeat gets a table of its own: the submission's id, the
instance number (from 1), the municipality code, then one column per question of the repeat. Choices are
written as their codes (a multi as `code;code`), like the CSV of the Data sheet; a derived entry of the repeat
is computed for each instance (a rule as ja/nej).

Its figures, for the repeat's sheet and the reports page alike: per group of the report (each instance
in its submission's county, or row of the chosen grouping), how many submissions have at least one
instance and how many instances there are, and each of the repeat's questions as a table counted over
the instances, built by the same readers and table functions as a question's (`exports.aggregate`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from forms import derived
from forms.model import Question, Section

from .aggregate import Group, SectionResult, _per_group, question_tables
from .files import write_text_atomically
from .filters import ExportFilter, where
from .frame import answers_frame, shown_map
from .safety import safe_value
from .schema import Schema, _union, as_result, columns_for

#: What a repeat's summary (submissions with an instance, instances) is kept under among a report's tables.
SUMMARY_SUFFIX = "#instances"


@dataclass
class Instances:
    """The rows of one repeat: `rows` are (submission id, instance number, municipality code, *answers).

    `questions` are the columns of the rows (the raw data: a sensitive question only with personal answers);
    `result` holds the tables of every question counted, over the report's `groups` (total last).
    """

    repeat: Question
    questions: list[Question]
    rows: list[tuple]
    groups: list[Group] = field(default_factory=list)
    #: Per group, total last: the submissions with at least one instance, and the instances.
    submissions: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    counted: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    #: The repeat's questions counted over instances: a table each, as a section's (`aggregate.question_tables`).
    result: SectionResult | None = None

    @property
    def key(self) -> str:
        """The key of the summary among the tables (and the whole country's figures, `exports.country`)."""
        return self.repeat.id + SUMMARY_SUFFIX

    @property
    def tables(self) -> list[Any]:
        return self.result.tables if self.result is not None else []

    def header(self, gettext, lang: str, ids: bool = False) -> list[str]:
        """Column headings: question labels (the workbook) or ids (a CSV file)."""
        own = [q.id if ids else q.text(lang) for q in self.questions]
        return [gettext("Submission"), gettext("Instance"), gettext("Municipality code"), *own]


def merged_repeats(schema: Schema, include_personal: bool = True) -> list[Question]:
    """Each repeat over the stored versions (newest wording; the union of questions, of their choices and
    matrix rows), in questionnaire order. A question sensitive in any version is sensitive."""
    found: dict[str, Question] = {}
    for definition in schema.versions.values():  # newest first
        for question in definition.questions():
            if not question.repeat:
                continue
            merged = found.get(question.id)
            if merged is None:
                found[question.id] = dataclasses.replace(question, questions=[_copy(c) for c in question.questions])
                continue
            known = {child.id: child for child in merged.questions}
            for child in question.questions:
                same = known.get(child.id)
                if same is None:
                    merged.questions.append(_copy(child))
                    continue
                same.choices, same.items = _union(same.choices, child.choices), _union(same.items, child.items)
                same.sensitive = same.sensitive or child.sensitive
    order = [q.id for q in schema.questionnaire.questions()]
    repeats = sorted(found.values(), key=lambda q: order.index(q.id) if q.id in order else len(order))
    if not include_personal:
        for repeat in repeats:
            repeat.questions = [child for child in repeat.questions if not child.personal]
    return repeats


def _copy(question: Question) -> Question:
    """A question whose lists of choices and rows can grow without changing the stored definition's."""
    return dataclasses.replace(question, choices=list(question.choices), items=list(question.items))


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


def instance_schema(schema: Schema, repeat: Question) -> Schema:
    """The repeat's questions as a questionnaire of one section, whose rows are instances (derived ones by result)."""
    questions = [as_result(q) if q.derived else q for q in repeat.questions if q.result or not q.derived]
    section = Section(repeat.id, repeat.label, questions)
    questionnaire = dataclasses.replace(schema.questionnaire, sections=[section])
    return Schema(questionnaire, schema.versions, [c for q in questions for c in columns_for(q)], schema.warnings)


def _shown_per_version(schema: Schema, repeat: Question) -> dict[str, dict]:
    """What each stored version asks in one instance (its own questions of the repeat, and every derived one)."""
    computed = [q for q in repeat.questions if q.derived]
    out = {}
    for version, definition in schema.versions.items():
        own = definition.question(repeat.id)
        section = Section(repeat.id, repeat.label, list(own.questions) if own is not None and own.repeat else [])
        shown = shown_map([section])
        shown.update({q.id: (q, section, frozenset()) for q in computed})
        out[version] = shown
    return out


def load_instances(db, schema: Schema, flt: ExportFilter, uuids: list[str], scope, include_personal: bool,
                   groups: list[Group] | None = None, g: np.ndarray | None = None, *, rows: bool = True
                   ) -> list[Instances]:
    """The instances of every repeat in the submissions `uuids` (the report's rows, in its order).

    With the report's `groups` and each submission's group `g` (aligned with `uuids`), each repeat's figures
    are counted too; `rows=False` counts them without keeping the rows (the whole country's, `exports.country`).
    Without `include_personal` the rows leave out sensitive questions, which are only counted.
    """
    repeats = merged_repeats(schema, include_personal)
    if not repeats:
        return []
    wanted = set(uuids)
    clause, params = where(flt, scope)
    answers: dict[str, tuple[str, str, dict]] = {}
    for uuid, code, version, text in db.conn.execute(
            "select s.uuid, s.municipality_code, s.questionnaire_version, s.answers from submissions s "
            f"where {clause}", params):
        if uuid in wanted:
            try:
                loaded = json.loads(text) if text else {}
            except ValueError:
                loaded = {}
            answers[uuid] = (code, version, loaded if isinstance(loaded, dict) else {})
    result = []
    for repeat in repeats:
        entries = _entries(schema, repeat, uuids, answers)
        raw = [q for q in repeat.questions if include_personal or not q.sensitive]
        found = Instances(repeat, raw, [(uuid, number, code, *(_cell(q, entry.get(q.id)) for q in raw))
                                        for uuid, number, code, _v, entry, _given in entries] if rows else [])
        if groups is not None and g is not None:
            _count(found, schema, uuids, entries, groups, g)
        result.append(found)
    return result


def _entries(schema: Schema, repeat: Question, uuids: list[str], answers: dict) -> list[tuple]:
    """(uuid, instance number, municipality code, version, instance answers, submission answers) of each
    instance, in the submissions' order; derived entries of the repeat computed per instance, never stored."""
    computed = any(q.derived for q in repeat.questions)
    out = []
    for uuid in uuids:
        code, version, given = answers.get(uuid, (None, None, {}))
        listed = given.get(repeat.id)
        for number, entry in enumerate(listed if isinstance(listed, list) else [], 1):
            entry = entry if isinstance(entry, dict) else {}
            if computed:
                values = derived.evaluate_instance(schema.questionnaire, repeat, entry, given)
                entry = {**entry, **{qid: ("ja" if v else "nej") if isinstance(v, bool) else v
                                     for qid, v in values.items()}}
            out.append((uuid, number, code, version, entry, given))
    return out


def _count(found: Instances, schema: Schema, uuids: list[str], entries: list[tuple], groups: list[Group],
           g: np.ndarray) -> None:
    """The repeat's figures per group: each instance counts in its submission's group."""
    position = {uuid: i for i, uuid in enumerate(uuids)}
    of_instance = np.array([g[position[entry[0]]] for entry in entries], dtype=np.int64)
    n = len(groups)
    found.groups = groups
    found.counted = _per_group(of_instance, n, np.ones(len(entries), dtype=bool))
    has = np.zeros(len(uuids), dtype=bool)
    has[[position[entry[0]] for entry in entries]] = True
    found.submissions = _per_group(np.asarray(g, dtype=np.int64), n, has)
    own = instance_schema(schema, found.repeat)
    shown = _shown_per_version(schema, found.repeat)
    # inside an instance a condition reads the instance's answers first, then those outside the repeat
    frame = answers_frame(own, (({**given, **entry}, shown.get(version, {}))
                                for _u, _n, _c, version, entry, given in entries))
    (found.result,) = question_tables(frame, own, groups, of_instance)


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
