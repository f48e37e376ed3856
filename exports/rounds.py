"""Survey rounds: which round an export covers, and what it changes.

A questionnaire may list rounds (`rounds:` in the definition, see docs/forms.md), each with its
days and optionally its own frame. The rounds are the questionnaire's, not a version's: the
newest stored version's list is read, for the submissions of every version. An export of a round
covers the submissions created on its days (Swedish time), counts the response rate over its
frame (else the questionnaire's), and with `unit: municipality` counts each municipality's latest
completed interview of the round.
"""

from __future__ import annotations

import dataclasses

from forms.catalogues import N_
from forms.model import Questionnaire, Round

from .filters import ExportFilter, FilterError
from .labels import Message


def describe(found: Round) -> str:
    """"2013 (2013-03-01 – 2013-06-30)": a round as error messages list it."""
    return f"{found.id} ({found.start} – {found.end})"


def with_round(flt: ExportFilter, questionnaire: Questionnaire) -> ExportFilter:
    """The filter with its round's days and frame filled in, or FilterError.

    The error lists the valid rounds for an unknown one, and names the round's days for a start
    or end date outside them: dates given inside a round narrow it further.
    """
    if not flt.round:
        return dataclasses.replace(flt, round_period=None, round_frame=None)
    found = questionnaire.round(flt.round)
    if found is None:
        params = {"round": repr(flt.round), "questionnaire": questionnaire.id,
                  "valid": ", ".join(describe(r) for r in questionnaire.rounds)}
        raise FilterError(N_("unknown round %(round)s of %(questionnaire)s; valid choices: %(valid)s")
                          if params["valid"] else N_("unknown round %(round)s of %(questionnaire)s; it has no rounds"),
                          **params)
    outside = {"start": N_("the start date %(day)s is outside round %(round)s: give days within the round, or none"),
               "end": N_("the end date %(day)s is outside round %(round)s: give days within the round, or none")}
    for name, day in (("start", flt.date_from), ("end", flt.date_to)):
        if day and not found.start <= day <= found.end:
            raise FilterError(outside[name], day=day, round=describe(found))
    return dataclasses.replace(flt, round_period=(found.start, found.end), round_frame=found.frame)


def round_of(flt: ExportFilter, questionnaire: Questionnaire) -> Round | None:
    """The round the (resolved) filter covers, if any."""
    return questionnaire.round(flt.round) if flt.round else None


def dropped_rounds(versions: list[Questionnaire]) -> list[Message]:
    """Warnings for rounds of older versions that the newest (first) no longer lists."""
    newest, warnings = versions[0], []
    kept = {r.id for r in newest.rounds}
    seen: set[str] = set()
    for older in versions[1:]:
        for found in older.rounds:
            if found.id not in kept and found.id not in seen:
                seen.add(found.id)
                warnings.append(Message(N_("round %(round)s of version %(old)s is not in version %(new)s, the newest: "
                                           "the newest version's rounds are used"),
                                        {"round": found.id, "old": older.version, "new": newest.version}))
    return warnings
