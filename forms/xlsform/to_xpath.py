"""Write fieldkit conditions and limits as XLSForm XPath (the way back of `expressions`).

Missing answers: in fieldkit a comparison with a missing answer is false, in
XPath an unanswered question is '' and `'' != 'x'` is true; so `sec.x != 'x'`
is written `${x} != '' and ${x} != 'x'`, and `not in` gets the same guard.

Arithmetic and functions (derived values, `expression_to_xpath`) use ODK's
XPath: `div` for /, dates through `decimal-date-time()` (days since 1970) and
back through `date()`, `if()`, `min()`, `max()`, `round()`. fieldkit's exact
expression travels beside it in `fieldkit_expression`, so nothing is lost.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable

from .. import conditions
from ..arithmetic import as_date

RefText = Callable[[str, str | None], str]  # (question id, matrix item or None) -> XPath reference


def condition_to_xpath(source: str, ref_text: RefText, types: dict[str, str],
                       items: dict[str, list[str]] | None = None) -> str:
    """The XPath for a fieldkit condition; `types` maps question ids to fieldkit types."""
    tree = conditions.parse(source).tree
    return _x(tree, ref_text, types, items or {})[0]


def expression_to_xpath(source: str, ref_text: RefText, types: dict[str, str],
                        items: dict[str, list[str]] | None = None) -> str:
    """The XPath `calculation` for a derived entry's expression; `types` maps ids to (result) types."""
    tree = conditions.parse(source).tree
    if tree[0] in _VALUE_NODES:
        return _xvalue(tree, ref_text, types, items or {})[0]
    return _x(tree, ref_text, types, items or {})[0]


_VALUE_NODES = ("lit", "ref", "arith", "neg", "call")
_NUMBER_TYPES = ("integer", "decimal", "money", "year")


def _xvalue(node: tuple, ref: RefText, types: dict, items: dict) -> tuple[str, str]:
    """(XPath, kind) of a value: kind is number, date, duration (days as a number) or other."""
    kind = node[0]
    if kind == "ref":
        found = types.get(node[1])
        shown = "date" if found in ("date", "today") and node[2] is None else "number" if found in _NUMBER_TYPES else "other"
        return ref(node[1], node[2]), shown
    if kind == "lit":
        value = node[1]
        if isinstance(value, str) and as_date(value) is not None:
            return f"date({_xliteral(value)})", "date"
        return _xliteral(value), "number" if isinstance(value, (int, float)) and not isinstance(value, bool) else "other"
    if kind == "arith":
        op = node[1]
        (a, ka), (b, kb) = _xvalue(node[2], ref, types, items), _xvalue(node[3], ref, types, items)
        if op == "-" and ka == kb == "date":
            return f"(decimal-date-time({a}) - decimal-date-time({b}))", "duration"
        if op in ("+", "-") and ka == "date":
            return f"date(decimal-date-time({a}) {op} {b})", "date"
        if op == "+" and kb == "date":
            return f"date({a} + decimal-date-time({b}))", "date"
        return f"({a} {'div' if op == '/' else op} {b})", "duration" if "duration" in (ka, kb) else "number"
    if kind == "neg":
        inner, shown = _xvalue(node[1], ref, types, items)
        return f"-{inner}", shown
    if kind == "call":
        name, args = node[1], node[3:]
        if name == "if":
            test = _x(args[0], ref, types, items)[0]
            (a, ka), (b, _kb) = _xvalue(args[1], ref, types, items), _xvalue(args[2], ref, types, items)
            return f"if({test}, {a}, {b})", ka
        values = [_xvalue(arg, ref, types, items) for arg in args]
        if name == "days":
            return f"round({values[0][0]}, 0)", "number"
        if name == "round":
            digits = values[1][0] if len(values) > 1 else "0"
            return f"round({values[0][0]}, {digits})", "number"
        if all(k == "date" for _text, k in values):
            inner = ", ".join(f"decimal-date-time({text})" for text, _k in values)
            return f"date({name}({inner}))", "date"
        return f"{name}({', '.join(text for text, _k in values)})", "number"
    return f"({_x(node, ref, types, items)[0]})", "other"


