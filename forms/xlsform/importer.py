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
a matrix question instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .. import conditions
from ..loader import DefinitionError, from_dict
from ..model import DONT_KNOW, OTHER, SPECIAL_CODES, Questionnaire
from . import xpath
from .choices import ChoiceLists, ChoiceSet
from .expressions import Untranslatable, constraint_to_limits
from .naming import make_id, make_slug, make_version, unique
from .problems import UNSUPPORTED, Messages, RowProblem, XLSFormError
from .references import References
from .survey import Entry, Group, parse_survey
from .texts import Texts
from .workbook import Row, Workbook, cell_text, read_workbook

YES = {"yes", "true", "true()", "1"}
NO = {"no", "false", "false()", "0"}
FLAGS = ("personal", "dont_know", "not_applicable")
#: fieldkit_type values each XLSForm base type may carry.
FIELDKIT_TYPES = {
    "text": {"text", "longtext"}, "integer": {"integer", "money", "year"}, "decimal": {"decimal"}, "date": {"date"},
    "note": {"note"}, "select_one": {"single", "scale", "yesno"}, "select_multiple": {"multi"},
}
#: fieldkit_type of a calculate row that fieldkit's export wrote for a derived entry -> its expression key.
DERIVED_MARKERS = {"derived": "expression", "check": "check", "constraint": "constraint"}
OR_OTHER_CODE = "other"
OR_OTHER_LABELS = {"sv": "Annat", "en": "Other"}
OR_OTHER_QUESTION = {"sv": "Ange annat", "en": "Specify other"}


class _Data(dict):
    """A mapping for `from_dict` that knows its survey row, so loader problems name it."""

    def __init__(self, line: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line


@dataclass
class ImportResult:
    """An imported questionnaire with what the import noticed on the way."""

    questionnaire: Questionnaire
    warnings: list[RowProblem] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)    # XLSForm name -> fieldkit id
    renamed: dict[str, str] = field(default_factory=dict)  # names that did not fit fieldkit's id rules

    @property
    def left_out(self) -> list[RowProblem]:
        """The unsupported rows left out because of `skip_unsupported`."""
        return [w for w in self.warnings if w.code == UNSUPPORTED]


def import_xlsform(path: str | Path, skip_unsupported: bool = False) -> ImportResult:
    """Read an XLSForm file into a Questionnaire or raise XLSFormError listing every problem.

    With `skip_unsupported`, rows fieldkit cannot represent are left out and
    listed in the result's warnings instead of failing the import.
    """
    path = Path(path)
    messages = Messages(str(path))
    workbook = read_workbook(path, messages)
    importer = _Importer(workbook, messages) if workbook else None
    data = importer.run() if importer else None
    if data is None or messages.has_errors or (messages.has_unsupported and not skip_unsupported):
        # Unsupported rows are listed even with skip_unsupported: they explain what is missing.
        raise XLSFormError(messages.of("error", "unsupported"))
    try:
        questionnaire = from_dict(data, str(path))
    except DefinitionError as exc:
        raise XLSFormError([RowProblem(str(path), p.line, p.message, p.code, "survey" if p.line else "")
                            for p in exc.problems]) from None
    return ImportResult(questionnaire, messages.of("warning", "unsupported"), importer.names, importer.renamed)


@dataclass
class _GroupContext:
    part: str
    group: Group
    title: dict
    description: dict
    relevant: str | None


@dataclass
class _Run:
    """A run of questions that becomes one section."""

    data: _Data
    local_ids: set[str] = field(default_factory=set)


