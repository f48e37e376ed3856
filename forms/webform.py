"""Build WTForms form classes from a questionnaire section.

The form renders and carries per-field errors; the decision of what is a
valid answer stays in `answers.clean_answers`, so the web and every other
path agree. CSRF is the web app's business (Flask-WTF's CSRFProtect).

Field names: the question id; `<id>/annat` for the "other" text of a multi
question; `<id>/<item>` for each matrix row; `<id>/special` for the
don't-know / not-applicable choice of a question that is not a choice list.
A question inside a repeat is named by its instance (`model.instance_key`):
`<section>.<repeat>[2].<question>`, with the same suffixes; the page posts
the number of instances as `<repeat id>#n`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Mapping

from wtforms import Form, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms import widgets
from wtforms.fields.choices import SelectChoice

from . import piping
from .answers import MAX_TEXT, Cleaned, clean_answers, instances
from .model import (
    ACKNOWLEDGE,
    GEOPOINT,
    GEOPOINT_PARTS,
    MAX_INSTANCES,
    MORE_TYPES,
    OTHER,
    OTHER_SUFFIX,
    RANGE,
    RANK,
    TEXT_TYPES,
    Question,
    Questionnaire,
    Section,
    filter_text,
    instance_key,
    split_instance_key,
)

SPECIAL_SUFFIX = "/special"
#: Suffix of the posted field that says how many instances of a repeat the page shows.
COUNT_SUFFIX = "#n"


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        pass  # choices are checked by clean_answers, with a message in the user's language


class LenientRadioField(RadioField):
    def pre_validate(self, form):
        pass


@dataclass
class QuestionLayout:
    """How one question is rendered: its fields by role."""

    question: Question
    field: str | None = None
    other: str | None = None
    special: str | None = None
    rows: list[tuple[str, str]] | None = None  # (field name, item label)
    #: The question's key on the page (element ids, errors, relevance): its id, or its `instance_key`.
    key: str = ""
    #: A repeat: the layout of each instance's questions, instance 1 first.
    instances: list[list["QuestionLayout"]] | None = None
    #: A question inside a repeat: its instance number.
    number: int = 0

    def __post_init__(self):
        self.key = self.key or self.question.id


class SectionForm(Form):
    """Base class of built forms; `layout` lists the section's questions in order."""

    questionnaire: Questionnaire
    section: Section
    lang: str = "sv"
    layout: list[QuestionLayout] = []
    #: Broken constraints of this section after `validate_answers`: {constraint id: message}.
    rule_errors: dict[str, str] = {}
    #: The answers (and derived values) shown in place of ${section.question} in labels and help texts.
    piped: Mapping[str, Any] = {}
    #: Filtered questions whose earlier answer is on this page, by their key: see `offer_choices`.
    live_filters: dict[str, dict[str, Any]] = {}

    def question_text(self, q: Question) -> str:
        """The question's label in the form's language, earlier answers piped in (plain text: escape it)."""
        return piping.pipe(q.text(self.lang), self.questionnaire, self.piped, self.lang)

    def question_help(self, q: Question) -> str:
        return piping.pipe(q.help_text(self.lang), self.questionnaire, self.piped, self.lang)

    def offer_choices(self, answers: Mapping[str, Any]) -> None:
        """Narrow each filtered question to the choices its saved earlier answers offer.

        Only when every question a filter names is on an earlier page: one on this page may still change,
        so then all choices are shown and cleaning refuses a choice that does not fit. A chosen code stays
        shown, so that its error can be read and the choice changed. For those, `live_filters` tells the
        page's script what to compare, so that it can narrow the choices as the answers on the page change.
        """
        here = {q.id for q in self.section.questions} | {c.id for q in self.section.questions for c in q.questions}
        entries = [one for entry in self.layout for one in ([entry] if entry.instances is None
                                                            else [c for cs in entry.instances for c in cs])]
        self.live_filters = {}
        for entry in entries:
            q = entry.question
            if not q.filter or not entry.field:
                continue
            if here & set(q.filter.values()):
                self.live_filters[entry.key] = self._live_filter(entry, here, answers)
                continue
            field = self[entry.field]
            chosen = field.data if isinstance(field.data, list) else [field.data]
            offered = q.offered(answers.get) | {str(code) for code in chosen if code}
            field.choices = [c for c in field.choices if (c.value if hasattr(c, "value") else c[0]) in offered]

    def _live_filter(self, entry: QuestionLayout, here: set[str], answers: Mapping[str, Any]) -> dict[str, Any]:
        """What the page's script needs to narrow a filtered question whose earlier answer is on the same page.

        `sources`: per attribute, the field of the answer on this page (in the same instance for a question of
        the same repeat), or the text of a saved earlier page's answer; `choices`: each substantive choice's
        values of those attributes. Choices not listed ("other", don't know) are always offered.
        """
        q = entry.question
        sources = []
        for name, qid in q.filter.items():
            source = self.questionnaire.question(qid)
            if qid not in here:
                sources.append({"attribute": name, "value": filter_text(answers.get(qid))})
                continue
            repeat = self.questionnaire.repeat_of(qid)
            field = instance_key(repeat.id, entry.number, qid) if repeat is not None and entry.number else qid
            sources.append({"attribute": name, "field": field,
                            "number": bool(source and source.type in ("integer", "decimal", "year", "money"))})
        first = self.questionnaire.question(next(iter(q.filter.values())))
        return {"sources": sources, "source_text": first.text(self.lang) if first else "",
                "choices": {c.code: {name: c.attribute(name) for name in q.filter} for c in q.choices}}

    def rank_order(self, q: Question) -> list[str]:
        """A rank question's options in the order shown: as answered, else as written."""
        return rank_order(q, self[q.id].data)

    def rank_answered(self, q: Question) -> bool:
        return bool(self[q.id].data)

    def raw_values(self) -> dict[str, Any]:
        """The submitted values, keyed as `clean_answers` reads them; a repeat's as a list of instances."""
        raw: dict[str, Any] = {}
        for entry in self.layout:
            if entry.instances is not None:
                raw[entry.question.id] = [self._values(children) for children in entry.instances]
            else:
                raw.update(self._values([entry]))
        return raw

    def page_values(self) -> dict[str, list[str]]:
        """Each field's values as the page would post them (`app.js` compares them with what it shows)."""
        values: dict[str, list[str]] = {}
        for name, field in self._fields.items():
            data = field.data
            if isinstance(data, (list, tuple)):
                given = [str(v) for v in data if v not in (None, "")]
            else:
                given = [] if data in (None, "") else [str(data)]
            if given:
                values[name] = given
        return values

    def _values(self, entries: list[QuestionLayout]) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for entry in entries:
            q = entry.question
            if entry.rows:
                for name, _label in entry.rows:
                    raw[_field_key(name)] = self[name].data
            elif entry.field:
                raw[q.id] = self[entry.field].data
            if entry.other:
                raw[q.id + OTHER_SUFFIX] = self[entry.other].data
            if entry.special and self[entry.special].data:
                raw[q.id] = self[entry.special].data
        return raw

    def error_target(self, name: str) -> tuple[str, str]:
        """(element id, text) of the question an error summary line links to, for a field name or a rule id."""
        for entry in self.layout:
            for one in [entry, *(child for children in entry.instances or [] for child in children)]:
                names = [one.field, one.other, one.special, *(row for row, _label in one.rows or [])]
                if name == one.key or name in names:
                    text = one.question.text(self.lang)
                    if one.number:
                        text = f"{entry.question.instance_text(self.lang, one.number)}: {text}"
                    return f"q-{one.key}", text
        question = self.questionnaire.question(name.split("/")[0])
        return f"q-{name}", question.text(self.lang) if question else name

    def validate_answers(self, earlier: Mapping[str, Any] | None = None, *, partial: bool = False) -> Cleaned:
        """Clean this section's values in the context of earlier answers; put errors on fields."""
        merged = dict(earlier or {})
        own = {q.id for q in self.section.questions}
        for key in list(merged):
            if key.split("/")[0] in own:
                del merged[key]
        merged.update(self.raw_values())
        cleaned = clean_answers(self.questionnaire, merged, partial=partial, lang=self.lang)
        cleaned.errors = self.place_errors(cleaned)
        return cleaned

    def place_errors(self, cleaned: Cleaned) -> dict[str, str]:
        """Put the errors of this section's questions in `cleaned` on their fields (or `rule_errors`).

        Returns those errors; later sections are not answered yet, so their required questions are not
        this page's errors.
        """
        own = {q.id for q in self.section.questions}
        errors = {qid: error for qid, error in cleaned.errors.items() if qid.split("[")[0] in own}
        self.rule_errors = {}
        for entry in self.layout:
            children = [child for one in entry.instances or [] for child in one]
            for one in [entry, *children]:
                error = errors.get(one.key)
                if error:
                    name = one.field or (one.rows[0][0] if one.rows else None)
                    if name:
                        self[name].errors = [error]
                    elif one.question.derived or one.question.repeat:
                        self.rule_errors[one.key] = error
        return errors

    def question_errors(self) -> dict[str, str]:
        """{question key: message} of the questions whose own fields carry an error after `validate_answers`.

        The keys are those of the page's elements (`q-<key>`, `err-<key>`), so that the page's script can put
        an autosave's refusal beside its question as the server renders it; broken constraints are left out.
        """
        found = {}
        for entry in self.layout:
            for one in [entry, *(child for children in entry.instances or [] for child in children)]:
                name = one.field or (one.rows[0][0] if one.rows else None)
                if name and self[name].errors:
                    found[one.key] = self[name].errors[0]
        return found

    def section_errors(self) -> list[tuple[str, str]]:
        """(field name, message) for the error summary at the top of the page; a broken constraint by its id."""
        fields = [(name, error) for name, field in self._fields.items() for error in field.errors]
        return fields + list(self.rule_errors.items())


