"""The questionnaire model: plain dataclasses, no I/O."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

#: Answer codes that are real answers, never confused with a missing answer.
DONT_KNOW = "vet_ej"
NOT_APPLICABLE = "ej_aktuellt"
SPECIAL_CODES = (DONT_KNOW, NOT_APPLICABLE)
SPECIAL_LABELS = {
    DONT_KNOW: {"sv": "Vet ej", "en": "Don't know"},
    NOT_APPLICABLE: {"sv": "Ej aktuellt", "en": "Not applicable"},
}
#: Code of the "other, specify" option of a multi question.
OTHER = "annat"
OTHER_LABEL = {"sv": "Annat, nämligen", "en": "Other, please specify"}
#: Suffix of the answer key that holds the "other, specify" text.
OTHER_SUFFIX = "/annat"

CHOICE_TYPES = ("single", "multi", "scale", "matrix", "yesno")
NUMBER_TYPES = ("integer", "decimal", "money")
TEXT_TYPES = ("text", "longtext")
#: A derived entry is computed from answers, never asked: a value, a check (a warning) or a constraint (an error).
DERIVED = "derived"
#: Facts about the interview that are recorded, never asked or shown: when it was started and first
#: completed, the day it was started, the device, who collected it (`forms.metadata`); and an ODK phone's
#: email, number, SIM serial and subscriber id, which a laptop or browser does not have: they stay empty.
METADATA_TYPES = ("start", "end", "today", "deviceid", "username", "email", "phonenumber", "simserial",
                  "subscriberid")
#: A time of day ("14:30") and a local date and time ("2025-03-04T14:30").
TIME_TYPES = ("time", "datetime")
#: A number chosen on a slider between min and max in steps of `step`; the choices put in an order (a list of
#: codes, first place first); a single "OK" (stored as ACKNOWLEDGED); a place on Earth ({"lat", "lon"} and
#: optionally "alt" in metres and "acc", the accuracy in metres).
RANGE, RANK, ACKNOWLEDGE, GEOPOINT = "range", "rank", "acknowledge", "geopoint"
MORE_TYPES = (RANGE, RANK, ACKNOWLEDGE, GEOPOINT)
QUESTION_TYPES = CHOICE_TYPES + NUMBER_TYPES + TEXT_TYPES + ("year", "date") + TIME_TYPES + ("note", DERIVED) \
    + METADATA_TYPES + MORE_TYPES
#: A group of questions answered any number of times (the people interviewed): its answer is a list of
#: instances, each a dict keyed by the full ids of the group's questions (`<section>.<repeat>.<question>`).
REPEAT = "repeat"
#: The most instances of one repeat a page or a cleaning accepts, whatever its `max` says.
MAX_INSTANCES = 200
#: The stored answer of an acknowledge question.
ACKNOWLEDGED = "OK"
#: How the exports name the parts of the new types' columns: "Question: latitude", "Question: first place".
PART_LABELS = {
    "lat": {"sv": "latitud", "en": "latitude"},
    "lon": {"sv": "longitud", "en": "longitude"},
    "first": {"sv": "första plats", "en": "first place"},
    "place": {"sv": "plats", "en": "place"},
}
#: The parts of a geopoint answer, in the order ODK writes them ("lat lon alt acc"); lat and lon are required.
GEOPOINT_PARTS = ("lat", "lon", "alt", "acc")
#: The key that holds a derived entry's expression: a value, or a rule of either severity.
DERIVED_KEYS = ("expression", "check", "constraint")

YESNO_CHOICES_DATA = [
    ("ja", {"sv": "Ja", "en": "Yes"}),
    ("nej", {"sv": "Nej", "en": "No"}),
]


_INSTANCE_KEY = re.compile(r"^([a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)\[(\d{1,3})\]\.(.+)$")


def instance_key(repeat_id: str, number: int, name: str) -> str:
    """The key of a question (or one of its fields) in one instance of a repeat: `s.people[2].name`.

    `name` is the question's full id (or a field name that starts with it, such as `s.people.likes/annat`);
    `number` counts from 1. Pages name their fields so, and cleaning names its errors and skipped questions so.
    """
    return f"{repeat_id}[{number}].{name.removeprefix(repeat_id + '.')}"


def split_instance_key(key: str) -> tuple[str, int, str] | None:
    """(repeat id, instance number, full field name) of an `instance_key`, or None for any other key."""
    match = _INSTANCE_KEY.match(key)
    if not match:
        return None
    return match.group(1), int(match.group(2)), f"{match.group(1)}.{match.group(3)}"


def text_in(labels: dict[str, str] | None, lang: str, fallback: str = "") -> str:
    """Return the label in `lang`, else the first language that has one."""
    if not labels:
        return fallback
    if labels.get(lang):
        return labels[lang]
    for value in labels.values():
        if value:
            return value
    return fallback


#: The choice attribute a filter names to compare the choice's own code (XLSForm's `name=${x}`).
CODE_ATTRIBUTE = "code"


@dataclass(frozen=True)
class Choice:
    """One option of a choice list; `score` is set for scale levels.

    `attributes` are the choice's other columns (`lan: "24"` on a municipality), which a question's
    `filter` compares with an earlier answer (XLSForm's choice_filter).
    """

    code: str
    label: dict[str, str]
    score: float | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    def attribute(self, name: str) -> str | None:
        """The value of one attribute; `code` is the choice's own code."""
        return self.code if name == CODE_ATTRIBUTE else self.attributes.get(name)

    def text(self, lang: str) -> str:
        return text_in(self.label, lang, self.code)


def yesno_choices() -> list[Choice]:
    """The fixed choices of a yesno question (and of a derived true/false result): ja, nej."""
    return [Choice(code, dict(label)) for code, label in YESNO_CHOICES_DATA]


@dataclass(frozen=True)
class Item:
    """One row of a matrix question."""

    code: str
    label: dict[str, str]
    #: The name of the item's row in the XLSForm it was imported from, when the export would name it otherwise.
    xlsform_name: str | None = None

    def text(self, lang: str) -> str:
        return text_in(self.label, lang, self.code)


@dataclass
class Question:
    """One question. `id` is the full id, `<section>.<question>`."""

    id: str
    type: str
    label: dict[str, str]
    help: dict[str, str] = field(default_factory=dict)
    required: bool = False
    choices: list[Choice] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    other: bool = False
    dont_know: bool = False
    not_applicable: bool = False
    min: Any = None
    max: Any = None
    pattern: str | None = None
    max_length: int | None = None
    #: Shown instead of fieldkit's own message when an answer breaks min, max, pattern or max_length.
    constraint_message: dict[str, str] = field(default_factory=dict)
    #: The step of a range question's slider (min and max are its ends).
    step: Any = None
    #: The answer a new interview starts with (a cleaned answer), which the interviewer may change or clear.
    default: Any = None
    relevant: str | None = None
    personal: bool = False
    #: Sensitive but identifying no one (health in an anonymous survey): counted in the tables only, with
    #: small counts always hidden; raw answers only where personal answers are (see docs/forms.md).
    sensitive: bool = False
    #: Derived entries: the expression, None (a value) or "check"/"constraint" (a rule), the rule's message.
    expression: str | None = None
    rule: str | None = None
    message: dict[str, str] = field(default_factory=dict)
    #: Derived entries: the type of the result, as a question type (integer, decimal, money, date, text,
    #: yesno for true/false). Set by the loader from the expression; not part of the definition.
    result: str | None = None
    line: int = 0
    relevant_line: int = 0
    expression_line: int = 0
    #: A choice filter: {choice attribute: question id}. Only the choices whose attributes all equal those earlier
    #: answers (as text) are offered; "other" and the special codes always are (see `offered`).
    filter: dict[str, str] = field(default_factory=dict)
    filter_line: int = 0
    #: A repeat's questions (`type: repeat`); its `min` and `max` count instances.
    questions: list["Question"] = field(default_factory=list)
    #: A repeat: what one instance is called ("Person"), numbered on the pages and in messages ("Person 2").
    instance_label: dict[str, str] = field(default_factory=dict)
    #: The name the question (or repeat) had in the XLSForm it was imported from, when its id differs
    #: (`numberAsString` -> id `numberasstring`); the XLSForm export writes it back.
    xlsform_name: str | None = None
    #: A constraint rule imported from an XLSForm constraint: that constraint's XPath, which the XLSForm export
    #: writes back on the question the rule is about (with the rule's message) instead of a calculate row.
    xlsform_constraint: str | None = None
    #: A matrix imported from an XLSForm: the name of its header row, when the export would name it otherwise.
    xlsform_header: str | None = None

    def text(self, lang: str) -> str:
        return text_in(self.label, lang, self.id)

    @property
    def repeat(self) -> bool:
        """A group of questions answered any number of times (`questions` holds them)."""
        return self.type == REPEAT

    def instance_name(self, lang: str) -> str:
        """What one instance of a repeat is called: its instance label, else the repeat's label."""
        return text_in(self.instance_label, lang, self.text(lang))

    def instance_text(self, lang: str, number: int) -> str:
        """One instance of a repeat, numbered from 1: "Person 2"."""
        return f"{self.instance_name(lang)} {number}"

    def child(self, qid: str) -> "Question | None":
        """The repeat's question with this full id."""
        return next((q for q in self.questions if q.id == qid), None)

    def help_text(self, lang: str) -> str:
        return text_in(self.help, lang)

    def message_text(self, lang: str) -> str:
        return text_in(self.message, lang, self.text(lang))

    @property
    def answerable(self) -> bool:
        return self.type not in ("note", DERIVED) + METADATA_TYPES

    @property
    def metadata(self) -> bool:
        """Recorded automatically (start, end, today, deviceid, username...): stored with the answers, never shown."""
        return self.type in METADATA_TYPES

    @property
    def derived(self) -> bool:
        """Computed from answers (a derived value or a rule), never asked."""
        return self.expression is not None

    @property
    def special_codes(self) -> list[str]:
        codes = []
        if self.dont_know:
            codes.append(DONT_KNOW)
        if self.not_applicable:
            codes.append(NOT_APPLICABLE)
        return codes

    def all_choices(self) -> list[Choice]:
        """Substantive choices, then "other" (multi) and the special codes."""
        extra = []
        if self.other and self.type == "multi":
            extra.append(Choice(OTHER, dict(OTHER_LABEL)))
        extra += [Choice(code, dict(SPECIAL_LABELS[code])) for code in self.special_codes]
        return list(self.choices) + extra

    def choice(self, code: str) -> Choice | None:
        for choice in self.all_choices():
            if choice.code == code:
                return choice
        return None

    def offered(self, lookup) -> set[str] | None:
        """The codes a filtered question offers for earlier answers (`lookup(qid)`); None without a filter.

        A missing earlier answer, or a special one such as vet_ej, matches no choice of the list.
        """
        if not self.filter:
            return None
        wanted = {name: filter_text(lookup(qid)) for name, qid in self.filter.items()}
        codes = {c.code for c in self.choices
                 if all(value is not None and c.attribute(name) == value for name, value in wanted.items())}
        return codes | {c.code for c in self.all_choices()[len(self.choices):]}

    def score(self, code: str) -> float | None:
        choice = self.choice(code)
        return choice.score if choice else None


def filter_text(value: Any) -> str | None:
    """An answer as a filter compares it: a code or a text as it is, a whole number without decimals."""
    if isinstance(value, bool) or value is None or value in SPECIAL_CODES:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


@dataclass
class Section:
    """An ordered group of questions, shown as one page."""

    id: str
    title: dict[str, str]
    questions: list[Question] = field(default_factory=list)
    description: dict[str, str] = field(default_factory=dict)
    relevant: str | None = None
    line: int = 0
    relevant_line: int = 0
    #: Imported from questions outside any group of an XLSForm: the export writes them outside a group again,
    #: so their paths stay /data/<name>.
    xlsform_top_level: bool = False

    def text(self, lang: str) -> str:
        return text_in(self.title, lang, self.id)


#: What one submission stands for in the findings: every record counts, or each municipality once.
UNITS = ("record", "municipality")
#: Who answers one submission: a municipality, or a district below it (registry.districts), e.g. a
#: stadsdelsförvaltning of Stockholm; the submission then names both.
LEVELS = ("municipality", "district")


@dataclass(frozen=True)
class Frame:
    """The municipalities a survey expects answers from: all of them, some counties, or a list."""

    counties: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, list[str]]:
        data = {}
        if self.counties:
            data["counties"] = list(self.counties)
        if self.municipalities:
            data["municipalities"] = list(self.municipalities)
        return data


