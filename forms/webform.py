"""Build WTForms form classes from a questionnaire section.

The form renders and carries per-field errors; the decision of what is a
valid answer stays in `answers.clean_answers`, so the web and every other
path agree. CSRF is the web app's business (Flask-WTF's CSRFProtect).

Field names: the question id; `<id>/annat` for the "other" text of a multi
question; `<id>/<item>` for each matrix row; `<id>/special` for the
don't-know / not-applicable choice of a question that is not a choice list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from wtforms import Form, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms import widgets
from wtforms.fields.choices import SelectChoice

from .answers import Cleaned, clean_answers
from .model import OTHER, OTHER_SUFFIX, Question, Questionnaire, Section

SPECIAL_SUFFIX = "/special"


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


class SectionForm(Form):
    """Base class of built forms; `layout` lists the section's questions in order."""

    questionnaire: Questionnaire
    section: Section
    lang: str = "sv"
    layout: list[QuestionLayout] = []
    #: Broken constraints of this section after `validate_answers`: {constraint id: message}.
    rule_errors: dict[str, str] = {}

    def raw_values(self) -> dict[str, Any]:
        """The submitted values, keyed as `clean_answers` reads them."""
        raw: dict[str, Any] = {}
        for entry in self.layout:
            q = entry.question
            if entry.rows:
                for name, _label in entry.rows:
                    raw[name] = self[name].data
            elif entry.field:
                raw[q.id] = self[entry.field].data
            if entry.other:
                raw[q.id + OTHER_SUFFIX] = self[entry.other].data
            if entry.special and self[entry.special].data:
                raw[q.id] = self[entry.special].data
        return raw

    def validate_answers(self, earlier: Mapping[str, Any] | None = None, *, partial: bool = False) -> Cleaned:
        """Clean this section's values in the context of earlier answers; put errors on fields."""
        merged = dict(earlier or {})
        own = {q.id for q in self.section.questions}
        for key in list(merged):
            if key.split("/")[0] in own:
                del merged[key]
        merged.update(self.raw_values())
        cleaned = clean_answers(self.questionnaire, merged, partial=partial, lang=self.lang)
        # Later sections are not answered yet: their required questions are not this page's errors.
        cleaned.errors = {qid: error for qid, error in cleaned.errors.items() if qid in own}
        self.rule_errors = {}
        for entry in self.layout:
            error = cleaned.errors.get(entry.question.id)
            if error:
                name = entry.field or (entry.rows[0][0] if entry.rows else None)
                if name:
                    self[name].errors = [error]
                elif entry.question.derived:
                    self.rule_errors[entry.question.id] = error
        return cleaned

    def section_errors(self) -> list[tuple[str, str]]:
        """(field name, message) for the error summary at the top of the page; a broken constraint by its id."""
        fields = [(name, error) for name, field in self._fields.items() for error in field.errors]
        return fields + list(self.rule_errors.items())


def build_section_form(questionnaire: Questionnaire, section: Section | str, lang: str = "sv",
                       base: type[Form] = SectionForm) -> type[SectionForm]:
    """Return a form class for one section, labels in `lang`."""
    if isinstance(section, str):
        section = next(s for s in questionnaire.sections if s.id == section)
    attrs: dict[str, Any] = {}
    layout: list[QuestionLayout] = []
    for question in section.questions:
        if question.metadata:  # recorded, never shown
            continue
        entry = QuestionLayout(question)
        _add_fields(question, lang, attrs, entry)
        layout.append(entry)
    attrs.update(questionnaire=questionnaire, section=section, lang=lang, layout=layout)
    bases = (base,) if issubclass(base, SectionForm) else (SectionForm, base)
    return type(f"Section_{section.id}", bases, attrs)


def _add_fields(q: Question, lang: str, attrs: dict[str, Any], entry: QuestionLayout) -> None:
    label = q.text(lang)
    description = q.help_text(lang)
    choices = [SelectChoice(c.code, c.text(lang)) for c in q.all_choices()]
    if not q.answerable:  # a note, or a derived entry: shown, never answered
        return
    if q.type in ("single", "scale", "yesno"):
        attrs[q.id] = LenientRadioField(label, choices=choices, description=description, validate_choice=False)
        entry.field = q.id
    elif q.type == "multi":
        attrs[q.id] = CheckboxListField(label, choices=choices, description=description)
        entry.field = q.id
        if q.other:
            name = q.id + OTHER_SUFFIX
            attrs[name] = StringField(q.choice(OTHER).text(lang))
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
    if q.max_length:
        attrs["maxlength"] = q.max_length
    return attrs


def formdata_for(questionnaire: Questionnaire, section: Section, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Turn stored answers (or raw draft values) back into field data for display."""
    data: dict[str, Any] = {}
    for q in section.questions:
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
        elif value is not None:
            if q.type not in ("single", "scale", "yesno") and value in q.special_codes:
                data[q.id + SPECIAL_SUFFIX] = value
            else:
                data[q.id] = value
        if q.type not in ("single", "scale", "yesno", "multi", "matrix") and answers.get(q.id + SPECIAL_SUFFIX):
            data[q.id + SPECIAL_SUFFIX] = answers[q.id + SPECIAL_SUFFIX]
    return data
