"""The expression language of conditions and derived values: a tokenizer, a parser and two evaluators.

Grammar (see docs/forms.md)::

    expr     := or
    or       := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | test
    test     := sum [ CMP sum | ["not"] "in" (list | ref)
                     | "is" ["not"] "answered" ]
    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "/") unary)*
    unary    := "-" unary | operand
    operand  := ref | STRING | NUMBER | "true" | "false" | call | "(" expr ")"
    call     := FUNCTION "(" expr ("," expr)* ")"   # days, if, max, min, round
    ref      := ID ["[" ID "]"]            # a question, or an item of a matrix
    list     := "[" literal ("," literal)* "]"

Nothing is ever passed to `eval`: the parser builds a small tree of tuples and
the evaluators walk it. `Condition.evaluate` decides a condition: a comparison
with a missing answer is false. `Condition.value` computes a derived value with
three-valued logic: anything that needs a missing answer is missing (None).
What arithmetic and the functions mean is in `arithmetic`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any, Callable

from . import arithmetic
from .arithmetic import FUNCTIONS
from .errors import FieldkitError

CMP_OPS = ("==", "!=", "<=", ">=", "<", ">")
KEYWORDS = ("and", "or", "not", "in", "is", "answered", "true", "false")

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,|\+|-|\*|/)
      | (?P<name>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)


class ConditionError(FieldkitError, ValueError):
    """A condition that cannot be parsed; `position` is a character offset."""

    def __init__(self, message: str, position: int = 0):
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str
    value: Any
    pos: int


def _ends_operand(token: Token | None) -> bool:
    """Does this token end an operand, so that a `-` after it subtracts rather than negates?"""
    if token is None:
        return False
    return token.kind in ("number", "string", "name") or (token.kind == "kw" and token.value in ("true", "false")) \
        or (token.kind == "op" and token.value in (")", "]"))


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    source = source.rstrip()
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if not match or match.end() == pos:
            bad = len(source) - len(source[pos:].lstrip())  # the character itself, not the blanks before it
            raise ConditionError(f"unexpected character {source[bad]!r} at position {bad + 1}", bad)
        kind = match.lastgroup
        text = match.group(kind)
        start = match.start(kind)
        if kind == "number" and text.startswith("-") and _ends_operand(tokens[-1] if tokens else None):
            # `s.a -1` subtracts: the sign is an operator, the digits a number of their own.
            tokens.append(Token("op", "-", start))
            pos = start + 1
            continue
        if kind == "number":
            value: Any = float(text) if "." in text else int(text)
        elif kind == "string":
            value = re.sub(r"\\(.)", r"\1", text[1:-1])
        else:
            value = text
        if kind == "name" and text in KEYWORDS:
            kind = "kw"
        tokens.append(Token(kind, value, start))
        pos = match.end()
    tokens.append(Token("end", None, len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str):
        self.tokens = tokenize(source)
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def accept(self, kind: str, value: Any = None) -> Token | None:
        token = self.peek()
        if token.kind == kind and (value is None or token.value == value):
            self.i += 1
            return token
        return None

    def expect(self, kind: str, value: Any, what: str) -> Token:
        token = self.accept(kind, value)
        if token is None:
            raise ConditionError(f"expected {what} at position {self.peek().pos + 1}", self.peek().pos)
        return token

    def parse(self):
        node = self.parse_or()
        if self.peek().kind != "end":
            token = self.peek()
            raise ConditionError(f"unexpected {token.value!r} at position {token.pos + 1}", token.pos)
        return node

    def parse_or(self):
        node = self.parse_and()
        while self.accept("kw", "or"):
            node = ("or", node, self.parse_and())
        return node

    def parse_and(self):
        node = self.parse_not()
        while self.accept("kw", "and"):
            node = ("and", node, self.parse_not())
        return node

    def parse_not(self):
        if self.accept("kw", "not"):
            return ("not", self.parse_not())
        return self.parse_test()

    def parse_test(self):
        left = self.parse_sum()
        token = self.peek()
        if token.kind == "op" and token.value in CMP_OPS:
            self.take()
            return ("cmp", token.value, left, self.parse_sum())
        negate = False
        if token.kind == "kw" and token.value == "not" and self.tokens[self.i + 1].value == "in":
            self.take()
            negate = True
        if self.accept("kw", "in"):
            right = self.parse_list() if self.peek().value == "[" else self.parse_ref()
            return ("not_in" if negate else "in", left, right)
        if self.accept("kw", "is"):
            negate = bool(self.accept("kw", "not"))
            self.expect("kw", "answered", "'answered' after 'is'")
            if left[0] != "ref":
                raise ConditionError(f"'is answered' needs a question id at position {token.pos + 1}", token.pos)
            node = ("answered", left)
            return ("not", node) if negate else node
        return left

    def parse_sum(self):
        node = self.parse_product()
        while self.peek().kind == "op" and self.peek().value in ("+", "-"):
            node = ("arith", self.take().value, node, self.parse_product())
        return node

    def parse_product(self):
        node = self.parse_unary()
        while self.peek().kind == "op" and self.peek().value in ("*", "/"):
            node = ("arith", self.take().value, node, self.parse_unary())
        return node

    def parse_unary(self):
        if self.accept("op", "-"):
            operand = self.parse_unary()
            if operand[0] == "lit" and arithmetic.as_number(operand[1]) is not None:
                return ("lit", -operand[1])
            return ("neg", operand)
        return self.parse_operand()

    def parse_call(self):
        token = self.take()
        name = token.value
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise ConditionError(f"unknown function {name!r} at position {token.pos + 1} (known: {known})", token.pos)
        self.expect("op", "(", "'('")
        args = [self.parse_or()]
        while self.accept("op", ","):
            args.append(self.parse_or())
        self.expect("op", ")", "',' or ')'")
        least, most = FUNCTIONS[name]
        if len(args) < least or (most is not None and len(args) > most):
            wanted = f"{least} argument" + ("s" if least > 1 else "") if least == most else \
                f"{least} or more arguments" if most is None else f"{least} or {most} arguments"
            raise ConditionError(f"{name}() takes {wanted} (got {len(args)}) at position {token.pos + 1}", token.pos)
        return ("call", name, token.pos, *args)

    def parse_operand(self):
        token = self.peek()
        if self.accept("op", "("):
            node = self.parse_or()
            self.expect("op", ")", "')'")
            return node
        if token.kind in ("number", "string"):
            self.take()
            return ("lit", token.value)
        if token.kind == "kw" and token.value in ("true", "false"):
            self.take()
            return ("lit", token.value == "true")
        if token.kind == "name":
            following = self.tokens[self.i + 1]
            if following.kind == "op" and following.value == "(":
                return self.parse_call()
            return self.parse_ref()
        shown = "end of condition" if token.kind == "end" else repr(token.value)
        raise ConditionError(f"expected a question id or a value, found {shown} at position {token.pos + 1}", token.pos)

    def parse_ref(self):
        token = self.take()
        if token.kind != "name":
            raise ConditionError(f"expected a question id at position {token.pos + 1}", token.pos)
        item = None
        if self.accept("op", "["):
            item_token = self.take()
            if item_token.kind not in ("name", "number", "string"):
                raise ConditionError(f"expected an item code at position {item_token.pos + 1}", item_token.pos)
            item = str(item_token.value)
            self.expect("op", "]", "']'")
        return ("ref", token.value, item, token.pos)

    def parse_list(self):
        self.expect("op", "[", "'['")
        values = []
        while True:
            token = self.take()
            if token.kind not in ("number", "string"):
                raise ConditionError(f"expected a value in the list at position {token.pos + 1}", token.pos)
            values.append(token.value)
            if self.accept("op", "]"):
                return ("list", tuple(values))
            self.expect("op", ",", "',' or ']'")


@dataclass(frozen=True)
class Condition:
    """A parsed relevance condition."""

    source: str
    tree: tuple

    def references(self) -> list[str]:
        """Question ids this condition reads, in order of appearance."""
        found: list[str] = []
        _collect(self.tree, found)
        return found

    def evaluate(self, lookup: Callable[[str], Any]) -> bool:
        """Evaluate with `lookup(qid)` giving an answer, or None when missing."""
        return bool(_eval(self.tree, lookup))

    def value(self, lookup: Callable[[str], Any], booleans: frozenset[str] = frozenset()) -> Any:
        """The value of the expression, None when it needs something missing (three-valued logic).

        `booleans` names the references whose values are true/false themselves (derived rules):
        standing alone they mean that value; any other reference standing alone means "is answered".
        """
        return _value3(self.tree, lookup, booleans)


def parse(source: str) -> Condition:
    """Parse a condition, raising ConditionError with a position on failure."""
    if not isinstance(source, str) or not source.strip():
        raise ConditionError("a condition must be a non-empty string")
    return Condition(source, _Parser(source).parse())


def _collect(node, found: list[str]) -> None:
    if node[0] in ("lit", "list"):
        return  # literal values, never question ids (a list may hold the string 'ref')
    if node[0] == "ref":
        if node[1] not in found:
            found.append(node[1])
        return
    for child in node[1:]:
        if isinstance(child, tuple):
            _collect(child, found)


def _value(node, lookup):
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "ref":
        value = lookup(node[1])
        if node[2] is not None:
            return value.get(node[2]) if isinstance(value, dict) else None
        return value
    if kind == "arith":
        return arithmetic.binary(node[1], _value(node[2], lookup), _value(node[3], lookup))
    if kind == "neg":
        return arithmetic.negate(_value(node[1], lookup))
    if kind == "call":
        if node[1] == "if":
            return _value(node[4] if _eval(node[3], lookup) else node[5], lookup)
        return arithmetic.call(node[1], [_value(arg, lookup) for arg in node[3:]])
    return _eval(node, lookup)


def _compare(op: str, left, right) -> bool:
    return bool(_compare3(op, left, right))


def _compare3(op: str, left, right) -> bool | None:
    """A comparison; None when a side is missing or the two cannot be compared (a number with text)."""
    if left is None or right is None:
        return None
    pair = arithmetic.comparable(left, right)  # numbers, dates, date differences, text with text
    if op in ("==", "!="):
        if pair is not None:
            equal = pair[0] == pair[1]
        elif isinstance(left, (datetime.date, datetime.timedelta)) or isinstance(right, (datetime.date, datetime.timedelta)):
            return None
        else:
            equal = str(left) == str(right)  # q == 1 matches the code "1"
        return equal if op == "==" else not equal
    if pair is None:
        return None
    a, b = pair
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _truth(value) -> bool:
    """What a value standing alone means in a condition: "has an answer" (0 is an answer)."""
    return not (value is None or value is False or (isinstance(value, (str, list, dict)) and not value))


def _eval(node, lookup):
    kind = node[0]
    if kind == "or":
        return _eval(node[1], lookup) or _eval(node[2], lookup)
    if kind == "and":
        return _eval(node[1], lookup) and _eval(node[2], lookup)
    if kind == "not":
        return not _eval(node[1], lookup)
    if kind == "cmp":
        return _compare(node[1], _value(node[2], lookup), _value(node[3], lookup))
    if kind == "in":
        left = _value(node[1], lookup)
        if left is None:
            return False
        right = node[2][1] if node[2][0] == "list" else _value(node[2], lookup)
        if isinstance(right, dict):
            right = list(right.values())
        if not isinstance(right, (list, tuple)):
            return False
        return any(_compare("==", left, candidate) for candidate in right)
    if kind == "not_in":
        # Like `!=`: with a missing answer on either side the test is false.
        if _value(node[1], lookup) is None or (node[2][0] == "ref" and _value(node[2], lookup) is None):
            return False
        return not _eval(("in", node[1], node[2]), lookup)
    if kind == "answered":
        value = _value(node[1], lookup)
        return value not in (None, "", [], {})
    if kind in ("lit", "ref", "arith", "neg", "call"):
        # A bare reference means "answered": 0 is an answer (0 == False would say otherwise).
        return _truth(_value(node, lookup))
    return False


def _value3(node, lookup, booleans: frozenset[str]):
    """The value of a derived expression: like `_value`, but anything missing makes the result missing."""
    kind = node[0]
    if kind in ("lit", "ref"):
        return _value(node, lookup)
    if kind == "arith":
        return arithmetic.binary(node[1], _value3(node[2], lookup, booleans), _value3(node[3], lookup, booleans))
    if kind == "neg":
        return arithmetic.negate(_value3(node[1], lookup, booleans))
    if kind == "call":
        if node[1] == "if":
            test = _truth3(node[3], lookup, booleans)
            return None if test is None else _value3(node[4] if test else node[5], lookup, booleans)
        return arithmetic.call(node[1], [_value3(arg, lookup, booleans) for arg in node[3:]])
    if kind in ("or", "and"):
        a, b = _truth3(node[1], lookup, booleans), _truth3(node[2], lookup, booleans)
        decisive = kind == "or"  # true decides an `or`, false an `and`
        if a is decisive or b is decisive:
            return decisive
        return None if a is None or b is None else not decisive
    if kind == "not":
        test = _truth3(node[1], lookup, booleans)
        return None if test is None else not test
    if kind == "cmp":
        return _compare3(node[1], _value3(node[2], lookup, booleans), _value3(node[3], lookup, booleans))
    if kind in ("in", "not_in"):
        left = _value3(node[1], lookup, booleans)
        right = node[2][1] if node[2][0] == "list" else _value(node[2], lookup)
        if left is None or right is None:
            return None
        if isinstance(right, dict):
            right = list(right.values())
        found = isinstance(right, (list, tuple)) and any(_compare3("==", left, c) for c in right)
        return found if kind == "in" else not found
    if kind == "answered":
        return _eval(node, lookup)
    return None


def _truth3(node, lookup, booleans: frozenset[str]):
    """True, False or None (missing) for an operand of and/or/not/if."""
    if node[0] == "ref" and node[2] is None and node[1] in booleans:
        value = lookup(node[1])
        return value if isinstance(value, bool) else None
    if node[0] in ("lit", "ref"):
        return _eval(node, lookup)
    value = _value3(node, lookup, booleans)
    if value is None or isinstance(value, bool):
        return value
    return _truth(value)
