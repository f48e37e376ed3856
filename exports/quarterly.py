"""The quarterly feedback to a county board, "Kvartalsåterkoppling till länsstyrelsen" (seed 001, measure 37).

One county and one quarter; one row per municipality of the county, a county total, and the
previous quarter beside it. It reads two questionnaires:

- `smak-kontaktlogg`: the requests for assignment. A request counts in the quarter of its request
  date, else of the contact's date (the dates answered, never the day the record was created);
  contacts about the same case are one request with the answer of the latest contact (the
  contact log measure's rules, `exports.measures.contacts`). Drafts count too: a request sent and
  logged as a draft is a request without a recorded answer ("Inget svar registrerat").
- `smak-kvartal`: per municipality and quarter (its questions period.ar and period.kvartal) the
  agreed places for the year and the persons placed in the quarter; completed records only, the
  latest (last changed) when a municipality has two for one quarter.

Shares are of the requests. A special-needs case is a request whose subject also names a case
with special needs or a large family.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forms import registry
from forms.catalogues import N_
from sync import audit
from sync.selection import EVERYTHING, Scope

from .filters import LOCAL_TZ, ExportFilter, FilterError
from .frame import load_frame
from .labels import LANGUAGES, gettext
from .measures import MeasureColumn, MeasureTable
from .measures import contacts
from .measures.model import Context, median, share, total
from .report import load_schema, questionnaire_ids

LOG, QUARTERLY = "smak-kontaktlogg", "smak-kvartal"
SPECIAL = ("arende.amne/sarskilda_behov", "arende.amne/stor_familj")
PERSONS = "arende.antal_personer"
YEAR, QUARTER_Q = "period.ar", "period.kvartal"
AGREED, PLACED = "mottagande.anvisningsbara_platser", "mottagande.kvot_placerade"
#: The answers in table order; the charts stack them from no to yes (red to blue).
ANSWERS = (*contacts.ANSWERS, contacts.NONE)
CHART_ORDER = ("nej", contacts.NONE, "aterkommer", "ja")
TREND_QUARTERS = 6  # ours: a year and a half up to the report's quarter
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[QqKk]([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter, written 2014Q3."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        found = _QUARTER.match((text or "").strip())
        if not found or not 2013 <= int(found.group(1)) <= 2035:
            raise FilterError(N_("unknown quarter %(quarter)s: write the year and the quarter as 2014Q3 "
                                 "(quarters 1 to 4, years 2013 to 2035)"), quarter=repr(text))
        return cls(int(found.group(1)), int(found.group(2)))

    def shift(self, n: int) -> "Quarter":
        index = self.year * 4 + self.number - 1 + n
        return Quarter(index // 4, index % 4 + 1)

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"

    def label(self, lang: str) -> str:
        return gettext("%(year)s Q%(quarter)s", lang, year=self.year, quarter=self.number)

    @classmethod
    def of(cls, day: datetime.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)


def check_county(code: str) -> str:
    """The county's 2-digit code, or FilterError listing the valid ones."""
    text = str(code or "").strip()
    text = text.zfill(2) if text.isdigit() and len(text) < 2 else text
    if registry.county(text) is None:
        valid = ", ".join(f"{c.code} ({c.name})" for c in registry.counties())
        raise FilterError(N_("unknown county code %(code)s; valid choices: %(valid)s"), code=repr(str(code)),
                          valid=valid)
    return text


@dataclass
class Stack:
    """One bar of a chart: its label, how many requests, and the count of each answer (CHART_ORDER)."""

    label: str
    n: int
    counts: list[int]

    @property
    def shares(self) -> list[float | None]:
        return [share(c, self.n) for c in self.counts]


@dataclass
class QuarterlyReport:
    """Everything the workbook and the page show for one county and quarter."""

    county_code: str
    county: str
    quarter: Quarter
    lang: str
    exported_at: datetime.datetime
    municipalities: MeasureTable
    reasons: MeasureTable
    trend: MeasureTable
    bars: list[Stack]
    trend_bars: list[Stack]
    notes: list[str] = field(default_factory=list)
    requests: int = 0  # of the county in the quarter

    @property
    def title(self) -> str:
        return self.gettext("Quarterly feedback to the county administrative board")

    @property
    def subtitle(self) -> str:
        return f"{self.county} · {self.quarter.label(self.lang)}"

    @property
    def legend(self) -> list[str]:
        return answer_names(self.lang, CHART_ORDER)

    def gettext(self, message: str, **params: Any) -> str:
        return gettext(message, self.lang, **params)

    @property
    def filename(self) -> str:
        return f"kvartalsaterkoppling-lan-{self.county_code}-{self.quarter.code}.xlsx"

    def describe(self) -> dict[str, Any]:
        return {"report": "kvartal", "county": self.county_code, "quarter": self.quarter.code}


