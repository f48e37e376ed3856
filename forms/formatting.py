"""Numbers, money and percentages for a reader's language, formatted by Babel.

Swedish groups thousands with a no-break space (U+00A0) and writes a decimal
comma: "12 500,5", "87 %", "12 500 kr". English writes "12,500.5", "87%",
"SEK 12,500". A missing value (None, NaN) is shown as an en dash, and a value
that is not a number as it is.
"""

from __future__ import annotations

import decimal
import math
from numbers import Integral, Number
from typing import Any

from babel import Locale, numbers

from .catalogues import DEFAULT_LANGUAGE, LANGUAGES

DASH = "–"


def locale_of(lang: str) -> Locale:
    return Locale.parse(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return not math.isfinite(value)
    except (TypeError, OverflowError):  # not a number, or an int too large for a float
        return False


def _shown(value: Any) -> str | None:
    """An en dash for a missing value, the text itself for one that is not a number, else None."""
    if _missing(value):
        return DASH
    if isinstance(value, bool) or not isinstance(value, Number):
        return str(value)
    return None


def _half_up(number: float, decimals: int) -> decimal.Decimal:
    """`number` rounded to `decimals` with halves away from zero, from its shortest decimal form.

    This is how Excel and LibreOffice show a cell with a percent format (0.125 as "13%", 0.285 as "29%"),
    so the page and the workbook agree; Babel rounds halves to even, on the binary value.
    """
    return decimal.Decimal(repr(number)).quantize(decimal.Decimal(1).scaleb(-decimals), decimal.ROUND_HALF_UP)


def _plain(value: Any, decimals: int) -> int | float:
    """An int for whole values, else a float rounded to `decimals` (numpy values become Python ones).

    Python's round(): a tie the float holds exactly goes to the even digit, as the offline app's
    `numberText` rounds it (the two must write an answer alike; shares use `format_percent`).
    """
    if isinstance(value, Integral):
        return int(value)
    number = float(value)
    return int(number) if number.is_integer() else round(number, decimals)


def format_number(value: Any, lang: str = DEFAULT_LANGUAGE, *, decimals: int = 2) -> str:
    """A grouped number with at most `decimals` decimals and no trailing zeros: 12 500,5 / 12,500.5."""
    shown = _shown(value)
    if shown is not None:
        return shown
    try:
        return numbers.format_decimal(_plain(value, decimals), locale=locale_of(lang), decimal_quantization=False)
    except decimal.InvalidOperation:  # beyond Babel's precision (answers have at most 15 digits)
        return str(value)


def format_fixed(value: Any, lang: str = DEFAULT_LANGUAGE, *, decimals: int = 2) -> str:
    """A grouped number with exactly `decimals` decimals, rounded as a spreadsheet cell shows it: 2,70 / 2.70.

    Means and medians are shown this way on the reports page, as the workbook's `#,##0.00` cells show them.
    """
    shown = _shown(value)
    if shown is not None:
        return shown
    pattern = "#,##0." + "0" * decimals if decimals else "#,##0"
    return numbers.format_decimal(_half_up(float(value), decimals) + 0, format=pattern, locale=locale_of(lang),
                                  decimal_quantization=False)


def format_money(value: Any, lang: str = DEFAULT_LANGUAGE, *, decimals: int = 0) -> str:
    """An amount in Swedish kronor: 12 500 kr / SEK 12,500 (with `decimals`: 12 500,5 kr)."""
    shown = _shown(value)
    if shown is not None:
        return shown
    locale = locale_of(lang)
    pattern = locale.currency_formats["standard"].pattern
    pattern = pattern.replace(".00", "." + "#" * decimals if decimals else "")
    pattern = pattern.replace("¤#", "¤\u00a0#")  # CLDR's currency spacing, which Babel leaves out: "SEK 12,500"
    try:
        return numbers.format_currency(_plain(value, decimals), "SEK", format=pattern, locale=locale,
                                       currency_digits=False)
    except decimal.InvalidOperation:
        return str(value)


def format_percent(share: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """A share (0..1) as a whole percentage: 87 % / 87%."""
    shown = _shown(share)
    if shown is not None:
        return shown
    return numbers.format_percent(_half_up(float(share), 2) + 0, locale=locale_of(lang))  # + 0: no "-0 %"
