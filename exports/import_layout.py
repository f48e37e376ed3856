"""Where a file's columns are: its metadata columns and the answer columns of a questionnaire's schema.

Column problems (unknown, repeated, missing, values without a header) are problems of row 1,
collected in `Problems` like every other problem of an import: `FILE:ROW: column: message`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from .import_file import Table
from .labels import LANGUAGES, gettext
from .schema import Schema

#: The metadata columns, as `tabular.meta_headers` heads them.
META = (("uuid", "Submission"), ("version", "Version"), ("status", "Status"), ("county_code", "County code"),
        ("county", "County"), ("municipality_code", "Municipality code"), ("municipality", "Municipality"),
        ("district_code", "District code"), ("district", "District"), ("created", "Created"), ("modified", "Modified"), ("interviewer", "Interviewer"))
REQUIRED_META = ("municipality_code",)
#: Problems listed in full; beyond it they are counted.
LIMIT = 100


class Problems:
    """The problems of one file, in the order found; the first LIMIT kept in full."""

    def __init__(self, name: str, limit: int = LIMIT):
        self.name = name
        self.limit = limit
        self.listed: list[str] = []
        self.total = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.total += 1
        if len(self.listed) < self.limit:
            self.listed.append(f"{self.name}:{row}: {column}: {message}")

    def __bool__(self) -> bool:
        return self.total > 0


def meta_names() -> dict[str, str]:
    """Metadata header (either language, any case) -> its key."""
    names = {}
    for key, msgid in META:
        for code in LANGUAGES:
            names[gettext(msgid, code).casefold()] = key
    return names


def file_language(headers: list[str], default: str) -> str:
    """The language whose metadata headers the file uses most."""
    counts = {code: sum(1 for _key, msgid in META if gettext(msgid, code) in headers) for code in LANGUAGES}
    best = max(LANGUAGES, key=lambda code: counts[code])
    return best if counts[best] > counts.get(default, 0) else default


@dataclass
class Layout:
    """Where each metadata column and answer column of a questionnaire is in a file."""

    table: Table
    schema: Schema
    lang: str
    file_lang: str
    meta: dict[str, int] = field(default_factory=dict)
    answers: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    def header(self, key: str) -> str:
        """The file's header of a column, or the name a missing metadata column would have."""
        if key in self.answers:
            return self.table.headers[self.answers[key]]
        if key in self.meta:
            return self.table.headers[self.meta[key]]
        return gettext(dict(META).get(key, key), self.file_lang)

    def question_column(self, qid: str) -> str | None:
        """The header of the first column of a question in the file."""
        for col in self.schema.columns:
            if col.question.id == qid and col.key in self.answers:
                return self.table.headers[self.answers[col.key]]
        return None


def answer_keys(table: Table) -> list[str]:
    """The file's columns that are not metadata."""
    names = meta_names()
    return [key for key in table.keys if key and key.casefold() not in names]


def layout(table: Table, schema: Schema, lang: str, problems: Problems) -> Layout:
    """Map the file's columns; unknown, repeated and missing required columns are problems of row 1."""
    plan = Layout(table, schema, lang, file_language(table.headers, lang))
    names = meta_names()
    columns = {c.key: c for c in schema.columns}
    seen: dict[str, int] = {}
    for index, (header, key) in enumerate(zip(table.headers, table.keys)):
        if not header:
            if any(cells[index] is not None for _n, cells in table.rows if index < len(cells)):
                problems.add(1, _column_name(index), gettext("a column with values has no header", lang))
            continue
        meta = names.get(key.casefold())
        target = meta or key
        if target in seen:
            problems.add(1, header, gettext("the column appears twice (also column %(column)s)", lang,
                                            column=_column_name(seen[target])))
            continue
        seen[target] = index
        if meta:
            plan.meta[meta] = index
        elif key in columns:
            if columns[key].question.derived or key in schema.counts:
                # computed from the answers: recomputed, never read (a repeat's instances are not in the file)
                plan.ignored.append(header)
            else:
                plan.answers[key] = index
        else:
            problems.add(1, header, gettext("not a column of questionnaire %(questionnaire)s (see its codebook)",
                                            lang, questionnaire=schema.questionnaire.id))
    width = len(table.headers)
    beyond = sorted({i for _n, cells in table.rows for i in range(width, len(cells)) if cells[i] is not None})
    for index in beyond:
        problems.add(1, _column_name(index), gettext("a column with values has no header", lang))
    for key in REQUIRED_META:
        if key not in plan.meta:
            problems.add(1, plan.header(key), gettext("this column is required but missing", lang))
    return plan


def _column_name(index: int) -> str:
    return get_column_letter(index + 1)
