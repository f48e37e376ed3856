"""Stockholm's follow-up of reception and establishment per district and period (seed 002).

One record per district administration and two-month period; when a district reported a period
more than once, its latest record counts (the district table says how many there were). Every
count is of people or households received during the period, so periods add up to the year to
date; the households in temporary housing are a stock, read at each period's end and never added
across periods.

- Progress toward the year's volumes: persons assigned and received (adults and families) and
  unaccompanied children received, year to date, against the 2016 figures of the directive
  (2 810 and 1 600, seed 002 ~26 % and ~38 %). Other years have no goal in the seeds.
- Shares (ours; the seed names the goals, not the indicators): households in permanent housing
  of the households received; children placed in preschool, school or language introduction of
  those placed or waiting; adults who started work or studies of those with an establishment plan.
"""

from __future__ import annotations

import numpy as np

from .model import Context, Measure, MeasureColumn, MeasureTable, Spec, share

YEAR = "period.ar"
PERIOD = "period.period"
PERSONS = "mottagande.personer"
HOUSEHOLDS = "mottagande.hushall"
CHILDREN = "mottagande.ensamkommande"
ARRIVAL = "boende.bostad_vid_ankomst"
PERMANENT = "boende.permanent"
TEMPORARY = "boende.tillfalligt_slut"
PLACED = ("skola.forskola", "skola.grundskola", "skola.sprakintroduktion")
WAITING = "skola.vantar"
PLAN = "arbete.etableringsplan"
WORK = "arbete.arbete_studier"
#: The year's volumes in the directive (seed 002): persons assigned (adults and families), unaccompanied children.
GOALS = {2016: (2810, 1600)}


class Rows:
    """The records that count, with each one's district, year, period index and figures."""

    def __init__(self, ctx: Context):
        frame = ctx.frame
        periods = [code for code, _text in ctx.choices(PERIOD)]
        codes, years = ctx.codes(PERIOD), ctx.numbers(YEAR)
        districts = frame["district_code"].astype(object).to_numpy()
        created = frame["created"].to_numpy()
        latest: dict[tuple, int] = {}
        self.records: dict[tuple, int] = {}
        for i in range(len(frame)):
            if codes[i] not in periods or np.isnan(years[i]) or not isinstance(districts[i], str):
                continue
            key = (districts[i], int(years[i]), periods.index(codes[i]))
            self.records[key] = self.records.get(key, 0) + 1
            if key not in latest or created[i] >= created[latest[key]]:
                latest[key] = i
        self.keys = sorted(latest)
        rows = np.array([latest[k] for k in self.keys], dtype=int)
        self.district = np.array([k[0] for k in self.keys], dtype=object)
        self.year = np.array([k[1] for k in self.keys], dtype=int)
        self.period = np.array([k[2] for k in self.keys], dtype=int)

        def flow(*keys: str) -> np.ndarray:  # a question not shown (no households, no children) counts 0
            return np.nansum(np.column_stack([ctx.numbers(k)[rows] for k in keys]), axis=1) if len(rows) else \
                np.zeros(0)
        self.values = {"persons": flow(PERSONS), "households": flow(HOUSEHOLDS), "children": flow(CHILDREN),
                       "arrival": flow(ARRIVAL), "permanent": flow(PERMANENT), "placed": flow(*PLACED),
                       "waiting": flow(WAITING), "plan": flow(PLAN), "work": flow(WORK)}
        self.temporary = ctx.numbers(TEMPORARY)[rows] if len(rows) else np.zeros(0)

    def sums(self, mask: np.ndarray) -> dict[str, int]:
        return {k: int(v[mask].sum()) for k, v in self.values.items()}

    def temporary_at_end(self, mask: np.ndarray) -> int | None:
        """The households in temporary housing at the end, summed over the districts that gave a number."""
        given = self.temporary[mask]
        given = given[~np.isnan(given)]
        return int(given.sum()) if len(given) else None


def _shares(s: dict[str, int]) -> list:
    return [share(s["permanent"], s["households"]), share(s["placed"], s["placed"] + s["waiting"]),
            share(s["work"], s["plan"])]


def _share_columns(ctx: Context) -> list[MeasureColumn]:
    _ = ctx.gettext
    group = _("Shares")
    return [MeasureColumn(_("In permanent housing"), "pct", group), MeasureColumn(_("Placed in school"), "pct", group),
            MeasureColumn(_("In work or studies"), "pct", group)]


def _goal(year: int, which: int) -> int | None:
    return GOALS[year][which] if year in GOALS else None


def summary_table(ctx: Context, rows: Rows, period_names: list[str]) -> MeasureTable:
    """Per year, up to its latest period reported: for Kommunstyrelsen."""
    _ = ctx.gettext
    assigned, children = _("Persons assigned"), _("Unaccompanied children")
    table = MeasureTable(
        "summary", _("Year to date for the City Executive Board"),
        _("Year to date: the periods of the year reported so far, up to the latest. Goals: the volumes of the "
          "directive for 2016 (2 810 adults and families assigned, 1 600 unaccompanied children); other years "
          "have none. Temporary housing: households at the end of the latest period, in the districts that "
          "reported it."),
        [MeasureColumn(_("Year"), "year"), MeasureColumn(_("Up to"), "text"),
         MeasureColumn(_("Districts reporting"), "int"),
         MeasureColumn(_("Number received"), "int", assigned), MeasureColumn(_("Goal"), "int", assigned),
         MeasureColumn(_("Share of the goal"), "pct", assigned),
         MeasureColumn(_("Number received"), "int", children), MeasureColumn(_("Goal"), "int", children),
         MeasureColumn(_("Share of the goal"), "pct", children),
         *_share_columns(ctx), MeasureColumn(_("Households in temporary housing"), "int")])
    for year in sorted(set(rows.year.tolist())):
        mine = rows.year == year
        last = int(rows.period[mine].max())
        s = rows.sums(mine)
        table.add([year, period_names[last], len(set(rows.district[mine])),
                   s["persons"], _goal(year, 0), share(s["persons"], _goal(year, 0) or 0),
                   s["children"], _goal(year, 1), share(s["children"], _goal(year, 1) or 0),
                   *_shares(s), rows.temporary_at_end(mine & (rows.period == last))])
    return table


