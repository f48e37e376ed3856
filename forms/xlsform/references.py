"""What names in XLSForm expressions mean in fieldkit, as the import goes along.

A `${name}` or `/data/group/name` in a relevant resolves to the fieldkit id
of a question imported from an earlier row; anything else (a later row, a
row left out, a group, an ambiguous name) is a reason the expression cannot
be translated.
"""

from __future__ import annotations

from .. import conditions
from . import xpath
from .expressions import Target, Untranslatable, render, translate_relevant
from .problems import Messages
from .survey import Entry, Group, walk
from .to_xpath import condition_to_xpath
from .workbook import Row


class References:
    def __init__(self, tree: list[Entry | Group], root: str, messages: Messages):
        self.root = root  # the instance root of absolute paths: settings `name`, else "data"
        self.msg = messages
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

    def register(self, node: Entry | Group, fid: str, ftype: str) -> None:
        """Record that `node` was imported as `fid` (a question, a matrix or `q[item]`)."""
        self.targets[node.number] = Target(fid, ftype)
        self.by_id[fid] = node
        self.types.setdefault(fid, ftype)

    def resolver(self, context_row: int):
        def resolve(node: tuple) -> Target:
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
            if target_node.number == context_row:
                raise Untranslatable(f"{shown} is this row itself")
            if target_node.number > context_row:
                raise Untranslatable(f"{shown} comes later (row {target_node.number}): conditions may only use "
                                     "earlier answers")
            target = self.targets.get(target_node.number)
            if target is None:
                if isinstance(target_node, Group):
                    raise Untranslatable(f"{shown} is a group: refer to a question")
                raise Untranslatable(f"{shown} (row {target_node.number}) is not imported")
            return target
        return resolve

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
