"""The exports' own words (sheet names, headers, notes) in Swedish and English.

They are gettext messages written in English, translated in exports/locale.
The library never imports Flask, so it cannot use Flask-Babel: it looks its
texts up with an explicit language, through forms' Flask-free catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forms.catalogues import LANGUAGES, Catalogue

__all__ = ["LANGUAGES", "CATALOGUE", "Message", "gettext", "ngettext"]

CATALOGUE = Catalogue(Path(__file__).resolve().parent / "locale", "exports")


def gettext(message: str, lang: str = "sv", **params: object) -> str:
    """The text `message` in `lang` (Swedish for an unknown language), formatted with params."""
    return CATALOGUE.gettext(message, lang, **params)


def ngettext(singular: str, plural: str, n: int, lang: str = "sv", **params: object) -> str:
    """The form of a counted text that fits `n`, in `lang`."""
    return CATALOGUE.ngettext(singular, plural, n, lang, **params)


@dataclass(frozen=True)
class Message:
    """A text for people kept as its English msgid and parameters, put into a language where it is shown.

    Errors and warnings are made before anyone knows who reads them (a page in Swedish, a command
    run with --lang en): they carry a Message, and the adaptor calls `text(lang)`. `str()` is the
    English text, for logs and API clients.
    """

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The message in `lang`."""
        return gettext(self.msgid, lang, **self.params)

    def __str__(self) -> str:
        return self.msgid % self.params if self.params else self.msgid
