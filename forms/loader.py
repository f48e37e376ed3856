"""Read questionnaire definition files (YAML) into the model, collecting every problem.

The pipeline is read -> check -> build: `load_file` returns a `LoadResult`
with the questionnaire (or None) and every `Problem` found, each naming the
file and line. Nothing here prints.

A definition is read within limits (`MAX_BYTES`, `MAX_DEPTH`, `MAX_VALUES`, no YAML aliases), so a
hostile or broken file is refused with a problem instead of exhausting memory or the stack.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import answers, conditions, derived, patterns, piping, registry
from .errors import FieldkitError
from .model import (
    CHOICE_TYPES,
    DERIVED,
    DERIVED_KEYS,
    NUMBER_TYPES,
    RANGE,
    RANK,
    UNITS,
    LEVELS,
    OTHER,
    MAX_INSTANCES,
    QUESTION_TYPES,
    REPEAT,
    SPECIAL_CODES,
    YESNO_CHOICES_DATA,
    CODE_ATTRIBUTE,
    Choice,
    Frame,
    Item,
    Question,
    Questionnaire,
    Round,
    Section,
)

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
SLUG_RE = re.compile(r"^[a-z][a-z0-9-]*$")
VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$")
#: A name as XLSForm (an XML element name) takes it: `numberAsString`, `choose-shape`, `my_form`.
XLSFORM_NAME_RE = re.compile(r"^[^\W\d][\w.\-]*$")
CODE_RE = re.compile(r"^[A-Za-z0-9_\-]+$")
#: A survey round's id: lowercase letters, digits, '_' and '-', e.g. 2013 or niski-2015.
ROUND_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")



def _ascii_hint(value: object, rule: re.Pattern) -> str:
    """A suggestion for an id or code with å, ä, ö or other letters outside a-z: the same without accents.

    Ids and codes travel into exports, XLSForm names and URLs, so they stay plain ASCII; the label carries
    the Swedish spelling.
    """
    if not isinstance(value, str) or value.isascii():
        return ""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    if plain and rule.match(plain):
        return f": only a-z, so å, ä, ö and other accented letters are not allowed, e.g. {plain!r}"
    return ": only a-z, so å, ä, ö and other accented letters are not allowed"


#: The largest definition file read, in bytes. The shipped questionnaires are under 20 kB.
MAX_BYTES = 512 * 1024
#: The deepest nesting of lists and mappings; the format itself needs 8 (a choice's label).
MAX_DEPTH = 20
#: The most YAML nodes (keys, texts, numbers, lists, mappings); the largest shipped questionnaire has 1 071.
MAX_VALUES = 50_000

TOP_KEYS = {"id", "version", "title", "description", "languages", "choice_lists", "sections", "unit", "frame",
            "report", "rounds", "level", "xlsform_id", "language_names"}
FRAME_KEYS = {"counties", "municipalities"}
REPORT_KEYS = {"group_by"}
#: Question types whose answers are counted as choices: the only ones `sensitive` may mark.
SENSITIVE_TYPES = ("single", "multi", "scale", "matrix", "yesno")
#: Question types a report may be grouped by (a matrix by one row, a date by year or quarter).
GROUPING_TYPES = ("single", "yesno", "scale", "year")
ROUND_KEYS = {"id", "title", "from", "to", "frame"}
SECTION_KEYS = {"id", "title", "description", "relevant", "questions", "xlsform_top_level"}
QUESTION_KEYS = {
    "id", "type", "label", "help", "required", "choices", "items", "other", "dont_know",
    "not_applicable", "min", "max", "pattern", "max_length", "relevant", "personal",
    "sensitive", "expression", "check", "constraint", "message", "constraint_message", "default", "step", "filter",
    "xlsform_name", "xlsform_constraint", "xlsform_header",
}
#: A choice's own keys; any other key (lowercase letters, digits and '_') is an attribute a filter may compare.
CHOICE_KEYS = {"code", "label", "score"}
#: The question types a filter may narrow, and those whose answer a filter may compare (one value each).
FILTERED_TYPES = ("single", "multi")
FILTER_SOURCE_TYPES = ("single", "scale", "yesno", "integer", "year", "text")
#: The keys only a repeat takes (besides id, type, label, help, relevant, min and max).
REPEAT_KEYS = {"questions", "instance_label"}
#: What a repeat does not take: its questions do.
NOT_ON_REPEAT = ("required", "choices", "items", "other", "dont_know", "not_applicable", "pattern", "max_length",
                 "personal", "default", "constraint_message", "xlsform_constraint", "xlsform_header")
#: The keys a constraint_message speaks for.
LIMIT_KEYS = ("min", "max", "pattern", "max_length")


class DefinitionError(FieldkitError):
    """A definition file with problems; `problems` lists every one of them."""

    def __init__(self, problems: list["Problem"]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Problem:
    """One problem in a definition file, printed as `FILE:LINE: message`."""

    file: str
    line: int
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class LoadResult:
    questionnaire: Questionnaire | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.questionnaire is not None and not self.problems


class _Map(dict):
    """A dict that remembers the line of itself and of each key."""

    line = 0
    key_lines: dict


class _List(list):
    line = 0


class _Refused(Exception):
    """A file beyond the limits of the definition format; reading stops at the first one."""

    def __init__(self, line: int, message: str, code: str):
        super().__init__(message)
        self.line, self.message, self.code = line, message, code


class _LineLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases, deep nesting and too many nodes while it composes.

    The checks run before PyYAML recurses into a node, so neither an alias bomb (a few hundred
    bytes that expand to gigabytes) nor thousands of nested brackets get anywhere.
    """

    depth = 0
    values = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(line, f"alias *{event.anchor} is not allowed: a definition may not use YAML anchors "
                                 "and aliases; write the value out, or reuse choices through a named choice list "
                                 "(choice_lists)", "alias")
        self.values += 1
        if self.values > MAX_VALUES:
            raise _Refused(line, f"the definition has more than {MAX_VALUES:,} values (keys, texts, numbers, lists "
                                 "and mappings), the most fieldkit reads; the largest shipped questionnaire has "
                                 "about 1,100: split it into several questionnaires", "too-large")
        nested = isinstance(event, yaml.CollectionStartEvent)
        if nested:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Refused(line, f"lists and mappings are nested more than {MAX_DEPTH} levels deep here "
                                     "(a questionnaire needs 8): check the brackets and the indentation", "too-deep")
        try:
            return super().compose_node(parent, index)
        finally:
            if nested:
                self.depth -= 1


