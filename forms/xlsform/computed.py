"""Rows whose value is computed or recorded, not asked: calculations, rules from constraints, metadata.

A mixin of the importer (`importer._Importer`), which holds the state these
methods use: the messages, the references, the texts and the runs of
questions. See docs/xlsform.md, "Calculations", "Constraints" and "Metadata".
"""

from __future__ import annotations

from ..metadata import NEVER_FILLED
from . import xpath
from .building import Data, Run, keep_name, own_id
from .expressions import Target, Untranslatable, render, translate_relevant, value_text
from .naming import make_id, unique
from .survey import Entry

#: Key under which `constraint` hands a constraint that is no limit to `constraint_rule`.
RULE = "_rule"
RULE_MESSAGE = {"sv": "Svaret stämmer inte med formulärets villkor för frågan.",
                "en": "The answer does not meet the form's condition for this question."}
#: What the metadata fieldkit never fills in is on an ODK device (`forms.metadata.NEVER_FILLED`).
PHONE_FACTS = {"email": "the email address of the phone's account", "phonenumber": "the phone number of the SIM card",
               "simserial": "the serial number of the SIM card", "subscriberid": "the subscriber id (IMSI) of the SIM card"}
#: fieldkit_type of a calculate row that fieldkit's export wrote for a derived entry -> its expression key.
DERIVED_MARKERS = {"derived": "expression", "check": "check", "constraint": "constraint"}


