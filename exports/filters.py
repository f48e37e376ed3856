"""Which submissions an export covers: the filter, its checks, its scope and its SQL."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any, Iterable

from forms import registry
from forms.catalogues import N_
from forms.errors import FieldkitError
from forms.model import Frame
from sync.selection import EVERYTHING, Scope, Selection
from sync.selection import where as selection_where

from .labels import Message

STATUSES = ("complete", "all")
#: The largest "smallest count shown" (min_count) a filter may ask for.
MAX_SMALLEST = 1000

try:  # interviews are dated in Swedish time; fall back to UTC where tzdata is missing
    from zoneinfo import ZoneInfo

    LOCAL_TZ: datetime.tzinfo = ZoneInfo("Europe/Stockholm")
except Exception:  # pragma: no cover - depends on the system's tz database
    LOCAL_TZ = datetime.timezone.utc


class FilterError(FieldkitError, ValueError):
    """A filter naming something that does not exist; the message lists the valid choices.

    It carries its text as a gettext msgid (marked with `N_`) and parameters: `str()` is English,
    `text(lang)` the reader's language (the page's, or the command's --lang).
    """

    def __init__(self, message: str, **params: Any):
        self.message = Message(message, params)
        super().__init__(str(self.message))

    def text(self, lang: str) -> str:
        return self.message.text(lang)


#: Group the tables by county unless told otherwise.
BY_COUNTY = "county"
#: No grouping chosen: the questionnaire's own (`report: group_by`), or county (`exports.grouping.default_grouping`).
BY_DEFAULT = ""
#: Group by district below the municipality, for a questionnaire answered per district.
BY_DISTRICT = "district"


@dataclass(frozen=True)
class TableOptions:
    """How the tables are laid out; which submissions they count is the filter's business.

    `group_by` is "" (the questionnaire's default grouping, else county), "county", the id of a choice-like column (a single, yes/no or scale question,
    a matrix row `question/row`, a rule or a derived choice, a year question) or a date question
    with ":year" or ":quarter". `cross` names two such columns: a cross-table of the first (rows)
    by the second (columns). With `min_count` above 1, counts from 1 to min_count - 1 are hidden,
    and so is every share or statistic computed from them, and any count that would tell one of
    them from a total (see `exports.suppression`).
    """

    group_by: str = BY_DEFAULT
    cross: tuple[str, ...] = ()
    min_count: int = 0

    def describe(self) -> dict[str, Any]:
        """The options that differ from the defaults."""
        out: dict[str, Any] = {}
        if self.group_by not in (BY_DEFAULT, BY_COUNTY):
            out["group_by"] = self.group_by
        if self.cross:
            out["cross"] = list(self.cross)
        if self.min_count:
            out["min_count"] = self.min_count
        return out


@dataclass(frozen=True)
class ExportFilter:
    """The submissions of one questionnaire (all its versions) to export.

    `counties` and `municipalities` both narrow the submissions; dates are
    inclusive and apply to the day (Swedish time) a submission was created.
    Submissions marked as excluded are always left out.

    `round` names a survey round of the questionnaire; `exports.rounds.with_round` fills in its
    days and frame (`round_period`, `round_frame`) when the report is built: its days narrow
    the submissions (`days`), its frame replaces the questionnaire's.
    """

    questionnaire: str
    counties: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    status: str = "complete"
    #: The municipalities expected to answer, when given with the export (e.g. a network's members);
    #: otherwise the questionnaire's frame, or every municipality.
    frame: tuple[str, ...] = ()
    #: Grouping, cross-table and small-number suppression of the tables.
    tables: TableOptions = TableOptions()
    round: str = ""
    round_period: tuple[datetime.date, datetime.date] | None = None
    round_frame: Frame | None = None
    #: Districts below a municipality (forms/data/stadsdelar.csv), for a questionnaire answered per district.
    districts: tuple[str, ...] = ()

    def days(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The first and last day covered (None: open): the given dates, within the round's if any."""
        start, end = self.date_from, self.date_to
        if self.round_period:
            first, last = self.round_period
            start = max(start, first) if start else first
            end = min(end, last) if end else last
        return start, end

    def describe(self) -> dict[str, Any]:
        """A plain description for display and for tests."""
        return {
            "questionnaire": self.questionnaire,
            "counties": list(self.counties),
            "municipalities": list(self.municipalities),
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "status": self.status,
            **({"frame": list(self.frame)} if self.frame else {}),
            **({"round": self.round} if self.round else {}),
            **({"round_period": [day.isoformat() for day in self.round_period]} if self.round_period else {}),
            **({"districts": list(self.districts)} if self.districts else {}),
            **self.tables.describe(),
        }


def _pad(code: Any, width: int) -> str:
    text = str(code).strip()
    return text.zfill(width) if text.isdigit() and len(text) < width else text


