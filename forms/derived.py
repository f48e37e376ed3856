"""Derived values and rules: checked when a definition is loaded, computed from answers.

A derived entry (`type: derived`) is a question-like entry that is never asked:
an `expression` (a value: a number, a date, a text or true/false), a `check`
(a rule whose failure is a warning) or a `constraint` (a rule whose failure is
a validation error). `check` finds what is wrong with them in a definition
(unknown references, types that do not fit, cycles) and sets each entry's
result type; `evaluate` computes them for one submission's cleaned answers.
The web pages, answer cleaning and the exports all use `evaluate`.
"""

from __future__ import annotations

import functools
import re
from collections import ChainMap
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from .arithmetic import as_date
from .arithmetic import result as _stored
from .conditions import Condition, ConditionError, parse
from .model import DERIVED, Question, Questionnaire, Section

#: The type of an answer as the expression language sees it, by question type.
ANSWER_TYPES = {
    "integer": "integer", "decimal": "decimal", "money": "money", "year": "integer", "date": "date",
    "text": "text", "longtext": "text", "single": "text", "scale": "text", "yesno": "text",
    "multi": "multi", "matrix": "matrix", "time": "text", "datetime": "text",
    "start": "text", "end": "text", "today": "date", "deviceid": "text", "username": "text", "email": "text",
    "phonenumber": "text", "simserial": "text", "subscriberid": "text",
}
NUMBERS = ("integer", "decimal", "money")
#: Expression types that can be a result, and the question type the result is shown and exported as.
RESULT_TYPES = {"integer": "integer", "decimal": "decimal", "money": "money", "date": "date", "text": "text",
                "bool": "yesno"}
_SHOWN = {"integer": "a number", "decimal": "a number", "money": "an amount", "date": "a date",
          "duration": "a difference of dates", "text": "text", "bool": "true or false",
          "multi": "a list of choices", "matrix": "a matrix", "any": "a value"}


# -- checking a definition --------------------------------------------------------


@dataclass(frozen=True)
class DerivedProblem:
    """One problem with a derived entry: the loader reports it as FILE:LINE: message."""

    line: int
    message: str
    code: str


class _TypeProblem(Exception):
    pass


def entries(questionnaire: Questionnaire) -> Iterator[tuple[Question, Section]]:
    """The derived entries in questionnaire order, each with its section."""
    for section in questionnaire.sections:
        for question in section.questions:
            if question.type == DERIVED or question.derived:
                yield question, section


def _what(question: Question) -> str:
    return f"{question.rule or 'expression'} of {question.id!r}"


