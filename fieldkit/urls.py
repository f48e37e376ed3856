"""Which redirect targets taken from a request are safe: paths on this site only."""

from __future__ import annotations

import re
from urllib.parse import urlparse

# Browsers drop tabs and newlines in URLs and read a backslash as a slash, so "/\t/evil" or "/\\evil"
# would leave the site: any of them makes a target unsafe.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def local_target(target: str | None) -> str | None:
    """`target` if it is a path on this site ("/intervjuer?x=1"), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or _UNSAFE.search(target):
        return None
    parsed = urlparse(target)
    return None if parsed.scheme or parsed.netloc else target
