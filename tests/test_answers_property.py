"""Property tests: cleaning never raises and never keeps an answer to an irrelevant question.

Questionnaires are generated (one to three sections, relevance conditions on
earlier answers, sometimes on whole sections) and built with `forms.from_dict`;
raw mappings mix plausible answers with junk of every JSON and form shape.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import Questionnaire, clean_answers
from forms.conditions import parse
from forms_helpers import choices, make_questionnaire, section

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CODES = ["a", "b", "c"]
ITEMS = ["r1", "r2"]
TYPES = ["single", "multi", "scale", "matrix", "yesno", "integer", "decimal", "money", "text", "longtext", "date", "note"]


# --- questionnaires ------------------------------------------------------------------------

@st.composite
def question_data(draw, local_id: str) -> dict[str, Any]:
    qtype = draw(st.sampled_from(TYPES))
    data: dict[str, Any] = {"id": local_id, "type": qtype, "label": {"sv": local_id, "en": local_id}}
    if qtype != "note":
        data["required"] = draw(st.booleans())
        if draw(st.booleans()):
            data["dont_know"] = True
        if draw(st.booleans()):
            data["not_applicable"] = True
    if qtype in ("single", "multi", "scale", "matrix"):
        data["choices"] = choices(*CODES)
    if qtype == "matrix":
        data["items"] = [{"code": code, "label": code} for code in ITEMS]
    if qtype == "multi":
        data["other"] = draw(st.booleans())
        if draw(st.booleans()):
            data["max"] = 2
    if qtype in ("integer", "money") and draw(st.booleans()):
        data["min"], data["max"] = 0, 5000
    if qtype == "decimal" and draw(st.booleans()):
        data["min"], data["max"] = -1.5, 100.5
    if qtype == "date" and draw(st.booleans()):
        data["min"], data["max"] = "2020-01-01", "2030-12-31"
    if qtype == "text" and draw(st.booleans()):
        data["pattern"], data["max_length"] = "[0-9]{3} ?[0-9]{2}", 6
    return data


def atom(qid: str, qtype: str) -> st.SearchStrategy[str]:
    """One test on an earlier question, fitting its type."""
    options = [st.just(f"{qid} is answered"), st.just(f"{qid} is not answered")]
    code = st.sampled_from(CODES + ["vet_ej", "ej_aktuellt"])
    if qtype in ("single", "scale"):
        options += [code.map(lambda c: f"{qid} == '{c}'"), code.map(lambda c: f"{qid} != '{c}'"),
                    st.just(f"{qid} in ['a', 'b']"), st.just(f"{qid} not in ['a', 'vet_ej']")]
    elif qtype == "yesno":
        options += [st.just(f"{qid} == 'ja'"), st.just(f"{qid} != 'nej'"), st.just(f"{qid} in ['ja', 'vet_ej']")]
    elif qtype == "multi":
        options += [code.map(lambda c: f"'{c}' in {qid}"), code.map(lambda c: f"'{c}' not in {qid}")]
    elif qtype == "matrix":
        row = st.sampled_from(ITEMS + ["r9"])
        options += [st.tuples(row, code).map(lambda rc: f"{qid}[{rc[0]}] == '{rc[1]}'"),
                    row.map(lambda r: f"{qid}[{r}] is answered"), code.map(lambda c: f"'{c}' in {qid}")]
    elif qtype in ("integer", "money", "decimal"):
        number = st.sampled_from(["0", "3", "12.5", "-1", "1200"])
        op = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
        options += [st.tuples(op, number).map(lambda on: f"{qid} {on[0]} {on[1]}"), st.just(f"{qid} in [1, 2, 3]")]
    elif qtype == "date":
        options += [st.sampled_from(["<", ">="]).map(lambda op: f"{qid} {op} '2024-06-01'")]
    elif qtype in ("text", "longtext"):
        options += [st.just(f"{qid} == 'ja'"), st.just(f"{qid} != ''")]
    return st.one_of(options)


def condition(earlier: list[tuple[str, str]]) -> st.SearchStrategy[str]:
    """A condition over earlier questions: atoms joined with and / or / not, with parentheses."""
    atoms = st.sampled_from(earlier).flatmap(lambda ref: atom(*ref))
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(lambda t: f"({t[0]}) {t[1]} ({t[2]})"),
            inner.map(lambda c: f"not ({c})"),
        ),
        max_leaves=4,
    )


@st.composite
def questionnaires(draw) -> Questionnaire:
    earlier: list[tuple[str, str]] = []
    sections = []
    for s_index in range(draw(st.integers(1, 3))):
        sid = f"s{s_index}"
        extra = {}
        if earlier and draw(st.integers(0, 2)) == 0:
            extra["relevant"] = draw(condition(earlier))
        questions = []
        for q_index in range(draw(st.integers(1, 4))):
            data = draw(question_data(f"q{q_index}"))
            if earlier and draw(st.booleans()):
                data["relevant"] = draw(condition(earlier))
            questions.append(data)
            earlier.append((f"{sid}.q{q_index}", data["type"]))
        sections.append(section(sid, *questions, **extra))
    return make_questionnaire(sections=sections)


# --- raw values ----------------------------------------------------------------------------

PLAUSIBLE = st.sampled_from([
    "a", "b", "c", "ja", "nej", "vet_ej", "ej_aktuellt", "annat", "3", "1 200", "12,5", "12.5", "12 500 kr",
    "2024-05-01", "2019-02-29", "903 25", "", "  ", "-1",
])
HUGE = st.builds(lambda ch, n: ch * n, st.characters(), st.integers(1000, 25_000))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-10 ** 500, 10 ** 500),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30), PLAUSIBLE, PLAUSIBLE, HUGE,
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5) | st.sampled_from(ITEMS), inner, max_size=3)),
    max_leaves=6,
)


def plausible(question) -> st.SearchStrategy[dict]:
    """Raw entries that fit the question's type (mostly valid), so conditions often hold."""
    qid, qtype = question.id, question.type
    special = st.sampled_from(["vet_ej", "ej_aktuellt"])
    if qtype in ("single", "scale"):
        value = st.sampled_from(CODES) | special
    elif qtype == "yesno":
        value = st.sampled_from(["ja", "nej"]) | special
    elif qtype == "multi":
        ticked = st.lists(st.sampled_from(CODES + ["annat", "vet_ej"]), max_size=4)
        return st.fixed_dictionaries({qid: ticked}, optional={qid + "/annat": st.sampled_from(["hiss", "", " "])})
    elif qtype == "matrix":
        rows = st.dictionaries(st.sampled_from(ITEMS), st.sampled_from(CODES) | special, max_size=2)
        return rows.map(lambda r: {qid: r}) | rows.map(lambda r: {f"{qid}/{k}": v for k, v in r.items()})
    elif qtype in ("integer", "money"):
        value = st.integers(-5, 6000) | st.sampled_from(["1 200", "12 500 kr", "3", "12,5"]) | special
    elif qtype == "decimal":
        # JSON numbers from sync may be far larger than a float can hold.
        value = st.floats(-5, 200) | st.integers(-(10 ** 400), 10 ** 400) | st.sampled_from(["12,5", "0,5", "3"]) | special
    elif qtype == "date":
        value = st.dates().map(str) | st.sampled_from(["2024-05-01", "2024-13-01"]) | special
    else:
        value = st.sampled_from(["903 25", "ja", "x" * 7, "rad\r\nrad"]) | special
    return value.map(lambda v: {qid: v})