def answer_names(lang: str, order=ANSWERS) -> list[str]:
    """The answers' names as the contact log words them (the choice labels), and "No answer recorded"."""
    names = {"ja": gettext("Yes", lang), "nej": gettext("No", lang),
             "aterkommer": gettext("Will reply later", lang), contacts.NONE: gettext("No answer recorded", lang)}
    return [names[a] for a in order]


def _context(db, qid: str, county: str, status: str, scope: Scope, lang: str) -> Context | None:
    """The county's submissions of a questionnaire (personal answers left out); None when it is not stored."""
    if qid not in questionnaire_ids(db):
        return None
    schema, _versions = load_schema(db, qid, include_personal=False)
    frame = load_frame(db, schema, ExportFilter(qid, (county,), status=status), None, scope)
    return Context(frame, schema, lang)


def request_cases(ctx: Context | None) -> pd.DataFrame:
    """One row per request (one per case): municipality, quarter, answer, days, persons, special, reasons."""
    columns = ["municipality", "quarter", "answer", "days", "persons", "special"]
    if ctx is None or not len(ctx.frame) or contacts.REQUEST not in ctx.frame:
        return pd.DataFrame(columns=columns)
    sub = contacts.one_per_case(ctx, ctx.frame[contacts.REQUEST].to_numpy() == 1)
    days = contacts.request_days(sub.texts(contacts.REQUEST_DATE), sub.texts(contacts.CONTACT_DATE))
    special = np.zeros(len(sub.frame), bool)
    for key in SPECIAL:
        if key in sub.frame:
            special |= sub.frame[key].to_numpy() == 1
    out = pd.DataFrame({
        "municipality": sub.frame["municipality_code"].astype(object).to_numpy(),
        "quarter": [None if pd.isna(d) else Quarter.of(d.date()) for d in days],
        "answer": [a if a in contacts.ANSWERS else contacts.NONE for a in sub.codes(contacts.ANSWER)],
        "days": sub.numbers(contacts.DAYS) if contacts.DAYS in sub.frame else np.nan,
        "persons": sub.numbers(PERSONS) if PERSONS in sub.frame else np.nan,
        "special": special,
    })
    for code, _text in sub.choices(contacts.REASONS):
        key = f"{contacts.REASONS}/{code}"
        out["reason:" + code] = (sub.frame[key].to_numpy() == 1) if key in sub.frame else False
    return out


def quarter_records(ctx: Context | None) -> tuple[pd.DataFrame, list[tuple[str, Quarter]]]:
    """Per municipality and quarter the latest completed follow-up (agreed, placed); and the doubled ones."""
    if ctx is None or not len(ctx.frame):
        return pd.DataFrame(columns=["municipality", "quarter", "agreed", "placed"]), []
    years, codes = ctx.numbers(YEAR), ctx.codes(QUARTER_Q)
    found = pd.DataFrame({
        "municipality": ctx.frame["municipality_code"].astype(object).to_numpy(),
        "quarter": [Quarter(int(y), int(q[1])) if y == y and isinstance(q, str) and q[1:].isdigit() else None
                    for y, q in zip(years, codes)],
        "agreed": ctx.numbers(AGREED), "placed": ctx.numbers(PLACED),
        "modified": ctx.frame["modified"].to_numpy(),
    }).dropna(subset=["quarter"])
    found = found.sort_values("modified", kind="stable")
    doubled = found[found.duplicated(["municipality", "quarter"], keep=False)]
    doubles = sorted({(m, q) for m, q in zip(doubled["municipality"], doubled["quarter"])})
    return found.drop_duplicates(["municipality", "quarter"], keep="last"), doubles


