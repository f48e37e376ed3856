"""Named cell styles, sheet names, the printed page and small helpers for write-only openpyxl sheets."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Iterable

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from .safety import safe_value

#: SEK with thousands grouping. Stored in Excel's locale-neutral form: Swedish Excel shows `# ##0 kr`.
SEK = '#,##0 "kr"'
PERCENT = "0%"
INTEGER = "#,##0"
DECIMAL = "#,##0.00"
DATETIME = "yyyy-mm-dd hh:mm"
DATE = "yyyy-mm-dd"
#: Years are whole numbers without a thousands separator (2013, not 2 013); a mean year gets one decimal.
YEAR = "0"
YEAR_MEAN = "0.0"

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
    "fk_text_total": dict(font=Font(bold=True), fill=PatternFill("solid", fgColor=TOTAL_FILL),
                          border=Border(top=_thin)),
    "fk_datetime": dict(number_format=DATETIME, alignment=Alignment(horizontal="left")),
    "fk_date_cell": dict(number_format=DATE, alignment=Alignment(horizontal="left")),
    "fk_year_cell": dict(number_format=YEAR),
    "fk_wrap": dict(alignment=Alignment(wrap_text=True, vertical="top")),
    "fk_answer": dict(alignment=Alignment(wrap_text=True)),
    "fk_top": dict(alignment=Alignment(vertical="top")),
    "fk_bold": dict(font=Font(bold=True)),
    "fk_muted": dict(font=Font(size=9, color="5B6472")),
    "fk_section": dict(font=Font(bold=True, size=11, color="16324F"), border=Border(bottom=_thin),
                       alignment=Alignment(wrap_text=True, vertical="top")),
    "fk_marked": dict(fill=PatternFill("solid", fgColor="FFF2CC"), alignment=Alignment(wrap_text=True)),
}

#: Number formats of the table cells: fk_<name> and fk_<name>_total (bold, shaded) are made for each.
NUMBER_STYLES = {"int": INTEGER, "pct": PERCENT, "dec": DECIMAL, "sek": SEK, "date": DATE, "year": YEAR,
                 "yearmean": YEAR_MEAN}
for _name, _format in NUMBER_STYLES.items():
    # right-aligned, so that a dash for "no value" lines up with the numbers
    STYLES[f"fk_{_name}"] = dict(number_format=_format, alignment=Alignment(horizontal="right"))
    STYLES[f"fk_{_name}_total"] = dict(number_format=_format, alignment=Alignment(horizontal="right"),
                                       font=Font(bold=True), fill=PatternFill("solid", fgColor=TOTAL_FILL),
                                       border=Border(top=_thin))


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


# -- the printed page ----------------------------------------------------------

#: A4 in points, and the margins in inches (as Excel stores them).
A4 = (595.0, 842.0)
MARGINS = dict(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.2, footer=0.25)
DEFAULT_ROW = 15.0  # points: openpyxl's default row height
#: The share of a page that blocks are planned to fill: Excel and LibreOffice round their
#: fit-to-width zoom down and measure fonts a little differently.
PAGE_SLACK = 0.96


def column_points(width: float) -> float:
    """Points taken by a column `width` characters wide (Calibri 11: 7 px a digit, 5 px padding)."""
    return int(width * 7 + 5) * 0.75


@dataclass(frozen=True)
class Paper:
    """The printable area of an A4 page in one orientation, in points."""

    landscape: bool = True

    @property
    def width(self) -> float:
        return (A4[1] if self.landscape else A4[0]) - 72 * (MARGINS["left"] + MARGINS["right"])

    @property
    def height(self) -> float:
        return (A4[0] if self.landscape else A4[1]) - 72 * (MARGINS["top"] + MARGINS["bottom"])

    def scale(self, content_width: float) -> float:
        """The zoom at which content this wide (points) fits the page's width."""
        return min(1.0, self.width / content_width) if content_width > 0 else 1.0


def page_setup(ws, report_title: str, page_label: str, *, landscape: bool = True,
               title_rows: str | None = None) -> None:
    """Print on A4, fitted to the page's width, as many pages down as it takes.

    `title_rows` (e.g. "1:2") repeat at the top of every printed page. The footer names the
    workbook's title, the sheet and the page: `page_label` is a translated "Page &P of &N".
    """
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = 9  # A4
    ws.page_margins = PageMargins(**MARGINS)
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = _footer_text(report_title)
    ws.oddFooter.left.size = 8
    ws.oddFooter.center.text = "&A"
    ws.oddFooter.center.size = 8
    ws.oddFooter.right.text = page_label
    ws.oddFooter.right.size = 8


