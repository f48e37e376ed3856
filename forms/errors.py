"""The one base class of fieldkit's domain errors: what the person should read, and the HTTP status it maps to.

Every package raises subclasses of `FieldkitError` for problems a user can act on; the
adaptors map the base class once: the command line prints `Error: <message>` and exits 1,
the web app answers with `status` (a page, or JSON for API clients). `reason`, where set,
is a short machine-readable code for API clients.
"""

from __future__ import annotations


class FieldkitError(Exception):
    """A problem a person can act on; `str(error)` says what and where."""

    #: The HTTP status the web adaptor answers with.
    status: int = 400
    #: A short code for API clients (e.g. `unknown_device`); None when the status says enough.
    reason: str | None = None

    def text(self, lang: str) -> str:
        """The message in `lang` ("sv" or "en"), for errors that carry their text untranslated; else `str()`."""
        return str(self)