def trend_table(ctx: Context, rows: Rows, period_names: list[str]) -> MeasureTable:
    """The city per period: the period's own figures and the year to date."""
    _ = ctx.gettext
    assigned, children = _("Persons assigned"), _("Unaccompanied children")
    table = MeasureTable(
        "trend", _("The city per period"),
        _("Each period's figures over the districts that reported it, and the year to date up to that period. "
          "Share of the goal: the year to date against the year's volume (2016 only)."),
        [MeasureColumn(_("Year"), "year"), MeasureColumn(_("Period"), "text"),
         MeasureColumn(_("Districts reporting"), "int"),
         MeasureColumn(_("Number received"), "int", assigned), MeasureColumn(_("Year to date"), "int", assigned),
         MeasureColumn(_("Share of the goal"), "pct", assigned),
         MeasureColumn(_("Number received"), "int", children), MeasureColumn(_("Year to date"), "int", children),
         MeasureColumn(_("Share of the goal"), "pct", children),
         MeasureColumn(_("Households"), "int"), MeasureColumn(_("With housing on arrival"), "pct"),
         *_share_columns(ctx), MeasureColumn(_("Households in temporary housing"), "int")],
        sheet=_("Trend per period"))
    for year, period in sorted(set(zip(rows.year.tolist(), rows.period.tolist()))):
        now = (rows.year == year) & (rows.period == period)
        s, ytd = rows.sums(now), rows.sums((rows.year == year) & (rows.period <= period))
        table.add([year, period_names[period], int(now.sum()),
                   s["persons"], ytd["persons"], share(ytd["persons"], _goal(year, 0) or 0),
                   s["children"], ytd["children"], share(ytd["children"], _goal(year, 1) or 0),
                   s["households"], share(s["arrival"], s["households"]), *_shares(s), rows.temporary_at_end(now)])
    return table


def districts_table(ctx: Context, rows: Rows, period_names: list[str]) -> MeasureTable:
    """Each district per period, the city total under each period."""
    _ = ctx.gettext
    names = {code: name for code, name in ctx.district_names()}
    table = MeasureTable(
        "districts", _("Districts per period"),
        _("Records: how many the district gave for the period; the latest counts. City total: the districts "
          "that reported the period."),
        [MeasureColumn(_("Year"), "year"), MeasureColumn(_("Period"), "text"), MeasureColumn(_("District"), "label"),
         MeasureColumn(_("Records"), "int"), MeasureColumn(_("Persons assigned"), "int"),
         MeasureColumn(_("Households"), "int"), MeasureColumn(_("Unaccompanied children"), "int"),
         *_share_columns(ctx), MeasureColumn(_("Households in temporary housing"), "int")],
        sheet=_("Districts per period"))
    order = {code: i for i, (code, _name) in enumerate(ctx.district_names())}
    for year, period in sorted(set(zip(rows.year.tolist(), rows.period.tolist()))):
        now = (rows.year == year) & (rows.period == period)
        for i in sorted(np.flatnonzero(now), key=lambda i: order.get(rows.district[i], len(order))):
            one = np.zeros(len(now), bool)
            one[i] = True
            s = rows.sums(one)
            code = rows.district[i]
            table.add([year, period_names[period], names.get(code, code), rows.records[rows.keys[i]], s["persons"],
                       s["households"], s["children"], *_shares(s), rows.temporary_at_end(one)])
        s = rows.sums(now)
        table.add([year, period_names[period], _("City total"), int(sum(rows.records[rows.keys[i]]
                                                                        for i in np.flatnonzero(now))),
                   s["persons"], s["households"], s["children"], *_shares(s), rows.temporary_at_end(now)],
                  strong=True)
    return table


def build(ctx: Context) -> Measure:
    _ = ctx.gettext
    rows = Rows(ctx)
    period_names = [text for _code, text in ctx.choices(PERIOD)]
    note = _("Seed 002, Stockholms stad's directive for the review of refugee reception (2016): a system to follow "
             "up reception and establishment, reported to the strategic steering group every other month and to "
             "the City Executive Board. %(n)s records of %(m)s districts.",
             n=len(ctx.frame), m=len(set(rows.district.tolist())))
    return Measure("sthlm", _("Follow-up for the City Executive Board"), note,
                   [summary_table(ctx, rows, period_names), trend_table(ctx, rows, period_names),
                    districts_table(ctx, rows, period_names)])


SPEC = Spec((YEAR, PERIOD, PERSONS, HOUSEHOLDS, CHILDREN, ARRIVAL, PERMANENT, TEMPORARY, *PLACED, WAITING, PLAN, WORK),
            build)
