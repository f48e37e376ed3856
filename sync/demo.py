"""Plausible synthetic interviews for trying fieldkit and for benchmarks; deterministic for a seed."""

from __future__ import annotations

import datetime
import random
import uuid
from typing import Any, Iterable

from sqlite_utils import Database

from forms import derived, registry
from forms.answers import clean_answers, is_relevant
from forms.model import (
    DONT_KNOW,
    NOT_APPLICABLE,
    OTHER,
    OTHER_SUFFIX,
    Question,
    Questionnaire,
)

from . import demo_seeds, store

PHRASES = [
    "Bostadsbristen är det största hindret för mottagandet.",
    "Bra dialog med länsstyrelsen, men underlagen från Arbetsförmedlingen behöver förbättras.",
    "Kommunen samarbetar med det kommunala bostadsbolaget om ett antal lägenheter per år.",
    "Svårt att hitta stora lägenheter till familjer.",
    "Migrationsverkets bosättningsfunktion fungerar mycket bra.",
    "Överlåt till Migrationsverket att erbjuda kommunplacering, då blir det färre inblandade aktörer.",
    "Få till överenskommelser med fastighetsbolag och privata hyresvärdar.",
    "Tomhyror under väntetiden är en kostnad som kommunen står för.",
    "Kollektivtrafiken gör det svårt att bo utanför centralorten.",
    "Personalstyrkan i flyktingmottagningen har minskat under året.",
    "Behöver tydligare ansvarsfördelning mellan Arbetsförmedlingen och kommunen.",
    "Information om hälsoundersökning saknas ofta i underlaget.",
]
FIRST_NAMES = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Ahmed", "Fatima", "Per"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson"]
#: Yes/no questions of the form library whose "ja" is far from the demo's usual 35-75 %: NAD's quality
#: judgement is a condition for compensation, and membership fees may not be paid (seed 004).
YES_RATES = {
    ("nad-aktivitet", "aktivitet.kvalitet_bedomd"): 0.93,
    ("nad-aktivitet", "ersattning.medlemsavgifter"): 0.06,
}
#: The share of demo interviews that may break one of their questionnaire's checks (warnings):
#: most reports follow the rules they are checked against, a few do not.
CHECK_BREACH_RATE = 0.12
CHECK_TRIES = 40


def pressure(code: str) -> float:
    """A stable 0..1 "housing pressure" per municipality: big cities and their counties higher."""
    rng = random.Random(f"pressure:{code}")
    base = 0.75 if code.endswith("80") else 0.45
    if code[:2] in ("01", "12", "14"):
        base += 0.1
    return min(1.0, max(0.0, rng.gauss(base, 0.15)))


