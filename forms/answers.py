"""Clean raw submitted values against a questionnaire: types, limits, relevance.

`clean_answers` is the one place that decides what an answer is. The web
form, the command line, sync and XLSForm imports all go through it. It also
computes the derived values (`derived.evaluate`): a broken constraint is an
error like an invalid answer, a broken check a warning that does not block.

Raw values may come from an HTML form (strings, lists of strings) or from
JSON (numbers, lists, dicts). Keys are question ids; a matrix row may also
come as `<question>/<item>` and the "other, specify" text of a multi
question as `<question>/annat`.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from . import derived, metadata, patterns
from .catalogues import Catalogue, N_
from .conditions import Condition, parse
from .formatting import format_number
from .model import (
    ACKNOWLEDGE,
    ACKNOWLEDGED,
    GEOPOINT,
    GEOPOINT_PARTS,
    MAX_INSTANCES,
    MORE_TYPES,
    OTHER,
    OTHER_SUFFIX,
    RANGE,
    SPECIAL_CODES,
    Question,
    Questionnaire,
    Section,
    instance_key,
    text_in,
)

#: Validation messages by error code, as gettext msgids (Swedish and English in forms/locale).
MESSAGES = {
    "required": N_("This question must be answered."),
    "required_rows": N_("Answer every row."),
    "choice": N_("Choose one of the options."),
    "integer": N_("Enter a whole number, e.g. 12."),
    "decimal": N_("Enter a number, e.g. 12.5."),
    "money": N_("Enter an amount in whole kronor, e.g. 12 500."),
    "date": N_("Enter a date as YYYY-MM-DD."),
    "time": N_("Enter a time as HH:MM, e.g. 14:30."),
    "datetime": N_("Enter a date and a time, e.g. 2025-03-04 14:30."),
    "year": N_("Enter a year with four digits, e.g. 2014."),
    "min": N_("The value may not be less than %(limit)s."),
    "max": N_("The value may not be greater than %(limit)s."),
    "pattern": N_("The answer is not in the expected format."),
    "other": N_('Say what "other" means.'),
    "exclusive": N_('"%(label)s" cannot be combined with other answers.'),
    "text": N_("Enter text."),
    "step": N_("Choose a value in steps of %(step)s from %(limit)s."),
    "rank": N_("Put every option in a place of its own."),
    "geopoint": N_("Enter the latitude and the longitude in decimal degrees, e.g. 63.8258 and 20.2630."),
    "geopoint_range": N_("The latitude must be between -90 and 90 and the longitude between -180 and 180."),
    "digits": N_("The number is too large: at most 15 digits."),
    "filtered": N_('"%(choice)s" does not fit the answer to "%(label)s": choose again.'),
}
#: Codes of a broken limit: a question's own constraint_message, if it has one, is shown instead.
LIMIT_CODES = ("min", "max", "pattern", "max_length", "min_choices", "max_choices", "step")
#: Codes whose message counts its `limit`, so it has plural forms ("1 option", "2 options").
COUNTED = ("min_choices", "max_choices", "max_length")
TEXTS = Catalogue(Path(__file__).resolve().parent / "locale", "forms")

MAX_TEXT = 20_000


def message(code: str, lang: str = "sv", **params: Any) -> str:
    """The message for an error code in `lang`; numbers in params are written as the language writes them."""
    shown = {key: _shown(value, lang) for key, value in params.items()}
    if code not in COUNTED:
        return TEXTS.gettext(MESSAGES[code], lang, **shown)
    n, num = params["limit"], shown["limit"]
    if code == "min_choices":
        return TEXTS.ngettext("Choose at least %(num)s option.", "Choose at least %(num)s options.", n, lang, num=num)
    if code == "max_choices":
        return TEXTS.ngettext("Choose at most %(num)s option.", "Choose at most %(num)s options.", n, lang, num=num)
    return TEXTS.ngettext("At most %(num)s character.", "At most %(num)s characters.", n, lang, num=num)


def _shown(value: Any, lang: str) -> Any:
    """A label in `lang`; a number as the language writes it ("20 000"); anything else as it is."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("sv", "")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, lang)
    return value


