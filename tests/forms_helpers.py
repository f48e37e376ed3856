"""Small builders for questionnaire tests: the test still writes its questions inline."""

from __future__ import annotations

from typing import Any

from forms import Questionnaire, from_dict


def make_questionnaire(*questions: dict[str, Any], sections: list[dict] | None = None, **top: Any) -> Questionnaire:
    """Build a checked questionnaire; bare questions go into one section with id `s` (ids `s.<id>`)."""
    if sections is None:
        sections = [section("s", *questions)]
    data = {"id": "test", "version": "1", "title": {"sv": "Test", "en": "Test"}, "sections": sections}
    data.update(top)
    return from_dict(data)


def section(sid: str, *questions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A section as definition data, e.g. `section("b", q, relevant="a.x == 'ja'")`."""
    return {"id": sid, "title": {"sv": sid.upper(), "en": sid.upper()}, "questions": list(questions), **extra}


def choices(*codes: str) -> list[dict[str, Any]]:
    """A choice list whose labels are the codes, in both languages."""
    return [{"code": code, "label": {"sv": code, "en": code}} for code in codes]
