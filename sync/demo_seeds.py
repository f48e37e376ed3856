"""Demo answers for the seed systems' record questionnaires, shaped for the reports that read them.

The generic demo (`sync.demo.AnswerMaker`) answers each question on its own. The
contact log, the quarterly follow-up, the NAD participant survey and the follow-up
calls after the consultation conference are read across records (per quarter, per
case, per hub, against promised places), so their demo rows are planned: which
municipality, which quarter, dates in order within a record (request, answer,
move-in), the submission made when the answers say it was (a contact on its day,
a quarter's follow-up after the quarter), and rule breaches (checks) at a low,
realistic rate. Constraints (errors) are never broken: the pages would not let
such an interview be completed.

Every maker has the interface `demo.AnswerMaker` adds for them: `make(code)`,
`place(default)` and `when(answers, default)`. Figures and rates are ours; the
seeds give none (seed-systems.md).
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from forms import registry
from forms.answers import clean_answers
from forms.model import DONT_KNOW, Questionnaire
from forms.registry import Municipality

from .demo_sthlm import SthlmMaker

#: SMAK ran to June 2015 (seed 000, slide 8); the demo covers 2014Q1-2015Q2.
QUARTERS = [(2014, 1), (2014, 2), (2014, 3), (2014, 4), (2015, 1), (2015, 2)]
PERIOD = (datetime.date(2014, 1, 2), datetime.date(2015, 6, 30))
#: Västerbotten first (the county of the issue's example), then SMAK's five county boards (seed 000, slide 7).
FOCUS_COUNTIES = ("24", "21", "01", "17", "07", "25")
#: Ours, for the demo only: the municipalities around each of Partnerskap Skåne's hub towns.
HUBS = {
    "nordost": ("1290", "1293", "1256", "1272", "1273", "1270", "1291"),
    "nordvast": ("1283", "1282", "1292", "1284", "1276", "1277", "1260", "1257", "1278", "1275"),
    "mellan": ("1281", "1285", "1267", "1266", "1261", "1262", "1265", "1214"),
    "syd": ("1280", "1287", "1233", "1263", "1231", "1264", "1230", "1286"),
}
#: Ours: the days of the two consultation conferences (seed 000 names the months only).
CONFERENCES = {"jan_2014": datetime.date(2014, 1, 21), "nov_2014": datetime.date(2014, 11, 18)}
SELECTIONS = {2014: ["Kenya 2014:1", "Sudan 2014:2", "Syrien 2014:3", "Iran 2014:4"],
              2015: ["Kenya 2015:1", "Syrien 2015:2", "Afghanistan 2015:3"]}
FOLLOW_UP_NOTES = [
    "Kommunen har tackat nej till två ärenden med stora familjer i rad.",
    "Samtal om nästa års överenskommelse och om hur kvotflyktingar ingår i de anvisningsbara platserna.",
    "Kommunen uppger att alla platser är använda men har tagit emot färre än överenskommet.",
    "Fråga om tomhyror och ersättning för initiala kostnader.",
]
PARTICIPANT_VIEWS = [
    "Bra att träffa svenskar och prata.", "Jag vill ha fler tillfällen.", "Ledarna var snälla och hjälpte oss.",
    "Svårt att komma dit med buss.", "Vi lärde oss mycket svenska.",
]


def _day_at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A time on `day` (moved to the next weekday), in office hours, UTC."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return datetime.datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59),
                             tzinfo=datetime.timezone.utc)


def _in_counties(counties: tuple[str, ...]) -> list[Municipality]:
    by_county = {c: [m for m in registry.municipalities() if m.county_code == c] for c in counties}
    return [m for c in counties for m in by_county[c]]


class PlannedMaker:
    """Base of the planned makers: the k-th call places the k-th submission."""

    def __init__(self, questionnaire: Questionnaire, rng: random.Random, generic, pressure):
        self.q = questionnaire
        self.rng = rng
        self.generic = generic  # a demo.AnswerMaker, for names and phone numbers
        self.pressure = pressure  # demo.pressure: a municipality's housing pressure, 0..1
        self.k = -1
        self.moment: datetime.datetime | None = None

    def place(self, default: Municipality) -> Municipality:
        self.k += 1
        return self.choose(default)

    def choose(self, default: Municipality) -> Municipality:
        return default

    def when(self, answers: dict[str, Any], default: datetime.datetime) -> datetime.datetime:
        return self.moment or default

    def make(self, municipality_code: str) -> dict[str, Any]:
        answers = self.answers(municipality_code)
        cleaned = clean_answers(self.q, answers)
        return cleaned.answers

    def answers(self, municipality_code: str) -> dict[str, Any]:  # pragma: no cover - every maker has one
        raise NotImplementedError


def agreed_places(code: str, year: int) -> int:
    """A municipality's agreed places for the year, the same in every quarter's follow-up."""
    rng = random.Random(f"places:{code}:{year}")
    big = code.endswith("80") or code in ("2482", "1281", "1283", "0380")
    return rng.randint(60, 240) if big else rng.randint(4, 45)


class KontaktloggMaker(PlannedMaker):
    """smak-kontaktlogg: contacts over 2014-2015; some "återkommer" answered in a later record of the same case."""

    def __init__(self, questionnaire, rng, generic, pressure):
        super().__init__(questionnaire, rng, generic, pressure)
        self.places = _in_counties(FOCUS_COUNTIES)
        self.pending: list[dict[str, Any]] = []
        self.serial = 0
        self.follow_up: dict[str, Any] | None = None

    def choose(self, default):
        self.follow_up = None
        if self.pending and self.rng.random() < 0.6:
            self.follow_up = self.pending.pop(0)
            return registry.municipality(self.follow_up["municipality"])
        # a few municipalities get most of the requests, as in a county's real log
        return self.places[int(len(self.places) * self.rng.random() ** 2)]

    def answers(self, code):
        rng = self.rng
        if self.follow_up:
            return self.answer_later(code, self.follow_up)
        span = (PERIOD[1] - PERIOD[0]).days
        day = PERIOD[0] + datetime.timedelta(days=rng.randint(0, span))
        self.moment = _day_at(day, rng)
        day = self.moment.date()
        a: dict[str, Any] = self.contact(day)
        roll = rng.random()
        if roll < 0.12:
            a["arende.amne"] = ["kvotgrupp"]
            a["arende.uttagning"] = rng.choice(SELECTIONS[day.year])
            return a
        special = roll > 0.62
        amne = ["anvisningsforfragan"]
        households = 1 if rng.random() < 0.85 else rng.randint(2, 3)
        sizes = [max(1, min(11, int(rng.expovariate(1 / 3)) + 1)) for _ in range(households)]
        persons = sum(sizes)
        kinds = []
        if persons >= 7:
            kinds.append("stor_familj")
        if households > 1:
            kinds.append("lankade_arenden")
        if special:
            kinds.append(rng.choice(["medicinskt_behov", "medicinskt_behov", "funktionsnedsattning", "prestationsformaga"]))
        if kinds:
            amne.append("stor_familj" if "stor_familj" in kinds and not special else "sarskilda_behov")
            a["arende.sarskilda_behov_typ"] = sorted(set(kinds))
        self.serial += 1
        a.update({
            "arende.amne": amne,
            "arende.arendereferens": f"BF-{day.year}-{self.serial:03d}",
            "arende.antal_personer": persons,
            "arende.antal_hushall": households,
            "arende.forfragan_datum": day.isoformat(),
        })
        if rng.random() < 0.7:
            a["arende.uttagning"] = rng.choice(SELECTIONS[day.year])
        if rng.random() < 0.02:  # a slip the check catches: the two numbers swapped
            a["arende.antal_personer"], a["arende.antal_hushall"] = households, persons
        p = self.pressure(code)
        yes = 0.6 - 0.25 * p - (0.2 if kinds else 0)
        no = 0.2 + 0.2 * p + (0.15 if kinds else 0)
        roll = rng.random()
        if roll < yes:
            a.update(self.yes(day, rng.randint(0, 10)))
        elif roll < yes + no:
            a.update(self.no(day, rng.randint(0, 14), persons, kinds))
        else:
            by = day + datetime.timedelta(days=rng.randint(7, 30))
            a.update({"svar.svar": "aterkommer", "svar.aterkommer_senast": by.isoformat(),
                      "uppfoljning.datum": (by + datetime.timedelta(days=1)).isoformat()})
            self.pending.append({"municipality": code, "answers": a, "kinds": kinds, "request": day, "by": by})
        return a

    def contact(self, day: datetime.date) -> dict[str, Any]:
        rng = self.rng
        name = self.generic.q.question("kontakt.kontaktperson_namn")
        return {
            "kontakt.datum": day.isoformat(),
            "kontakt.kanal": rng.choices(["telefon", "epost", "mote", "natverksmote"], [60, 25, 10, 5])[0],
            "kontakt.kontaktperson_namn": self.generic.text(name),
            "kontakt.kontaktperson_roll": rng.choices(["handlaggare", "chef", "politiker", "annan"], [70, 20, 5, 5])[0],
        }

    def yes(self, request: datetime.date, after: int) -> dict[str, Any]:
        answered = request + datetime.timedelta(days=after)
        move_in = answered + datetime.timedelta(days=self.rng.randint(14, 75))
        return {"svar.svar": "ja", "svar.svarsdatum": answered.isoformat(), "svar.inflyttningsdatum": move_in.isoformat()}

    def no(self, request: datetime.date, after: int, persons: int, kinds: list[str]) -> dict[str, Any]:
        rng = self.rng
        reasons = {"bostadsbrist"} if rng.random() < 0.5 else set()
        if rng.random() < 0.25:
            reasons.add("platser_anvanda")
        if persons >= 6 and rng.random() < 0.6:
            reasons.add("bostad_for_liten")
        if kinds and rng.random() < 0.5:
            reasons.add("sarskilda_behov")
        for code, share in (("kostnad", 0.1), ("annan_grupp", 0.08), ("personal", 0.05)):
            if rng.random() < share:
                reasons.add(code)
        answered = request + datetime.timedelta(days=after)
        return {"svar.svar": "nej", "svar.svarsdatum": answered.isoformat(),
                "svar.orsak_nej": sorted(reasons) or [rng.choices(["bostadsbrist", "platser_anvanda", DONT_KNOW],
                                                                  [60, 30, 10])[0]]}

    def answer_later(self, code: str, case: dict[str, Any]) -> dict[str, Any]:
        """The same case, answered after an "återkommer": a new record with the same reference."""
        rng = self.rng
        answered = case["request"] + datetime.timedelta(days=rng.randint(3, (case["by"] - case["request"]).days + 10))
        self.moment = _day_at(min(answered, PERIOD[1]), rng)
        answered = max(self.moment.date(), case["request"])
        a = {k: v for k, v in case["answers"].items() if k.startswith("arende.")}
        a.update(self.contact(answered))
        after = (answered - case["request"]).days
        p = self.pressure(code)
        if rng.random() < 0.55 - 0.2 * p - (0.15 if case["kinds"] else 0):
            a.update(self.yes(case["request"], after))
        else:
            a.update(self.no(case["request"], after, a["arende.antal_personer"], case["kinds"]))
        return a


class KvartalMaker(PlannedMaker):
    """smak-kvartal: each municipality of the focus counties, quarter after quarter, filled in after the quarter."""

    def __init__(self, questionnaire, rng, generic, pressure):
        super().__init__(questionnaire, rng, generic, pressure)
        self.places = _in_counties(FOCUS_COUNTIES)

    def choose(self, default):
        return self.places[(self.k // len(QUARTERS)) % len(self.places)]

    def answers(self, code):
        rng = self.rng
        year, quarter = QUARTERS[self.k % len(QUARTERS)] if self.k >= 0 else rng.choice(QUARTERS)
        quarter_end = datetime.date(year + quarter // 4, quarter % 4 * 3 + 1, 1) - datetime.timedelta(days=1)
        self.moment = _day_at(quarter_end + datetime.timedelta(days=rng.randint(3, 25)), rng)
        places = agreed_places(code, year)
        p = self.pressure(code)
        placed = max(0, round(rng.gauss(places / 4 * (1.1 - 0.6 * p), max(1.0, places / 10))))
        if rng.random() < 0.04:  # a check breach: a quarter beyond the year's places
            placed = places + rng.randint(1, 5)
        a: dict[str, Any] = {
            "period.ar": year, "period.kvartal": f"q{quarter}",
            "mottagande.anvisningsbara_platser": places if rng.random() > 0.03 else DONT_KNOW,
            "mottagande.kvot_placerade": placed,
            "mottagande.kvot_sarskilda_behov": sum(rng.random() < 0.3 - 0.15 * p for _ in range(placed)),
        }
        declined = rng.random() < 0.1 + 0.35 * p
        a["bortval.nej_sarskilda"] = DONT_KNOW if rng.random() < 0.04 else ("ja" if declined else "nej")
        if a["bortval.nej_sarskilda"] == "ja":
            a["bortval.nej_sarskilda_antal"] = rng.randint(1, 4)
        signs = rng.random() < (0.45 if declined else 0.05)
        a["bortval.tecken"] = "ja" if signs else "nej"
        if signs:
            a["bortval.tecken_grupper"] = sorted(rng.sample(["nationalitet", "sarskilda_behov", "lag_utbildning",
                                                             "stora_familjer"], rng.randint(1, 2)))
            a["bortval.tecken_beskrivning"] = rng.choice(FOLLOW_UP_NOTES[:3])
        follow = signs or (declined and rng.random() < 0.5) or rng.random() < 0.05
        a["lansstyrelsen.uppfoljning_behovs"] = "ja" if follow else "nej"
        if follow:
            a["lansstyrelsen.uppfoljning_vad"] = rng.choice(FOLLOW_UP_NOTES)
        contacts = rng.randint(0, 5)
        a["nasta_kvartal.planerade_kontakter"] = contacts
        if contacts:
            a["nasta_kvartal.planerade_kontakter_om"] = sorted(rng.sample(
                ["anvisningsforfragan", "sarskilda_behov", "overenskommelse", "uppfoljning"], rng.randint(1, 2)))
        return a


class HubMaker(PlannedMaker):
    """A NAD maker: each record in one of the municipalities of Partnerskap Skåne's hubs, with its hub."""

    def __init__(self, questionnaire, rng, generic, pressure):
        super().__init__(questionnaire, rng, generic, pressure)
        self.hub_of = {code: hub for hub, codes in HUBS.items() for code in codes}
        self.places = [registry.municipality(code) for codes in HUBS.values() for code in codes]

    def choose(self, default):
        return self.places[int(len(self.places) * self.rng.random() ** 1.5)]


