"""Who a survey expects answers from, who has not answered, and what one submission stands for.

- The frame: the municipalities a survey expects (the questionnaire's `frame`, the survey round's
  own frame, or a list given with the export, e.g. a network's members), narrowed by the filter's
  counties and municipalities.
- The unit: with `unit: municipality` each municipality counts once, by its latest completed
  interview (latest change); the earlier ones are listed as duplicates. With `unit: record`
  (the default) every submission counts.
- A questionnaire answered per district (`level: district`) expects the districts of the frame's
  municipalities instead (Stockholm's 14): its response rate counts districts, and the list of
  those that have not answered names districts.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from forms import registry
from forms.catalogues import N_
from forms.model import Questionnaire
from sync.selection import EVERYTHING, Scope

from .filters import ExportFilter, FilterError, where


def read_frame_file(path: str | os.PathLike) -> tuple[str, ...]:
    """Municipality codes from a CSV or text file: the first column of each line; a header line is skipped.

    Separators `,`, `;` and tab are accepted. A line whose first cell is not a municipality code
    (after the header) is refused with `FILE:LINE: ...`.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FilterError(N_("%(file)s: cannot read the frame file (%(reason)s)"), file=path, reason=exc) from None
    codes: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        first = re.split(r"[,;\t]", line, maxsplit=1)[0].strip().strip('"')
        if not first:
            continue
        code = first.zfill(4) if first.isdigit() else first
        if registry.municipality(code) is None:
            if number == 1 and not first.isdigit():
                continue  # a header such as "kommunkod"
            raise FilterError(N_("%(file)s:%(line)s: %(code)s is not a municipality code (4 digits, e.g. 2480)"),
                              file=path, line=number, code=repr(first))
        if code not in codes:
            codes.append(code)
    if not codes:
        raise FilterError(N_("%(file)s: no municipality codes found (one per line, first column)"), file=path)
    return tuple(codes)


@dataclass(frozen=True)
class Unit:
    """What answers a questionnaire, when it is not a municipality: a district, with its municipality's county."""

    code: str
    name: str
    county_code: str


def expected(flt: ExportFilter, questionnaire: Questionnaire) -> list:
    """The municipalities the response rate is counted over, in registry order; for a questionnaire
    answered per district, the districts (`Unit`) of those municipalities, narrowed by the filter's districts.

    The frame given with the export wins, then the survey round's, then the questionnaire's.
    """
    found = expected_municipalities(flt, questionnaire)
    if questionnaire.level != "district":
        return found
    return [Unit(d.code, d.name, m.county_code) for m in found for d in registry.districts_of(m.code)
            if not flt.districts or d.code in flt.districts]


def expected_municipalities(flt: ExportFilter, questionnaire: Questionnaire) -> list[registry.Municipality]:
    """The municipalities of the frame, narrowed by the filter's counties and municipalities (see `expected`)."""
    found = list(registry.municipalities())
    if flt.frame:
        found = [m for m in found if m.code in flt.frame]
    elif (flt.round_frame or questionnaire.frame) is not None:
        frame = flt.round_frame or questionnaire.frame
        found = [m for m in found if m.county_code in frame.counties or m.code in frame.municipalities]
    if flt.municipalities:
        found = [m for m in found if m.code in flt.municipalities]
    if flt.counties:
        found = [m for m in found if m.county_code in flt.counties]
    return found


def one_per_municipality(db, flt: ExportFilter, frame: pd.DataFrame,
                         scope: Scope = EVERYTHING) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the submission that counts for each municipality, the others) of the loaded frame.

    A completed submission counts before a draft, then the one changed last (to the millisecond,
    then the one stored last).
    """
    if not len(frame):
        return frame, frame.iloc[0:0]
    clause, params = where(flt, scope)
    counted = {row[0] for row in db.execute(
        "select uuid from (select s.uuid, row_number() over (partition by s.municipality_code "
        "order by s.status = 'complete' desc, s.modified desc, s.rowid desc) as n "
        f"from submissions s where {clause}) where n = 1", params)}
    keep = frame["uuid"].astype(object).isin(counted).to_numpy()
    return frame.loc[keep].reset_index(drop=True), frame.loc[~keep].reset_index(drop=True)


@dataclass(frozen=True)
class Missing:
    """An expected municipality without a completed submission in the filter."""

    county_code: str
    county: str
    code: str
    name: str
    has_draft: bool
    last_contact: str | None  # when one of its submissions last changed (UTC, as stored)


def _unit_column(by_district: bool) -> str:
    return "s.district_code" if by_district else "s.municipality_code"


def answered(db, flt: ExportFilter, scope: Scope = EVERYTHING, *, by_district: bool = False) -> set[str]:
    """Codes of the municipalities (with `by_district`, districts) with a completed submission in the filter,
    within the scope."""
    clause, params = where(flt, scope, completed_only=True)
    column = _unit_column(by_district)
    return {row[0] for row in db.execute(f"select distinct {column} from submissions s where {clause}", params)}


def missing(db, flt: ExportFilter, expected_municipalities: list, done: set[str],
            scope: Scope = EVERYTHING, *, by_district: bool = False) -> list[Missing]:
    """Expected municipalities (or districts, see `expected`) not in `done` (see `answered`), by county;
    a draft and the last contact if any."""
    any_status, any_params = where(replace(flt, status="all"), scope)
    column = _unit_column(by_district)
    seen = {row[0]: (row[1], bool(row[2])) for row in db.execute(
        f"select {column}, max(s.modified), max(s.status = 'draft') from submissions s "
        f"where {any_status} group by {column}", any_params)}
    counties = {c.code: c.name for c in registry.counties()}
    out = []
    for m in expected_municipalities:
        if m.code in done:
            continue
        last, draft = seen.get(m.code, (None, False))
        out.append(Missing(m.county_code, counties.get(m.county_code, m.county_code), m.code, m.name, draft, last))
    return out
