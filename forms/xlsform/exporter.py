"""Export a questionnaire as an XLSForm (.xlsx) that pyxform converts and `import_xlsform` reads back exactly.

Stages: `to_sheets` turns the questionnaire into plain rows (survey,
choices, settings), `write_xlsx` writes them. fieldkit-only meaning travels
in extra columns that pyxform ignores: `fieldkit_type` (money, yesno, year,
matrix; derived, check, constraint on a calculate row), `fieldkit_flags`
(personal, dont_know, not_applicable), `fieldkit_relevant` (the exact
condition, when the XPath would not translate back to the same text), and
`fieldkit_expression` and `fieldkit_message` (a derived entry's exact
expression and its rule's message; `calculation` holds the XPath for ODK).
A repeat is a `begin repeat` ... `end repeat` (`repeat_count` when min and
max are the same number) with `fieldkit_repeat` ("min=1 max=3") and
`fieldkit_instance_label`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..answers import message
from ..model import (
    CODE_ATTRIBUTE,
    DONT_KNOW,
    NOT_APPLICABLE,
    OTHER,
    OTHER_LABEL,
    SPECIAL_LABELS,
    Question,
    Questionnaire,
    Section,
    text_in,
)
from . import xpath
from .expressions import Target, Untranslatable, constraint_to_limits, render, translate_relevant
from .computed import RULE_MESSAGE
from .languages import language_tag
from .to_xpath import condition_to_xpath, expression_to_xpath, limits_to_constraint

ROOT = "data"
#: A piped reference in a label or help: ${section.question}.
PIPED = re.compile(r"\$\{([^{}]*)\}")
#: Names pyxform refuses; a section or question with such an id is written as `<id>_fieldkit`, its id in
#: the `fieldkit_id` column.
RESERVED = {"meta"}
XLSFORM_TYPES = {
    "single": "select_one", "scale": "select_one", "yesno": "select_one", "matrix": "select_one",
    "multi": "select_multiple", "integer": "integer", "money": "integer", "year": "integer", "decimal": "decimal",
    "text": "text", "longtext": "text", "date": "date", "note": "note", "derived": "calculate",
    "start": "start", "end": "end", "today": "today", "deviceid": "deviceid", "username": "username",
    "email": "email", "phonenumber": "phonenumber", "simserial": "simserial", "subscriberid": "subscriberid",
    "time": "time", "datetime": "datetime",
    "range": "range", "rank": "rank", "acknowledge": "acknowledge", "geopoint": "geopoint",
}
MARKED_TYPES = ("money", "yesno", "year")
APPEARANCES = {"scale": "likert", "longtext": "multiline"}
CHOICE_TYPES = ("single", "scale", "yesno", "multi", "matrix", "rank")


@dataclass
class ExportResult:
    path: Path
    questions: int
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Place:
    """Where a question (or a matrix row) sits in the XLSForm: its name and enclosing groups."""

    name: str
    path: tuple[str, ...]
    target: Target


def export_xlsform(questionnaire: Questionnaire, path: str | Path) -> ExportResult:
    """Write `questionnaire` as an XLSForm workbook at `path`."""
    path = Path(path)
    sheets = to_sheets(questionnaire)
    write_xlsx(sheets, path)
    return ExportResult(path, sum(1 for _ in questionnaire.questions()))


def to_sheets(questionnaire: Questionnaire) -> dict[str, list[list[Any]]]:
    """The survey, choices and settings sheets as lists of rows, the header first."""
    return _Exporter(questionnaire).sheets()


class _Exporter:
    def __init__(self, questionnaire: Questionnaire):
        self.q = questionnaire
        self.langs = questionnaire.languages
        self.tags = {code: language_tag(code) for code in self.langs}
        self.places: dict[str, _Place] = {}
        everything = [one for q in questionnaire.questions() for one in [q, *q.questions]]
        # A derived entry counts as its result type: XPath needs to know which values are dates.
        self.types = {q.id: q.result if q.derived else q.type for q in everything}
        self.items = {q.id: [i.code for i in q.items] for q in everything if q.type == "matrix"}
        self.lists: dict[tuple, str] = {}
        self.list_names: set[str] = set()
        self.choice_rows: list[dict] = []
        # sections written outside a group; never two in a row, which the import would read as one
        self.top_level: set[str] = set()
        previous = False
        for section in questionnaire.sections:
            previous = self.may_ungroup(section) and not previous
            if previous:
                self.top_level.add(section.id)
        self.plan_names()
        # constraint rules written back as their question's own constraint: question id -> rule
        self.own_rules: dict[str, Question] = {}
        for container in [s.questions for s in questionnaire.sections] + [r.questions for r in questionnaire.repeats()]:
            for index, rule in enumerate(container):
                question = self.constrained(container[:index], rule)
                if question is not None:
                    self.own_rules[question.id] = rule
        self.rules_on_questions = {rule.id for rule in self.own_rules.values()}

    def constrained(self, before: list[Question], rule: Question) -> Question | None:
        """The question an imported constraint rule is about, if its XLSForm constraint can go back on it.

        That is the nearest question before the rule that the rule names, when the question has no limits of
        its own and the constraint refers to other rows only by names the export keeps unique (no paths).
        """
        if rule.rule != "constraint" or not rule.xlsform_constraint:
            return None
        try:
            tree = xpath.parse(rule.xlsform_constraint).tree
        except xpath.XPathError:
            return None
        names = _nodes(tree)
        if any(n[0] == "path" for n in names) or any(n[0] == "ref" and n[1] not in self.by_name for n in names):
            return None
        for question in reversed(before):
            if question.derived or question.repeat or question.type in ("matrix", "note", "range"):
                continue
            if re.search(rf"(?<![\w.]){re.escape(question.id)}(?![\w.])", rule.expression or ""):
                return None if limits_to_constraint(question) else question
        return None

    def plan_names(self) -> None:
        names: Counter = Counter()
        for section in self.q.sections:
            group = xlsform_name(section.id)
            names[group] += 1
            if self.ungrouped(section):
                group = None
            for question in section.questions:
                local = name_of(question, self.local(question, section))
                names[local] += 1
                if question.type == "matrix":
                    names[question.xlsform_header or f"{local}_header"] += 1
                    for item in question.items:
                        name = item.xlsform_name or f"{local}_{item.code}"
                        names[name] += 1
                        self.places[f"{question.id}[{item.code}]"] = _Place(
                            name, _path(group, local), Target(f"{question.id}[{item.code}]", "matrix-item"))
                if question.type == "multi" and question.other:
                    names[f"{local}_{OTHER}"] += 1
                self.places[question.id] = _Place(local, _path(group), Target(question.id, question.type))
                for child in question.questions:  # a repeat's: ${name} inside it means the same instance's
                    own = name_of(child, child.id.removeprefix(question.id + "."))
                    names[own] += 1
                    if child.type == "multi" and child.other:
                        names[f"{own}_{OTHER}"] += 1
                    self.places[child.id] = _Place(own, _path(group, local), Target(child.id, child.type))
        self.counts = names
        self.by_name = {p.name: p.target for p in self.places.values() if names[p.name] == 1}
        self.by_path = {p.path + (p.name,): p.target for p in self.places.values()}

    def ungrouped(self, section: Section) -> bool:
        return section.id in self.top_level

    def may_ungroup(self, section: Section) -> bool:
        """A section imported from questions outside any group may go outside a group again: when it has no
        condition, no description and the form's title, which the import gives it back."""
        return (section.xlsform_top_level and not section.relevant and not section.description
                and section.title == self.q.title)

    @staticmethod
    def local(question: Question, section: Section) -> str:
        return question.id.removeprefix(section.id + ".")

    def ref_text(self, qid: str, item: str | None) -> str:
        place = self.places[f"{qid}[{item}]" if item else qid]
        if self.counts[place.name] == 1:
            return "${" + place.name + "}"
        return "/" + "/".join((ROOT,) + place.path + (place.name,))

    def resolve(self, node: tuple) -> Target:
        target = self.by_name.get(node[1]) if node[0] == "ref" else self.by_path.get(tuple(node[1][1:]))
        if target is None:
            raise Untranslatable("unknown reference")
        return target

    # ------------------------------------------------------------ sheets

    def sheets(self) -> dict[str, list[list[Any]]]:
        rows: list[dict] = []
        for section in self.q.sections:
            ungrouped = self.ungrouped(section)
            if not ungrouped:
                rows.append(self.section_row(section))
            for question in section.questions:
                rows += self.question_rows(question, section)
            if not ungrouped:
                rows.append({"type": "end group"})
        return {
            "survey": self.table(rows, self.survey_columns(rows)),
            "choices": self.table(self.choice_rows, self.choice_columns()),
            "settings": self.settings(),
        }

    def survey_columns(self, rows: list[dict]) -> list[str]:
        columns = ["type", "name"] + [f"label::{self.tags[c]}" for c in self.langs]
        for base in ("hint", "required", "relevant", "constraint", "constraint_message", "calculation", "default",
                     "choice_filter", "appearance", "parameters", "repeat_count", "fieldkit_repeat", "fieldkit_instance_label",
                     "fieldkit_type", "fieldkit_flags", "fieldkit_relevant", "fieldkit_id", "fieldkit_expression",
                     "fieldkit_message", "fieldkit_generated"):
            if base in ("hint", "constraint_message", "fieldkit_message", "fieldkit_instance_label"):
                keys = [f"{base}::{self.tags[c]}" for c in self.langs]
                if any(row.get(k) for row in rows for k in keys):
                    columns += keys
            elif any(row.get(base) for row in rows):
                columns.append(base)
        return columns

    def choice_columns(self) -> list[str]:
        columns = ["list_name", "name"] + [f"label::{self.tags[c]}" for c in self.langs]
        if any(row.get("score") is not None for row in self.choice_rows):
            columns.append("score")
        # the choices' attributes, which a choice_filter compares
        columns += sorted({key for row in self.choice_rows for key in row.get("attributes", {})} - set(columns))
        return columns

    @staticmethod
    def table(rows: list[dict], columns: list[str]) -> list[list[Any]]:
        return [columns] + [[row.get(c, row.get("attributes", {}).get(c)) for c in columns] for row in rows]

    def settings(self) -> list[list[Any]]:
        first = self.langs[0]
        row = {"form_title": self.q.title.get(first, self.q.id), "form_id": self.q.xlsform_id or self.q.id,
               "version": self.q.version, "default_language": self.tags[first], "name": ROOT}
        for code in self.langs[1:]:
            if self.q.title.get(code):
                row[f"fieldkit_title::{self.tags[code]}"] = self.q.title[code]
        for code in self.langs:
            if self.q.description.get(code):
                row[f"fieldkit_description::{self.tags[code]}"] = self.q.description[code]
        if self.q.unit != "record":
            row["fieldkit_unit"] = self.q.unit
        if self.q.level != "municipality":
            row["fieldkit_level"] = self.q.level
        if self.q.frame is not None:  # space-separated codes, e.g. "24 25" and "2480 0180"
            row["fieldkit_frame_counties"] = " ".join(self.q.frame.counties) or None
            row["fieldkit_frame_municipalities"] = " ".join(self.q.frame.municipalities) or None
        if self.q.group_by:
            row["fieldkit_group_by"] = self.q.group_by
        return [list(row), list(row.values())]

    # ------------------------------------------------------------ rows

    def texts(self, base: str, texts: dict[str, str]) -> dict[str, str]:
        return {f"{base}::{self.tags[c]}": texts[c] for c in self.langs if texts.get(c)}

    def relevant(self, row: dict, source: str | None) -> None:
        if not source:
            return
        expression = condition_to_xpath(source, self.ref_text, self.types, self.items)
        row["relevant"] = expression
        try:
            same = render(translate_relevant(xpath.parse(expression), self.resolve)) == source
        except (xpath.XPathError, Untranslatable):
            same = False
        if not same:
            row["fieldkit_relevant"] = source

    def section_row(self, section: Section) -> dict:
        row = {"type": "begin group", "name": xlsform_name(section.id), "appearance": "field-list",
               **self.texts("label", section.title), **self.texts("hint", section.description)}
        if row["name"] != section.id:
            row["fieldkit_id"] = section.id
        self.relevant(row, section.relevant)
        return row

    def question_rows(self, question: Question, section: Section, local: str | None = None) -> list[dict]:
        local = local or self.local(question, section)
        if question.repeat:
            return self.repeat_rows(question, section, local)
        if question.type == "matrix":
            return self.matrix_rows(question, local)
        if question.id in self.rules_on_questions:
            return []  # written on its question as that question's constraint
        if question.derived:
            return [self.derived_row(question, local)]
        kind = XLSFORM_TYPES[question.type]
        name = name_of(question, local)
        row = {"name": name, **self.texts("label", self.piped(question.label)),
               **self.texts("hint", self.piped(question.help))}
        if question.type == "range":  # the ends and the step are the slider's parameters, not a constraint
            step = question.step if question.step is not None else 1
            row["parameters"] = f"start={question.min} end={question.max} step={step}"
        if name != local:
            row["fieldkit_id"] = local
        if question.metadata:  # recorded by ODK as by fieldkit: the type says it all
            return [{**row, "type": kind, "fieldkit_flags": self.flags(question)}]
        if question.type in CHOICE_TYPES:
            kind = f"{kind} {self.choice_list(question, local)}"
        row["type"] = kind
        if question.required:
            row["required"] = "yes"
        self.relevant(row, question.relevant)
        self.constraint(row, question)
        if question.filter:
            row["choice_filter"] = " and ".join(f"{'name' if attribute == CODE_ATTRIBUTE else attribute}="
                                                f"{self.ref_text(qid, None)}" for attribute, qid in question.filter.items())
        if question.default is not None:
            row["default"] = " ".join(question.default) if isinstance(question.default, list) else question.default
        row["appearance"] = APPEARANCES.get(question.type)
        if question.type in MARKED_TYPES:
            row["fieldkit_type"] = question.type
        row["fieldkit_flags"] = self.flags(question)
        rows = [row]
        if question.type == "multi" and question.other:
            rows.append({"type": "text", "name": f"{name}_{OTHER}", "required": "yes",
                         **self.texts("label", {c: OTHER_LABEL.get(c, OTHER_LABEL["sv"]) for c in self.langs}),
                         "relevant": f"selected({self.ref_text(question.id, None)}, '{OTHER}')"})
        return rows

    def repeat_rows(self, repeat: Question, section: Section, local: str) -> list[dict]:
        """A repeat as begin repeat ... end repeat; its instance limits and label in fieldkit columns."""
        name = name_of(repeat, local)
        row = {"type": "begin repeat", "name": name, **self.texts("label", repeat.label),
               **self.texts("hint", repeat.help), **self.texts("fieldkit_instance_label", repeat.instance_label)}
        if name != local:
            row["fieldkit_id"] = local
        self.relevant(row, repeat.relevant)
        if repeat.min is not None and repeat.min == repeat.max:
            row["repeat_count"] = repeat.min
        limits = [f"{key}={getattr(repeat, key)}" for key in ("min", "max") if getattr(repeat, key) is not None]
        row["fieldkit_repeat"] = " ".join(limits) or None
        rows = [row]
        for child in repeat.questions:
            rows += self.question_rows(child, section, child.id.removeprefix(repeat.id + "."))
        return rows + [{"type": "end repeat"}]

    def derived_row(self, question: Question, local: str) -> dict:
        """A derived entry as a calculate row: XPath for ODK, the exact expression for fieldkit."""
        name = name_of(question, local)
        row = {"type": "calculate", "name": name, **self.texts("label", question.label),
               **self.texts("hint", question.help)}
        if name != local:
            row["fieldkit_id"] = local
        self.relevant(row, question.relevant)
        row["calculation"] = expression_to_xpath(question.expression, self.ref_text, self.types, self.items)
        row["fieldkit_type"] = question.rule or "derived"
        row["fieldkit_flags"] = self.flags(question)
        row["fieldkit_expression"] = question.expression
        row.update(self.texts("fieldkit_message", question.message))
        return row

    def flags(self, question: Question) -> str | None:
        flags = [f for f in ("personal", "sensitive") if getattr(question, f)]
        if question.type not in CHOICE_TYPES:  # a choice list carries these as choices
            flags += [f for f in ("dont_know", "not_applicable") if getattr(question, f)]
        return " ".join(flags) or None

    def piped(self, texts: dict[str, str]) -> dict[str, str]:
        """Labels with fieldkit's ${section.question} written as ODK's ${name} (or the question's path)."""
        def name(match) -> str:
            qid = match.group(1)
            return self.ref_text(qid, None) if qid in self.places else match.group(0)

        return {lang: PIPED.sub(name, text) if "${" in text else text for lang, text in texts.items()}

    def constraint(self, row: dict, question: Question) -> None:
        if question.type == "range":
            return
        rule = self.own_rules.get(question.id)
        if rule is not None:  # the XLSForm constraint it was imported from, with its message
            row["constraint"] = rule.xlsform_constraint
            if any(text_in(rule.message, c) != RULE_MESSAGE.get(c, RULE_MESSAGE["sv"]) for c in self.langs):
                row.update(self.texts("constraint_message", rule.message))
            return
        constraint = limits_to_constraint(question)
        if not constraint:
            return
        if self.same_limits(question, row["name"], constraint):  # as the XLSForm it was imported from had it
            row["constraint"] = question.xlsform_constraint
            row.update(self.texts("constraint_message", question.constraint_message))
            return
        row["constraint"] = constraint
        for code in self.langs:
            row[f"constraint_message::{self.tags[code]}"] = constraint_message(question, code)
        if not question.constraint_message:  # fieldkit's own words: the import does not make them the question's
            row["fieldkit_generated"] = "constraint_message"

    @staticmethod
    def same_limits(question: Question, name: str, constraint: str) -> bool:
        """Does the question's `xlsform_constraint` still say what its limits say (`. < 10` for max 9)?"""
        if not question.xlsform_constraint or question.rule:
            return False
        try:
            limits = constraint_to_limits(xpath.parse(question.xlsform_constraint), question.type,
                                          lambda n: n == ("self",) or n == ("ref", name))
            probe = Question(question.id, question.type, {}, **{k: v for k, v in limits.items()
                                                                 if k in ("min", "max", "pattern", "max_length")})
            return limits_to_constraint(probe) == constraint
        except (xpath.XPathError, Untranslatable, TypeError, ValueError):
            return False

    def matrix_rows(self, question: Question, local: str) -> list[dict]:
        list_name = self.choice_list(question, local)
        name = name_of(question, local)
        group = {"type": "begin group", "name": name, "appearance": "field-list", "fieldkit_type": "matrix",
                 **self.texts("label", question.label), **self.texts("hint", question.help),
                 "fieldkit_flags": self.flags(question), "fieldkit_id": local if name != local else None}
        self.relevant(group, question.relevant)
        rows = [group, {"type": f"select_one {list_name}", "name": question.xlsform_header or f"{name}_header",
                        "appearance": "label"}]
        for item in question.items:
            rows.append({"type": f"select_one {list_name}", "name": item.xlsform_name or f"{name}_{item.code}",
                         "appearance": "list-nolabel", "required": "yes" if question.required else None,
                         **self.texts("label", item.label)})
        rows.append({"type": "end group"})
        return rows

    def choice_list(self, question: Question, local: str) -> str:
        """The list name for a question's choices, shared with any question that has the same list."""
        def fixed(texts: dict[str, str]) -> dict[str, str]:
            return {c: texts.get(c) or texts["sv"] for c in self.langs}

        entries = [(c.code, c.label, c.score, c.attributes) for c in question.choices]
        if question.type == "multi" and question.other:
            entries.append((OTHER, fixed(OTHER_LABEL), None, {}))
        if question.dont_know:
            entries.append((DONT_KNOW, fixed(SPECIAL_LABELS[DONT_KNOW]), None, {}))
        if question.not_applicable:
            entries.append((NOT_APPLICABLE, fixed(SPECIAL_LABELS[NOT_APPLICABLE]), None, {}))
        key = tuple((code, tuple(sorted(label.items())), score, tuple(sorted(attributes.items())))
                    for code, label, score, attributes in entries)
        if key in self.lists:
            return self.lists[key]
        name = "yesno" if question.type == "yesno" else local
        n, candidate = 1, name
        while candidate in self.list_names:
            n += 1
            candidate = f"{name}_{n}"
        self.list_names.add(candidate)
        self.lists[key] = candidate
        for code, label, score, attributes in entries:
            self.choice_rows.append({"list_name": candidate, "name": code, **self.texts("label", label),
                                     "score": _score_cell(score), "attributes": attributes})
        return candidate


