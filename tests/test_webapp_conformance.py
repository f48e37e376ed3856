"""The offline app's JS engine against the Python engine: generated conditions, derived values and answers.

A seeded generator writes expressions over every kind of answer (choices, multi, matrix rows,
numbers, dates, text, special answers) and raw answer sets with the awkward cases (missing,
"Vet ej", numbers as text with spaces and commas, impossible dates, specials mixed with choices).
Python (forms.answers / forms.conditions, the judge) and expr.js + answers.js in headless
Chromium evaluate each; every result, with its type (a whole float is not an int), must be equal.
"""

from __future__ import annotations

import datetime
import json
import random
import re
from pathlib import Path

import pytest

from forms import clean_answers, from_dict
from forms.conditions import parse
from forms.errors import FieldkitError
from forms.webjson import webform

from forms_helpers import choices, section

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parent.parent / "fieldkit" / "static" / "webapp"
SEED = 1414

QUESTIONS = [
    {"id": "val", "type": "single", "label": "Val", "choices": choices("1", "2", "x"), "dont_know": True},
    {"id": "flera", "type": "multi", "label": "Flera", "choices": choices("x", "y", "z"), "other": True,
     "dont_know": True, "not_applicable": True, "max": 2},
    {"id": "mat", "type": "matrix", "label": "Matris", "items": choices("r1", "r2"),
     "choices": choices("1", "2", "3"), "dont_know": True},
    {"id": "antal", "type": "integer", "label": "Antal", "dont_know": True, "min": 0, "max": 5000},
    {"id": "andel", "type": "decimal", "label": "Andel", "not_applicable": True},
    {"id": "kostnad", "type": "money", "label": "Kostnad"},
    {"id": "ar", "type": "year", "label": "År", "min": 1990},
    {"id": "d1", "type": "date", "label": "Från", "min": "2020-01-01"},
    {"id": "d2", "type": "date", "label": "Till", "dont_know": True},
    {"id": "namn", "type": "text", "label": "Namn", "pattern": "[A-Za-zåäöÅÄÖ ]+", "max_length": 12},
    {"id": "jn", "type": "yesno", "label": "Ja eller nej", "dont_know": True},
]
IDS = ["a." + q["id"] for q in QUESTIONS]
NUMERIC = ["a.antal", "a.andel", "a.kostnad", "a.ar"]
DATES = ["a.d1", "a.d2"]
LITERALS = ["0", "1", "2", "-3", "1000", "2.5", "1.0", "0.1", "'1'", "'x'", "'ja'", "'vet_ej'", "'3'", "'3.0'",
            "'2024-03-01'", "''", "true", "false"]


