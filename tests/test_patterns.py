"""Answer patterns with Unicode classes (`\\p{L}`), as XLSForms, ODK and the browser write them."""

from __future__ import annotations

import re

import pytest

from forms.loader import DefinitionError, from_dict
from forms.patterns import fullmatch, to_python


@pytest.mark.parametrize("pattern, text, expected", [
    (r"\p{L}+", "Åsa", True),
    (r"\p{L}+", "Åsa1", False),
    (r"[\p{L} '-]+", "Jean-Luc O'Øre", True),
    (r"[\p{L} '-]+", "Jean_Luc", False),
    (r"\p{Lu}\p{Ll}+", "Élise", True),
    (r"\p{Lu}\p{Ll}+", "élise", False),
    (r"\P{N}+", "abc", True),
    (r"\P{N}+", "a1c", False),
    (r"\p{N}{6}", "١٢٣٤٥٦", True),  # Arabic-Indic digits are numbers too
    (r"\\p\{L\}", "\\p{L}", True),  # an escaped backslash is no class
    (r"[0-9]{6}", "901234", True),
])
def test_unicode_classes_match_as_in_odk(pattern, text, expected):
    assert fullmatch(pattern, text) is expected


def test_a_pattern_without_classes_is_left_as_it_is():
    assert to_python(r"^[^@\s]+@[^@\s]+\.[^@\s]+$") == r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def definition(pattern):
    return {"id": "p", "version": "1", "title": {"sv": "P"}, "languages": ["sv"], "sections": [
        {"id": "s", "title": {"sv": "S"}, "questions": [
            {"id": "namn", "type": "text", "label": {"sv": "Namn"}, "pattern": pattern}]}]}


def test_the_loader_takes_unicode_classes_and_refuses_spellings_the_browser_cannot_read():
    assert from_dict(definition(r"\p{L}+"), "p.yaml").question("s.namn").pattern == r"\p{L}+"
    for pattern, why in [(r"\pL+", r"bad Unicode class at '\\pL+': write \p{L}, \p{Lu}, \p{N}... at position 0"),
                         (r"\p{Xx}", r"unknown Unicode category 'Xx' in \p{Xx}"),
                         (r"[\P{L}]", r"\P{L} inside [...] is not supported at position 1")]:
        with pytest.raises(DefinitionError) as caught:
            from_dict(definition(pattern), "p.yaml")
        assert [p.message for p in caught.value.problems] == [
            f"pattern of 's.namn' is not a valid regular expression: {why}"], pattern
    with pytest.raises(re.error):
        to_python(r"\p{")