def _path(*groups: str | None) -> tuple[str, ...]:
    """The groups a row sits in, without the section's when it is written outside a group."""
    return tuple(g for g in groups if g is not None)


def _nodes(tree: tuple) -> list[tuple]:
    """Every node of an XPath tree."""
    found = [tree]
    for part in tree[1:]:
        if isinstance(part, tuple) and part and isinstance(part[0], str):
            found += _nodes(part)
        elif isinstance(part, tuple):
            for child in part:
                if isinstance(child, tuple) and child and isinstance(child[0], str):
                    found += _nodes(child)
    return found


def name_of(question: Question, local: str) -> str:
    """A question's XLSForm name: the one it was imported with (`xlsform_name`), else made from its id."""
    return question.xlsform_name or xlsform_name(local)


def xlsform_name(fid: str) -> str:
    """The XLSForm name for a fieldkit id: the id itself unless pyxform reserves it."""
    return f"{fid}_fieldkit" if fid in RESERVED else fid


def constraint_message(question: Question, lang: str) -> str:
    """What ODK shows when the constraint fails: the question's own message, else fieldkit's messages."""
    if question.constraint_message:
        return text_in(question.constraint_message, lang)
    parts = []
    many = question.type == "multi"
    for key in ("min", "max"):
        value = getattr(question, key)
        if value is not None:
            parts.append(message(f"{key}_choices" if many else key, lang, limit=value))
    if question.pattern is not None:
        parts.append(message("pattern", lang))
    if question.max_length is not None:
        parts.append(message("max_length", lang, limit=question.max_length))
    return " ".join(parts)


def _score_cell(score: float | int | None) -> Any:
    # Excel stores 1.0 as 1; text keeps a whole float a float when read back.
    if isinstance(score, float) and score.is_integer():
        return repr(score)
    return score


def write_xlsx(sheets: dict[str, list[list[Any]]], path: Path) -> None:
    """Write sheets (lists of rows, header first) as an .xlsx workbook."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                # A label such as "=Titel" is text in the form, never a formula in the workbook.
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for index, header in enumerate(rows[0], start=1):
            width = max(len(str(r[index - 1])) if r[index - 1] is not None else 0 for r in rows)
            sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = min(max(width, 8) + 2, 60)
    workbook.properties.creator = "fieldkit"
    workbook.save(path)
