"""What arithmetic, comparisons and functions mean in the expression language (docs/forms.md).

Values are what answers hold (numbers, codes, ISO dates as text) plus the
dates and date differences arithmetic makes. Anything that is not a fitting
value, a missing answer (None) or a special answer such as `vet_ej`, gives
None: a missing result, never an exception and never 0. Dividing by zero
and results too large to be amounts are missing as well.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

#: Function name -> (least, most) number of arguments; None: no upper limit.
FUNCTIONS = {
    "count": (1, 1),
    "days": (1, 1),
    "if": (3, 3),
    "int": (1, 1),
    "max": (2, None),
    "min": (2, None),
    "number": (1, 1),
    "round": (1, 2),
    "sum": (1, 1),
}
#: Results beyond this magnitude are missing: no amount in a questionnaire comes near it.
LIMIT = 1e15

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def as_number(value: Any) -> int | float | None:
    """A number, or None for anything else (booleans included: ja/nej are not 1/0)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def as_date(value: Any) -> datetime.date | None:
    """A date, or an ISO date written as text; None for anything else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _operand(value: Any) -> Any:
    """The arithmetic meaning of a value: a number, a date or a date difference; else None."""
    if isinstance(value, datetime.timedelta):
        return value
    number = as_number(value)
    if number is not None:
        return number
    return as_date(value)


def _whole(value: Any) -> int | None:
    number = as_number(value)
    if number is None or not float(number).is_integer():
        return None
    return int(number)


def _finite(value: Any) -> Any:
    """Numbers that are not finite or too large become missing; other values pass."""
    number = as_number(value)
    if number is None:
        return value
    try:
        if not math.isfinite(number) or abs(number) > LIMIT:
            return None
    except OverflowError:
        return None
    return value


def binary(op: str, left: Any, right: Any) -> Any:
    """`left op right` for + - * /; None when either side is missing or the operation has no meaning."""
    a, b = _operand(left), _operand(right)
    if a is None or b is None:
        return None
    try:
        return _finite(_binary(op, a, b))
    except (OverflowError, ValueError):  # a date beyond year 9999, a float too large
        return None


def _binary(op: str, a: Any, b: Any) -> Any:
    a_num, b_num = as_number(a), as_number(b)
    if a_num is not None and b_num is not None:
        if op == "+":
            return a_num + b_num
        if op == "-":
            return a_num - b_num
        if op == "*":
            return a_num * b_num
        if b_num == 0:
            return None
        return a_num / b_num
    a_date, b_date = isinstance(a, datetime.date), isinstance(b, datetime.date)
    a_span, b_span = isinstance(a, datetime.timedelta), isinstance(b, datetime.timedelta)
    if op == "-" and a_date and b_date:
        return a - b
    if op in ("+", "-") and a_date and (b_span or _whole(b) is not None):
        span = b if b_span else datetime.timedelta(days=_whole(b))
        return a + span if op == "+" else a - span
    if op == "+" and b_date and (a_span or _whole(a) is not None):
        return b + (a if a_span else datetime.timedelta(days=_whole(a)))
    if op in ("+", "-") and a_span and b_span:
        return a + b if op == "+" else a - b
    return None


def negate(value: Any) -> Any:
    operand = _operand(value)
    if isinstance(operand, datetime.timedelta) or as_number(operand) is not None:
        return -operand
    return None


def comparable(left: Any, right: Any) -> tuple[Any, Any] | None:
    """The two sides made comparable (dates with ISO text, date differences), or None."""
    if isinstance(left, (datetime.date, datetime.timedelta)) or isinstance(right, (datetime.date, datetime.timedelta)):
        a, b = _operand(left), _operand(right)
        if a is None or b is None or type(a) is not type(b):
            return None
        return a, b
    a, b = as_number(left), as_number(right)
    if a is not None and b is not None:
        return a, b
    if isinstance(left, str) and isinstance(right, str):
        return left, right  # ISO dates compare correctly as text
    return None


def call(name: str, args: list[Any]) -> Any:
    """A function other than `if` (the evaluators decide that one): None when an argument is missing."""
    if any(arg is None for arg in args):
        return None
    if name == "count":  # a repeat's instances, or how many of them answered one of its questions
        return sum(1 for value in args[0] if value not in (None, "", [], {})) if isinstance(args[0], list) else None
    if name == "sum":  # one of a repeat's number questions over its instances; "don't know" adds nothing
        if not isinstance(args[0], list):
            return None
        return _finite(sum(n for n in (as_number(value) for value in args[0]) if n is not None))
    if name == "days":
        span = args[0]
        return span.days if isinstance(span, datetime.timedelta) else None
    if name in ("min", "max"):
        pick = min if name == "min" else max
        numbers = [as_number(a) for a in args]
        if all(n is not None for n in numbers):
            return pick(numbers)
        dates = [as_date(a) for a in args]
        if all(d is not None for d in dates):
            return pick(dates)
        return None
    if name == "number":  # a number, or a code or text that is one ("3" from a scale)
        return as_number(args[0]) if not isinstance(args[0], str) else _parsed_number(args[0])
    if name == "int":  # the whole part, as XPath's int(): toward zero
        number = as_number(args[0])
        return None if number is None else _finite(math.trunc(number))
    if name == "round":
        number = as_number(args[0])
        digits = _whole(args[1]) if len(args) > 1 else 0
        if number is None or digits is None or not 0 <= digits <= 10:
            return None
        try:
            rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
        except InvalidOperation:
            return None
        return _finite(int(rounded) if digits == 0 else float(rounded))
    return None


_NUMBER_TEXT = re.compile(r"\s*-?\d{1,15}(\.\d{1,10})?\s*")


def _parsed_number(text: str) -> int | float | None:
    if not _NUMBER_TEXT.fullmatch(text):
        return None
    return float(text) if "." in text else int(text)


def result(value: Any) -> Any:
    """A value as a derived result is stored: dates as ISO text, whole floats as they are, others unchanged."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return None  # a difference of dates is only a step: days() makes it a number
    return _finite(value)
