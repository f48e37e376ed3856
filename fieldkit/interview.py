"""Interview navigation over a questionnaire and a draft: which sections and questions show."""

from __future__ import annotations

from typing import Any

from forms.answers import Cleaned, clean_answers, instances, relevant_sections
from forms.model import MAX_INSTANCES, Question, Questionnaire, Section
from forms.webform import SectionForm, build_section_form

_FORM_CLASSES: dict[tuple, type[SectionForm]] = {}


def form_class(questionnaire: Questionnaire, section: Section, lang: str,
               counts: dict[str, int] | None = None) -> type[SectionForm]:
    """The WTForms class of one section, built once per questionnaire version, section, language and
    number of instances of each repeat (`counts`)."""
    key = (questionnaire.content_hash, section.id, lang, tuple(sorted((counts or {}).items())))
    cls = _FORM_CLASSES.get(key)
    if cls is None:
        if len(_FORM_CLASSES) > 512:
            _FORM_CLASSES.clear()
        cls = _FORM_CLASSES[key] = build_section_form(questionnaire, section, lang, counts=counts)
    return cls


def find_section(questionnaire: Questionnaire, section_id: str) -> Section | None:
    return next((s for s in questionnaire.sections if s.id == section_id), None)


def progress(questionnaire: Questionnaire, raw: dict[str, Any], lang: str = "sv") -> tuple[Cleaned, list[Section]]:
    """Cleaned draft answers (error messages in `lang`) and the sections that are relevant for them."""
    cleaned = clean_answers(questionnaire, raw, partial=True, lang=lang)
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
    """The keys of the section's questions that their conditions hide, also those of each instance of a repeat."""
    own = {q.id for q in section.questions}
    return [key for key in cleaned.skipped if key in own or key.split("[")[0] in own]


def change_instances(questionnaire: Questionnaire, section: Section, raw: dict[str, Any],
                     action: str) -> tuple[dict[str, Any], str | None]:
    """Apply a repeat button to the draft's raw values: (new raw values, element id to show next).

    `action` is `add:<repeat>`, `remove:<repeat>:<n>`, `up:<repeat>:<n>` or `down:<repeat>:<n>` (n from 1);
    anything else changes nothing. A new instance starts with its questions' defaults.
    """
    verb, _sep, rest = action.partition(":")
    repeat_id, _sep, number_text = rest.partition(":")
    repeat = next((q for q in section.questions if q.repeat and q.id == repeat_id), None)
    if repeat is None or verb not in ("add", "remove", "up", "down"):
        return raw, None
    current = [dict(entry) for entry in instances(repeat, raw)]
    number = int(number_text) if number_text.isdigit() else 0
    if verb == "add":
        if len(current) >= min(repeat.max or MAX_INSTANCES, MAX_INSTANCES):
            return raw, f"q-{repeat.id}"
        current.append({child.id: child.default for child in repeat.questions if child.default is not None})
        target = len(current)
    elif not 1 <= number <= len(current):
        return raw, None
    elif verb == "remove":
        del current[number - 1]
        target = min(number, len(current))
    else:
        other = number - 1 if verb == "up" else number + 1
        if not 1 <= other <= len(current):
            return raw, None
        current[number - 1], current[other - 1] = current[other - 1], current[number - 1]
        target = other
    changed = {**raw, repeat.id: current}
    return changed, (f"inst-{repeat.id}-{target}" if target else f"q-{repeat.id}")


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
