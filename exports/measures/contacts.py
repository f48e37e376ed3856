"""The SMAK contact log's figures (seed 001, "Metod- och teknikstöd"; measure 37: quarterly follow-up).

A request is a contact whose subject includes "Förfrågan om anvisning". Each request counts once
in the quarter of its request date (`arende.forfragan_datum`), or of the contact's date when the
request date was not given: the question's help says the two are the same when the request was
made at the contact. Contacts about the same case (version 3's case reference, in the same
municipality) are one request, with the answer of the latest contact: a request logged
"återkommer" and answered later counts once. Its answer is ja, nej, återkommer (no final answer
yet) or none recorded.
The days from request to answer (`svar.dagar_till_svar`, a derived value) exist for ja and nej
answers with both dates; their median is over those.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .model import Context, Measure, MeasureColumn, MeasureTable, Spec, median, share

REQUEST = "arende.amne/anvisningsforfragan"
REQUEST_DATE = "arende.forfragan_datum"
CONTACT_DATE = "kontakt.datum"
ANSWER = "svar.svar"
DAYS = "svar.dagar_till_svar"
ANSWER_DATE = "svar.svarsdatum"
REASONS = "svar.orsak_nej"
CASE = "arende.arendereferens"  # version 3; optional
ANSWERS = ("ja", "nej", "aterkommer")
NONE = "-"  # no answer recorded


def request_days(request: np.ndarray, contact: np.ndarray) -> pd.Series:
    """Each request's day: the request date, else the contact date; NaT without a date."""
    return pd.to_datetime(pd.Series([r or c for r, c in zip(request, contact)], dtype=object),
                          format="%Y-%m-%d", errors="coerce")


