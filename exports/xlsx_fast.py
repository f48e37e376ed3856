"""Write the rows of big write-only sheets (Data, Fritext) straight into openpyxl's XML stream.

openpyxl serialises each cell of a write-only sheet through a pure-Python
element tree when lxml is absent: about 25 µs a cell, which makes a
100 000-row sheet take a minute. The rows of the big sheets hold only plain
values (text, numbers, dates) and a few known styles, so they are formatted
here as the same XML openpyxl would write (inline strings, `%.16g` numbers,
dates as serial numbers) and written to the sheet's own stream. openpyxl
still writes everything else: sheet properties, columns, views, auto-filter,
styles and the zip.

This uses openpyxl's private write-only hooks; when they are not there (a
different openpyxl, or lxml installed) `RowWriter` falls back to `ws.append`
with identical results, only slower. `FAST = False` forces the fallback.
"""

from __future__ import annotations

import datetime
import math
from typing import Any, Sequence

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.xml import LXML

#: Set to False to write every row through openpyxl's own cell writer.
FAST = True


class Styled:
    """A value with a named cell style, for RowWriter.append."""

    __slots__ = ("value", "style")

    def __init__(self, value: Any, style: str):
        self.value = value
        self.style = style


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class RowWriter:
    """Appends rows of plain values (and `Styled` values) to a write-only sheet."""

    def __init__(self, ws):
        self.ws = ws
        self.row = 0
        self._style_ids: dict[str, int] = {}
        self._heights: dict[int, float] = {}
        self._letters = [get_column_letter(i) for i in range(1, 100)]
        self.fast = FAST and self._hook()

    def _hook(self) -> bool:
        """Route the sheet's rows through _write_row, if this openpyxl writes the way we expect."""
        ws = self.ws
        if LXML:
            return False  # with lxml openpyxl writes through lxml's xmlfile, which has no plain stream
        try:
            ws._get_writer()
            writer = ws._writer
            if not callable(getattr(writer, "write_row", None)) or not hasattr(ws, "_values_to_row"):
                return False
        except AttributeError:
            return False
        writer.write_row = self._write_row
        ws._values_to_row = lambda values, row_idx: values
        return True

    def style_id(self, name: str) -> int:
        """The workbook's cell-format id of a named style (registering it on first use)."""
        sid = self._style_ids.get(name)
        if sid is None:
            probe = WriteOnlyCell(self.ws)
            probe.style = name
            sid = self._style_ids[name] = probe.style_id
        return sid

    def append(self, values: Sequence[Any], height: float | None = None) -> int:
        self.row += 1
        if not self.fast:
            return self._append_plain(values, height)
        if height:
            self._heights[self.row] = height
        self.ws.append(values)
        return self.row

    def _append_plain(self, values: Sequence[Any], height: float | None) -> int:
        row = []
        for value in values:
            if isinstance(value, Styled):
                cell = WriteOnlyCell(self.ws, value=value.value)
                cell.style = value.style
                if isinstance(value.value, str):
                    cell.data_type = "s"
                value = cell
            elif isinstance(value, str):
                cell = WriteOnlyCell(self.ws, value=value)
                cell.data_type = "s"  # never a formula, whatever the text
                value = cell
            row.append(value)
        if height:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(row)
        if height:
            del self.ws.row_dimensions[self.row]
        return self.row

    def _write_row(self, xf, values: Sequence[Any], row_idx: int) -> None:
        write = xf._file
        height = self._heights.pop(row_idx, None)
        if height:
            parts = [f'<row r="{row_idx}" ht="{height:g}" customHeight="1">']
        else:
            parts = [f'<row r="{row_idx}">']
        letters = self._letters
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        for col, value in enumerate(values):
            if value is None:
                continue
            ref = f"{letters[col]}{row_idx}"
            if isinstance(value, Styled):
                parts.append(self._cell(ref, value.value, f' s="{self.style_id(value.style)}"'))
            elif isinstance(value, Cell):
                parts.append(self._cell(ref, value.value, f' s="{value.style_id}"' if value.has_style else ""))
            else:
                parts.append(self._cell(ref, value, ""))
        parts.append("</row>")
        write("".join(parts))

    def _cell(self, ref: str, value: Any, style: str) -> str:
        if value is None:
            return f'<c r="{ref}"{style}/>' if style else ""
        if isinstance(value, str):
            space = ' xml:space="preserve"' if value != value.strip() and value.strip() else ""
            return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (datetime.datetime, datetime.date)):
            return f'<c r="{ref}"{style} t="n"><v>{"%.16g" % to_excel(value)}</v></c>'
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return f'<c r="{ref}"{style} t="n"></c>' if style else ""
        return f'<c r="{ref}"{style} t="n"><v>{"%.16g" % value}</v></c>'
