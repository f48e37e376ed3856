"""Load the submissions of a filter into a pandas frame of typed, compact columns.

Rows are streamed from SQLite and each answers JSON is parsed once and
dropped: what is kept is one small integer per choice cell (categorical
codes), a float per number and the free texts. That keeps 100 000
submissions in a few tens of megabytes.

Every answer cell is in one of these states: a value; a special answer
(`vet_ej`, `ej_aktuellt`); SKIPPED (the question was not shown, by its
condition or because the version answered lacks it); or missing (shown,
left empty). Choice columns hold the state among their categories; the other
columns have a companion `<key>#state` categorical.

Derived values and rules are computed per submission from its answers while
it is read (`forms.derived`), with the newest definition of each, for every
version answered: a rule added in version 2 is checked on version 1's answers
too. A rule is read as a yesno answer (ja: it holds); a derived value that needs
a missing answer is missing, and one whose condition does not hold is SKIPPED.
"""

from __future__ import annotations

import contextlib
import json
from array import array
from typing import Any, Callable, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from forms import derived
from forms.answers import is_relevant
from forms.catalogues import N_
from forms.model import DONT_KNOW, NOT_APPLICABLE, Question, Section
from sync.selection import EVERYTHING, Scope

from .filters import LOCAL_TZ, ExportFilter, where
from .labels import Message
from .schema import OTHER_TEXT_SUFFIX, SKIPPED, Column, Schema

META = ("uuid", "version", "status", "county_code", "municipality_code", "created", "modified", "interviewer",
        "district_code")
STATES = (DONT_KNOW, NOT_APPLICABLE, SKIPPED)
STATE_SUFFIX = "#state"
CHUNK = 5000

Progress = Callable[[str, int, int], None]


class _Row:
    """One submission while it is read: its answers and a relevance cache."""

    __slots__ = ("answers", "shown", "cache")

    def __init__(self, answers: Mapping[str, Any], shown: dict[str, tuple[Question, Section, frozenset]]):
        self.answers = answers
        self.shown = shown
        self.cache: dict[str, bool] = {}

    def relevant(self, qid: str, item: str | None = None) -> bool:
        """Was the question (or this matrix row) shown for these answers, in the version they were given in?"""
        found = self.cache.get(qid)
        if found is None:
            entry = self.shown.get(qid)
            found = entry is not None and is_relevant(entry[0], entry[1], self.answers)
            self.cache[qid] = found
        return found and (item is None or item in self.shown[qid][2])


def _state_code(row: _Row, qid: str, value: Any) -> int:
    """-1 for a value or a missing answer, else the index of the state in STATES."""
    if value is None:
        return -1 if row.relevant(qid) else 2
    if value == DONT_KNOW:
        return 0
    if value == NOT_APPLICABLE:
        return 1
    return -1


class _ChoiceReader:
    """A single/yesno/scale question (one column) or a matrix question (one column per row item)."""

    def __init__(self, cols: list[Column]):
        question = cols[0].question
        self.qid = question.id
        self.keys = [c.key for c in cols]
        self.items = [c.item.code for c in cols] if cols[0].item else None
        self.categories = [c.code for c in question.all_choices()] + [SKIPPED]
        self.index = {code: i for i, code in enumerate(self.categories)}
        self.skipped = len(self.categories) - 1
        self.codes = [array("h") for _ in cols]
        self.key = self.keys[0]
        self.unknown = 0

    def take(self, row: _Row) -> None:
        value = row.answers.get(self.qid)
        index = self.index
        if self.items is None:
            if value is None:
                self.codes[0].append(-1 if row.relevant(self.qid) else self.skipped)
                return
            idx = index.get(value) if type(value) is str else None
            if idx is None:
                self.unknown += 1
                idx = -1
            self.codes[0].append(idx)
            return
        given = value if type(value) is dict else {}
        shown_items = None  # worked out once, and only if a row has no answer
        for item, codes in zip(self.items, self.codes):
            code = given.get(item)
            if code is None:
                if shown_items is None:
                    shown_items = row.shown[self.qid][2] if row.relevant(self.qid) else frozenset()
                codes.append(-1 if item in shown_items else self.skipped)
                continue
            idx = index.get(code) if type(code) is str else None
            if idx is None:
                self.unknown += 1
                idx = -1
            codes.append(idx)

    def columns(self) -> dict[str, Any]:
        return {key: pd.Categorical.from_codes(np.frombuffer(codes, dtype=np.int16), categories=self.categories)
                for key, codes in zip(self.keys, self.codes)}


