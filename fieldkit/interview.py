"""Interview navigation over a questionnaire and a draft: which sections and questions show."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from forms.answers import Cleaned, clean_answers, instances, relevant_sections
from forms.errors import FieldkitError
from forms.model import MAX_INSTANCES, OTHER, OTHER_SUFFIX, SPECIAL_CODES, Question, Questionnaire, Section, instance_key
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


# -- two tabs on one section: a save takes only the questions its page changed -----------------------------

#: The posted field that lists the questions the page changed since its last acknowledged save (app.js).
CHANGED_FIELD = "_changed"
#: The posted field with the section's version the page last saw (`section_version`).
BASE_FIELD = "_base"
#: The posted field with each repeat's instance prints the page last saw (`instance_prints`), as JSON.
INSTANCES_FIELD = "_instances"
#: The posted field with the options each changed multiple choice ticked and unticked since the page's last
#: acknowledged save, as JSON: {question key: {"add": [codes], "remove": [codes], "other": true if its "other"
#: text changed}}.
DELTA_FIELD = "_delta"


class UnknownQuestion(FieldkitError):
    """A save named a question that is not on the page it was posted to."""

    status = 400
    reason = "unknown_question"


def _own(section: Section) -> set[str]:
    return {q.id for q in section.questions if not q.metadata}


def _print(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def section_values(section: Section, raw: dict[str, Any]) -> dict[str, Any]:
    """The draft's raw values of this section's questions (what a page of the section saves)."""
    own = _own(section)
    return {k: v for k, v in raw.items() if k.split("/")[0] in own}


def section_version(section: Section, raw: dict[str, Any]) -> str:
    """A content hash of the section's saved answers: a page that last saw another version is not current."""
    return _print(section_values(section, raw))


def instance_prints(section: Section, raw: dict[str, Any]) -> dict[str, list[str]]:
    """Each repeat's instances as content hashes, in order: how a page finds its instance again after another
    tab added, removed or moved instances."""
    return {q.id: [_print(dict(entry)) for entry in instances(q, raw)] for q in section.questions if q.repeat}


def changed_keys(section: Section, posted: str, counts: dict[str, int]) -> set[str]:
    """The question keys of a posted `_changed` (space separated); UnknownQuestion names one not on the page.

    A key is a question of the section, or a question of one of the page's instances of a repeat
    (`model.instance_key`); `counts` are the instances the page showed.
    """
    valid = {q.id for q in section.questions if q.answerable and not q.metadata and not q.repeat}
    for q in section.questions:
        if q.repeat:
            valid |= {instance_key(q.id, n, c.id) for n in range(1, counts.get(q.id, 0) + 1)
                      for c in q.questions if c.answerable}
    keys = set(posted.split())
    unknown = sorted(keys - valid)
    if unknown:
        raise UnknownQuestion(f"{CHANGED_FIELD}: not a question on page {section.id}: {', '.join(unknown[:5])}")
    return keys


def _locate(base: list[str] | None, current: list[str], number: int, shown: int) -> int | None:
    """The index in the draft's instances of the instance a page showed as `number`, or None if it is unclear.

    Found by its content as the page last saw it; when that does not single it out (it was changed elsewhere
    too), by its number as long as the number of instances is the one the page saw.
    """
    if base is not None and 0 < number <= len(base):
        if base == current:
            return number - 1
        hits = [i for i, p in enumerate(current) if p == base[number - 1]]
        if number - 1 in hits or len(hits) == 1:
            return number - 1 if number - 1 in hits else hits[0]
        return number - 1 if len(base) == len(current) else None
    return number - 1 if shown == len(current) and 0 < number <= shown else None


def _replace(target: dict[str, Any], source: dict[str, Any], qid: str) -> None:
    """Put question `qid`'s values (the question's own, its "other" text, its rows) from source into target."""
    for key in [k for k in target if k.split("/")[0] == qid]:
        del target[key]
    target.update({k: v for k, v in source.items() if k.split("/")[0] == qid})