class DeltagarenkatMaker(HubMaker):
    """nad-deltagarenkat: participants in Skåne's hubs, answering after their activity in 2015-2016."""

    def answers(self, code):
        rng = self.rng
        start, days = datetime.date(2015, 2, 1), 500
        self.moment = _day_at(start + datetime.timedelta(days=rng.randint(0, days)), rng)
        times = rng.choices(["1_2", "3_4", "5_fler"], [15, 30, 55])[0]
        engaged = {"1_2": 0.2, "3_4": 0.5, "5_fler": 0.8}[times]
        scale = ["aldrig", "nagon_gang_i_manaden", "nagon_gang_i_veckan", "varje_dag"]
        a: dict[str, Any] = {
            "aktiviteten.knutpunkt": self.hub_of.get(code, rng.choice(list(HUBS))),
            "aktiviteten.ganger": times,
            "aktiviteten.passade": rng.choices(["mycket_daligt", "ganska_daligt", "ganska_bra", "mycket_bra"],
                                               [5, 10, 45, 40])[0],
            "aktiviteten.langd": rng.choices(["for_kort", "lagom", "for_lang", DONT_KNOW], [35, 55, 5, 5])[0],
            "sprak.pratar_svenska": scale[min(3, int(rng.random() * 2 + engaged * 2))],
            "sprak.nya_kontakter": rng.choices(["inga", "1_2", "3_fler"], [1 - engaged, 0.5, engaged / 2])[0],
            "natverk.medlem": "ja" if rng.random() < 0.2 + 0.3 * engaged else "nej",
        }
        if rng.random() < 0.85:  # some skip the questions on how they feel, as the page allows
            a["halsa.mar_allmant"] = rng.choices(["mycket_daligt", "ganska_daligt", "ganska_bra", "mycket_bra"],
                                                 [8, 22, 50, 20])[0]
            a["halsa.mar_battre"] = rng.choices(["nej", "lite", "mycket", DONT_KNOW], [30, 40, 20 + 20 * engaged, 10])[0]
        if a["natverk.medlem"] == "ja":
            a["natverk.medlem_genom_aktiviteten"] = "ja" if rng.random() < 0.6 else "nej"
        if rng.random() < 0.4:
            a["natverk.synpunkter"] = rng.choice(PARTICIPANT_VIEWS)
        return a