class _MultiReader:
    """A multi question: its combination of codes, one 0/1 column per option, and the "other" text."""

    def __init__(self, col: Column, option_cols: list[Column], other_col: Column | None):
        self.key, self.qid = col.key, col.question.id
        self.option_keys = [c.key for c in option_cols]
        self.option_index = {c.option.code: i for i, c in enumerate(option_cols)}
        self.combos: list[str | None] = []
        self.flags = [array("b") for _ in option_cols]
        self.other_key = other_col.key if other_col else None
        self.other: list[str | None] = []
        self.unknown = 0

    def take(self, row: _Row) -> None:
        value = row.answers.get(self.qid)
        chosen = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        hits = set()
        for code in chosen:
            idx = self.option_index.get(code)
            if idx is None:
                self.unknown += 1
            else:
                hits.add(idx)
        for i, flags in enumerate(self.flags):
            flags.append(1 if i in hits else 0)
        if hits:
            self.combos.append(";".join(code for code in chosen if code in self.option_index))
        else:
            self.combos.append(None if row.relevant(self.qid) else SKIPPED)
        if self.other_key:
            text = row.answers.get(self.qid + "/annat")
            self.other.append(text if isinstance(text, str) and text else None)

    def columns(self) -> dict[str, Any]:
        out: dict[str, Any] = {self.key: pd.Categorical(self.combos)}
        for key, flags in zip(self.option_keys, self.flags):
            out[key] = np.frombuffer(flags, dtype=np.int8)
        if self.other_key:
            out[self.other_key] = pd.array(self.other, dtype=object)
        return out


class _ValueReader:
    """A number, date or text question: its value and its state."""

    def __init__(self, col: Column):
        self.key, self.qid, self.kind = col.key, col.question.id, col.kind
        self.values: Any = array("d") if self.kind == "number" else []
        self.states = array("b")
        self.unknown = 0

    def take(self, row: _Row) -> None:
        value = row.answers.get(self.qid)
        if type(value) is list and self.kind == "number":  # a repeat: its number of instances
            value = len(value)
        state = _state_code(row, self.qid, value)
        keep: Any = None
        if state == -1 and value is not None:
            if self.kind == "number":
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            else:
                ok = isinstance(value, str)
            if ok:
                keep = value
            else:
                self.unknown += 1
        self.states.append(state)
        if self.kind == "number":
            self.values.append(float("nan") if keep is None else float(keep))
        else:
            self.values.append(keep)

    def columns(self) -> dict[str, Any]:
        if self.kind == "number":
            values: Any = np.frombuffer(self.values, dtype=np.float64)
        else:
            values = pd.array(self.values, dtype=object)
        states = pd.Categorical.from_codes(np.frombuffer(self.states, dtype=np.int8), categories=list(STATES))
        return {self.key: values, self.key + STATE_SUFFIX: states}


class _FirstPlaceReader(_ChoiceReader):
    """The option a rank answer puts first, read as a single choice."""

    def take(self, row: _Row) -> None:
        value = row.answers.get(self.qid)
        first = value[0] if isinstance(value, list) and value else None
        if first is None:
            self.codes[0].append(-1 if row.relevant(self.qid) else self.skipped)
            return
        idx = self.index.get(first) if type(first) is str else None
        if idx is None:
            self.unknown += 1
            idx = -1
        self.codes[0].append(idx)


class _PartReader(_ValueReader):
    """One number out of a rank answer (an option's place, 1 first) or a geopoint answer (lat, lon)."""

    def __init__(self, col: Column):
        super().__init__(col)
        self.part = col.key.rsplit("/", 1)[1]
        self.rank = col.question.type == "rank"

    def take(self, row: _Row) -> None:
        value = row.answers.get(self.qid)
        number = None
        if self.rank and isinstance(value, list) and self.part in value:
            number = value.index(self.part) + 1
        elif not self.rank and isinstance(value, dict) and isinstance(value.get(self.part), (int, float)):
            number = value[self.part]
        if value is not None and number is None:
            self.unknown += 1
        self.states.append(_state_code(row, self.qid, value))
        self.values.append(float("nan") if number is None else float(number))


def _readers(schema: Schema) -> list[Any]:
    readers: list[Any] = []
    by_question: dict[str, list[Column]] = {}
    for col in schema.columns:
        by_question.setdefault(col.question.id, []).append(col)
    for qid, cols in by_question.items():
        first = cols[0]
        if first.question.type in ("rank", "geopoint"):
            readers += [_FirstPlaceReader([c]) if c.kind == "choice" else _PartReader(c) for c in cols]
            continue
        if first.kind == "multi":
            options = [c for c in cols if c.kind == "option"]
            other = next((c for c in cols if c.key.endswith(OTHER_TEXT_SUFFIX)), None)
            readers.append(_MultiReader(first, options, other))
        elif first.kind == "choice":
            readers.append(_ChoiceReader(cols))
        else:
            readers.append(_ValueReader(first))
    return readers


def shown_map(sections: Iterable[Section]) -> dict[str, tuple[Question, Section, frozenset]]:
    """Each question of the sections with its section and matrix rows: what a version asks, for `_Row.relevant`."""
    return {q.id: (q, s, frozenset(i.code for i in q.items)) for s in sections for q in s.questions}