def _field_key(name: str) -> str:
    """The raw-value key of a field: its name, or for a field of an instance the name without the instance."""
    found = split_instance_key(name)
    return found[2] if found else name


def instance_counts(section: Section, data: Mapping[str, Any], posted: bool = False) -> dict[str, int]:
    """How many instances each repeat of the section has: in raw values, or as a page posted them (`#n`)."""
    counts: dict[str, int] = {}
    for question in section.questions:
        if not question.repeat:
            continue
        if posted:
            value = data.get(question.id + COUNT_SUFFIX)
            value = value[0] if isinstance(value, (list, tuple)) and value else value
            try:
                count = int(value) if value is not None else 0
            except (TypeError, ValueError):
                count = 0
        else:
            count = len(instances(question, data))
        counts[question.id] = min(max(count, 0), MAX_INSTANCES)
    return counts


def build_section_form(questionnaire: Questionnaire, section: Section | str, lang: str = "sv",
                       base: type[Form] = SectionForm, counts: Mapping[str, int] | None = None) -> type[SectionForm]:
    """Return a form class for one section, labels in `lang`; `counts` gives each repeat's number of instances."""
    if isinstance(section, str):
        section = next(s for s in questionnaire.sections if s.id == section)
    attrs: dict[str, Any] = {}
    layout: list[QuestionLayout] = []
    for question in section.questions:
        if question.metadata:  # recorded, never shown
            continue
        entry = QuestionLayout(question)
        if question.repeat:
            entry.instances = []
            for number in range(1, (counts or {}).get(question.id, 0) + 1):
                children = []
                for child in question.questions:
                    one = QuestionLayout(child, key=instance_key(question.id, number, child.id), number=number)
                    _add_fields(child, lang, attrs, one, prefix=(question.id, number))
                    children.append(one)
                entry.instances.append(children)
        else:
            _add_fields(question, lang, attrs, entry)
        layout.append(entry)
    attrs.update(questionnaire=questionnaire, section=section, lang=lang, layout=layout)
    bases = (base,) if issubclass(base, SectionForm) else (SectionForm, base)
    return type(f"Section_{section.id}", bases, attrs)


