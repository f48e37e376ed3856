"""A sheet per repeat: its choice questions counted over instances, then one row per instance."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from forms.formatting import format_number

from forms.model import Question

from .aggregate import ChoiceTable
from .protected import instances_cells
from .repeats import Instances
from .report import Report
from .tabular import choice_labels, multi_label
from .xlsx_questions import note_protecting, note_suppression
from .xlsx_fast import RowWriter, Styled
from .xlsx_style import cell, page_setup, set_widths


#: The question types whose answers the sheet counts per option (the page shows every question's table).
CHOICES = ("single", "scale", "yesno", "multi")


def write_instances(ws, report: Report, instances: Instances) -> int:
    """The repeat's choice questions tabulated over its instances (a note says so), then its instance rows.

    The figures are the repeat's totals (`Instances.result`, as the reports page shows them), small counts
    hidden as in every table. The instance rows are keyed back to the Data sheet by the submission id and
    numbered from 1, their choices in words as on the Data sheet. When small numbers are hidden the rows are
    left out (a note says so): a count shown as "<5" above would be there to count below.
    """
    _, lang = report.gettext, report.lang
    header = instances.header(_, lang)
    set_widths(ws, [37, 10, 12] + [24] * len(instances.questions))
    page_setup(ws, report.title, _("Page &P of &N"))
    rows = RowWriter(ws)
    rows.append([Styled(instances.repeat.text(lang), "fk_section")], height=18)
    summary = instances_cells(instances.submissions, instances.counted, len(instances.groups) - 1, report.suppression)
    shown = summary.column(1)[-1], summary.column(0)[-1]  # the total row, as the page shows it
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
            # the total row as the page shows it: hidden where the table by group hides it
            shown, total = report.protect(table), len(table.groups) - 1
            columns = [*range(len(table.options)), *(shown.special(j) for j in range(len(table.specials)))]
            for choice, j in zip(table.options + table.specials, columns):
                count = shown.column(j)[total]
                rows.append([choice.text(lang), count if isinstance(count, str) else int(count)])
            if shown.cells.secondary[total].any() and not report.suppression.active:  # else the note above says it
                rows.append([cell(ws, note_protecting(report), "fk_note")])
    rows.append([])
    if report.suppression.active:
        rows.append([cell(ws, _("The rows of the instances are left out because small numbers are hidden; "
                                "export without hiding to get them."), "fk_note")])
        return 0
    first = rows.row + 1
    rows.append([cell(ws, h, "fk_header") for h in header])
    own = len(header) - len(instances.questions)
    for values in instances.rows:
        rows.append([*values[:own], *(in_words(q, v, lang) for q, v in zip(instances.questions, values[own:]))])
    ws.auto_filter.ref = f"A{first}:{get_column_letter(len(header))}{rows.row}"
    return len(instances.rows)


def in_words(question: Question, value, lang: str):
    """A cell of an instance row (codes as the CSV writes them, `exports.repeats`) with its choices in words."""
    if not isinstance(value, str) or not (question.choices or question.items):
        return value
    labels = choice_labels(question, lang)
    if question.items:  # a matrix: item=code;item=code
        items = {i.code: i.text(lang) for i in question.items}
        pairs = (part.partition("=") for part in value.split(";"))
        return "; ".join(f"{items.get(item, item)}: {labels.get(code, code)}" for item, _eq, code in pairs)
    return multi_label(value, labels)
