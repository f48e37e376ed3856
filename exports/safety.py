"""Neutralise text from users before it goes into a spreadsheet or CSV cell.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return can be
read as a formula by Excel and LibreOffice (CSV/formula injection). Such text
gets a leading apostrophe, so it is stored and shown as text. Control
characters that XML cannot carry are dropped: openpyxl would refuse them.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
#: Characters not allowed in XML 1.0 (openpyxl's ILLEGAL_CHARACTERS_RE).
ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
_TRIGGER_RE = r"^[=+\-@\t\r]"


def safe_text(value: str) -> str:
    """`value` without XML-illegal characters, prefixed with an apostrophe if it could start a formula."""
    if ILLEGAL.search(value):
        value = ILLEGAL.sub("", value)
    if value.startswith(TRIGGERS):
        return PREFIX + value
    return value


def safe_value(value: Any) -> Any:
    """safe_text for strings; anything else unchanged."""
    return safe_text(value) if isinstance(value, str) else value


def safe_series(values: pd.Series) -> np.ndarray:
    """A text column as an object array: strings neutralised, missing values as None."""
    strings = values.astype(object)
    present = strings.notna().to_numpy()
    out = np.full(len(strings), None, dtype=object)
    if present.any():
        text = pd.Series(strings[present].to_numpy(), dtype=object).astype(str)
        text = text.str.replace(ILLEGAL, "", regex=True)
        risky = text.str.contains(_TRIGGER_RE, regex=True).to_numpy()
        cleaned = text.to_numpy(dtype=object)
        cleaned[risky] = np.array([PREFIX + t for t in cleaned[risky]], dtype=object)
        out[present] = cleaned
    return out
