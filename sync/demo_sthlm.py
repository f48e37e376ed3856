"""Demo answers for sthlm-uppfoljning: Stockholm's 14 districts reporting period after period in 2016.

The k-th submission is district k % 14 in period k // 14 (January-February first), so a demo of
any size fills whole periods in order, each submitted a few days after its period ends. The
volumes follow the directive's 2016 figures (seed 002: 2 810 persons assigned, 1 600
unaccompanied children), spread over the districts by a size of our own and over the year by a
ramp of our own (the settlement law applied from 1 March 2016; arrivals of unaccompanied children
fell through the year). Every figure and rate here is ours: the seed gives none.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from forms import registry
from forms.answers import clean_answers
from forms.model import DONT_KNOW, Questionnaire
from forms.registry import Municipality

YEAR = 2016
PERIODS = ("p1", "p2", "p3", "p4", "p5", "p6")
#: Ours: each district's relative share of the city's reception (larger in the outer districts).
SIZE = {"0180-01": 12, "0180-02": 9, "0180-03": 9, "0180-04": 6, "0180-05": 3, "0180-06": 2, "0180-07": 2,
        "0180-08": 5, "0180-09": 10, "0180-10": 6, "0180-11": 8, "0180-12": 5, "0180-13": 7, "0180-14": 10}
#: Ours: the share of the year's persons and of its unaccompanied children received in each period.
PERSONS_RAMP = (0.06, 0.12, 0.17, 0.20, 0.22, 0.23)
CHILDREN_RAMP = (0.30, 0.22, 0.15, 0.12, 0.11, 0.10)
#: Ours: Stockholm received fewer unaccompanied children in 2016 than the 1 600 agreed.
CHILDREN_REACHED = 0.55
ISSUES = [
    "Brist på bostäder för stora familjer; fler hushåll i tillfälligt boende.",
    "Väntetid på plats i förberedelseklass.",
    "Samordning med Arbetsförmedlingen kring etableringsplaner.",
    "Gode män räcker inte till för de ensamkommande barnen.",
]
PROPOSALS = [
    "En gemensam mottagningsenhet för staden.",
    "Resurser följer antalet mottagna per stadsdel.",
    "Tätare avstämning med SHIS om bostäder.",
]


def _binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(rng.random() < p for _ in range(n))


class SthlmMaker:
    """Plans sthlm-uppfoljning's demo rows: which district and period, when submitted, what figures."""

    def __init__(self, questionnaire: Questionnaire, rng: random.Random, generic=None, pressure=None):
        self.q = questionnaire
        self.rng = rng
        self.districts = registry.districts_of("0180")
        self.k = -1
        self.district: str | None = None  # read by demo.demo_rows: the submission's district
        self.moment: datetime.datetime | None = None
        self.period = 0

    def place(self, default: Municipality) -> Municipality:
        self.k += 1
        unit = self.districts[self.k % len(self.districts)]
        self.district = unit.code
        self.period = self.k // len(self.districts) % len(PERIODS)
        end = datetime.date(YEAR + (self.period == 5), (2 * self.period + 2) % 12 + 1, 1)  # the day after the period
        day = end + datetime.timedelta(days=self.rng.randint(2, 20))
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        self.moment = datetime.datetime(day.year, day.month, day.day, self.rng.randint(8, 16), self.rng.randint(0, 59),
                                        tzinfo=datetime.timezone.utc)
        return registry.municipality(unit.municipality_code)

    def when(self, answers: dict[str, Any], default: datetime.datetime) -> datetime.datetime:
        return self.moment or default

    def make(self, municipality_code: str) -> dict[str, Any]:
        return clean_answers(self.q, self.answers()).answers

    def answers(self) -> dict[str, Any]:
        rng, p = self.rng, self.period
        weight = SIZE.get(self.district or "", 5) / sum(SIZE.values())
        persons = max(0, round(2810 * PERSONS_RAMP[p] * weight * rng.gauss(1, 0.15)))
        households = min(persons, max(1, round(persons / rng.uniform(2.2, 3.2)))) if persons else 0
        children = max(0, round(1600 * CHILDREN_REACHED * CHILDREN_RAMP[p] * weight * rng.gauss(1, 0.2)))
        placed = [_binomial(rng, persons, share) for share in (0.08, 0.14, 0.05)]
        plan = _binomial(rng, persons, 0.5)
        a: dict[str, Any] = {
            "period.ar": YEAR, "period.period": PERIODS[p],
            "mottagande.personer": persons, "mottagande.hushall": households, "mottagande.ensamkommande": children,
            "skola.forskola": placed[0], "skola.grundskola": placed[1], "skola.sprakintroduktion": placed[2],
            "skola.vantar": _binomial(rng, sum(placed) + 2, 0.25 - 0.03 * p),
            "arbete.etableringsplan": plan, "arbete.arbetsmarknadsinsats": _binomial(rng, plan, 0.4),
            "arbete.arbete_studier": _binomial(rng, plan, 0.08 + 0.02 * p),
        }
        if households:
            a.update({"boende.bostad_vid_ankomst": _binomial(rng, households, 0.3),
                      "boende.permanent": _binomial(rng, households, 0.15 + 0.04 * p),
                      "boende.former": sorted(rng.sample(["forstahand", "andrahand", "modul", "hotell"],
                                                         rng.randint(1, 3))),
                      "boende.tillfalligt_slut": DONT_KNOW if rng.random() < 0.05 else
                      round(households * rng.uniform(1.5, 4) + 5 * p)})
        if children:
            god_man = _binomial(rng, children, 0.85)
            hvb = _binomial(rng, children, 0.5)
            family = _binomial(rng, children - hvb, 0.6)
            a.update({"ensamkommande.god_man": god_man, "ensamkommande.hvb": hvb,
                      "ensamkommande.familjehem": family,
                      "ensamkommande.stodboende": _binomial(rng, children - hvb - family, 0.5)})
        for who, good in (("af", 0.55), ("migrationsverket", 0.6), ("lansstyrelsen", 0.7)):
            roll = rng.random()
            a[f"samverkan.{who}"] = DONT_KNOW if roll < 0.05 else \
                ("mycket_bra" if roll > 0.9 else "ganska_bra" if roll < good + 0.05 else
                 "ganska_daligt" if roll < 0.85 else "mycket_daligt")
        if rng.random() < 0.4:
            a["utveckling.fragor"] = rng.choice(ISSUES)
        if rng.random() < 0.25:
            a["utveckling.forslag"] = rng.choice(PROPOSALS)
        return a
