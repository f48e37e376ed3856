"""Earlier answers shown inside labels and help texts: `${section.question}` ("piping").

A label such as "How many of the ${hushall.antal} people work?" is shown on the
interview page with the answer's display text in place of the reference: a
choice's label in the page's language, a number written as that language writes
it ("12 500"), a date as written. An unanswered reference shows as "…". The
result is plain text: the page escapes it like any other label.

Exports and the codebook keep the label as written, references included.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from .display import format_answer
from .formatting import format_number
from .model import ACKNOWLEDGE, GEOPOINT, RANGE, RANK, Question, Questionnaire

#: A reference: ${section.question}, with fieldkit's ids.
REFERENCE = re.compile(r"\$\{([^{}]*)\}")
#: Shown for a reference to a question not (yet) answered.
UNANSWERED = "…"


def references(texts: Mapping[str, str] | str | None) -> list[str]:
    """The ids referred to in a text, or in every language of a label, in order of appearance."""
    if not texts:
        return []
    values: Iterable[str] = [texts] if isinstance(texts, str) else texts.values()
    found: list[str] = []
    for text in values:
        for ref in REFERENCE.findall(text):
            if ref not in found:
                found.append(ref)
    return found


def problem(questionnaire: Questionnaire, question: Question, ref: str) -> str | None:
    """Why `ref` cannot be shown in a label or help of `question`, or None."""
    target = questionnaire.question(ref)
    if target is None:
        return "no question has that id: write ${section.question}, e.g. ${hushall.antal}"
    if target.id == question.id:
        return "a question cannot show its own answer in its text"
    if target.type == "note":
        return "a note has no answer to show"
    return None


def display(question: Question, value: Any, lang: str, answers: Mapping[str, Any] | None = None) -> str:
    """The display text of one answer inside a label."""
    if value is None or value == "" or value == []:
        return UNANSWERED
    if isinstance(value, str) and value in question.special_codes:
        return format_answer(question, value, lang)
    if question.type == RANGE and isinstance(value, (int, float)):
        return format_number(value, lang, decimals=10)
    if question.type == RANK and isinstance(value, list):
        return ", ".join(c.text(lang) if (c := question.choice(code)) else str(code) for code in value)
    if question.type == GEOPOINT and isinstance(value, dict):
        return " ".join(format_number(value[k], lang, decimals=10) for k in ("lat", "lon") if k in value)
    if question.type == ACKNOWLEDGE:
        return str(value)
    return format_answer(question, value, lang, dict(answers or {})) or UNANSWERED


def pipe(text: str, questionnaire: Questionnaire, answers: Mapping[str, Any], lang: str) -> str:
    """`text` with each ${section.question} replaced by that answer's display text ("…" when unanswered)."""
    if not text or "${" not in text:
        return text

    def shown(match: re.Match) -> str:
        target = questionnaire.question(match.group(1))
        if target is None:
            return match.group(0)
        return display(target, answers.get(target.id), lang, answers)

    return REFERENCE.sub(shown, text)
