"""Translate XLSForm expressions (XPath) into fieldkit conditions and limits.

`translate_relevant` and `render` turn a parsed `relevant` into fieldkit's condition
language and `constraint_to_limits` turns a `constraint` into
min/max/pattern/max_length. Anything else raises `Untranslatable` with a
reason. `to_xpath` goes the other way.

Missing answers: in XPath an unanswered question is the empty string, so
`${x} != 'a'` holds when x is unanswered; in fieldkit every comparison with a
missing answer is false. The translation keeps the meaning, not the spelling:
`${x} != 'a'` becomes `not (sec.x == 'a')`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Callable

from ..patterns import compile_pattern
from .xpath import Expression

FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "!=": "!="}


class Untranslatable(ValueError):
    """An expression fieldkit cannot express; the message says why."""


@dataclass(frozen=True)
class Target:
    """What a reference in an XLSForm expression points at, in fieldkit terms.

    A calculation (a derived entry) also carries `inline`, its expression in
    answers only: conditions may not name derived entries, so a relevant that
    refers to a calculation gets the calculation itself, in parentheses.
    """

    ref: str    # "sec.q" or "sec.m[item]"
    qtype: str  # fieldkit type; "matrix-item" for one row of a matrix; "derived" for a calculation
    inline: str | None = None


Resolver = Callable[[tuple], Target]

# ---------------------------------------------------------------- import


def translate_relevant(expression: Expression, resolve: Resolver) -> tuple:
    """A parsed `relevant` as a tree of fieldkit tests (see `render`)."""
    return _boolean(expression.tree, resolve)


def render(tree: tuple) -> str:
    """Canonical fieldkit text of a translated tree."""
    return _render(tree)[0]


def _boolean(node: tuple, resolve: Resolver) -> tuple:
    kind = node[0]
    if kind in ("or", "and"):
        return (kind, _boolean(node[1], resolve), _boolean(node[2], resolve))
    if kind == "cmp":
        return _comparison(node[1], node[2], node[3], resolve)
    if kind == "call":
        return _call(node, resolve)
    if kind in ("ref", "path"):
        target = resolve(node)
        if target.inline:
            return ("lit", f"({target.inline})")
        return ("answered", target.ref)
    if kind in ("arith", "neg"):
        return ("lit", value_text(node, resolve))
    if kind == "num":
        return ("lit", node[1])
    if kind == "str":
        return ("lit", _quote(node[1]))
    if kind == "self":
        raise Untranslatable("'.' (the question itself) has no meaning in relevant")
    raise Untranslatable(f"{kind} is not supported")


def _call(node: tuple, resolve: Resolver) -> tuple:
    name, args = node[1], node[2]
    if name == "not" and len(args) == 1:
        inner = _boolean(args[0], resolve)
        return inner[1] if inner[0] == "not" else ("not", inner)
    if name in ("true", "false") and not args:
        return ("lit", name)
    if name in VALUE_FUNCTIONS:
        return ("lit", value_text(node, resolve))
    if name == "selected" and len(args) == 2 and args[0][0] in ("ref", "path"):
        target = resolve(args[0])
        value = _operand(args[1], resolve)
        if target.inline is not None:
            return ("cmp", "==", f"({target.inline})", value)
        if target.qtype == "multi":
            return ("in", value, target.ref)
        return ("cmp", "==", target.ref, value)
    raise Untranslatable(f"the function {name}() is not supported here")


def _is_ref(node: tuple) -> bool:
    return node[0] in ("ref", "path")


def _counted(node: tuple) -> bool:
    return node[0] == "call" and node[1] in ("string-length", "count-selected") and len(node[2]) == 1 \
        and _is_ref(node[2][0])


def _computed(node: tuple, resolve: Resolver) -> bool:
    """Is this side of a comparison a value to compute (arithmetic, a function, a calculation)?"""
    if node[0] in ("arith", "neg"):
        return True
    if node[0] == "call":
        return node[1] in VALUE_FUNCTIONS
    if _is_ref(node):
        return resolve(node).inline is not None
    return False


def _comparison(op: str, left: tuple, right: tuple, resolve: Resolver) -> tuple:
    for side in (left, right):
        if side[0] == "call" and not _counted(side) and side[1] not in ("date", "true", "false") + VALUE_FUNCTIONS:
            raise Untranslatable(f"the function {side[1]}() is not supported here")
    if _computed(left, resolve) or _computed(right, resolve):
        a, b = value_text(left, resolve), value_text(right, resolve)
        if right == ("str", "") and op in ("=", "!="):  # XPath: empty; fieldkit: no value
            return ("cmp", "!=", a, b) if op == "!=" else ("not", ("cmp", "!=", a, b))
        if op == "=":
            return ("cmp", "==", a, b)
        if op == "!=":
            return ("not", ("cmp", "==", a, b))
        return ("cmp", op, a, b)
    if not (_is_ref(left) or _counted(left)) and (_is_ref(right) or _counted(right)):
        op, left, right = FLIP[op], right, left
    if _counted(left):
        return _count_test(op, left, right, resolve)
    if not _is_ref(left):
        raise Untranslatable("a comparison needs a question on one side")
    target = resolve(left)
    if right == ("str", ""):
        if op == "=":
            return ("not", ("answered", target.ref))
        if op == "!=":
            return ("answered", target.ref)
        raise Untranslatable(f"comparing with '' using {op} has no meaning")
    if target.qtype == "multi":
        raise Untranslatable(f"compare a select_multiple with selected(), not {op}")
    if target.qtype == "matrix":
        raise Untranslatable("a matrix group cannot be compared; compare one of its rows")
    value = _operand(right, resolve)
    if op == "=":
        return ("cmp", "==", target.ref, value)
    if op == "!=":
        return ("not", ("cmp", "==", target.ref, value))
    if target.qtype in _TEXT_ANSWERS and right[0] == "num":  # a code such as '3' compared as a number
        return ("cmp", op, f"number({target.ref})", value)
    return ("cmp", op, target.ref, value)


def _count_test(op: str, left: tuple, right: tuple, resolve: Resolver) -> tuple:
    target = resolve(left[2][0])
    if right[0] != "num":
        raise Untranslatable(f"{left[1]}() must be compared with a number")
    number = float(right[1])
    if (op, number) in ((">", 0), (">=", 1), ("!=", 0)):
        return ("answered", target.ref)
    if (op, number) in (("=", 0), ("<", 1), ("<=", 0)):
        return ("not", ("answered", target.ref))
    raise Untranslatable(f"{left[1]}() {op} {right[1]} cannot be expressed: fieldkit can only test whether "
                         "a question is answered")


def _operand(node: tuple, resolve: Resolver) -> str:
    kind = node[0]
    if kind == "str":
        return _quote(node[1])
    if kind == "num":
        return node[1]
    if kind in ("ref", "path"):
        return resolve(node).ref
    if kind == "call" and node[1] == "date" and len(node[2]) == 1 and node[2][0][0] == "str":
        return _quote(_iso_date(node[2][0][1]))
    if kind == "call" and node[1] in ("true", "false") and not node[2]:
        return node[1]
    if kind == "call":
        raise Untranslatable(f"the function {node[1]}() is not supported here")
    raise Untranslatable("'.' (the question itself) has no meaning in relevant")


#: XPath functions with a fieldkit counterpart of the same meaning, in values and comparisons.
VALUE_FUNCTIONS = ("if", "round", "min", "max", "number", "int", "today", "coalesce")
#: Why other common functions cannot be calculated, for the row's message.
_NOT_CALCULATED = {
    "sum": "sum() takes one question of a repeat, such as sum(${age})",
    "count": "count() takes a repeat, such as count(${members})",
    "concat": "fieldkit calculates numbers, dates and true/false, not text: concat() is not supported",
    "now": "now() is not supported: fieldkit computes a value from answers, and the moment would change each time",
}
_ARITH = {"+": ("+", 1), "-": ("-", 1), "*": ("*", 2), "div": ("/", 2)}


def value_text(node: tuple, resolve: Resolver, inline: bool = True) -> str:
    """A value in an XLSForm expression as fieldkit expression text.

    With `inline`, a calculation is replaced by its expression (conditions may
    only name answers); without, it is named (a derived value may read another).
    """
    return _value(node, resolve, inline)[0]


def _value(node: tuple, resolve: Resolver, inline: bool) -> tuple[str, int]:
    """(text, precedence): 1 for + and -, 2 for * and /, 3 for anything that needs no parentheses."""
    kind = node[0]
    if kind == "num":
        return node[1], 3 if not node[1].startswith("-") else 0
    if kind == "str":
        return _quote(node[1]), 3
    if kind in ("ref", "path"):
        target = resolve(node)
        if target.inline is not None:
            return (f"({target.inline})", 3) if inline else (target.ref, 3)
        if target.qtype == "multi":
            raise Untranslatable("a select_multiple has no single value: test it with selected()")
        if target.qtype == "matrix":
            raise Untranslatable("a matrix group has no single value: use one of its rows")
        return target.ref, 3
    if kind == "arith":
        if node[1] not in _ARITH:
            raise Untranslatable(f"{node[1]} is not supported: fieldkit has + - * and / (div)")
        op, level = _ARITH[node[1]]
        dates = _is_date(node[2], resolve), _is_date(node[3], resolve)
        left, left_level = _operand_value(node[2], resolve, inline, dates[0])
        right, right_level = _operand_value(node[3], resolve, inline, dates[1])
        if op == "-" and all(dates):
            return f"days({left} - {right})", 3  # XPath: the difference of two dates is a number of days
        left = left if left_level >= level else f"({left})"
        right = right if right_level > level else f"({right})"
        return f"{left} {op} {right}", level
    if kind == "neg":
        inner, level = _value(node[1], resolve, inline)
        return f"-{inner}" if level == 3 else f"-({inner})", 3
    if kind == "self":
        raise Untranslatable("'.' (the question itself) has no meaning here")
    if kind == "call":
        return _value_call(node, resolve, inline), 3
    # a test (comparison, and, or) used as a value: true or false
    return f"({render(_boolean(node, resolve))})", 3


#: Answers XPath arithmetic reads as numbers although fieldkit keeps them as text (codes, typed text).
_TEXT_ANSWERS = ("single", "scale", "text", "longtext", "matrix-item")


def _operand_value(node: tuple, resolve: Resolver, inline: bool, is_date: bool) -> tuple[str, int]:
    """An operand of arithmetic: a choice code or a text is made a number, as XPath does (a score '3' is 3)."""
    if not is_date and node[0] in ("ref", "path") and resolve(node).qtype in _TEXT_ANSWERS:
        return _numeric(node, resolve, inline), 3
    return _value(node, resolve, inline)


def _numeric(node: tuple, resolve: Resolver, inline: bool) -> str:
    """number(x): x itself when it is a number already, else fieldkit's number()."""
    if node[0] in ("ref", "path") and resolve(node).qtype in _TEXT_ANSWERS:
        return f"number({value_text(node, resolve, inline)})"
    return value_text(node, resolve, inline)