class Generator:
    """Random expression source over the questionnaire above, from a seeded Random."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def ref(self) -> str:
        if self.rng.random() < 0.15:
            return f"a.mat[{self.rng.choice(['r1', 'r2'])}]"
        return self.rng.choice(IDS)

    def number(self, depth: int) -> str:
        r = self.rng.random()
        if depth <= 0 or r < 0.35:
            return self.rng.choice(NUMERIC + ["0", "1", "2", "7", "2.5", "1.0", "-4"])
        if r < 0.6:
            return f"{self.number(depth - 1)} {self.rng.choice('+-*/')} {self.number(depth - 1)}"
        if r < 0.7:
            return f"-{self.number(depth - 1)}"
        if r < 0.78:
            return f"days({self.rng.choice(DATES + [repr('2024-02-29')])} - {self.rng.choice(DATES)})"
        if r < 0.86:
            return f"{self.rng.choice(['min', 'max'])}({self.number(depth - 1)}, {self.number(depth - 1)})"
        if r < 0.94:
            digits = self.rng.choice(["", ", 0", ", 1", ", 2"])
            return f"round({self.number(depth - 1)}{digits})"
        return f"if({self.condition(depth - 1)}, {self.number(depth - 1)}, {self.number(depth - 1)})"

    def date(self, depth: int) -> str:
        r = self.rng.random()
        if depth <= 0 or r < 0.5:
            return self.rng.choice(DATES)
        if r < 0.8:
            return f"{self.rng.choice(DATES)} {self.rng.choice('+-')} {self.rng.choice(['30', '1', 'a.antal', '2.0'])}"
        return f"{self.rng.choice(['min', 'max'])}({self.rng.choice(DATES)}, {self.rng.choice(DATES + [repr('2023-12-31')])})"

    def operand(self, depth: int) -> str:
        r = self.rng.random()
        if r < 0.4:
            return self.ref()
        if r < 0.65:
            return self.rng.choice(LITERALS)
        if r < 0.85:
            return self.number(depth)
        if r < 0.95:
            return self.date(depth)
        return f"{self.rng.choice(DATES)} - {self.date(depth - 1)}"  # a difference of dates

    def test(self, depth: int) -> str:
        r = self.rng.random()
        if r < 0.45:
            op = self.rng.choice(["==", "!=", "<", "<=", ">", ">="])
            return f"{self.operand(depth)} {op} {self.operand(depth)}"
        if r < 0.65:
            values = ", ".join(self.rng.sample(["'1'", "'2'", "'x'", "'y'", "'vet_ej'", "1", "2.5", "'ja'"], 3))
            negate = "not " if self.rng.random() < 0.3 else ""
            return f"{self.operand(depth)} {negate}in [{values}]"
        if r < 0.75:
            code = self.rng.choice(['x', 'y', 'vet_ej', 'annat'])
            return f"'{code}' in a.flera"
        if r < 0.9:
            return f"{self.ref()} is {'not ' if self.rng.random() < 0.4 else ''}answered"
        return self.operand(depth)

    def condition(self, depth: int = 2) -> str:
        r = self.rng.random()
        if depth <= 0 or r < 0.5:
            return self.test(depth)
        if r < 0.75:
            return f"({self.condition(depth - 1)}) {self.rng.choice(['and', 'or'])} ({self.condition(depth - 1)})"
        return f"not ({self.condition(depth - 1)})"


def raw_answers(rng: random.Random) -> dict:
    """One raw answer set, as a form or a JSON client might send it."""
    options = {
        "a.val": ["1", "2", "x", "vet_ej", "nope", 1, " 2 ", ""],
        "a.flera": [["x"], ["x", "y"], ["x", "y", "z"], ["vet_ej"], ["vet_ej", "x"], ["annat"], "y", [], ["z", "x"]],
        "a.antal": ["12", "1 200", "-1", "vet_ej", "3.5", 7, 42, "0", "abc", "5001"],
        "a.andel": ["2,5", "3", "0.1", "ej_aktuellt", 2.5, "1e3", "-0,75", "10"],
        "a.kostnad": ["12 500 kr", "300", "12,5", 999, "1000:-"],
        "a.ar": ["2014", "1989", "99", 2020, "  2021 "],
        "a.d1": ["2024-03-01", "2024-02-30", "2019-12-31", "2024-2-1", "2023-12-31"],
        "a.d2": ["2024-04-15", "vet_ej", "2024-03-01", "2020-01-01", "2024-02-29"],
        "a.namn": ["Anna Berg", "  Anna   Berg ", "R2D2", "Åsa Öberg Längre Namn", "x"],
        "a.jn": ["ja", "nej", "vet_ej", "kanske"],
    }
    raw: dict = {}
    for key, values in options.items():
        if rng.random() < 0.8:
            raw[key] = rng.choice(values)
    if isinstance(raw.get("a.flera"), list) and "annat" in raw["a.flera"] and rng.random() < 0.7:
        raw["a.flera/annat"] = rng.choice(["Egen text", "  "])
    if rng.random() < 0.5:
        raw["a.mat"] = {item: rng.choice(["1", "2", "3", "vet_ej", "9"]) for item in ("r1", "r2") if rng.random() < 0.8}
    else:
        for item in ("r1", "r2"):
            if rng.random() < 0.6:
                raw[f"a.mat/{item}"] = rng.choice(["1", "3", "vet_ej"])
    return raw


def typed(value):
    """A value with its Python type, so a whole float and an int do not pass for each other."""
    if value is None:
        return ["none"]
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int):
        return ["int", value]
    if isinstance(value, float):
        return ["float", value]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, list):
        return ["list", [typed(v) for v in value]]
    if isinstance(value, dict):
        return ["dict", {k: typed(v) for k, v in value.items()}]
    if isinstance(value, datetime.date):
        return ["date", value.isoformat()]
    if isinstance(value, datetime.timedelta):
        return ["span", value.days]
    raise TypeError(value)


TYPED_JS = """
function typed(v) {
  if (v === null || v === undefined) return ["none"];
  if (typeof v === "boolean") return ["bool", v];
  if (v instanceof Number) return ["float", +v];
  if (typeof v === "number") return [Number.isInteger(v) ? "int" : "float", v];
  if (typeof v === "string") return ["str", v];
  if (Array.isArray(v)) return ["list", v.map(typed)];
  if (v.constructor && v.constructor.name === "PyDate") return ["date", FieldkitExpr.result(v)];
  if (v.constructor && v.constructor.name === "Span") return ["span", v.days];
  var out = {}; Object.keys(v).forEach(function (k) { out[k] = typed(v[k]); }); return ["dict", out];
}
"""


def base_questionnaire(extra_sections=()):
    return from_dict({"id": "konform", "version": "1", "title": {"sv": "Konformitet", "en": "Conformance"},
                      "sections": [section("a", *QUESTIONS), *extra_sections]})


@pytest.fixture(scope="module")
def engine_page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_content("<!doctype html><title>engine</title>")
    page.add_script_tag(path=str(STATIC / "expr.js"))
    page.add_script_tag(path=str(STATIC / "answers.js"))
    page.add_script_tag(content=TYPED_JS)
    yield page
    context.close()


def _mismatches(python, browser, labels, limit=5):
    wrong = [(label, p, b) for label, p, b in zip(labels, python, browser) if p != b]
    return len(wrong), wrong[:limit]


def test_generated_conditions_and_values_agree_with_python(engine_page):
    rng = random.Random(SEED)
    generator = Generator(rng)
    questionnaire = base_questionnaire()
    form = webform(questionnaire)
    sources = [generator.condition(rng.choice([1, 2, 3])) for _ in range(400)]
    sources += [generator.number(rng.choice([1, 2, 3])) for _ in range(150)]
    sources += [generator.date(2) for _ in range(30)]
    sources += [f"{rng.choice(DATES)} - {generator.date(1)}" for _ in range(20)]
    answer_sets = [raw_answers(rng) for _ in range(40)] + [{}]
    trees = [webform_tree(source) for source in sources]

    python_results, labels = [], []
    for raw in answer_sets:
        answers = clean_answers(questionnaire, raw, partial=True).answers
        for source in sources:
            condition = parse(source)
            python_results.append([condition.evaluate(answers.get), typed(condition.value(answers.get))])
            labels.append((source, json.dumps(raw, ensure_ascii=False)))
    browser_results = engine_page.evaluate("""([form, trees, sets]) => {
        const out = [];
        for (const raw of sets) {
          const answers = FieldkitAnswers.clean(form, raw, {partial: true}).answers;
          const lookup = (qid) => Object.prototype.hasOwnProperty.call(answers, qid) ? answers[qid] : null;
          for (const tree of trees) {
            out.push([FieldkitExpr.evaluate(tree, lookup), typed(FieldkitExpr.value(tree, lookup, []))]);
          }
        }
        return out;
    }""", [form, trees, answer_sets])

    assert len(browser_results) == len(python_results) == 600 * 41
    count, examples = _mismatches(python_results, browser_results, labels)
    assert count == 0, f"{count} of {len(labels)} differ, e.g. {examples}"
    # The table is not trivial: both outcomes of conditions occur, and values of every kind.
    outcomes = {result[0] for result in python_results}
    kinds = {result[1][0] for result in python_results}
    assert outcomes == {True, False}
    assert {"none", "bool", "int", "float", "str", "date", "span"} <= kinds


def webform_tree(source: str) -> list:
    from forms.webjson import tree
    return tree(source)


def _relevance_and_derived(rng: random.Random, generator: Generator):
    """Section b: questions shown on generated conditions; section c: generated derived entries that load."""
    shown = [{"id": f"q{i}", "type": "text", "label": f"Fråga {i}", "relevant": generator.condition(2),
              "required": i % 2 == 0} for i in range(25)]
    candidates = []
    for i in range(400):
        kind = rng.choice(["expression", "check", "constraint"])
        source = generator.condition(2) if kind != "expression" or rng.random() < 0.3 else generator.number(2)
        entry = {"id": f"h{i}", "type": "derived", "label": {"sv": f"Härledd {i}", "en": f"Derived {i}"},
                 kind: source}
        if kind != "expression":
            entry["message"] = {"sv": f"Regel {i} bryts", "en": f"Rule {i} is broken"}
        if rng.random() < 0.2:
            entry["relevant"] = generator.condition(1)
        try:
            base_questionnaire([section("c", entry)])
        except FieldkitError:
            continue  # a type the loader refuses: not a definition anyone can publish
        candidates.append(entry)
        if len(candidates) == 40:
            break
    return [section("b", *shown, relevant=generator.condition(1)), section("c", *candidates)], candidates


def test_clean_answers_agrees_with_python(engine_page):
    rng = random.Random(SEED + 1)
    generator = Generator(rng)
    sections, derived_entries = _relevance_and_derived(rng, generator)
    questionnaire = base_questionnaire(sections)
    form = webform(questionnaire)
    answer_sets = [raw_answers(rng) for _ in range(80)]
    for raw in answer_sets:
        for i in range(25):
            if rng.random() < 0.5:
                raw[f"b.q{i}"] = rng.choice(["svar", "", "  ", "ett längre svar"])
    cases = [(raw, lang, partial) for raw in answer_sets for lang in ("sv", "en") for partial in (False, True)]

    python = []
    for raw, lang, partial in cases:
        cleaned = clean_answers(questionnaire, raw, partial=partial, lang=lang)
        python.append({"answers": typed(cleaned.answers), "errors": cleaned.errors, "skipped": cleaned.skipped,
                       "derived": typed(cleaned.derived), "warnings": cleaned.warnings})
    browser = engine_page.evaluate("""([form, cases]) => cases.map(([raw, lang, partial]) => {
        const cleaned = FieldkitAnswers.clean(form, raw, {lang: lang, partial: partial});
        return {answers: typed(cleaned.answers), errors: cleaned.errors, skipped: cleaned.skipped,
                derived: typed(cleaned.derived), warnings: cleaned.warnings};
    })""", [form, cases])

    labels = [json.dumps(case, ensure_ascii=False) for case in cases]
    count, examples = _mismatches(python, browser, labels, limit=2)
    assert count == 0, f"{count} of {len(cases)} differ, e.g. {examples}"
    # Not trivial: errors of several kinds, skipped questions, derived values and both rule outcomes.
    assert len(derived_entries) == 40
    messages = {message for result in python for message in result["errors"].values()}
    assert {"Ange ett heltal, t.ex. 12.", "Enter a date as YYYY-MM-DD."} <= messages, sorted(messages)[:20]
    assert any(result["skipped"] for result in python) and any(result["warnings"] for result in python)
    assert any(len(result["derived"][1]) > 5 for result in python)


# -- the question types of time and metadata ----------------------------------------------------

TIME_VALUES = ["09:30", "9:30", "09.30", "14:30:15", "14:30:15.250", "24:00", "9:5", "", "  07:45 ", "klockan 9", 930]
DATETIME_VALUES = ["2025-03-04T14:30", "2025-03-04 14:30", "2025-03-04T9.05", "2025-02-30T10:00", "2025-03-04",
                   "2025-03-04T14:30:59", "2025-03-04T25:00", "idag", " 2025-03-04T08:00 "]
MOMENT_VALUES = ["2025-03-04T09:15:02+01:00", "2025-03-04 09:15:02+01:00", "2025-03-04T09:15:02Z",
                 "2025-03-04T09:15+01:00", "2025-03-04T09:15:02.123456+01:00", "2025-03-04T09:15:02",
                 "2025-03-04T09:15:02+0100", "2025-03-04T24:15:02+01:00", "2025-02-30T09:15:02+01:00", "", "nu", 5]
TODAY_VALUES = ["2025-03-04", " 2025-03-04 ", "2025-3-4", "2025-02-30", "20250304", "", None]
DEVICE_VALUES = ["webb-1f0c", "  laptop-anna ", "x" * 200, "x" * 201, "", 12]


def test_time_datetime_and_metadata_clean_as_in_python(engine_page):
    rng = random.Random(SEED + 2)
    questionnaire = from_dict({"id": "tider", "version": "1", "title": {"sv": "Tider"}, "sections": [
        section("m", {"id": "start", "type": "start", "label": "Start"}, {"id": "slut", "type": "end", "label": "Slut"},
                {"id": "dag", "type": "today", "label": "Dag"}, {"id": "enhet", "type": "deviceid", "label": "Enhet"},
                {"id": "vem", "type": "username", "label": "Vem"}, {"id": "tel", "type": "phonenumber", "label": "Tel"},
                {"id": "tid", "type": "time", "label": "Tid", "required": True, "dont_know": True},
                {"id": "moment", "type": "datetime", "label": "Tidpunkt", "relevant": "m.dag is answered"},
                {"id": "efter", "type": "text", "label": "Efter", "relevant": "m.tid == '09:30' or m.enhet == 'webb-1f0c'"}),
    ]})
    form = webform(questionnaire)
    options = {"m.start": MOMENT_VALUES, "m.slut": MOMENT_VALUES, "m.dag": TODAY_VALUES, "m.enhet": DEVICE_VALUES,
               "m.vem": DEVICE_VALUES, "m.tel": DEVICE_VALUES,
               "m.tid": TIME_VALUES + ["vet_ej"], "m.moment": DATETIME_VALUES, "m.efter": ["svar", ""]}
    sets = [{key: rng.choice(values) for key, values in options.items() if rng.random() < 0.85} for _ in range(150)]
    # Every value of every list at least once, alone with the others fixed.
    for key, values in options.items():
        sets += [{"m.tid": "09:30", "m.dag": "2025-03-04", key: value} for value in values]
    cases = [(raw, lang, partial) for raw in sets for lang in ("sv", "en") for partial in (False, True)]
    python = []
    for raw, lang, partial in cases:
        cleaned = clean_answers(questionnaire, raw, partial=partial, lang=lang)
        python.append({"answers": typed(cleaned.answers), "errors": cleaned.errors, "skipped": cleaned.skipped})
    browser = engine_page.evaluate("""([form, cases]) => cases.map(([raw, lang, partial]) => {
        const cleaned = FieldkitAnswers.clean(form, raw, {lang: lang, partial: partial});
        return {answers: typed(cleaned.answers), errors: cleaned.errors, skipped: cleaned.skipped};
    })""", [form, cases])
    count, examples = _mismatches(python, browser, [json.dumps(c, ensure_ascii=False) for c in cases], limit=3)
    assert count == 0, f"{count} of {len(cases)} differ, e.g. {examples}"
    # Not trivial: kept and dropped metadata, time errors in both languages, and the relevance they steer.
    answers = [result["answers"][1] for result in python]
    assert any("m.start" in a for a in answers) and any("m.start" not in a for a in answers)
    assert {"m.tid", "m.moment", "m.dag", "m.enhet", "m.vem", "m.tel"} <= {key for a in answers for key in a}
    messages = {message for result in python for message in result["errors"].values()}
    assert {"Enter a time as HH:MM, e.g. 14:30.", "Ange en tidpunkt som TT:MM, t.ex. 14:30."} & messages
    assert any("m.moment" in result["skipped"] for result in python)
    assert clean_answers(questionnaire, {"m.tid": "9.05"}, partial=True).answers["m.tid"] == "09:05"


def test_metadata_recorded_by_the_browser_is_kept_by_python(engine_page):
    questionnaire = from_dict({"id": "tider", "version": "1", "title": {"sv": "Tider"}, "sections": [
        section("m", {"id": "start", "type": "start", "label": "Start"}, {"id": "slut", "type": "end", "label": "Slut"},
                {"id": "dag", "type": "today", "label": "Dag"}, {"id": "enhet", "type": "deviceid", "label": "Enhet"},
                {"id": "vem", "type": "username", "label": "Vem"}, {"id": "epost", "type": "email", "label": "E-post"},
                {"id": "tel", "type": "phonenumber", "label": "Tel"}, {"id": "sim", "type": "simserial", "label": "SIM"},
                {"id": "abonnent", "type": "subscriberid", "label": "Abonnent"}),
    ]})
    form = webform(questionnaire)
    recorded = engine_page.evaluate("""(form) => {
        const started = new Date(2025, 2, 4, 9, 15, 2), completed = new Date(2025, 2, 4, 10, 0, 0);
        const first = FieldkitAnswers.record(form, {}, {started: started, deviceId: "webb-1f0c", username: "ivar"});
        const second = FieldkitAnswers.record(form, first, {started: new Date(), completed: completed, deviceId: "other",
                                                            username: "inez"});
        return [first, second];
    }""", form)
    first, second = recorded
    # who collected it is recorded; a browser has no email, phone number or SIM: those stay empty, as in Python
    assert set(first) == {"m.start", "m.dag", "m.enhet", "m.vem"} and first["m.dag"] == "2025-03-04"
    assert first["m.vem"] == "ivar"
    assert re.fullmatch(r"2025-03-04T09:15:02[+-]\d\d:\d\d", first["m.start"])
    # What was recorded stays; `end` comes with completion.
    assert {k: second[k] for k in first} == first and re.fullmatch(r"2025-03-04T10:00:00[+-]\d\d:\d\d", second["m.slut"])
    assert clean_answers(questionnaire, second).answers == second


# -- signatures, records and zip files of the browser's sending ------------------------------------

@pytest.fixture(scope="module")
def sync_page(chromium):
    context = chromium.new_context()
    # WebCrypto's subtle API exists only in a secure context: an http://localhost page is one, about:blank is not.
    context.route("http://localhost/**", lambda route: route.fulfill(
        body="<!doctype html><title>sync</title>", content_type="text/html"))
    page = context.new_page()
    page.goto("http://localhost/sync-conformance")
    for name in ("expr.js", "answers.js", "storage.js", "sync.js"):
        page.add_script_tag(path=str(STATIC / name))
    yield page
    context.close()


def test_signatures_are_the_same_hmac_sha256_in_python_and_chromium(sync_page):
    from sync import signing

    key = "3f" * 16 + "a0" * 16
    body = "Åsa Öberg\n{\"answers\":{\"s.x\":3.0}}\n".encode("utf-8") + bytes(range(256))
    nonce = "0123456789abcdef0123456789abcdef"
    signed = sync_page.evaluate("""async ([key, body, nonce, pythonSig]) => {
        const k = await FieldkitSync.importKey(key), bytes = new Uint8Array(body);
        const request = await FieldkitSync.requestMessage("post", "/api/v1/sync/push", "1767225600", nonce, bytes);
        const response = await FieldkitSync.responseMessage(nonce, 200, bytes);
        return {request: request, request_sig: await FieldkitSync.sign(k, request),
                response_sig: await FieldkitSync.sign(k, new TextEncoder().encode(response)),
                body_sig: await FieldkitSync.sign(k, bytes), empty_sig: await FieldkitSync.sign(k, ""),
                verify_python: await FieldkitSync.verify(k, bytes, pythonSig),
                verify_tampered: await FieldkitSync.verify(k, bytes.slice(1), pythonSig),
                verify_garbage: await FieldkitSync.verify(k, bytes, "not hex")};
    }""", [key, list(body), nonce, signing.sign(key, body)])
    request = signing.request_message("POST", "/api/v1/sync/push", "1767225600", nonce, body)
    assert signed["request"].encode("utf-8") == request
    assert signed["request_sig"] == signing.sign(key, request)
    assert signed["response_sig"] == signing.sign(key, signing.response_message(nonce, 200, body))
    assert signed["body_sig"] == signing.sign(key, body) and signed["empty_sig"] == signing.sign(key, b"")
    assert (signed["verify_python"], signed["verify_tampered"], signed["verify_garbage"]) == (True, False, False)


def test_record_text_is_the_one_python_writes_and_hashes(sync_page):
    from sync import records, store

    answers = {"s.antal": 12, "s.andel": 3.0, "s.tal": 0.1, "s.namn": "Åsa \"Öberg\"\t\u2028", "s.flera": ["x", "annat"],
               "s.mat": {"r2": "1", "r1": "vet_ej"}, "s.flera/annat": "egen"}
    sid, rid = "6f1c2a8e-8b7d-4a52-9d1e-3f4e5a6b7c8d", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    digest = store.revision_hash(sid, "webbsynk", "1", "2480", answers, None)
    text, js_digest = sync_page.evaluate("""async ([answers, sid, rid]) => {
        answers["s.andel"] = FieldkitExpr.pyFloat(3);  // a whole decimal, as answers.js cleans it
        const revision = {id: rid, submission_uuid: sid, number: 1, parent_id: null, merge_parent_id: null,
          questionnaire_id: "webbsynk", questionnaire_version: "1", municipality_code: "2480", status: "complete",
          answers: answers, author: "ivar", device_id: "webb-1", created: "2026-01-01T10:00:00.000Z"};
        const interview = {uuid: sid, questionnaire_id: "webbsynk", questionnaire_version: "1", municipality_code: "2480",
          created: "2026-01-01T09:00:00.000Z", interviewer: "ivar", device_id: "webb-1"};
        revision.content_hash = await FieldkitStorage.revisionHash(interview, answers, null);
        return [FieldkitSync.recordText(revision, interview, null, null), revision.content_hash];
    }""", [answers, sid, rid])
    assert js_digest == digest
    record, answers_text, _prefix = records.parse("record 1", text.encode("utf-8"))
    assert answers_text == records.dumps(answers)  # the canonical text, as Python writes it
    assert records.check_revision(record, "record 1", answers_text) is True
    rest = {key: record[key] for key in record if key != "answers"}
    assert text == '{"answers":' + records.dumps(answers) + "," + records.dumps(rest)[1:]
    assert rest["submission"] == {"created": "2026-01-01T09:00:00.000Z", "interviewer": "ivar", "device_id": "webb-1"}


def test_a_record_of_an_interview_answered_per_district_carries_its_district_as_laptops_write_it(sync_page):
    from sync import records, store

    answers = {"period.ar": 2016, "period.period": "p1"}
    sid, rid = "1f1c2a8e-8b7d-4a52-9d1e-3f4e5a6b7c8d", "1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    text = sync_page.evaluate("""async ([answers, sid, rid]) => {
        const interview = {uuid: sid, questionnaire_id: "sthlm-uppfoljning", questionnaire_version: "1",
          municipality_code: "0180", district_code: "0180-08", created: "2026-01-01T09:00:00.000Z", user: "inez",
          interviewer: "inez", device_id: "webb-1"};
        const revision = {id: rid, submission_uuid: sid, number: 1, parent_id: null, merge_parent_id: null,
          questionnaire_id: "sthlm-uppfoljning", questionnaire_version: "1", municipality_code: "0180",
          status: "complete", answers: answers, author: "inez", device_id: "webb-1", created: "2026-01-01T10:00:00.000Z",
          content_hash: await FieldkitStorage.revisionHash(interview, answers, null)};
        return FieldkitSync.recordText(revision, interview, null, null);
    }""", [answers, sid, rid])
    record, answers_text, _line = records.parse("record 1", text.encode("utf-8"))
    assert records.check_revision(record, "record 1", answers_text) is True
    assert record["content_hash"] == store.revision_hash(sid, "sthlm-uppfoljning", "1", "0180", answers, None)
    assert record["submission"] == {"created": "2026-01-01T09:00:00.000Z", "interviewer": "inez", "device_id": "webb-1",
                                    "district_code": "0180-08"}
    assert text == '{"answers":' + records.dumps(answers) + "," + records.dumps(
        {key: record[key] for key in record if key != "answers"})[1:]


def test_the_browsers_zip_is_read_by_pythons_zipfile(sync_page, tmp_path):
    import zipfile

    entries = [["records.jsonl.gz", list(range(256)) * 40], ["manifest.json", list("{\"å\": 1}".encode())],
               ["tom", []]]
    data = sync_page.evaluate("""(entries) => Array.from(FieldkitSync.zipStored(
        entries.map(([name, bytes]) => [name, new Uint8Array(bytes)]), new Date(2026, 0, 2, 3, 4, 6)))""", entries)
    path = tmp_path / "browser.zip"
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None  # every CRC matches
        infos = zf.infolist()
        assert [i.filename for i in infos] == ["records.jsonl.gz", "manifest.json", "tom"]
        assert {i.compress_type for i in infos} == {zipfile.ZIP_STORED} and not any(i.flag_bits & 1 for i in infos)
        assert [zf.read(i) for i in infos] == [bytes(range(256)) * 40, "{\"å\": 1}".encode(), b""]
        assert infos[0].date_time == (2026, 1, 2, 3, 4, 6)


# -- range, rank, acknowledge and geopoint ------------------------------------------------------------

RANGE_VALUES = ["4", "4,0", "5", "10", "12", "-2", "0", 6, 6.0, 7.5, "vet_ej", "", "fyra", True, [None, "8"], {"x": 1}]
HALF_VALUES = ["0.5", "1,5", "1.25", "2", 3, "-0.5", "2.5"]
RANK_VALUES = [["b", "a", "c"], ["a", "b"], ["a", "a", "b"], "c b a", "c  b", "", [], [None, "a", "b", "c"],
               ["a", "b", "c", "d"], [1, "a", "b"], {"a": 1}, 5, [True, "a", "b"], ["a ", " b", "c"]]
OK_VALUES = ["OK", "ok", " Ja ", "on", "1", "nej", "", True, False, 1, 0, ["OK"], [False]]
POINT_VALUES = ["63.8258 20.263", "63,8258 20,263 12 5", "63.8 20.2 1 2 3", "63.8", "  ", "", "95 20", "63 200",
                "63 20 5 -1", {"lat": 59.3, "lon": 18.1}, {"lat": "59,3", "lon": "18.1", "acc": "7"}, {"lat": 59.3},
                {"lat": True, "lon": 18}, {}, [59.3, 18.1], 5, None, {"lat": -90, "lon": -180, "alt": "-12,5"}]


def test_range_rank_acknowledge_and_geopoint_clean_as_in_python(engine_page):
    rng = random.Random(SEED + 3)
    questionnaire = from_dict({"id": "fler", "version": "1", "title": {"sv": "Fler"}, "sections": [
        section("f", {"id": "betyg", "type": "range", "label": "Betyg", "min": 0, "max": 10, "step": 2,
                      "dont_know": True, "required": True},
                {"id": "halv", "type": "range", "label": "Halv", "min": -1, "max": 3, "step": 0.5},
                {"id": "ordning", "type": "rank", "label": "Ordning",
                 "choices": [{"code": c, "label": c.upper()} for c in ("a", "b", "c")]},
                {"id": "ok", "type": "acknowledge", "label": "OK", "required": True},
                {"id": "plats", "type": "geopoint", "label": "Plats"},
                {"id": "sen", "type": "text", "label": "Sen", "relevant": "f.ok == 'OK' and f.betyg >= 4"}),
    ]})
    form = webform(questionnaire)
    options = {"f.betyg": RANGE_VALUES, "f.halv": HALF_VALUES, "f.ordning": RANK_VALUES, "f.ok": OK_VALUES,
               "f.plats": POINT_VALUES, "f.sen": ["svar"]}
    sets = [{key: rng.choice(values) for key, values in options.items() if rng.random() < 0.8} for _ in range(120)]
    for key, values in options.items():
        sets += [{"f.ok": "OK", key: value} for value in values]
    # the page's own fields: f.plats/lat, f.plats/lon...
    sets += [{"f.plats/lat": lat, "f.plats/lon": lon, "f.plats/acc": acc}
             for lat, lon, acc in [("63,8", "20.2", ""), ("63.8", "", ""), ("", "", ""), ("91", "20", "3"),
                                   ("63.8", "20.2", "-1"), ("x", "20", None), (["", "63"], "20", "4,5")]]
    cases = [(raw, lang, partial) for raw in sets for lang in ("sv", "en") for partial in (False, True)]
    python = []
    for raw, lang, partial in cases:
        cleaned = clean_answers(questionnaire, raw, partial=partial, lang=lang)
        python.append({"answers": typed(cleaned.answers), "errors": cleaned.errors, "skipped": cleaned.skipped})
    browser = engine_page.evaluate("""([form, cases]) => cases.map(([raw, lang, partial]) => {
        const cleaned = FieldkitAnswers.clean(form, raw, {lang: lang, partial: partial});
        return {answers: typed(cleaned.answers), errors: cleaned.errors, skipped: cleaned.skipped};
    })""", [form, cases])
    count, examples = _mismatches(python, browser, [json.dumps(c, ensure_ascii=False) for c in cases], limit=3)
    assert count == 0, f"{count} of {len(cases)} differ, e.g. {examples}"
    # Not trivial: each type answered and refused, in both languages, and the relevance it steers.
    answers = [result["answers"][1] for result in python]
    assert {"f.betyg", "f.halv", "f.ordning", "f.ok", "f.plats"} <= {key for a in answers for key in a}
    messages = {message for result in python for message in result["errors"].values()}
    assert {"Välj ett värde i steg om 2 från 0.", "Choose a value in steps of 0.5 from -1.",
            "Ge varje alternativ en egen plats.", "Enter the latitude and the longitude in decimal degrees, e.g. "
            "63.8258 and 20.2630.", "Latituden ska vara mellan -90 och 90 och longituden mellan -180 och 180."} \
        <= messages, sorted(messages)
    assert any("f.sen" in result["skipped"] for result in python)
    assert any("f.sen" not in result["skipped"] for result in python)


# -- repeats -------------------------------------------------------------------------------------------

REPEAT_SECTIONS = [
    section("h", {"id": "ar", "type": "integer", "label": "År"},
            {"id": "alla", "type": "yesno", "label": "Alla"}),
    section("p", {
        "id": "folk", "type": "repeat", "label": {"sv": "Personer", "en": "People"},
        "instance_label": {"sv": "Person", "en": "Person"}, "min": 1, "max": 3,
        "relevant": "h.alla != 'nej'",
        "questions": [
            {"id": "namn", "type": "text", "label": {"sv": "Namn", "en": "Name"}, "required": True, "max_length": 8},
            {"id": "roll", "type": "single", "label": "Roll", "choices": choices("chef", "annan"), "dont_know": True},
            {"id": "vilken", "type": "text", "label": "Vilken", "relevant": "p.folk.roll == 'annan' and h.ar > 2000"},
            {"id": "fodd", "type": "integer", "label": {"sv": "Född", "en": "Born"}, "min": 1900, "max": 2025,
             "dont_know": True},
            {"id": "vikt", "type": "decimal", "label": "Vikt"},
            {"id": "gillar", "type": "multi", "label": "Gillar", "choices": choices("x", "y"), "other": True},
            {"id": "mat", "type": "matrix", "label": "Matris", "items": choices("r1", "r2"),
             "choices": choices("1", "2"), "required": True},
            {"id": "alder", "type": "derived", "label": "Ålder", "expression": "h.ar - p.folk.fodd"},
            {"id": "vuxen", "type": "derived", "label": "Vuxen", "constraint": "p.folk.alder >= 18",
             "message": {"sv": "Personen måste vara vuxen.", "en": "The person must be an adult."}},
            {"id": "tung", "type": "derived", "label": "Tung", "check": "p.folk.vikt < 150",
             "message": {"sv": "Kontrollera vikten.", "en": "Check the weight."}},
        ]}),
    section("s", {"id": "antal", "type": "derived", "label": "Antal", "expression": "count(p.folk)"},
            {"id": "namngivna", "type": "derived", "label": "Namngivna", "expression": "count(p.folk.namn)"},
            {"id": "vikter", "type": "derived", "label": "Vikter", "expression": "sum(p.folk.vikt)"},
            {"id": "fodda", "type": "derived", "label": "Födda", "expression": "sum(p.folk.fodd)"},
            {"id": "fa", "type": "derived", "label": "Få", "check": "count(p.folk) < 3",
             "message": {"sv": "Många personer.", "en": "Many people."}}),
]
INSTANCE_OPTIONS = {
    "p.folk.namn": ["Anna", "  Bo  ", "", "en mycket lång", 12, None],
    "p.folk.roll": ["chef", "annan", "vet_ej", "x", ""],
    "p.folk.vilken": ["säljare", ""],
    "p.folk.fodd": ["1980", "2010", "1 950", "vet_ej", 1899, "19x", 2000.0],
    "p.folk.vikt": ["70,5", "160", 80, "80,0", "", "tung"],  # a whole float goes to JS as an int
    "p.folk.gillar": [["x"], ["annat"], ["x", "y"], "y", ["z"]],
    "p.folk.gillar/annat": ["egen", ""],
    "p.folk.mat/r1": ["1", "2", "3"],
    "p.folk.mat/r2": ["1", ""],
    "p.folk.mat": [{"r1": "2", "r2": "1"}, {"r1": "1"}],
}


def repeat_raw(rng: random.Random) -> dict:
    raw = {}
    if rng.random() < 0.8:
        raw["h.ar"] = rng.choice(["2024", 1999, ""])
    if rng.random() < 0.3:
        raw["h.alla"] = rng.choice(["ja", "nej"])
    r = rng.random()
    if r < 0.08:
        raw["p.folk"] = rng.choice(["inte en lista", {"p.folk.namn": "Anna"}, 3])
    elif r < 0.9:
        people = []
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            if rng.random() < 0.05:
                people.append(rng.choice(["Anna", None, [1]]))
                continue
            people.append({key: rng.choice(values) for key, values in INSTANCE_OPTIONS.items() if rng.random() < 0.6})
        raw["p.folk"] = people
    return raw


def test_repeats_clean_as_in_python(engine_page):
    """Each instance cleaned by its rules, relevance and derived values per instance, count() and sum() outside."""
    rng = random.Random(SEED + 4)
    questionnaire = from_dict({"id": "upprepa", "version": "1", "title": {"sv": "Upprepa"},
                               "sections": REPEAT_SECTIONS})
    form = webform(questionnaire)
    cases = [(repeat_raw(rng), lang, partial) for _ in range(150) for lang, partial in
             [("sv", False), ("en", False), ("sv", True)]]
    python = []
    for raw, lang, partial in cases:
        cleaned = clean_answers(questionnaire, raw, partial=partial, lang=lang)
        python.append({"answers": typed(cleaned.answers), "errors": cleaned.errors, "skipped": cleaned.skipped,
                       "derived": typed(cleaned.derived), "warnings": cleaned.warnings})
    browser = engine_page.evaluate("""([form, cases]) => cases.map(([raw, lang, partial]) => {
        const cleaned = FieldkitAnswers.clean(form, raw, {lang: lang, partial: partial});
        return {answers: typed(cleaned.answers), errors: cleaned.errors, skipped: cleaned.skipped,
                derived: typed(cleaned.derived), warnings: cleaned.warnings};
    })""", [form, cases])
    count, examples = _mismatches(python, browser, [json.dumps(c, ensure_ascii=False) for c in cases], limit=2)
    assert count == 0, f"{count} of {len(cases)} differ, e.g. {examples}"
    # Not trivial: instance errors named in both languages, the repeat's own limits, per-instance derived
    # values, rules of both kinds, relevance inside an instance, count() and sum() over the instances.
    messages = {message for result in python for message in result["errors"].values()}
    assert {"Person 2: Namn: Frågan måste besvaras.", "Person 1: The person must be an adult.",
            "Personer: lägg till minst 1 förekomst.", "People: at most 3 instances."} <= messages, sorted(messages)
    derived_keys = {key for result in python for key in result["derived"][1]}
    assert {"p.folk[1].alder", "p.folk[2].vuxen", "s.antal", "s.vikter", "s.fodda", "s.namngivna"} <= derived_keys
    assert any("p.folk[2].tung" in result["warnings"] for result in python)
    assert any("p.folk[1].vilken" in result["skipped"] for result in python)
    assert any("p.folk" in result["skipped"] for result in python)
    sums = {result["derived"][1]["s.vikter"][0] for result in python if "s.vikter" in result["derived"][1]}
    assert sums == {"int", "float"}


def test_a_revision_with_instances_has_pythons_canonical_text_and_hash(sync_page):
    from sync import records, store

    answers = {"p.folk": [{"p.folk.namn": "Åsa", "p.folk.vikt": 70.5, "p.folk.fodd": 1980},
                          {"p.folk.namn": "Bo", "p.folk.vikt": 80.0, "p.folk.mat": {"r2": "1", "r1": "2"}}],
               "h.ar": 2024}
    sid = "6f1c2a8e-8b7d-4a52-9d1e-3f4e5a6b7c8e"
    digest = store.revision_hash(sid, "upprepa", "1", "2480", answers, None)
    text, js_digest = sync_page.evaluate("""async ([answers, sid]) => {
        answers["p.folk"][1]["p.folk.vikt"] = FieldkitExpr.pyFloat(80);  // a whole decimal, as answers.js cleans it
        const interview = {uuid: sid, questionnaire_id: "upprepa", questionnaire_version: "1",
          municipality_code: "2480", created: "2026-01-01T09:00:00.000Z", interviewer: "ivar", device_id: "webb-1"};
        const revision = {id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4e", submission_uuid: sid, number: 1, parent_id: null,
          merge_parent_id: null, questionnaire_id: "upprepa", questionnaire_version: "1", municipality_code: "2480",
          status: "complete", answers: answers, author: "ivar", device_id: "webb-1",
          created: "2026-01-01T10:00:00.000Z"};
        return [FieldkitSync.recordText(revision, interview, null, null),
                await FieldkitStorage.revisionHash(interview, answers, null)];
    }""", [answers, sid])
    assert js_digest == digest
    _record, answers_text, _prefix = records.parse("record 1", text.encode("utf-8"))
    assert answers_text == records.dumps(answers)
    assert '"p.folk":[{"p.folk.fodd":1980,"p.folk.namn":"Åsa","p.folk.vikt":70.5},' in answers_text


# -- ${} piping ----------------------------------------------------------------------------------------

PIPED_QUESTIONS = [
    {"id": "boende", "type": "single", "label": {"sv": "Boende", "en": "Housing"},
     "choices": [{"code": "hyr", "label": {"sv": "Hyresrätt", "en": "Rented flat"}},
                 {"code": "eget", "label": {"sv": "Eget hus", "en": "Own house"}}], "dont_know": True},
    {"id": "flera", "type": "multi", "label": "Flera", "choices": choices("x", "y"), "other": True},
    {"id": "antal", "type": "integer", "label": "Antal"},
    {"id": "andel", "type": "decimal", "label": "Andel"},
    {"id": "kostnad", "type": "money", "label": "Kostnad", "dont_know": True},
    {"id": "dag", "type": "date", "label": "Dag"},
    {"id": "ar", "type": "year", "label": "År"},
    {"id": "jn", "type": "yesno", "label": "JN"},
    {"id": "mat", "type": "matrix", "label": "Matris", "items": choices("r1", "r2"), "choices": choices("1", "2")},
    {"id": "betyg", "type": "range", "label": "Betyg", "min": 0, "max": 2, "step": 0.25},
    {"id": "ordning", "type": "rank", "label": "Ordning", "choices": [
        {"code": "a", "label": {"sv": "Läge", "en": "Location"}},
        {"code": "b", "label": {"sv": "Pris", "en": "Price"}}]},
    {"id": "ok", "type": "acknowledge", "label": "OK"},
    {"id": "plats", "type": "geopoint", "label": "Plats"},
    {"id": "namn", "type": "text", "label": "Namn"},
    {"id": "per", "type": "derived", "label": "Per", "expression": "a.kostnad / a.antal"},
    {"id": "dyr", "type": "derived", "label": "Dyr", "expression": "a.kostnad > 10000"},
]
PIPED_OPTIONS = {
    "a.boende": ["hyr", "eget", "vet_ej"], "a.flera": [["x", "annat"], ["y"]], "a.flera/annat": ["<b>egen</b>"],
    "a.antal": ["12500", "-3", "0"], "a.andel": ["2,5", "1234567,125", "0,333"], "a.kostnad": ["12 500", "vet_ej", "7"],
    "a.dag": ["2019-05-01"], "a.ar": ["2014"], "a.jn": ["ja", "nej"], "a.mat/r1": ["1", "2"], "a.mat/r2": ["2"],
    "a.betyg": ["1,25", "2", "0"], "a.ordning": [["b", "a"]], "a.ok": ["OK"],
    "a.plats": ["63.8258 20.263", "-12,5 130 4"], "a.namn": ["Åsa <script>", "  Bo "],
}


def test_piped_labels_show_what_python_shows(engine_page):
    """Each answer type's display text in a label, in Swedish and English, "…" when unanswered."""
    rng = random.Random(SEED + 5)
    refs = " | ".join("${a.%s}" % q["id"] for q in PIPED_QUESTIONS)
    note = {"id": "visa", "type": "note", "label": {"sv": "Svar: " + refs + " ${a.saknas", "en": "Answers: " + refs}}
    questionnaire = from_dict({"id": "pipa", "version": "1", "title": {"sv": "Pipa"},
                               "sections": [section("a", *PIPED_QUESTIONS), section("b", note)]})
    form = webform(questionnaire)
    sets = [{}] + [{key: rng.choice(values) for key, values in PIPED_OPTIONS.items() if rng.random() < 0.7}
                   for _ in range(40)]
    from forms.piping import pipe

    cases = [(raw, lang) for raw in sets for lang in ("sv", "en")]
    python = []
    for raw, lang in cases:
        cleaned = clean_answers(questionnaire, raw, partial=True, lang=lang)
        python.append(pipe(questionnaire.question("b.visa").text(lang), questionnaire,
                           {**cleaned.answers, **cleaned.derived}, lang))
    browser = engine_page.evaluate("""([form, cases]) => cases.map(([raw, lang]) => {
        const cleaned = FieldkitAnswers.clean(form, raw, {lang: lang, partial: true});
        const label = form.sections[1].questions[0].label;
        return FieldkitAnswers.pipe(form, FieldkitAnswers.labelIn(label, lang, ""),
                                    Object.assign({}, cleaned.answers, cleaned.derived), lang);
    })""", [form, cases])
    count, examples = _mismatches(python, browser, [json.dumps(c, ensure_ascii=False) for c in cases], limit=2)
    assert count == 0, f"{count} of {len(cases)} differ, e.g. {examples}"
    assert python[0].startswith("Svar: … | … |")
    shown = " ".join(python)
    for text in ("Hyresrätt", "Rented flat", "Vet ej", "12\u00a0500\u00a0kr", "SEK\u00a012,500",
                 "1\u00a0234\u00a0567,12", "2019-05-01", "2014", "Pris, Läge", "Price, Location", "63,8258 20,263",
                 "1,25", "Annat, nämligen: <b>egen</b>", "Ja", "Yes", "r1: 1; r2: 2", "${a.saknas"):
        assert text in shown, text


