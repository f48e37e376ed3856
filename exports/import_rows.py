"""Turn the rows of an exported file back into raw answers, and clean them as an interview is cleaned.

The inverse of `tabular`: choice labels (in either language, or the codes themselves)
become codes, "Ej tillämplig" becomes no answer, the 0/1 columns of a multi question
become its chosen codes, "Vet ej" in a number or date column becomes its code. What is
left goes through `forms.answers.clean_answers` with the version the row names, so an
imported row obeys exactly the rules an interview does. Every bad cell is a problem
`FILE:ROW: column: message`; nothing is decided about the store here.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from forms import registry
from forms.answers import clean_answers
from forms.model import OTHER_SUFFIX, Question, Questionnaire

from sync.store import canonical_json

from .filters import LOCAL_TZ
from .import_layout import Layout, Problems
from .labels import LANGUAGES, gettext
from .schema import Column, Schema

IMPORT_NAMESPACE = uuid.UUID("6f1c8a5e-2b7d-4c1e-9a43-5d0e8f7b2c61")
SKIP = object()  # "Ej tillämplig": the question was not shown


@dataclass
class Incoming:
    """One row of the file, checked and cleaned: what a completed submission needs."""

    row: int
    sid: str
    version: str
    municipality: str
    created: str | None
    interviewer: str | None
    answers: dict[str, Any]
    #: The district below the municipality, for a questionnaire answered per district (its District code column).
    district: str | None = None


class Reader:
    """Reads the rows of a file laid out by `layout` into `Incoming` submissions, noting every problem."""

    def __init__(self, plan: Layout, default_version: str | None, problems: Problems):
        self.plan = plan
        self.problems = problems
        self.lang = plan.lang
        schema = plan.schema
        self.qid = schema.questionnaire.id
        self.default_version = default_version or schema.questionnaire.version
        self.by_question: dict[str, list[Column]] = {}
        for col in schema.columns:
            if col.key in plan.answers:
                self.by_question.setdefault(col.question.id, []).append(col)
        self.labels = {q.id: _choice_labels(q, schema, plan.file_lang) for q in schema.questionnaire.questions()}
        self.missing = {q.id for q in schema.questionnaire.questions()
                        if q.answerable and not q.derived and q.id not in self.by_question and q.id not in schema.counts}
        self.missing_required: dict[str, int] = {}
        self.seen: dict[str, int] = {}
        self.statuses = {"complete": "complete", "draft": "draft"}
        for word in ("Complete", "Draft"):
            self.statuses.update((gettext(word, code).casefold(), word.lower()) for code in LANGUAGES)

    def read(self) -> list[Incoming]:
        found = []
        for number, cells in self.plan.table.rows:
            incoming = self.row(number, cells)
            if incoming is not None:
                found.append(incoming)
        for qid, count in self.missing_required.items():
            self.problems.add(1, qid, gettext(
                "the file has no column for this question, which must be answered (%(num)s rows); exports leave "
                "out personal questions unless asked to include them", self.lang, num=count))
        return found

    def cell(self, cells: list[Any], key: str) -> Any:
        index = self.plan.meta.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def row(self, number: int, cells: list[Any]) -> Incoming | None:
        """One row as an Incoming submission, or None when it has problems (each added to `problems`)."""
        before = self.problems.total
        lang = self.lang

        def add(key: str, message: str) -> None:
            self.problems.add(number, self.plan.header(key), message)

        version = _as_text(self.cell(cells, "version")) or self.default_version
        definition = self.plan.schema.versions.get(version)
        if definition is None:
            add("version", gettext("questionnaire %(questionnaire)s has no version %(version)s (stored: %(versions)s)",
                                   lang, questionnaire=self.qid, version=version,
                                   versions=", ".join(sorted(self.plan.schema.versions))))
        municipality = self.municipality(cells, add)
        district = self.district(cells, add, municipality)
        status = _as_text(self.cell(cells, "status"))
        if status is not None:
            word = self.statuses.get(status.casefold())
            if word is None:
                add("status", gettext("%(value)s is not a status (%(valid)s)", lang, value=status,
                                      valid=", ".join(gettext(w, self.plan.file_lang) for w in ("Complete",))))
            elif word == "draft":
                add("status", gettext("only completed submissions can be imported, not drafts", lang))
        created = self.created(cells, add)
        raw = self.raw_answers(number, cells)
        answers: dict[str, Any] = {}
        if definition is not None and raw is not None:
            answers = self.cleaned(number, definition, raw)
        interviewer = _as_text(self.cell(cells, "interviewer"))
        if self.cell(cells, "uuid") is None and self.problems.total > before:
            return None  # an id made from answers with problems would only add a misleading duplicate
        content = [self.qid, version, municipality, created, interviewer, answers, *([district] if district else [])]
        sid = self.submission_id(number, cells, add, content)
        if self.problems.total > before:
            return None
        return Incoming(number, sid, version, municipality, created, interviewer, answers, district)

    def municipality(self, cells: list[Any], add) -> str:
        value = self.cell(cells, "municipality_code")
        code = _as_text(value)
        if code is None:
            add("municipality_code", gettext("a municipality code is required", self.lang))
            return ""
        if code.isdigit() and len(code) < 4:  # a code that Excel read as a number lost its leading zero
            code = code.zfill(4)
        found = registry.municipality(code)
        if found is None:
            add("municipality_code", gettext("unknown municipality code %(code)s", self.lang, code=code))
            return code
        county = _as_text(self.cell(cells, "county_code"))
        if county is not None and county.zfill(2) != found.county_code:
            add("county_code", gettext("county %(county)s does not match municipality %(code)s (in county %(right)s)",
                                       self.lang, county=county, code=code, right=found.county_code))
        return found.code

    def district(self, cells: list[Any], add, municipality: str) -> str | None:
        """The row's district code: one of its municipality's when the questionnaire is answered per district,
        else none (an export of such a questionnaire has the column "District code")."""
        code = _as_text(self.cell(cells, "district_code"))
        if self.plan.schema.questionnaire.level != "district":
            if code is not None:
                add("district_code", gettext("%(questionnaire)s is answered per municipality: leave the district "
                                             "code empty", self.lang, questionnaire=self.qid))
            return None
        valid = registry.districts_of(municipality)
        if code in {d.code for d in valid}:
            return code
        choices = ", ".join(f"{d.code} ({d.name})" for d in valid) or "–"
        if code is None:
            add("district_code", gettext("a district code is required: %(questionnaire)s is answered per district "
                                         "(valid in municipality %(municipality)s: %(valid)s)", self.lang,
                                         questionnaire=self.qid, municipality=municipality, valid=choices))
        else:
            add("district_code", gettext("unknown district code %(code)s in municipality %(municipality)s (valid: "
                                         "%(valid)s)", self.lang, code=code, municipality=municipality, valid=choices))
        return code

    def created(self, cells: list[Any], add) -> str | None:
        value = self.cell(cells, "created")
        if value is None:
            return None
        stamp = value if isinstance(value, datetime.datetime) else None
        if stamp is None and isinstance(value, str):
            try:
                stamp = datetime.datetime.fromisoformat(value.strip())
            except ValueError:
                stamp = None
        if stamp is None:
            add("created", gettext("%(value)s is not a date and time (YYYY-MM-DD HH:MM:SS)", self.lang, value=value))
            return None
        if stamp.tzinfo is None:  # the exports write Swedish local time
            stamp = stamp.replace(tzinfo=LOCAL_TZ)
        return stamp.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds")

    def submission_id(self, number: int, cells: list[Any], add, content: list[Any]) -> str:
        """The row's submission id; a row without one gets an id made from its content."""
        value = _as_text(self.cell(cells, "uuid"))
        if value is None:  # an earlier round without ids: the same row always gets the same id
            sid = str(uuid.uuid5(IMPORT_NAMESPACE, canonical_json(content)))
        else:
            try:
                sid = str(uuid.UUID(value))
            except ValueError:
                add("uuid", gettext("%(value)s is not a submission id (a UUID such as %(example)s)", self.lang,
                                    value=value, example="3f2b8c1e-5a7d-4e21-9c0b-7d1e2f3a4b5c"))
                return ""
        first = self.seen.setdefault(sid, number)
        if first != number:
            add("uuid", gettext("the same submission as row %(row)s", self.lang, row=first))
        return sid

    def raw_answers(self, number: int, cells: list[Any]) -> dict[str, Any] | None:
        """The row's cells as raw values keyed as an interview's form data; None if a cell was unreadable."""
        raw: dict[str, Any] = {}
        ok = True
        for qid, cols in self.by_question.items():
            question = cols[0].question
            for col in cols:
                if col.kind in ("option", "multi"):  # read together, below
                    continue
                value = cells[self.plan.answers[col.key]]
                try:
                    value = self.value(question, col, value)
                except _Bad as bad:
                    self.problems.add(number, self.plan.table.headers[self.plan.answers[col.key]], bad.message)
                    ok = False
                    continue
                if value is SKIP or value is None:
                    continue
                if col.kind == "text" and col.option is not None:
                    raw[qid + OTHER_SUFFIX] = value
                else:
                    raw[col.key] = value  # a matrix row as "<question>/<item>", as form data gives it
            if question.type == "multi":
                try:
                    chosen = self.options(question, cols, cells)
                except _Bad as bad:
                    self.problems.add(number, self.plan.table.headers[self.plan.answers[bad.key]], bad.message)
                    ok = False
                    continue
                if chosen is not None:
                    raw[qid] = chosen
        return raw if ok else None

    def value(self, question: Question, col: Column, value: Any) -> Any:
        """One cell as a raw value, SKIP or None; _Bad if it cannot be one."""
        if value is None:
            return None
        text = value.strip() if isinstance(value, str) else None
        labels = self.labels[question.id]
        if text is not None and labels.get(text.casefold()) is SKIP:
            return SKIP
        if col.kind == "choice":
            code = labels.get(str(value).strip().casefold())
            if code is None:
                raise _Bad(gettext("%(value)s is not an option (%(valid)s)", self.lang, value=value,
                                   valid=", ".join(c.text(self.plan.file_lang) for c in question.all_choices())))
            return code
        if col.kind == "multi":
            codes = []
            for part in str(value).split(";"):
                code = labels.get(part.strip().casefold())
                if code is None or code is SKIP:
                    raise _Bad(gettext("%(value)s is not an option (%(valid)s)", self.lang, value=part.strip(),
                                       valid=", ".join(c.text(self.plan.file_lang) for c in question.all_choices())))
                codes.append(code)
            return codes
        if col.kind in ("number", "date") and text is not None:
            special = labels.get(text.casefold())
            if special is not None:
                return special
        return value

    def options(self, question: Question, cols: list[Column], cells: list[Any]) -> list[str] | None:
        """A multi question's codes from its 0/1 columns, checked against its label column if both are there."""
        flags = [c for c in cols if c.kind == "option"]
        combo_col = next((c for c in cols if c.kind == "multi"), None)
        combo = None
        if combo_col is not None:
            try:
                combo = self.value(question, combo_col, cells[self.plan.answers[combo_col.key]])
            except _Bad as bad:
                raise _Bad(bad.message, combo_col.key) from None
        if not flags:
            return combo if isinstance(combo, list) else None
        chosen, any_flag = [], False
        for col in flags:
            value = cells[self.plan.answers[col.key]]
            if value is None or (isinstance(value, str) and self.labels[question.id].get(value.strip().casefold())
                                 is SKIP):
                continue
            flag = str(value).strip()
            if flag in ("1", "1.0", "True"):
                chosen.append(col.option.code)
            elif flag not in ("0", "0.0", "False"):
                raise _Bad(gettext("write 1 (chosen) or 0 (not chosen), not %(value)s", self.lang, value=value),
                           col.key)
            any_flag = True
        if combo_col is not None and isinstance(combo, list) and sorted(combo) != sorted(chosen):
            raise _Bad(gettext("the options named here do not match the 0/1 columns of the options", self.lang),
                       combo_col.key)
        return chosen if chosen else ([] if any_flag else None)

    def cleaned(self, number: int, definition: Questionnaire, raw: dict[str, Any]) -> dict[str, Any]:
        """`clean_answers` of the row's version; its errors, and answers it would drop, are problems."""
        cleaned = clean_answers(definition, raw, lang=self.lang)
        for qid, message in cleaned.errors.items():
            if qid.split("[")[0] in self.plan.schema.counts:
                continue  # a file holds no instances of a repeat: a stored submission keeps its own
            if qid in self.missing and qid not in raw:
                self.missing_required[qid] = self.missing_required.get(qid, 0) + 1
                continue
            self.problems.add(number, self.plan.question_column(qid) or qid, message)
        skipped = set(cleaned.skipped)
        for qid, cols in self.by_question.items():
            given = [c for c in cols if _given(raw, c)]
            if not given:
                continue
            header = self.plan.table.headers[self.plan.answers[given[0].key]]
            question = definition.question(qid)
            if question is None:
                self.problems.add(number, header, gettext("not a question of version %(version)s", self.lang,
                                                          version=definition.version))
            elif qid in skipped:
                self.problems.add(number, header, gettext(
                    "answered, but the question is not asked with the other answers of this row (its condition does "
                    "not hold)", self.lang))
            elif question.type == "matrix":
                items = {i.code for i in question.items}
                for col in given:
                    if col.item is not None and col.item.code not in items:
                        self.problems.add(number, self.plan.table.headers[self.plan.answers[col.key]],
                                          gettext("not a row of version %(version)s", self.lang,
                                                  version=definition.version))
        return cleaned.answers


