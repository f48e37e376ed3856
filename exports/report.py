"""Build a report: check the filter, load the submissions, aggregate every question."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sync import audit, store
from sync.selection import EVERYTHING, Scope

from .aggregate import (
    Group,
    ResponseRate,
    SectionResult,
    groups_of,
    question_tables,
    response_rate,
)
from .filters import LOCAL_TZ, ExportFilter, FilterError, check_filter, within
from .frame import Progress, load_frame
from .labels import LANGUAGES, gettext, ngettext
from .measures import Measure, build_measures
from .schema import Schema, build_schema
from .survey import Missing, answered, expected, missing, one_per_municipality


@dataclass
class Report:
    """Everything the workbook, the CSV files and the web page show for one filter."""

    filter: ExportFilter
    lang: str
    schema: Schema
    frame: pd.DataFrame
    groups: list[Group]
    sections: list[SectionResult]
    response: ResponseRate
    exported_at: datetime.datetime
    version_counts: dict[str, int] = field(default_factory=dict)
    include_personal: bool = True
    #: With `unit: municipality`: the submissions that do not count (an earlier interview of the same municipality).
    duplicates: pd.DataFrame | None = None
    #: Expected municipalities without a completed submission.
    missing: list[Missing] = field(default_factory=list)
    #: The questionnaire's own figures (contact log, NAD rules, costs per year): see exports/measures.
    measures: list[Measure] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return self.schema.questionnaire.unit

    @property
    def n(self) -> int:
        return len(self.frame)

    @property
    def title(self) -> str:
        return self.schema.questionnaire.text(self.lang)

    def gettext(self, message: str, **params: Any) -> str:
        """The export's text `message` in the report's language."""
        return gettext(message, self.lang, **params)

    def ngettext(self, singular: str, plural: str, n: int, **params: Any) -> str:
        return ngettext(singular, plural, n, self.lang, **params)


def questionnaire_ids(db) -> list[str]:
    return [row["id"] for row in store.list_questionnaires(db)]


def load_schema(db, questionnaire_id: str, include_personal: bool = True) -> tuple[Schema, list[str]]:
    """The merged schema of every stored version, and the versions oldest first."""
    versions = [row[0] for row in db.execute("select version from questionnaires where id = ?", [questionnaire_id])]
    versions.sort(key=store.version_key)
    definitions = [store.get_questionnaire(db, questionnaire_id, v) for v in reversed(versions)]
    return build_schema(definitions, include_personal), versions


def build_report(db, flt: ExportFilter, lang: str = "sv", progress: Progress | None = None, *,
                 include_personal: bool = True, scope: Scope = EVERYTHING) -> Report:
    """Check `flt` (FilterError lists valid choices), load its submissions within the scope and aggregate them.

    `include_personal=False` leaves out questions marked personal; a scope without personal
    answers always does. A county user's scope replaces the filter's counties with their own.
    """
    if lang not in LANGUAGES:
        raise FilterError(f"unknown language {lang!r}; valid choices: {', '.join(LANGUAGES)}")
    flt = within(check_filter(flt, questionnaire_ids(db)), scope)
    include_personal = include_personal and scope.personal
    schema, versions = load_schema(db, flt.questionnaire, include_personal)
    frame = load_frame(db, schema, flt, progress, scope)
    duplicates = None
    if schema.questionnaire.unit == "municipality":
        frame, duplicates = one_per_municipality(db, flt, frame, scope)
    in_frame = expected(flt, schema.questionnaire)
    groups, g = groups_of(frame, gettext("Total", lang))
    sections = question_tables(frame, schema, groups, g)
    counts = frame["version"].value_counts() if len(frame) else pd.Series(dtype=int)
    version_counts = {v: int(counts.get(v, 0)) for v in versions}
    now = datetime.datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0)
    done = answered(db, flt, scope)
    return Report(flt, lang, schema, frame, groups, sections, response_rate(in_frame, done, gettext("Total", lang)),
                  now, version_counts, include_personal, duplicates, missing(db, flt, in_frame, done, scope),
                  measures=build_measures(frame, schema, lang))


def export_report(db, flt: ExportFilter, fmt: str, *, actor: str | None, lang: str = "sv",
                  include_personal: bool = False, scope: Scope = EVERYTHING, address: str | None = None,
                  progress: Progress | None = None) -> Report:
    """`build_report` for a download in format `fmt` (xlsx, csv, csv-long), recorded in the audit log.

    The entry names the filter, the format, whether personal answers were included and how many
    submissions went out; it never holds answers.
    """
    report = build_report(db, flt, lang, progress, include_personal=include_personal, scope=scope)
    audit.record(db, actor, "export", {"format": fmt, **report.filter.describe(),
                                       "include_personal": report.include_personal, "submissions": report.n},
                 target=report.filter.questionnaire, address=address)
    return report
