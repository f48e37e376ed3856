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
- `smak-uppfoljning`: the follow-up calls per conference, and places promised against the contact log
  (`followup`).
- `sthlm-uppfoljning`: Stockholm's districts per period, the city's trend and year to date against
  the year's volumes, a summary for the City Executive Board (`sthlm`).
"""

from __future__ import annotations

import pandas as pd

from forms.catalogues import N_
from forms.formatting import DASH

from ..labels import Message, gettext
from ..schema import Schema
from ..suppression import Suppression
from . import contacts, costs, followup, nad, sthlm
from .model import Context, Measure, MeasureColumn, MeasureTable

__all__ = ["MEASURES", "Measure", "MeasureColumn", "MeasureTable", "build_measures"]

MEASURES = {
    "smak-kontaktlogg": contacts.SPEC,
    "nad-aktivitet": nad.SPEC,
    "smak-kostnader": costs.SPEC,
    "smak-uppfoljning": followup.SPEC,
    "sthlm-uppfoljning": sthlm.SPEC,
}


def build_measures(frame: pd.DataFrame, schema: Schema, lang: str, *, related=None,
                   invited: list | None = None, suppression: Suppression = Suppression()) -> list[Measure]:
    """The measures of the report's questionnaire (none for most), computed over its frame.

    `related(questionnaire_id)` loads another questionnaire's submissions for a measure that compares
    two; `invited` is the survey's frame of municipalities. With `suppression` active, small counts
    are hidden as in the question tables (see `suppressed`).
    """
    spec = MEASURES.get(schema.questionnaire.id)
    if spec is None:
        return []
    lacking = [key for key in spec.needs if key not in frame.columns]
    if lacking:
        schema.warnings.append(Message(N_("The questionnaire's own figures are left out: the export lacks "
                                          "%(columns)s."), {"columns": ", ".join(lacking)}))
        return []
    measure = spec.build(Context(frame, schema, lang, related=related, invited=invited))
    return [suppressed(measure, suppression, lang)] if suppression.active else [measure]


#: Columns computed from a row's counts: hidden with them.
FIGURES = ("pct", "dec", "sek")


def suppressed(measure: Measure, suppression: Suppression, lang: str) -> Measure:
    """The measure with small counts hidden: a count from 1 to min_count - 1 shows as "<5", and every
    share, median and amount of its row as a dash (a row's figures rest on its counts; hiding them
    all is more than needed, never less). A listing (a row per submission) is left out whole.
    """
    for table in measure.tables:
        if table.listing:
            table.rows, table.strong = [], []
            table.note = gettext("Left out: small numbers are hidden, and this list has a row per submission.", lang)
            continue
        counts = [i for i, col in enumerate(table.columns) if col.kind == "int"]
        figures = [i for i, col in enumerate(table.columns) if col.kind in FIGURES]
        for row in table.rows:
            hidden = [i for i in counts if row[i] is not None and suppression.hidden([row[i]])[0]]
            for i in hidden:
                row[i] = suppression.marker
            if hidden:
                for i in figures:
                    if row[i] is not None:
                        row[i] = DASH
    measure.note = " ".join(filter(None, [measure.note, gettext(
        "Small numbers are hidden: counts from 1 to %(below)s show as %(marker)s, and the shares, medians "
        "and amounts of their row as –.", lang, below=suppression.min_count - 1, marker=suppression.marker)]))
    return measure
