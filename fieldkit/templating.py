"""Helpers the templates call."""

from __future__ import annotations


def field_choices(field) -> list[tuple[str, str]]:
    """(value, label) of a WTForms choice field, whether it holds SelectChoice objects or tuples."""
    pairs = []
    for choice in field.choices or []:
        if isinstance(choice, tuple):
            pairs.append((choice[0], choice[1]))
        else:
            pairs.append((choice.value, choice.label))
    return pairs
