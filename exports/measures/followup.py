"""The follow-up calls after SMAK's consultation conferences (seed 000, slide 9), against the contact log.

A call counts for its municipality and conference (`radslag.konferens`); a municipality called
twice about one conference counts by its latest call (last changed). The response rate is over the
municipalities invited (the questionnaire's frame, or the list given with the export), completed
calls only. Places promised are the number given with "Ja" or "Kanske", and the date from which
they can be used.

What the contact log later shows (ours, the seed names no period): the requests to the
municipality with a request date in the twelve months from the conference's month, the ja
answers and the persons in them, and the persons whose move-in date falls in those months.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from . import contacts
from .model import Context, Measure, MeasureColumn, MeasureTable, Spec, share, total

CONFERENCE, OFFER, PLACES, FROM = "radslag.konferens", "platser.kan_erbjuda", "platser.antal", "platser.fran_datum"
#: Ours: the first day of each conference's month (seed 000: January and November 2014); twelve months follow.
STARTS = {"jan_2014": datetime.date(2014, 1, 1), "nov_2014": datetime.date(2014, 11, 1)}
PROMISING = ("ja", "kanske")
PERSONS, MOVE_IN = "arende.antal_personer", "svar.inflyttningsdatum"


def window(code: str) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """[first day, day after the last) of the twelve months after a conference; None for one not known."""
    start = STARTS.get(code)
    return None if start is None else (pd.Timestamp(start), pd.Timestamp(start.replace(year=start.year + 1)))


def latest_calls(ctx: Context) -> pd.DataFrame:
    """One row per municipality and conference (its latest completed call)."""
    frame = pd.DataFrame({
        "municipality": ctx.frame["municipality_code"].astype(object).to_numpy(),
        "county": ctx.county_names(), "name": ctx.municipality_names(),
        "conference": ctx.codes(CONFERENCE), "offer": ctx.codes(OFFER), "places": ctx.numbers(PLACES),
        "from": pd.to_datetime(pd.Series(ctx.texts(FROM), dtype=object), format="%Y-%m-%d", errors="coerce"),
        "complete": (ctx.frame["status"].astype(object) == "complete").to_numpy(),
        "modified": ctx.frame["modified"].to_numpy(),
    })
    frame = frame[frame["complete"] & frame["conference"].notna()].sort_values("modified", kind="stable")
    return frame.drop_duplicates(["municipality", "conference"], keep="last")


def log_cases(log: Context | None) -> pd.DataFrame:
    """The contact log's requests (one per case): municipality, request day, answer, persons, move-in day."""
    if log is None or not len(log.frame):
        return pd.DataFrame(columns=["municipality", "day", "answer", "persons", "move_in"])
    sub = contacts.one_per_case(log, log.frame[contacts.REQUEST].to_numpy() == 1)
    return pd.DataFrame({
        "municipality": sub.frame["municipality_code"].astype(object).to_numpy(),
        "day": contacts.request_days(sub.texts(contacts.REQUEST_DATE), sub.texts(contacts.CONTACT_DATE)).to_numpy(),
        "answer": sub.codes(contacts.ANSWER),
        "persons": sub.numbers(PERSONS) if PERSONS in sub.frame else np.nan,
        "move_in": pd.to_datetime(pd.Series(sub.texts(MOVE_IN) if MOVE_IN in sub.frame else [None] * len(sub.frame),
                                            dtype=object), format="%Y-%m-%d", errors="coerce").to_numpy(),
    })


def _later(cases: pd.DataFrame, municipalities, conference: str) -> list:
    """Requests, ja answers, persons in them and persons moved in, in the twelve months after the conference."""
    span = window(conference)
    if span is None or not len(cases):
        return [None] * 4 if span is None else [0, 0, None, None]
    mine = cases[cases["municipality"].isin(list(municipalities))]
    asked = mine[(mine["day"] >= span[0]) & (mine["day"] < span[1])]
    yes = asked[asked["answer"] == "ja"]
    moved = mine[(mine["answer"] == "ja") & (mine["move_in"] >= span[0]) & (mine["move_in"] < span[1])]
    return [len(asked), len(yes), total(yes["persons"].to_numpy(dtype=float)),
            total(moved["persons"].to_numpy(dtype=float))]


