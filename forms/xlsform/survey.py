"""Turn the rows of the survey sheet into a tree of groups and entries, classifying each type.

Nothing is decided here about what fieldkit makes of a row: this stage only
checks the structure (names, types, begin/end pairs) and says what kind of
row each one is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .problems import Messages
from .workbook import KNOWN_COLUMNS, Row, Sheet

#: XLSForm type (and its aliases) -> the XLSForm base type fieldkit maps.
QUESTION_TYPES = {
    "text": "text", "string": "text", "q string": "text", "add text prompt": "text", "phone number": "text",
    "integer": "integer", "int": "integer", "q int": "integer", "add integer prompt": "integer",
    "decimal": "decimal", "q decimal": "decimal", "add decimal prompt": "decimal",
    "date": "date", "q date": "date", "add date prompt": "date",
    "time": "time", "q time": "time", "add time prompt": "time",
    "datetime": "datetime", "date time": "datetime", "q datetime": "datetime",
    "q date time": "datetime", "add date time prompt": "datetime",
    "note": "note", "q note": "note", "add note prompt": "note",
    "range": "range", "acknowledge": "acknowledge", "trigger": "acknowledge", "q acknowledge": "acknowledge",
    "add acknowledge prompt": "acknowledge", "geopoint": "geopoint", "q geopoint": "geopoint", "gps": "geopoint",
    "location": "geopoint", "add location prompt": "geopoint",
}
#: `rank <list>`: the choices of the list put in order.
_RANK = re.compile(r"^(?:rank|odk:rank)\s+(?P<list>\S+)$", re.IGNORECASE)
#: Types that record facts about the device or the session, not answers: left out with a warning.
METADATA_TYPES = {
    "start", "end", "today", "deviceid", "device id", "imei", "subscriberid", "subscriber id", "simserial",
    "sim id", "phonenumber", "username", "email", "audit", "start time", "end time", "get start time",
    "get end time", "get today", "get device id", "get sim id", "get subscriber id", "get phone number",
    "uri:deviceid", "uri:email", "uri:phonenumber", "uri:simserial", "uri:subscriberid", "uri:username",
}
#: Metadata types fieldkit records itself (`forms.metadata`), with their fieldkit type (pyxform's aliases
#: included: `imei` is its old name of deviceid).
RECORDED_TYPES = {
    "start": "start", "start time": "start", "get start time": "start", "end": "end", "end time": "end",
    "get end time": "end", "today": "today", "get today": "today", "deviceid": "deviceid", "device id": "deviceid",
    "get device id": "deviceid", "uri:deviceid": "deviceid", "imei": "deviceid",
    "username": "username", "uri:username": "username", "email": "email", "uri:email": "email",
    "phonenumber": "phonenumber", "get phone number": "phonenumber", "uri:phonenumber": "phonenumber",
    "simserial": "simserial", "sim id": "simserial", "get sim id": "simserial", "uri:simserial": "simserial",
    "subscriberid": "subscriberid", "subscriber id": "subscriberid", "get subscriber id": "subscriberid",
    "uri:subscriberid": "subscriberid",
}
#: Types fieldkit knows of but cannot collect (yet).
UNSUPPORTED_TYPES = {
    "geopoint", "geotrace", "geoshape", "gps", "location", "start-geopoint", "background-geopoint",
    "image", "photo", "audio", "video", "file", "barcode", "background-audio", "osm",
    "calculate", "hidden", "acknowledge", "trigger", "range", "rank",
    "xml-external", "csv-external", "select_one_from_file", "select_multiple_from_file",
    "select one from file", "select multiple from file", "select_one_external", "select one external",
    "q geopoint", "q image", "q picture", "q audio", "q video", "q barcode", "q calculate", "q acknowledge",
    "add image prompt", "add photo prompt", "add audio prompt",
    "add video prompt", "add file prompt", "add barcode prompt", "add location prompt", "add calculate prompt",
    "add acknowledge prompt", "cascading select", "cascading_select",
}
_SELECT = re.compile(
    r"^(?P<kind>select_one|select one from|select one using|select one|select1|add select one prompt using"
    r"|q select1|select_multiple|select all that apply from|select all that apply|select multiple from"
    r"|select multiple using|add select multiple prompt using|q select)\s+(?P<list>\S+)"
    r"(?:\s+(?P<other>or_other|or specify other))?$",
    re.IGNORECASE,
)
#: `select_one_from_file hospitals.csv`: choices read from a file the form ships as media (`media`).
_FROM_FILE = re.compile(r"^(?P<kind>select_one_from_file|select_multiple_from_file|select one from file"
                        r"|select multiple from file)\s+(?P<file>\S+)$", re.IGNORECASE)
_BEGIN = re.compile(r"^begin[ _]+(group|repeat|loop)\b(.*)$", re.IGNORECASE)
_END = re.compile(r"^end[ _]+(group|repeat|loop)$", re.IGNORECASE)


@dataclass
class Entry:
    """One survey row that is not a begin or end of a group."""

    row: Row
    type_text: str
    kind: str                # "question", "metadata", "unsupported" or "unknown"
    base: str | None = None  # text integer decimal date note select_one select_multiple
    list_name: str | None = None
    or_other: bool = False
    path: tuple[str, ...] = ()

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def name(self) -> str:
        return self.row.text("name")

    @property
    def choices_file(self) -> str | None:
        """The file a `select_one_from_file` row reads its choices from."""
        match = _FROM_FILE.match(self.type_text)
        return match.group("file") if match else None


@dataclass
class Group:
    """A begin/end pair and what lies between: a group, a repeat or a loop."""

    row: Row
    kind: str  # "group", "repeat" or "loop"
    end_row: int = 0
    children: list["Entry | Group"] = field(default_factory=list)
    path: tuple[str, ...] = ()

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def name(self) -> str:
        return self.row.text("name")

    def rows(self) -> str:
        return f"rows {self.number}-{self.end_row}" if self.end_row else f"from row {self.number}"


def classify(type_text: str) -> tuple[str, str | None, str | None, bool]:
    """(kind, base, list name, or_other) for a type as written."""
    text = " ".join(type_text.split())
    low = text.lower()
    first = low.split(" ")[0]
    if low in QUESTION_TYPES:
        return "question", QUESTION_TYPES[low], None, False
    if _RANK.match(text):
        return "question", "rank", _RANK.match(text).group("list"), False
    if low in METADATA_TYPES:
        return "metadata", None, None, False
    from_file = _FROM_FILE.match(text)
    if from_file:
        multiple = "multiple" in from_file.group("kind").lower()
        return "question", "select_multiple" if multiple else "select_one", from_file.group("file"), False
    if low in UNSUPPORTED_TYPES or first in UNSUPPORTED_TYPES or low.startswith(("select one from file",
                                                                                   "select multiple from file",
                                                                                   "select one external")):
        return "unsupported", None, None, False
    match = _SELECT.match(text)
    if match and match.group("list").startswith("${"):  # choices from the answers of a repeat
        return "unsupported", None, None, False
    if match:
        kind = match.group("kind").lower()
        base = "select_multiple" if ("multiple" in kind or "all that apply" in kind or kind == "q select") \
            else "select_one"
        return "question", base, match.group("list"), bool(match.group("other"))
    return "unknown", None, None, False


def unsupported_reason(type_text: str) -> str:
    """Why a row of an unsupported type is left out."""
    match = _SELECT.match(" ".join(type_text.split()))
    if match and match.group("list").startswith("${"):
        return (f"type {type_text!r} is not supported: fieldkit has no choices made from the answers "
                f"to {match.group('list')}")
    return f"type {type_text!r} is not supported"


def _has_content(row: Row) -> bool:
    return any(base in KNOWN_COLUMNS["survey"] for base, _ in row.cells)


def parse_survey(sheet: Sheet, messages: Messages) -> list[Entry | Group]:
    """The survey as a tree; structural problems go to `messages`."""
    top: list[Entry | Group] = []
    stack: list[Group] = []
    seen: dict[int, dict[str, int]] = {}  # per group (by id of its children list): name -> first row
    for row in sheet.rows:
        if not _has_content(row):
            continue
        type_text = " ".join(row.text("type").split())
        children = stack[-1].children if stack else top
        path = stack[-1].path + (stack[-1].name,) if stack else ()
        if not type_text:
            messages.error("survey", row.number, "the row has no type: give one (e.g. text) or delete the row",
                           "no-type")
            continue
        begin, end = _BEGIN.match(type_text), _END.match(type_text)
        name = row.text("name")
        if name and not end:
            names = seen.setdefault(id(children), {})
            if name in names:
                messages.error("survey", row.number, f"the name {name!r} is already used on row {names[name]} "
                                                     "in the same group: names must differ", "duplicate-name")
                if not begin:
                    continue
            names.setdefault(name, row.number)
        if begin:
            group = Group(row, begin.group(1).lower(), path=path)
            if not group.name:
                messages.error("survey", row.number, f"'{type_text}' has no name", "no-name")
            children.append(group)
            stack.append(group)
        elif end:
            _close(stack, end.group(1).lower(), row, messages)
        else:
            kind, base, list_name, or_other = classify(type_text)
            entry = Entry(row, type_text, kind, base, list_name, or_other, path)
            if not entry.name and kind != "metadata":
                messages.error("survey", row.number, f"the {type_text} question has no name", "no-name")
                continue
            children.append(entry)
    for group in stack:
        messages.error("survey", group.number, f"'begin {group.kind}' {group.name!r} is never closed: add an "
                                               f"'end {group.kind}' row", "unbalanced")
    return top


def _close(stack: list[Group], kind: str, row: Row, messages: Messages) -> None:
    if not stack:
        messages.error("survey", row.number, f"'end {kind}' without a 'begin {kind}' before it", "unbalanced")
        return
    group = stack[-1]
    if group.kind != kind:
        messages.error("survey", row.number, f"'end {kind}' closes the {group.kind} {group.name!r} begun on row "
                                             f"{group.number}: write 'end {group.kind}'", "unbalanced")
    group.end_row = row.number
    stack.pop()


def walk(nodes: list[Entry | Group]):
    """Every entry and group of a tree, in row order."""
    for node in nodes:
        yield node
        if isinstance(node, Group):
            yield from walk(node.children)