@contextlib.contextmanager
def _snapshot(db) -> Iterator[None]:
    """One read transaction, so that consecutive queries see the same submissions (WAL snapshot)."""
    if db.conn.in_transaction:
        yield
        return
    db.conn.execute("BEGIN")
    try:
        yield
    finally:
        db.conn.execute("COMMIT")


def load_frame(db, schema: Schema, flt: ExportFilter, progress: Progress | None = None,
               scope: Scope = EVERYTHING) -> pd.DataFrame:
    """The filter's submissions within the scope as a frame: metadata columns, then answer columns (see module doc)."""
    with _snapshot(db):
        return _load(db, schema, flt, progress, scope)


def _load(db, schema: Schema, flt: ExportFilter, progress: Progress | None, scope: Scope) -> pd.DataFrame:
    clause, params = where(flt, scope)
    order = "order by s.county_code, s.municipality_code, s.created, s.uuid"
    meta_rows = db.conn.execute(
        "select s.uuid, s.questionnaire_version, s.status, s.county_code, s.municipality_code, s.created, "
        f"s.modified, s.interviewer, s.district_code from submissions s where {clause} {order}", params).fetchall()
    total = len(meta_rows)
    frame = _meta_frame([list(column) for column in zip(*meta_rows)] if meta_rows else [[] for _ in META])
    del meta_rows
    readers = _readers(schema)
    shown = {version: shown_map(d.sections) for version, d in schema.versions.items()}
    plan = derived.plan(schema.questionnaire)
    if plan.steps:
        computed = {step.question.id: (step.question, step.section, frozenset()) for step in plan.steps}
        for entries in shown.values():
            entries.update(computed)
    cursor = db.conn.execute(
        f"select s.questionnaire_version, s.answers from submissions s where {clause} {order}", params)
    done = 0
    loads = json.loads
    while True:
        batch = cursor.fetchmany(CHUNK)
        if not batch:
            break
        for version, text in batch:
            try:
                answers = loads(text) if text else {}
            except ValueError:
                answers = {}
            answers = answers if type(answers) is dict else {}
            if plan.steps:
                answers = _with_derived(answers, plan.evaluate(answers))
            row = _Row(answers, shown.get(version, {}))
            for reader in readers:
                reader.take(row)
        done += len(batch)
        if progress:
            progress("load", done, total)
    return pd.concat([frame, _answer_columns(readers, schema, frame.index)], axis=1)


def _answer_columns(readers: list[Any], schema: Schema, index: pd.Index) -> pd.DataFrame:
    """The readers' columns as a frame; answers no question could take are noted in the schema's warnings."""
    data: dict[str, Any] = {}
    for reader in readers:
        data.update(reader.columns())
        if reader.unknown:
            schema.warnings.append(Message(N_("%(column)s: %(num)s answers not valid for the question were left out"),
                                           {"column": reader.key, "num": reader.unknown}))
    return pd.DataFrame(data, index=index) if data else pd.DataFrame(index=index)


def answers_frame(schema: Schema, rows: Iterable[tuple[Mapping[str, Any], dict[str, tuple[Question, Section,
                                                                                             frozenset]]]]
                  ) -> pd.DataFrame:
    """Answer columns (no metadata) of `rows`, each (answers, what its version shows: see `shown_map`).

    The instances of a repeat are read with this, each as one row: their cells get the same states
    (a value, a special answer, SKIPPED, missing) as a submission's, so the same tables count them.
    """
    readers = _readers(schema)
    count = 0
    for answers, shown in rows:
        row = _Row(answers, shown)
        for reader in readers:
            reader.take(row)
        count += 1
    return _answer_columns(readers, schema, pd.RangeIndex(count))


def _with_derived(answers: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The answers with the derived values beside them; a rule as the yesno code its column holds."""
    if not values:
        return answers
    merged = dict(answers)
    for qid, value in values.items():
        merged[qid] = ("ja" if value else "nej") if isinstance(value, bool) else value
    return merged


def _meta_frame(meta: list[list[Any]]) -> pd.DataFrame:
    columns = dict(zip(META, meta))
    frame = pd.DataFrame({
        "uuid": pd.array(columns["uuid"], dtype=object),
        "version": pd.Categorical(columns["version"]),
        "status": pd.Categorical(columns["status"]),
        "county_code": pd.Categorical(columns["county_code"]),
        "municipality_code": pd.Categorical(columns["municipality_code"]),
        "created": _local_times(columns["created"]),
        "modified": _local_times(columns["modified"]),
        "interviewer": pd.Categorical(columns["interviewer"]),
        # A unit below the municipality (`level: district`); None for every other submission.
        "district_code": pd.Categorical(columns["district_code"]),
    })
    return frame


def _local_times(values: list[str]) -> pd.Series:
    """Stored UTC timestamps as naive Swedish local times (Excel has no time zones)."""
    stamps = pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601", errors="coerce")
    return stamps.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None).dt.floor("s")
