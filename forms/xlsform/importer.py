"""Import an XLSForm: read -> survey tree -> plain definition data -> `forms.loader.from_dict`.

The plain data is what `Questionnaire.to_dict()` gives, so an imported
questionnaire passes exactly the checks of a YAML one. Each question and
section mapping carries its survey row as `line`, so a problem the loader
finds is still reported as `FILE: survey row N: ...`.

Sections (see docs/xlsform.md): a group becomes a section whose id joins
the ids of the enclosing groups (`household_father`); questions outside any
group go into a section named after the form; a run of questions after an
inner group continues in `<id>_2`, `<id>_3`... A field-list group of
select_one rows sharing one list, with appearance label / list-nolabel, is
a matrix question instead. Calculations, constraint rules and metadata rows
are built by `computed.ComputedRows`.

The import may run more than once (`MAX_RUNS`): again when a reference to a
later row (a calculation, a metadata entry) could only be resolved once that
row was read, and again when the loader refuses a translated calculation or
rule, which is then left out with the loader's message (a rule: left off).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .. import conditions
from ..loader import FILTER_SOURCE_TYPES, DefinitionError, from_dict
from ..answers import InvalidAnswer, clean_value, message
from ..model import (
    CODE_ATTRIBUTE,
    DONT_KNOW,
    MAX_INSTANCES,
    OTHER,
    REPEAT,
    SPECIAL_CODES,
    Choice,
    Question,
    Questionnaire,
    yesno_choices,
)
from . import xpath
from .building import Data, Run, keep_name, own_id
from .choices import ChoiceLists, ChoiceSet
from .media import ChoicesFile
from .computed import RULE, ComputedRows
from .exporter import constraint_message
from .expressions import Target, Untranslatable, constraint_to_limits
from .to_xpath import limits_to_constraint
from .naming import make_id, make_slug, make_version, unique
from .problems import UNSUPPORTED, Messages, RowProblem, XLSFormError
from .references import References
from .survey import RECORDED_TYPES, Entry, Group, parse_survey, unsupported_reason, walk
from .texts import Texts
from .workbook import Row, Workbook, cell_text, read_workbook

#: Cells that mean yes or no in required, read_only and relevant: pyxform's words (any case), and 1/0.
YES = {"yes", "true", "true()", "1"}
NO = {"no", "false", "false()", "0"}
LIMIT_KEYS = ("min", "max", "pattern", "max_length")
#: How many times the import may run to settle references to later rows and calculations the loader refuses.
MAX_RUNS = 6
FLAGS = ("personal", "sensitive", "dont_know", "not_applicable")
#: fieldkit_type values each XLSForm base type may carry.
FIELDKIT_TYPES = {
    "text": {"text", "longtext"}, "integer": {"integer", "money", "year"}, "decimal": {"decimal"}, "date": {"date"},
    "time": {"time"}, "datetime": {"datetime"},
    "note": {"note"}, "select_one": {"single", "scale", "yesno"}, "select_multiple": {"multi"},
    "range": {"range"}, "rank": {"rank"}, "acknowledge": {"acknowledge"}, "geopoint": {"geopoint"},
}
#: What ODK assumes of a range without parameters.
RANGE_DEFAULTS = {"start": 1, "end": 10, "step": 1}
#: A reference in a label or hint: ${name}.
_PIPED = re.compile(r"\$\{([^{}]*)\}")
#: One part of a choice_filter fieldkit reads: `column=${name}` or `${name}=column` (parts are joined by `and`).
CHOICE_FILTER_PART = re.compile(r"\s*(?:(?P<column>[A-Za-z_][A-Za-z0-9_.:-]*)\s*=\s*\$\{\s*(?P<name>[^{}\s]+)\s*\}"
                                r"|\$\{\s*(?P<name2>[^{}\s]+)\s*\}\s*=\s*(?P<column2>[A-Za-z_][A-Za-z0-9_.:-]*))\s*")
OR_OTHER_CODE = "other"
OR_OTHER_LABELS = {"sv": "Annat", "en": "Other"}
OR_OTHER_QUESTION = {"sv": "Ange annat", "en": "Specify other"}


@dataclass
class ImportResult:
    """An imported questionnaire with what the import noticed on the way."""

    questionnaire: Questionnaire
    warnings: list[RowProblem] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)    # XLSForm name -> fieldkit id
    renamed: dict[str, str] = field(default_factory=dict)  # names that did not fit fieldkit's id rules
    rows: int = 0                                          # question rows in the survey (not begin/end)
    rows_left_out: list[int] = field(default_factory=list)  # those of them that did not become a question

    @property
    def left_out(self) -> list[RowProblem]:
        """The unsupported rows left out because of `skip_unsupported`."""
        return [w for w in self.warnings if w.code == UNSUPPORTED]


def import_xlsform(path: str | Path, skip_unsupported: bool = False, media: str | Path | None = None) -> ImportResult:
    """Read an XLSForm file into a Questionnaire or raise XLSFormError listing every problem.

    With `skip_unsupported`, rows fieldkit cannot represent are left out and
    listed in the result's warnings instead of failing the import. The files
    `select_one_from_file` rows name are looked for in `media`, else next to
    the workbook (see `media.find`).
    """
    path = Path(path)
    files: dict[str, ChoicesFile] = {}  # each choices file read once, whatever the number of runs
    read_messages = Messages(str(path))
    workbook = read_workbook(path, read_messages)
    if workbook is None:
        raise XLSFormError(read_messages.of("error", "unsupported"))
    earlier: References | None = None
    refused: dict[int, str] = {}  # calculations (and rows relying on them) the loader refused: row -> why
    refused_rules: dict[int, str] = {}  # constraints the loader refused as rules: row -> why
    for attempt in range(MAX_RUNS):
        messages = read_messages.copy()
        importer = _Importer(workbook, messages, earlier, refused, refused_rules,
                             Path(media) if media is not None else None, files)
        data = importer.run()
        last = attempt == MAX_RUNS - 1
        if importer.refs is not None and not importer.refs.settled() and not last:
            earlier = importer.refs  # a reference to a later row: run again knowing what that row became
            continue
        if data is None or messages.has_errors or (messages.has_unsupported and not skip_unsupported):
            # Unsupported rows are listed even with skip_unsupported: they explain what is missing.
            raise XLSFormError(messages.of("error", "unsupported"))
        try:
            questionnaire = from_dict(data, str(path))
        except DefinitionError as exc:
            rules = {p.line: p.message for p in exc.problems
                     if importer.rules.get(p.line, "\0") in p.message and p.line not in refused_rules}
            more = {p.line: p.message for p in exc.problems
                    if p.line in importer.computed and p.line not in refused and p.line not in rules}
            if (more or rules) and not last:
                refused.update(more)
                refused_rules.update(rules)
                earlier = importer.refs
                continue
            raise XLSFormError([RowProblem(str(path), p.line, p.message, p.code, "survey" if p.line else "")
                                for p in exc.problems]) from None
        rows = [n.number for n in walk(importer.tree) if isinstance(n, Entry)]
        left_out = sorted(r for r in rows if r in importer.refs.left_out)
        return ImportResult(questionnaire, messages.of("warning", "unsupported"), importer.names, importer.renamed,
                            len(rows), left_out)
    raise AssertionError("unreachable: the last run returns or raises")


@dataclass
class _GroupContext:
    part: str
    group: Group
    title: dict
    description: dict
    relevant: str | None


class _Importer(ComputedRows):
    def __init__(self, workbook: Workbook, messages: Messages, earlier: References | None = None,
                 refused: dict[int, str] | None = None, refused_rules: dict[int, str] | None = None,
                 media_dir: Path | None = None, files: dict[str, ChoicesFile] | None = None):
        self.wb = workbook
        self.media_dir = media_dir
        self.files = files if files is not None else {}
        self.msg = messages
        self.earlier = earlier
        self.refused = refused or {}
        self.refused_rules = refused_rules or {}  # constraints the loader refused as rules: row -> why
        self.rules: dict[int, str] = {}  # row -> id of the rule made of its constraint
        self.refs: References | None = None
        self.tree: list[Entry | Group] = []
        self.calculated: set[int] = set()  # rows imported from a calculation
        self.runs: list[Run] = []
        self.names: dict[str, str] = {}
        self.renamed: dict[str, str] = {}
        self.sections: list[Data] = []
        self.section_ids: set[str] = set()
        self.run_counts: Counter = Counter()
        self.repeat_members: dict[str, str] = {}  # question id -> id of the repeat that holds it
        self.inside: str | None = None  # the repeat whose rows are being read

    def run(self) -> dict | None:
        settings = self.wb.sheet("settings")
        srow = settings.rows[0] if settings and settings.rows else Row(0, {})
        self.texts = Texts.detect(self.wb, srow.text("default_language"), self.msg)
        self.lists = ChoiceLists(self.wb, self.msg, self.texts, self.media_dir, self.files)
        top = self.settings(srow)
        survey = self.wb.sheet("survey")
        if survey is None:
            sheets = ", ".join(self.wb.sheet_names) or "none"
            self.msg.error("", 0, f"no sheet named 'survey' (the workbook has: {sheets})", "no-survey")
            return None
        for column in ("type", "name"):
            if not survey.has(column):
                self.msg.error("survey", 1, f"the survey sheet has no {column!r} column", "no-column")
        if self.msg.has_errors:
            return None  # unreadable headers: row-by-row messages would be guesses
        tree = self.tree = parse_survey(survey, self.msg)
        self.refs = References(tree, srow.text("name") or "data", self.msg, self.earlier)
        self.refs.add_today = self.add_today
        self.walk(tree, [])
        self.sections = [s for s in self.sections if s["questions"]]
        if not self.sections:
            if not self.msg.has_errors:
                self.msg.error("survey", 0, "there are no questions that fieldkit can import", "empty")
            return None
        top["sections"] = self.sections
        return top

    def settings(self, row: Row) -> Data:
        raw_id = row.text("form_id")
        form_id = make_slug(raw_id or self.wb.path.stem)
        if raw_id and form_id != raw_id:
            self.msg.warning("settings", row.number, f"form_id {raw_id!r} is not a fieldkit id; it becomes "
                                                     f"{form_id!r}", "renamed")
        raw_version = cell_text(row.get("version"))
        version = make_version(raw_version)
        if not version:
            version = "1"
            self.msg.warning("settings", row.number, "no version is given; the questionnaire gets version '1'",
                             "version")
        elif version != raw_version:
            self.msg.warning("settings", row.number, f"version {raw_version!r} becomes {version!r}", "version")
        first = self.texts.languages[0]
        title = {first: row.text("form_title") or raw_id or self.wb.path.stem,
                 **self.texts.texts(row, "fieldkit_title")}
        data = Data(0, id=form_id, version=version, title=title)
        if raw_id and form_id != raw_id:
            data["xlsform_id"] = raw_id  # written back by the export: ODK Central knows the form by it
        description = self.texts.texts(row, "fieldkit_description")
        if description:
            data["description"] = description
        data["languages"] = self.texts.languages
        if row.text("fieldkit_unit"):
            data["unit"] = row.text("fieldkit_unit")
        if row.text("fieldkit_level"):
            data["level"] = row.text("fieldkit_level")
        frame = {key: row.text(f"fieldkit_frame_{key}").split() for key in ("counties", "municipalities")
                 if row.text(f"fieldkit_frame_{key}")}
        if frame:
            data["frame"] = frame
        if row.text("fieldkit_group_by"):  # the reports' default grouping, a full question id
            data["report"] = {"group_by": row.text("fieldkit_group_by")}
        self.form_id, self.title = form_id, title
        return data

    # ------------------------------------------------------------ the survey tree

    def walk(self, nodes: list[Entry | Group], groups: list[_GroupContext]) -> None:
        """Turn a level of the tree into sections; a group starts a new one, and so does what follows it."""
        run: Run | None = None
        consumed = False
        for i, node in enumerate(nodes):
            if consumed:  # the `<name>_annat` row that fieldkit's export writes after a multi
                consumed = False
                continue
            if isinstance(node, Group):
                if node.kind == "repeat":
                    run = run or self.new_run(groups, node.number)
                    self.add(run, self.repeat(node, run))
                    continue
                if node.kind != "group":
                    self.leave_out(node, f"type {node.row.text('type')!r} is not supported: fieldkit does "
                                         f"not support loops yet (the {node.kind} spans {node.rows()})")
                    continue
                rows = self.matrix_rows(node)
                if rows is not None:
                    run = run or self.new_run(groups, node.number)
                    self.add(run, self.matrix(node, rows, run))
                    continue
                context = self.group_context(node)
                if context is not None:
                    self.walk(node.children, groups + [context])
                    run = None
                continue
            if node.kind == "metadata" and node.type_text.lower() in RECORDED_TYPES:
                run = run or self.new_run(groups, node.number)
                self.add(run, self.recorded(node, run, RECORDED_TYPES[node.type_text.lower()]))
            elif node.kind == "metadata":
                reason = f"type {node.type_text!r} is device metadata, which fieldkit does not collect"
                self.msg.warning("survey", node.number, f"{reason}; the row is left out", "metadata")
                self.refs.leave_out(node, reason)
            elif node.kind == "unknown":
                self.leave_out(node, f"unknown type {node.type_text!r}")
            elif node.kind == "unsupported" and self.is_derived(node):
                run = run or self.new_run(groups, node.number)
                self.add(run, self.derived(node, run))
            elif node.kind == "unsupported" and node.type_text.lower() == "calculate" or self.computes(node):
                run = run or self.new_run(groups, node.number)
                self.add(run, self.calculation(node, run))
            elif node.kind == "unsupported":
                self.leave_out(node, unsupported_reason(node.type_text))
            else:
                run = run or self.new_run(groups, node.number)
                following = nodes[i + 1] if i + 1 < len(nodes) else None
                built = self.question(node, run, following)
                if built is not None:
                    question, extras, consumed = built
                    for data in [question, *extras]:
                        self.add(run, data)

    def repeat(self, group: Group, run: Run) -> Data | None:
        """A `begin repeat` ... `end repeat`: a repeat of the plain questions inside it.

        A group, a repeat, a calculation or metadata inside a repeat is left out with a message; a
        `repeat_count` that is a whole number becomes the repeat's min and max.
        """
        reasons: list[str] = []
        relevant = self.relevant(group, reasons)
        for reason in reasons:
            self.msg.unsupported("survey", group.number, f"{reason} (the repeat spans {group.rows()})")
        if reasons:
            self.refs.leave_out(group, f"the relevant of its repeat (row {group.number}) cannot be translated")
            return None
        local = unique(make_id(own_id(group)), run.local_ids)
        rid = f"{run.data['id']}.{local}"
        data = Data(group.number, id=local, type=REPEAT, label=self.texts.label(group.row, "label", group.name))
        keep_name(data, group, local)
        help_text = self.texts.texts(group.row, "hint")
        if help_text:
            data["help"] = help_text
        if relevant:
            data["relevant"] = relevant
        instance_label = self.texts.texts(group.row, "fieldkit_instance_label")
        if instance_label:
            data["instance_label"] = instance_label
        count = cell_text(group.row.get("repeat_count"))
        limits = group.row.text("fieldkit_repeat")
        if limits:  # fieldkit's own export: "min=1 max=3"
            for part in limits.split():
                key, _sep, value = part.partition("=")
                if key in ("min", "max") and value.isdigit():
                    data[key] = int(value)
                else:
                    self.msg.warning("survey", group.number, f"fieldkit_repeat {part!r} is not min=N or max=N; "
                                                             "it is ignored", "repeat-count")
        elif count and count.isdigit() and 0 < int(count) <= MAX_INSTANCES:
            data["min"] = data["max"] = int(count)
        elif count:
            self.msg.warning("survey", group.number, f"repeat_count {count!r} is not a whole number; the repeat "
                                                     "takes any number of instances", "repeat-count")
        inner = Run(Data(group.number, id=rid, questions=[]))
        self.names[self.refs.key(group)] = rid
        self.refs.register(group, rid, REPEAT)
        self.inside = rid
        children = group.children
        consumed = False
        for i, node in enumerate(children):
            if consumed:
                consumed = False
                continue
            if isinstance(node, Group):
                self.leave_out(node, f"a {node.kind} inside a repeat is not supported (it spans {node.rows()})")
            elif node.kind == "unsupported" and self.is_derived(node):
                self.add(inner, self.derived(node, inner))
            elif node.kind == "unsupported" and node.type_text.lower() == "calculate":
                self.add(inner, self.calculation(node, inner))
            elif node.kind == "metadata":
                self.leave_out(node, f"type {node.type_text!r} inside a repeat is not supported: it is recorded "
                                     "once per interview")
            elif node.kind != "question":
                self.leave_out(node, unsupported_reason(node.type_text))
            else:
                following = children[i + 1] if i + 1 < len(children) else None
                built = self.question(node, inner, following)
                if built is not None:
                    question, extras, consumed = built
                    inner.data["questions"].extend([question, *extras])
        self.inside = None
        self.repeat_members.update({f"{rid}.{q['id']}": rid for q in inner.data["questions"]})
        if not inner.data["questions"]:
            self.msg.unsupported("survey", group.number, f"repeat {group.name!r} has no question fieldkit can "
                                                         f"import (it spans {group.rows()})")
            return None
        data["questions"] = inner.data["questions"]
        return data

    @property
    def computed(self) -> set[int]:
        """Rows that hold a translated calculation, in a derived entry or put into a relevant."""
        return self.calculated | (self.refs.inlined if self.refs else set())

    def leave_out(self, node: Entry | Group, reason: str) -> None:
        """An unsupported row (or group): a message, and a reason for the rows that refer to it."""
        self.msg.unsupported("survey", node.number, reason)
        self.refs.leave_out(node, reason)

    def add(self, run: Run, question: Data | None) -> None:
        if question is not None:
            run.data["questions"].append(question)

    def new_run(self, groups: list[_GroupContext], line: int) -> Run:
        base = "_".join(g.part for g in groups) if groups else self.form_id.replace("-", "_")
        self.run_counts[base] += 1
        n = self.run_counts[base]
        sid = unique(base if n == 1 else f"{base}_{n}", self.section_ids)
        inner = groups[-1] if groups else None
        data = Data(inner.group.number if inner else line, id=sid,
                     title=dict(inner.title) if inner else dict(self.title))
        if inner and inner.description:
            data["description"] = inner.description
        relevant = _and_all([g.relevant for g in groups if g.relevant])
        if relevant:
            data["relevant"] = relevant
        if not groups:
            data["xlsform_top_level"] = True  # the export writes its questions outside a group again
        data["questions"] = []
        if inner and n == 1:
            self.names[self.refs.key(inner.group)] = sid
            if inner.part != own_id(inner.group):
                self.renamed[self.refs.key(inner.group)] = inner.part
        self.sections.append(data)
        self.runs.append(Run(data))
        return self.runs[-1]

    def group_context(self, group: Group) -> _GroupContext | None:
        reasons: list[str] = []
        relevant = self.relevant(group, reasons)
        for reason in reasons:
            self.msg.unsupported("survey", group.number, f"{reason} (the group spans {group.rows()})")
        if reasons:
            self.refs.leave_out(group, f"the relevant of its group (row {group.number}) cannot be translated")
            return None
        part = make_id(own_id(group), "s")
        return _GroupContext(part, group, self.texts.label(group.row, "label", group.name),
                             self.texts.texts(group.row, "hint"), relevant)

    def register(self, node: Entry | Group, fid: str, ftype: str, local: str, raw: str,
                 inline: str | None = None) -> None:
        self.refs.register(node, fid, ftype, inline)
        self.names[self.refs.key(node)] = fid
        if local != raw:
            self.renamed[self.refs.key(node)] = fid

    # ------------------------------------------------------------ one row

    def constraint(self, entry: Entry, ftype: str, reasons: list[str]) -> dict:
        text = entry.row.text("constraint")
        if not text or ftype == "note":
            return {}
        own = ("ref", entry.name)
        try:
            expression = xpath.parse(text)
            limits = constraint_to_limits(expression, ftype, lambda n: n == ("self",) or n == own)
        except xpath.XPathError as exc:
            # What fieldkit cannot check costs only the check: the question stays.
            self.msg.warning("survey", entry.number, f"constraint {text!r} cannot be translated: {exc}; the "
                                                     "question is imported without it", "constraint")
            return {}
        except Untranslatable as exc:
            return {RULE: (expression, str(exc))}  # perhaps a rule beside the question (`constraint_rule`)
        message = self.texts.texts(entry.row, "constraint_message")
        generated = "constraint_message" in entry.row.text("fieldkit_generated").split()
        if message and not generated and not _generated_message(message, ftype, limits):
            limits["constraint_message"] = message
        if not generated and text != _limits_text(ftype, limits):
            limits["xlsform_constraint"] = text  # the export writes it back while it means the same limits
        return limits

    def required(self, row: Row, reasons: list[str]) -> bool:
        text = row.text("required")
        if not text or text.lower() in NO:
            return False
        if text.lower() in YES:
            return True
        reasons.append(f"required {text!r} is a condition: fieldkit supports only yes or no")
        return False

    def relevant(self, node: Entry | Group, reasons: list[str]) -> str | None:
        """The row's relevant as a fieldkit condition; a reason goes to `reasons` if there is none."""
        if node.number in self.refused:  # a calculation put into it makes a condition the loader refuses
            reasons.append(f"relevant {node.row.text('relevant')!r} cannot be used: {self.refused[node.number]}")
            return None
        text = self.refs.relevant(node.row, node.number, reasons)
        inside, members = self.inside, self.repeat_members
        if text and members:
            try:
                named = conditions.parse(text).references()
            except conditions.ConditionError:
                return text  # the loader says what is wrong with it
            outside = [ref for ref in named if ref in members and members[ref] != inside]
            if outside:
                reasons.append(f"relevant {node.row.text('relevant')!r} cannot be translated: it names "
                               f"{outside[0]!r} inside a repeat, and outside that repeat a condition cannot say "
                               "which instance it means")
                return None
        return text

    def default(self, entry: Entry, data: Data) -> None:
        """The row's default as the question's, if it is a valid answer (not an expression such as today())."""
        text = entry.row.text("default")
        if not text:
            return
        if "${" in text:  # a dynamic default, as pyxform reads it: computed from another answer when the form opens
            self.msg.warning("survey", entry.number, f"default {text!r} refers to another answer, which fieldkit "
                                                     "does not do for a default: the question starts empty", "default")
            return
        probe = Question("q.q", data["type"], {}, choices=yesno_choices() if data["type"] == "yesno" else
                         [Choice(c["code"], {}) for c in data.get("choices", [])],
                         **{k: data[k] for k in (*LIMIT_KEYS, *FLAGS, "other") if k in data and k != "personal"})
        try:
            value, _extra = clean_value(probe, {probe.id: text.split() if probe.type == "multi" else text})
        except InvalidAnswer as exc:
            self.msg.warning("survey", entry.number, f"default {text!r} is not a valid answer "
                                                     f"({message(exc.code, 'en', **exc.params)}): the question "
                                                     "starts empty", "default")
            return
        data["default"] = value

    @staticmethod
    def yes(row: Row, column: str) -> bool:
        """A yes/no cell read as pyxform reads it (yes, true, TRUE, true()...); anything else is no."""
        return row.text(column).lower() in YES

    def fieldkit_type(self, entry: Entry) -> str | None:
        marker = entry.row.text("fieldkit_type").lower()
        appearance = entry.row.text("appearance").lower().split()
        allowed = FIELDKIT_TYPES[entry.base]
        if marker and marker not in allowed:
            self.msg.error("survey", entry.number, f"fieldkit_type {marker!r} does not fit type {entry.type_text!r} "
                                                   f"(it may be {', '.join(sorted(allowed))})", "fieldkit-type")
            return None
        if marker:
            return marker
        if entry.base == "text":
            return "longtext" if "multiline" in appearance else "text"
        if entry.base == "select_one":
            return "scale" if "likert" in appearance else "single"
        return {"select_multiple": "multi"}.get(entry.base, entry.base)

    def flags(self, row: Row, choice_set: ChoiceSet | None = None) -> dict[str, bool]:
        found = {"dont_know" if code == DONT_KNOW else "not_applicable" for code in
                 (choice_set.specials if choice_set else ())}
        for token in row.text("fieldkit_flags").lower().replace(",", " ").split():
            if token in FLAGS:
                found.add(token)
            else:
                self.msg.warning("survey", row.number, f"unknown fieldkit_flags value {token!r} is ignored", "flags")
        return {flag: True for flag in FLAGS if flag in found}

    def question(self, entry: Entry, run: Run, following) -> tuple[Data, list[Data], bool] | None:
        """(question, what follows it: a "specify other" question, a rule; whether `following` was folded in)."""
        row = entry.row
        reasons: list[str] = []
        if entry.choices_file:
            list_name, missing = self.lists.from_file(entry.choices_file, row.text("parameters"), entry.number)
            if missing:  # the one reason given: what else the row holds needs the list first
                self.leave_out(entry, missing)
                return None
            if list_name is None:
                return None  # a broken file: the error is given
            entry.list_name = list_name
        ftype = self.fieldkit_type(entry)
        choice_filter = self.choice_filter(entry, ftype, reasons) if row.text("choice_filter") else None
        required = self.required(row, reasons)
        relevant = self.relevant(entry, reasons)
        limits = self.constraint(entry, ftype, reasons) if ftype and not reasons else {}
        for reason in reasons:
            self.msg.unsupported("survey", entry.number, reason)
        if reasons:
            self.refs.leave_out(entry, reasons[0])
        if reasons or ftype is None:
            return None
        if self.yes(row, "read_only") and ftype != "note":
            self.msg.warning("survey", entry.number, "read_only: the question is shown as a note, without an "
                                                     "answer (give it a calculation to show a computed value)",
                             "read-only")
            ftype, required, limits, entry = "note", False, {}, _as_note(entry)
        sid = run.data["id"]
        local = unique(make_id(own_id(entry)), run.local_ids)
        data = Data(entry.number, id=local, type=ftype, label=self.texts.label(row, "label", entry.name))
        keep_name(data, entry, local)
        help_text = self.texts.texts(row, "hint")
        if help_text:
            data["help"] = help_text
        if required and ftype != "note":
            data["required"] = True
        if relevant:
            data["relevant"] = relevant
        rule = limits.pop(RULE, None)
        data.update(limits)
        choice_set, extra, consumed = None, None, False
        if ftype == "range" and not self.range_parameters(entry, data):
            return None
        if entry.base in ("select_one", "select_multiple", "rank"):
            choice_set = self.lists.get(entry.list_name, entry.number)
            if choice_set is None:
                return None
            if entry.choices_file:
                self.note_file(entry, choice_set)
            choices = [dict(c) for c in choice_set.choices]
            if ftype == "multi" and (entry.or_other or self.folds_other(entry, choice_set, following)):
                data["other"] = True
                consumed = not entry.or_other
                choices = [c for c in choices if c["code"] != OTHER] if consumed else choices
            if ftype == "single" and entry.or_other:
                if not any(c["code"] == OR_OTHER_CODE for c in choices):
                    choices.append({"code": OR_OTHER_CODE, "label": self.texts.fixed(OR_OTHER_LABELS)})
                extra = self.other_question(entry, run, f"{sid}.{local}")
            if choice_filter and not self.filter_choices(entry, choice_filter, choice_set, choices, data):
                return None
            if not self.set_choices(entry, ftype, choices, data):
                return None
        data.update(self.flags(row, choice_set))
        if ftype not in ("note", "matrix"):
            self.default(entry, data)
        self.register(entry, f"{sid}.{local}", ftype, local, own_id(entry))
        for key in ("label", "help"):
            if key in data and "${" in "".join(data[key].values()):
                data[key] = {lang: self.piped(entry, text, key) for lang, text in data[key].items()}
        extras = [extra] if extra else []
        if rule:
            extras += filter(None, [self.constraint_rule(entry, run, Target(f"{sid}.{local}", ftype), *rule,
                                                         relevant)])
        return data, extras, consumed

    def note_file(self, entry: Entry, choice_set: ChoiceSet) -> None:
        """Say where a list from a file came from: the definition holds its choices, the file is not read again."""
        found = self.lists.file_of(entry.list_name)
        try:
            shown = found.relative_to(self.wb.path.parent) if found else entry.choices_file
        except ValueError:
            shown = found
        self.msg.warning("survey", entry.number, f"the {len(choice_set.choices)} choices come from the file "
                                                 f"{str(shown)!r}: they are now an ordinary list of the definition, so "
                                                 "import the form again when the file changes", "choices-file")

    def piped(self, entry: Entry, text: str, what: str) -> str:
        """A label or hint with each ${name} as fieldkit's ${section.question}; what cannot be shown is named."""
        resolve = self.refs.resolver(entry.number, any_row=True)

        def replace(match: re.Match) -> str:
            name = match.group(1).strip()
            try:
                target = resolve(("ref", name))
                if target.inline is not None or "[" in target.ref or target.qtype == "note":
                    raise Untranslatable(f"${{{name}}} is a calculation, a matrix row or a note, whose value "
                                         "fieldkit does not show in a text")
            except Untranslatable as exc:
                self.msg.warning("survey", entry.number, f"the {'label' if what == 'label' else 'hint'} refers to "
                                 f"an answer fieldkit cannot show ({exc}); it shows [{name}] instead", "piping")
                return f"[{name}]"
            return "${" + target.ref + "}"

        return _PIPED.sub(replace, text)

    def range_parameters(self, entry: Entry, data: Data) -> bool:
        """A range's `parameters` (start=0 end=10 step=2, ODK's defaults 1, 10, 1) as min, max and step."""
        text = entry.row.text("parameters")
        found: dict[str, float | int] = dict(RANGE_DEFAULTS)
        for word in text.replace(";", " ").replace(",", " ").split():
            key, _sep, value = word.partition("=")
            key = key.strip().lower()
            if key not in RANGE_DEFAULTS:
                continue
            try:
                number = float(value)
            except ValueError:
                self.msg.error("survey", entry.number, f"parameters {text!r}: {key} must be a number "
                                                       f"(got {value!r})", "parameters")
                return False
            found[key] = int(number) if number.is_integer() else number
        low, high = sorted((found["start"], found["end"]))  # ODK allows start > end: the slider runs backwards
        data.update(min=low, max=high)
        if found["step"] != 1:
            data["step"] = found["step"]
        return True

    def folds_other(self, entry: Entry, choice_set: ChoiceSet, following) -> bool:
        """fieldkit's own export writes "other" as an `annat` choice plus a `<name>_annat` text row."""
        return (choice_set.has_annat and isinstance(following, Entry) and following.base == "text"
                and following.name == f"{entry.name}_{OTHER}")

    def choice_filter(self, entry: Entry, ftype: str | None, reasons: list[str]) -> dict[str, str] | None:
        """The row's choice_filter as {choice column: fieldkit id}: `col=${x}`, joined by `and`; else a reason."""
        text = entry.row.text("choice_filter")
        if ftype is None:
            return None
        if ftype not in ("single", "multi"):
            reasons.append(f"choice_filter {text!r} on a {entry.base} row: fieldkit filters only select_one and "
                           "select_multiple choices, so the question is left out")
            return None
        parts = [CHOICE_FILTER_PART.fullmatch(part) for part in re.split(r"\s+and\s+", text.strip())]
        if not all(parts):
            reasons.append(f"choice_filter {text!r} cannot be translated: fieldkit reads column=${{name}} (or "
                           "${name}=column), joined by 'and', so the question is left out (it would show every "
                           "choice of the list)")
            return None
        repeated = self.lists.repeated(entry.list_name)
        if repeated:
            reasons.append(f"choice {repeated!r} appears twice in list {entry.list_name!r}, which a choice_filter "
                           "allows in ODK; in fieldkit a code is one choice, so the question is left out")
            return None
        resolve = self.refs.resolver(entry.number)
        found: dict[str, str] = {}
        for match in parts:
            column, name = match["column"] or match["column2"], match["name"] or match["name2"]
            try:
                target = resolve(("ref", name))
                if target.inline is not None or "[" in target.ref or target.qtype not in FILTER_SOURCE_TYPES:
                    raise Untranslatable(f"${{{name}}} is a {target.qtype} question, not one answer a "
                                         "choice can be compared with")
            except Untranslatable as exc:
                reasons.append(f"choice_filter {text!r} cannot be translated: {exc}")
                return None
            found[column.lower()] = target.ref
        return found

    def filter_choices(self, entry: Entry, columns: dict[str, str], choice_set: ChoiceSet, choices: list[dict],
                       data: Data) -> bool:
        """Put the compared columns on the choices as attributes and the filter on the question."""
        used = {column: CODE_ATTRIBUTE if column == "name" else make_id(column, "a") for column in columns}
        for choice in choices:
            for column, attribute in used.items():
                value = choice_set.attributes.get(choice["code"], {}).get(column)
                if attribute != CODE_ATTRIBUTE and value is not None:
                    choice[attribute] = value
        missing = [c for c, a in used.items() if a != CODE_ATTRIBUTE and not any(a in ch for ch in choices)]
        if missing:
            self.msg.error("survey", entry.number, f"choice_filter names column {missing[0]!r}, which no choice of "
                                                   f"list {entry.list_name!r} fills", "choice-filter")
            return False
        data["filter"] = {used[column]: ref for column, ref in columns.items()}
        return True

    def set_choices(self, entry: Entry, ftype: str, choices: list[dict], data: Data) -> bool:
        if ftype == "yesno":
            codes = sorted(c["code"] for c in choices)
            if codes != ["ja", "nej"]:
                self.msg.error("survey", entry.number, f"fieldkit_type yesno needs a list with the choices ja and nej "
                                                       f"(list {entry.list_name!r} has {', '.join(codes) or 'none'})",
                               "yesno")
                return False
            return True  # fieldkit's own ja/nej labels
        if not choices:
            self.msg.error("survey", entry.number, f"list {entry.list_name!r} has no choices besides "
                                                   f"{' and '.join(SPECIAL_CODES)}", "empty-choices")
            return False
        data["choices"] = choices
        return True

    def other_question(self, entry: Entry, run: Run, qid: str) -> Data:
        """The text question pyxform adds after `select_one list or_other`."""
        local = unique(make_id(f"{entry.name}_other"), run.local_ids)
        return Data(entry.number, id=local, type="text", label=self.texts.fixed(OR_OTHER_QUESTION),
                     relevant=f"{qid} == '{OR_OTHER_CODE}'")

    # ------------------------------------------------------------ matrices

    def matrix_rows(self, group: Group) -> list[Entry] | None:
        """The select_one rows of a field-list group that is a matrix, else None."""
        marked = group.row.text("fieldkit_type").lower() == "matrix"
        if not marked and "field-list" not in group.row.text("appearance").lower().split():
            return None
        rows = group.children
        entries = [r for r in rows if isinstance(r, Entry)]
        appearances = [set(r.row.text("appearance").lower().split()) for r in entries]
        fits = (
            rows and len(entries) == len(rows)
            and all(r.base == "select_one" and not r.or_other and not r.choices_file for r in entries)
            and len({r.list_name for r in entries}) == 1
            and all(a & {"label", "list-nolabel"} for a in appearances)
            and any("list-nolabel" in a for a in appearances)
            and not any(r.row.text(c) for r in entries for c in ("relevant", "constraint", "choice_filter"))
        )
        if fits:
            return entries
        if marked:
            self.msg.error("survey", group.number, "fieldkit_type matrix needs select_one rows sharing one list, "
                                                   "each with appearance label or list-nolabel", "matrix")
        return None

    def matrix(self, group: Group, rows: list[Entry], run: Run) -> Data | None:
        reasons: list[str] = []
        relevant = self.relevant(group, reasons)
        headers = [r for r in rows if "list-nolabel" not in r.row.text("appearance").lower().split()]
        item_rows = [r for r in rows if r not in headers]
        required = [self.required(r.row, reasons) for r in item_rows]
        for reason in reasons:
            self.msg.unsupported("survey", group.number, f"{reason} (the group spans {group.rows()})")
        if reasons:
            self.refs.leave_out(group, reasons[0])
        choice_set = self.lists.get(rows[0].list_name, rows[0].number)
        if reasons or choice_set is None:
            return None
        sid = run.data["id"]
        local = unique(make_id(own_id(group)), run.local_ids)
        qid = f"{sid}.{local}"
        labelled = headers[0].row if headers and headers[0].row.tagged("label") else group.row
        data = Data(group.number, id=local, type="matrix", label=self.texts.label(labelled, "label", group.name))
        help_text = self.texts.texts(group.row, "hint") or (self.texts.texts(headers[0].row, "hint") if headers else {})
        if help_text:
            data["help"] = help_text
        if all(required):
            data["required"] = True
        if relevant:
            data["relevant"] = relevant
        if not self.set_choices(rows[0], "matrix", [dict(c) for c in choice_set.choices], data):
            return None
        keep_name(data, group, local)
        if headers and headers[0].name != f"{group.name}_header":
            data["xlsform_header"] = headers[0].name
        self.register(group, qid, "matrix", local, own_id(group))
        taken: set[str] = set()
        data["items"] = []
        for entry in item_rows:
            name = entry.name.removeprefix(f"{group.name}_") or entry.name  # fieldkit writes <matrix>_<item>
            code = unique(make_id(name, "item"), taken)
            data["items"].append({"code": code, "label": self.texts.label(entry.row, "label", entry.name)})
            if entry.name != f"{group.name}_{code}":  # written back by the export
                data["items"][-1]["xlsform_name"] = entry.name
            self.register(entry, f"{qid}[{code}]", "matrix-item", code, name)
        self.refs.items[qid] = [i["code"] for i in data["items"]]
        data.update(self.flags(group.row, choice_set))
        return data


def _as_note(entry: Entry) -> Entry:
    """The entry of a read-only question, shown as a note: no choices, no answer."""
    return Entry(entry.row, entry.type_text, entry.kind, "note", None, False, entry.path)


def _generated_message(message: dict[str, str], ftype: str, limits: dict) -> bool:
    """Is this the constraint_message fieldkit's export writes from its own messages (so not the author's)?"""
    question = Question("q.q", ftype, {}, **{k: v for k, v in limits.items() if k in LIMIT_KEYS})
    return all(text == constraint_message(question, lang) for lang, text in message.items())


def _limits_text(ftype: str, limits: dict) -> str | None:
    """The constraint fieldkit's export writes for these limits."""
    try:
        return limits_to_constraint(Question("q.q", ftype, {}, **{k: v for k, v in limits.items()
                                                                   if k in LIMIT_KEYS}))
    except Exception:  # noqa: BLE001 - a limit the loader will refuse anyway: no text to compare with
        return None


def _and_all(sources: list[str]) -> str | None:
    """The conditions of nested groups, all of which must hold."""
    if len(sources) <= 1:
        return sources[0] if sources else None
    return " and ".join(f"({s})" if conditions.parse(s).tree[0] == "or" else s for s in sources)
