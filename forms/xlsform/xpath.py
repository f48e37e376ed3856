"""A parser for the part of XPath that XLSForm relevant and constraint columns use.

Supported: `${name}` and absolute paths, `.`, strings (also in typographic
quotes, which people paste from word processors), numbers, `= != < <= > >=`,
`and`, `or`, arithmetic (`+ - * div mod`, unary minus), parentheses and
function calls. Unions and predicates raise `XPathError`: the caller reports
them as constructs fieldkit cannot use.

The tree is made of tuples:
    ("or", a, b)  ("and", a, b)  ("cmp", op, a, b)  ("call", name, args)
    ("arith", op, a, b)  ("neg", a)
    ("ref", name)  ("path", (segment, ...))  ("self",)  ("str", text)  ("num", text)

Numbers keep their text ("1.50") so a translation can write them back unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CMP = ("=", "!=", "<=", ">=", "<", ">")

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{\s*(?P<refname>[^}\s]*)\s*\})
      | (?P<path>(?:/[A-Za-z_][\w.\-]*)+)
      | (?P<num>\d+(?:\.\d+)?|\.\d+)
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<typo>[\u2018\u2019][^\u2018\u2019]*[\u2018\u2019]|[\u201c\u201d][^\u201c\u201d]*[\u201c\u201d])
      | (?P<op>!=|<=|>=|=|<|>|\(|\)|,|\.|-|\+|\*)
      | (?P<name>[A-Za-z_][\w\-.:]*)
      | (?P<other>\S)
    )""",
    re.VERBOSE,
)


class XPathError(ValueError):
    """An expression outside the supported subset; the message says what."""


@dataclass(frozen=True)
class Token:
    kind: str
    value: object


@dataclass(frozen=True)
class Expression:
    """A parsed expression; `typographic_quotes` is set when ‘…’ or “…” were read as quotes."""

    source: str
    tree: tuple
    typographic_quotes: bool = False


def tokenize(source: str) -> tuple[list[Token], bool]:
    tokens: list[Token] = []
    typographic = False
    pos = 0
    text = source.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        kind = match.lastgroup
        raw = match.group(kind)
        pos = match.end()
        if kind == "ref":
            name = match.group("refname")
            if not name:
                raise XPathError("empty reference ${}")
            tokens.append(Token("ref", name))
        elif kind == "path":
            tokens.append(Token("path", tuple(raw.strip("/").split("/"))))
        elif kind == "num":
            tokens.append(Token("num", raw))
        elif kind in ("str", "typo"):
            typographic = typographic or kind == "typo"
            tokens.append(Token("str", raw[1:-1]))
        elif kind == "name" and raw in ("and", "or", "div", "mod"):
            tokens.append(Token("kw", raw))
        elif kind == "other":
            raise XPathError(f"the operator {raw!r} is not supported")
        else:
            tokens.append(Token(kind, raw))
    tokens.append(Token("end", None))
    return tokens, typographic


def parse(source: str) -> Expression:
    """Parse an expression or raise XPathError."""
    tokens, typographic = tokenize(source)
    if len(tokens) == 1:
        raise XPathError("the expression is empty")
    parser = _Parser(tokens)
    tree = parser.parse_or()
    if parser.peek().kind != "end":
        raise XPathError(f"unexpected {parser.peek().value!r}")
    return Expression(source, tree, typographic)


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def accept(self, kind: str, value: object = None) -> bool:
        token = self.peek()
        if token.kind == kind and (value is None or token.value == value):
            self.i += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.accept("op", value):
            found = self.peek().value
            raise XPathError(f"expected {value!r} but found {'the end' if found is None else repr(found)}")

    def parse_or(self) -> tuple:
        node = self.parse_and()
        while self.accept("kw", "or"):
            node = ("or", node, self.parse_and())
        return node

    def parse_and(self) -> tuple:
        node = self.parse_cmp()
        while self.accept("kw", "and"):
            node = ("and", node, self.parse_cmp())
        return node

    def parse_cmp(self) -> tuple:
        node = self.parse_sum()
        token = self.peek()
        if token.kind == "op" and token.value in CMP:
            self.take()
            node = ("cmp", token.value, node, self.parse_sum())
            after = self.peek()
            if after.kind == "op" and after.value in CMP:
                raise XPathError("chained comparisons are not supported")
        return node

    def parse_sum(self) -> tuple:
        node = self.parse_product()
        while self.peek().kind == "op" and self.peek().value in ("+", "-"):
            node = ("arith", self.take().value, node, self.parse_product())
        return node

    def parse_product(self) -> tuple:
        node = self.parse_unary()
        while (self.peek().kind == "op" and self.peek().value == "*") or \
                (self.peek().kind == "kw" and self.peek().value in ("div", "mod")):
            node = ("arith", self.take().value, node, self.parse_unary())
        return node

    def parse_unary(self) -> tuple:
        if self.accept("op", "-"):
            if self.peek().kind == "num":
                return ("num", "-" + self.take().value)
            return ("neg", self.parse_unary())
        return self.parse_primary()

    def parse_primary(self) -> tuple:
        token = self.take()
        if token.kind == "op" and token.value == "(":
            node = self.parse_or()
            self.expect(")")
            return node
        if token.kind == "op" and token.value == ".":
            return ("self",)
        if token.kind == "ref":
            return ("ref", token.value)
        if token.kind == "path":
            return ("path", token.value)
        if token.kind == "str":
            return ("str", token.value)
        if token.kind == "num":
            return ("num", token.value)
        if token.kind == "name" and self.accept("op", "("):
            args = []
            if not self.accept("op", ")"):
                args.append(self.parse_or())
                while self.accept("op", ","):
                    args.append(self.parse_or())
                self.expect(")")
            return ("call", token.value, tuple(args))
        if token.kind == "name":
            raise XPathError(f"{token.value!r} is not a reference: write ${{{token.value}}}")
        if token.kind == "end":
            raise XPathError("the expression ends too early")
        raise XPathError(f"unexpected {token.value!r}")
