"""The shape of an export: one questionnaire merged over its versions, and its data columns."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from forms.catalogues import N_
from forms.model import (
    ACKNOWLEDGE,
    ACKNOWLEDGED,
    GEOPOINT,
    MORE_TYPES,
    OTHER,
    PART_LABELS,
    RANGE,
    RANK,
    Choice,
    Item,
    Question,
    Questionnaire,
    Section,
    text_in,
    yesno_choices,
)

from .labels import Message
from .rounds import dropped_rounds

#: Internal code of a question that was not shown (relevance, or absent from the version answered).
SKIPPED = "_ej_tillamplig"
#: Suffix of the Data column holding a multi question's "other, specify" text.
OTHER_TEXT_SUFFIX = "/annat_text"

CHOICE_KINDS = ("single", "yesno", "scale")
NUMBER_KINDS = ("integer", "decimal", "money", "year")
#: Type changes that keep answers readable as they are: no warning.
SAME_ANSWERS = ({"integer", "year"},)


@dataclass
class Column:
    """One column of the Data sheet (and of the frame) holding answers."""

    key: str
    question: Question
    kind: str  # choice | multi | option | number | date | text
    item: Item | None = None
    option: Choice | None = None


@dataclass
class Schema:
    """A questionnaire merged over its versions (newest wording wins) and its columns."""

    questionnaire: Questionnaire
    versions: dict[str, Questionnaire]
    columns: list[Column] = field(default_factory=list)
    #: Notes for the reader of the export (the workbook's overview), put in the report's language there.
    warnings: list[Message] = field(default_factory=list)
    #: The ids of the repeats, whose Data column is their number of instances (`as_count`).
    counts: frozenset[str] = frozenset()
    #: Questions counted in the tables but left out of the raw data (Data, Fritext, CSV): sensitive ones,
    #: unless the export includes personal answers.
    aggregate_only: set[str] = field(default_factory=set)

    def raw_columns(self) -> list[Column]:
        """The columns of the raw data: every column but those of aggregate-only questions."""
        return [c for c in self.columns if c.question.id not in self.aggregate_only]

    def sections(self) -> list[Section]:
        return self.questionnaire.sections

    def column(self, key: str) -> Column:
        return self._by_key()[key]

    def _by_key(self) -> dict[str, Column]:
        index = self.__dict__.get("_index")
        if index is None:
            index = self.__dict__["_index"] = {c.key: c for c in self.columns}
        return index


def _union(first: list, second: list) -> list:
    """`first`, then the entries of `second` whose code it lacks."""
    codes = {entry.code for entry in first}
    return list(first) + [entry for entry in second if entry.code not in codes]


def merge_versions(ordered: list[Questionnaire], warnings: list[Message] | None = None) -> Questionnaire:
    """Merge versions given newest first: the union of questions, choices and items.

    Wording comes from the newest version that has a question. A question
    whose type changed keeps the newest type, and a warning says so.
    """
    warnings = warnings if warnings is not None else []
    newest = ordered[0]
    sections: list[Section] = []
    questions: dict[str, Question] = {}
    for definition in ordered:
        for section in definition.sections:
            target = next((s for s in sections if s.id == section.id), None)
            if target is None:
                target = dataclasses.replace(section, questions=[])
                sections.append(target)
            for question in section.questions:
                merged = questions.get(question.id)
                if merged is None:
                    merged = dataclasses.replace(question, choices=list(question.choices), items=list(question.items))
                    questions[question.id] = merged
                    target.questions.append(merged)
                    continue
                if merged.type != question.type and {merged.type, question.type} not in SAME_ANSWERS:
                    warnings.append(Message(
                        N_("%(question)s: type %(old)s in version %(version)s, %(new)s in a newer version; answers "
                           "are read as %(new)s"),
                        {"question": question.id, "old": question.type, "version": definition.version,
                         "new": merged.type}))
                merged.choices = _union(merged.choices, question.choices)
                merged.items = _union(merged.items, question.items)
                merged.dont_know = merged.dont_know or question.dont_know
                merged.not_applicable = merged.not_applicable or question.not_applicable
                merged.other = merged.other or question.other
    return Questionnaire(
        id=newest.id, version=newest.version, title=newest.title, sections=sections,
        description=newest.description, languages=newest.languages, source=newest.source,
        unit=newest.unit, frame=newest.frame, group_by=newest.group_by, rounds=list(newest.rounds),
        level=newest.level,
    )


def as_result(question: Question) -> Question:
    """A derived entry as the exports see it: a question of its result type (a rule is a yesno).

    It keeps its expression, so `question.derived` still tells it apart; its values come
    from `forms.derived.evaluate`, never from the stored answers.
    """
    choices = yesno_choices() if question.result == "yesno" else []
    return dataclasses.replace(question, type=question.result, choices=choices)


def as_count(repeat: Question) -> Question:
    """A repeat as the Data sheet and the findings see it: a whole number, its number of instances.

    Its instances are exported on a sheet (and a CSV file) of their own: see `exports.repeats`.
    """
    return dataclasses.replace(repeat, type="integer", questions=[], min=None, max=None)


def columns_for(question: Question) -> list[Column]:
    """The Data columns of one question (none for a note)."""
    qtype = question.type
    if qtype in MORE_TYPES:
        return _more_columns(question)
    if qtype in CHOICE_KINDS:
        return [Column(question.id, question, "choice")]
    if qtype == "matrix":
        return [Column(f"{question.id}/{item.code}", question, "choice", item=item) for item in question.items]
    if qtype == "multi":
        cols = [Column(question.id, question, "multi")]
        cols += [Column(f"{question.id}/{c.code}", question, "option", option=c) for c in question.all_choices()]
        if question.other:
            cols.append(Column(question.id + OTHER_TEXT_SUFFIX, question, "text", option=Choice(OTHER, {})))
        return cols
    if qtype in NUMBER_KINDS:
        return [Column(question.id, question, "number")]
    if qtype == "date":
        return [Column(question.id, question, "date")]
    if qtype in ("text", "longtext"):
        return [Column(question.id, question, "text")]
    if question.metadata or qtype in ("time", "datetime"):  # in the data as written: no findings, no free text
        return [Column(question.id, question, "plain")]
    return []


def _more_columns(question: Question) -> list[Column]:
    """A range is a number; acknowledge a choice of one (OK); a rank the option in first place (a choice) and
    each option's place (a number, whose mean is the mean place); a geopoint its latitude and longitude.

    The columns of a rank or a geopoint carry the question under a label of their own ("Question: latitude"),
    which heads their Data column and their table; `frame` reads each part of the answer into its column.
    """
    if question.type == RANGE:
        return [Column(question.id, question, "number")]
    if question.type == ACKNOWLEDGE:
        ok = Choice(ACKNOWLEDGED, {lang: ACKNOWLEDGED for lang in ("sv", "en")})
        return [Column(question.id, dataclasses.replace(question, choices=[ok]), "choice")]
    if question.type == RANK:
        first = _part_of(question, PART_LABELS["first"])
        places = [Column(f"{question.id}/{c.code}", _part_of(question, c.label, PART_LABELS["place"]), "number",
                         option=c) for c in question.choices]
        return [Column(question.id, first, "choice")] + places
    if question.type == GEOPOINT:
        return [Column(f"{question.id}/{part}", _part_of(question, PART_LABELS[part]), "number")
                for part in ("lat", "lon")]
    return []


def _part_of(question: Question, part: dict[str, str], kind: dict[str, str] | None = None) -> Question:
    """The question labelled "label: part" (or "label: part (kind)") in each of its languages."""
    def text(lang: str) -> str:
        shown = f"{question.text(lang)}: {text_in(part, lang)}"
        return f"{shown} ({text_in(kind, lang)})" if kind else shown

    return dataclasses.replace(question, label={lang: text(lang) for lang in question.label or {"sv": ""}})


def build_schema(definitions: list[Questionnaire], include_personal: bool = True) -> Schema:
    """The schema of a questionnaire from all its stored versions, newest first.

    Without `include_personal`, questions marked personal are left out of the
    tables and the data (relevance is still evaluated on the full definitions), and
    questions marked sensitive are counted in the tables but left out of the raw data.
    A question sensitive in any version is sensitive in the export.
    """
    warnings: list[Message] = []
    merged = merge_versions(definitions, warnings)
    warnings += dropped_rounds(definitions)
    for section in merged.sections:
        section.questions = [as_result(q) if q.derived else as_count(q) if q.repeat else q
                             for q in section.questions if q.result or not q.derived]
    if not include_personal:
        for section in merged.sections:
            section.questions = [q for q in section.questions if not q.personal]
    merged.__dict__.pop("_qindex", None)
    counts = frozenset(q.id for d in definitions for q in d.questions() if q.repeat)
    columns = [col for question in merged.questions() for col in columns_for(question)]
    sensitive = {q.id for d in definitions for q in d.questions() if q.sensitive}
    for question in merged.questions():
        question.sensitive = question.sensitive or question.id in sensitive
    aggregate_only = set() if include_personal else {q.id for q in merged.questions() if q.sensitive}
    return Schema(merged, {d.version: d for d in definitions}, columns, warnings, counts=counts,
                  aggregate_only=aggregate_only)
