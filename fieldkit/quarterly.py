"""The quarterly feedback to a county board as a page and a workbook download (exports.quarterly).

A county user gets their own county whatever the query asks for, like on the other reports
pages; the others pick a county. The download is recorded in the audit log.

The page's report is kept in the reports pages' cache (`report_cache`) under the county, quarter,
scope and language while the store's change count stays: it reads only submissions (of the
contact log and the quarterly follow-up) and the fixed lists of counties and municipalities, so
any write that could change its figures moves the count. The download is always built anew: it is
audited with the number of requests it holds.
"""

from __future__ import annotations

import datetime
import io

from flask import Blueprint, render_template, request, send_file
from markupsafe import Markup

from exports.filters import FilterError
from exports.quarterly import Quarter, build_quarterly, export_quarterly
from exports.svg import stacked_chart
from exports.xlsx_quarterly import write_quarterly
from forms import registry
from sync import store

from . import i18n
from .auth import actor, address, current_scope, roles_required
from .db import get_db
from .reports import READERS, page_cache

bp = Blueprint("quarterly", __name__, url_prefix="/rapporter/kvartalsaterkoppling")


def _asked() -> tuple[str, str]:
    """(county, quarter) of the query: a county user's own county; by default the last whole quarter."""
    scope = current_scope()
    county = scope.county_code or (request.args.get("lan") or "").strip()
    last = Quarter.of(datetime.date.today()).shift(-1)
    return county, (request.args.get("kvartal") or last.code).strip()


def _charts(report) -> list[tuple[str, Markup]]:
    """The stacked bars per municipality and per quarter as SVG (texts escaped by exports.svg)."""
    lang = report.lang
    out = []
    for title, bars in ((report.gettext("Answers per municipality, %(quarter)s", quarter=report.quarter.label(lang)),
                         report.bars),
                        (report.gettext("Answers per quarter, %(county)s", county=report.county), report.trend_bars)):
        rows = [(f"{bar.label} ({bar.n})", bar.shares) for bar in bars if bar.n]
        if rows:
            out.append((title, Markup(stacked_chart(title, rows, report.legend, lang))))
    return out


@bp.get("/")
@roles_required(*READERS)
def page():
    scope = current_scope()
    counties = [c for c in registry.counties() if not scope.county_code or c.code == scope.county_code]
    county, quarter = _asked()
    report, error = None, None
    if county:
        db, lang = get_db(), i18n.current_language()
        try:
            marker = store.change_count(db)  # read before building: a write meanwhile rebuilds next time
            report = page_cache().fetch(marker, ("kvartal", county, quarter.upper(), scope, lang),
                                        lambda: build_quarterly(db, county, quarter, lang, scope))
        except FilterError as exc:
            error = exc.text(lang)
    status = 400 if error else 200
    return render_template("reports/quarterly.html", report=report, error=error, counties=counties, county=county,
                           quarter=quarter, scope=scope, r=None, charts=_charts(report) if report else []), status


@bp.get("/xlsx")
@roles_required(*READERS)
def workbook():
    county, quarter = _asked()
    report = export_quarterly(get_db(), county, quarter, actor=actor(), lang=i18n.current_language(),
                              scope=current_scope(), address=address())  # a FilterError is a 400 page
    buffer = io.BytesIO()
    write_quarterly(report, buffer)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=report.filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
