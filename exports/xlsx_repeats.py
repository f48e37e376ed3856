"""A sheet per repeat: its choice questions counted over instances, then one row per instance."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from forms.formatting import format_number

from .aggregate import ChoiceTable
from .repeats import Instances
from .report import Report
from .xlsx_questions import note_suppression
from .xlsx_fast import RowWriter, Styled
from .xlsx_style import cell, page_setup, set_widths


#: The question types whose answers the sheet counts per option (the page shows every question's table).
CHOICES = ("single", "scale", "yesno", "multi")


def write_instances(ws, report: Report, instances: Instances) -> int:
    """The repeat's choice questions tabulated over its instances (a note says so), then its instance rows.

    The figures are the repeat's totals (`Instances.result`, as the reports page shows them), small counts
    hidden as in every table. The instance rows are keyed back to the Data sheet by the submission id and
    numbered from 1.
    """
    _, lang = report.gettext, report.lang
    header = instances.header(_, lang)
    set_widths(ws, [37, 10, 12] + [24] * len(instances.questions))
    page_setup(ws, report.title, _("Page &P of &N"))
    rows = RowWriter(ws)
    rows.append([Styled(instances.repeat.text(lang), "fk_section")], height=18)
    shown = report.suppression.counts([instances.counted[-1], instances.submissions[-1]])
    rows.append([_("%(instances)s instances in %(submissions)s submissions.",
                   instances=format_number(shown[0], lang), submissions=format_number(shown[1], lang))])
    hidden = note_suppression(report)
    if hidden:
        rows.append([cell(ws, hidden, "fk_note")])
    choices = [t for t in instances.tables if isinstance(t, ChoiceTable) and t.question.type in CHOICES]
    if choices:
        rows.append([_("The choice questions are counted over instances, not over submissions: "
                       "one submission counts once for each of its instances.")])
        for table in choices:
            rows.append([])
            rows.append([cell(ws, table.question.text(lang), "fk_header"), cell(ws, _("Instances"), "fk_header")])
            if table.question.sensitive:
                rows.append([cell(ws, report.note_sensitive(table.question), "fk_note")])
            totals = [*table.counts[-1], *table.special_counts[-1]]  # the last row is the total
            for choice, count in zip(table.options + table.specials, report.hide(table.question).counts(totals)):
                rows.append([choice.text(lang), count if isinstance(count, str) else int(count)])
    rows.append([])
    first = rows.row + 1
    rows.append([cell(ws, h, "fk_header") for h in header])
    for values in instances.rows:
        rows.append(values)
    ws.auto_filter.ref = f"A{first}:{get_column_letter(len(header))}{rows.row}"
    return len(instances.rows)
