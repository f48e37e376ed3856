"""Build a report: check the filter, load the submissions, aggregate every question."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from forms.catalogues import N_
from forms.model import Round
from sync import audit, store
from sync.selection import EVERYTHING, Scope

from .aggregate import (
    ChoiceTable,
    Group,
    MatrixTable,
    ResponseRate,
    SectionResult,
    ValueTable,
    question_tables,
    response_rate,
)
from .country import align_all, compares_with_country, country_tables, interleaved, with_country
from .filters import LOCAL_TZ, ExportFilter, FilterError, check_filter, within
from .frame import Progress, load_frame
from .grouping import check_options, cross_table, default_grouping, groups_by, header, in_total
from .labels import LANGUAGES, gettext, ngettext
from .measures import Measure, build_measures
from .measures.model import Context
from .protected import ChoiceCells, ValueCells, choice_cells, summary_cells, value_cells
from .rounds import round_of, with_round
from .repeats import Instances, load_instances
from .schema import Schema, build_schema
from .suppression import Suppression
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
    #: What the first column of the tables names: "Län", or the question the tables are grouped by.
    group_header: str = ""
    #: The cross-table of `filter.tables.cross` (rows: the first question's answers), if asked for.
    cross: ChoiceTable | None = None
    #: When the export covers part of the country: the whole country's tables by key (see `exports.country`).
    country: dict[str, Any] = field(default_factory=dict)

    @property
    def suppression(self) -> Suppression:
        return Suppression(self.filter.tables.min_count)

    def hide(self, question: Any = None) -> Suppression:
        """The suppression of a table of `question`: a sensitive question's small counts are always hidden."""
        return Suppression.of(self.filter.tables.min_count, question)

    def note_sensitive(self, question: Any) -> str:
        """What a sensitive question's table says about itself; empty for any other question."""
        if not getattr(question, "sensitive", False):
            return ""
        hide = self.hide(question)
        return self.gettext("Sensitive question: only totals are shown, and counts from 1 to %(below)s show as "
                            "%(marker)s whatever the smallest count asked for.", below=hide.min_count - 1,
                            marker=hide.marker)

    def note_grouped(self, table: Any) -> str:
        """What the table of the question the report is grouped by says about itself (see `grouping.in_total`)."""
        if table.key != self.filter.tables.group_by:
            return ""
        return self.gettext("The tables are grouped by this question: its own table shows its answers in total.")

    @property
    def cross_title(self) -> str:
        """"Question A × question B": the cross-table's title."""
        rows, columns = self.filter.tables.cross
        return f"{header(self.schema, rows, self.lang)} × {header(self.schema, columns, self.lang)}"

    @property
    def cross_header(self) -> str:
        return header(self.schema, self.filter.tables.cross[0], self.lang)

    def shown(self, table: Any, key: str | None = None) -> Any:
        """The table as the workbook and the page show it: with the whole country's row when there is one."""
        return with_country(table, self.country.get(key or table.key))

    def matrix_summary(self, table: MatrixTable) -> ChoiceTable:
        """A matrix's statements as rows; with the whole country's figures, each statement's right under it."""
        summary = table.summary(self.lang)
        country = self.country.get(table.key)
        return interleaved(summary, country.summary(self.lang), self.lang) if country else summary

    def totals(self, table: Any, key: str | None = None) -> int:
        """How many rows at the bottom of a shown table are totals: the total, and the country's row."""
        return 2 if (key or table.key) in self.country else 1

    def protect(self, table: Any, key: str | None = None) -> ChoiceCells | ValueCells:
        """The hidden cells of `table` as shown (`shown`): small counts, and those hidden to protect them.

        Kept, since the workbook plans a sheet's columns before it writes them (see `exports.protected`).
        """
        found = self._cells.get((id(table), key))
        if found is None:
            shown, hide, summed = self.shown(table, key), self.hide(table.question), len(table.groups) - 1
            found = value_cells(shown, hide, summed) if isinstance(table, ValueTable) else \
                choice_cells(shown, hide, summed)
            self._cells[(id(table), key)] = found
        return found

    def protect_summary(self, table: MatrixTable) -> ChoiceCells:
        """The hidden cells of a matrix summary (`matrix_summary`): those of each statement's total row."""
        return summary_cells([self.protect(row) for row in table.rows], len(table.rows[0].groups) - 1)
    #: The questionnaire's own figures (contact log, NAD rules, costs per year): see exports/measures.
    measures: list[Measure] = field(default_factory=list)
    #: The survey round the report covers (`filter.round`), if any.
    survey_round: Round | None = None
    #: The instances of each repeat, one row each, and the repeat's figures (see `exports.repeats`).
    instances: list[Instances] = field(default_factory=list)
    #: The hidden cells of each table shown, by (id of the table, key): see `protect`.
    _cells: dict = field(default_factory=dict, init=False, repr=False, compare=False)

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
                 include_personal: bool = True, scope: Scope = EVERYTHING, compare: bool = True) -> Report:
    """Check `flt` (FilterError lists valid choices), load its submissions within the scope and aggregate them.

    `include_personal=False` leaves out questions marked personal; a scope without personal
    answers always does. A county user's scope replaces the filter's counties with their own.
    The filter's `tables` options group the tables (by default as the questionnaire's `report: group_by`
    says, else by county), add a cross-table and hide small counts;
    a report of part of the country gets the whole country's figures beside it (`exports.country`),
    unless `compare` is False (a CSV file has no tables to put them in). The filter's survey round
    (`exports.rounds`) narrows the days and gives the frame.
    """
    if lang not in LANGUAGES:
        raise FilterError(N_("unknown language %(lang)s; valid choices: %(valid)s"), lang=repr(lang),
                          valid=", ".join(LANGUAGES))
    flt = within(check_filter(flt, questionnaire_ids(db)), scope)
    include_personal = include_personal and scope.personal
    schema, versions = load_schema(db, flt.questionnaire, include_personal)
    flt = default_grouping(flt, schema)
    flt = with_round(flt, schema.questionnaire)
    check_options(schema, flt.tables)
    frame = load_frame(db, schema, flt, progress, scope)
    duplicates = None
    if schema.questionnaire.unit == "municipality":
        frame, duplicates = one_per_municipality(db, flt, frame, scope)
    in_frame = expected(flt, schema.questionnaire)
    groups, g = groups_by(frame, schema, flt.tables.group_by, lang)
    sections = in_total(question_tables(frame, schema, groups, g), flt.tables.group_by)
    cross = cross_table(frame, schema, flt.tables, lang)
    instances = load_instances(db, schema, flt, list(frame["uuid"]), scope, include_personal, groups, g)
    country = country_tables(db, schema, flt, scope, lang) if compare and compares_with_country(flt) else {}
    cross = align_all(sections + [one.result for one in instances if one.result], cross, country)
    counts = frame["version"].value_counts() if len(frame) else pd.Series(dtype=int)
    version_counts = {v: int(counts.get(v, 0)) for v in versions}
    now = datetime.datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0)
    by_district = schema.questionnaire.level == "district"
    done = answered(db, flt, scope, by_district=by_district)
    return Report(flt, lang, schema, frame, groups, sections, response_rate(in_frame, done, gettext("Total", lang)),
                  now, version_counts, include_personal, duplicates,
                  missing(db, flt, in_frame, done, scope, by_district=by_district),
                  header(schema, flt.tables.group_by, lang), cross, country,
                  measures=build_measures(frame, schema, lang, related=_related(db, flt, scope, lang),
                                          invited=in_frame, suppression=Suppression(flt.tables.min_count)),
                  survey_round=round_of(flt, schema.questionnaire), instances=instances)