@dataclass(frozen=True)
class Round:
    """One survey round of a questionnaire: its days (both included) and, optionally, its own frame.

    A submission belongs to the round whose period holds the day it was created (Swedish time).
    """

    id: str
    title: dict[str, str] = field(compare=False)
    start: datetime.date = datetime.date.min
    end: datetime.date = datetime.date.max
    frame: Frame | None = None
    line: int = field(default=0, compare=False)

    def text(self, lang: str) -> str:
        return text_in(self.title, lang, self.id)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "title": self.title, "from": self.start.isoformat(),
                                "to": self.end.isoformat()}
        if self.frame:
            data["frame"] = self.frame.to_dict()
        return data


@dataclass
class Questionnaire:
    """One version of a questionnaire.

    `unit` is `record` (every submission counts: a contact log, an activity report) or
    `municipality` (a municipality answers once: the latest completed interview counts).
    `frame` names the municipalities the survey expects; None means every municipality.
    `group_by` is the reports' grouping when the user chooses none (`report: {group_by: ...}`);
    None means by county.
    `rounds` are its survey rounds, in the order written (see `Round`); the exports read the
    newest version's list, for the submissions of every version.
    `level` is `municipality`, or `district` when each submission answers for one district
    of its municipality.
    """

    id: str
    version: str
    title: dict[str, str]
    sections: list[Section]
    description: dict[str, str] = field(default_factory=dict)
    languages: list[str] = field(default_factory=lambda: ["sv", "en"])
    source: str | None = None
    unit: str = "record"
    frame: Frame | None = None
    group_by: str | None = None
    rounds: list[Round] = field(default_factory=list)
    level: str = "municipality"
    #: The form_id of the XLSForm it was imported from, when the id differs (`my_form` -> `my-form`).
    xlsform_id: str | None = None

    def text(self, lang: str) -> str:
        return text_in(self.title, lang, self.id)

    def round(self, rid: str) -> Round | None:
        return next((r for r in self.rounds if r.id == rid), None)

    def questions(self) -> Iterator[Question]:
        for section in self.sections:
            yield from section.questions

    def question(self, qid: str) -> Question | None:
        """The question with this full id, also one inside a repeat."""
        found = self._index().get(qid)
        if found is None:
            found = self._repeat_index().get(qid, (None, None))[1]
        return found

    def repeats(self) -> list[Question]:
        """The repeats, in questionnaire order."""
        return [q for q in self.questions() if q.repeat]

    def repeat_of(self, qid: str) -> Question | None:
        """The repeat that holds the question with this full id, or None for a question outside every repeat."""
        return self._repeat_index().get(qid, (None, None))[0]

    def _repeat_index(self) -> dict[str, tuple[Question, Question]]:
        index = self.__dict__.get("_rindex")
        if index is None:
            index = {child.id: (q, child) for q in self.questions() if q.repeat for child in q.questions}
            self.__dict__["_rindex"] = index
        return index

    def _index(self) -> dict[str, Question]:
        index = self.__dict__.get("_qindex")
        if index is None:
            index = {q.id: q for q in self.questions()}
            self.__dict__["_qindex"] = index
        return index

    def to_dict(self) -> dict[str, Any]:
        """Return the canonical, JSON-able form of the definition."""
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "languages": self.languages,
            "sections": [_section_dict(s) for s in self.sections],
            # Only when set: definitions without them keep the content hash they were published with.
            **({"unit": self.unit} if self.unit != "record" else {}),
            **({"frame": self.frame.to_dict()} if self.frame else {}),
            **({"report": {"group_by": self.group_by}} if self.group_by else {}),
            **({"rounds": [r.to_dict() for r in self.rounds]} if self.rounds else {}),
            **({"level": self.level} if self.level != "municipality" else {}),
            **({"xlsform_id": self.xlsform_id} if self.xlsform_id else {}),
        }

    @property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON: identifies this exact version.

        Computed once: a questionnaire is treated as frozen once built.
        """
        cached = self.__dict__.get("_content_hash")
        if cached:
            return cached
        canonical = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        self.__dict__["_content_hash"] = digest
        return digest


def _section_dict(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"id": section.id, "title": section.title}
    if section.description:
        data["description"] = section.description
    if section.relevant:
        data["relevant"] = section.relevant
    if section.xlsform_top_level:  # only when set: other definitions keep their content hash
        data["xlsform_top_level"] = True
    data["questions"] = [_question_dict(q, section.id) for q in section.questions]
    return data


def _question_dict(q: Question, section_id: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": q.id.removeprefix(section_id + "."), "type": q.type, "label": q.label}
    if q.help:
        data["help"] = q.help
    if q.expression is not None:
        data[q.rule or "expression"] = q.expression
        if q.message:
            data["message"] = q.message
    for name in ("required", "other", "dont_know", "not_applicable", "personal", "sensitive"):
        if getattr(q, name):
            data[name] = True
    for name in ("min", "max", "pattern", "max_length", "relevant"):
        value = getattr(q, name)
        if value is not None:
            data[name] = str(value) if name in ("min", "max") and q.type == "date" else value
    if q.constraint_message:  # only when set: other definitions keep their content hash
        data["constraint_message"] = q.constraint_message
    if q.default is not None:
        data["default"] = q.default
    if q.step is not None:  # only when set: other definitions keep their content hash
        data["step"] = q.step
    if q.choices and q.type != "yesno":
        data["choices"] = [_choice_dict(c) for c in q.choices]
    if q.filter:  # only when set: other definitions keep their content hash
        data["filter"] = dict(q.filter)
    if q.items:
        data["items"] = [{"code": i.code, "label": i.label,
                          **({"xlsform_name": i.xlsform_name} if i.xlsform_name else {})} for i in q.items]
    # only when set: other definitions keep their content hash
    for name in ("xlsform_name", "xlsform_constraint", "xlsform_header"):
        if getattr(q, name):
            data[name] = getattr(q, name)
    if q.repeat:  # only on repeats: other definitions keep their content hash
        if q.instance_label:
            data["instance_label"] = q.instance_label
        data["questions"] = [_question_dict(child, q.id) for child in q.questions]
    return data


def _choice_dict(choice: Choice) -> dict[str, Any]:
    data: dict[str, Any] = {"code": choice.code, "label": choice.label}
    if choice.score is not None:
        data["score"] = choice.score
    data.update(choice.attributes)
    return data