class _Figures:
    """The figures of a set of requests and follow-ups, as the tables' cells."""

    def __init__(self, cases: pd.DataFrame, records: pd.DataFrame, quarter: Quarter):
        self.cases = cases[cases["quarter"] == quarter] if len(cases) else cases
        self.records = records
        self.quarter = quarter

    def count(self, answer: str | None = None, rows: pd.DataFrame | None = None) -> int:
        rows = self.cases if rows is None else rows
        return int(len(rows) if answer is None else (rows["answer"] == answer).sum())

    def answers(self) -> list[int]:
        return [self.count(a) for a in ANSWERS]

    def share_yes(self, rows: pd.DataFrame | None = None) -> float | None:
        rows = self.cases if rows is None else rows
        return share(self.count("ja", rows), len(rows))

    def persons(self) -> float | None:
        return total(self.cases["persons"].to_numpy(dtype=float)) if len(self.cases) else None

    def median_days(self) -> float | None:
        return median(self.cases["days"].to_numpy(dtype=float)) if len(self.cases) else None

    def special_split(self) -> tuple[float | None, float | None]:
        if not len(self.cases):
            return None, None
        special = self.cases["special"].to_numpy(dtype=bool)
        return self.share_yes(self.cases[special]), self.share_yes(self.cases[~special])

    def _record(self, quarter: Quarter) -> pd.DataFrame:
        return self.records[self.records["quarter"] == quarter]

    def placed(self, quarter: Quarter | None = None) -> float | None:
        return total(self._record(quarter or self.quarter)["placed"].to_numpy(dtype=float))

    def _year_so_far(self) -> pd.DataFrame:
        """The follow-ups of the report's year up to and including its quarter."""
        keep = np.array([q.year == self.quarter.year and q <= self.quarter for q in self.records["quarter"]], bool)
        return self.records[keep]

    def placed_year(self) -> float | None:
        return total(self._year_so_far()["placed"].to_numpy(dtype=float))

    def agreed(self, municipalities: list[str]) -> float | None:
        """Each municipality's agreed places for the year: this quarter's follow-up, else its latest earlier one."""
        so_far = self._year_so_far().dropna(subset=["agreed"])
        found = []
        for code in municipalities:
            mine = so_far[so_far["municipality"] == code]
            if len(mine):
                found.append(float(mine.sort_values("quarter")["agreed"].iloc[-1]))
        return float(sum(found)) if found else None

    def reasons(self, codes: list[str]) -> list[int]:
        """No answers, how many gave each reason (`codes`), and how many gave none."""
        no = self.cases[self.cases["answer"] == "nej"] if len(self.cases) else self.cases
        flags = np.column_stack([no["reason:" + c].to_numpy(dtype=bool) if "reason:" + c in no else
                                 np.zeros(len(no), bool) for c in codes] or [np.zeros(len(no), bool)])
        return [len(no), *[int(flags[:, i].sum()) for i in range(len(codes))], int((~flags.any(axis=1)).sum())]


def _row(name: str, now: _Figures, before: _Figures, municipalities: list[str]) -> list[Any]:
    agreed = now.agreed(municipalities)
    year = now.placed_year()
    special, others = now.special_split()
    return [name, agreed, now.count(), now.persons(), *now.answers(), now.share_yes(), now.median_days(),
            special, others, now.placed(), year, share(year or 0, agreed) if year is not None else None,
            before.count(), before.share_yes(), before.placed()]


def _municipality_columns(report_lang: str, previous: Quarter) -> list[MeasureColumn]:
    def _(message: str, **params: Any) -> str:
        return gettext(message, report_lang, **params)
    answers = _("Answer")
    return [
        MeasureColumn(_("Municipality"), "label"),
        MeasureColumn(_("Agreed places for the year"), "int"),
        MeasureColumn(_("Cases"), "int", _("Requests")), MeasureColumn(_("Persons"), "int", _("Requests")),
        *[MeasureColumn(name, "int", answers) for name in answer_names(report_lang)],
        MeasureColumn(_("Share yes"), "pct"),
        MeasureColumn(_("Median days to answer"), "dec"),
        MeasureColumn(_("Special needs"), "pct", _("Share yes")), MeasureColumn(_("Other cases"), "pct", _("Share yes")),
        MeasureColumn(_("This quarter"), "int", _("Persons placed")),
        MeasureColumn(_("Year to date"), "int", _("Persons placed")),
        MeasureColumn(_("Of agreed places"), "pct", _("Persons placed")),
        *[MeasureColumn(h, k, _("Previous quarter, %(quarter)s", quarter=previous.label(report_lang)))
          for h, k in ((_("Cases"), "int"), (_("Share yes"), "pct"), (_("Persons placed"), "int"))],
    ]