def _related(db, flt: ExportFilter, scope: Scope, lang: str):
    """Another questionnaire's submissions in the filter's counties and municipalities (any day of creation,
    drafts too; personal answers left out) as a measure context; None when it is not stored."""
    def load(qid: str):
        if qid not in questionnaire_ids(db):
            return None
        schema, _versions = load_schema(db, qid, include_personal=False)
        other = ExportFilter(qid, flt.counties, flt.municipalities, status="all")
        return Context(load_frame(db, schema, other, None, scope), schema, lang)
    return load


def export_report(db, flt: ExportFilter, fmt: str, *, actor: str | None, lang: str = "sv",
                  include_personal: bool = False, scope: Scope = EVERYTHING, address: str | None = None,
                  progress: Progress | None = None) -> Report:
    """`build_report` for a download in format `fmt` (xlsx, csv, csv-long), recorded in the audit log.

    The entry names the filter, the format, whether personal answers were included and how many
    submissions went out; it never holds answers.
    """
    report = build_report(db, flt, lang, progress, include_personal=include_personal, scope=scope,
                          compare=fmt == "xlsx")
    audit.record(db, actor, "export", {"format": fmt, **report.filter.describe(),
                                       "include_personal": report.include_personal, "submissions": report.n},
                 target=report.filter.questionnaire, address=address)
    return report
