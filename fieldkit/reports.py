"""The reports pages: findings per questionnaire with filters, charts, tables and downloads.

County users see their own county only and no personal answers, like on the
review pages. The workbook is built in a background thread (see export_jobs)
and the page showing its progress refreshes itself; CSV files are streamed.
"""

from __future__ import annotations

import datetime
import re
import threading
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext

from exports import (
    ExportFilter,
    FilterError,
    build_report,
    csv_filename,
    export_report,
    iter_csv,
    save_workbook,
    workbook_filename,
)
from exports.filters import BY_COUNTY, BY_DEFAULT, MAX_SMALLEST, STATUSES, TableOptions, check_filter, within
from exports.grouping import check_options, default_grouping
from exports.grouping import choices as table_choices
from exports.report import load_schema, questionnaire_ids
from exports.rounds import with_round
from exports.suppression import PROTECTING
from forms import registry
from sync import store
from sync.selection import Selection
from sync.selection import where as selection_where

from . import i18n
from .auth import actor, address, current_scope, roles_required
from .db import get_db
from .export_jobs import JobRunner
from .report_cache import PageCache, without_answers
from .report_tables import cross_view, reading_notes, repeat_views, response_view, section_views

bp = Blueprint("reports", __name__, url_prefix="/rapporter")

READERS = ("admin", "evaluator", "county")
_runner_lock = threading.Lock()
_cache_lock = threading.Lock()


def runner() -> JobRunner:
    """The app's export threads, started on first use (the factory starts nothing)."""
    app = current_app
    with _runner_lock:
        jobs = app.extensions.get("fieldkit_export_jobs")
        if jobs is None:
            jobs = app.extensions["fieldkit_export_jobs"] = JobRunner(Path(app.instance_path) / "exports")
    return jobs


def _day(raw: str | None, name: str) -> datetime.date | None:
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):  # written right, but no such day (2025-02-30)
            raise FilterError(gettext("the start date (from) %(value)s is not a day of the calendar", value=repr(raw))
                              if name == "from" else
                              gettext("the end date (to) %(value)s is not a day of the calendar", value=repr(raw))
                              ) from None
        message = gettext("the start date (from) must be a date written YYYY-MM-DD, not %(value)s", value=repr(raw)) \
            if name == "from" else \
            gettext("the end date (to) must be a date written YYYY-MM-DD, not %(value)s", value=repr(raw))
        raise FilterError(message) from None


def request_filter(qid: str) -> ExportFilter:
    """The filter of the query string, with the user's county forced on it."""
    args = request.values
    counties = tuple(c for c in args.getlist("lan") if c)
    scope = current_scope()
    if scope.county_code:
        counties = (scope.county_code,)
    status = args.get("status") or "complete"
    return ExportFilter(qid, counties, tuple(m for m in args.getlist("kommun") if m),
                        _day(args.get("from"), "from"), _day(args.get("to"), "to"), status,
                        tables=_table_options(args), round=(args.get("omgang") or "").strip(),
                        districts=tuple(d for d in args.getlist("stadsdel") if d))


def _table_options(args) -> TableOptions:
    """Grouping (grupp), cross-table (kors, twice: rows then columns) and smallest count shown (minsta)."""
    cross = tuple(c for c in args.getlist("kors") if c)
    raw = (args.get("minsta") or "0").strip()
    try:
        smallest = int(raw)
    except ValueError:
        raise FilterError(gettext("the smallest count shown (minsta) must be a whole number, not %(value)s",
                                  value=repr(raw))) from None
    if not 0 <= smallest <= MAX_SMALLEST:  # a whole number, yet out of range: say the range, not "whole number"
        raise FilterError(gettext("the smallest count shown (minsta) must be from 0 to %(most)s, not %(value)s",
                                  most=MAX_SMALLEST, value=repr(raw)))
    return TableOptions(args.get("grupp") or BY_DEFAULT, cross if len(cross) == 2 else (), smallest)


