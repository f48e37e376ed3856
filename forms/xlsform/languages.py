"""Language columns: `label::English (en)`, `label::Français`, `label:english` -> codes and names, and back.

ODK and pyxform spell a language `Name (code)`, the code an IANA subtag
(`label::Español (es)`); pyxform warns about a name without one. A column
that gives only a name keeps that name, and its code is looked up: our own
table first, then Babel's language names (in English, Swedish and each
language's own: `Français` -> fr, `Kiswahili` -> sw); a name no table knows
gets a slug of its letters as code (`Tetun Dili` -> tetundili).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

#: Names seen in XLSForm language columns, folded to lowercase ASCII, and their codes (before Babel's tables).
NAME_CODES = {
    "svenska": "sv", "swedish": "sv", "english": "en", "engelska": "en",
    "arabic": "ar", "chinese": "zh", "danish": "da", "dari": "prs", "finnish": "fi",
    "french": "fr", "german": "de", "kurdish": "ku", "norwegian": "no", "persian": "fa",
    "farsi": "fa", "portuguese": "pt", "russian": "ru", "somali": "so", "spanish": "es",
    "swahili": "sw", "tetun": "tet", "tigrinya": "ti", "ukrainian": "uk",
}
#: Names written into exported column headers: `label::Svenska (sv)`; other codes get Babel's own name.
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


def split_tag(tag: str) -> tuple[str, str | None]:
    """(code, name) of an XLSForm language tag; the name is None when the tag is only a code.

    `English (en)` -> (en, English): the code in parentheses wins; `Français`
    -> (fr, Français); `EN` -> (en, None); `Tetun Dili` -> (tetundili, Tetun Dili).
    """
    tag = " ".join(tag.split())
    match = _CODE_IN_PARENS.search(tag)
    if match:
        return match.group(1).lower().replace("_", "-"), tag[:match.start()].strip() or None
    name = fold(tag)
    if name in NAME_CODES:
        return NAME_CODES[name], tag
    if _BARE_CODE.match(tag):
        return tag.lower().replace("_", "-"), None
    return _babel_codes().get(name) or _slug(tag), tag


def language_code(tag: str) -> str:
    """The fieldkit language code for an XLSForm language tag (see `split_tag`)."""
    return split_tag(tag)[0]


def default_name(code: str) -> str:
    """The name the export writes for a code without one of its own: ours, else the language's own (Babel's)."""
    if code in CODE_NAMES:
        return CODE_NAMES[code]
    try:
        locale = Locale.parse(code, sep="-")
    except (ValueError, UnknownLocaleError):
        return code
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:]


def language_tag(code: str, name: str | None = None) -> str:
    """The column tag written on export, which the import reads back as the same code and name.

    `Svenska (sv)`, `Français (fr)` as ODK spells them; a code that is not a
    language code (a slug made of a name) is written as that name alone.
    """
    name = name or default_name(code)
    if _BARE_CODE.match(code) and name != code:
        return f"{name} ({code})"
    if split_tag(name) == (code, name):
        return name
    return code


def _slug(tag: str) -> str:
    """The code of a name no table knows: its ASCII letters and digits, else a stable private-use code."""
    slug = re.sub(r"[^a-z0-9]", "", fold(tag))
    if slug:
        return slug
    return "x-" + hashlib.sha1(tag.encode("utf-8")).hexdigest()[:8]


@lru_cache(maxsize=1)
def _babel_codes() -> dict[str, str]:
    """Folded language names -> codes from Babel: in English, in Swedish, and each language's own.

    Built once (about half a second), only when a column names a language our table does not know.
    A two-letter (ISO 639-1) code wins over a longer one with the same name.
    """
    found: dict[str, str] = {}

    def add(name: str | None, code: str) -> None:
        if not name or "_" in code or code in ("root", "und"):
            return
        key = fold(name)
        if key not in found or (len(code) == 2 and len(found[key]) != 2):
            found[key] = code

    for lang in ("en", "sv"):
        for code, name in Locale(lang).languages.items():
            add(name, code)
    for code in locale_identifiers():
        if "_" not in code and code != "root":
            add(Locale.parse(code).languages.get(code), code)
    return found


def describe(codes: list[str], names: dict[str, str] | None = None) -> str:
    """The languages as a person reads them: `Français (fr), English (en)`."""
    names = names or {}
    return ", ".join(f"{names.get(code) or default_name(code)} ({code})" for code in codes)