def _value_call(node: tuple, resolve: Resolver, inline: bool) -> str:
    name, args = node[1], node[2]
    if name == "if" and len(args) == 3:
        test = render(_boolean(args[0], resolve))
        return f"if({test}, {value_text(args[1], resolve, inline)}, {value_text(args[2], resolve, inline)})"
    if name == "number" and len(args) == 1:
        return _numeric(args[0], resolve, inline)
    if name == "int" and len(args) == 1:
        return f"int({value_text(args[0], resolve, inline)})"
    if name == "today" and not args:
        return resolve(("today",)).ref
    if name == "coalesce" and len(args) == 2 and args[0][0] in ("ref", "path") and resolve(args[0]).inline is None:
        first = value_text(args[0], resolve, inline)
        return f"if({resolve(args[0]).ref} is answered, {first}, {value_text(args[1], resolve, inline)})"
    if name == "round" and len(args) in (1, 2):
        return f"round({', '.join(value_text(a, resolve, inline) for a in args)})"
    if name in ("min", "max") and len(args) >= 2:
        return f"{name}({', '.join(value_text(a, resolve, inline) for a in args)})"
    if name == "date" and len(args) == 1 and args[0][0] == "str":
        return _quote(_iso_date(args[0][1]))
    if name in ("true", "false") and not args:
        return name
    if name in ("count", "sum") and len(args) == 1 and args[0][0] in ("ref", "path"):
        target = resolve(args[0])
        if name == "count" and target.qtype == "repeat" or target.ref.count(".") == 2:  # a repeat's question
            return f"{name}({target.ref})"
    if name in _NOT_CALCULATED:
        raise Untranslatable(_NOT_CALCULATED[name])
    if name in ("selected", "not", "regex", "string-length", "count-selected"):
        return f"({render(_boolean(node, resolve))})"
    raise Untranslatable(f"the function {name}() is not supported here")