def _construct_map(loader, node):
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    seen = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            loader.duplicate_keys.append((key, key_node.start_mark.line + 1, seen[key]))
        seen[key] = key_node.start_mark.line + 1
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_seq(loader, node):
    result = _List(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    return result


def _construct_timestamp(loader, node):
    # An impossible date such as 2024-13-01 stays text, so it is reported as a
    # problem with its line instead of crashing the loader with a ValueError.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load_file(path: str | Path) -> LoadResult:
    """Load and check one definition file."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # never more: the file may be huge, or endless like a device
        if len(data) > MAX_BYTES:
            return LoadResult(None, [_too_large(str(path))])
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return LoadResult(None, [Problem(str(path), 0, f"cannot read the file: {exc}", "unreadable")])
    return load_text(text, str(path))


def _too_large(filename: str) -> Problem:
    return Problem(filename, 0, f"the file is larger than {MAX_BYTES // 1024} kB, the most a definition may be "
                                "(the shipped questionnaires are under 20 kB): is it the right file?", "too-large")


def load(path: str | Path) -> Questionnaire:
    """Load a definition file or raise DefinitionError listing every problem."""
    result = load_file(path)
    if not result.ok:
        raise DefinitionError(result.problems)
    return result.questionnaire


def load_text(text: str, filename: str = "<string>") -> LoadResult:
    """Load and check a definition from YAML text."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return LoadResult(None, [_too_large(filename)])
    try:
        loader = _LineLoader(text)
    except yaml.reader.ReaderError as exc:  # the reader checks every character before anything is parsed
        return LoadResult(None, [_bad_character(text, exc, filename)])
    loader.duplicate_keys = []
    try:
        data = loader.get_single_data()
    except _Refused as exc:
        return LoadResult(None, [Problem(filename, exc.line, exc.message, exc.code)])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        problem = getattr(exc, "problem", None) or str(exc)
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark and context_mark.line + 1 != line:
            # e.g. an unclosed quote is found at the end of the file: say where it opened
            problem += f" ({context} on line {context_mark.line + 1})"
        return LoadResult(None, [Problem(filename, line, f"malformed YAML: {problem}", "yaml")])
    finally:
        loader.dispose()
    builder = _Builder(filename)
    for key, line, first in loader.duplicate_keys:
        builder.problem(line, f"key {key!r} appears twice in one mapping (first on line {first})", "duplicate-key")
    questionnaire = builder.build(data)
    problems = sorted(builder.problems, key=lambda p: p.line)
    return LoadResult(questionnaire if not problems else None, problems)


def from_dict(data: dict, filename: str = "<dict>") -> Questionnaire:
    """Build and check a questionnaire from plain data (as `to_dict` gives).

    The data is held to the same limits as a file (`MAX_DEPTH`, `MAX_VALUES`): it may come
    from another machine, as JSON in a bundle or a pull.
    """
    refused = _beyond_limits(data, filename)
    if refused:
        raise DefinitionError([refused])
    builder = _Builder(filename)
    questionnaire = builder.build(data)
    if builder.problems:
        raise DefinitionError(builder.problems)
    return questionnaire


def _bad_character(text: str, exc: yaml.reader.ReaderError, filename: str) -> Problem:
    """The problem for a character YAML does not allow (a NUL byte, a control character)."""
    position = exc.position
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    name = " (NUL)" if code == 0 else ""
    return Problem(filename, line, f"character U+{code:04X}{name} in column {column} is not allowed in a YAML "
                                   "file: remove it (a definition is plain text; is this the right file?)", "character")


def _beyond_limits(data: Any, filename: str) -> Problem | None:
    """A problem if plain data nests deeper than MAX_DEPTH or has more than MAX_VALUES values (no recursion)."""
    stack = [(data, 1)]
    values = 0
    while stack:
        value, depth = stack.pop()
        values += 1
        if values > MAX_VALUES:
            return Problem(filename, 0, f"the definition has more than {MAX_VALUES:,} values, the most fieldkit "
                                        "reads", "too-large")
        if isinstance(value, dict):
            children = [*value.keys(), *value.values()]
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > MAX_DEPTH:
            return Problem(filename, 0, f"lists and mappings are nested more than {MAX_DEPTH} levels deep "
                                        "(a questionnaire needs 8)", "too-deep")
        stack.extend((child, depth + 1) for child in children)
    return None


def _line(obj: Any, key: str | None = None, default: int = 0) -> int:
    if isinstance(obj, _Map):
        if key is not None and key in obj.key_lines:
            return obj.key_lines[key]
        return obj.line
    return getattr(obj, "line", default) or default


class _Builder:
    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []
        self.sensitive: set[str] = set()
        self.languages = ["sv", "en"]
        self.questionnaire_repeats: list[Question] = []

    def problem(self, line: int, message: str, code: str = "invalid") -> None:
        self.problems.append(Problem(self.filename, line, message, code))

    def build(self, data: Any) -> Questionnaire | None:
        if not isinstance(data, dict):
            self.problem(_line(data, default=1), "the file must be a mapping with id, version, title and sections", "structure")
            return None
        self.unknown_keys(data, TOP_KEYS, "questionnaire")
        qid = data.get("id")
        if not isinstance(qid, str) or not SLUG_RE.match(qid):
            self.problem(_line(data, "id"), f"id must be a slug of lowercase letters a-z, digits and '-' (got {qid!r}){_ascii_hint(qid, SLUG_RE)}", "id")
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            version = str(version)
        elif isinstance(version, float):
            # 1.10 unquoted would silently become "1.1": make the author say what they mean.
            self.problem(_line(data, "version"), f"version {version!r} is a number, and as a number 1.10 reads "
                         "as 1.1: write the version in quotes, exactly as meant (version: \"1.10\", not "
                         "version: 1.10)", "version")
            version = str(version)
        if not isinstance(version, str) or not VERSION_RE.match(version):
            self.problem(_line(data, "version"), f"version is required, e.g. version: \"1\" (got {version!r})", "version")
        languages = data.get("languages", ["sv", "en"])
        if not isinstance(languages, list) or not languages or not all(isinstance(x, str) for x in languages):
            self.problem(_line(data, "languages"), "languages must be a list of language codes, Swedish first: [sv, en]", "languages")
            languages = ["sv", "en"]
        self.languages = list(languages)
        title = self.labels(data, "title", required=True)
        description = self.labels(data, "description")
        lists = self.choice_lists(data.get("choice_lists", {}), _line(data, "choice_lists"))
        sections_data = data.get("sections")
        sections: list[Section] = []
        if not isinstance(sections_data, list) or not sections_data:
            self.problem(_line(data, "sections", _line(data)), "sections must be a non-empty list", "sections")
        else:
            for raw in sections_data:
                section = self.section(raw, lists)
                if section:
                    sections.append(section)
        questionnaire = Questionnaire(
            id=qid if isinstance(qid, str) else "",
            version=version if isinstance(version, str) else "",
            title=title,
            description=description,
            languages=self.languages,
            sections=sections,
            source=self.filename,
            unit=self.unit(data),
            frame=self.frame(data),
            rounds=self.rounds(data),
        )
        questionnaire.level = self.level(data, questionnaire.frame)
        questionnaire.xlsform_id = self.xlsform_id(data)
        questionnaire.language_names = self.language_names(data)
        self.check_ids(questionnaire)
        self.check_conditions(questionnaire)
        self.check_filters(questionnaire)
        self.check_piping(questionnaire)
        for found in derived.check(questionnaire):
            self.problem(found.line, found.message, found.code)
        questionnaire.group_by = self.report(data, questionnaire)
        for repeat in questionnaire.repeats():
            for found in derived.check_instances(questionnaire, repeat):
                self.problem(found.line, found.message, found.code)
        return questionnaire

    def unit(self, data: dict) -> str:
        unit = data.get("unit", "record")
        if unit not in UNITS:
            self.problem(_line(data, "unit"), f"unit must be one of {', '.join(UNITS)}: record when every submission "
                                              f"counts, municipality when each answers once (got {unit!r})", "unit")
            return "record"
        return unit

    def level(self, data: dict, frame: Frame | None) -> str:
        level = data.get("level", "municipality")
        if level not in LEVELS:
            self.problem(_line(data, "level"), f"level must be one of {', '.join(LEVELS)}: municipality when a "
                                               f"municipality answers, district when one of its districts does "
                                               f"(got {level!r})", "level")
            return "municipality"
        if level == "district":
            lacking = [code for code in (frame.municipalities if frame else ()) if not registry.districts_of(code)]
            if frame is None or frame.counties or not frame.municipalities or lacking:
                with_districts = sorted({d.municipality_code for d in registry.districts()})
                self.problem(_line(data, "level"), "level: district needs a frame of municipalities that have "
                                                   f"districts, e.g. frame: {{municipalities: [\"{with_districts[0]}\"]}} "
                                                   f"(with districts: {', '.join(with_districts)})", "level")
        return level

    def frame(self, data: dict, what: str = "frame") -> Frame | None:
        raw = data.get("frame")
        if raw is None or raw == "all":
            return None
        line = _line(data, "frame")
        if not isinstance(raw, dict) or not raw:
            self.problem(line, f"{what} must be `all` or a mapping with counties and/or municipalities, "
                               "e.g. frame: {counties: [\"24\"]}", "frame")
            return None
        self.unknown_keys(raw, FRAME_KEYS, what)
        found: dict[str, tuple[str, ...]] = {}
        for key, lookup, width in (("counties", registry.county, 2), ("municipalities", registry.municipality, 4)):
            values = raw.get(key, [])
            if not isinstance(values, list):
                self.problem(_line(raw, key, line), f"{what} {key} must be a list of codes", "frame")
                continue
            codes = []
            for value in values:
                code = str(value).strip().zfill(width)
                if lookup(code) is None:
                    self.problem(_line(raw, key, line), f"{what} {key}: unknown code {value!r}", "frame")
                elif code not in codes:
                    codes.append(code)
            found[key] = tuple(codes)
        return Frame(**found) if any(found.values()) else None

    def report(self, data: dict, questionnaire: Questionnaire) -> str | None:
        """The reports' default grouping (`report: {group_by: section.question}`), checked against the questions."""
        raw = data.get("report")
        if raw is None:
            return None
        line = _line(data, "report")
        if not isinstance(raw, dict):
            self.problem(line, "report must be a mapping, e.g. report: {group_by: forening.knutpunkt}", "report")
            return None
        self.unknown_keys(raw, REPORT_KEYS, "report")
        spec = raw.get("group_by")
        if spec is None:
            return None
        line = _line(raw, "group_by", line)
        problem = _grouping_problem(spec, questionnaire)
        if problem:
            self.problem(line, f"report group_by {spec!r}: {problem}", "report")
            return None
        return spec

    def rounds(self, data: dict) -> list[Round]:
        """The survey rounds: unique ids, a title, days from/to in order, no two overlapping, an optional frame."""
        raw = data.get("rounds")
        if raw is None:
            return []
        if not isinstance(raw, list) or not raw:
            self.problem(_line(data, "rounds"), "rounds must be a list of rounds, each with id, title, from and to, "
                                                "e.g. - {id: \"2013\", title: Webbenkät 2013, from: 2013-03-01, "
                                                "to: 2013-06-30}", "rounds")
            return []
        found: list[Round] = []
        seen: dict[str, int] = {}
        for entry in raw:
            line = _line(entry, default=_line(raw))
            if not isinstance(entry, dict):
                self.problem(line, "each round must be a mapping with id, title, from and to", "rounds")
                continue
            self.unknown_keys(entry, ROUND_KEYS, "round")
            rid = entry.get("id")
            rid = str(rid) if isinstance(rid, int) and not isinstance(rid, bool) else rid
            valid = isinstance(rid, str) and ROUND_ID_RE.match(rid) is not None
            if not valid:
                self.problem(_line(entry, "id", line), "round id must be lowercase letters, digits, '_' and '-' "
                                                       f"(got {entry.get('id')!r}), e.g. id: niski-2015", "id")
            elif rid in seen:
                self.problem(_line(entry, "id", line), f"round id {rid!r} repeats (first on line {seen[rid]})",
                             "duplicate-id")
                valid = False
            else:
                seen[rid] = _line(entry, "id", line)
            what = f"round {rid!r}"
            title = self.labels(entry, "title", required=True)
            days = [self.round_day(entry, key, what, line) for key in ("from", "to")]
            frame = self.frame(entry, f"{what} frame")
            if not valid or None in days:
                continue
            start, end = days
            if start > end:
                self.problem(_line(entry, "to", line), f"{what}: to ({end}) is before from ({start})", "rounds")
                continue
            for other in found:
                if start <= other.end and other.start <= end:
                    self.problem(_line(entry, "from", line),
                                 f"{what} ({start} – {end}) overlaps round {other.id!r} ({other.start} – {other.end}) "
                                 f"on line {other.line}: a submission may belong to one round only", "rounds")
                    break
            else:
                found.append(Round(rid, title, start, end, frame, line))
        return found

    def round_day(self, entry: dict, key: str, what: str, line: int) -> datetime.date | None:
        value = entry.get(key)
        if value is None:
            self.problem(line, f"{what} needs {key}: a day written YYYY-MM-DD, e.g. {key}: 2013-03-01", "rounds")
            return None
        if isinstance(value, datetime.datetime):
            self.problem(_line(entry, key, line), f"{what}: {key} must be a day without a time, e.g. "
                                                  f"{key}: {value.date()}", "rounds")
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.problem(_line(entry, key, line), f"{what}: {key} must be a day written YYYY-MM-DD "
                                                  f"(got {value!r})", "rounds")
            return None

    def unknown_keys(self, data: dict, allowed: set[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(_line(data, key), f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})", "unknown-key")

    def labels(self, data: dict, key: str, required: bool = False) -> dict[str, str]:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(_line(data), f"{key} is required, with a text per language ({', '.join(self.languages)})", "label")
            return {}
        if isinstance(value, str):
            return {self.languages[0]: value}
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            self.problem(_line(data, key), f"{key} must be a text or a mapping of language to text", "label")
            return {}
        unknown = [lang for lang in value if lang not in self.languages]
        if unknown:
            self.problem(_line(data, key), f"{key} has a language not declared in languages: {', '.join(map(str, unknown))}", "label")
        if required and not value.get(self.languages[0]):
            self.problem(_line(data, key), f"{key} needs a text in the first language ({self.languages[0]})", "label")
        return {str(k): v for k, v in value.items()}

    def choice_lists(self, data: Any, line: int) -> dict[str, list[Choice]]:
        if not isinstance(data, dict):
            self.problem(line, "choice_lists must be a mapping of list name to choices", "choices")
            return {}
        return {name: self.choice_list(raw, _line(data, name), f"choice list {name!r}") for name, raw in data.items()}

    def choice_list(self, raw: Any, line: int, what: str) -> list[Choice]:
        if not isinstance(raw, list) or not raw:
            self.problem(_line(raw, default=line), f"{what} is empty: give at least one choice", "empty-choices")
            return []
        choices: list[Choice] = []
        seen: dict[str, int] = {}
        for entry in raw:
            entry_line = _line(entry, default=_line(raw, default=line))
            if not isinstance(entry, dict) or "code" not in entry:
                self.problem(entry_line, f"each choice in {what} needs a code and a label", "choices")
                continue
            code = entry.get("code")
            code = str(code) if isinstance(code, (int, str)) and not isinstance(code, bool) else None
            if code is None or not CODE_RE.match(code):
                self.problem(entry_line, f"choice code {entry.get('code')!r} in {what} must be letters a-z or A-Z, digits, '_' or '-'"
                                         f"{_ascii_hint(code, CODE_RE)}", "choices")
                continue
            if code in SPECIAL_CODES:
                self.problem(entry_line, f"choice code {code!r} in {what} is reserved: use dont_know: true or not_applicable: true", "choices")
                continue
            if code in seen:
                self.problem(entry_line, f"choice code {code!r} repeats in {what} (first on line {seen[code]})", "duplicate-choice")
                continue
            seen[code] = entry_line
            score = entry.get("score")
            if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
                self.problem(entry_line, f"score of choice {code!r} must be a number", "choices")
                score = None
            choices.append(Choice(code, self.labels(entry, "label", required=True), score,
                                  self.choice_attributes(entry, entry_line, code, what)))
        return choices

    def choice_attributes(self, entry: dict, line: int, code: str, what: str) -> dict[str, str]:
        """A choice's attributes: its keys besides code, label and score, each a text or a whole number."""
        found: dict[str, str] = {}
        for key, value in entry.items():
            if key in CHOICE_KEYS:
                continue
            if not isinstance(key, str) or not ID_RE.match(key) or key in ("name", "list_name"):
                self.problem(_line(entry, key, line), f"choice {code!r} in {what} has key {key!r}: a choice takes "
                             "code, label, score and attributes named with lowercase letters, digits and '_' "
                             "(not name or list_name, the columns of an XLSForm's choices sheet)",
                             "choices")
            elif isinstance(value, bool) or not isinstance(value, (str, int)):
                self.problem(_line(entry, key, line), f"attribute {key!r} of choice {code!r} in {what} must be a "
                             f"text or a whole number, e.g. {key}: \"24\" (got {value!r})", "choices")
            else:
                found[key] = str(value)
        return found

    def section(self, raw: Any, lists: dict[str, list[Choice]]) -> Section | None:
        if not isinstance(raw, dict):
            self.problem(_line(raw, default=0), "each section must be a mapping with id, title and questions", "structure")
            return None
        self.unknown_keys(raw, SECTION_KEYS, "section")
        sid = raw.get("id")
        if not isinstance(sid, str) or not ID_RE.match(sid):
            self.problem(_line(raw, "id"), f"section id must be lowercase letters a-z, digits and '_' (got {sid!r}){_ascii_hint(sid, ID_RE)}", "id")
            sid = str(sid)
        section = Section(
            id=sid,
            title=self.labels(raw, "title", required=True),
            description=self.labels(raw, "description"),
            relevant=self.condition_source(raw),
            line=_line(raw),
            relevant_line=_line(raw, "relevant"),
        )
        top_level = raw.get("xlsform_top_level", False)
        if not isinstance(top_level, bool):
            self.problem(_line(raw, "xlsform_top_level"), "xlsform_top_level must be true or false", "flag")
        else:
            section.xlsform_top_level = top_level
        questions = raw.get("questions")
        if not isinstance(questions, list) or not questions:
            self.problem(_line(raw, "questions"), f"section {sid!r} has no questions", "structure")
            return section
        for qraw in questions:
            question = self.question(qraw, sid, lists)
            if question:
                section.questions.append(question)
        return section

    def condition_source(self, raw: dict) -> str | None:
        value = raw.get("relevant")
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(_line(raw, "relevant"), "relevant must be a condition written as text", "condition")
            return None
        return value

    def question(self, raw: Any, sid: str, lists: dict[str, list[Choice]],
                 inside: Question | None = None) -> Question | None:
        if not isinstance(raw, dict):
            self.problem(_line(raw, default=0), "each question must be a mapping with id, type and label", "structure")
            return None
        if raw.get("type") == REPEAT:
            return self.repeat(raw, sid, lists, inside)
        self.unknown_keys(raw, QUESTION_KEYS, "question")
        line = _line(raw)
        local = raw.get("id")
        if not isinstance(local, str) or not ID_RE.match(local):
            self.problem(_line(raw, "id"), f"question id must be lowercase letters a-z, digits and '_' (got {local!r})"
                                         f"{_ascii_hint(local, ID_RE)}", "id")
            local = str(local)
        qtype = raw.get("type")
        if qtype not in QUESTION_TYPES:
            self.problem(_line(raw, "type"), f"unknown type {qtype!r} for question {local!r} (known: "
                         f"{', '.join(QUESTION_TYPES + (REPEAT,))})", "unknown-type")
            return None
        question = Question(
            id=f"{sid}.{local}",
            type=qtype,
            label=self.labels(raw, "label", required=True),
            help=self.labels(raw, "help"),
            relevant=self.condition_source(raw),
            line=line,
            relevant_line=_line(raw, "relevant"),
        )
        for flag in ("required", "other", "dont_know", "not_applicable", "personal", "sensitive"):
            value = raw.get(flag, False)
            if not isinstance(value, bool):
                self.problem(_line(raw, flag), f"{flag} must be true or false", "flag")
                value = False
            setattr(question, flag, value)
        if question.sensitive and question.type not in SENSITIVE_TYPES:
            self.problem(_line(raw, "sensitive"), f"sensitive: true is only for questions with choices "
                         f"({', '.join(SENSITIVE_TYPES)}), whose answers are counted: a {question.type} question's "
                         "table would show single answers", "flag")
        if question.sensitive and question.personal:
            self.problem(_line(raw, "sensitive"), f"{question.id!r} is both personal and sensitive: personal answers "
                         "are never counted for county users; keep personal: true for answers that identify someone, "
                         "sensitive: true for answers that do not", "flag")
        if question.type == "note" and question.required:
            self.problem(_line(raw, "required"), f"note {question.id!r} is never answered and cannot be required", "flag")
        if question.metadata and any(raw.get(f) is True for f in ("required", "dont_know", "not_applicable")):
            self.problem(_line(raw, "type"), f"{question.type} {question.id!r} is recorded automatically: it cannot be "
                         "required and has no don't know or not applicable", "flag")
        if question.other and question.type != "multi":
            self.problem(_line(raw, "other"), "other: true is only for multi questions", "flag")
        self.derived_entry(raw, question)
        self.question_choices(raw, question, lists)
        if question.other and any(c.code == OTHER for c in question.choices):
            self.problem(_line(raw, "other"), f"choice code {OTHER!r} is reserved for other: true in {question.id!r}: "
                         "remove that choice or rename it", "choices")
        self.question_limits(raw, question)
        self.question_filter(raw, question)
        self.question_more(raw, question)
        self.question_default(raw, question)
        self.xlsform_origin(raw, question)
        return question

    def xlsform_name(self, raw: dict, key: str = "xlsform_name") -> str | None:
        """The XLSForm name a question had before its import (`xlsform_name`), if valid."""
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not XLSFORM_NAME_RE.match(value):
            self.problem(_line(raw, key), f"{key} must be a name as XLSForm takes it: a letter or '_', then letters, "
                         f"digits, '_', '-' or '.' (got {value!r})", "xlsform")
            return None
        return value

    def xlsform_id(self, data: dict) -> str | None:
        """The form_id of the XLSForm the questionnaire was imported from (`xlsform_id`), if valid."""
        value = data.get("xlsform_id")
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip() or len(value) > 200 or not value.isprintable():
            self.problem(_line(data, "xlsform_id"), "xlsform_id must be the XLSForm's form_id: one line of text, at "
                         f"most 200 characters (got {value!r})", "xlsform")
            return None
        return value

    def language_names(self, data: dict) -> dict[str, str]:
        """The form's own names of its languages (`language_names: {fr: Français}`), each a declared language."""
        value = data.get("language_names")
        if value is None:
            return {}
        line = _line(data, "language_names")
        if not isinstance(value, dict):
            self.problem(line, "language_names must be a mapping of language code to name: {fr: Français}",
                         "languages")
            return {}
        names: dict[str, str] = {}
        for code, name in value.items():
            if code not in self.languages:
                self.problem(line, f"language_names names {code!r}, which is not in languages "
                             f"({', '.join(self.languages)})", "languages")
            elif not isinstance(name, str) or not name.strip() or len(name) > 100 or not name.isprintable():
                self.problem(line, f"the name of language {code!r} must be one line of text, at most 100 "
                             f"characters (got {name!r})", "languages")
            else:
                names[code] = name
        return names

    def xlsform_origin(self, raw: dict, question: Question) -> None:
        """What an XLSForm import remembers: the question's XLSForm name; a constraint rule's XPath."""
        question.xlsform_name = self.xlsform_name(raw, "xlsform_name")
        if "xlsform_header" in raw and question.type != "matrix":
            self.problem(_line(raw, "xlsform_header"), f"xlsform_header is only for matrix questions, not for "
                         f"{question.id!r}", "xlsform")
        else:
            question.xlsform_header = self.xlsform_name(raw, "xlsform_header")
        value = raw.get("xlsform_constraint")
        if value is None:
            return
        if question.rule != "constraint" and not any(key in raw for key in LIMIT_KEYS):
            self.problem(_line(raw, "xlsform_constraint"), f"xlsform_constraint is only for a constraint rule "
                         f"(type: derived with constraint) or a question with min, max, pattern or max_length, "
                         f"not for {question.id!r}", "xlsform")
        elif not isinstance(value, str) or not value.strip():
            self.problem(_line(raw, "xlsform_constraint"), f"xlsform_constraint of {question.id!r} must be the "
                         "XLSForm constraint written as text", "xlsform")
        else:
            question.xlsform_constraint = value

    def repeat(self, raw: dict, sid: str, lists: dict[str, list[Choice]], inside: Question | None) -> Question | None:
        """A group of questions answered any number of times: its questions, instance label and instance limits."""
        self.unknown_keys(raw, QUESTION_KEYS | REPEAT_KEYS, "repeat")
        local = raw.get("id")
        if not isinstance(local, str) or not ID_RE.match(local):
            self.problem(_line(raw, "id"), f"repeat id must be lowercase letters a-z, digits and '_' (got {local!r}){_ascii_hint(local, ID_RE)}", "id")
            local = str(local)
        rid = f"{sid}.{local}"
        if inside is not None:
            self.problem(_line(raw, "type"), f"repeat {rid!r} is inside repeat {inside.id!r}: fieldkit does not "
                         "support a repeat within a repeat; make it a repeat of its own after the outer one", "repeat")
            return None
        repeat = Question(id=rid, type=REPEAT, label=self.labels(raw, "label", required=True),
                          help=self.labels(raw, "help"), relevant=self.condition_source(raw), line=_line(raw),
                          relevant_line=_line(raw, "relevant"),
                          instance_label=self.labels(raw, "instance_label"))
        repeat.xlsform_name = self.xlsform_name(raw, "xlsform_name")
        for key in NOT_ON_REPEAT + DERIVED_KEYS + ("message",):
            if key in raw:
                advice = " (for at least one instance write min: 1)" if key == "required" else ""
                self.problem(_line(raw, key), f"{key} is not for repeat {rid!r}: put it on the questions of the "
                             f"repeat{advice}", "repeat")
        for key in ("min", "max"):
            if key not in raw:
                continue
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INSTANCES:
                self.problem(_line(raw, key), f"{key} of repeat {rid!r} is a number of instances: a whole number "
                             f"from 0 to {MAX_INSTANCES} (got {value!r})", "limits")
                continue
            setattr(repeat, key, value)
        if repeat.max == 0:
            self.problem(_line(raw, "max"), f"max of repeat {rid!r} is 0: no instance could be added", "limits")
        if repeat.min is not None and repeat.max is not None and repeat.min > repeat.max:
            self.problem(_line(raw, "max"), f"min ({repeat.min}) is greater than max ({repeat.max}) in {rid!r}",
                         "limits")
        children = raw.get("questions")
        if not isinstance(children, list) or not children:
            self.problem(_line(raw, "questions", _line(raw)), f"repeat {rid!r} needs questions: a non-empty list "
                         "of the questions asked for each instance", "structure")
            return repeat
        for child_raw in children:
            child = self.question(child_raw, rid, lists, inside=repeat)
            if child is None:
                continue
            if child.metadata:
                self.problem(child.line, f"{child.type} {child.id!r} is recorded once per interview: put it "
                             f"outside repeat {rid!r}", "repeat")
                continue
            repeat.questions.append(child)
        return repeat

    def question_filter(self, raw: dict, question: Question) -> None:
        """A choice filter's form: {attribute: question id}; `check_filters` checks what it names."""
        if "filter" not in raw:
            return
        value, line = raw["filter"], _line(raw, "filter")
        question.filter_line = line
        if question.type not in FILTERED_TYPES:
            self.problem(line, f"filter is only for {' and '.join(FILTERED_TYPES)} questions, not for "
                         f"{question.type} {question.id!r}", "filter")
            return
        if not isinstance(value, dict) or not value or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            self.problem(line, f"filter of {question.id!r} must map a choice attribute to an earlier question, "
                         "e.g. filter: {lan: plats.lan}", "filter")
            return
        attributes = {name for choice in question.choices for name in choice.attributes} | {CODE_ATTRIBUTE}
        for name in value:
            if name not in attributes:
                self.problem(_line(value, name, line), f"filter of {question.id!r} names attribute {name!r}, which "
                             f"no choice of the question has (they have: {', '.join(sorted(attributes))})", "filter")
        question.filter = dict(value)

    def question_more(self, raw: dict, question: Question) -> None:
        """What range, rank, acknowledge and geopoint questions need: a range's ends and step; no special codes."""
        if "step" in raw and question.type != RANGE:
            self.problem(_line(raw, "step"), f"step is only for range questions, not for {question.type} "
                         f"{question.id!r}", "limits")
        if question.type in (RANK, "acknowledge", "geopoint"):
            for flag in ("dont_know", "not_applicable"):
                if raw.get(flag) is True:
                    self.problem(_line(raw, flag), f"{flag} is not available for {question.type} question "
                                 f"{question.id!r}", "flag")
                    setattr(question, flag, False)
        if question.type != RANGE:
            return
        for key in ("min", "max"):
            if key not in raw:
                self.problem(_line(raw, "type"), f"range question {question.id!r} needs {key}: the slider's "
                             f"{'lowest' if key == 'min' else 'highest'} value, e.g. min: 0, max: 10", "limits")
        step = raw.get("step", 1)
        if isinstance(step, bool) or not isinstance(step, (int, float)) or step <= 0:
            self.problem(_line(raw, "step"), f"step of {question.id!r} must be a number greater than 0 "
                         f"(got {step!r})", "limits")
            return
        question.step = step if "step" in raw else None
        if question.min is None or question.max is None:
            return
        steps = (question.max - question.min) / step
        if abs(steps - round(steps)) > 1e-9:
            self.problem(_line(raw, "step"), f"step {step} does not fit range {question.id!r}: from min "
                         f"{question.min} it never reaches max {question.max}", "limits")
        whole = all(float(v).is_integer() for v in (question.min, question.max, step))
        if whole:
            question.min, question.max = int(question.min), int(question.max)
            question.step = int(step) if "step" in raw else None

    def question_default(self, raw: dict, question: Question) -> None:
        """The answer a new interview starts with: it must be a valid answer to the question."""
        if "default" not in raw:
            return
        if not question.answerable or question.type == "matrix":
            self.problem(_line(raw, "default"), f"{question.type} {question.id!r} takes no default", "default")
            return
        try:
            value, _extra = answers.clean_value(question, {question.id: raw["default"]})
        except answers.InvalidAnswer as exc:
            value, problem = None, answers.message(exc.code, "en", **exc.params)
        else:
            problem = None if value is not None else "it is empty"
        if problem:
            self.problem(_line(raw, "default"), f"default {raw['default']!r} of {question.id!r} is not a valid "
                         f"answer: {problem}", "default")
            return
        question.default = value

    def derived_entry(self, raw: dict, question: Question) -> None:
        """A derived entry's expression and message; those keys anywhere else are problems."""
        given = [key for key in DERIVED_KEYS if key in raw]
        if question.type != DERIVED:
            for key in given + (["message"] if "message" in raw else []):
                self.problem(_line(raw, key), f"{key} is only for derived entries (type: derived)", "unknown-key")
            return
        if len(given) != 1:
            self.problem(_line(raw, given[1] if given else "type"),
                         f"derived entry {question.id!r} needs exactly one of expression, check or constraint"
                         + (f" (got {', '.join(given)})" if given else ""), "derived")
        for flag in ("required", "other", "dont_know", "not_applicable"):
            if raw.get(flag) is True:
                self.problem(_line(raw, flag), f"{flag} has no meaning for derived entry {question.id!r}: "
                             "it is computed, never answered", "flag")
        if not given:
            return
        key = given[0]
        value = raw[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(_line(raw, key), f"{key} of {question.id!r} must be an expression written as text", "expression")
            return
        question.expression = value
        question.rule = None if key == "expression" else key
        question.expression_line = _line(raw, key)
        if question.rule is None and "message" in raw:
            self.problem(_line(raw, "message"), f"message is only for a check or a constraint, not for "
                         f"derived value {question.id!r}", "derived")
        elif question.rule is not None and "message" not in raw:
            self.problem(_line(raw, key), f"{key} {question.id!r} needs a message, shown when it fails, "
                         f"with a text per language ({', '.join(self.languages)})", "label")
        elif question.rule is not None:
            question.message = self.labels(raw, "message", required=True)

    def question_choices(self, raw: dict, question: Question, lists: dict[str, list[Choice]]) -> None:
        qtype = question.type
        if qtype == "yesno":
            question.choices = [Choice(code, dict(label)) for code, label in YESNO_CHOICES_DATA]
            if "choices" in raw:
                self.problem(_line(raw, "choices"), "yesno questions have fixed choices (ja, nej): remove choices", "choices")
            return
        if qtype not in CHOICE_TYPES + (RANK,):
            if "choices" in raw or "items" in raw:
                self.problem(_line(raw, "choices" if "choices" in raw else "items"), f"{qtype} questions take no choices or items", "choices")
            return
        value = raw.get("choices")
        if value is None:
            self.problem(_line(raw), f"{qtype} question {question.id!r} needs choices", "empty-choices")
        elif isinstance(value, str):
            if value not in lists:
                self.problem(_line(raw, "choices"), f"unknown choice list {value!r} (defined: {', '.join(lists) or 'none'})", "choices")
            question.choices = list(lists.get(value, []))
        else:
            question.choices = self.choice_list(value, _line(raw, "choices"), f"question {question.id!r}")
        if qtype == "scale" and question.choices:
            if any(c.score is None for c in question.choices):
                # Levels without explicit scores count 1, 2, 3... in order.
                question.choices = [Choice(c.code, c.label, i + 1 if c.score is None else c.score, c.attributes)
                                    for i, c in enumerate(question.choices)]
        if qtype == "matrix":
            items = raw.get("items")
            if not isinstance(items, list) or not items:
                self.problem(_line(raw, "items"), f"matrix question {question.id!r} needs a non-empty list of items", "empty-choices")
                return
            seen: dict[str, int] = {}
            for entry in items:
                entry_line = _line(entry, default=_line(items))
                code = entry.get("code") if isinstance(entry, dict) else None
                if not isinstance(code, str) or not ID_RE.match(code):
                    self.problem(entry_line, f"matrix item code {code!r} must be lowercase letters a-z, digits and '_'"
                                             f"{_ascii_hint(code, ID_RE)}", "choices")
                    continue
                if code in seen:
                    self.problem(entry_line, f"matrix item {code!r} repeats in {question.id!r} (first on line {seen[code]})", "duplicate-choice")
                    continue
                seen[code] = entry_line
                question.items.append(Item(code, self.labels(entry, "label", required=True), self.xlsform_name(entry)))
        elif "items" in raw:
            self.problem(_line(raw, "items"), "items are only for matrix questions", "choices")

    def question_limits(self, raw: dict, question: Question) -> None:
        qtype = question.type
        for key in ("min", "max"):
            if key not in raw:
                continue
            value = raw[key]
            if qtype in NUMBER_TYPES or qtype in ("multi", "year", RANGE):
                whole = qtype in ("integer", "money", "multi", "year")
                if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not float(value).is_integer()):
                    kind = "a whole number" if whole else "a number"
                    self.problem(_line(raw, key), f"{key} of {question.id!r} must be {kind} (got {value!r})", "limits")
                    continue
                setattr(question, key, int(value) if whole else value)
            elif qtype == "date":
                try:
                    parsed = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
                except ValueError:
                    self.problem(_line(raw, key), f"{key} of {question.id!r} must be a date YYYY-MM-DD (got {value!r})", "limits")
                    continue
                setattr(question, key, parsed.isoformat())
            else:
                self.problem(_line(raw, key), f"{qtype} questions take no {key}", "limits")
        if question.min is not None and question.max is not None and question.min > question.max:
            self.problem(_line(raw, "max"), f"min ({question.min}) is greater than max ({question.max}) in {question.id!r}", "limits")
        if "pattern" in raw:
            pattern = raw["pattern"]
            if qtype not in ("text", "longtext"):
                self.problem(_line(raw, "pattern"), "pattern is only for text questions", "limits")
            else:
                try:
                    patterns.compile_pattern(pattern)
                    question.pattern = pattern
                except (re.error, TypeError) as exc:
                    self.problem(_line(raw, "pattern"), f"pattern of {question.id!r} is not a valid regular expression: {exc}", "limits")
        if "max_length" in raw:
            value = raw["max_length"]
            if qtype not in ("text", "longtext") or isinstance(value, bool) or not isinstance(value, int) or value < 1:
                self.problem(_line(raw, "max_length"), "max_length must be a positive whole number on a text question", "limits")
            else:
                question.max_length = value
        if "constraint_message" in raw:
            if not any(key in raw for key in LIMIT_KEYS):
                self.problem(_line(raw, "constraint_message"), f"constraint_message of {question.id!r} has nothing "
                             f"to speak for: give min, max, pattern or max_length too", "limits")
            question.constraint_message = self.labels(raw, "constraint_message")

    def check_ids(self, questionnaire: Questionnaire) -> None:
        seen_sections: dict[str, int] = {}
        for section in questionnaire.sections:
            if section.id in seen_sections:
                self.problem(section.line, f"duplicate section id {section.id!r} (first on line {seen_sections[section.id]})", "duplicate-id")
            seen_sections.setdefault(section.id, section.line)
        seen: dict[str, int] = {}
        for question in questionnaire.questions():
            for one in [question, *question.questions]:
                if one.id in seen:
                    self.problem(one.line, f"duplicate question id {one.id!r} (first on line {seen[one.id]})", "duplicate-id")
                seen.setdefault(one.id, one.line)

    def check_filters(self, questionnaire: Questionnaire) -> None:
        """Each filter names an earlier question with one value per answer (in a repeat: the same instance's)."""
        order = {q.id: i for i, q in enumerate(questionnaire.questions())}
        for question in questionnaire.questions():
            inside = list(question.questions) if question.repeat else []
            for position, one in enumerate([question] if not question.repeat else inside):
                earlier = {q.id for q in inside[:position]}
                for name, ref in one.filter.items():
                    target = questionnaire.question(ref)
                    holder = questionnaire.repeat_of(ref)
                    what = f"filter of {one.id!r} ({name}: {ref})"
                    if target is None or target.repeat:
                        problem = f"names no question {'' if target is None else 'but a repeat '}" \
                                  "(write the full id, section.question)"
                    elif holder is not None and ref not in earlier:
                        problem = f"names {ref!r} inside repeat {holder.id!r}: only a later question of the same " \
                                  "repeat can use it"
                    elif holder is None and order[ref] >= order[question.id]:
                        problem = "names a question that comes later (or itself): a filter uses an earlier answer"
                    elif target.type not in FILTER_SOURCE_TYPES:
                        problem = f"names {target.type} question {ref!r}: a filter compares one value " \
                                  f"({', '.join(FILTER_SOURCE_TYPES)} questions)"
                    else:
                        continue
                    self.problem(one.filter_line, f"{what} {problem}", "filter")

    def check_piping(self, questionnaire: Questionnaire) -> None:
        """Every ${section.question} in a label or help names a question whose answer can be shown."""
        for question in questionnaire.questions():
            for where, texts in (("label", question.label), ("help", question.help)):
                for ref in piping.references(texts):
                    problem = piping.problem(questionnaire, question, ref)
                    if problem:
                        self.problem(question.line, f"{where} of {question.id!r} refers to ${{{ref}}}: {problem}",
                                     "piping")

    def check_conditions(self, questionnaire: Questionnaire) -> None:
        self.questionnaire_repeats = questionnaire.repeats()
        self.derived_reads = _derived_reads(questionnaire)
        order = {q.id: i for i, q in enumerate(questionnaire.questions())}
        computed = {q.id for q in questionnaire.questions() if q.type == DERIVED}
        recorded = {q.id for q in questionnaire.questions() if q.metadata}  # known from the start
        self.sensitive = {q.id for q in questionnaire.questions() if q.sensitive}
        for section in questionnaire.sections:
            first = min((order.get(q.id, 0) for q in section.questions), default=0)
            if section.relevant:
                self.check_condition(section.relevant, section.relevant_line, f"section {section.id!r}", order, first,
                                     own={q.id for q in section.questions} - recorded, computed=computed,
                                     recorded=recorded)
            for question in section.questions:
                if question.relevant:
                    self.check_condition(question.relevant, question.relevant_line, f"question {question.id!r}", order,
                                         order.get(question.id, 0), own={question.id}, computed=computed,
                                         recorded=recorded)
                if question.repeat:
                    self.check_instance_conditions(question, order, computed, recorded)

    def check_instance_conditions(self, repeat: Question, order: dict, computed: set[str], recorded: set[str]) -> None:
        """A condition inside a repeat reads the same instance's earlier answers, and answers given before the repeat."""
        here = order[repeat.id]
        for position, child in enumerate(repeat.questions):
            if not child.relevant:
                continue
            earlier = {q.id: -1 for q in repeat.questions[:position]}
            later = {q.id: here for q in repeat.questions[position:]}
            self.check_condition(child.relevant, child.relevant_line, f"question {child.id!r}",
                                 {**order, **earlier, **later}, here, own={child.id}, computed=computed,
                                 recorded=recorded)

    def check_condition(self, source: str, line: int, what: str, order: dict, position: int, own: set[str],
                        computed: set[str] = frozenset(), recorded: set[str] = frozenset()) -> None:
        try:
            condition = conditions.parse(source)
        except conditions.ConditionError as exc:
            self.problem(line, f"relevant of {what}: {exc}", "condition")
            return
        repeats = {q.id: q for q in self.questionnaire_repeats}
        holders = {c.id: r for r in repeats.values() for c in r.questions}
        for ref in condition.references():
            counted = derived.only_counted(condition.tree, ref)
            if ref in repeats and not counted:
                self.problem(line, f"relevant of {what} names repeat {ref!r}: a condition can only count its "
                             f"instances, count({ref})", "repeat-reference")
            elif ref in holders and ref not in order and not counted:
                self.problem(line, f"relevant of {what} names {ref!r} inside repeat {holders[ref].id!r}: only a "
                             "question inside the same repeat can use it, and it means the same instance's answer "
                             f"(outside it, count({holders[ref].id}) or sum({ref}) of a number question)",
                             "repeat-reference")
            elif ref in holders and ref not in order:
                if holders[ref].id in own or order[holders[ref].id] >= position:
                    self.problem(line, f"relevant of {what} names {ref!r} of repeat {holders[ref].id!r}, which "
                                 "comes later: conditions may only use earlier answers", "later-reference")
            elif ref in computed:
                self.check_derived_reference(ref, line, what, order, position, own, recorded, holders)
            elif ref in self.sensitive:
                self.problem(line, f"relevant of {what} names sensitive question {ref!r}: whether a question was "
                             "asked would show its answer in the raw data", "sensitive-reference")
            elif ref in own:
                self.problem(line, f"relevant of {what} refers to {ref!r}, which depends on this condition itself: a cycle", "cycle")
            elif ref not in order:
                self.problem(line, f"relevant of {what} names unknown question {ref!r}", "unknown-reference")
            elif order[ref] >= position and ref not in recorded:
                self.problem(line, f"relevant of {what} names {ref!r}, which comes later: conditions may only use earlier answers", "later-reference")


    def check_derived_reference(self, ref: str, line: int, what: str, order: dict, position: int, own: set[str],
                                recorded: set[str], holders: dict[str, Question]) -> None:
        """A condition may read a derived value computed from earlier answers only, and not from itself."""
        seen, stack = {ref}, [ref]
        while stack:
            for read in self.derived_reads.get(stack.pop(), ()):
                if read in seen:
                    continue
                seen.add(read)
                if read in own:
                    self.problem(line, f"relevant of {what} names derived entry {ref!r}, which depends on this "
                                 "condition itself: a cycle", "cycle")
                    return
                if read in self.derived_reads:
                    stack.append(read)
                    continue
                place = order.get(holders[read].id if read in holders else read)
                if place is not None and place >= position and read not in recorded:
                    self.problem(line, f"relevant of {what} names derived entry {ref!r}, which reads {read!r}, "
                                 "a later answer: a condition may use a derived value computed from earlier "
                                 "answers only", "later-reference")
                    return


def _derived_reads(questionnaire: Questionnaire) -> dict[str, list[str]]:
    """What each derived entry outside the repeats reads: its expression's ids and its conditions' (and section's)."""
    reads: dict[str, list[str]] = {}
    for section in questionnaire.sections:
        for question in section.questions:
            if not question.derived:
                continue
            found: list[str] = []
            for source in (question.expression, question.relevant, section.relevant):
                try:
                    found += conditions.parse(source).references() if source else []
                except conditions.ConditionError:
                    continue  # reported with its own line
            reads[question.id] = found
    return reads


def _grouping_problem(spec: object, questionnaire: Questionnaire) -> str | None:
    """Why `spec` cannot group a report's tables, or None: the same ids as the reports' grouping select."""
    if not isinstance(spec, str):
        return "must be a question id such as forening.knutpunkt"
    key, _sep, part = spec.partition(":")
    qid, _slash, row = key.partition("/")
    question = questionnaire.question(qid)
    if question is None:
        return "names no question of this questionnaire"
    if question.personal or question.sensitive:
        return "a personal or sensitive question cannot group the tables"
    if question.type == "matrix":
        ok = not part and row in {item.code for item in question.items}
        need = "a matrix groups by one of its rows: question/row"
    elif question.type == "date":
        ok = not row and part in ("year", "quarter")
        need = "a date groups by year or quarter: question:year or question:quarter"
    else:
        ok = not row and not part and (question.type in GROUPING_TYPES or question.rule is not None)
        need = f"only a {', '.join(GROUPING_TYPES)} question, a rule, a matrix row or a date can group the tables"
    return None if ok else need