def _query(flt: ExportFilter, default: str | None = None) -> dict:
    """The filter as query arguments for links; the grouping unless it is the questionnaire's `default` one."""
    query: dict = {"lan": list(flt.counties), "kommun": list(flt.municipalities), "status": flt.status}
    options = flt.tables
    if options.group_by not in (BY_DEFAULT, default or BY_COUNTY):
        query["grupp"] = options.group_by
    if options.cross:
        query["kors"] = list(options.cross)
    if options.min_count:
        query["minsta"] = options.min_count
    if flt.round:
        query["omgang"] = flt.round
    if flt.districts:
        query["stadsdel"] = list(flt.districts)
    if flt.date_from:
        query["from"] = flt.date_from.isoformat()
    if flt.date_to:
        query["to"] = flt.date_to.isoformat()
    return query


def _titles(db) -> dict[str, str]:
    lang = i18n.current_language()
    return {q["id"]: (q["title_en"] if lang == "en" else q["title_sv"]) or q["id"] for q in store.list_questionnaires(db)}


@bp.get("/")
@roles_required(*READERS)
def index():
    db = get_db()
    scope = current_scope()
    where, params = selection_where(Selection(status="complete", excluded=False), scope)
    counts = dict(db.execute(f"select s.questionnaire_id, count(*) from submissions s where {where} "
                             "group by s.questionnaire_id", params).fetchall())
    rows = [(q, counts.get(q["id"], 0)) for q in store.list_questionnaires(db)]
    county = registry.county(scope.county_code) if scope.county_code else None
    return render_template("reports/index.html", rows=rows, titles=_titles(db), county=county)


def _district_choices(db, qid: str, scope) -> list:
    """(municipality, its districts) within the user's county, for a questionnaire answered per district."""
    if qid not in questionnaire_ids(db) or store.get_questionnaire(db, qid).level != "district":
        return []
    return [(m, registry.districts_of(m.code)) for m in registry.municipalities()
            if registry.districts_of(m.code) and (not scope.county_code or m.county_code == scope.county_code)]


def _form_choices(scope):
    counties = [c for c in registry.counties() if not scope.county_code or c.code == scope.county_code]
    groups = [(c, registry.in_county(c.code)) for c in counties]
    return counties, groups


def page_cache() -> PageCache:
    """The app's kept report pages, made on first use."""
    app = current_app
    with _cache_lock:
        cache = app.extensions.get("fieldkit_report_pages")
        if cache is None:
            cache = app.extensions["fieldkit_report_pages"] = PageCache(app.config["REPORT_CACHE_SIZE"])
    return cache


def _page(db, flt: ExportFilter, lang: str, scope) -> dict:
    """What the report page shows for `flt`: the report without its answers, and its tables as views."""
    built = build_report(db, flt, lang, scope=scope)
    return {"r": without_answers(built), "flt": built.filter, "response": response_view(built),
            "sections": section_views(built), "repeats": repeat_views(built), "cross": cross_view(built),
            "reading": reading_notes(built), "protecting": PROTECTING,
            "query": _query(built.filter, built.schema.questionnaire.group_by)}


def _one_county(qid: str, flt: ExportFilter, query: dict, counties, scope) -> list[tuple]:
    """(county, link, shown now) to see each county alone with the rest of the filter; none for a county user."""
    if scope.county_code:
        return []
    rest = {**query, "kommun": []}
    return [(c, url_for(".report", qid=qid, **{**rest, "lan": [c.code]}), flt.counties == (c.code,))
            for c in counties]


def _grouping_choices(db, qid: str, scope) -> list[tuple[str, str]]:
    """What the tables may be grouped or crossed by (personal questions only for those who may see them)."""
    if qid not in questionnaire_ids(db):
        return []
    schema, _versions = load_schema(db, qid, scope.personal)
    return table_choices(schema, i18n.current_language())


def _round_choices(db, qid: str) -> list[tuple[str, str]]:
    """(id, "title (first day – last day)") of each survey round of the questionnaire (its newest version's)."""
    if qid not in questionnaire_ids(db):
        return []
    lang = i18n.current_language()
    return [(r.id, f"{r.text(lang)} ({r.start} – {r.end})") for r in store.get_questionnaire(db, qid).rounds]


