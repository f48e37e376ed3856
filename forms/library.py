"""The form library shipped with fieldkit (package data under forms/library/)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .loader import load
from .model import Questionnaire

SHIPPED = (
    "kub-webbenkat",
    "kub-intervju",
    "smak-lanskartlaggning",
    "smak-kostnader",
    "smak-kontaktlogg",
    "nad-aktivitet",
    "smak-kvartal",
    "nad-deltagarenkat",
    "smak-uppfoljning",
    "sthlm-uppfoljning",
)


def library_dir() -> Path:
    return Path(str(resources.files("forms").joinpath("library")))


def library_files() -> list[Path]:
    """Every definition file in the library, sorted by name."""
    return sorted(library_dir().glob("*.yaml"))


def load_library() -> list[Questionnaire]:
    """Load every shipped questionnaire; a broken one raises DefinitionError."""
    return [load(path) for path in library_files()]