def build_quarterly(db, county: str, quarter: Quarter | str, lang: str = "sv",
                    scope: Scope = EVERYTHING) -> QuarterlyReport:
    """The quarterly feedback for `county` and `quarter` (e.g. "2014Q3"); a county user's scope forces their county."""
    if lang not in LANGUAGES:
        raise FilterError(N_("unknown language %(lang)s; valid choices: %(valid)s"), lang=repr(lang),
                          valid=", ".join(LANGUAGES))
    county = scope.county_code or check_county(county)
    quarter = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    previous = quarter.shift(-1)

    def _(message: str, **params: Any) -> str:
        return gettext(message, lang, **params)

    cases = request_cases(_context(db, LOG, county, "all", scope, lang))
    records, doubles = quarter_records(_context(db, QUARTERLY, county, "complete", scope, lang))
    places = registry.in_county(county)
    names = {m.code: m.name for m in places}

    table = MeasureTable("municipalities", _("Requests, answers and persons placed per municipality"),
                         _("Requests and answers from the contact log, counted in the quarter of the request date; "
                           "shares are of the requests. Agreed places and persons placed from the quarterly "
                           "follow-up (smak-kvartal); – where the municipality has none."),
                         _municipality_columns(lang, previous))
    for m in places:
        mine_cases = cases[cases["municipality"] == m.code] if len(cases) else cases
        mine_records = records[records["municipality"] == m.code]
        table.add(_row(m.name, _Figures(mine_cases, mine_records, quarter),
                       _Figures(mine_cases, mine_records, previous), [m.code]))
    everyone = [m.code for m in places]
    table.add(_row(_("County total"), _Figures(cases, records, quarter), _Figures(cases, records, previous),
                   everyone), strong=True)

    reason_choices = _reason_choices(db, lang)
    codes = [code for code, _text in reason_choices]
    reason_texts = [text for _code, text in reason_choices] + [_("No reason given")]
    reasons = MeasureTable("reasons", _("Reasons for no"),
                           _("No answers of the quarter's requests and the reasons given; several reasons may be "
                             "given. Municipalities without a no answer are left out."),
                           [MeasureColumn(_("Municipality"), "label"), MeasureColumn(_("No answers"), "int")]
                           + [MeasureColumn(t, "int", _("No answers giving the reason")) for t in reason_texts],
                           sheet=_("Reasons for no"))
    for m in places:
        found = _Figures(cases[cases["municipality"] == m.code] if len(cases) else cases, records, quarter).reasons(codes)
        if found[0]:
            reasons.add([m.name, *found])
    reasons.add([_("County total"), *_Figures(cases, records, quarter).reasons(codes)], strong=True)
    reasons.add([_("Previous quarter, %(quarter)s", quarter=previous.label(lang)),
                 *_Figures(cases, records, previous).reasons(codes)])

    trend = MeasureTable("trend", _("The county quarter by quarter"),
                         _("The county's requests and answers in each quarter up to the report's, and the persons "
                           "placed according to the quarterly follow-up."),
                         [MeasureColumn(_("Quarter"), "label"), MeasureColumn(_("Cases"), "int", _("Requests")),
                          MeasureColumn(_("Persons"), "int", _("Requests")),
                          *[MeasureColumn(n, "int", _("Answer")) for n in answer_names(lang)],
                          MeasureColumn(_("Share yes"), "pct"), MeasureColumn(_("Median days to answer"), "dec"),
                          MeasureColumn(_("Special needs"), "pct", _("Share yes")),
                          MeasureColumn(_("Other cases"), "pct", _("Share yes")),
                          MeasureColumn(_("Persons placed"), "int")],
                         sheet=_("Trend"))
    trend_bars = []
    for step in range(TREND_QUARTERS - 1, -1, -1):
        q = quarter.shift(-step)
        f = _Figures(cases, records, q)
        special, others = f.special_split()
        trend.add([q.label(lang), f.count(), f.persons(), *f.answers(), f.share_yes(), f.median_days(), special,
                   others, f.placed()], strong=q == quarter)
        trend_bars.append(Stack(q.label(lang), f.count(), [f.count(a) for a in CHART_ORDER]))

    bars = []
    now = cases[cases["quarter"] == quarter] if len(cases) else cases
    for m in places:
        mine = now[now["municipality"] == m.code] if len(now) else now
        if len(mine):
            bars.append(Stack(m.name, len(mine), [int((mine["answer"] == a).sum()) for a in CHART_ORDER]))

    notes = []
    if len(cases) and cases["quarter"].isna().any():
        notes.append(_("%(n)s requests have neither a request date nor a contact date and are not counted.",
                       n=int(cases["quarter"].isna().sum())))
    used = [names.get(code, code) + " " + q.label(lang) for code, q in doubles
            if q == previous or (q.year == quarter.year and q <= quarter)]
    if used:
        notes.append(_("More than one follow-up for the same quarter (the one changed last counts): %(list)s.",
                       list=", ".join(used)))
    now_local = datetime.datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0)
    return QuarterlyReport(county, registry.county(county).name, quarter, lang, now_local, table, reasons, trend,
                           bars, trend_bars, notes, int(len(now)))


def _reason_choices(db, lang: str) -> list[tuple[str, str]]:
    """The contact log's reasons for no (its newest wording), or none when it is not stored."""
    if LOG not in questionnaire_ids(db):
        return []
    schema, _versions = load_schema(db, LOG, include_personal=False)
    return Context(pd.DataFrame(), schema, lang).choices(contacts.REASONS)


def export_quarterly(db, county: str, quarter: Quarter | str, *, actor: str | None, lang: str = "sv",
                     scope: Scope = EVERYTHING, address: str | None = None) -> QuarterlyReport:
    """`build_quarterly` for a download, recorded in the audit log (the county and quarter, never answers)."""
    report = build_quarterly(db, county, quarter, lang, scope)
    audit.record(db, actor, "export", {"format": "xlsx", **report.describe(), "requests": report.requests},
                 target=LOG, address=address)
    return report