@dataclass
class Cleaned:
    """The result of cleaning: answers, per-question errors, what was skipped, derived values, warnings.

    `errors` holds broken constraints too (keyed by the constraint's id); `warnings`
    lists the ids of broken checks, which never stop an interview from being completed.
    """

    answers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    derived: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class InvalidAnswer(Exception):
    """A value that is no answer to its question: `code` names the message (MESSAGES), `params` fill it in."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params


_Invalid = InvalidAnswer


def defaults(questionnaire: Questionnaire) -> dict[str, Any]:
    """The answers a new interview starts with: each question's default, as raw values keyed by question id."""
    return {q.id: q.default for q in questionnaire.questions() if q.default is not None}


def relevant_sections(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[Section]:
    """Sections whose condition holds for (already cleaned) answers."""
    return [s for s in questionnaire.sections if _holds(s.relevant, answers, questionnaire)]


def is_relevant(question: Question, section: Section, answers: Mapping[str, Any],
                questionnaire: Questionnaire | None = None) -> bool:
    """Does the question's condition, and its section's, hold? With `questionnaire`, derived values count too."""
    return _holds(section.relevant, answers, questionnaire) and _holds(question.relevant, answers, questionnaire)


def _holds(source: str | None, answers: Mapping[str, Any], questionnaire: Questionnaire | None = None) -> bool:
    """A condition over answers; with the questionnaire it may also read derived values and count a repeat."""
    if not source:
        return True
    lookup = derived.condition_lookup(questionnaire, answers) if questionnaire is not None else answers.get
    return _parsed(source).evaluate(lookup)


@functools.lru_cache(maxsize=4096)
def _parsed(source: str) -> Condition:
    return parse(source)


def clean_answers(
    questionnaire: Questionnaire,
    raw: Mapping[str, Any],
    *,
    partial: bool = False,
    lang: str = "sv",
) -> Cleaned:
    """Clean `raw` values; with `partial`, missing required answers are not errors (drafts)."""
    result = Cleaned()
    if not isinstance(raw, Mapping):
        raw = {}
    for question in questionnaire.questions():
        if question.metadata:  # recorded, never asked: kept whatever the conditions, and known to all of them
            value = metadata.clean(question, raw.get(question.id))
            if value is not None:
                result.answers[question.id] = value
    for section in questionnaire.sections:
        section_on = _holds(section.relevant, result.answers, questionnaire)
        for question in section.questions:
            if not question.answerable:
                continue
            if not section_on or not _holds(question.relevant, result.answers, questionnaire):
                result.skipped.append(question.id)
                continue
            if question.repeat:
                _clean_repeat(questionnaire, question, raw, result, partial, lang)
                continue
            try:
                value, extra = clean_value(question, raw)
            except _Invalid as exc:
                if exc.code in LIMIT_CODES and question.constraint_message:
                    result.errors[question.id] = text_in(question.constraint_message, lang)
                else:
                    result.errors[question.id] = message(exc.code, lang, **exc.params)
                continue
            if value is None:
                if question.required and not partial:
                    result.errors[question.id] = message("required", lang)
                continue
            unoffered = _unoffered(questionnaire, question, value, result.answers.get)
            if unoffered:
                result.errors[question.id] = message("filtered", lang, **unoffered)
                continue
            if question.type == "matrix" and question.required and not partial and len(value) < len(question.items):
                result.errors[question.id] = message("required_rows", lang)
            result.answers[question.id] = value
            result.answers.update(extra)
    instance_values, instance_warnings = result.derived, result.warnings  # computed per instance, above
    result.derived = derived.evaluate(questionnaire, result.answers)
    for rule in derived.broken(questionnaire, result.derived, "constraint"):
        result.errors[rule.id] = rule.message_text(lang)
    result.warnings = [rule.id for rule in derived.broken(questionnaire, result.derived, "check")]
    result.derived.update(instance_values)
    result.warnings += instance_warnings
    return result


def _unoffered(questionnaire: Questionnaire, question: Question, value: Any, lookup) -> dict[str, Any] | None:
    """For a chosen code that the question's filter does not offer: the choice and the earlier question."""
    offered = question.offered(lookup)
    if offered is None:
        return None
    chosen = value if isinstance(value, list) else [value]
    bad = next((code for code in chosen if code not in offered), None)
    if bad is None:
        return None
    source = questionnaire.question(next(iter(question.filter.values())))
    return {"choice": question.choice(bad).label, "label": source.label if source else {}}


def instances(repeat: Question, raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """A repeat's raw instances: a list of mappings keyed like answers (at most MAX_INSTANCES)."""
    value = raw.get(repeat.id)
    if not isinstance(value, (list, tuple)):
        return []
    return [entry if isinstance(entry, Mapping) else {} for entry in value[:MAX_INSTANCES]]


def _clean_repeat(questionnaire: Questionnaire, repeat: Question, raw: Mapping[str, Any], result: Cleaned,
                  partial: bool, lang: str) -> None:
    """Clean each instance by its questions' rules; errors and skipped questions are keyed by `instance_key`.

    A condition inside the repeat reads the same instance's answers first, then the answers outside it.
    """
    cleaned: list[dict[str, Any]] = []
    outer = derived.condition_lookup(questionnaire, result.answers)  # the answers before it, derived values
    for number, given in enumerate(instances(repeat, raw), 1):
        own: dict[str, Any] = {}

        def lookup(ref: str, own=own) -> Any:
            return own[ref] if ref in own else outer(ref)

        for child in repeat.questions:
            if not child.answerable:
                continue
            key = instance_key(repeat.id, number, child.id)
            if child.relevant and not _parsed(child.relevant).evaluate(lookup):
                result.skipped.append(key)
                continue
            prefix = f"{repeat.instance_text(lang, number)}: {child.text(lang)}: "
            try:
                value, extra = clean_value(child, given)
            except _Invalid as exc:
                if exc.code in LIMIT_CODES and child.constraint_message:
                    result.errors[key] = prefix + text_in(child.constraint_message, lang)
                else:
                    result.errors[key] = prefix + message(exc.code, lang, **exc.params)
                continue
            if value is None:
                if child.required and not partial:
                    result.errors[key] = prefix + message("required", lang)
                continue
            unoffered = _unoffered(questionnaire, child, value, lookup)
            if unoffered:
                result.errors[key] = prefix + message("filtered", lang, **unoffered)
                continue
            if child.type == "matrix" and child.required and not partial and len(value) < len(child.items):
                result.errors[key] = prefix + message("required_rows", lang)
            own[child.id] = value
            own.update(extra)
        for qid, value in derived.evaluate_instance(questionnaire, repeat, own, result.answers).items():
            key = instance_key(repeat.id, number, qid)
            result.derived[key] = value
            rule = repeat.child(qid)
            if rule.rule == "constraint" and value is False:
                result.errors[key] = f"{repeat.instance_text(lang, number)}: {rule.message_text(lang)}"
            elif rule.rule == "check" and value is False:
                result.warnings.append(key)
        cleaned.append(own)
    count, label = len(cleaned), repeat.text(lang)
    if repeat.min and count < repeat.min and not partial:
        result.errors[repeat.id] = TEXTS.ngettext("%(label)s: add at least %(num)s instance.",
                                                  "%(label)s: add at least %(num)s instances.", repeat.min, lang,
                                                  label=label, num=repeat.min)
    elif repeat.max is not None and count > repeat.max:
        result.errors[repeat.id] = TEXTS.ngettext("%(label)s: at most %(num)s instance.",
                                                  "%(label)s: at most %(num)s instances.", repeat.max, lang,
                                                  label=label, num=repeat.max)
    result.answers[repeat.id] = cleaned


def clean_value(question: Question, raw: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Clean one question's raw value: (value or None, extra keys) or raise _Invalid."""
    value = raw.get(question.id)
    qtype = question.type
    if qtype in MORE_TYPES:
        return _clean_more(question, value, raw), {}
    if qtype == "matrix":
        return _clean_matrix(question, raw), {}
    if qtype == "multi":
        return _clean_multi(question, value, raw)
    value = _scalar(value)
    if value is None:
        return None, {}
    if isinstance(value, str) and value.strip() in question.special_codes:
        return value.strip(), {}
    if qtype in ("single", "scale", "yesno"):
        return _clean_choice(question, value), {}
    if qtype in ("integer", "money"):
        return _limits(question, _whole(value, qtype)), {}
    if qtype == "year":
        return _limits(question, _year(value)), {}
    if qtype == "decimal":
        return _limits(question, _decimal(value)), {}
    if qtype == "date":
        return _limits(question, _date(value)), {}
    if qtype == "time":
        return _time(value), {}
    if qtype == "datetime":
        return _datetime(value), {}
    return _clean_text(question, value), {}


def _scalar(value: Any) -> Any:
    """One value from form data: lists give their first non-empty element."""
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if v not in (None, "")), None)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _clean_choice(question: Question, value: Any) -> str:
    code = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    codes = {c.code for c in question.all_choices()}
    if code not in codes:
        raise _Invalid("choice")
    return code


def _clean_multi(question: Question, value: Any, raw: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    if value is None or value == "":
        values: list = []
    elif isinstance(value, (list, tuple)):
        values = list(value)
    else:
        values = [value]
    codes = [c.code for c in question.all_choices()]
    chosen: list[str] = []
    for item in values:
        if item in (None, ""):
            continue
        if not isinstance(item, (str, int)) or isinstance(item, bool) or str(item).strip() not in codes:
            raise _Invalid("choice")
        code = str(item).strip()
        if code not in chosen:
            chosen.append(code)
    if not chosen:
        return None, {}
    for special in SPECIAL_CODES:
        if special in chosen and len(chosen) > 1:
            raise _Invalid("exclusive", label=question.choice(special).label)
    chosen.sort(key=codes.index)
    extra: dict[str, Any] = {}
    if OTHER in chosen and question.other:
        text = _scalar(raw.get(question.id + OTHER_SUFFIX))
        if not isinstance(text, str) or not text.strip():
            raise _Invalid("other")
        extra[question.id + OTHER_SUFFIX] = _clean_text(question, text, limits=False)
    substantive = [c for c in chosen if c not in SPECIAL_CODES]
    if substantive:
        if question.min is not None and len(substantive) < question.min:
            raise _Invalid("min_choices", limit=question.min)
        if question.max is not None and len(substantive) > question.max:
            raise _Invalid("max_choices", limit=question.max)
    return chosen, extra


def _clean_matrix(question: Question, raw: Mapping[str, Any]) -> dict[str, str] | None:
    given = raw.get(question.id)
    codes = {c.code for c in question.all_choices()}
    rows: dict[str, str] = {}
    for item in question.items:
        if isinstance(given, Mapping):
            value = given.get(item.code)
        else:
            value = raw.get(f"{question.id}/{item.code}")
        value = _scalar(value)
        if value is None:
            continue
        code = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
        if code not in codes:
            raise _Invalid("choice")
        rows[item.code] = code
    return rows or None


_SPACES = re.compile(r"[\s\u00a0\u202f]")


def _whole(value: Any, qtype: str) -> int:
    if isinstance(value, bool):
        raise _Invalid(qtype)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise _Invalid(qtype)
    if not isinstance(value, str):
        raise _Invalid(qtype)
    text = _SPACES.sub("", value)
    if qtype == "money":
        text = re.sub(r"(?i)(kr|sek|:-)$", "", text)
    if re.fullmatch(r"-?\d{16,}", text):
        raise _Invalid("digits")
    if not re.fullmatch(r"-?\d{1,15}", text):
        raise _Invalid(qtype)
    return int(text)


def _year(value: Any) -> int:
    try:
        year = _whole(value.strip() if isinstance(value, str) else value, "integer")
    except _Invalid:
        raise _Invalid("year") from None
    if not 1000 <= year <= 9999:
        raise _Invalid("year")
    return year


def _decimal(value: Any) -> float | int:
    if isinstance(value, bool):
        raise _Invalid("decimal")
    if isinstance(value, (int, float)):
        number = value
    elif isinstance(value, str):
        text = _SPACES.sub("", value).replace(",", ".")
        if re.fullmatch(r"-?\d{16,}(\.\d*)?", text):
            raise _Invalid("digits")
        if not re.fullmatch(r"-?\d{1,15}(\.\d{1,10})?", text):
            raise _Invalid("decimal")
        number = float(text)
    else:
        raise _Invalid("decimal")
    try:
        finite = math.isfinite(number)
    except OverflowError:  # an int too large for a float
        finite = False
    if not finite:
        raise _Invalid("decimal")
    return number


def _date(value: Any) -> str:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise _Invalid("date")
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise _Invalid("date") from None


_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?")


def _time(value: Any) -> str:
    """A time of day as HH:MM; seconds (as a browser may send them) are dropped."""
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match:
        raise _Invalid("time")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _datetime(value: Any) -> str:
    """A local date and time as YYYY-MM-DDTHH:MM (what a datetime-local input sends; a space works too)."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    text = value.strip() if isinstance(value, str) else ""
    day, _sep, clock = text.replace("T", " ", 1).partition(" ")
    try:
        return f"{_date(day)}T{_time(clock.strip())}"
    except _Invalid:
        raise _Invalid("datetime") from None


def _limits(question: Question, value: Any) -> Any:
    shown = str if question.type == "year" else (lambda limit: limit)  # a year is written 2014, never 2 014
    if question.min is not None and value < question.min:
        raise _Invalid("min", limit=shown(question.min))
    if question.max is not None and value > question.max:
        raise _Invalid("max", limit=shown(question.max))
    return value


def _clean_text(question: Question, value: Any, limits: bool = True) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Invalid("text")
    text = str(value).replace("\r\n", "\n").replace("\x00", "").strip()
    if question.type == "text":
        text = " ".join(text.split())
    limit = question.max_length or MAX_TEXT
    if len(text) > limit:
        raise _Invalid("max_length", limit=limit)
    if limits and question.pattern and not patterns.fullmatch(question.pattern, text):
        raise _Invalid("pattern")
    return text


def _clean_more(question: Question, value: Any, raw: Mapping[str, Any]) -> Any:
    """A range, rank, acknowledge or geopoint answer, or None when there is none."""
    if question.type == GEOPOINT:
        return _geopoint(question, value, raw)
    if question.type == ACKNOWLEDGE:
        value = _scalar(value)
        if value is None or value is False:
            return None
        if value is True or (isinstance(value, str) and value.strip().lower() in ("ok", "yes", "ja", "on", "1")):
            return ACKNOWLEDGED
        raise _Invalid("choice")
    if question.type == RANGE:
        value = _scalar(value)
        if isinstance(value, str) and value.strip() in question.special_codes:
            return value.strip()
        return None if value is None else _range(question, _decimal(value))
    return _rank(question, value)


def _range(question: Question, number: float | int) -> float | int:
    """A number within the range's ends, on one of its steps; whole when the steps are whole."""
    _limits(question, number)
    step = question.step if question.step is not None else 1
    low = question.min if question.min is not None else 0
    steps = (number - low) / step
    if abs(steps - round(steps)) > 1e-9:
        raise _Invalid("step", step=step, limit=low)
    if isinstance(step, int) and isinstance(low, int):
        return int(round(number))
    return round(low + round(steps) * step, 10)


def _rank(question: Question, value: Any) -> list[str] | None:
    """Every choice once, first place first; none at all is no answer."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, (list, tuple)):
        raise _Invalid("rank")
    order = [str(v).strip() for v in value if v not in (None, "")]
    if not order:
        return None
    codes = [c.code for c in question.choices]
    if any(not isinstance(v, (str, int)) or isinstance(v, bool) for v in value) or sorted(order) != sorted(codes):
        raise _Invalid("rank")
    return order


def _geopoint(question: Question, value: Any, raw: Mapping[str, Any]) -> dict[str, float] | None:
    """{"lat", "lon"} and any of "alt", "acc" from a mapping, the `<id>/lat`... fields or ODK's "lat lon alt acc"."""
    if isinstance(value, str) and value.strip():
        words = value.split()
        if not 2 <= len(words) <= 4:
            raise _Invalid("geopoint")
        given: dict[str, Any] = dict(zip(GEOPOINT_PARTS, words))
    elif isinstance(value, Mapping):
        given = {part: value.get(part) for part in GEOPOINT_PARTS}
    elif value in (None, ""):
        given = {part: raw.get(f"{question.id}/{part}") for part in GEOPOINT_PARTS}
    else:
        raise _Invalid("geopoint")
    given = {part: _scalar(v) for part, v in given.items()}
    if all(v is None for v in given.values()):
        return None
    if given.get("lat") is None or given.get("lon") is None:
        raise _Invalid("geopoint")
    point: dict[str, float] = {}
    for part in GEOPOINT_PARTS:
        if given.get(part) is None:
            continue
        try:
            point[part] = float(_decimal(given[part]))
        except _Invalid:
            raise _Invalid("geopoint") from None
    if not (-90 <= point["lat"] <= 90 and -180 <= point["lon"] <= 180) or point.get("acc", 0) < 0:
        raise _Invalid("geopoint_range")
    return point
