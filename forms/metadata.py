"""Metadata of an interview (start, end, today, deviceid, username...): recorded automatically, never asked or shown.

A questionnaire asks for them with questions of those types (an XLSForm's
`start`, `end`, `today`, `deviceid`, `username`... rows become such questions). Their
values are stored with the answers, so they travel with a submission and
appear in the exports like any answer:

- `start`: when the interview was started, local time with its offset
  (`2025-03-04T09:15:02+01:00`), as ODK writes it;
- `today`: the day it was started (`2025-03-04`);
- `end`: when it was first completed (completing an edit again keeps it,
  so an edit that changes nothing is still no new revision);
- `deviceid`: the id of the installation it was started on;
- `username`: who collected it, the interviewer the submission names (on a
  field laptop the name the store knows, on the central server and in the
  offline app the logged-in user);
- `email`, `phonenumber`, `simserial`, `subscriberid`: what ODK reads from an
  Android phone's account and SIM card. A laptop or a browser has none of
  them, and fieldkit's accounts have no email address, so they stay empty,
  as ODK leaves them on a device without a SIM; they exist so that a form
  imported from ODK keeps its fields (and a value that came with the data
  is kept).

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
#: Metadata kept as a short text: a device id, a user name, and what an ODK phone would give.
TEXT_TYPES = ("deviceid", "username", "email", "phonenumber", "simserial", "subscriberid")
#: Metadata no laptop or browser knows: never filled in (see the module doc).
NEVER_FILLED = ("email", "phonenumber", "simserial", "subscriberid")


def record(questionnaire: Questionnaire, raw: Mapping[str, Any], *, started: str, device_id: str | None,
           completed: str | None = None, zone: datetime.tzinfo = datetime.timezone.utc,
           username: str | None = None) -> dict[str, Any]:
    """`raw` with each missing metadata value filled in.

    `started` and `completed` are ISO timestamps (the store's UTC times); they are written
    in `zone`, the local time of the survey. `end` is filled in only with `completed`,
    `username` (the submission's interviewer) only when there is one.
    """
    filled = dict(raw)
    start = _local(started, zone)
    values = {
        "start": start.isoformat(timespec="seconds") if start else None,
        "today": start.date().isoformat() if start else None,
        "end": _local(completed, zone).isoformat(timespec="seconds") if _local(completed, zone) else None,
        "deviceid": device_id or None,
        "username": username or None,
    }
    for question in questionnaire.questions():
        if question.metadata and clean(question, filled.get(question.id)) is None and values.get(question.type):
            filled[question.id] = values[question.type]
    return filled


def clean(question: Question, value: Any) -> str | None:
    """A stored metadata value if it has the form of its type, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if question.type in TEXT_TYPES:
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
