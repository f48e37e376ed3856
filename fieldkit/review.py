"""The review pages of the central server: list and filter, open, correct answers, history, mark reviewed,
exclude, resolve sync conflicts. County users may read (their county, without personal answers);
evaluators and admins may change."""

from __future__ import annotations

from collections import Counter

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from forms import registry
from forms.answers import clean_answers
from forms.display import format_answer, format_instance, format_rows
from forms.webform import formdata_for, instance_counts
from sync import conflicts, devices, reviewing, store

from . import i18n
from .auth import actor, current_scope, may, roles_required
from .db import get_db
from .interview import (
    find_section,
    form_class,
    hidden_questions,
    merge_section_raw,
    progress,
    section_warnings,
)

bp = Blueprint("review", __name__, url_prefix="/granskning")

READERS = ("admin", "evaluator", "county")
EDITORS = ("admin", "evaluator")


def _titles(db):
    lang = i18n.current_language()
    return {q["id"]: (q["title_en"] if lang == "en" else q["title_sv"]) or q["id"]
            for q in store.list_questionnaires(db)}


@bp.get("/")
@roles_required(*READERS)
def index():
    db = get_db()
    scope = current_scope()
    flt = reviewing.ReviewFilter.from_args(request.args)
    size = current_app.config["PAGE_SIZE"]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows = reviewing.find(db, flt, scope, limit=size, offset=(page - 1) * size)
    total = reviewing.count(db, flt, scope)
    counties = [c for c in registry.counties() if not scope.county_code or c.code == scope.county_code]
    municipalities = [m for m in registry.municipalities()
                      if (not scope.county_code or m.county_code == scope.county_code)
                      and (not flt.county or m.county_code == flt.county)]
    return render_template("review/index.html", rows=rows, flt=flt, total=total, page=page,
                           pages=max(1, -(-total // size)), titles=_titles(db), counties=counties,
                           municipalities=municipalities, scope=scope,
                           districts=[d for d in registry.districts()
                                      if d.municipality_code in {m.code for m in municipalities}])


def parallel_numbers(revisions) -> list[int]:
    """Revision numbers that more than one revision has.

    A revision takes the number after its parent's, so when two laptops change an interview at the same
    time (a sync conflict) both changes get the same number, and the revision joining them the next one:
    after one resolved conflict the newest is revision 3 of 4. The pages say so rather than leave the
    evaluator to wonder which count is wrong.
    """
    counts = Counter(r["number"] for r in revisions)
    return sorted(number for number, times in counts.items() if times > 1)


def _opened(sid):
    return reviewing.open_submission(get_db(), sid, current_scope())


@bp.get("/<sid>")
@roles_required(*READERS)
def show(sid):
    db = get_db()
    opened = _opened(sid)
    lang = i18n.current_language()
    open_conflicts = conflicts.open_for(db, sid) if may(*EDITORS) else []
    revisions = store.list_revisions(db, sid)
    return render_template("review/show.html", o=opened, sub=opened.sub, questionnaire=opened.questionnaire,
                           lang=lang, municipality=registry.municipality(opened.sub.municipality_code),
                           format_answer=format_answer, format_rows=format_rows, titles=_titles(db),
                           open_conflicts=open_conflicts, revisions=revisions, parallel=parallel_numbers(revisions))


@bp.get("/<sid>/historik")
@roles_required(*READERS)
def history(sid):
    opened, revisions, rows = reviewing.history(get_db(), sid, current_scope())
    changed_only = request.args.get("alla") != "1" and any(row["ever_changed"] for row in rows)
    if changed_only:
        rows = [row for row in rows if row["ever_changed"]]
    return render_template("review/history.html", o=opened, sub=opened.sub, questionnaire=opened.questionnaire,
                           revisions=revisions, rows=rows, lang=i18n.current_language(), changed_only=changed_only,
                           parallel=parallel_numbers(revisions),
                           senders=devices.senders(get_db(), [r["id"] for r in revisions]),
                           municipality=registry.municipality(opened.sub.municipality_code),
                           format_answer=format_answer)


@bp.route("/<sid>/andra/<section_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(sid, section_id):
    db = get_db()
    opened = _opened(sid)
    sub, questionnaire = opened.sub, opened.questionnaire
    current = find_section(questionnaire, section_id)
    if current is None:
        abort(404)
    if sub.status != "complete":
        flash(gettext("Only completed interviews can be corrected."), "error")
        return redirect(url_for(".show", sid=sid))
    lang = i18n.current_language()
    counts = instance_counts(current, request.form, posted=True) if request.method == "POST" \
        else instance_counts(current, sub.answers)
    Form = form_class(questionnaire, current, lang, counts)
    raw, comment, status, problem = sub.answers, "", 200, None
    if request.method == "POST":
        form = Form(request.form)
        comment = (request.form.get("comment") or "").strip()
        raw = merge_section_raw(sub.answers, current, form.raw_values())
        form.validate_answers(raw)
        cleaned = clean_answers(questionnaire, raw, lang=lang)
        if not comment:
            problem, status = gettext("Write a comment saying why the answers change."), 422
        elif form.section_errors() or not cleaned.ok:
            problem, status = gettext("The answers are not valid; correct the errors below."), 422
        else:
            try:
                reviewing.edit_answers(db, sid, cleaned.answers, actor=actor(), comment=comment,
                                       base_revision=request.form.get("base") or "")
            except reviewing.StaleEdit:
                flash(gettext("The interview got a newer revision while you were editing it, so your correction "
                              "was not saved. See the current answers below and correct again."), "error")
                return redirect(url_for(".show", sid=sid))
            except reviewing.ReviewError:
                flash(gettext("Nothing changed; no new revision was saved."), "info")
                return redirect(url_for(".show", sid=sid))
            flash(gettext("The correction is saved as a new revision."), "success")
            return redirect(url_for(".show", sid=sid))
    else:
        form = Form(data=formdata_for(questionnaire, current, raw))
    cleaned, _sections = progress(questionnaire, raw)
    form.piped = {**cleaned.answers, **cleaned.derived}  # as the interview page shows labels
    # A choice filter as on the interview page: narrowed by the other pages' answers, and live (app.js) over
    # an answer on this page.
    form.offer_choices(cleaned.answers)
    response = make_response(render_template(
        "review/edit.html", sub=sub, questionnaire=questionnaire, section=current, form=form, lang=lang,
        hidden=set(hidden_questions(current, cleaned)), comment=comment, problem=problem,
        warnings={q.id for q in section_warnings(current, cleaned)},
        municipality=registry.municipality(sub.municipality_code)), status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<sid>/granskad")
@roles_required(*EDITORS)
def mark_reviewed(sid):
    _opened(sid)
    reviewed = request.form.get("reviewed") == "1"
    reviewing.set_reviewed(get_db(), sid, reviewed, actor=actor())
    flash(gettext("The interview is marked as reviewed.") if reviewed else gettext("The reviewed mark was removed."),
          "success")
    return redirect(url_for(".show", sid=sid))


@bp.post("/<sid>/exkludera")
@roles_required(*EDITORS)
def exclude(sid):
    _opened(sid)
    excluded = request.form.get("excluded") == "1"
    try:
        reviewing.set_excluded(get_db(), sid, excluded, actor=actor(), reason=request.form.get("reason", ""))
    except reviewing.ReviewError:
        flash(gettext("Give a reason for excluding."), "error")
        return redirect(url_for(".show", sid=sid))
    flash(gettext("The interview is excluded from exports and reports.") if excluded
          else gettext("The interview is included in the analysis again."), "success")
    return redirect(url_for(".show", sid=sid))


@bp.route("/<sid>/konflikt/<int:conflict_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def resolve(sid, conflict_id):
    db = get_db()
    _opened(sid)
    found = conflicts.sides(db, sid, conflict_id)
    choices = conflicts.suggested_choices(found)
    comment, problem, status = "", None, 200
    if request.method == "POST":
        choices = {key: request.form.get("choice-" + key, "") for d in found.differences for key in d.choice_keys()}
        comment = (request.form.get("comment") or "").strip()
        try:
            conflicts.resolve(db, sid, conflict_id, choices, actor=actor(), comment=comment)
        except conflicts.ConflictError as exc:
            if exc.missing:  # for the reader: question texts in the page's language, not ids
                texts = [_choice_text(found, key, i18n.current_language()) for key in exc.missing]
                problem = gettext("Choose which answer to keep for: %(questions)s", questions="; ".join(texts))
            else:
                problem = str(exc)
            status = 422
        else:
            flash(gettext("The conflict is resolved; the chosen answers are saved as a new revision."), "success")
            return redirect(url_for(".show", sid=sid))
    lang = i18n.current_language()
    return render_template("review/conflict.html", found=found, sub=found.sub, questionnaire=found.questionnaire,
                           EACH=conflicts.EACH, instance_choice=conflicts.instance_choice,
                           format_instance=format_instance, choices=choices, comment=comment, problem=problem, lang=lang,
                           senders=devices.senders(get_db(), [found.head_meta.get("id"), found.other_meta.get("id")]),
                           municipality=registry.municipality(found.sub.municipality_code),
                           format_answer=format_answer), status


def _choice_text(found: conflicts.Sides, key: str, lang: str) -> str:
    """A choice the evaluator has not made, as the page names it: the question, or the repeat and its instance."""
    for diff in found.differences:
        label = diff.question.text(lang) if diff.question else diff.qid
        if key == diff.qid:
            return label
        for row in diff.instances or []:
            if key == conflicts.instance_choice(diff.qid, row.number):
                return f"{label}: {diff.question.instance_text(lang, row.number)}"
    return key