def _choices(pairs: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{code} ({name})" for code, name in pairs)


def check_filter(flt: ExportFilter, questionnaire_ids: Iterable[str]) -> ExportFilter:
    """Return the filter with codes normalised, or raise FilterError listing the valid choices."""
    known = sorted(set(questionnaire_ids))
    if flt.questionnaire not in known:
        if not known:
            raise FilterError(N_("unknown questionnaire %(questionnaire)s; none is stored"),
                              questionnaire=repr(flt.questionnaire))
        raise FilterError(N_("unknown questionnaire %(questionnaire)s; valid choices: %(valid)s"),
                          questionnaire=repr(flt.questionnaire), valid=", ".join(known))
    if flt.status not in STATUSES:
        raise FilterError(N_("unknown status %(status)s; valid choices: %(valid)s"), status=repr(flt.status),
                          valid=", ".join(STATUSES))
    counties = []
    for raw in flt.counties:
        code = _pad(raw, 2)
        if registry.county(code) is None:
            valid = _choices((c.code, c.name) for c in registry.counties())
            raise FilterError(N_("unknown county code %(code)s; valid choices: %(valid)s"), code=repr(str(raw)),
                              valid=valid)
        if code not in counties:
            counties.append(code)
    municipalities = []
    for raw in flt.municipalities:
        code = _pad(raw, 4)
        if registry.municipality(code) is None:
            pool = [m for m in registry.municipalities() if not counties or m.county_code in counties]
            valid = _choices((m.code, m.name) for m in pool)
            if counties:
                raise FilterError(N_("unknown municipality code %(code)s; valid choices in %(counties)s: %(valid)s"),
                                  code=repr(str(raw)), counties=", ".join(counties), valid=valid)
            raise FilterError(N_("unknown municipality code %(code)s; valid choices: %(valid)s"), code=repr(str(raw)),
                              valid=valid)
        if code not in municipalities:
            municipalities.append(code)
    districts = []
    for raw in flt.districts:
        found = registry.district(raw) or next((d for d in registry.districts()
                                                if registry.fold(d.name) == registry.fold(str(raw).strip())), None)
        if found is None:
            raise FilterError(N_("unknown district %(district)s; valid choices: %(valid)s"), district=repr(str(raw)),
                              valid=_choices((d.code, d.name) for d in registry.districts()))
        if found.code not in districts:
            districts.append(found.code)
    flt = replace(flt, districts=tuple(sorted(districts)))
    frame = []
    for raw in flt.frame:
        code = _pad(raw, 4)
        if registry.municipality(code) is None:
            raise FilterError(N_("the frame names an unknown municipality code %(code)s"), code=repr(str(raw)))
        if code not in frame:
            frame.append(code)
    flt = replace(flt, frame=tuple(sorted(frame)))
    options = flt.tables
    if options.cross and len(options.cross) != 2:
        raise FilterError(N_("a cross-table needs two question ids, not %(num)s: %(ids)s"), num=len(options.cross),
                          ids=",".join(options.cross))
    if not 0 <= options.min_count <= MAX_SMALLEST:
        raise FilterError(N_("the smallest count shown must be between 0 and %(most)s, not %(num)s"),
                          most=MAX_SMALLEST, num=options.min_count)
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise FilterError(N_("the start date %(start)s is after the end date %(end)s"), start=flt.date_from,
                          end=flt.date_to)
    return replace(flt, counties=tuple(sorted(counties)), municipalities=tuple(sorted(municipalities)))


def local_midnight_utc(day: datetime.date) -> str:
    """The UTC instant (as stored: ISO 8601, milliseconds) when `day` starts in Swedish time."""
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=LOCAL_TZ)
    return start.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds")


def within(flt: ExportFilter, scope: Scope) -> ExportFilter:
    """The filter as a user of this scope may have it: a county user's county replaces any other, and
    municipalities of other counties are dropped (they would match nothing, yet be named in captions)."""
    if not scope.county_code:
        return flt
    own = tuple(m for m in flt.municipalities
                if (found := registry.municipality(m)) is not None and found.county_code == scope.county_code)
    if flt.counties != (scope.county_code,) or own != flt.municipalities:
        return replace(flt, counties=(scope.county_code,), municipalities=own)
    return flt


def selection(flt: ExportFilter, *, completed_only: bool = False) -> Selection:
    """The filter as a store selection: excluded submissions always left out, days in Swedish time."""
    start, end = flt.days()
    return Selection(
        questionnaire=flt.questionnaire, counties=flt.counties, municipalities=flt.municipalities,
        districts=flt.districts, status="complete" if completed_only or flt.status == "complete" else None,
        excluded=False,
        created_from=local_midnight_utc(start) if start else None,
        created_before=local_midnight_utc(end + datetime.timedelta(days=1)) if end else None,
    )


def where(flt: ExportFilter, scope: Scope = EVERYTHING, *, alias: str = "s",
          completed_only: bool = False) -> tuple[str, list[Any]]:
    """SQL conditions on the submissions table for the filter within the scope (see `sync.selection`)."""
    return selection_where(selection(flt, completed_only=completed_only), scope, alias=alias)