def _is_date(node: tuple, resolve: Resolver) -> bool:
    """Is this value a date (a date question, today(), date('...'), a date plus or minus days)?"""
    kind = node[0]
    if kind in ("ref", "path"):
        target = resolve(node)
        return target.inline is None and target.qtype in ("date", "today")
    if kind == "call":
        return (node[1] == "today" and not node[2]) or (node[1] == "date" and len(node[2]) == 1
                                                        and node[2][0][0] == "str")
    if kind == "arith" and node[1] in ("+", "-"):
        return _is_date(node[2], resolve) and not _is_date(node[3], resolve)
    return False


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _iso_date(text: str) -> str:
    try:
        return datetime.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise Untranslatable(f"{text!r} is not a date YYYY-MM-DD") from None


_PRECEDENCE = {"or": 1, "and": 2, "not": 3}


def _render(node: tuple) -> tuple[str, int]:
    """Canonical fieldkit text of a translated tree.

    Parentheses where precedence needs them, and also around `and` inside
    `or` and after `not`, as people write them: `(a and b) or c`, `not (x == 1)`.
    """
    kind = node[0]
    if kind == "or":
        values = _same_ref_values(node)
        if values:
            return f"{values[0]} in [{', '.join(values[1])}]", 4
        return f"{_or_part(node[1])} or {_or_part(node[2])}", 1
    if kind == "and":
        different = _not_equal(node)
        if different:
            return different, 4
        return f"{_wrap(node[1], 2)} and {_wrap(node[2], 3)}", 2
    if kind == "not":
        inner = node[1]
        if inner[0] == "answered":
            return f"{inner[1]} is not answered", 4
        return f"not ({_render(inner)[0]})", 3
    if kind == "answered":
        return f"{node[1]} is answered", 4
    if kind == "cmp":
        return f"{node[2]} {node[1]} {node[3]}", 4
    if kind == "in":
        return f"{node[1]} in {node[2]}", 4
    return str(node[1]), 4


