"""SMAK's costs of receiving quota refugees per municipality and year (seed 001, measures 26-30).

One record per municipality and year; when a municipality reported a year more than once, its
latest record counts (the table says how many there were). A year is a group, never a number:
nothing is summed or averaged across years.

- Costs: the amounts given for initial costs, staff in the first two months, empty rent and the
  extra costs of special needs. An item asked but not given (don't know, left empty) is counted in
  "Amounts not given": the sum is then a lower bound.
- Per person: costs divided by the persons received that year (when more than 0).
- Compensation: the amounts of every kind of compensation received; against the costs as a share.
"""

from __future__ import annotations

import numpy as np

from .model import Context, Measure, MeasureColumn, MeasureTable, Spec, share, total

YEAR = "period.ar"
PERSONS = "period.mottagna"
INITIAL = ("kostnader.initiala",)
STAFF = ("kostnader.personal_tva_manader",)
RENT = ("kostnader.tomhyror",)
SPECIAL = ("sarskilda_behov.funktionsnedsattning", "sarskilda_behov.medicinska", "sarskilda_behov.stora_familjer",
           "sarskilda_behov.ovriga")
COMPENSATION = ("ersattning.schablon", "ersattning.initiala", "ersattning.tomhyror", "ersattning.sarskilda_kostnader",
                "ersattning.medel_37", "ersattning.eu_medel", "ersattning.annat")
COSTS = INITIAL + STAFF + RENT + SPECIAL


def _sum(ctx: Context, keys: tuple[str, ...]) -> np.ndarray:
    """Per row, the sum of the amounts given among `keys`; NaN when none is given."""
    values = np.column_stack([ctx.numbers(k) for k in keys])
    given = ~np.isnan(values)
    return np.where(given.any(axis=1), np.nansum(values, axis=1), np.nan)


def _not_given(ctx: Context, keys: tuple[str, ...]) -> np.ndarray:
    """Per row, how many of `keys` were asked but have no amount."""
    return sum((ctx.shown(k) & np.isnan(ctx.numbers(k))).astype(int) for k in keys)