def build(ctx: Context) -> Measure:
    _ = ctx.gettext
    calls = latest_calls(ctx)
    conferences = ctx.choices(CONFERENCE)
    offers = [(code, text) for code, text in ctx.choices(OFFER)]
    invited = ctx.invited or []
    response = MeasureTable(
        "conferences", _("Calls, places promised and when, per conference"),
        _("Called: municipalities of the frame with a completed call about the conference; the rate is of the "
          "invited. Places: the number given with Yes or Perhaps."),
        [MeasureColumn(_("Conference"), "label"), MeasureColumn(_("Invited"), "int"),
         MeasureColumn(_("Called"), "int"), MeasureColumn(_("Response rate"), "pct"),
         *[MeasureColumn(text, "int", _("Can offer places")) for _code, text in offers],
         MeasureColumn(_("Places promised"), "int"),
         MeasureColumn(_("Earliest"), "date", _("Places from")), MeasureColumn(_("Latest"), "date", _("Places from"))])
    frame_codes = {m.code for m in invited}
    for code, text in conferences:
        mine = calls[calls["conference"] == code]
        called = mine[mine["municipality"].isin(frame_codes)] if invited else mine
        promising = mine[mine["offer"].isin(PROMISING)]
        days = promising["from"].dropna()
        response.add([text, len(invited) or None, len(called), share(len(called), len(invited)),
                      *[int((mine["offer"] == c).sum()) for c, _t in offers],
                      total(promising["places"].to_numpy(dtype=float)),
                      days.min().date().isoformat() if len(days) else None,
                      days.max().date().isoformat() if len(days) else None])

    log = ctx.related("smak-kontaktlogg") if ctx.related else None
    cases = log_cases(log)
    compare = MeasureTable(
        "promised", _("Places promised against the contact log"),
        _("Per municipality called, and per county: the places promised (Yes or Perhaps) and what the contact log "
          "shows in the twelve months from the conference's month: requests, yes answers and the persons in them, "
          "and persons whose move-in date falls in those months. A county's share moved in counts the municipalities "
          "that promised places only."),
        [MeasureColumn(_("Conference"), "label"), MeasureColumn(_("County"), "text"),
         MeasureColumn(_("Municipality"), "text"), MeasureColumn(_("Can offer places"), "text"),
         MeasureColumn(_("Places promised"), "int"), MeasureColumn(_("Places from"), "date"),
         MeasureColumn(_("Requests"), "int", _("Contact log, twelve months")),
         MeasureColumn(_("Yes answers"), "int", _("Contact log, twelve months")),
         MeasureColumn(_("Persons in yes answers"), "int", _("Contact log, twelve months")),
         MeasureColumn(_("Persons moved in"), "int", _("Contact log, twelve months")),
         MeasureColumn(_("Moved in of promised"), "pct", _("Contact log, twelve months"))],
        sheet=_("Promised and placed"))
    offer_text = dict(offers)
    for code, text in conferences:
        mine = calls[calls["conference"] == code].sort_values(["county", "name"], kind="stable")
        for county, rows in mine.groupby("county", sort=True):
            for _i, call in rows.iterrows():
                promised = call["places"] if call["offer"] in PROMISING else None
                later = _later(cases, [call["municipality"]], code)
                compare.add([text, county, call["name"], offer_text.get(call["offer"], call["offer"]), promised,
                             call["from"].date().isoformat() if call["from"] == call["from"] else None, *later,
                             share(later[3] or 0, promised) if promised == promised and promised else None])
            promising = rows[rows["offer"].isin(PROMISING)]
            places = total(promising["places"].to_numpy(dtype=float))
            later = _later(cases, rows["municipality"], code)
            kept = _later(cases, promising["municipality"], code)[3]  # moved in where places were promised
            compare.add([text, county, _("Total"), None, places, None, *later,
                         share(kept or 0, places) if places else None], strong=True)
    note = _("Calls after the consultation conferences: %(calls)s municipalities and conferences with a completed "
             "call (the latest call counts when a municipality was called twice about one conference).",
             calls=len(calls))
    if log is None:
        note += " " + _("The contact log is not in the store: its columns are empty.")
    return Measure("followup", _("Follow-up calls"), note, [response, compare])


SPEC = Spec((CONFERENCE, OFFER, PLACES, FROM), build)