def _wrap(node: tuple, minimum: int) -> str:
    text, precedence = _render(node)
    return text if precedence >= minimum else f"({text})"


def _or_part(node: tuple) -> str:
    return _render(node)[0] if node[0] == "or" and not _same_ref_values(node) else _wrap(node, 3)


def _not_equal(node: tuple) -> str | None:
    """`a is answered and not (a == 'x')` is what fieldkit means by `a != 'x'`."""
    left, right = node[1], node[2]
    if left[0] == "answered" and right[0] == "not" and right[1][0] == "cmp" and right[1][1] == "==" \
            and right[1][2] == left[1]:
        return f"{left[1]} != {right[1][3]}"
    return None


def _same_ref_values(node: tuple) -> tuple[str, list[str]] | None:
    """`a == 'x' or a == 'y'` -> ("a", ["'x'", "'y'"]): the chain is `a in ['x', 'y']`."""
    tests: list[tuple] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current[0] == "or":
            stack += [current[2], current[1]]
        else:
            tests.append(current)
    if len(tests) < 2 or any(t[0] != "cmp" or t[1] != "==" or t[2] != tests[0][2] for t in tests):
        return None
    values = [t[3] for t in tests]
    if not all(v[:1] in ("'", "-") or v[:1].isdigit() for v in values):
        return None  # another question on the right: not a list of values
    return tests[0][2], values


