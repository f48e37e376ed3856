"""A report's submissions as CSV: wide (as the Data sheet) or long (one row per answer).

UTF-8 with a byte-order mark, so Excel reads Swedish characters right; `;` as
the separator suits Excel with Swedish settings. Text from users is
neutralised like in the workbook (see safety.py).
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Iterator

from .files import write_text_atomically
from .filters import ExportFilter
from .labels import gettext
from .report import Report
from .tabular import long_rows, wide_columns, wide_rows

BOM = "\ufeff"
SEPARATORS = (",", ";", "\t")


def _check_sep(sep: str) -> str:
    if sep not in SEPARATORS:
        raise ValueError(f"unknown separator {sep!r}; valid choices: ',', ';', tab")
    return sep


def long_header(report: Report) -> list[str]:
    _ = report.gettext
    return [_("Submission"), _("Version"), _("Status"), _("County code"), _("County"), _("Municipality code"),
            _("Municipality"), _("Created"), _("Question id"), _("Column id"), _("Code"), _("Answer")]


def _rows(report: Report, long: bool) -> Iterator[list]:
    if long:
        yield long_header(report)
        yield from long_rows(report)
    else:
        columns = wide_columns(report, excel=False)
        yield [c.header for c in columns]
        yield from wide_rows(columns, report.n)


def _number_formatter(sep: str):
    """Floats as 12.5, or 12,5 with the `;` separator that Swedish Excel pairs with a decimal comma."""
    comma = sep == ";"

    def fmt(row):
        if not any(type(v) is float for v in row):
            return row
        out = []
        for value in row:
            if type(value) is float:
                value = f"{value:.15g}"
                if comma:
                    value = value.replace(".", ",")
            out.append(value)
        return out
    return fmt


def iter_csv(report: Report, *, long: bool = False, sep: str = ",", batch: int = 2000) -> Iterator[str]:
    """The CSV text in pieces (the first starts with the BOM): for streaming responses."""
    _check_sep(sep)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    buffer.write(BOM)
    count = 0
    fmt = _number_formatter(sep)
    for row in _rows(report, long):
        writer.writerow(fmt(row))
        count += 1
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_csv(report: Report, path: str | os.PathLike, *, long: bool = False, sep: str = ",") -> Path:
    """Write the CSV file (through a temporary file, so a failure leaves no half file)."""
    return write_text_atomically(path, iter_csv(report, long=long, sep=sep))


def csv_filename(flt: ExportFilter, long: bool, lang: str = "sv") -> str:
    """A download name such as kub-webbenkat-lan-24-lang.csv."""
    parts = [flt.questionnaire]
    if flt.counties:
        parts.append("lan-" + "-".join(flt.counties))
    if flt.round:  # checked against the questionnaire's rounds: letters, digits, '_' and '-'
        parts.append("omgang-" + flt.round)
    # The suffix is part of a file name: ASCII, no spaces.
    parts.append(gettext("long", lang) if long else gettext("wide", lang))
    return "-".join(parts) + ".csv"