def check(questionnaire: Questionnaire) -> list[DerivedProblem]:
    """Every problem with the derived entries; sets `result` on each entry that has none."""
    problems: list[DerivedProblem] = []
    questions = {q.id: q for q in questionnaire.questions()}
    columns = {child.id: q for q in questionnaire.questions() if q.repeat for child in q.questions}
    questions.update({qid: q for qid, q in ((c.id, c) for r in questionnaire.repeats() for c in r.questions)})
    parsed: dict[str, Condition] = {}
    for question, _section in entries(questionnaire):
        if question.expression is None:
            continue  # the loader already said that one of expression, check or constraint is missing
        try:
            parsed[question.id] = parse(question.expression)
        except ConditionError as exc:
            problems.append(DerivedProblem(question.expression_line, f"{_what(question)}: {exc}", "expression"))
    usable = set(parsed)
    for qid, condition in parsed.items():
        question = questions[qid]
        for ref in condition.references():
            target = questions.get(ref)
            message = None
            if target is None:
                message = f"{_what(question)} names unknown question {ref!r}"
            elif target.type == "note":
                message = f"{_what(question)} names note {ref!r}, which has no answer"
            elif (target.repeat or ref in columns) and not only_counted(parsed[qid].tree, ref):
                holder = target if target.repeat else columns[ref]
                message = (f"{_what(question)} names {ref!r} of repeat {holder.id!r}: outside the repeat an "
                           f"expression can only count its instances, count({holder.id}), or add up one of its "
                           f"number questions, sum({holder.id}.<question>)")
            if message:
                problems.append(DerivedProblem(question.expression_line, message, "unknown-reference"))
                usable.discard(qid)
    cycles = _cycles({qid: [r for r in c.references() if r in parsed] for qid, c in parsed.items()})
    for cycle in cycles:
        first = questions[cycle[0]]
        problems.append(DerivedProblem(
            first.expression_line,
            f"derived values depend on each other in a cycle: {' -> '.join(cycle + [cycle[0]])}", "cycle"))
        usable.difference_update(cycle)
    types: dict[str, str] = {}
    for qid in _ordered({qid: [r for r in parsed[qid].references() if r in parsed] for qid in parsed}):
        question = questions[qid]
        needs = [r for r in parsed[qid].references() if r in parsed]
        if qid not in usable or any(r not in types for r in needs):
            continue
        try:
            kind = _infer(parsed[qid].tree, _reference_type(questions, types, frozenset(columns)))
            _check_result(question, kind)
        except _TypeProblem as exc:
            problems.append(DerivedProblem(question.expression_line, f"{_what(question)}: {exc}", "type"))
            continue
        types[qid] = kind
        if question.result is None:
            question.result = RESULT_TYPES[kind]
        personal = [r for r in _reach(qid, parsed) if questions.get(r) is not None and questions[r].personal]
        if personal and kind == "text" and not question.personal:
            problems.append(DerivedProblem(
                question.expression_line, f"{_what(question)} gives text from personal question {personal[0]!r}: "
                "mark it personal: true", "personal"))
        sensitive = [r for r in _reach(qid, parsed) if questions.get(r) is not None and questions[r].sensitive]
        if sensitive:
            problems.append(DerivedProblem(
                question.expression_line, f"{_what(question)} reads sensitive question {sensitive[0]!r}: a derived "
                "value is a column of the raw data, and sensitive answers are only counted", "sensitive"))
    return problems


def only_counted(node: tuple, ref: str, inside: bool = False) -> bool:
    """Is every use of `ref` in the expression the argument of count() or sum()?"""
    if node[0] == "ref":
        return inside or node[1] != ref
    if node[0] in ("lit", "list"):
        return True
    counted = node[0] == "call" and node[1] in ("count", "sum")
    return all(only_counted(child, ref, counted and child[0] == "ref") for child in node[1:]
               if isinstance(child, tuple))


def instance_questionnaire(questionnaire: Questionnaire, repeat: Question) -> Questionnaire:
    """What one instance of a repeat sees: the questions outside every repeat, then the repeat's own.

    Its derived entries are checked and computed over this, so that inside an instance a reference to
    one of the repeat's questions means that instance's answer.
    """
    found = repeat.__dict__.get("_instance_view")
    if found is None:
        outer = [Section(s.id, s.title, [q for q in s.questions if not q.repeat], relevant=s.relevant)
                 for s in questionnaire.sections]
        own = Section(repeat.id, repeat.label, list(repeat.questions))
        found = repeat.__dict__["_instance_view"] = Questionnaire(
            questionnaire.id, questionnaire.version, questionnaire.title, outer + [own])
    return found


def check_instances(questionnaire: Questionnaire, repeat: Question) -> list[DerivedProblem]:
    """The problems of the derived entries inside a repeat, which are computed once per instance."""
    own = [re.compile(rf"(?<![\w.]){re.escape(q.id)}(?![\w.])") for q in repeat.questions if q.derived]
    if not own:
        return []
    return [p for p in check(instance_questionnaire(questionnaire, repeat))
            if any(pattern.search(p.message) for pattern in own)]


def _check_result(question: Question, kind: str) -> None:
    if question.rule and kind != "bool":
        raise _TypeProblem(f"a {question.rule} must be true or false, such as a comparison "
                           f"(this one gives {_SHOWN[kind]})")
    if kind == "duration":
        raise _TypeProblem("the result is a difference of dates: write days(...) around it for the number of days")
    if kind not in RESULT_TYPES:
        raise _TypeProblem(f"the result is {_SHOWN[kind]}, which cannot be shown as one value")


def _reach(qid: str, parsed: dict[str, Condition]) -> list[str]:
    """Every question id a derived entry reads, through the derived entries it reads."""
    seen: list[str] = []
    stack = [qid]
    while stack:
        for ref in parsed[stack.pop()].references():
            if ref not in seen:
                seen.append(ref)
                if ref in parsed:
                    stack.append(ref)
    return seen


