"""NAD's rules for compensation, report by report, and a summary per county hub (seed 004, project plan p. 8).

The seed: an association gets a standard 1 500 kronor per participant and NAD activity. "För att
kunna få ersättningen" the activity must have at least 5 sessions, at least one leader per 10
participants, and the local working group's judgement that its quality is high enough; the money
must not pay participants' membership fees. So:

- the flags are the questionnaire's own rule checks (`omfattning.minst_5_tillfallen`,
  `omfattning.ledare_per_10_deltagare`, `ersattning.inom_schablon`, computed with the newest
  definitions, so they say what the interviewer was warned of) and the quality answer
  (`aktivitet.kvalitet_bedomd`);
- a report that breaks the sessions, leaders or quality rule is eligible for 0 kr: those are
  conditions for any compensation;
- otherwise the eligible amount is the claim capped at 1 500 kr per participant (the derived
  `ersattning.berattigat_belopp`), less what was used for membership fees (the form's help says
  that amount is deducted), never below 0. Claiming more than the cap is a breach that lowers
  the amount, not one that voids it.
"""

from __future__ import annotations

import numpy as np

from .model import Context, Measure, MeasureColumn, MeasureTable, Spec, total

HUB = "forening.knutpunkt"
ASSOCIATION = "forening.namn"
ACTIVITY = "aktivitet.namn"
SESSIONS = "omfattning.tillfallen"
PARTICIPANTS = "omfattning.deltagare"
LEADERS = "omfattning.ledare"
QUALITY = "aktivitet.kvalitet_bedomd"
RULE_SESSIONS = "omfattning.minst_5_tillfallen"
RULE_LEADERS = "omfattning.ledare_per_10_deltagare"
RULE_RATE = "ersattning.inom_schablon"
CLAIMED = "ersattning.begard"
CAPPED = "ersattning.berattigat_belopp"
FEES = "ersattning.medlemsavgifter_belopp"

#: Rules whose breach leaves nothing to pay; the rate rule only caps the amount.
VOIDING = (RULE_SESSIONS, RULE_LEADERS, QUALITY)
RULES = (RULE_SESSIONS, RULE_LEADERS, RULE_RATE, QUALITY)


def eligible(claimed: float, capped: float, fees: float, voiding: list) -> float | None:
    """The amount a report is eligible for (see the module doc); None when its answers cannot tell."""
    if np.isnan(claimed):
        return None
    if any(flag is False for flag in voiding):
        return 0.0
    if any(flag is None for flag in voiding) or np.isnan(capped):
        return None
    return max(0.0, capped - (0.0 if np.isnan(fees) else fees))


def _rule_headers(ctx: Context) -> list[str]:
    return [ctx.label(RULE_SESSIONS), ctx.label(RULE_LEADERS), ctx.label(RULE_RATE),
            ctx.gettext("Rule: quality judged high enough by the local working group")]


def reports_table(ctx: Context, hubs: np.ndarray, flags: list[np.ndarray], amounts: dict[str, np.ndarray],
                  order: np.ndarray) -> MeasureTable:
    _ = ctx.gettext
    rule = _("Rule holds")
    money = _("Compensation")
    table = MeasureTable(
        "reports", _("NAD rule check, one row per report"),
        _("Yes: the rule holds; No: it is broken. Breaking the sessions, leaders or quality rule leaves nothing to "
          "pay (eligible 0 kr); a claim above 1 500 kronor per participant is capped. What was used for membership "
          "fees is deducted. An empty cell: the answers needed are missing."),
        [MeasureColumn(_("County"), "text"), MeasureColumn(_("Municipality"), "text"),
         MeasureColumn(ctx.label(HUB) if HUB in ctx.frame else _("County"), "text"),
         MeasureColumn(ctx.label(ASSOCIATION), "text"), MeasureColumn(ctx.label(ACTIVITY), "text"),
         MeasureColumn(_("Sessions"), "int"), MeasureColumn(_("Participants"), "int"),
         MeasureColumn(_("Leaders"), "int")]
        + [MeasureColumn(h, "flag", rule) for h in _rule_headers(ctx)]
        + [MeasureColumn(_("Claimed"), "sek", money), MeasureColumn(_("At most 1 500 kr per participant"), "sek", money),
           MeasureColumn(_("Used for membership fees"), "sek", money), MeasureColumn(_("Eligible"), "sek", money),
           MeasureColumn(_("Claimed less eligible"), "sek", money), MeasureColumn(_("Submission"), "text")],
        listing=True, sheet=_("NAD per report"))
    counties, municipalities = ctx.county_names(), ctx.municipality_names()
    association, activity = ctx.texts(ASSOCIATION), ctx.texts(ACTIVITY)
    sessions, participants, leaders = ctx.numbers(SESSIONS), ctx.numbers(PARTICIPANTS), ctx.numbers(LEADERS)
    uuid = ctx.frame["uuid"].astype(object).to_numpy()
    for i in order:
        claimed, pay = amounts["claimed"][i], amounts["eligible"][i]
        table.add([counties[i], municipalities[i], hubs[i], association[i], activity[i], sessions[i],
                   participants[i], leaders[i], *[f[i] for f in flags], claimed, amounts["capped"][i],
                   amounts["fees"][i] if amounts["fees"][i] > 0 else None, pay,
                   None if pay is None or np.isnan(claimed) else claimed - pay, uuid[i]])
    return table


