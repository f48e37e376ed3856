"""What names in XLSForm expressions mean in fieldkit, as the import goes along.

A `${name}` or `/data/group/name` in a relevant resolves to the fieldkit id
of a question imported from an earlier row, or to a calculation on any row
(its expression is put in its place); anything else (a later question, a
row left out, a group, an ambiguous name) is a reason the expression cannot
be translated, and a row left out is named with the reason it was.

A reference to a later row can only be resolved once that row has been
imported: the importer runs again with the targets of the previous run
(`earlier`) until no reference to a later row changes its meaning.
"""

from __future__ import annotations

from typing import Callable

from .. import conditions
from ..model import METADATA_TYPES
from . import xpath
from .expressions import Target, Untranslatable, render, translate_relevant
from .problems import Messages
from .survey import RECORDED_TYPES, Entry, Group, walk
from .to_xpath import condition_to_xpath
from .workbook import Row


class References:
    def __init__(self, tree: list[Entry | Group], root: str, messages: Messages,
                 earlier: "References | None" = None):
        self.root = root  # the instance root of absolute paths: settings `name`, else "data"
        self.msg = messages
        self.left_out: dict[int, str] = {}   # survey row -> why it was left out
        self.forward: dict[int, Target | None] = {}  # later rows looked up -> what the previous run said
        self.earlier_targets = dict(earlier.targets) if earlier else {}
        self.earlier_left_out = dict(earlier.left_out) if earlier else {}
        self.inlined: set[int] = set()  # rows whose relevant holds a calculation put in its place
        #: today() is the form's `today` row; without one, the importer adds a today entry (None: it cannot)
        self.add_today: Callable[[], Target | None] = lambda: None
        self.added_today: Target | None = None
        self.index: dict[str, list[Entry | Group]] = {}
        self.paths: dict[tuple[str, ...], Entry | Group] = {}
        self.targets: dict[int, Target] = {}       # survey row -> what a reference to it means
        self.by_id: dict[str, Entry | Group] = {}  # fieldkit reference -> its row
        self.types: dict[str, str] = {}
        self.items: dict[str, list[str]] = {}
        for node in walk(tree):
            if node.name:
                self.index.setdefault(node.name, []).append(node)
                self.paths.setdefault(node.path + (node.name,), node)

    def key(self, node: Entry | Group) -> str:
        """The name of a row, or its path when the name is used more than once."""
        if len(self.index.get(node.name, [])) > 1:
            return "/".join(node.path + (node.name,))
        return node.name

    def register(self, node: Entry | Group, fid: str, ftype: str, inline: str | None = None) -> None:
        """Record that `node` was imported as `fid` (a question, a matrix, `q[item]` or a calculation)."""
        self.targets[node.number] = Target(fid, ftype, inline)
        self.by_id[fid] = node
        self.types.setdefault(fid, ftype)

    def leave_out(self, node: Entry | Group, reason: str) -> None:
        """Record that a row (a group with every row in it) is left out, and why."""
        self.left_out.setdefault(node.number, reason)
        if isinstance(node, Group):
            for child in walk(node.children):
                self.left_out.setdefault(child.number, reason)

    def settled(self) -> bool:
        """Did every reference to a later row mean what it means now that the whole survey is read?"""
        return all(self.targets.get(row) == seen for row, seen in self.forward.items())

    def resolver(self, context_row: int, any_row: bool = False):
        """Resolve references of the row `context_row`; with `any_row` (a calculation) later rows may be named."""
        def resolve(node: tuple) -> Target:
            if node[0] == "today":
                return self.today(context_row, resolve)
            if node[0] == "ref":
                shown = "${" + node[1] + "}"
                found = self.index.get(node[1], [])
                if not found:
                    raise Untranslatable(f"{shown} is not a name in the survey")
                if len(found) > 1:
                    rows = ", ".join(str(n.number) for n in found)
                    raise Untranslatable(f"{shown} is ambiguous: the name is used on rows {rows}")
                target_node = found[0]
            else:
                shown = "/" + "/".join(node[1])
                target_node = self.paths.get(tuple(node[1][1:]))
                if target_node is None:
                    raise Untranslatable(f"{shown} is not a path in the survey")
            row = target_node.number
            if row == context_row:
                raise Untranslatable(f"{shown} is this row itself")
            if isinstance(target_node, Group) and self.targets.get(row) is None:
                raise Untranslatable(f"{shown} is a group: refer to a question")
            target = self.targets.get(row)
            later = target is None and row > context_row
            if later:
                target = self.earlier_targets.get(row)
                self.forward[row] = target
            known_early = target is not None and (target.inline is not None or target.qtype in METADATA_TYPES)
            if later and not any_row and not known_early:
                reason = self.earlier_left_out.get(row)
                if reason:
                    raise Untranslatable(f"refers to {shown} (row {row}), which was left out: {reason}")
                raise Untranslatable(f"{shown} comes later (row {row}): conditions may only use earlier answers "
                                     "(or calculations)")
            if target is None:
                reason = self.left_out.get(row) or self.earlier_left_out.get(row)
                if reason:
                    raise Untranslatable(f"refers to {shown} (row {row}), which was left out: {reason}")
                raise Untranslatable(f"{shown} (row {row}) is not imported: see the problem on row {row}")
            if target.inline is not None:
                self.inlined.add(context_row)
            return target
        return resolve

    def today(self, context_row: int, resolve) -> Target:
        """What today() means: the form's today row, else a today entry the importer adds."""
        rows = [n for n in self.paths.values() if isinstance(n, Entry) and n.kind == "metadata"
                and RECORDED_TYPES.get(n.type_text.lower()) == "today" and n.name]
        if rows:
            return resolve(("path", (self.root,) + rows[0].path + (rows[0].name,)))
        if self.added_today is None:
            self.added_today = self.add_today()
        if self.added_today is None:
            raise Untranslatable("today() is the day the interview was started, which fieldkit records in a "
                                 "today entry; it cannot add one before the first question: add a today row")
        return self.added_today

    def ref_text(self, qid: str, item: str | None) -> str:
        """How fieldkit's export refers to a question: `${name}`, or a path when the name is not unique."""
        node = self.by_id[f"{qid}[{item}]" if item else qid]
        if len(self.index.get(node.name, [])) == 1:
            return "${" + node.name + "}"
        return "/" + "/".join((self.root,) + node.path + (node.name,))

    def relevant(self, row: Row, context_row: int, reasons: list[str]) -> str | None:
        """The fieldkit condition of a row's relevant; a reason goes to `reasons` if there is none."""
        text = row.text("relevant")
        if not text:
            return None
        if text.lower() in ("yes", "true", "no", "false"):  # a yes/no cell, such as Excel's TRUE or FALSE
            text = "true()" if text.lower() in ("yes", "true") else "false()"
        exact = row.text("fieldkit_relevant")
        if exact:
            # fieldkit's export keeps the exact condition when XPath cannot spell it;
            # it counts only while the XPath is still what that condition exports to.
            try:
                written = condition_to_xpath(exact, self.ref_text, self.types, self.items)
                if " ".join(written.split()) == " ".join(text.split()):
                    return exact
            except (conditions.ConditionError, KeyError, ValueError):
                pass
            self.msg.warning("survey", row.number, "fieldkit_relevant no longer matches relevant; relevant is used",
                             "stale")
        try:
            expression = xpath.parse(text)
            tree = translate_relevant(expression, self.resolver(context_row))
        except (xpath.XPathError, Untranslatable) as exc:
            reasons.append(f"relevant {text!r} cannot be translated: {exc}")
            return None
        if expression.typographic_quotes:
            self.msg.warning("survey", row.number, "relevant uses typographic quotes (‘ ’ or “ ”); they are "
                                                   "read as plain quotes, which ODK needs too", "quotes")
        return render(tree)
