"""The relevance expression language: a tokenizer, a parser and an evaluator.

Grammar (see docs/forms.md)::

    expr     := or
    or       := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | test
    test     := operand [ CMP operand | ["not"] "in" (list | ref)
                         | "is" ["not"] "answered" ]
    operand  := ref | STRING | NUMBER | "(" expr ")"
    ref      := ID ["[" ID "]"]            # a question, or an item of a matrix
    list     := "[" literal ("," literal)* "]"

Nothing is ever passed to `eval`: the parser builds a small tree of tuples and
`evaluate` walks it. Comparisons with a missing answer are false.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from .errors import FieldkitError

CMP_OPS = ("==", "!=", "<=", ">=", "<", ">")
KEYWORDS = ("and", "or", "not", "in", "is", "answered", "true", "false")

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)
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


def tokenize(source: str) -> list[Token]:
    tokens = []
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
        left = self.parse_operand()
        token = self.peek()
        if token.kind == "op" and token.value in CMP_OPS:
            self.take()
            return ("cmp", token.value, left, self.parse_operand())
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
    return _eval(node, lookup)


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    return None


def _compare(op: str, left, right) -> bool:
    if left is None or right is None:
        return False
    if op in ("==", "!="):
        if _number(left) is not None and _number(right) is not None:
            equal = _number(left) == _number(right)
        else:
            equal = str(left) == str(right)
        return equal if op == "==" else not equal
    a, b = _number(left), _number(right)
    if a is None or b is None:
        if isinstance(left, str) and isinstance(right, str):
            a, b = left, right  # ISO dates compare as strings
        else:
            return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


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
    if kind in ("lit", "ref"):
        value = _value(node, lookup)
        # A bare reference means "answered": 0 is an answer (0 == False would say otherwise).
        return not (value is None or value is False or (isinstance(value, (str, list, dict)) and not value))
    return False