def _add_fields(q: Question, lang: str, attrs: dict[str, Any], entry: QuestionLayout,
                prefix: tuple[str, int] | None = None) -> None:
    if prefix is not None:  # a question of one instance of a repeat: the same fields, named by the instance
        own: dict[str, Any] = {}
        _add_fields(q, lang, own, entry)
        rename = functools.partial(instance_key, *prefix)
        attrs.update({rename(name): field for name, field in own.items()})
        for role in ("field", "other", "special"):
            if getattr(entry, role):
                setattr(entry, role, rename(getattr(entry, role)))
        if entry.rows:
            entry.rows = [(rename(name), label) for name, label in entry.rows]
        return
    label = q.text(lang)
    description = q.help_text(lang)
    choices = [SelectChoice(c.code, c.text(lang)) for c in q.all_choices()]
    if not q.answerable:  # a note, or a derived entry: shown, never answered
        return
    if q.type in MORE_TYPES:
        _add_more_fields(q, label, description, attrs, entry)
        return
    if q.type in ("single", "scale", "yesno"):
        attrs[q.id] = LenientRadioField(label, choices=choices, description=description, validate_choice=False)
        entry.field = q.id
    elif q.type == "multi":
        attrs[q.id] = CheckboxListField(label, choices=choices, description=description)
        entry.field = q.id
        if q.other:
            name = q.id + OTHER_SUFFIX
            attrs[name] = StringField(q.choice(OTHER).text(lang), render_kw={"maxlength": MAX_TEXT})
            entry.other = name
    elif q.type == "matrix":
        entry.rows = []
        for item in q.items:
            name = f"{q.id}/{item.code}"
            attrs[name] = LenientRadioField(item.text(lang), choices=choices, validate_choice=False)
            entry.rows.append((name, item.text(lang)))
    else:
        kwargs = {"description": description, "render_kw": _input_attrs(q)}
        field_class = TextAreaField if q.type == "longtext" else StringField
        attrs[q.id] = field_class(label, **kwargs)
        entry.field = q.id
        if q.special_codes:
            name = q.id + SPECIAL_SUFFIX
            specials = [SelectChoice(c.code, c.text(lang)) for c in q.all_choices() if c.code in q.special_codes]
            attrs[name] = LenientRadioField(label, choices=specials, validate_choice=False)
            entry.special = name