def _cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """Each cycle among derived entries once, in the order found."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        path.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt):])
            elif nxt not in state:
                visit(nxt, path)
        path.pop()
        state[node] = 2

    for node in edges:
        if node not in state:
            visit(node, [])
    return found


def _ordered(edges: dict[str, list[str]]) -> list[str]:
    """Derived ids with the ones each reads first (cycles are left where they fall)."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(node: str) -> None:
        if node in seen:
            return
        seen.add(node)
        for nxt in edges.get(node, []):
            visit(nxt)
        order.append(node)

    for node in edges:
        visit(node)
    return order


def _reference_type(questions: dict[str, Question], types: dict[str, str], columns: frozenset = frozenset()):
    def typeof(node: tuple) -> str:
        target = questions[node[1]]
        if target.repeat:
            return "instances"
        if target.id in columns:  # a question of a repeat, outside it: its answers over the instances
            return "column:" + ANSWER_TYPES.get(target.type, "any")
        if target.derived:
            return types.get(target.id, "any")
        kind = ANSWER_TYPES.get(target.type, "any")
        if kind == "matrix" and node[2] is not None:
            return "text"
        return kind
    return typeof


def _shown(node: tuple, kind: str) -> str:
    shown = _SHOWN.get(kind, "a repeat's answers")
    if node[0] == "ref":
        return f"{node[1]!r} ({shown})"
    if node[0] == "lit":
        return repr(node[1])
    return shown


def _widest(kinds: list[str]) -> str:
    if "money" in kinds:
        return "money"
    return "decimal" if "decimal" in kinds else "integer"


def _infer(node: tuple, typeof) -> str:
    """The type of an expression, or _TypeProblem saying what does not fit."""
    kind = node[0]
    if kind == "lit":
        value = node[1]
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "integer"
        if isinstance(value, float):
            return "decimal"
        return "text"
    if kind == "ref":
        return typeof(node)
    if kind in ("or", "and", "not"):
        for child in node[1:]:
            _infer(child, typeof)
        return "bool"
    if kind in ("in", "not_in", "answered"):
        for child in node[1:]:
            if child[0] != "list":
                _infer(child, typeof)
        return "bool"
    if kind == "cmp":
        left, right = _infer(node[2], typeof), _infer(node[3], typeof)
        if node[1] not in ("==", "!=") and not _orderable(left, right, node[2], node[3]):
            raise _TypeProblem(f"cannot compare {_shown(node[2], left)} with {_shown(node[3], right)} "
                               f"using {node[1]}: compare numbers with numbers, dates with dates")
        return "bool"
    if kind == "neg":
        inner = _infer(node[1], typeof)
        if inner in NUMBERS or inner in ("duration", "any"):
            return inner
        raise _TypeProblem(f"cannot negate {_shown(node[1], inner)}: arithmetic needs numbers")
    if kind == "arith":
        return _arith_type(node, typeof)
    if kind == "call":
        return _call_type(node, typeof)
    raise _TypeProblem(f"unexpected expression {kind!r}")


def _date_text(node: tuple) -> bool:
    return node[0] == "lit" and isinstance(node[1], str) and as_date(node[1]) is not None


def _orderable(left: str, right: str, left_node: tuple, right_node: tuple) -> bool:
    if "any" in (left, right):
        return True
    if left in NUMBERS and right in NUMBERS:
        return True
    if left == right and left in ("date", "duration", "text"):
        return True
    return (left == "date" and _date_text(right_node)) or (right == "date" and _date_text(left_node))


