"""A sheet per repeat: its choice questions counted over instances, then one row per instance."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from forms.formatting import format_number

from .repeats import Instances
from .report import Report
from .xlsx_fast import RowWriter, Styled
from .xlsx_style import cell, page_setup, set_widths


def write_instances(ws, report: Report, instances: Instances) -> int:
    """The repeat's choice questions tabulated over its instances (a note says so), then its instance rows.

    The instance rows are keyed back to the Data sheet by the submission id and numbered from 1.
    """
    _, lang = report.gettext, report.lang
    header = instances.header(_, lang)
    set_widths(ws, [37, 10, 12] + [24] * len(instances.questions))
    page_setup(ws, report.title, _("Page &P of &N"))
    rows = RowWriter(ws)
    submissions = len({row[0] for row in instances.rows})
    rows.append([Styled(instances.repeat.text(lang), "fk_section")], height=18)
    rows.append([_("%(instances)s instances in %(submissions)s submissions.",
                   instances=format_number(len(instances.rows), lang),
                   submissions=format_number(submissions, lang))])
    choices = [q for q in instances.questions if q.type in ("single", "scale", "yesno", "multi")]
    if choices:
        rows.append([_("The choice questions are counted over instances, not over submissions: "
                       "one submission counts once for each of its instances.")])
        for question in choices:
            rows.append([])
            rows.append([cell(ws, question.text(lang), "fk_header"), cell(ws, _("Instances"), "fk_header")])
            for code, count in instances.counts(question).items():
                rows.append([question.choice(code).text(lang), count])
    rows.append([])
    first = rows.row + 1
    rows.append([cell(ws, h, "fk_header") for h in header])
    for values in instances.rows:
        rows.append(values)
    ws.auto_filter.ref = f"A{first}:{get_column_letter(len(header))}{rows.row}"
    return len(instances.rows)
