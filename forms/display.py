"""Human-readable text of stored answers, in one language (numbers and money as its readers write them)."""

from __future__ import annotations

from typing import Any

from .formatting import format_money, format_number
from .model import OTHER, OTHER_SUFFIX, YESNO_CHOICES_DATA, Question, text_in


def format_answer(question: Question, value: Any, lang: str = "sv", answers: dict[str, Any] | None = None) -> str:
    """One line of text for an answer (matrix answers: use `format_rows`)."""
    if value is None:
        return ""
    if question.derived:
        return format_derived(question, value, lang)
    if question.repeat:
        return format_instances(question, value, lang)
    if isinstance(value, str) and value in question.special_codes:
        return question.choice(value).text(lang)
    qtype = question.type
    if qtype in ("single", "scale", "yesno"):
        choice = question.choice(str(value))
        return choice.text(lang) if choice else str(value)
    if qtype == "multi":
        parts = []
        for code in value if isinstance(value, list) else [value]:
            choice = question.choice(code)
            text = choice.text(lang) if choice else str(code)
            if code == OTHER and answers and answers.get(question.id + OTHER_SUFFIX):
                text += f": {answers[question.id + OTHER_SUFFIX]}"
            parts.append(text)
        return "; ".join(parts)
    if qtype == "money":
        return format_money(value, lang)
    if qtype in ("integer", "decimal"):
        return format_number(value, lang)
    if qtype == "matrix":
        return "; ".join(f"{label}: {text}" for label, text in format_rows(question, value, lang))
    if qtype == "rank" and isinstance(value, list):  # first place first: "1. Läge; 2. Pris"
        return "; ".join(f"{i}. {c.text(lang) if (c := question.choice(code)) else code}"
                         for i, code in enumerate(value, 1))
    if qtype == "geopoint" and isinstance(value, dict):
        return " ".join(format_number(value[k], lang, decimals=10) for k in ("lat", "lon") if k in value)
    if qtype == "range":
        return format_number(value, lang, decimals=10)
    return str(value)


def format_instances(repeat: Question, value: Any, lang: str = "sv") -> str:
    """A repeat's instances on one line: "Person 1 (Namn: Anna; Roll: Chef) · Person 2 (...)"."""
    parts = []
    for number, instance in enumerate(value if isinstance(value, list) else [], 1):
        answered = format_instance(repeat, instance, lang)
        parts.append(f"{repeat.instance_text(lang, number)} ({answered})" if answered
                     else repeat.instance_text(lang, number))
    return " · ".join(parts)


def format_instance(repeat: Question, instance: Any, lang: str = "sv") -> str:
    """The answers of one instance of a repeat: "Namn: Anna; Roll: Chef" (empty when it has none)."""
    instance = instance if isinstance(instance, dict) else {}
    return "; ".join(f"{child.text(lang)}: {format_answer(child, instance[child.id], lang, instance)}"
                     for child in repeat.questions if instance.get(child.id) is not None)


def format_derived(question: Question, value: Any, lang: str = "sv") -> str:
    """A derived value as text: true/false as yes/no, amounts and numbers as the language writes them."""
    if isinstance(value, bool):
        return text_in(dict(YESNO_CHOICES_DATA)["ja" if value else "nej"], lang)
    if question.result == "money":
        return format_money(value, lang)
    if question.result in ("integer", "decimal"):
        return format_number(value, lang)
    return str(value)


def format_rows(question: Question, value: Any, lang: str = "sv") -> list[tuple[str, str]]:
    """(item label, answer text) for each row of a matrix answer, in item order."""
    rows = []
    value = value if isinstance(value, dict) else {}
    for item in question.items:
        code = value.get(item.code)
        choice = question.choice(code) if code else None
        rows.append((item.text(lang), choice.text(lang) if choice else ""))
    return rows
