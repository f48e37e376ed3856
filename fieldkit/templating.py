"""Helpers the templates call."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from forms import registry

#: The store keeps UTC; people in Swedish municipalities read Swedish time.
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")


def field_choices(field) -> list[tuple[str, str]]:
    """(value, label) of a WTForms choice field, whether it holds SelectChoice objects or tuples."""
    pairs = []
    for choice in field.choices or []:
        if isinstance(choice, tuple):
            pairs.append((choice[0], choice[1]))
        else:
            pairs.append((choice.value, choice.label))
    return pairs


def district_name(code: str | None) -> str:
    """A district's name (a unit below a municipality), or "" for a submission without one."""
    found = registry.district(code) if code else None
    return found.name if found else (code or "")


_GROUPED = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")


def keep_numbers_whole(text: str) -> str:
    """A text with the spaces inside grouped numbers ("1 500 kronor") made non-breaking, so a narrow
    table header never splits a number over two lines. Escaping is left to Jinja."""
    return _GROUPED.sub("\u00a0", str(text))


def localtime(value: str | None, seconds: bool = False, time_only: bool = False) -> str:
    """An ISO 8601 UTC timestamp from the store as Swedish local time: "2024-05-02 14:05"."""
    if not value:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    local = moment.astimezone(LOCAL_ZONE)
    if time_only:
        return local.strftime("%H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