def _add_more_fields(q: Question, label: str, description: str, attrs: dict[str, Any],
                     entry: QuestionLayout) -> None:
    """A range (its number; the page adds the slider), a rank (codes in order), an acknowledge, a geopoint."""
    if q.type == GEOPOINT:
        entry.rows = []
        for part in GEOPOINT_PARTS:
            name = f"{q.id}/{part}"
            attrs[name] = StringField(part, render_kw={"inputmode": "decimal"})
            entry.rows.append((name, part))
        return
    if q.type == RANK:
        attrs[q.id] = CheckboxListField(label, choices=[SelectChoice(c.code, c.text("sv")) for c in q.choices],
                                        description=description)
    elif q.type == RANGE:
        attrs[q.id] = StringField(label, description=description, render_kw={"inputmode": "decimal"})
        if q.special_codes:
            name = q.id + SPECIAL_SUFFIX
            attrs[name] = LenientRadioField(label, choices=[SelectChoice(c.code, c.text("sv")) for c in q.all_choices()
                                                            if c.code in q.special_codes], validate_choice=False)
            entry.special = name
    elif q.type == ACKNOWLEDGE:
        attrs[q.id] = StringField(label, description=description)
    entry.field = q.id


def rank_order(q: Question, value: Any) -> list[str]:
    """The order a rank question is shown in: its answer, else the choices as written."""
    codes = [c.code for c in q.choices]
    given = [v for v in value if v in codes] if isinstance(value, list) else []
    return given + [code for code in codes if code not in given]