# -- choice filters -------------------------------------------------------------------------------

FILTER_CHOICES = [{"code": "2480", "label": {"sv": "Umeå", "en": "Umeå"}, "lan": "24", "stor": "ja"},
                  {"code": "2482", "label": "Skellefteå", "lan": "24", "stor": "nej"},
                  {"code": "2580", "label": "Luleå", "lan": "25", "stor": "ja"},
                  {"code": "7", "label": "Sju", "lan": "7", "stor": "nej"}]


def test_choice_filters_clean_and_offer_as_in_python(engine_page):
    rng = random.Random(SEED + 3)
    questionnaire = from_dict({"id": "filter", "version": "1", "title": {"sv": "Filter"}, "sections": [section(
        "f",
        {"id": "lan", "type": "single", "label": {"sv": "Län", "en": "County"}, "dont_know": True,
         "choices": [{"code": "24", "label": "24"}, {"code": "25", "label": "25"}]},
        {"id": "tal", "type": "integer", "label": "Tal", "dont_know": True},
        {"id": "stor", "type": "yesno", "label": "Stor"},
        {"id": "kommun", "type": "single", "label": "Kommun", "choices": FILTER_CHOICES, "filter": {"lan": "f.lan"},
         "dont_know": True},
        {"id": "flera", "type": "multi", "label": "Flera", "choices": FILTER_CHOICES, "other": True,
         "filter": {"lan": "f.lan", "stor": "f.stor"}},
        {"id": "kod", "type": "single", "label": "Kod", "choices": FILTER_CHOICES, "filter": {"code": "f.tal"}},
        {"id": "sjua", "type": "single", "label": "Sjua", "choices": FILTER_CHOICES, "filter": {"lan": "f.tal"}},
    )]})
    form = webform(questionnaire)
    codes = ["2480", "2482", "2580", "7", "vet_ej", "annat", "x"]
    options = {"f.lan": ["24", "25", "vet_ej", ""], "f.tal": ["7", "7.0", "2480", "vet_ej", "24"],
               "f.stor": ["ja", "nej"], "f.kommun": codes, "f.kod": codes, "f.sjua": codes,
               "f.flera": [[c] for c in codes] + [["2480", "2580"], ["2480", "annat"], []]}
    sets = [{key: rng.choice(values) for key, values in options.items() if rng.random() < 0.85} for _ in range(200)]
    for raw in sets:
        if "annat" in (raw.get("f.flera") or []):
            raw["f.flera/annat"] = "Annan ort"
    cases = [(raw, lang) for raw in sets for lang in ("sv", "en")]
    python = []
    for raw, lang in cases:
        cleaned = clean_answers(questionnaire, raw, partial=True, lang=lang)
        offered = {qid: sorted(questionnaire.question(qid).offered(cleaned.answers.get))
                   for qid in ("f.kommun", "f.flera", "f.kod", "f.sjua")}
        python.append({"answers": typed(cleaned.answers), "errors": cleaned.errors, "offered": offered})
    browser = engine_page.evaluate("""([form, cases]) => cases.map(([raw, lang]) => {
        const cleaned = FieldkitAnswers.clean(form, raw, {lang: lang, partial: true});
        const byId = {};
        form.sections[0].questions.forEach((q) => { byId[q.id] = q; });
        const lookup = (qid) => cleaned.answers[qid] === undefined ? null : cleaned.answers[qid];
        const offered = {};
        ["f.kommun", "f.flera", "f.kod", "f.sjua"].forEach((qid) => {
          offered[qid] = FieldkitAnswers.offered(byId[qid], lookup).slice().sort(); });
        return {answers: typed(cleaned.answers), errors: cleaned.errors, offered: offered};
    })""", [form, cases])
    count, examples = _mismatches(python, browser, [json.dumps(c, ensure_ascii=False) for c in cases], limit=3)
    assert count == 0, f"{count} of {len(cases)} differ, e.g. {examples}"
    # Not trivial: both a kept and a refused filtered answer, in both languages; an integer 7 offers code "7".
    messages = {m for result in python for m in result["errors"].values()}
    assert '"Umeå" does not fit the answer to "County": choose again.' in messages
    assert '"Luleå" passar inte till svaret på "Län": välj igen.' in messages
    assert any("f.kommun" in result["answers"][1] for result in python)
    assert clean_answers(questionnaire, {"f.tal": "7", "f.kod": "7", "f.sjua": "7"}).ok


