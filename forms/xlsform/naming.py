"""The naming rules: XLSForm names and choice names as fieldkit ids and codes."""

from __future__ import annotations

import re

from .languages import fold


def make_id(name: str, prefix: str = "q") -> str:
    """An XLSForm name as a fieldkit id: lowercase [a-z0-9_], starting with a letter.

    `Seedling-1` -> `seedling_1`, `père` -> `pere`, `_1` -> `q_1`.
    """
    text = re.sub(r"[^a-z0-9_]+", "_", fold(name))
    text = re.sub(r"_+", "_", text).strip("_")
    if not text:
        return prefix
    return text if text[0].isalpha() else f"{prefix}_{text}"


def make_code(name: str) -> str:
    """A choice name as a fieldkit code: letters, digits, '_' and '-' (case kept)."""
    text = re.sub(r"[^A-Za-z0-9_\-]+", "_", name if name.isascii() else fold(name)).strip("_")
    return text or "c"


def make_slug(name: str, prefix: str = "form") -> str:
    """A form_id as a questionnaire id: lowercase letters, digits and '-'."""
    text = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or prefix
    return text if text[0].isalpha() else f"{prefix}-{text}"


def make_version(value: str) -> str:
    """A version as fieldkit accepts it: `v 1/2` -> `v-1-2` ('' if nothing is left)."""
    text = re.sub(r"[^0-9A-Za-z.\-]+", "-", value)
    return re.sub(r"^[^0-9A-Za-z]+", "", text)


def unique(candidate: str, taken: set[str]) -> str:
    """`candidate`, or `candidate_2`, `_3`... whichever is not taken yet; marks it taken."""
    result, n = candidate, 1
    while result in taken:
        n += 1
        result = f"{candidate}_{n}"
    taken.add(result)
    return result