def apply_move(section: Section, values: dict[str, Any], move: str | None) -> str | None:
    """Move one option of a rank question up or down (`<question> <code> up|down`; `<question>` keeps the order).

    The up/down buttons of a rank question post the page with `move`; a move is an answer, so the
    question's order is put into `values`. Returns the id of the question moved, or None.
    """
    qid, _sep, rest = (move or "").partition(" ")
    code, _sep, direction = rest.partition(" ")
    question = next((q for q in section.questions if q.id == qid and q.type == RANK), None)
    if question is None:
        return None
    order = rank_order(question, values.get(qid))
    if code in order and direction in ("up", "down"):
        here = order.index(code)
        there = here - 1 if direction == "up" else here + 1
        if 0 <= there < len(order):
            order[here], order[there] = order[there], order[here]
    values[qid] = order
    return qid


def apply_rank_post(form: SectionForm, values: dict[str, Any], move: str | None, cleared: str | None) -> None:
    """A posted move of a rank option, or "clear the answer" of a rank question, in the values and the form."""
    moved = apply_move(form.section, values, move)
    if moved:
        form[moved].data = values[moved]
    if cleared and any(q.id == cleared and q.type == RANK for q in form.section.questions):
        values[cleared] = None
        form[cleared].data = None


def _input_attrs(q: Question) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if q.type in ("integer", "money", "year"):
        attrs["inputmode"] = "numeric"
    elif q.type == "decimal":
        attrs["inputmode"] = "decimal"
    elif q.type in ("time", "datetime"):
        attrs["type"] = "time" if q.type == "time" else "datetime-local"
    elif q.type == "date":
        attrs["type"] = "date"
        if q.min:
            attrs["min"] = q.min
        if q.max:
            attrs["max"] = q.max
    if q.type in TEXT_TYPES:
        # The limit cleaning applies (answers._clean_text), so that the browser stops typing where it does.
        attrs["maxlength"] = q.max_length or MAX_TEXT
    return attrs


def formdata_for(questionnaire: Questionnaire, section: Section, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Turn stored answers (or raw draft values) back into field data for display."""
    data: dict[str, Any] = {}
    for q in section.questions:
        if q.repeat:
            for number, given in enumerate(instances(q, answers), 1):
                own = _question_data(q.questions, given)
                data.update({instance_key(q.id, number, name): value for name, value in own.items()})
        else:
            data.update(_question_data([q], answers))
    return data


def _question_data(questions: list[Question], answers: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for q in questions:
        value = answers.get(q.id)
        if q.type == "matrix":
            for item in q.items:
                row = value.get(item.code) if isinstance(value, dict) else answers.get(f"{q.id}/{item.code}")
                if row is not None:
                    data[f"{q.id}/{item.code}"] = row
        elif q.type == "multi":
            if value is not None:
                data[q.id] = value if isinstance(value, list) else [value]
            if answers.get(q.id + OTHER_SUFFIX) is not None:
                data[q.id + OTHER_SUFFIX] = answers[q.id + OTHER_SUFFIX]
        elif q.type == GEOPOINT:
            for part in GEOPOINT_PARTS:
                given = value.get(part) if isinstance(value, dict) else answers.get(f"{q.id}/{part}")
                if given is not None:
                    data[f"{q.id}/{part}"] = given
        elif value is not None:
            if q.type not in ("single", "scale", "yesno") and value in q.special_codes:
                data[q.id + SPECIAL_SUFFIX] = value
            else:
                data[q.id] = value
        if q.type not in ("single", "scale", "yesno", "multi", "matrix") and answers.get(q.id + SPECIAL_SUFFIX):
            data[q.id + SPECIAL_SUFFIX] = answers[q.id + SPECIAL_SUFFIX]
    return data
