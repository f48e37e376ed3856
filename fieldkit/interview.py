"""Interview navigation over a questionnaire and a draft: which sections and questions show."""

from __future__ import annotations

from typing import Any

from forms.answers import Cleaned, clean_answers, relevant_sections
from forms.model import Question, Questionnaire, Section
from forms.webform import SectionForm, build_section_form

_FORM_CLASSES: dict[tuple[str, str, str], type[SectionForm]] = {}


def form_class(questionnaire: Questionnaire, section: Section, lang: str) -> type[SectionForm]:
    """The WTForms class of one section, built once per questionnaire version, section and language."""
    key = (questionnaire.content_hash, section.id, lang)
    cls = _FORM_CLASSES.get(key)
    if cls is None:
        if len(_FORM_CLASSES) > 512:
            _FORM_CLASSES.clear()
        cls = _FORM_CLASSES[key] = build_section_form(questionnaire, section, lang)
    return cls


def find_section(questionnaire: Questionnaire, section_id: str) -> Section | None:
    return next((s for s in questionnaire.sections if s.id == section_id), None)


def progress(questionnaire: Questionnaire, raw: dict[str, Any]) -> tuple[Cleaned, list[Section]]:
    """Cleaned draft answers and the sections that are relevant for them."""
    cleaned = clean_answers(questionnaire, raw, partial=True)
    skipped = set(cleaned.skipped)
    sections = [
        s for s in relevant_sections(questionnaire, cleaned.answers)
        if not any(q.answerable for q in s.questions) or any(q.id not in skipped for q in s.questions if q.answerable)
    ]
    # a section of metadata only (an XLSForm's start, end... rows) has nothing to show: no page
    sections = [s for s in sections if not all(q.metadata for q in s.questions)]
    return cleaned, sections


def section_warnings(section: Section, cleaned: Cleaned) -> list[Question]:
    """The section's checks that the answers break, in page order."""
    broken = set(cleaned.warnings)
    return [q for q in section.questions if q.id in broken]


def hidden_questions(section: Section, cleaned: Cleaned) -> list[str]:
    skipped = set(cleaned.skipped)
    return [q.id for q in section.questions if q.id in skipped]


def neighbour(sections: list[Section], questionnaire: Questionnaire, section_id: str, step: int) -> Section | None:
    """The next (step=1) or previous (step=-1) relevant section, by questionnaire order."""
    order = [s.id for s in questionnaire.sections]
    here = order.index(section_id) if section_id in order else -1
    candidates = [s for s in sections if (order.index(s.id) - here) * step > 0]
    if not candidates:
        return None
    return candidates[0] if step > 0 else candidates[-1]


def merge_section_raw(raw: dict[str, Any], section: Section, values: dict[str, Any]) -> dict[str, Any]:
    """The draft's raw values with this section's replaced by what was just posted."""
    own = {q.id for q in section.questions if not q.metadata}  # metadata is recorded, never posted
    merged = {k: v for k, v in raw.items() if k.split("/")[0] not in own}
    merged.update({k: v for k, v in values.items() if v not in (None, "", [])})
    return merged


def unanswered(questionnaire: Questionnaire, cleaned: Cleaned) -> tuple[list[tuple[Section, int]], int, bool]:
    """Count what is still blank: ([(section, blank count)], number asked, whether statements were counted).

    Each statement of a matrix counts on its own, since a matrix with one row
    answered and the rest blank is mostly unanswered. Questions with an error
    and questions skipped by a condition are not counted as blank.
    """
    skipped = set(cleaned.skipped)
    blank, asked, statements = [], 0, False
    for section in questionnaire.sections:
        missing = 0
        for question in section.questions:
            if not question.answerable or question.id in skipped:
                continue
            if question.type == "matrix" and question.items:
                statements = True
                asked += len(question.items)
                if question.id not in cleaned.errors:
                    missing += len(question.items) - len(cleaned.answers.get(question.id) or {})
            else:
                asked += 1
                missing += question.id not in cleaned.answers and question.id not in cleaned.errors
        if missing:
            blank.append((section, missing))
    return blank, asked, statements