def _footer_text(text: str) -> str:
    """Text for a header/footer field: & starts a code there, so it is doubled; kept short."""
    text = text if len(text) <= 80 else text[:79].rstrip() + "…"
    return text.replace("&", "&&")


class SheetWriter:
    """Appends rows to a write-only sheet and remembers the row number (1-based) and column widths.

    It also keeps track of the printed pages: `block()` ... `end_block()` around a table and its
    chart puts a page break before them when they would not fit on what is left of the page, so a
    chart always prints on the page of its table.
    """

    def __init__(self, ws, widths: list[float] | None = None, paper: Paper | None = None,
                 extra_width: float = 0.0):
        self.ws = ws
        self.row = 0
        self.widths = list(widths or [])
        if widths:
            set_widths(ws, widths)
        self.paper = paper or Paper()
        content = max(sum(column_points(w) for w in self.widths), extra_width)
        self.page_height = self.paper.height / self.paper.scale(content)
        self.used = 0.0  # points of the current printed page taken so far (sheet size, before zoom)
        self.total = 0.0  # points of every row written
        self.repeated = 0.0  # points of the title rows repeated on every page
        self.breaks: list[int] = []
        self.layout: Any = None  # what a sheet's writer plans beyond rows (section sheets: its charts)

    def repeat_rows(self) -> None:
        """The rows written so far repeat at the top of every printed page."""
        self.repeated = self.used
        if self.row:
            self.ws.print_title_rows = f"1:{self.row}"

    @property
    def capacity(self) -> float:
        """Points of sheet rows a printed page holds, below the repeated title rows."""
        return (self.page_height - self.repeated) * PAGE_SLACK

    def block(self) -> tuple[int, float]:
        """Mark the start of rows that should print on one page."""
        return self.row + 1, self.used

    def end_block(self, mark: tuple[int, float]) -> None:
        """Break the page before the block started at `mark` if it does not fit on what was left."""
        first_row, used_before = mark
        height = self.used - used_before
        if used_before > self.repeated and used_before + height > self.capacity + self.repeated:
            self.page_break(first_row - 1)
            self.used = self.repeated + height
        if self.used - self.repeated > self.capacity:  # a block longer than a page runs on
            self.used = self.repeated + (self.used - self.repeated) % self.capacity

    def shrink_to_one_page(self, overflow: float = 0.5) -> None:
        """Print on one page a sheet with no page breaks that runs at most `overflow` over one page.

        A few rows spilling onto a page of their own help nobody; zooming out by as much as
        `overflow` keeps the sheet readable and on one sheet of paper.
        """
        body = self.total - self.repeated
        if not self.breaks and self.capacity < body <= self.capacity * (1 + overflow):
            self.ws.page_setup.fitToHeight = 1

    def width(self, first: int, last: int) -> float:
        """Total width of columns first..last (1-based, inclusive)."""
        return sum(self.widths[i - 1] if i <= len(self.widths) else 9.0 for i in range(first, last + 1))

    def append(self, values: Iterable[Any] = (), height: float | None = None) -> int:
        if height:
            self.ws.row_dimensions[self.row + 1].height = height
        self.ws.append(list(values))
        self.row += 1
        self.used += height or DEFAULT_ROW
        self.total += height or DEFAULT_ROW
        return self.row

    def merge(self, first_col: int, last_col: int, row: int | None = None) -> None:
        """Merge columns of a row (the current one by default): written when the sheet closes."""
        row = row or self.row
        if last_col > first_col:
            self.ws.merged_cells.add(f"{get_column_letter(first_col)}{row}:{get_column_letter(last_col)}{row}")

    def page_break(self, after: int | None = None) -> None:
        """Start a new printed page after row `after` (the current row by default)."""
        after = self.row if after is None else after
        if after > 0 and after not in self.breaks:
            self.breaks.append(after)
            self.ws.row_breaks.append(Break(id=after))
        if after == self.row:
            self.used = self.repeated

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
