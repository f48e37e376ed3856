"""Human-readable text of stored answers, in one language."""

from __future__ import annotations

from typing import Any

from .model import OTHER, OTHER_SUFFIX, Question


def format_number(value: float | int, decimals: int | None = None) -> str:
    """Swedish-style grouping with a narrow space: 12 500."""
    if isinstance(value, float) and not value.is_integer():
        text = f"{value:,.{decimals if decimals is not None else 2}f}".rstrip("0").rstrip(".")
    else:
        text = f"{int(value):,}"
    return text.replace(",", "\u202f")


def format_answer(question: Question, value: Any, lang: str = "sv", answers: dict[str, Any] | None = None) -> str:
    """One line of text for an answer (matrix answers: use `format_rows`)."""
    if value is None:
        return ""
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
        return f"{format_number(value)} kr"
    if qtype in ("integer", "decimal"):
        return format_number(value)
    if qtype == "matrix":
        return "; ".join(f"{label}: {text}" for label, text in format_rows(question, value, lang))
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
