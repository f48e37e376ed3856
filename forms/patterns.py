"""Answer patterns: Python regular expressions, plus the Unicode classes `\\p{L}` and `\\P{L}`.

ODK (Java) and the browser (JavaScript with the `u` flag, `webapp/answers.js`)
read `\\p{L}` as "any letter", and XLSForms use it for names in any alphabet
(`regex(., '^\\p{L}+$')`). Python's `re` has no `\\p`, so a pattern keeps the
form's spelling (the export writes it back word for word) and is translated
here, for the server's checks only, into the code point ranges of that
Unicode general category.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

#: `\p{L}`, `\p{Lu}`, `\P{N}`: a general category (one or two letters), `\P` its complement. Only the spelling
#: both Java and JavaScript read: not `\pL` nor `\p{^L}`, which the browser refuses.
_PROPERTY = re.compile(r"\{([A-Z][a-z]?)\}")


def fullmatch(pattern: str, text: str) -> bool:
    """Does the whole of `text` match `pattern`?"""
    return compile_pattern(pattern).fullmatch(text) is not None


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern:
    """The pattern compiled for Python; raises re.error (with the reason) for one that is not valid."""
    return re.compile(to_python(pattern))


def to_python(pattern: str) -> str:
    r"""The pattern with each `\p{X}` / `\P{X}` as a Python character class; a pattern without them unchanged."""
    if "\\p" not in pattern and "\\P" not in pattern:
        return pattern
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            found = _PROPERTY.match(pattern, i + 2) if pattern[i + 1] in "pP" else None
            if found:
                negate = pattern[i + 1] == "P"
                ranges = _ranges(found.group(1))
                if in_class and negate:
                    raise re.error(f"{pattern[i:found.end()]} inside [...] is not supported", pattern, i)
                out.append(ranges if in_class else f"[{'^' if negate else ''}{ranges}]")
                i = found.end()
                continue
            if pattern[i + 1] in "pP":
                raise re.error(f"bad Unicode class at {pattern[i:i + 6]!r}: write \\p{{L}}, \\p{{Lu}}, \\p{{N}}...",
                               pattern, i)
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            start = i + 1 + (pattern[i + 1:i + 2] == "^")
            start += pattern[start:start + 1] == "]"  # a ] first in the class is itself
            out.append(pattern[i:start])
            i = start
            continue
        if ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def _ranges(category: str) -> str:
    """The code points of a general category (`L`: every L*) as the inside of a character class."""
    table = _categories()
    names = [name for name in table if name == category or (len(category) == 1 and name[0] == category)]
    if not names:
        raise re.error(f"unknown Unicode category {category!r} in \\p{{{category}}}")
    spans = sorted(span for name in names for span in table[name])
    merged: list[list[int]] = []
    for low, high in spans:
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return "".join(_escape(low) if low == high else f"{_escape(low)}-{_escape(high)}" for low, high in merged)


@lru_cache(maxsize=1)
def _categories() -> dict[str, list[tuple[int, int]]]:
    """Every general category as runs of code points: read once from unicodedata (a fraction of a second)."""
    table: dict[str, list[tuple[int, int]]] = {}
    current, start = None, 0
    for code in range(sys.maxunicode + 2):
        category = unicodedata.category(chr(code)) if code <= sys.maxunicode else None
        if category != current:
            if current is not None:
                table.setdefault(current, []).append((start, code - 1))
            current, start = category, code
    return table


def _escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