def constraint_to_limits(expression: Expression, qtype: str, is_self: Callable[[tuple], bool]) -> dict:
    """min/max/pattern/max_length for a constraint made of `and`-ed simple tests."""
    limits: dict = {}
    for part in _conjuncts(expression.tree):
        _limit(part, qtype, is_self, limits)
    return limits


def _conjuncts(node: tuple) -> list[tuple]:
    if node[0] == "and":
        return _conjuncts(node[1]) + _conjuncts(node[2])
    return [node]


def _limit(node: tuple, qtype: str, is_self: Callable[[tuple], bool], limits: dict) -> None:
    if node[0] == "call" and node[1] == "regex" and len(node[2]) == 2 and is_self(node[2][0]):
        if qtype not in ("text", "longtext") or node[2][1][0] != "str":
            raise Untranslatable("regex() is only supported on text questions, with the pattern in quotes")
        pattern = node[2][1][1]
        try:
            compile_pattern(pattern)
        except re.error as exc:
            raise Untranslatable(f"the pattern {pattern!r} is not a valid regular expression: {exc}") from None
        limits["pattern"] = pattern
        return
    if node[0] != "cmp":
        raise Untranslatable("only ranges (. >= 0 and . <= 100), regex(., '...') and string-length(.) are supported")
    op, left, right = node[1], node[2], node[3]
    if not _subject(left, is_self) and _subject(right, is_self):
        op, left, right = FLIP[op], right, left
    subject = _subject(left, is_self)
    if subject is None or op in ("=", "!="):
        raise Untranslatable("only ranges (. >= 0 and . <= 100), regex(., '...') and string-length(.) are supported")
    if subject == "length":
        if qtype not in ("text", "longtext") or right[0] != "num" or op not in ("<", "<="):
            raise Untranslatable("string-length(.) is supported only as a maximum on text questions")
        limits["max_length"] = _whole(right[1]) - (1 if op == "<" else 0)
        return
    if subject == "count":
        if qtype != "multi" or right[0] != "num":
            raise Untranslatable("count-selected(.) is supported only on select_multiple, compared with a number")
        _bound(limits, op, _whole(right[1]), 1)
        return
    if qtype in ("integer", "money", "year"):
        if right[0] != "num":
            raise Untranslatable("the limit of a number must be a number")
        _bound(limits, op, _whole(right[1]), 1)
    elif qtype == "decimal":
        if right[0] != "num":
            raise Untranslatable("the limit of a number must be a number")
        if op in ("<", ">"):
            raise Untranslatable(f"'{op}' on a decimal question: fieldkit limits include the bound, so write "
                                 f"'{op}=' with the bound you mean")
        _bound(limits, op, _number(right[1]), 0)
    elif qtype == "date":
        if right[0] == "call" and right[1] == "date" and len(right[2]) == 1 and right[2][0][0] == "str":
            right = right[2][0]
        if right[0] != "str":
            raise Untranslatable("the limit of a date must be date('YYYY-MM-DD')")
        day = datetime.date.fromisoformat(_iso_date(right[1]))
        _bound(limits, op, day, datetime.timedelta(days=1))
        for key in ("min", "max"):
            if isinstance(limits.get(key), datetime.date):
                limits[key] = limits[key].isoformat()
    else:
        raise Untranslatable(f"a range is not supported on a {qtype} question")


def _subject(node: tuple, is_self: Callable[[tuple], bool]) -> str | None:
    if is_self(node):
        return "value"
    if node[0] == "call" and len(node[2]) == 1 and is_self(node[2][0]):
        return {"string-length": "length", "count-selected": "count"}.get(node[1])
    return None


def _bound(limits: dict, op: str, value, step) -> None:
    if op in (">", ">="):
        limits["min"] = value + step if op == ">" else value
    else:
        limits["max"] = value - step if op == "<" else value


def _whole(text: str) -> int:
    value = _number(text)
    if isinstance(value, float):
        if not value.is_integer():
            raise Untranslatable(f"{text} is not a whole number")
        value = int(value)
    return value


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)