class ComputedRows:
    """The importer's methods for calculate rows, constraint rules and metadata rows."""

    def constraint_rule(self, entry: Entry, run: Run, own: Target, expression: xpath.Expression, why_not: str,
                        relevant: str | None) -> Data | None:
        """A constraint that compares with other answers (`. <= ${age}`), as a derived constraint beside it."""
        text = expression.source
        reason = self.refused_rules.get(entry.number)
        if reason is None:
            base = self.refs.resolver(entry.number)
            mine = ("ref", entry.name)

            def resolve(node: tuple) -> Target:
                return own if node == mine else base(node)

            try:
                rule = render(translate_relevant(_self_named(expression, entry.name), resolve))
            except Untranslatable as exc:
                reason = f"{why_not} ({exc})" if "${" in text else why_not
        if reason is not None:
            # What fieldkit cannot check costs only the check: the question stays.
            self.msg.warning("survey", entry.number, f"constraint {text!r} cannot be translated: {reason}; the "
                                                     "question is imported without it", "constraint")
            return None
        local = unique(make_id(f"{own_id(entry)}_constraint"), run.local_ids)
        fid = f"{run.data['id']}.{local}"
        data = Data(entry.number, id=local, type="derived",
                     label=self.texts.fixed({"sv": f"Villkor för {entry.name}", "en": f"Condition on {entry.name}"}),
                     constraint=rule, message=self.texts.texts(entry.row, "constraint_message")
                     or self.texts.fixed(RULE_MESSAGE), xlsform_constraint=text)
        if relevant:
            data["relevant"] = relevant
        self.rules[entry.number] = fid
        self.msg.warning("survey", entry.number, f"constraint {text!r} is more than a limit: it is checked as "
                                                 f"the rule {fid}, shown beside the question", "constraint-rule")
        return data

    @staticmethod
    def is_derived(entry: Entry) -> bool:
        """A calculate row that fieldkit's export wrote for a derived entry (other calculate rows are unsupported)."""
        return (entry.type_text.lower() == "calculate" and bool(entry.row.text("fieldkit_expression"))
                and entry.row.text("fieldkit_type").lower() in DERIVED_MARKERS)

    def derived(self, entry: Entry, run: Run) -> Data | None:
        """A derived entry from its calculate row: the exact expression is in fieldkit_expression."""
        row = entry.row
        reasons: list[str] = []
        relevant = self.relevant(entry, reasons)
        for reason in reasons:
            self.msg.unsupported("survey", entry.number, reason)
        if reasons:
            self.refs.leave_out(entry, reasons[0])
            return None
        data = self.derived_data(entry, run, relevant)
        data[DERIVED_MARKERS[row.text("fieldkit_type").lower()]] = row.text("fieldkit_expression")
        message = self.texts.texts(row, "fieldkit_message")
        if message:
            data["message"] = message
        data.update(self.flags(row))
        self.register(entry, f"{run.data['id']}.{data['id']}", "derived", data["id"], own_id(entry))
        return data

    def derived_data(self, entry: Entry, run: Run, relevant: str | None) -> Data:
        """What every derived entry an import makes has: its id in the section, label, hint and condition."""
        row = entry.row
        local = unique(make_id(own_id(entry)), run.local_ids)
        data = Data(entry.number, id=local, type="derived", label=self.texts.label(row, "label", entry.name))
        keep_name(data, entry, local)
        help_text = self.texts.texts(row, "hint")
        if help_text:
            data["help"] = help_text
        if relevant:
            data["relevant"] = relevant
        return data

    def recorded(self, entry: Entry, run: Run, mtype: str) -> Data:
        """A metadata row fieldkit records itself (start, end, today, deviceid, username...): stored, never shown.

        An ODK phone's email, number, SIM serial and subscriber id are kept as entries that stay empty, with a
        note: the form keeps its fields, and nobody expects a value fieldkit cannot have.
        """
        if mtype in NEVER_FILLED:
            self.msg.warning("survey", entry.number, f"type {entry.type_text!r} is {PHONE_FACTS[mtype]}, which "
                                                     "a laptop or browser does not have: it is imported as a "
                                                     "metadata entry that stays empty", "metadata")
        own = own_id(entry) or mtype
        local = unique(make_id(own), run.local_ids)
        data = Data(entry.number, id=local, type=mtype, label=self.texts.label(entry.row, "label", own))
        keep_name(data, entry, local)
        data.update({k: v for k, v in self.flags(entry.row).items() if k == "personal"})
        fid = f"{run.data['id']}.{local}"
        if entry.name:
            self.register(entry, fid, mtype, local, own)
        else:
            self.refs.register(entry, fid, mtype)
        return data

    def add_today(self) -> Target | None:
        """A today entry for today() in a form without a today row, in the first section; None before any."""
        if not self.runs:
            return None
        run = self.runs[0]
        local = unique("today", run.local_ids)
        fid = f"{run.data['id']}.{local}"
        run.data["questions"].append(Data(run.data.line, id=local, type="today",
                                           label=self.texts.fixed({"sv": "Dag", "en": "Today"})))
        self.msg.warning("survey", 0, f"today() is the day the interview was started: fieldkit records it in "
                                      f"{fid}, an entry it adds", "today")
        return Target(fid, "today")

    @staticmethod
    def computes(entry: Entry) -> bool:
        """A question whose value a `calculation` computes: fieldkit shows it as a derived value."""
        return entry.kind == "question" and bool(entry.row.text("calculation"))

    def calculation(self, entry: Entry, run: Run) -> Data | None:
        """A calculate row (or a question with a calculation) as a derived value, translated from XPath."""
        row = entry.row
        text = row.text("calculation")
        reasons: list[str] = []
        if entry.number in self.refused:
            reasons.append(f"calculation {text!r} cannot be used: {self.refused[entry.number]}")
        elif not text:
            reasons.append("the calculate row has no calculation")
        relevant = None if reasons else self.refs.relevant(row, entry.number, reasons)
        if not reasons:
            try:
                tree = xpath.parse(text).tree
                resolve = self.refs.resolver(entry.number, any_row=True)
                expression, inline = value_text(tree, resolve, inline=False), value_text(tree, resolve)
            except (xpath.XPathError, Untranslatable) as exc:
                reasons.append(f"calculation {text!r} cannot be translated: {exc}")
        if reasons:
            for reason in reasons:
                self.msg.unsupported("survey", entry.number, reason)
            self.refs.leave_out(entry, reasons[0])
            return None
        if entry.kind == "question":
            self.msg.warning("survey", entry.number, f"the {entry.type_text} question is computed by its "
                                                     "calculation: it is imported as a derived value, never asked",
                             "calculation")
        data = self.derived_data(entry, run, relevant)
        data["expression"] = expression
        self.register(entry, f"{run.data['id']}.{data['id']}", "derived", data["id"], own_id(entry), inline)
        self.calculated.add(entry.number)
        return data


def _self_named(expression: xpath.Expression, name: str) -> xpath.Expression:
    """The expression with `.` written as the question's own name."""
    def swap(node):
        if node == ("self",):
            return ("ref", name)
        return tuple(swap(n) if isinstance(n, tuple) else n for n in node)
    return xpath.Expression(expression.source, swap(expression.tree), expression.typographic_quotes)
