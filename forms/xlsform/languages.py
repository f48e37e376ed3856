"""Language columns: `label::English (en)`, `label::English`, `label:english` -> codes, and back."""

from __future__ import annotations

import re
import unicodedata

#: Names seen in XLSForm language columns, folded to lowercase ASCII, and their codes.
NAME_CODES = {
    "svenska": "sv", "swedish": "sv", "english": "en", "engelska": "en",
    "arabic": "ar", "chinese": "zh", "danish": "da", "dari": "prs", "finnish": "fi",
    "french": "fr", "german": "de", "kurdish": "ku", "norwegian": "no", "persian": "fa",
    "farsi": "fa", "portuguese": "pt", "russian": "ru", "somali": "so", "spanish": "es",
    "swahili": "sw", "tetun": "tet", "tigrinya": "ti", "ukrainian": "uk",
}
#: Names written into exported column headers: `label::Svenska (sv)`.
CODE_NAMES = {
    "sv": "Svenska", "en": "English", "ar": "العربية", "da": "Dansk", "de": "Deutsch",
    "es": "Español", "fa": "فارسی", "fi": "Suomi", "fr": "Français", "no": "Norsk",
    "so": "Soomaali", "ti": "ትግርኛ", "uk": "Українська",
}

_CODE_IN_PARENS = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\s*\)\s*$")
_BARE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")


def fold(text: str) -> str:
    """Lowercase ASCII form: "Père" -> "pere"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def language_code(tag: str) -> str:
    """The fieldkit language code for an XLSForm language tag.

    `English (en)` -> en (the code in parentheses wins); `English`, `english`
    -> en; `EN` -> en; an unknown name becomes its lowercase letters
    (`Tetun Dili` -> tetundili).
    """
    tag = " ".join(tag.split())
    match = _CODE_IN_PARENS.search(tag)
    if match:
        return match.group(1).lower().replace("_", "-")
    name = fold(tag)
    if name in NAME_CODES:
        return NAME_CODES[name]
    if _BARE_CODE.match(tag):
        return tag.lower().replace("_", "-")
    return re.sub(r"[^a-z0-9]", "", name) or "und"


def language_tag(code: str) -> str:
    """The column tag written on export: sv -> `Svenska (sv)`."""
    return f"{CODE_NAMES.get(code, code)} ({code})"