def latest_per_year(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """The rows that count (the latest record of each municipality and year), by county, municipality and year,
    and how many records each municipality gave for that year."""
    frame = ctx.frame
    keys = [(code, None if np.isnan(year) else int(year))
            for code, year in zip(frame["municipality_code"].astype(object), ctx.numbers(YEAR))]
    latest: dict = {}
    counts: dict = {}
    created = frame["created"].to_numpy()
    for i, key in enumerate(keys):
        counts[key] = counts.get(key, 0) + 1
        if key not in latest or created[i] >= created[latest[key]]:
            latest[key] = i
    counties = frame["county_code"].astype(object).to_numpy()
    rows = np.array(sorted(latest.values(), key=lambda i: (counties[i], keys[i][0], keys[i][1] is None,
                                                           keys[i][1] or 0)), dtype=int)
    return rows, np.array([counts[keys[i]] for i in rows], dtype=int)


def municipalities_table(ctx: Context, rows: np.ndarray, records: np.ndarray, values: dict[str, np.ndarray]
                         ) -> MeasureTable:
    _ = ctx.gettext
    costs, money = _("Costs"), _("Compensation")
    table = MeasureTable(
        "municipalities", _("Costs and compensation per municipality and year"),
        _("Records: how many the municipality gave for the year; the latest counts. Amounts not given: cost or "
          "compensation items asked but left without an amount (don't know or empty); the sums are then lower "
          "bounds."),
        [MeasureColumn(_("County"), "text"), MeasureColumn(_("Municipality"), "text"), MeasureColumn(_("Year"), "year"),
         MeasureColumn(_("Records"), "int"), MeasureColumn(_("Persons received"), "int"),
         MeasureColumn(_("Initial costs"), "sek", costs), MeasureColumn(_("Staff, first two months"), "sek", costs),
         MeasureColumn(_("Empty rent"), "sek", costs), MeasureColumn(_("Special needs"), "sek", costs),
         MeasureColumn(_("Total"), "sek", costs), MeasureColumn(_("Per person received"), "sek", costs),
         MeasureColumn(_("Received"), "sek", money), MeasureColumn(_("Share of the costs"), "pct", money),
         MeasureColumn(_("Amounts not given"), "int")],
        listing=True, sheet=_("Costs per municipality"))
    counties, municipalities = ctx.county_names(), ctx.municipality_names()
    for i, n in zip(rows, records):
        cost, persons, paid = values["costs"][i], values["persons"][i], values["compensation"][i]
        year = values["year"][i]
        table.add([counties[i], municipalities[i], None if np.isnan(year) else int(year), n, persons, values["initial"][i],
                   values["staff"][i], values["rent"][i], values["special"][i], cost,
                   cost / persons if persons > 0 and not np.isnan(cost) else None, paid,
                   paid / cost if cost > 0 and not np.isnan(paid) else None, values["not_given"][i]])
    return table


def years_table(ctx: Context, rows: np.ndarray, values: dict[str, np.ndarray]) -> MeasureTable:
    """Per county and year, then every county per year: never a sum over years."""
    _ = ctx.gettext
    table = MeasureTable(
        "years", _("Costs and compensation per county and year"),
        _("Sums over the municipalities of a year; years are never added together. Per person: the costs of the "
          "municipalities that gave both costs and persons received, divided by their persons. Compensation as a "
          "share of the costs: over the municipalities that gave both."),
        [MeasureColumn(_("County"), "label"), MeasureColumn(_("Year"), "year"),
         MeasureColumn(_("Municipalities"), "int"), MeasureColumn(_("Persons received"), "int"),
         MeasureColumn(_("Costs"), "sek"), MeasureColumn(_("Costs per person received"), "sek"),
         MeasureColumn(_("Compensation received"), "sek"), MeasureColumn(_("Compensation as a share of the costs"),
                                                                         "pct")])
    county = ctx.county_names()[rows]
    year = values["year"][rows]
    cost, persons, paid = values["costs"][rows], values["persons"][rows], values["compensation"][rows]

    def row(mask: np.ndarray) -> list:
        per = mask & ~np.isnan(cost) & (persons > 0)
        both = mask & ~np.isnan(cost) & ~np.isnan(paid)
        spent = total(cost[per])
        base = total(cost[both])
        return [int(mask.sum()), total(persons[mask]), total(cost[mask]),
                spent / total(persons[per]) if spent is not None else None, total(paid[mask]),
                share(total(paid[both]), base) if base else None]

    years = sorted({y for y in year if not np.isnan(y)}) + ([np.nan] if np.isnan(year).any() else [])
    names = sorted(set(county))
    groups = [(name, county == name) for name in names]
    if len(names) > 1:
        groups.append((_("All counties"), np.ones(len(county), bool)))
    for name, mine in groups:
        for y in years:
            mask = mine & (np.isnan(year) if np.isnan(y) else year == y)
            if mask.any():
                table.add([name, None if np.isnan(y) else int(y), *row(mask)], strong=name == _("All counties"))
    return table


def build(ctx: Context) -> Measure:
    _ = ctx.gettext
    values = {
        "year": ctx.numbers(YEAR), "persons": ctx.numbers(PERSONS), "initial": _sum(ctx, INITIAL),
        "staff": _sum(ctx, STAFF), "rent": _sum(ctx, RENT), "special": _sum(ctx, SPECIAL), "costs": _sum(ctx, COSTS),
        "compensation": _sum(ctx, COMPENSATION), "not_given": _not_given(ctx, COSTS + COMPENSATION),
    }
    rows, records = latest_per_year(ctx)
    note = _("Seed 001, measures 26-30: the actual costs of receiving quota refugees, per municipality and year, "
             "against the compensation received. %(n)s records of %(m)s municipalities.",
             n=len(ctx.frame), m=len(set(ctx.frame["municipality_code"].astype(object))))
    return Measure("costs", _("Costs per year"), note,
                   [years_table(ctx, rows, values), municipalities_table(ctx, rows, records, values)])


SPEC = Spec((YEAR, PERSONS, *COSTS, *COMPENSATION), build)
