"""The seeds' own figures for three questionnaires, beside the per-question tables.

A registry keyed by questionnaire id, rather than a `measures:` key in the definition: each
measure reads particular questions of its questionnaire and follows rules written in a seed
(NAD's compensation rules, the contact log's quarters), which a declaration would either have
to spell out as a small language of its own or only name. Question ids are stable across
versions, so a measure works for every stored version; one whose questions are missing from
the export (a store without the version that has them) is left out with a note.

- `smak-kontaktlogg`: answers to assignment requests per county and quarter, days from request
  to answer, reasons for no (`contacts`).
- `nad-aktivitet`: the rule check per report and a summary per county hub (`nad`).
- `smak-kostnader`: costs and compensation per municipality and year, per county and year (`costs`).
- `sthlm-uppfoljning`: Stockholm's districts per period, the city's trend and year to date against
  the year's volumes, a summary for the City Executive Board (`sthlm`).
"""

from __future__ import annotations

import pandas as pd

from ..labels import gettext
from ..schema import Schema
from . import contacts, costs, nad, sthlm
from .model import Context, Measure, MeasureColumn, MeasureTable

__all__ = ["MEASURES", "Measure", "MeasureColumn", "MeasureTable", "build_measures"]

MEASURES = {
    "smak-kontaktlogg": contacts.SPEC,
    "nad-aktivitet": nad.SPEC,
    "smak-kostnader": costs.SPEC,
    "sthlm-uppfoljning": sthlm.SPEC,
}


def build_measures(frame: pd.DataFrame, schema: Schema, lang: str) -> list[Measure]:
    """The measures of the report's questionnaire (none for most), computed over its frame."""
    spec = MEASURES.get(schema.questionnaire.id)
    if spec is None:
        return []
    lacking = [key for key in spec.needs if key not in frame.columns]
    if lacking:
        schema.warnings.append(gettext("The questionnaire's own figures are left out: the export lacks %(columns)s.",
                                       lang, columns=", ".join(lacking)))
        return []
    return [spec.build(Context(frame, schema, lang))]
