"""Gettext catalogues read from a package's .po files and compiled in memory, without Flask.

Each package that shows text keeps its catalogue beside its code:
`<package>/locale/<domain>.pot` (extracted by pybabel) and
`<package>/locale/<lang>/LC_MESSAGES/<domain>.po` for Swedish and English. The
.po files are the only committed form: a `Catalogue` compiles one on first use
(babel.messages, into memory), so a fresh clone, an editable install and a
built wheel all work without a compile step and without write access to the
package. Untranslated and fuzzy entries fall back to the English msgid.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

#: The languages every catalogue has; Swedish is the default and the fallback.
LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"


def N_(message: str) -> str:
    """Mark `message` for extraction where it is defined; it is translated where it is shown."""
    return message


class Catalogue:
    """One package's texts: gettext and ngettext with an explicit language."""

    def __init__(self, directory: str | Path, domain: str):
        self.directory = Path(directory)
        self.domain = domain

    def po_path(self, lang: str) -> Path:
        return self.directory / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def translations(self, lang: str) -> Translations:
        """The compiled translations for `lang` (Swedish for a language without a catalogue)."""
        return _compiled(str(self.po_path(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)), self.domain)

    def gettext(self, message: str, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
        """`message` in `lang`, %-formatted with params when there are any (as Flask-Babel does)."""
        text = self.translations(lang).gettext(message)
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, n: int, lang: str = DEFAULT_LANGUAGE, **params: Any) -> str:
        """The form of the message that fits the count `n`; `%(num)s` is `n` unless params give it."""
        params.setdefault("num", n)
        return self.translations(lang).ngettext(singular, plural, n) % params


@functools.lru_cache(maxsize=None)
def _compiled(po_path: str, domain: str) -> Translations:
    with open(po_path, "rb") as fh:
        catalog = read_po(fh, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt does
    buffer.seek(0)
    return Translations(buffer, domain=domain)