@st.composite
def raw_for(draw, questionnaire: Questionnaire) -> dict:
    """For each question: nothing, a fitting answer, or junk; then junk under any key."""
    keys = []
    raw: dict = {}
    for q in questionnaire.questions():
        keys += [q.id, q.id + "/annat", q.id + "/special"] + [f"{q.id}/{item}" for item in ITEMS]
        kind = draw(st.sampled_from(["none", "fitting", "fitting", "fitting", "junk"]))
        if kind == "fitting":
            raw.update(draw(plausible(q)))
        elif kind == "junk":
            raw[q.id] = draw(VALUES)
    raw.update(draw(st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), VALUES, max_size=3)))
    return raw


# --- the properties ------------------------------------------------------------------------

def relevant(source: str | None, answers: dict) -> bool:
    return source is None or parse(source).evaluate(answers.get)


def check_invariants(questionnaire: Questionnaire, raw: Any, **options: Any) -> None:
    cleaned = clean_answers(questionnaire, raw, **options)
    answerable = {q.id: q for q in questionnaire.questions() if q.answerable}
    # Relevance judged afresh on the cleaned answers, independently of the engine's bookkeeping.
    irrelevant = {
        q.id for s in questionnaire.sections for q in s.questions
        if q.answerable and not (relevant(s.relevant, cleaned.answers) and relevant(q.relevant, cleaned.answers))
    }
    assert set(cleaned.skipped) == irrelevant
    assert len(cleaned.skipped) == len(set(cleaned.skipped))
    for key in cleaned.answers:
        qid = key.split("/")[0]
        assert qid in answerable, key
        assert qid not in irrelevant, f"kept {key!r} although its question is not relevant"
    assert not set(cleaned.errors) & irrelevant
    assert set(cleaned.errors) <= set(answerable)
    assert all(isinstance(message, str) and message for message in cleaned.errors.values())
    if options.get("partial"):
        # Stored (cleaned) answers clean to themselves: a draft can be reloaded and saved again.
        again = clean_answers(questionnaire, cleaned.answers, partial=True)
        assert again.answers == cleaned.answers
        assert again.errors == {}


