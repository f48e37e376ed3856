"""The "Not answered" sheet: expected municipalities without a completed submission, and duplicates."""

from __future__ import annotations

import pandas as pd

from .filters import LOCAL_TZ
from .report import Report
from .safety import safe_value
from .tabular import status_labels
from .xlsx_fast import RowWriter, Styled
from .xlsx_style import cell, page_setup, set_widths


def _local(stamp) -> str | None:
    """A stored UTC time as Swedish local time, to the minute."""
    if not stamp:
        return None
    return pd.Timestamp(stamp).tz_convert(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def write_missing(ws, report: Report) -> None:
    """Per county, the municipalities of the frame that have not answered (or only have a draft)."""
    _ = report.gettext
    page_setup(ws, report.title, _("Page &P of &N"), title_rows="1:1")
    set_widths(ws, [22, 10, 22, 26, 20])
    ws.freeze_panes = "A2"
    rows = RowWriter(ws)
    by_district = report.schema.questionnaire.level == "district"
    unit = (_("District code"), _("District")) if by_district else (_("Municipality code"), _("Municipality"))
    rows.append([cell(ws, h, "fk_header") for h in (_("County"), *unit, _("State"), _("Last contact"))])
    for m in report.missing:
        state = _("Draft only") if m.has_draft else _("No submission")
        rows.append([m.county, m.code, m.name, state, _local(m.last_contact)])
    if not report.missing:
        done = _("Every district in the frame has answered.") if by_district else \
            _("Every municipality in the frame has answered.")
        rows.append([Styled(done, "fk_note")])
    duplicates = report.duplicates
    if duplicates is not None and len(duplicates):
        rows.append([])
        rows.append([Styled(_("Earlier submissions of municipalities that answered more than once (they do not "
                              "count: the latest completed one does)"), "fk_qtitle")])
        rows.append([cell(ws, h, "fk_header") for h in
                     (_("Municipality code"), _("Submission"), _("Status"), _("Created"), _("Modified"))])
        status = status_labels(report)
        for row in duplicates.itertuples(index=False):
            rows.append([row.municipality_code, safe_value(row.uuid), status.get(row.status, row.status),
                         Styled(row.created, "fk_datetime"), Styled(row.modified, "fk_datetime")])