def quarter_labels(ctx: Context, request: np.ndarray, contact: np.ndarray) -> np.ndarray:
    """Each request's quarter as "2014 K1" (the request date, else the contact date); None without a date."""
    dates = request_days(request, contact)
    return np.array([None if pd.isna(d) else ctx.gettext("%(year)s Q%(quarter)s", year=d.year,
                                                          quarter=(d.month - 1) // 3 + 1)
                     for d in dates], dtype=object)


def _answer_columns(ctx: Context) -> list[MeasureColumn]:
    _ = ctx.gettext
    texts = dict(ctx.choices(ANSWER))
    names = [texts.get(code, code) for code in ANSWERS] + [_("No answer recorded")]
    return ([MeasureColumn(_("Requests"), "int")]
            + [MeasureColumn(name, "int", _("Answer")) for name in names]
            + [MeasureColumn(name, "pct", _("Share of requests")) for name in names]
            + [MeasureColumn(_("Median"), "dec", _("Days from request to answer")),
               MeasureColumn(_("n"), "int", _("Days from request to answer"))])


def _answer_row(answers: np.ndarray, days: np.ndarray) -> list:
    counts = [int((answers == code).sum()) for code in (*ANSWERS, NONE)]
    n = len(answers)
    return [n, *counts, *[share(c, n) for c in counts], median(days), int((~np.isnan(days)).sum())]


def answers_table(ctx: Context, county: np.ndarray, quarter: np.ndarray, answers: np.ndarray,
                  days: np.ndarray) -> MeasureTable:
    """Per county and quarter, the county over all quarters, then (with several counties) the country."""
    _ = ctx.gettext
    table = MeasureTable(
        "answers", _("Answers to assignment requests per county and quarter"),
        _("Shares are of the requests. \"No answer recorded\": the answer was left empty (a draft). The days "
          "from request to answer are those of ja and nej answers with both dates."),
        [MeasureColumn(_("County"), "label"), MeasureColumn(_("Quarter"), "text")] + _answer_columns(ctx))
    no_date = _("No date")
    quarters = np.array([q or no_date for q in quarter], dtype=object)
    order = sorted(set(quarters), key=lambda q: (q == no_date, q))
    counties = sorted(set(county))
    for name in counties:
        mine = county == name
        for q in order:
            rows = mine & (quarters == q)
            if rows.any():
                table.add([name, q, *_answer_row(answers[rows], days[rows])])
        table.add([name, _("All quarters"), *_answer_row(answers[mine], days[mine])], strong=True)
    if len(counties) > 1:
        everyone = _("All counties")
        for q in order:
            rows = quarters == q
            table.add([everyone, q, *_answer_row(answers[rows], days[rows])])
        table.add([everyone, _("All quarters"), *_answer_row(answers, days)], strong=True)
    return table


def reasons_table(ctx: Context, county: np.ndarray, answers: np.ndarray, chosen: dict[str, np.ndarray]) -> MeasureTable:
    """Per county, the no answers and how many gave each reason (several reasons may be given)."""
    _ = ctx.gettext
    texts = [text for code, text in ctx.choices(REASONS)] + [_("No reason given")]
    table = MeasureTable(
        "reasons", _("Reasons for no per county"),
        _("Several reasons may be given: the counts can add up to more than the number of no answers."),
        [MeasureColumn(_("County"), "label"), MeasureColumn(_("No answers"), "int")]
        + [MeasureColumn(text, "int", _("No answers giving the reason")) for text in texts]
        + [MeasureColumn(text, "pct", _("Share of the no answers")) for text in texts],
        sheet=_("Reasons for no"))
    no = answers == "nej"
    none_given = ~np.any(np.column_stack(list(chosen.values())), axis=1) if chosen else np.ones(len(no), bool)
    columns = list(chosen.values()) + [none_given]

    def row(rows: np.ndarray) -> list:
        n = int(rows.sum())
        counts = [int((flags & rows).sum()) for flags in columns]
        return [n, *counts, *[share(c, n) for c in counts]]

    counties = sorted(set(county))
    for name in counties:
        table.add([name, *row(no & (county == name))])
    table.add([_("Total"), *row(no)], strong=True)
    return table


def _case_rows(ctx: Context, requests: np.ndarray) -> tuple[list[int], dict[int, str]]:
    """The latest request contact per case reference and municipality, and for each case of several
    contacts, its first day (the earliest request date, else contact date, of its contacts)."""
    rows = np.flatnonzero(requests)
    if CASE not in ctx.frame:
        return sorted(rows.tolist()), {}
    refs, places = ctx.texts(CASE), ctx.frame["municipality_code"].astype(object).to_numpy()
    contact, created = ctx.texts(CONTACT_DATE), ctx.frame["created"].to_numpy()
    asked = ctx.texts(REQUEST_DATE)
    latest: dict = {}
    first: dict = {}
    several: set = set()
    for i in rows:
        key = (places[i], refs[i].strip().upper()) if refs[i] else i
        when = (contact[i] or "", created[i])
        day = asked[i] or contact[i]
        if key in latest:
            several.add(key)
        if key not in latest or when >= latest[key][0]:
            latest[key] = (when, i)
        if day and (key not in first or day < first[key]):
            first[key] = day
    return (sorted(i for _when, i in latest.values()),
            {latest[key][1]: first[key] for key in several if key in first})


def one_per_case(ctx: Context, requests: np.ndarray) -> Context:
    """The request contacts that count, one per case (per case reference and municipality), as a Context.

    A case logged in several contacts (asked in March, "återkommer"; answered in April) is one
    request: the latest contact's answer, dated by the case's first day, so it counts in the
    quarter it was asked and its days to answer run from then to the latest answer date.
    """
    rows, first = _case_rows(ctx, requests)
    frame = ctx.frame.iloc[rows].reset_index(drop=True)
    if first:
        frame = frame.copy()
        position = {row: n for n, row in enumerate(rows)}
        at = [position[row] for row in first]
        dates = frame[REQUEST_DATE].astype(object).to_numpy().copy()
        dates[at] = list(first.values())
        frame[REQUEST_DATE] = dates
        if ANSWER_DATE in frame and DAYS in frame:
            answered = pd.to_datetime(frame[ANSWER_DATE].iloc[at], format="%Y-%m-%d", errors="coerce")
            asked = pd.to_datetime(pd.Series(list(first.values()), index=answered.index), format="%Y-%m-%d",
                                   errors="coerce")
            days = frame[DAYS].to_numpy(dtype=float).copy()
            days[at] = (answered - asked).dt.days.to_numpy(dtype=float)
            frame[DAYS] = days
    return Context(frame, ctx.schema, ctx.lang)


def build(ctx: Context) -> Measure:
    _ = ctx.gettext
    requests = ctx.frame[REQUEST].to_numpy() == 1
    sub = one_per_case(ctx, requests)
    answers = np.array([a if a in ANSWERS else NONE for a in sub.codes(ANSWER)], dtype=object)
    quarter = quarter_labels(sub, sub.texts(REQUEST_DATE), sub.texts(CONTACT_DATE))
    county = sub.county_names()
    chosen = {code: sub.frame[f"{REASONS}/{code}"].to_numpy() == 1 for code, _text in sub.choices(REASONS)}
    note = _("Contacts about an assignment request (subject \"Förfrågan om anvisning\"): %(records)s of %(all)s "
             "contacts, %(n)s requests: contacts about the same case (the same case reference in a municipality) "
             "are one request, with the answer of the latest. A request counts in the quarter of its request date, "
             "or of the contact's date when the request date was not given.",
             records=int(requests.sum()), all=len(ctx.frame), n=len(sub.frame))
    return Measure("contacts", _("Answers to requests"), note,
                   [answers_table(sub, county, quarter, answers, sub.numbers(DAYS)),
                    reasons_table(sub, county, answers, chosen)])


SPEC = Spec((REQUEST, REQUEST_DATE, CONTACT_DATE, ANSWER, DAYS, REASONS), build)
