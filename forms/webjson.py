"""A published questionnaire version as the JSON document the offline web app runs.

The browser never sees expression source: every relevance condition, derived
value and rule is parsed here (`conditions.parse`) and written as a small tree
of JSON arrays that fieldkit/static/webapp/expr.js walks. The Python engine
stays the judge: the central cleans whatever the browser sends with
`answers.clean_answers`; tests/test_webapp_conformance.py runs the same
conditions and answers through both and requires identical results.

Tree nodes (arrays, first element the kind)::

    ["lit", value]             a text, a whole number or true/false
    ["float", value]           a number written with a decimal point (1.0 stays a float)
    ["ref", qid, item|null]    an answer, or one row of a matrix
    ["list", [lit, ...]]       the literal list after `in`
    ["arith", op, a, b]  ["neg", a]  ["cmp", op, a, b]  ["in", a, b]  ["not_in", a, b]
    ["and", a, b]  ["or", a, b]  ["not", a]  ["answered", ref]  ["call", name, arg, ...]

A repeat (`type: repeat`) carries its own `questions`, and the order and true/false entries of the derived
values one instance computes; its answer in the app is a list of instance dicts, as Python cleans it.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from . import derived
from .answers import MESSAGES, TEXTS
from .catalogues import LANGUAGES
from .conditions import parse
from .model import OTHER, SPECIAL_CODES, Question, Questionnaire, Section

#: The format of the document; the app refuses a form with a format it does not know.
FORMAT = "fieldkit-webform"
FORMAT_VERSION = 1
#: The plural messages of `answers.message`: code -> (singular, plural) msgids.
PLURALS = {
    "min_choices": ("Choose at least %(num)s option.", "Choose at least %(num)s options."),
    "max_choices": ("Choose at most %(num)s option.", "Choose at most %(num)s options."),
    "max_length": ("At most %(num)s character.", "At most %(num)s characters."),
    # A repeat's own errors (answers._clean_repeat): %(label)s is the repeat's label.
    "repeat_min": ("%(label)s: add at least %(num)s instance.", "%(label)s: add at least %(num)s instances."),
    "repeat_max": ("%(label)s: at most %(num)s instance.", "%(label)s: at most %(num)s instances."),
}


def tree(source: str) -> list:
    """The JSON tree of one expression (ConditionError if it does not parse)."""
    return _node(parse(source).tree)


def _node(node: tuple) -> list:
    kind = node[0]
    if kind == "lit":
        return _literal(node[1])
    if kind == "ref":
        return ["ref", node[1], node[2]]
    if kind == "list":
        return ["list", [_literal(value) for value in node[1]]]
    if kind == "call":
        return ["call", node[1], *(_node(arg) for arg in node[3:])]
    if kind in ("cmp", "arith"):
        return [kind, node[1], _node(node[2]), _node(node[3])]
    return [kind, *(_node(child) for child in node[1:])]


def _literal(value: Any) -> list:
    if isinstance(value, float):
        return ["float", value]
    return ["lit", value]


def _optional_tree(source: str | None) -> list | None:
    return tree(source) if source else None


def _question(q: Question) -> dict[str, Any]:
    data: dict[str, Any] = {"id": q.id, "type": q.type, "label": q.label}
    if q.help:
        data["help"] = q.help
    if q.required:
        data["required"] = True
    if q.type in ("single", "scale", "yesno", "multi", "matrix", "rank"):
        data["choices"] = [_choice(c) for c in q.all_choices()]
    if q.filter:  # the choices' attributes it compares, and "other" and the special codes, always offered
        data["filter"] = dict(q.filter)
        for entry in data["choices"][len(q.choices):]:
            entry["extra"] = True
    if q.type == "range":  # answers.py: whole steps from a whole min give whole numbers
        step = q.step if q.step is not None else 1
        data["step"] = step
        data["whole_steps"] = isinstance(step, int) and isinstance(q.min if q.min is not None else 0, int)
    if q.items:
        data["items"] = [{"code": i.code, "label": i.label} for i in q.items]
    if q.other and q.type == "multi":
        data["other"] = OTHER
    specials = q.special_codes
    if specials:
        data["special"] = [{"code": code, "label": q.choice(code).label} for code in specials]
    for name in ("min", "max", "pattern", "max_length"):
        value = getattr(q, name)
        if value is not None:
            data[name] = str(value) if q.type == "date" and name in ("min", "max") else value
    if q.relevant:
        data["relevant"] = tree(q.relevant)
    if q.personal:
        data["personal"] = True
    if q.derived:
        data["expression"] = tree(q.expression)
        data["rule"] = q.rule
        data["result"] = q.result
        if q.message:
            data["message"] = q.message
    return data


def _repeat(questionnaire: Questionnaire, q: Question) -> dict[str, Any]:
    """A repeat: its questions, and the derived entries one instance computes (`derived.evaluate_instance`).

    An instance sees the questions outside every repeat, then its own: its `derived_order` lists every derived
    entry of that view (the outer ones too, which the inner ones may read), each after the ones it reads.
    """
    data = _question(q)
    if q.instance_label:
        data["instance_label"] = q.instance_label
    data["questions"] = [_question(child) for child in q.questions]
    view = derived.plan(derived.instance_questionnaire(questionnaire, q))
    data["derived_order"] = [step.question.id for step in view.steps]
    data["booleans"] = sorted(view.booleans)
    return data


def _choice(choice) -> dict[str, Any]:
    data: dict[str, Any] = {"code": choice.code, "label": choice.label}
    if choice.score is not None:
        data["score"] = choice.score
    if choice.attributes:
        data["attributes"] = dict(choice.attributes)
    return data


def _section(questionnaire: Questionnaire, section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"id": section.id, "title": section.title, "questions": [
        _repeat(questionnaire, q) if q.repeat else _question(q) for q in section.questions]}
    if section.description:
        data["description"] = section.description
    if section.relevant:
        data["relevant"] = tree(section.relevant)
    return data


def messages(lang: str) -> dict[str, Any]:
    """The validation messages of `answers.message` in `lang`; plural ones as [one, many]."""
    texts: dict[str, Any] = {code: TEXTS.gettext(msgid, lang) for code, msgid in MESSAGES.items()}
    for code in PLURALS:
        singular, plural = PLURALS[code]
        translations = TEXTS.translations(lang)
        texts[code] = [translations.ngettext(singular, plural, 1), translations.ngettext(singular, plural, 2)]
    return texts


def webform(questionnaire: Questionnaire) -> dict[str, Any]:
    """The JSON document of one questionnaire version, as the offline app runs it."""
    plan = derived.plan(questionnaire)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "id": questionnaire.id,
        "version": questionnaire.version,
        "content_hash": questionnaire.content_hash,
        "title": questionnaire.title,
        "description": questionnaire.description,
        "languages": questionnaire.languages,
        "unit": questionnaire.unit,
        "level": questionnaire.level,  # "district": the interview names one of its municipality's districts
        "sections": [_section(questionnaire, s) for s in questionnaire.sections],
        # The order derived entries are computed in (each after the ones it reads), and which are true/false.
        "derived_order": [step.question.id for step in plan.steps],
        "booleans": sorted(plan.booleans),
        "special_codes": list(SPECIAL_CODES),
        "messages": {lang: messages(lang) for lang in LANGUAGES},
    }


def digest(document: dict[str, Any]) -> str:
    """The SHA-256 of a JSON form as the browser can recompute it from what it stored (see `js_canonical`).

    The app keeps this beside the form in IndexedDB and checks it before it runs the form: a form
    changed in the browser (by hand, by an extension) no longer matches and is refused.
    """
    body = {key: value for key, value in document.items() if key != "digest"}
    return hashlib.sha256(js_canonical(body).encode("utf-8")).hexdigest()


def js_canonical(value: Any) -> str:
    """JSON text as JavaScript writes it after JSON.parse: keys sorted, no spaces, numbers as JS prints them.

    JSON.parse keeps no difference between 1.0 and 1, so a whole float is written as a whole number;
    other floats use JavaScript's notation (1e-7, 1e+21, 0.00001).
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _js_number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(js_canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(k), ensure_ascii=False) + ":" + js_canonical(value[k])
                              for k in sorted(value, key=str)) + "}"
    raise TypeError(f"{type(value).__name__} is not JSON")


def _js_number(value: float) -> str:
    if value == 0:
        return "0"  # JSON.stringify(-0) is "0"
    text = repr(value)
    mantissa, _e, exponent = text.partition("e")
    if not exponent:
        return mantissa[:-2] if mantissa.endswith(".0") else mantissa
    if 1e-6 <= abs(value) < 1e21:  # JavaScript writes these without an exponent
        return format(Decimal(text), "f")
    power = int(exponent)
    return f"{mantissa.removesuffix('.0')}e{'+' if power > 0 else '-'}{abs(power)}"