def _given(raw: dict[str, Any], col: Column) -> bool:
    if col.kind == "option":
        return False
    if col.kind == "text" and col.option is not None:
        return raw.get(col.question.id + OTHER_SUFFIX) is not None
    return raw.get(col.key) not in (None, [])  # all 0/1 columns at 0 is not an answer


class _Bad(Exception):
    def __init__(self, message: str, key: str | None = None):
        self.message = message
        self.key = key


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _choice_labels(question: Question, schema: Schema, file_lang: str) -> dict[str, Any]:
    """Casefolded label or code -> code for a question's answers (every version's wording); SKIP for "not shown".

    The file's language wins over the codes, and the codes over the other language.
    """
    found: dict[str, Any] = {}
    questions = [question] + [q for d in schema.versions.values() if (q := d.question(question.id)) is not None]

    def labels(lang: str) -> None:
        found.setdefault(gettext("Not applicable (skipped)", lang).casefold(), SKIP)
        for q in questions:
            for choice in q.all_choices():
                found.setdefault(choice.text(lang).strip().casefold(), choice.code)

    labels(file_lang)
    for q in questions:
        for choice in q.all_choices():
            found.setdefault(choice.code.casefold(), choice.code)
    for lang in LANGUAGES:
        labels(lang)
    return found
