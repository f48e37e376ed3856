"""Writing an export file whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable


def write_text_atomically(path: str | os.PathLike, pieces: Iterable[str]) -> Path:
    """Write `pieces` to `path` through a temporary file beside it, so a failure leaves no half file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            for piece in pieces:
                fh.write(piece)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