def _x(node: tuple, ref: RefText, types: dict, items: dict) -> tuple[str, int]:
    kind = node[0]
    if kind in ("arith", "neg", "call"):
        return _xvalue(node, ref, types, items)[0], 4
    if kind == "or":
        left, right = (_x(n, ref, types, items)[0] if n[0] == "or" else _xwrap(n, 3, ref, types, items)
                       for n in node[1:])
        return f"{left} or {right}", 1
    if kind == "and":
        return f"{_xwrap(node[1], 2, ref, types, items)} and {_xwrap(node[2], 3, ref, types, items)}", 2
    if kind == "not":
        inner = node[1]
        if inner[0] == "answered" and not (types.get(inner[1][1]) == "matrix" and inner[1][2] is None):
            return f"{ref(inner[1][1], inner[1][2])} = ''", 3
        return f"not({_x(inner, ref, types, items)[0]})", 4
    if kind == "cmp":
        return _xcmp(node, ref, types, items)
    if kind == "in":
        left, right = node[1], node[2]
        if right[0] == "list":
            value = _xoperand(left, ref, types, items)
            parts = [f"{value} = {_xliteral(v)}" for v in right[1]]
            return " or ".join(parts), 1 if len(parts) > 1 else 3
        return f"selected({_xoperand(right, ref, types, items)}, {_xoperand(left, ref, types, items)})", 4
    if kind == "not_in":
        # fieldkit: false when an answer is missing, like !=
        left, right = node[1], node[2]
        guards = [f"{_xoperand(n, ref, types, items)} != ''" for n in (left, right) if n[0] == "ref"]
        inner = _x(("in", left, right), ref, types, items)[0]
        return " and ".join(guards + [f"not({inner})"]), 2 if guards else 4
    if kind == "answered" or kind == "ref":
        target = node[1] if kind == "answered" else node
        if types.get(target[1]) == "matrix" and target[2] is None:
            parts = [f"{ref(target[1], item)} != ''" for item in items.get(target[1], [])]
            return " or ".join(parts), 1 if len(parts) > 1 else 3
        return f"{ref(target[1], target[2])} != ''", 3
    if kind == "lit":
        return _xliteral(node[1]), 4
    raise ValueError(f"unexpected condition node {kind!r}")


def _xcmp(node: tuple, ref: RefText, types: dict, items: dict) -> tuple[str, int]:
    op, left, right = node[1], node[2], node[3]
    dated = any(n[0] == "ref" and types.get(n[1]) == "date" for n in (left, right))
    a = _xoperand(left, ref, types, items, dated)
    b = _xoperand(right, ref, types, items, dated)
    guards = []
    # fieldkit: a comparison with a missing answer is false; XPath: '' != 'x' is true.
    if op == "!=" or (op == "==" and left[0] == "ref" and right[0] == "ref"):
        guards = [f"{text} != ''" for n, text in ((left, a), (right, b)) if n[0] == "ref"]
    test = f"{a} {'=' if op == '==' else op} {b}"
    if guards:
        return " and ".join(guards + [test]), 2
    return test, 3


def _xoperand(node: tuple, ref: RefText, types: dict, items: dict, dated: bool = False) -> str:
    if node[0] in ("arith", "neg", "call"):
        return _xvalue(node, ref, types, items)[0]
    if node[0] == "ref":
        return ref(node[1], node[2])
    if node[0] == "lit":
        if dated and isinstance(node[1], str):
            return f"date({_xliteral(node[1])})"
        return _xliteral(node[1])
    return f"({_x(node, ref, types, items)[0]})"


def _xliteral(value) -> str:
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, (int, float)):
        return number_text(value)
    text = str(value)
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    # XPath 1.0 strings have no escapes: glue the pieces around each ' together.
    items = []
    for i, piece in enumerate(text.split("'")):
        if i:
            items.append('"\'"')
        if piece:
            items.append(f"'{piece}'")
    return "concat(" + ", ".join(items) + ")"


def number_text(value: int | float) -> str:
    """A number as XPath text that reads back as the same Python value: 1 -> "1", 1.0 -> "1.0"."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text if "." in text else text + ".0"


def _xwrap(node: tuple, minimum: int, ref: RefText, types: dict, items: dict) -> str:
    text, precedence = _x(node, ref, types, items)
    return text if precedence >= minimum else f"({text})"


def limits_to_constraint(question) -> str:
    """The XLSForm constraint for a question's min/max/pattern/max_length ('' if none)."""
    parts = []
    if question.type == "multi":
        subject = "count-selected(.)"
    else:
        subject = "."
    for key, op in (("min", ">="), ("max", "<=")):
        value = getattr(question, key)
        if value is None:
            continue
        if question.type == "date":
            parts.append(f"{subject} {op} date('{value}')")
        else:
            parts.append(f"{subject} {op} {number_text(value)}")
    if question.pattern is not None:
        parts.append(f"regex(., {_xliteral(question.pattern)})")
    if question.max_length is not None:
        parts.append(f"string-length(.) <= {question.max_length}")
    return " and ".join(parts)
