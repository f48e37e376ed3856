"""Write a report as an Excel workbook (openpyxl, write-only: bounded memory for big sheets)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

from openpyxl import Workbook

from .filters import ExportFilter
from .frame import Progress
from .report import Report
from .xlsx_cross import write_cross
from .xlsx_questions import write_section
from .xlsx_repeats import write_instances
from .xlsx_frame import write_missing
from .xlsx_measures import measure_sheets
from .xlsx_sheets import (
    codebook_description,
    codebook_versions,
    sheet_descriptions,
    write_codebook,
    write_data,
    write_freetext,
    write_overview,
)
from .xlsx_style import register_styles, sheet_name


def write_workbook(report: Report, out: str | os.PathLike | IO[bytes], progress: Progress | None = None) -> None:
    """Översikt, the questionnaire's own figures, one sheet per section, a Korstabell if asked for, Fritext,
    Data and a Kodbok per version.

    `out` is a path or a binary file.
    """
    _ = report.gettext
    wb = Workbook(write_only=True)
    register_styles(wb)
    taken: set[str] = set()
    overview = sheet_name(_("Overview"), taken)
    measures = measure_sheets(report, taken)
    sections = [sheet_name(f"{i}. {r.section.text(report.lang)}", taken)
                for i, r in enumerate(report.sections, 1)]
    cross = sheet_name(_("Cross-table"), taken) if report.cross is not None else None
    freetext, data = (sheet_name(name, taken) for name in (_("Free text"), _("Data")))
    repeats = [sheet_name(one.repeat.text(report.lang), taken) for one in report.instances]
    versions = codebook_versions(report)
    codebooks = [sheet_name(_("Codebook") if len(versions) == 1 else _("Codebook %(version)s", version=version),
                            taken) for version, _definition in versions]
    described = sheet_descriptions(report)
    listing = [(m.name, m.description) for m in measures]
    listing += [(name, r.section.text(report.lang)) for name, r in zip(sections, report.sections)]
    if cross:
        listing.append((cross, report.cross_title))
    not_answered = sheet_name(_("Not answered"), taken)
    listing += [(not_answered, _("Municipalities in the frame without a completed submission, per county"))]
    listing += [(freetext, described["freetext"]), (data, described["data"])]
    listing += [(name, _("One row per instance of a repeated group, keyed to the Data sheet by the submission"))
                for name in repeats]
    listing += [(name, codebook_description(report, version)) for name, (version, _d) in zip(codebooks, versions)]

    def tick(stage: str, total: int):
        return (lambda done: progress(stage, done, total)) if progress else None

    write_overview(wb.create_sheet(overview), report, listing)
    for sheet in measures:
        sheet.write(wb.create_sheet(sheet.name), report)
    for i, (name, result) in enumerate(zip(sections, report.sections), 1):
        write_section(wb.create_sheet(name), result, report, i)
        if progress:
            progress("sections", i, len(sections))
    if cross:
        write_cross(wb.create_sheet(cross), report)
    write_missing(wb.create_sheet(not_answered), report)
    write_freetext(wb.create_sheet(freetext), report, tick("freetext", report.n))
    write_data(wb.create_sheet(data), report, tick("data", report.n))
    for name, instances in zip(repeats, report.instances):
        write_instances(wb.create_sheet(name), report, instances)
    for name, (version, definition) in zip(codebooks, versions):
        write_codebook(wb.create_sheet(name), report, version, definition)
    if progress:
        progress("save", 0, 1)
    wb.save(out)
    if progress:
        progress("save", 1, 1)


def save_workbook(report: Report, path: str | os.PathLike, progress: Progress | None = None) -> Path:
    """Write the workbook next to `path` and move it into place, so a failed export leaves no half file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".xlsx", dir=target.parent)
    os.close(fd)
    try:
        write_workbook(report, tmp, progress)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def workbook_filename(flt: ExportFilter) -> str:
    """A download name such as kub-webbenkat-lan-24.xlsx."""
    parts = [flt.questionnaire]
    if flt.counties:
        parts.append("lan-" + "-".join(flt.counties))
    if flt.municipalities:
        parts.append("kommun-" + "-".join(flt.municipalities[:3]))
    if flt.round:  # checked against the questionnaire's rounds: letters, digits, '_' and '-'
        parts.append("omgang-" + flt.round)
    return "-".join(parts) + ".xlsx"