class AnswerMaker:
    """Makes one plausible, valid answer set for a questionnaire and a municipality."""

    def __init__(self, questionnaire: Questionnaire, rng: random.Random, dont_know_rate: float = 0.07,
                 skip_rate: float = 0.15):
        self.q = questionnaire
        self.rng = rng
        self.dont_know_rate = dont_know_rate
        self.skip_rate = skip_rate

    def place(self, default):
        """The municipality of the next demo interview: `default` (the planned makers choose their own)."""
        return default

    def when(self, answers: dict[str, Any], default: datetime.datetime) -> datetime.datetime:
        """When the interview was made: `default` (the planned makers date it by its answers)."""
        return default

    def make(self, municipality_code: str) -> dict[str, Any]:
        """One answer set; with checks (rules that warn), drawn again until they hold, but for a few."""
        answers = self._draw(municipality_code)
        if not derived.plan(self.q).steps or self.rng.random() < CHECK_BREACH_RATE:
            return answers
        for _ in range(CHECK_TRIES):
            if not derived.broken(self.q, derived.evaluate(self.q, answers), "check"):
                break
            answers = self._draw(municipality_code)
        return answers

    def _draw(self, municipality_code: str) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        p = pressure(municipality_code)
        for section in self.q.sections:
            for question in section.questions:
                if not question.answerable or not is_relevant(question, section, answers, self.q):
                    continue
                if not question.required and self.rng.random() < self.skip_rate:
                    continue
                value = self.value(question, p, answers)
                if value is not None:
                    answers[question.id] = value
        cleaned = clean_answers(self.q, answers)
        return cleaned.answers if cleaned.ok else {k: v for k, v in cleaned.answers.items()}

    def special(self, question: Question) -> str | None:
        codes = question.special_codes
        if codes and self.rng.random() < self.dont_know_rate:
            return DONT_KNOW if DONT_KNOW in codes else NOT_APPLICABLE
        return None

    def ordered(self, question: Question, p: float) -> str:
        """A level of an ordered list, skewed towards the low end when pressure is high."""
        levels = sorted(question.choices, key=lambda c: c.score if c.score is not None else 0)
        if not levels:
            return question.choices[0].code
        position = min(0.999, max(0.0, self.rng.gauss(1 - p, 0.25)))
        return levels[int(position * len(levels))].code

    def value(self, question: Question, p: float, answers: dict[str, Any]) -> Any:
        rng = self.rng
        qtype = question.type
        special = self.special(question)
        if special and qtype != "matrix":
            return [special] if qtype == "multi" else special
        if qtype == "scale":
            return self.ordered(question, p)
        if qtype == "matrix":
            rows = {}
            for item in question.items:
                code = self.special(question) or self.ordered(question, p)
                rows[item.code] = code
            return rows
        if qtype == "yesno":
            rate = YES_RATES.get((self.q.id, question.id), 0.35 + 0.4 * (1 - p))
            return "ja" if rng.random() < rate else "nej"
        if qtype == "single":
            return rng.choice(question.choices).code
        if qtype == "multi":
            options = [c.code for c in question.choices]
            low = max(1, question.min or 1)
            high = min(len(options), question.max or 3)
            chosen = rng.sample(options, rng.randint(low, max(low, high)))
            if question.other and rng.random() < 0.1:
                chosen.append(OTHER)
                answers[question.id + OTHER_SUFFIX] = rng.choice(PHRASES)
            return chosen
        if qtype in ("integer", "money", "decimal"):
            return self.number(question)
        if qtype == "date":
            return self.date(question, answers)
        if qtype == "time":
            return f"{rng.randint(8, 17):02d}:{rng.choice(('00', '15', '30', '45'))}"
        if qtype == "datetime":
            return f"{self.date(question, answers)}T{rng.randint(8, 17):02d}:00"
        if qtype == "year":
            low = question.min if question.min is not None else 2013
            high = question.max if question.max is not None else 2016
            return rng.randint(max(low, min(high, 2013)), min(high, max(low, 2016)))
        if qtype == "text":
            return self.text(question)
        if qtype == "longtext":
            return " ".join(rng.sample(PHRASES, rng.randint(1, 3)))
        if qtype == "range":
            step = question.step or 1
            return question.min + step * rng.randint(0, int(round((question.max - question.min) / step)))
        if qtype == "rank":
            return rng.sample([c.code for c in question.choices], len(question.choices))
        if qtype == "acknowledge":
            return "OK"
        if qtype == "geopoint":  # somewhere in Sweden
            return {"lat": round(rng.uniform(55.4, 68.9), 5), "lon": round(rng.uniform(11.2, 23.9), 5)}
        return None

    def number(self, question: Question) -> int | float:
        rng = self.rng
        if question.type == "money":
            low = question.min if question.min is not None else 0
            high = question.max if question.max is not None else 2_000_000
            value = int(min(high, max(low, rng.lognormvariate(11.5, 1.0))) // 100 * 100)
            return max(low, value)
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else max(low + 10, 60)
        if high - low > 200:
            value = low + int(rng.expovariate(1 / 40))
            value = min(high, value)
        else:
            value = rng.randint(int(low), int(high))
        if question.type == "decimal":
            return round(min(float(high), value + rng.random()), 1)
        return int(value)

    def date(self, question: Question, answers: dict[str, Any]) -> str:
        """A date; after the dates already answered, within two months of the latest (a request, then its answer)."""
        low = datetime.date.fromisoformat(question.min) if question.min else datetime.date(2013, 1, 1)
        high = datetime.date.fromisoformat(question.max) if question.max else datetime.date(2014, 12, 31)
        earlier = [datetime.date.fromisoformat(v) for k, v in answers.items()
                   if isinstance(v, str) and self.q.question(k) is not None and self.q.question(k).type == "date"]
        if earlier and low <= max(earlier) <= high:
            low, high = max(earlier), min(high, max(earlier) + datetime.timedelta(days=60))
        else:
            high = min(high, max(low, datetime.date(2014, 12, 31)))
        span = max(0, (high - low).days)
        return (low + datetime.timedelta(days=self.rng.randint(0, span))).isoformat()

    def text(self, question: Question) -> str:
        rng = self.rng
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if question.pattern and "@" in question.pattern:
            return f"{name.split()[0].lower()}.{name.split()[1].lower()}@kommun.se"
        if question.pattern:
            return f"070-{rng.randint(1000000, 9999999)}"
        if question.personal:
            return name
        return rng.choice(PHRASES)[: question.max_length or 200]


WORKING_DAYS = 460  # about 22 months of weekdays, from the start date on


def _office_hours(start: datetime.datetime, i: int, n: int, rng: random.Random) -> datetime.datetime:
    """The i-th of n interviews, spread over the working days, 08-17 on weekdays."""
    business_day = min(i // 8, i * WORKING_DAYS // max(n, 1))
    day = start + datetime.timedelta(days=business_day // 5 * 7 + business_day % 5)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=2)
    return day.replace(hour=8 + i % 9, minute=rng.randint(0, 59))


def _spread(n: int, questionnaires: list[Questionnaire]) -> list[Questionnaire]:
    return [questionnaires[i % len(questionnaires)] for i in range(n)]


def _weighted_spread(n: int, questionnaires: list[Questionnaire]) -> list[Questionnaire]:
    """Like _spread, with a contact log and the quarterly follow-up repeated (demo_seeds.WEIGHTS)."""
    cycle = [q for q in questionnaires for _ in range(demo_seeds.WEIGHTS.get(q.id, 1))]
    return _spread(n, cycle)


def maker_for(questionnaire: Questionnaire, rng: random.Random):
    """The demo's answer maker for a questionnaire: a planned one for the seed systems' records, else AnswerMaker."""
    generic = AnswerMaker(questionnaire, rng)
    planned = demo_seeds.PLANNED.get(questionnaire.id)
    return planned(questionnaire, rng, generic, pressure) if planned else generic


def demo_rows(questionnaires: list[Questionnaire], n: int, seed: int, *, device_id: str,
              interviewer: str = "Demo", draft_rate: float = 0.05,
              start: datetime.datetime | None = None) -> Iterable[tuple[dict, dict | None, dict | None]]:
    """Yield (submission, revision or None, draft or None) rows for n synthetic interviews."""
    rng = random.Random(seed)
    makers = {q.id: maker_for(q, rng) for q in questionnaires}
    municipalities = list(registry.municipalities())
    start = start or datetime.datetime(2013, 3, 1, 8, 0, tzinfo=datetime.timezone.utc)
    order = list(municipalities)
    rng.shuffle(order)
    for i, questionnaire in enumerate(_weighted_spread(n, questionnaires)):
        maker = makers[questionnaire.id]
        municipality = maker.place(order[i % len(order)])
        answers = maker.make(municipality.code)
        sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        created = maker.when(answers, _office_hours(start, i, n, rng)).isoformat(timespec="milliseconds")
        submission = {
            "uuid": sid, "questionnaire_id": questionnaire.id, "questionnaire_version": questionnaire.version,
            "municipality_code": municipality.code, "county_code": municipality.county_code,
            "interviewer": interviewer, "device_id": device_id, "created": created, "modified": created,
            "district_code": getattr(maker, "district", None),  # a maker of a questionnaire answered per district
        }
        if rng.random() < draft_rate:
            submission.update(status="draft", revision=0, answers=store.canonical_json(answers))
            yield submission, None, {"submission_uuid": sid, "raw": store.canonical_json(answers),
                                     "section_id": questionnaire.sections[0].id, "saved_at": created, "seq": 1}
            continue
        digest = store.revision_hash(sid, questionnaire.id, questionnaire.version, municipality.code, answers, None)
        revision = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "submission_uuid": sid, "number": 1,
            "parent_id": None, "merge_parent_id": None, "questionnaire_id": questionnaire.id,
            "questionnaire_version": questionnaire.version, "municipality_code": municipality.code,
            "status": "complete", "answers": store.canonical_json(answers), "content_hash": digest,
            "device_id": device_id, "author": interviewer, "created": created, "comment": None,
        }
        submission.update(status="complete", revision=1, head_revision=revision["id"], content_hash=digest,
                          answers=revision["answers"])
        yield submission, revision, None


def make_demo(db: Database, n: int, seed: int, questionnaire_ids: list[str] | None = None,
              interviewer: str = "Demo", batch: int = 2000) -> dict[str, int]:
    """Insert n synthetic interviews spread over the stored questionnaires, in one transaction."""
    ids = questionnaire_ids or [q["id"] for q in store.list_questionnaires(db)]
    questionnaires = [store.get_questionnaire(db, qid) for qid in ids]
    device_id = store.get_settings(db).get("device_id", "demo")
    counts = {"complete": 0, "draft": 0}
    subs, revs, drafts = [], [], []

    def flush():
        db["submissions"].insert_all(subs)
        if revs:
            db["revisions"].insert_all(revs)
        if drafts:
            db["drafts"].insert_all(drafts)
        subs.clear()
        revs.clear()
        drafts.clear()

    with store.transaction(db):
        for submission, revision, draft in demo_rows(questionnaires, n, seed, device_id=device_id,
                                                     interviewer=interviewer):
            subs.append(submission)
            counts[submission["status"]] += 1
            if revision:
                revs.append(revision)
            if draft:
                drafts.append(draft)
            if len(subs) >= batch:
                flush()
        flush()
    return counts