@bp.get("/<qid>")
@roles_required(*READERS)
def report(qid):
    db = get_db()
    scope = current_scope()
    lang = i18n.current_language()
    counties, groups = _form_choices(scope)
    try:
        flt = request_filter(qid)
        marker = store.change_count(db)  # read before building: a write meanwhile rebuilds next time
        page = page_cache().fetch(marker, (flt, scope, lang), lambda: _page(db, flt, lang, scope))
    except FilterError as exc:
        if qid not in questionnaire_ids(db):
            abort(404)
        return render_template("reports/report.html", qid=qid, error=exc.text(lang), flt=None, counties=counties,
                               groups=groups, statuses=STATUSES, scope=scope, one_county=[],
                               district_groups=_district_choices(db, qid, scope),
                               by=_grouping_choices(db, qid, scope), rounds=_round_choices(db, qid),
                               chosen_round=request.values.get("omgang", "")), 400
    return render_template("reports/report.html", qid=qid, error=None, counties=counties, groups=groups,
                           district_groups=_district_choices(db, qid, scope), statuses=STATUSES, scope=scope, one_county=_one_county(qid, page["flt"], page["query"], counties, scope),
                           by=_grouping_choices(db, qid, scope), rounds=_round_choices(db, qid),
                           chosen_round=page["flt"].round, **page)


def _checked(db, qid: str) -> ExportFilter:
    """The request's filter, checked and within the user's scope; a FilterError is a 400 page in the reader's
    language (fieldkit.errors). The scope is imposed here, not only when the report is built, so that the
    file's name and the page's back link name the filter actually applied."""
    flt = within(check_filter(request_filter(qid), questionnaire_ids(db)), current_scope())
    with_round(flt, store.get_questionnaire(db, qid))  # an unknown round or grouping: refused now, not in the job
    schema, _versions = load_schema(db, qid, _export_personal())
    check_options(schema, default_grouping(flt, schema).tables)
    return flt


def _export_personal() -> bool:
    """Personal answers go into a download only when an admin or evaluator asks for them (personal=1)."""
    return current_scope().personal and request.values.get("personal") == "1"


@bp.get("/<qid>/csv")
@roles_required(*READERS)
def csv_download(qid):
    db = get_db()
    flt = _checked(db, qid)
    long_form = request.args.get("form") == "long"
    sep = ";" if request.args.get("sep") == ";" else ","
    built = export_report(db, flt, "csv-long" if long_form else "csv", actor=actor(), lang=i18n.current_language(),
                          include_personal=_export_personal(), scope=current_scope(), address=address())
    response = Response(iter_csv(built, long=long_form, sep=sep), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    name = csv_filename(flt, long_form, i18n.current_language())
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.post("/<qid>/xlsx")
@roles_required(*READERS)
def xlsx_start(qid):
    db = get_db()
    flt = _checked(db, qid)
    lang = i18n.current_language()
    personal = _export_personal()
    db_path = current_app.config["DB"]
    who, scope, where = actor(), current_scope(), address()

    def build(path, progress):
        job_db = store.open_db(db_path)
        try:
            report = export_report(job_db, flt, "xlsx", actor=who, lang=lang, include_personal=personal, scope=scope,
                                   address=where, progress=progress)
            save_workbook(report, path, progress)
        finally:
            job_db.conn.close()

    back = url_for(".report", qid=qid, **_query(flt, store.get_questionnaire(db, qid).group_by))
    job = runner().submit(who, workbook_filename(flt), build, back)
    return redirect(url_for(".job", job_id=job.id), code=303)


def _job_or_404(job_id):
    job = runner().get(job_id, actor())
    if job is None:
        abort(404)
    return job


@bp.get("/jobb/<job_id>")
@roles_required(*READERS)
def job(job_id):
    found = _job_or_404(job_id)
    return render_template("reports/job.html", job=found)


@bp.get("/jobb/<job_id>/fil")
@roles_required(*READERS)
def job_file(job_id):
    found = _job_or_404(job_id)
    if found.status != "done":
        return redirect(url_for(".job", job_id=job_id))
    if not Path(found.path).is_file():
        abort(404)  # discarded, e.g. by `fieldkit erase`: build it again
    return send_file(found.path, as_attachment=True, download_name=found.filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