def summary_table(ctx: Context, hubs: np.ndarray, names: list[str], flags: list[np.ndarray],
                  amounts: dict[str, np.ndarray]) -> MeasureTable:
    _ = ctx.gettext
    broken = _("Reports breaking the rule")
    money = _("Compensation")
    table = MeasureTable(
        "hubs", _("NAD reports per hub: rules broken, claimed and eligible"),
        _("A report can break several rules. \"Not checkable\": the answers needed are missing (a draft). Claimed "
          "less eligible is over the reports with both."),
        [MeasureColumn(ctx.label(HUB) if HUB in ctx.frame else _("County"), "label"), MeasureColumn(_("Reports"), "int")]
        + [MeasureColumn(h, "int", broken) for h in _rule_headers(ctx)]
        + [MeasureColumn(_("Any rule"), "int", broken), MeasureColumn(_("Eligible for nothing"), "int"),
           MeasureColumn(_("Not checkable"), "int"),
           MeasureColumn(_("Claimed"), "sek", money), MeasureColumn(_("Eligible"), "sek", money),
           MeasureColumn(_("Claimed less eligible"), "sek", money)])
    pay = np.array([np.nan if v is None else v for v in amounts["eligible"]], dtype=float)
    claimed = amounts["claimed"]
    any_broken = np.any(np.column_stack([f == False for f in flags]), axis=1)  # noqa: E712 (object arrays)

    def row(rows: np.ndarray) -> list:
        both = rows & ~np.isnan(pay) & ~np.isnan(claimed)
        return [int(rows.sum()), *[int((rows & (f == False)).sum()) for f in flags],  # noqa: E712
                int((rows & any_broken).sum()), int((rows & (pay == 0)).sum()), int((rows & np.isnan(pay)).sum()),
                total(claimed[rows]), total(pay[rows]), total(claimed[both] - pay[both])]

    for name in names:
        rows = hubs == name
        if rows.any():
            table.add([name, *row(rows)])
    table.add([_("Total"), *row(np.ones(len(hubs), bool))], strong=True)
    return table


def build(ctx: Context) -> Measure:
    _ = ctx.gettext
    if HUB in ctx.frame:
        choices = ctx.choices(HUB)
        texts = dict(choices)
        hubs = np.array([texts.get(c, _("Not given")) if c else _("Not given") for c in ctx.codes(HUB)], dtype=object)
        names = [text for _code, text in choices] + [_("Not given")]
    else:  # no hub question: per county
        hubs = ctx.county_names()
        names = sorted(set(hubs))
    flags = [ctx.flags(key) for key in RULES]
    claimed, capped, fees = ctx.numbers(CLAIMED), ctx.numbers(CAPPED), ctx.numbers(FEES)
    voiding = [ctx.flags(key) for key in VOIDING]
    pay = np.array([eligible(claimed[i], capped[i], fees[i], [v[i] for v in voiding]) for i in range(len(claimed))],
                   dtype=object)
    amounts = {"claimed": claimed, "capped": capped, "fees": fees, "eligible": pay}
    rank = {name: i for i, name in enumerate(names)}
    order = np.array(sorted(range(len(hubs)), key=lambda i: rank.get(hubs[i], len(names))), dtype=int)
    note = _("The rules of seed 004 (NAD's project plan): at least 5 sessions, at least one leader per 10 "
             "participants and the local working group's judgement of quality are conditions for any compensation; "
             "the compensation is at most 1 500 kronor per participant and activity, and may not pay membership fees.")
    return Measure("nad", _("NAD rules"), note,
                   [summary_table(ctx, hubs, names, flags, amounts), reports_table(ctx, hubs, flags, amounts, order)])


SPEC = Spec((ASSOCIATION, ACTIVITY, SESSIONS, PARTICIPANTS, LEADERS, QUALITY, *RULES[:3], CLAIMED, CAPPED, FEES),
            build)