def _arith_type(node: tuple, typeof) -> str:
    op, left_node, right_node = node[1], node[2], node[3]
    left, right = _infer(left_node, typeof), _infer(right_node, typeof)
    if "any" in (left, right):
        return "any"
    if left in NUMBERS and right in NUMBERS:
        if op == "/":
            return "money" if left == "money" and right != "money" else "decimal"
        return _widest([left, right])
    if op == "-" and left == "date" and right == "date":
        return "duration"
    if op in ("+", "-") and left == "date" and right in ("integer", "duration"):
        return "date"
    if op == "+" and right == "date" and left in ("integer", "duration"):
        return "date"
    if op in ("+", "-") and left == right == "duration":
        return "duration"
    a, b = _shown(left_node, left), _shown(right_node, right)
    what = {"+": f"add {a} and {b}", "-": f"subtract {b} from {a}", "*": f"multiply {a} by {b}",
            "/": f"divide {a} by {b}"}[op]
    raise _TypeProblem(f"cannot {what}: arithmetic needs numbers (with dates: date - date, date + days, date - days)")


def _call_type(node: tuple, typeof) -> str:
    name, args = node[1], node[3:]
    if name == "if":
        _infer(args[0], typeof)
        a, b = _infer(args[1], typeof), _infer(args[2], typeof)
        if "any" in (a, b):
            return "any"
        if a in NUMBERS and b in NUMBERS:
            return _widest([a, b])
        if a != b:
            raise _TypeProblem(f"if() gives {_SHOWN[a]} in one case and {_SHOWN[b]} in the other: "
                               "give both cases the same type")
        return a
    kinds = [_infer(arg, typeof) for arg in args]
    if name == "count":
        if kinds[0] != "instances" and not kinds[0].startswith("column:"):
            raise _TypeProblem(f"count() takes a repeat, such as count(s.personer), not {_shown(args[0], kinds[0])}")
        return "integer"
    if name == "sum":
        inner = kinds[0].removeprefix("column:")
        if not kinds[0].startswith("column:") or inner not in NUMBERS:
            raise _TypeProblem(f"sum() takes a number question of a repeat, such as sum(s.personer.alder), not "
                               f"{_shown(args[0], kinds[0])}")
        return inner
    if name == "days":
        if kinds[0] not in ("duration", "any"):
            raise _TypeProblem(f"days() takes a difference of two dates, such as days(s.svar - s.fraga), "
                               f"not {_shown(args[0], kinds[0])}")
        return "integer"
    if name in ("min", "max"):
        if all(k in NUMBERS or k == "any" for k in kinds):
            return _widest(kinds)
        if all(k == "date" or k == "any" or _date_text(a) for k, a in zip(kinds, args)):
            return "date"
        raise _TypeProblem(f"{name}() takes numbers, or dates, not {_SHOWN[next(k for k in kinds if k not in NUMBERS)]}")
    if name == "number":
        if kinds[0] in NUMBERS:
            return kinds[0]
        if kinds[0] not in ("text", "any"):
            raise _TypeProblem(f"number() takes a number or a text such as a choice code, not "
                               f"{_shown(args[0], kinds[0])}")
        return "decimal"
    if name == "int":
        if kinds[0] not in NUMBERS and kinds[0] != "any":
            raise _TypeProblem(f"int() takes a number, not {_shown(args[0], kinds[0])}")
        return "money" if kinds[0] == "money" else "integer"
    if name == "round":
        if kinds[0] not in NUMBERS and kinds[0] != "any":
            raise _TypeProblem(f"round() takes a number, not {_shown(args[0], kinds[0])}")
        if len(args) > 1:
            if not (args[1][0] == "lit" and isinstance(args[1][1], int) and not isinstance(args[1][1], bool)
                    and 0 <= args[1][1] <= 10):
                raise _TypeProblem("round() takes the number of decimals as a whole number from 0 to 10")
            return "decimal" if args[1][1] else ("money" if kinds[0] == "money" else "integer")
        return "money" if kinds[0] == "money" else "integer"
    raise _TypeProblem(f"unknown function {name!r}")


# -- computing values --------------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    question: Question
    section: Section
    condition: Condition