class _Importer:
    def __init__(self, workbook: Workbook, messages: Messages):
        self.wb = workbook
        self.msg = messages
        self.names: dict[str, str] = {}
        self.renamed: dict[str, str] = {}
        self.sections: list[_Data] = []
        self.section_ids: set[str] = set()
        self.run_counts: Counter = Counter()

    def run(self) -> dict | None:
        settings = self.wb.sheet("settings")
        srow = settings.rows[0] if settings and settings.rows else Row(0, {})
        self.texts = Texts.detect(self.wb, srow.text("default_language"), self.msg)
        self.lists = ChoiceLists(self.wb, self.msg, self.texts)
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
        tree = parse_survey(survey, self.msg)
        self.refs = References(tree, srow.text("name") or "data", self.msg)
        self.walk(tree, [])
        self.sections = [s for s in self.sections if s["questions"]]
        if not self.sections:
            if not self.msg.has_errors:
                self.msg.error("survey", 0, "there are no questions that fieldkit can import", "empty")
            return None
        top["sections"] = self.sections
        return top

    def settings(self, row: Row) -> _Data:
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
        data = _Data(0, id=form_id, version=version, title=title)
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
        self.form_id, self.title = form_id, title
        return data

    # ------------------------------------------------------------ the survey tree

    def walk(self, nodes: list[Entry | Group], groups: list[_GroupContext]) -> None:
        """Turn a level of the tree into sections; a group starts a new one, and so does what follows it."""
        run: _Run | None = None
        consumed = False
        for i, node in enumerate(nodes):
            if consumed:  # the `<name>_annat` row that fieldkit's export writes after a multi
                consumed = False
                continue
            if isinstance(node, Group):
                if node.kind != "group":
                    self.msg.unsupported("survey", node.number, f"type {node.row.text('type')!r} is not supported "
                                                                f"(the {node.kind} spans {node.rows()})")
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
            if node.kind == "metadata":
                self.msg.warning("survey", node.number, f"type {node.type_text!r} is device metadata, which "
                                                        "fieldkit does not collect; the row is left out", "metadata")
            elif node.kind == "unknown":
                self.msg.unsupported("survey", node.number, f"unknown type {node.type_text!r}")
            elif node.kind == "unsupported" and self.is_derived(node):
                run = run or self.new_run(groups, node.number)
                self.add(run, self.derived(node, run))
            elif node.kind == "unsupported":
                self.msg.unsupported("survey", node.number, f"type {node.type_text!r} is not supported")
            else:
                run = run or self.new_run(groups, node.number)
                following = nodes[i + 1] if i + 1 < len(nodes) else None
                built = self.question(node, run, following)
                if built is not None:
                    question, extra, consumed = built
                    self.add(run, question)
                    self.add(run, extra)

    def add(self, run: _Run, question: _Data | None) -> None:
        if question is not None:
            run.data["questions"].append(question)

    def new_run(self, groups: list[_GroupContext], line: int) -> _Run:
        base = "_".join(g.part for g in groups) if groups else self.form_id.replace("-", "_")
        self.run_counts[base] += 1
        n = self.run_counts[base]
        sid = unique(base if n == 1 else f"{base}_{n}", self.section_ids)
        inner = groups[-1] if groups else None
        data = _Data(inner.group.number if inner else line, id=sid,
                     title=dict(inner.title) if inner else dict(self.title))
        if inner and inner.description:
            data["description"] = inner.description
        relevant = _and_all([g.relevant for g in groups if g.relevant])
        if relevant:
            data["relevant"] = relevant
        data["questions"] = []
        if inner and n == 1:
            self.names[self.refs.key(inner.group)] = sid
            if inner.part != _own_id(inner.group):
                self.renamed[self.refs.key(inner.group)] = inner.part
        self.sections.append(data)
        return _Run(data)

    def group_context(self, group: Group) -> _GroupContext | None:
        reasons: list[str] = []
        relevant = self.refs.relevant(group.row, group.number, reasons)
        for reason in reasons:
            self.msg.unsupported("survey", group.number, f"{reason} (the group spans {group.rows()})")
        if reasons:
            return None
        part = make_id(_own_id(group), "s")
        return _GroupContext(part, group, self.texts.label(group.row, "label", group.name),
                             self.texts.texts(group.row, "hint"), relevant)

    def register(self, node: Entry | Group, fid: str, ftype: str, local: str, raw: str) -> None:
        self.refs.register(node, fid, ftype)
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
            return constraint_to_limits(xpath.parse(text), ftype, lambda n: n == ("self",) or n == own)
        except (xpath.XPathError, Untranslatable) as exc:
            reasons.append(f"constraint {text!r} cannot be translated: {exc}")
            return {}

    def required(self, row: Row, reasons: list[str]) -> bool:
        text = row.text("required")
        if not text or text.lower() in NO:
            return False
        if text.lower() in YES:
            return True
        reasons.append(f"required {text!r} is a condition: fieldkit supports only yes or no")
        return False

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

    def question(self, entry: Entry, run: _Run, following) -> tuple[_Data, _Data | None, bool] | None:
        """(question, an extra "specify other" question or None, whether `following` was folded in)."""
        row = entry.row
        reasons: list[str] = []
        if row.text("choice_filter"):
            reasons.append("choice_filter is not supported: fieldkit shows every choice of the list")
        ftype = self.fieldkit_type(entry)
        required = self.required(row, reasons)
        relevant = self.refs.relevant(row, entry.number, reasons)
        limits = self.constraint(entry, ftype, reasons) if ftype else {}
        for reason in reasons:
            self.msg.unsupported("survey", entry.number, reason)
        if reasons or ftype is None:
            return None
        sid = run.data["id"]
        local = unique(make_id(_own_id(entry)), run.local_ids)
        data = _Data(entry.number, id=local, type=ftype, label=self.texts.label(row, "label", entry.name))
        help_text = self.texts.texts(row, "hint")
        if help_text:
            data["help"] = help_text
        if required and ftype != "note":
            data["required"] = True
        if relevant:
            data["relevant"] = relevant
        data.update(limits)
        choice_set, extra, consumed = None, None, False
        if entry.base in ("select_one", "select_multiple"):
            choice_set = self.lists.get(entry.list_name, entry.number)
            if choice_set is None:
                return None
            choices = [dict(c) for c in choice_set.choices]
            if ftype == "multi" and (entry.or_other or self.folds_other(entry, choice_set, following)):
                data["other"] = True
                consumed = not entry.or_other
                choices = [c for c in choices if c["code"] != OTHER] if consumed else choices
            if ftype == "single" and entry.or_other:
                if not any(c["code"] == OR_OTHER_CODE for c in choices):
                    choices.append({"code": OR_OTHER_CODE, "label": self.texts.fixed(OR_OTHER_LABELS)})
                extra = self.other_question(entry, run, f"{sid}.{local}")
            if not self.set_choices(entry, ftype, choices, data):
                return None
        data.update(self.flags(row, choice_set))
        self.register(entry, f"{sid}.{local}", ftype, local, _own_id(entry))
        if "${" in "".join(data["label"].values()):
            self.msg.warning("survey", entry.number, "the label refers to other answers with ${...}; fieldkit shows "
                                                     "it as written", "piping")
        return data, extra, consumed

    @staticmethod
    def is_derived(entry: Entry) -> bool:
        """A calculate row that fieldkit's export wrote for a derived entry (other calculate rows are unsupported)."""
        return (entry.type_text.lower() == "calculate" and bool(entry.row.text("fieldkit_expression"))
                and entry.row.text("fieldkit_type").lower() in DERIVED_MARKERS)

    def derived(self, entry: Entry, run: _Run) -> _Data | None:
        """A derived entry from its calculate row: the exact expression is in fieldkit_expression."""
        row = entry.row
        reasons: list[str] = []
        relevant = self.refs.relevant(row, entry.number, reasons)
        for reason in reasons:
            self.msg.unsupported("survey", entry.number, reason)
        if reasons:
            return None
        sid = run.data["id"]
        local = unique(make_id(_own_id(entry)), run.local_ids)
        data = _Data(entry.number, id=local, type="derived", label=self.texts.label(row, "label", entry.name))
        help_text = self.texts.texts(row, "hint")
        if help_text:
            data["help"] = help_text
        if relevant:
            data["relevant"] = relevant
        data[DERIVED_MARKERS[row.text("fieldkit_type").lower()]] = row.text("fieldkit_expression")
        message = self.texts.texts(row, "fieldkit_message")
        if message:
            data["message"] = message
        data.update(self.flags(row))
        self.register(entry, f"{sid}.{local}", "derived", local, _own_id(entry))
        return data

    def folds_other(self, entry: Entry, choice_set: ChoiceSet, following) -> bool:
        """fieldkit's own export writes "other" as an `annat` choice plus a `<name>_annat` text row."""
        return (choice_set.has_annat and isinstance(following, Entry) and following.base == "text"
                and following.name == f"{entry.name}_{OTHER}")

    def set_choices(self, entry: Entry, ftype: str, choices: list[dict], data: _Data) -> bool:
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

    def other_question(self, entry: Entry, run: _Run, qid: str) -> _Data:
        """The text question pyxform adds after `select_one list or_other`."""
        local = unique(make_id(f"{entry.name}_other"), run.local_ids)
        return _Data(entry.number, id=local, type="text", label=self.texts.fixed(OR_OTHER_QUESTION),
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
            and all(r.base == "select_one" and not r.or_other for r in entries)
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

    def matrix(self, group: Group, rows: list[Entry], run: _Run) -> _Data | None:
        reasons: list[str] = []
        relevant = self.refs.relevant(group.row, group.number, reasons)
        headers = [r for r in rows if "list-nolabel" not in r.row.text("appearance").lower().split()]
        item_rows = [r for r in rows if r not in headers]
        required = [self.required(r.row, reasons) for r in item_rows]
        for reason in reasons:
            self.msg.unsupported("survey", group.number, f"{reason} (the group spans {group.rows()})")
        choice_set = self.lists.get(rows[0].list_name, rows[0].number)
        if reasons or choice_set is None:
            return None
        sid = run.data["id"]
        local = unique(make_id(_own_id(group)), run.local_ids)
        qid = f"{sid}.{local}"
        labelled = headers[0].row if headers and headers[0].row.tagged("label") else group.row
        data = _Data(group.number, id=local, type="matrix", label=self.texts.label(labelled, "label", group.name))
        help_text = self.texts.texts(group.row, "hint") or (self.texts.texts(headers[0].row, "hint") if headers else {})
        if help_text:
            data["help"] = help_text
        if all(required):
            data["required"] = True
        if relevant:
            data["relevant"] = relevant
        if not self.set_choices(rows[0], "matrix", [dict(c) for c in choice_set.choices], data):
            return None
        self.register(group, qid, "matrix", local, _own_id(group))
        taken: set[str] = set()
        data["items"] = []
        for entry in item_rows:
            name = entry.name.removeprefix(f"{group.name}_") or entry.name  # fieldkit writes <matrix>_<item>
            code = unique(make_id(name, "item"), taken)
            data["items"].append({"code": code, "label": self.texts.label(entry.row, "label", entry.name)})
            self.register(entry, f"{qid}[{code}]", "matrix-item", code, name)
        self.refs.items[qid] = [i["code"] for i in data["items"]]
        data.update(self.flags(group.row, choice_set))
        return data


def _own_id(node: Entry | Group) -> str:
    """The name to make an id of: `fieldkit_id` when fieldkit's export had to avoid a name pyxform reserves."""
    return node.row.text("fieldkit_id") or node.name


def _and_all(sources: list[str]) -> str | None:
    """The conditions of nested groups, all of which must hold."""
    if len(sources) <= 1:
        return sources[0] if sources else None
    return " and ".join(f"({s})" if conditions.parse(s).tree[0] == "or" else s for s in sources)
