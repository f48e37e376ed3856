"""The exports' own words (sheet names, headers, notes) in Swedish and English.

They are gettext messages written in English, translated in exports/locale.
The library never imports Flask, so it cannot use Flask-Babel: it looks its
texts up with an explicit language, through forms' Flask-free catalogues.
"""

from __future__ import annotations

from pathlib import Path

from forms.catalogues import LANGUAGES, Catalogue

__all__ = ["LANGUAGES", "CATALOGUE", "gettext", "ngettext"]

CATALOGUE = Catalogue(Path(__file__).resolve().parent / "locale", "exports")


def gettext(message: str, lang: str = "sv", **params: object) -> str:
    """The text `message` in `lang` (Swedish for an unknown language), formatted with params."""
    return CATALOGUE.gettext(message, lang, **params)


def ngettext(singular: str, plural: str, n: int, lang: str = "sv", **params: object) -> str:
    """The form of a counted text that fits `n`, in `lang`."""
    return CATALOGUE.ngettext(singular, plural, n, lang, **params)