class Plan:
    """The derived entries of one questionnaire, parsed once, in the order they can be computed."""

    def __init__(self, questionnaire: Questionnaire):
        found = {q.id: (q, s) for q, s in entries(questionnaire) if q.expression is not None}
        parsed: dict[str, Condition] = {}
        for qid, (question, _section) in found.items():
            try:
                parsed[qid] = parse(question.expression)
            except ConditionError:
                continue  # the loader refuses such a definition; a plan simply leaves it out
        # A derived entry is computed after those its expression reads and those its conditions read.
        edges = {qid: [r for r in c.references() + _condition_refs(found[qid][0], found[qid][1]) if r in parsed]
                 for qid, c in parsed.items()}
        in_cycles = {qid for cycle in _cycles(edges) for qid in cycle}
        self.steps = [_Step(found[qid][0], found[qid][1], parsed[qid]) for qid in _ordered(edges)
                      if qid not in in_cycles]
        self.ids = frozenset(step.question.id for step in self.steps)
        self.booleans = frozenset(step.question.id for step in self.steps if step.question.result == "yesno")
        #: A repeat's question -> the repeat: outside it, its answers over the instances (for count and sum).
        self.columns = {child.id: q.id for q in questionnaire.questions() if q.repeat for child in q.questions}

    def evaluate(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if not self.steps:
            return values
        ids = self.ids

        columns = self.columns

        def lookup(qid: str) -> Any:
            if qid in ids:
                return values.get(qid)
            if qid in columns:
                found = answers.get(columns[qid])
                return [i.get(qid) for i in found if isinstance(i, dict)] if isinstance(found, list) else None
            return answers.get(qid)

        for step in self.steps:
            if not (_holds_in(step.section.relevant, lookup) and _holds_in(step.question.relevant, lookup)):
                continue
            value = _stored(step.condition.value(lookup, self.booleans))
            if value is not None:
                values[step.question.id] = value
        return values


def condition_lookup(questionnaire: Questionnaire, answers: Mapping[str, Any]):
    """What a condition reads for cleaned answers: an answer, a derived value computed from them (when first
    asked for), or a repeat's question over its instances (for count and sum)."""
    steps = plan(questionnaire)
    computed: list[dict[str, Any]] = []

    def lookup(qid: str) -> Any:
        if qid in steps.ids:
            if not computed:
                computed.append(steps.evaluate(answers))
            return computed[0].get(qid)
        if qid in steps.columns:
            found = answers.get(steps.columns[qid])
            return [i.get(qid) for i in found if isinstance(i, dict)] if isinstance(found, list) else None
        return answers.get(qid)
    return lookup


def _condition_refs(question: Question, section: Section) -> list[str]:
    """The ids the conditions of a derived entry and of its section read."""
    found: list[str] = []
    for source in (section.relevant, question.relevant):
        try:
            found += _parsed(source).references() if source else []
        except ConditionError:
            continue  # the loader reports it
    return found


def plan(questionnaire: Questionnaire) -> Plan:
    """The questionnaire's plan, made once (a questionnaire does not change once built)."""
    found = questionnaire.__dict__.get("_derived_plan")
    if found is None:
        found = questionnaire.__dict__["_derived_plan"] = Plan(questionnaire)
    return found


def evaluate(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The derived values for cleaned answers: {full id: value}.

    Numbers, dates (ISO text), texts; a rule is True when it holds and False when it
    is broken. An entry that is skipped (its condition or its section's does not
    hold) or that needs a missing answer has no key, like an unanswered question.
    """
    return plan(questionnaire).evaluate(answers)


def evaluate_instance(questionnaire: Questionnaire, repeat: Question, instance: Mapping[str, Any],
                      answers: Mapping[str, Any]) -> dict[str, Any]:
    """The derived values of one instance of a repeat: its own answers first, then the answers outside it."""
    view = instance_questionnaire(questionnaire, repeat)
    steps = [step for step in plan(view).steps if step.section.id == repeat.id]
    if not steps:
        return {}
    return {qid: value for qid, value in plan(view).evaluate(ChainMap(dict(instance), dict(answers))).items()
            if qid in {step.question.id for step in steps}}


def broken(questionnaire: Questionnaire, values: Mapping[str, Any], rule: str) -> list[Question]:
    """The rules of one kind ("check" or "constraint") that `values` (from `evaluate`) say are broken."""
    return [step.question for step in plan(questionnaire).steps
            if step.question.rule == rule and values.get(step.question.id) is False]


def _holds_in(source: str | None, lookup) -> bool:
    return not source or _parsed(source).evaluate(lookup)


@functools.lru_cache(maxsize=4096)
def _parsed(source: str) -> Condition:
    return parse(source)