# -- conditions over derived values and a repeat's count --------------------------------------------

def test_conditions_over_derived_values_and_counts_agree_with_python(engine_page):
    rng = random.Random(SEED + 4)
    questionnaire = from_dict({"id": "harledd", "version": "1", "title": {"sv": "Härledd"}, "sections": [
        section("h",
                {"id": "vuxna", "type": "integer", "label": "Vuxna", "dont_know": True},
                {"id": "barn", "type": "integer", "label": "Barn"},
                {"id": "personer", "type": "derived", "label": "Personer", "expression": "h.vuxna + h.barn"},
                {"id": "manga", "type": "derived", "label": "Många", "expression": "h.personer > 2",
                 "relevant": "h.personer is answered"},
                {"id": "trangt", "type": "yesno", "label": "Trångt", "relevant": "h.personer > 2"},
                {"id": "varfor", "type": "text", "label": "Varför", "relevant": "h.manga and h.trangt == 'ja'"},
                {"id": "regel", "type": "derived", "label": "Regel", "check": "h.barn <= h.personer",
                 "message": "Fler barn än personer", "relevant": "h.manga"}),
        section("t", {"id": "stor", "type": "text", "label": "Stort"}, relevant="h.personer >= 5"),
    ]})
    form = webform(questionnaire)
    options = {"h.vuxna": ["0", "1", "2", "4", "vet_ej", "x"], "h.barn": ["0", "1", "3", ""],
               "h.trangt": ["ja", "nej"], "h.varfor": ["För lite plats", ""], "t.stor": ["Ja", ""]}
    sets = [{key: rng.choice(values) for key, values in options.items() if rng.random() < 0.85} for _ in range(120)]
    python = []
    for raw in sets:
        cleaned = clean_answers(questionnaire, raw, partial=True)
        python.append({"answers": typed(cleaned.answers), "skipped": cleaned.skipped,
                       "derived": typed(cleaned.derived), "warnings": cleaned.warnings})
    browser = engine_page.evaluate("""([form, sets]) => sets.map((raw) => {
        const cleaned = FieldkitAnswers.clean(form, raw, {partial: true});
        return {answers: typed(cleaned.answers), skipped: cleaned.skipped, derived: typed(cleaned.derived),
                warnings: cleaned.warnings};
    })""", [form, sets])
    count, examples = _mismatches(python, browser, [json.dumps(raw, ensure_ascii=False) for raw in sets], limit=3)
    assert count == 0, f"{count} of {len(sets)} differ, e.g. {examples}"
    # Not trivial: the derived-steered question both asked and skipped, the section both shown and not.
    assert any("h.trangt" in r["skipped"] for r in python) and any("h.trangt" in r["answers"][1] for r in python)
    assert any("t.stor" in r["answers"][1] for r in python) and any("t.stor" in r["skipped"] for r in python)
    assert any("h.varfor" in r["answers"][1] for r in python)

    # count() and sum() of a repeat's instances, as expr.js evaluates them against Python.
    instances = [[], [{}], [{"a": 1}], [{"a": 1}, {}, {"a": 2.5}], [{"a": "vet_ej"}, {"a": 4}], [{"a": 2}] * 3]
    sources = ["count(s.r)", "count(s.r) > 2", "sum(s.r.a)", "sum(s.r.a) >= 3.5", "count(s.r.a)"]

    def lookup(value):
        return lambda qid: value if qid == "s.r" else [i.get("a") for i in value] if qid == "s.r.a" else None
    expected = [[parse(source).evaluate(lookup(value)), typed(parse(source).value(lookup(value)))]
                for value in instances for source in sources]
    got = engine_page.evaluate("""([trees, sets]) => {
        const out = [];
        for (const value of sets) {
          const lookup = (qid) => qid === "s.r" ? value : qid === "s.r.a" ? value.map((i) => i.a === undefined ? null : i.a)
            : null;
          for (const tree of trees) out.push([FieldkitExpr.evaluate(tree, lookup), typed(FieldkitExpr.value(tree, lookup, []))]);
        }
        return out;
    }""", [[webform_tree(s) for s in sources], instances])
    assert got == expected
    # [{"a": 1}, {}, {"a": 2.5}]: an instance with no answer is not counted; 1 + 2.5 = 3.5.
    assert [e[1] for e in expected[15:20]] == [["int", 2], ["bool", False], ["float", 3.5], ["bool", True], ["int", 2]]
