"""Findings of a survey: aggregated tables, an Excel workbook, CSV files and SVG charts.

A library over the store (it never imports Flask). Typical use::

    report = build_report(db, ExportFilter("kub-webbenkat", counties=("24",)), lang="sv")
    save_workbook(report, "vasterbotten.xlsx")
    write_csv(report, "vasterbotten.csv", sep=";")
"""

from .csv_export import csv_filename, iter_csv, write_csv
from .filters import ExportFilter, FilterError
from .report import Report, build_report, export_report
from .workbook import save_workbook, workbook_filename, write_workbook

__all__ = [
    "ExportFilter", "FilterError", "Report", "build_report", "csv_filename", "export_report", "iter_csv", "save_workbook",
    "workbook_filename", "write_csv", "write_workbook",
]