def parse_deltas(section: Section, posted: str | None) -> dict[str, dict]:
    """The posted `_delta` of the section's multiple choices: {question id: {"add", "remove", "other"}}.

    UnknownQuestion names a key that is not a question of the page or an entry that is not a list of codes; a
    question of another kind is passed over (its posted value stands); a page without the field (no script,
    an older page) has no deltas, and its values replace as posted.
    """
    if not posted:
        return {}
    try:
        deltas = json.loads(posted)
    except ValueError:
        raise UnknownQuestion(f"{DELTA_FIELD}: not JSON") from None
    multis = {q.id: q for q in section.questions if q.type == "multi" and not q.metadata}
    if not isinstance(deltas, dict):
        raise UnknownQuestion(f"{DELTA_FIELD}: not an object of questions")
    others = {q.id for q in section.questions}
    parsed = {}
    for key, delta in deltas.items():
        if key in others and key not in multis:
            continue  # another kind of question of the page (an acknowledgement's box): its posted value stands
        if key not in multis or not isinstance(delta, dict):
            raise UnknownQuestion(f"{DELTA_FIELD}: not a multiple choice on page {section.id}: {str(key)[:80]}")
        codes = {c.code for c in multis[key].all_choices()}
        lists = {part: delta.get(part) or [] for part in ("add", "remove")}
        for part, given in lists.items():
            if not isinstance(given, list) or not all(isinstance(c, str) and c in codes for c in given):
                raise UnknownQuestion(f"{DELTA_FIELD}: {key}: {part} is not a list of the question's options")
        parsed[key] = {**lists, "other": bool(delta.get("other"))}
    return parsed


def apply_ticks(question: Question, current: Any, delta: dict) -> list[str]:
    """A multiple choice's options after a page's ticks and unticks (`delta`) on the draft's current value.

    Another tab's ticks stay. As on the page, ticking "Vet ej" (a special option) unticks the others, and
    ticking an ordinary option unticks a special one; the usual validation still judges the result.
    """
    chosen = [current] if isinstance(current, str) else list(current or [])
    added = delta["add"]
    if any(code in SPECIAL_CODES for code in added):
        chosen = []
    elif added:
        chosen = [code for code in chosen if code not in SPECIAL_CODES]
    kept = (set(chosen) - set(delta["remove"])) | set(added)
    order = [c.code for c in question.all_choices()]
    return sorted(kept, key=lambda code: order.index(code) if code in order else len(order))


def _merge_ticks(values: dict[str, Any], posted: dict[str, Any], question: Question, delta: dict) -> None:
    """Apply a page's ticks of one multiple choice to the draft's `values`; its "other" text goes with "other"."""
    text_key = question.id + OTHER_SUFFIX
    merged = apply_ticks(question, values.get(question.id), delta)
    text = posted.get(text_key) if OTHER in delta["add"] or delta["other"] else values.get(text_key)
    values.pop(question.id, None)
    values.pop(text_key, None)
    if merged:
        values[question.id] = merged
    if OTHER in merged and text not in (None, ""):
        values[text_key] = text


def merge_changed(section: Section, raw: dict[str, Any], posted: dict[str, Any], keys: set[str],
                  base: dict[str, list[str]] | None, counts: dict[str, int],
                  deltas: dict[str, dict] | None = None) -> tuple[dict[str, Any], dict]:
    """The section's values to save: the draft's, with the questions in `keys` as posted.

    A multiple choice with a delta (`parse_deltas`) takes the page's ticks and unticks on the draft's value
    instead, so that options ticked in two tabs are all kept.

    Another tab's save of the other questions is kept. An instance of a repeat is found again by its content
    (`instance_prints` as the page last saw them, `base`) when another tab added, removed or moved instances;
    an instance that cannot be placed is added at the end, so that nothing typed is lost. Returns (values,
    {repeat id: {instance number on the page: index in the draft or None}}).
    """
    values = section_values(section, raw)
    placed: dict[str, dict[int, int | None]] = {}
    for q in section.questions:
        if not q.repeat:
            if q.id in keys and q.id in (deltas or {}):
                _merge_ticks(values, posted, q, deltas[q.id])
            elif q.id in keys:
                _replace(values, posted, q.id)
            continue
        current = [dict(entry) for entry in instances(q, raw)]
        prints = [_print(entry) for entry in current]
        page = posted.get(q.id) or []
        shown = counts.get(q.id, 0)
        where = placed[q.id] = {n: _locate((base or {}).get(q.id), prints, n, shown) for n in range(1, shown + 1)}
        for number in range(1, min(shown, len(page)) + 1):
            children = [c.id for c in q.questions if instance_key(q.id, number, c.id) in keys]
            if not children:
                continue
            if where[number] is None:
                current.append(dict(page[number - 1]))
                where[number] = len(current) - 1
                continue
            for child in children:
                _replace(current[where[number]], page[number - 1], child)
        if current or q.id in values:
            values[q.id] = current
    return values, placed


def placed_action(action: str | None, placed: dict) -> str | None:
    """A repeat button's action with the page's instance number turned into the draft's; None if it is lost."""
    verb, _sep, rest = (action or "").partition(":")
    repeat_id, _sep, number = rest.partition(":")
    if not number.isdigit() or repeat_id not in placed:
        return action
    index = placed[repeat_id].get(int(number))
    return None if index is None else f"{verb}:{repeat_id}:{index + 1}"