@SETTINGS
@given(st.data())
def test_cleaning_generated_questionnaires_never_raises_nor_keeps_irrelevant_answers(data):
    questionnaire = data.draw(questionnaires())
    raw = data.draw(raw_for(questionnaire))
    partial = data.draw(st.booleans())
    check_invariants(questionnaire, raw, partial=partial, lang=data.draw(st.sampled_from(["sv", "en", "de"])))


LOK = make_questionnaire(sections=[
    section("a",
            {"id": "lok", "type": "yesno", "label": "Finns en LÖK?", "required": True, "dont_know": True},
            {"id": "skriftlig", "type": "yesno", "label": "Skriftlig?", "required": True, "relevant": "a.lok == 'ja'"},
            {"id": "ar", "type": "integer", "label": "År", "required": True, "min": 1990, "max": 2030,
             "relevant": "a.skriftlig == 'ja'"},
            {"id": "hinder", "type": "multi", "label": "Hinder", "other": True, "dont_know": True,
             "choices": choices("a", "b", "c"), "relevant": "a.lok is answered and a.lok != 'vet_ej'"}),
    section("b",
            {"id": "rum", "type": "matrix", "label": "Rum", "required": True, "choices": choices("a", "b"),
             "items": [{"code": "r1", "label": "1 rok"}, {"code": "r2", "label": "2 rok"}]},
            {"id": "varfor", "type": "longtext", "label": "Varför?", "relevant": "b.rum[r1] == 'a' or 'c' in a.hinder"},
            relevant="a.ar >= 2000 or 'annat' in a.hinder"),
    section("c",
            {"id": "kostnad", "type": "money", "label": "Kostnad", "relevant": "not (b.rum[r2] in ['b'])"},
            {"id": "datum", "type": "date", "label": "Datum", "min": "2020-01-01",
             "relevant": "c.kostnad > 10000 and a.lok == 'ja'"}),
])


@SETTINGS
@given(raw_for(LOK), st.booleans())
def test_cleaning_a_fixed_chain_never_raises_nor_keeps_irrelevant_answers(raw, partial):
    check_invariants(LOK, raw, partial=partial)


@SETTINGS
@given(st.one_of(VALUES, st.dictionaries(VALUES.filter(lambda v: v is None or isinstance(v, (str, int, float))), VALUES)))
def test_cleaning_any_value_at_all_never_raises(raw):
    check_invariants(LOK, raw)
