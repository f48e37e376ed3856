"""Metadata of an interview (start, end, today, deviceid): recorded automatically, never asked or shown.

A questionnaire asks for them with questions of those types (an XLSForm's
`start`, `end`, `today` and `deviceid` rows become such questions). Their
values are stored with the answers, so they travel with a submission and
appear in the exports like any answer:

- `start`: when the interview was started, local time with its offset
  (`2025-03-04T09:15:02+01:00`), as ODK writes it;
- `today`: the day it was started (`2025-03-04`);
- `end`: when it was first completed (completing an edit again keeps it,
  so an edit that changes nothing is still no new revision);
- `deviceid`: the id of the installation it was started on.

`record` fills in the ones that are missing; `clean` keeps a stored value
only if it has the right form (a value that does not is dropped, never an
error: nobody typed it).
"""

from __future__ import annotations

import datetime
from typing import Any, Mapping

from .model import Questionnaire, Question

#: The longest device id kept.
MAX_DEVICE_ID = 200


def record(questionnaire: Questionnaire, raw: Mapping[str, Any], *, started: str, device_id: str | None,
           completed: str | None = None, zone: datetime.tzinfo = datetime.timezone.utc) -> dict[str, Any]:
    """`raw` with each missing metadata value filled in.

    `started` and `completed` are ISO timestamps (the store's UTC times); they are written
    in `zone`, the local time of the survey. `end` is filled in only with `completed`.
    """
    filled = dict(raw)
    start = _local(started, zone)
    values = {
        "start": start.isoformat(timespec="seconds") if start else None,
        "today": start.date().isoformat() if start else None,
        "end": _local(completed, zone).isoformat(timespec="seconds") if _local(completed, zone) else None,
        "deviceid": device_id or None,
    }
    for question in questionnaire.questions():
        if question.metadata and clean(question, filled.get(question.id)) is None and values[question.type]:
            filled[question.id] = values[question.type]
    return filled


def clean(question: Question, value: Any) -> str | None:
    """A stored metadata value if it has the form of its type, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if question.type == "deviceid":
        return value if len(value) <= MAX_DEVICE_ID else None
    try:
        if question.type == "today":
            return datetime.date.fromisoformat(value).isoformat() if len(value) == 10 else None
        return value if len(value) <= 40 and datetime.datetime.fromisoformat(value).tzinfo else None
    except ValueError:
        return None


def _local(stamp: str | None, zone: datetime.tzinfo) -> datetime.datetime | None:
    if not stamp:
        return None
    try:
        moment = datetime.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(zone)
