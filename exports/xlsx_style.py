"""Named cell styles, sheet names and small helpers for write-only openpyxl sheets."""

from __future__ import annotations

import math
import re
from typing import Any, Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from .safety import safe_value

#: SEK with thousands grouping. Stored in Excel's locale-neutral form: Swedish Excel shows `# ##0 kr`.
SEK = '#,##0 "kr"'
PERCENT = "0%"
INTEGER = "#,##0"
DECIMAL = "#,##0.00"
DATETIME = "yyyy-mm-dd hh:mm"

HEADER_FILL = "16324F"
TOTAL_FILL = "E8EEF5"
_thin = Side(style="thin", color="8A94A3")

STYLES = {
    "fk_title": dict(font=Font(bold=True, size=15, color="16324F")),
    "fk_qtitle": dict(font=Font(bold=True, size=12, color="16324F"), alignment=Alignment(wrap_text=True, vertical="top")),
    "fk_key": dict(font=Font(size=9, color="5B6472"), alignment=Alignment(vertical="top")),
    "fk_note": dict(font=Font(italic=True, size=9, color="5B6472")),
    "fk_notewrap": dict(font=Font(italic=True, size=9, color="5B6472"), alignment=Alignment(wrap_text=True, vertical="top")),
    "fk_group": dict(font=Font(bold=True, size=9, color="16324F"), border=Border(bottom=_thin),
                     alignment=Alignment(horizontal="center", vertical="bottom", wrap_text=True)),
    "fk_header": dict(font=Font(bold=True, color="FFFFFF"), fill=PatternFill("solid", fgColor=HEADER_FILL),
                      alignment=Alignment(wrap_text=True, vertical="top")),
    "fk_label": dict(alignment=Alignment(vertical="top", wrap_text=True)),
    "fk_label_total": dict(font=Font(bold=True), fill=PatternFill("solid", fgColor=TOTAL_FILL),
                           border=Border(top=_thin)),
    "fk_int": dict(number_format=INTEGER),
    "fk_int_total": dict(number_format=INTEGER, font=Font(bold=True), fill=PatternFill("solid", fgColor=TOTAL_FILL),
                         border=Border(top=_thin)),
    "fk_pct": dict(number_format=PERCENT),
    "fk_pct_total": dict(number_format=PERCENT, font=Font(bold=True),
                         fill=PatternFill("solid", fgColor=TOTAL_FILL), border=Border(top=_thin)),
    "fk_dec": dict(number_format=DECIMAL),
    "fk_dec_total": dict(number_format=DECIMAL, font=Font(bold=True), fill=PatternFill("solid", fgColor=TOTAL_FILL),
                         border=Border(top=_thin)),
    "fk_sek": dict(number_format=SEK),
    "fk_sek_total": dict(number_format=SEK, font=Font(bold=True), fill=PatternFill("solid", fgColor=TOTAL_FILL),
                         border=Border(top=_thin)),
    "fk_text_total": dict(font=Font(bold=True), fill=PatternFill("solid", fgColor=TOTAL_FILL),
                          border=Border(top=_thin)),
    "fk_datetime": dict(number_format=DATETIME, alignment=Alignment(horizontal="left")),
    "fk_wrap": dict(alignment=Alignment(wrap_text=True, vertical="top")),
    "fk_answer": dict(alignment=Alignment(wrap_text=True)),
    "fk_top": dict(alignment=Alignment(vertical="top")),
    "fk_bold": dict(font=Font(bold=True)),
}


def register_styles(workbook) -> None:
    for name, attrs in STYLES.items():
        style = NamedStyle(name=name)
        for attr, value in attrs.items():
            setattr(style, attr, value)
        workbook.add_named_style(style)


def cell(ws, value: Any, style: str | None = None) -> WriteOnlyCell | None:
    """A write-only cell with a named style; text is neutralised and always stored as a string."""
    if value is None and style is None:
        return None
    c = WriteOnlyCell(ws, value=safe_value(value))
    if isinstance(value, str):
        c.data_type = "s"
    if style:
        c.style = style
    return c


class SheetWriter:
    """Appends rows to a write-only sheet and remembers the row number (1-based) and column widths."""

    def __init__(self, ws, widths: list[float] | None = None):
        self.ws = ws
        self.row = 0
        self.widths = list(widths or [])
        if widths:
            set_widths(ws, widths)

    def width(self, first: int, last: int) -> float:
        """Total width of columns first..last (1-based, inclusive)."""
        return sum(self.widths[i - 1] if i <= len(self.widths) else 9.0 for i in range(first, last + 1))

    def append(self, values: Iterable[Any] = (), height: float | None = None) -> int:
        if height:
            self.ws.row_dimensions[self.row + 1].height = height
        self.ws.append(list(values))
        self.row += 1
        return self.row

    def merge(self, first_col: int, last_col: int, row: int | None = None) -> None:
        """Merge columns of a row (the current one by default): written when the sheet closes."""
        row = row or self.row
        if last_col > first_col:
            self.ws.merged_cells.add(f"{get_column_letter(first_col)}{row}:{get_column_letter(last_col)}{row}")

    def page_break(self) -> None:
        """Start a new printed page after the current row."""
        if self.row:
            self.ws.row_breaks.append(Break(id=self.row))

    def blank(self, n: int = 1) -> None:
        for _ in range(n):
            self.append([])


def lines_needed(text: str, width: float, factor: float = 1.0) -> int:
    """Roughly how many wrapped lines `text` takes in a column `width` characters wide."""
    if not text:
        return 1
    usable = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(len(part) * factor / usable)) for part in str(text).split("\n"))


def set_widths(ws, widths: Iterable[float]) -> None:
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width


def landscape(ws, fit_width: bool = True) -> None:
    """Print on A4 landscape, as wide as one page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.5, header=0.2, footer=0.2)
    if fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0


_INVALID = re.compile(r"[\[\]:*?/\\]")


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\, not 'History'."""
    name = " ".join(_INVALID.sub(" ", title).split()).strip("'") or "Blad"
    if len(name) > 31:
        cut = name[:30]
        if " " in cut[15:]:
            cut = cut[: cut.rfind(" ")]
        name = cut.rstrip(" .,-") + "…"
    base, i = name, 2
    folded = {t.casefold() for t in taken}
    while name.casefold() in folded or name.casefold() == "history":
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)].rstrip() + suffix
        i += 1
    taken.add(name)
    return name