class UppfoljningMaker(PlannedMaker):
    """smak-uppfoljning: calls to municipalities of SMAK's counties in the weeks after each conference."""

    def __init__(self, questionnaire, rng, generic, pressure):
        super().__init__(questionnaire, rng, generic, pressure)
        self.places = _in_counties(("21", "01", "17", "07", "25"))

    def choose(self, default):
        # each municipality is called after both conferences; 7 steps through the counties
        return self.places[(self.k // 2 * 7) % len(self.places)]

    def answers(self, code):
        rng = self.rng
        conference = "jan_2014" if self.k % 2 == 0 else "nov_2014"
        held = CONFERENCES[conference]
        self.moment = _day_at(held + datetime.timedelta(days=rng.randint(7, 45)), rng)
        p = self.pressure(code)
        offer = rng.choices(["ja", "kanske", "nej", DONT_KNOW], [0.55 - 0.3 * p, 0.3, 0.1 + 0.3 * p, 0.05])[0]
        a: dict[str, Any] = {
            "radslag.konferens": conference, "radslag.deltog": "ja" if rng.random() < 0.8 else "nej",
            "radslag.kontaktperson_roll": rng.choices(["handlaggare", "chef", "politiker", "annan"], [50, 40, 5, 5])[0],
            "platser.kan_erbjuda": offer,
        }
        if offer in ("ja", "kanske"):
            a["platser.antal"] = max(1, min(500, round(agreed_places(code, held.year + (conference == "nov_2014"))
                                                       * rng.uniform(0.2, 0.8))))
            start = held + datetime.timedelta(days=rng.randint(20, 200))
            if conference == "nov_2014" and rng.random() < 0.08:  # a check breach: a date before the conference
                start = held - datetime.timedelta(days=rng.randint(10, 60))
            a["platser.fran_datum"] = start.isoformat()
        meets = rng.random() < 0.5 - 0.2 * p
        a["sarskilda_behov.kan_mota"] = "ja" if meets else "nej"
        if meets:
            a["sarskilda_behov.vilka"] = sorted(rng.sample(["medicinskt_behov", "funktionsnedsattning", "stor_familj",
                                                            "lankade_arenden", "prestationsformaga"], rng.randint(1, 3)))
        hinder = {"bostadsbrist"} if rng.random() < 0.4 + 0.5 * p else set()
        for option, share in (("kostnader", 0.35), ("personal", 0.15), ("vard", 0.2), ("politiskt_beslut", 0.07)):
            if rng.random() < share:
                hinder.add(option)
        a["hinder.hinder"] = sorted(hinder) or [DONT_KNOW]
        a["stod.stod"] = sorted(rng.sample(["information", "kompetens", "sverigeprogram", "ersattning", "natverk"],
                                           rng.randint(1, 3)))
        a["stod.nasta_kontakt"] = (self.moment.date() + datetime.timedelta(days=rng.randint(30, 120))).isoformat()
        return a


#: The planned makers, by questionnaire id.
class NadAktivitetMaker(HubMaker):
    """nad-aktivitet: associations' activities in Skåne, the hub (knutpunkt) the one of the municipality.

    The answers are the generic maker's (its rule checks hold in most reports, see demo.CHECK_BREACH_RATE);
    only the place and the hub are planned, so the reports per hub are Skåne's own.
    """

    def answers(self, code):
        return {**self.generic.make(code), "forening.knutpunkt": self.hub_of.get(code, self.rng.choice(list(HUBS)))}


PLANNED = {
    "smak-kontaktlogg": KontaktloggMaker,
    "nad-aktivitet": NadAktivitetMaker,
    "smak-kvartal": KvartalMaker,
    "nad-deltagarenkat": DeltagarenkatMaker,
    "smak-uppfoljning": UppfoljningMaker,
    "sthlm-uppfoljning": SthlmMaker,
}
#: How many rows each gets in a mixed demo, against 1 for the others: a log has many records per municipality.
WEIGHTS = {"smak-kontaktlogg": 4, "smak-kvartal": 3, "nad-deltagarenkat": 2, "sthlm-uppfoljning": 4}
