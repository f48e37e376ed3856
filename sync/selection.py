"""Which submissions a query covers: what was asked for (`Selection`) within what the user may see (`Scope`).

The one place that turns filters into SQL over the submissions table. The review pages, the
reports, the exports, the interview lists and the command line all build their conditions here,
so a county user's county, an interviewer's own submissions and the rule that only those who
may see personal answers may search them hold everywhere alike: where the scope and the request
both name a county (or an interviewer), the scope's wins, whatever the request asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scope:
    """What a user may see: forced conditions on every submission query, and whether personal answers show."""

    county_code: str | None = None
    interviewer: str | None = None
    personal: bool = True


EVERYTHING = Scope()


@dataclass(frozen=True)
class Selection:
    """Submissions asked for. Empty values mean 'any'; flags are True, False or None (any).

    `created_from` and `created_before` are stored UTC timestamps (ISO 8601); `text` searches
    the municipality's name, the id, the interviewer and, within a scope that shows personal
    answers, the answers.
    """

    questionnaire: str | None = None
    counties: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    #: Districts below a municipality (registry.districts), for questionnaires answered per district.
    districts: tuple[str, ...] = ()
    status: str | None = None
    interviewer: str | None = None
    created_from: str | None = None
    created_before: str | None = None
    conflict: bool | None = None
    reviewed: bool | None = None
    excluded: bool | None = None
    text: str = ""
    #: Only submissions with a draft open (never completed, or reopened for editing).
    open_draft: bool = False


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} in ({', '.join('?' * len(values))})"


def where(selection: Selection, scope: Scope = EVERYTHING, *, alias: str = "s") -> tuple[str, list[Any]]:
    """SQL conditions (joined by `and`, never empty) and their parameters, for `submissions` as `alias`."""
    a = alias
    clauses: list[str] = []
    params: list[Any] = []

    def add(clause: str, *values: Any) -> None:
        clauses.append(clause)
        params.extend(values)

    counties = (scope.county_code,) if scope.county_code else selection.counties
    interviewer = scope.interviewer or selection.interviewer
    if selection.questionnaire:
        add(f"{a}.questionnaire_id = ?", selection.questionnaire)
    if counties:
        add(_in(f"{a}.county_code", counties), *counties)
    if selection.municipalities:
        add(_in(f"{a}.municipality_code", selection.municipalities), *selection.municipalities)
    if selection.districts:
        add(_in(f"{a}.district_code", selection.districts), *selection.districts)
    if selection.status:
        add(f"{a}.status = ?", selection.status)
    if interviewer:
        add(f"{a}.interviewer = ?", interviewer)
    if selection.created_from:
        add(f"{a}.created >= ?", selection.created_from)
    if selection.created_before:
        add(f"{a}.created < ?", selection.created_before)
    for column, flag in (("conflict", selection.conflict), ("reviewed", selection.reviewed),
                         ("excluded", selection.excluded)):
        if flag is not None:
            add(f"coalesce({a}.{column}, 0) = ?", 1 if flag else 0)
    if selection.open_draft:
        add(f"exists (select 1 from drafts d where d.submission_uuid = {a}.uuid)")
    if selection.text:
        # Answers are searched only by those who may see all of them: a search is an oracle otherwise.
        searched = [f"{a}.municipality_code in (select code from municipalities where name like ? escape '\\')",
                    f"{a}.uuid like ? escape '\\'", f"{a}.interviewer like ? escape '\\'"]
        if scope.personal:
            searched.append(f"{a}.answers like ? escape '\\'")
        add("(" + " or ".join(searched) + ")", *[_like(selection.text)] * len(searched))
    return (" and ".join(clauses) or "1"), params
