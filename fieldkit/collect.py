"""The field app: start an interview, fill it in section by section, autosave, complete, list."""

from __future__ import annotations

import json
from urllib.parse import urlparse

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from forms import metadata, registry
from forms.answers import clean_answers
from forms.display import format_answer, format_rows
from forms.model import OTHER_SUFFIX, split_instance_key
from forms.webform import apply_rank_post, formdata_for, instance_counts
from sync import accounts, store
from sync.selection import Selection

from . import errors, i18n
from .auth import actor, current_scope, current_user
from .db import get_db
from .templating import LOCAL_ZONE, localtime
from .interview import (
    BASE_FIELD,
    CHANGED_FIELD,
    DELTA_FIELD,
    INSTANCES_FIELD,
    changed_keys,
    find_section,
    instance_prints,
    merge_changed,
    parse_deltas,
    placed_action,
    section_version,
    form_class,
    hidden_questions,
    merge_section_raw,
    neighbour,
    progress,
    section_warnings,
    unanswered,
    change_instances,
)
from .urls import local_target

bp = Blueprint("collect", __name__)

#: More open drafts than this on one laptop is not a working state; the start page says how many there are.
MAX_DRAFTS_LISTED = 1000


def _municipalities_by_county():
    groups = []
    for county in registry.counties():
        groups.append((county, registry.in_county(county.code)))
    return groups


def _districts_by_municipality():
    return [(registry.municipality(code), registry.districts_of(code))
            for code in dict.fromkeys(d.municipality_code for d in registry.districts())]


@bp.get("/")
def start():
    db = get_db()
    questionnaires = store.list_questionnaires(db)
    drafts = store.list_submissions(db, Selection(open_draft=True), current_scope(), limit=MAX_DRAFTS_LISTED)
    return render_template("collect/start.html", questionnaires=questionnaires, groups=_municipalities_by_county(),
                           districts=_districts_by_municipality(),
                           per_district={q["id"] for q in questionnaires
                                         if store.get_questionnaire(db, q["id"]).level == "district"},
                           drafts=drafts, titles=_titles(questionnaires), field=_on_field_laptop(),
                           interviewer=store.get_settings(db).get("interviewer"),
                           name_length=accounts.MAX_NAME)


def _on_field_laptop() -> bool:
    return g.get("mode", "field") != "central"


@bp.post("/intervjuare")
def set_interviewer():
    """Name the field laptop's interviewer; interviews started afterwards carry the name."""
    if not _on_field_laptop():
        abort(404)  # on the central server the logged-in user is the interviewer
    try:
        name = accounts.set_interviewer(get_db(), request.form.get("interviewer", ""), actor=actor())
    except accounts.AccountError:
        flash(gettext("Write the interviewer's name (at most %(limit)s characters).", limit=accounts.MAX_NAME),
              "error")
    else:
        flash(gettext("New interviews are registered to %(name)s.", name=name), "success")
    return redirect(url_for(".start"))


def _titles(questionnaires):
    lang = i18n.current_language()
    return {q["id"]: (q["title_en"] if lang == "en" else q["title_sv"]) or q["id"] for q in questionnaires}


@bp.post("/start")
def start_post():
    db = get_db()
    qid = request.form.get("questionnaire", "")
    code = request.form.get("municipality", "")
    known = {q["id"] for q in store.list_questionnaires(db)}
    if qid not in known or registry.municipality(code) is None:
        flash(gettext("Choose a questionnaire and a municipality."), "error")
        return redirect(url_for(".start"))
    if _on_field_laptop() and not store.get_settings(db).get("interviewer"):
        flash(gettext("Write who is interviewing before starting an interview."), "error")
        return redirect(url_for(".start"))
    questionnaire = store.get_questionnaire(db, qid)
    district = request.form.get("district", "").strip() or None
    if questionnaire.level == "district" and district not in {d.code for d in registry.districts_of(code)}:
        flash(gettext("%(questionnaire)s is answered per district: choose a district of %(municipality)s.",
                      questionnaire=_titles(store.list_questionnaires(db))[qid],
                      municipality=registry.municipality(code).name), "error")
        return redirect(url_for(".start"))
    if questionnaire.level != "district" and district:
        flash(gettext("%(questionnaire)s is answered per municipality: leave the district empty.",
                      questionnaire=_titles(store.list_questionnaires(db))[qid]), "error")
        return redirect(url_for(".start"))
    user = current_user()
    sid = store.create_submission(db, qid, code, interviewer=None if user.local else user.name,
                                  district_code=district)
    return redirect(url_for(".section", sid=sid, section_id=questionnaire.sections[0].id))


def _load(sid):
    db = get_db()
    sub = store.get_submission(db, sid)
    questionnaire = store.get_questionnaire(db, sub.questionnaire_id, sub.questionnaire_version)
    return db, sub, questionnaire


@bp.get("/s/<sid>")
def resume(sid):
    _db, sub, questionnaire = _load(sid)
    if sub.draft is None:
        return redirect(url_for(".summary", sid=sid))
    _cleaned, sections = progress(questionnaire, sub.draft["raw"])
    section_id = sub.draft.get("section_id")
    if not any(s.id == section_id for s in sections):
        section_id = sections[0].id
    return redirect(url_for(".section", sid=sid, section_id=section_id))


@bp.route("/s/<sid>/del/<section_id>", methods=["GET", "POST"])
def section(sid, section_id):
    db, sub, questionnaire = _load(sid)
    if sub.draft is None:
        return redirect(url_for(".summary", sid=sid))
    current = find_section(questionnaire, section_id)
    if current is None:
        abort(404)
    lang = i18n.current_language()
    raw = sub.draft["raw"]
    notice = None
    if request.method == "POST":
        try:
            form, raw, cleaned, sections, saved = _save_posted(db, sub, questionnaire, current,
                                                               request.form.get("repeat"))
        except store.NotEditable:
            return redirect(url_for(".summary", sid=sid))
        if "repeat" in request.form:  # add, remove or move an instance: the page again, at that instance
            anchor = saved.get("anchor")
            return redirect(url_for(".section", sid=sid, section_id=current.id) + (f"#{anchor}" if anchor else ""))
        # "Clear the answer" posts the page back, as "stay" does, without that question's answer.
        action = "stay" if "clear" in request.form or "move" in request.form else request.form.get("action", "next")
        if action == "prev":
            target = neighbour(sections, questionnaire, current.id, -1)
            return redirect(url_for(".section", sid=sid, section_id=target.id) if target else url_for(".resume", sid=sid))
        form.validate_answers(raw)
        visible = [q.id for q in current.questions if q.id not in set(cleaned.skipped)]
        newly_shown = set(visible) - set(request.form.getlist("shown")) if "shown" in request.form else set()
        # A warning stops the interviewer once, so that it is read; posted again with it shown, the page goes on.
        newly_warned = {q.id for q in section_warnings(current, cleaned)} - set(request.form.getlist("warned")) \
            if "shown" in request.form else set()
        if newly_shown:
            notice = gettext("Your answers made new questions appear on this page. Answer them and continue.")
        elif newly_warned and not form.section_errors():
            notice = gettext("Check the warnings on this page. You can continue anyway.")
        if not form.section_errors() and not newly_shown and not newly_warned and action != "stay":
            target = neighbour(sections, questionnaire, current.id, 1)
            if target is None:
                return redirect(url_for(".review", sid=sid))
            return redirect(url_for(".section", sid=sid, section_id=target.id))
        status = 422 if form.section_errors() else 200
    else:
        form = form_class(questionnaire, current, lang, instance_counts(current, raw))(
            data=formdata_for(questionnaire, current, raw))
        cleaned, sections = progress(questionnaire, raw)
        status = 200
    hidden = set(hidden_questions(current, cleaned))
    if current not in sections:
        # The section is not relevant for the answers given: go on to one that is.
        target = neighbour(sections, questionnaire, current.id, 1) or sections[-1]
        return redirect(url_for(".section", sid=sid, section_id=target.id))
    position = sections.index(current) + 1
    form.piped = {**cleaned.answers, **cleaned.derived}  # shown in place of ${section.question} in labels
    form.offer_choices(cleaned.answers)  # a choice filter over an earlier page's answer
    response = make_response(render_template(
        "collect/section.html", sub=sub, questionnaire=questionnaire, section=current, form=form,
        hidden=hidden, position=position, total=len(sections), notice=notice,
        warnings={q.id for q in section_warnings(current, cleaned)}
        | {key for key in cleaned.warnings if key.split("[")[0] in {q.id for q in current.questions}},
        has_previous=neighbour(sections, questionnaire, current.id, -1) is not None,
        has_next=neighbour(sections, questionnaire, current.id, 1) is not None,
        municipality=registry.municipality(sub.municipality_code), lang=lang,
        draft_seq=sub.draft.get("seq", 0), draft_saved_at=sub.draft.get("saved_at"),
        draft_version=section_version(current, raw), draft_instances=instance_prints(current, raw),
        autosave_delay=current_app.config["AUTOSAVE_DELAY_MS"],
    ), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _open_section(sid, section_id):
    """(db, submission, questionnaire, section) of a draft's section a script asks about: 404 for an unknown
    section, 409 (NotEditable) once the interview is completed."""
    db, sub, questionnaire = _load(sid)
    current = find_section(questionnaire, section_id)
    if current is None:
        abort(404)
    if sub.draft is None:
        raise store.NotEditable(f"submission {sid} is not open for editing")
    return db, sub, questionnaire, current


@bp.post("/s/<sid>/autosave/<section_id>")
def autosave(sid, section_id):
    db, sub, questionnaire, current = _open_section(sid, section_id)
    form, _raw, cleaned, _sections, saved = _save_posted(db, sub, questionnaire, current,  # NotEditable: 409
                                                         refuse_invalid=True)
    if saved is None:
        # An answer that is no answer to its question (too long, not a number...) is told at once, beside its
        # question; nothing is saved, and the browser keeps its copy until the server has the corrected page.
        return jsonify({"error": gettext("Not saved: correct the marked answer"), "errors": form.question_errors(),
                        "status": 422}), 422
    return jsonify({**saved, "saved_time": localtime(saved["saved_at"], time_only=True),
                    "hidden": hidden_questions(current, cleaned)})


def _save_posted(db, sub, questionnaire, current, repeat_action=None, *, refuse_invalid=False):
    """Save the posted values of one section into the draft: (form, raw, cleaned, sections, saved).

    A repeat button (`repeat_action`, see `change_instances`) is applied in the same save; `saved["anchor"]`
    is then the element to show. Raises store.NotEditable when the submission is no longer open for editing.

    A page with the script posts `_changed`, the questions changed on it since its last acknowledged save:
    only those are taken from the post, the draft keeps what another tab saved in the others (`merge_changed`).
    A post without it (no JavaScript) saves the whole section as posted.

    With `refuse_invalid` (autosave) nothing is saved when an answer is no answer to its question: `saved` is
    then None and the form carries the messages (`question_errors`).
    """
    counts = instance_counts(current, request.form, posted=True)
    lang = i18n.current_language()
    form = form_class(questionnaire, current, lang, counts)(request.form)
    cleared = request.form.get("clear")
    instance_field = split_instance_key(cleared or "")
    if instance_field and cleared in form._fields:
        child = questionnaire.question(instance_field[2])
        if child is not None and child.type in ("single", "scale", "yesno"):
            form[cleared].data = None
    values = form.raw_values()
    if any(q.id == cleared and q.type in ("single", "scale", "yesno") for q in current.questions):
        values[cleared] = None
        form[cleared].data = None
    apply_rank_post(form, values, request.form.get("move"), cleared)
    marked = CHANGED_FIELD in request.form
    keys = changed_keys(current, request.form[CHANGED_FIELD], counts) if marked else set()
    deltas = parse_deltas(current, request.form.get(DELTA_FIELD)) if marked else {}
    merged = []
    with store.transaction(db):  # read, merge and write at once: a save of another tab waits
        sub = store.get_submission(db, sub.uuid)
        if sub.draft is None:
            raise store.NotEditable(f"submission {sub.uuid} is not open for editing")
        before = sub.draft["raw"]
        if marked:
            posted = values
            values, placed = merge_changed(current, before, values, keys, _posted_prints(), counts, deltas)
            # a multiple choice merged with another tab's ticks is not what the page shows: it is told
            merged = sorted(key for key in deltas if _ticks(values, key) != _ticks(posted, key))
            repeat_action = placed_action(repeat_action, placed)
        raw = metadata.record(questionnaire, merge_section_raw(before, current, values), started=sub.created,
                              device_id=sub.device_id, username=sub.interviewer, zone=LOCAL_ZONE)
        anchor = None
        if repeat_action:
            raw, anchor = change_instances(questionnaire, current, raw, repeat_action)
        cleaned, sections = progress(questionnaire, raw, lang)
        if refuse_invalid:
            form.place_errors(cleaned)
            refused = form.question_errors()
            # a page that names its changes answers for those only: what another tab left is not its to fix
            if refused and (not marked or keys & set(refused)):
                return form, raw, cleaned, sections, None
        saved = store.save_draft(db, sub.uuid, raw, current.id, cleaned.answers)
    if marked:  # the page shows the merged section, not the stale values it posted for the other questions
        form = form_class(questionnaire, current, lang, instance_counts(current, raw))(
            data=formdata_for(questionnaire, current, raw))
    saved.update(version=section_version(current, raw), instances=instance_prints(current, raw))
    if marked and (request.form.get(BASE_FIELD) != section_version(current, before) or merged):
        # Another tab saved this section since the page last heard from the server: what it has now.
        saved.update(values=form.page_values(), counts=instance_counts(current, raw), merged=merged)
    return form, raw, cleaned, sections, {**saved, "anchor": anchor} if anchor else saved


def _ticks(values, key):
    """A multiple choice's options and "other" text in a section's values, to compare a merge with the post."""
    return values.get(key) or [], values.get(key + OTHER_SUFFIX) or ""


@bp.get("/s/<sid>/del/<section_id>/version")
def section_check(sid, section_id):
    """Whether the section changed since the page last saw it (`?base=`, the version it holds): a page asks
    when it is shown again and now and then, so that a tab hears of another tab's save without saving.

    Reads only. When the version differs, the reply carries the section's values as an autosave's reply does.
    """
    _db, sub, questionnaire, current = _open_section(sid, section_id)
    raw = sub.draft["raw"]
    version = section_version(current, raw)
    reply = {"version": version, "instances": instance_prints(current, raw), "seq": sub.draft.get("seq", 0),
             "saved_at": sub.draft.get("saved_at")}
    if request.args.get("base") != version:
        lang = i18n.current_language()
        form = form_class(questionnaire, current, lang, instance_counts(current, raw))(
            data=formdata_for(questionnaire, current, raw))
        cleaned, _sections = progress(questionnaire, raw, lang)
        reply.update(values=form.page_values(), counts=instance_counts(current, raw), merged=[],
                     hidden=hidden_questions(current, cleaned),
                     saved_time=localtime(sub.draft["saved_at"], time_only=True) if sub.draft.get("saved_at") else "")
    response = jsonify(reply)
    response.headers["Cache-Control"] = "no-store"
    return response


def _posted_prints():
    """The instance prints (`instance_prints`) the posting page last saw, or None if it sent none."""
    try:
        prints = json.loads(request.form.get(INSTANCES_FIELD) or "null")
    except ValueError:
        return None
    if not isinstance(prints, dict):
        return None
    return {k: v for k, v in prints.items() if isinstance(v, list) and all(isinstance(p, str) for p in v)}


def _rescue_stale_post():
    """Keep what a post with a stale CSRF token carried, when it came from our own pages."""
    endpoint = request.endpoint or ""
    if request.method != "POST" or endpoint not in ("collect.section", "collect.autosave"):
        return None
    if not _same_origin():
        return None
    args = request.view_args or {}
    try:
        db = get_db()
        sub = store.get_submission(db, args["sid"])
        questionnaire = store.get_questionnaire(db, sub.questionnaire_id, sub.questionnaire_version)
    except (store.NotFound, KeyError):
        return None
    current = find_section(questionnaire, args.get("section_id", ""))
    if current is None or sub.draft is None:
        return None
    try:
        _save_posted(db, sub, questionnaire, current)
    except store.NotEditable:
        return None
    return url_for(".section", sid=sub.uuid, section_id=current.id)


def _same_origin() -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return False
    return urlparse(source).netloc == request.host


errors.CSRF_RESCUERS.append(_rescue_stale_post)


@bp.get("/s/<sid>/granska")
def review(sid):
    _db, sub, questionnaire = _load(sid)
    if sub.draft is None:
        return redirect(url_for(".summary", sid=sid))
    lang = i18n.current_language()
    cleaned = clean_answers(questionnaire, sub.draft["raw"], lang=lang)
    problems = [(section, question, error) for section in questionnaire.sections for question in section.questions
                for key, error in cleaned.errors.items() if key == question.id
                or (question.repeat and key.startswith(question.id + "["))]
    blank, asked, statements = unanswered(questionnaire, cleaned)
    warnings = [(section, q) for section in questionnaire.sections for q in section_warnings(section, cleaned)]
    return render_template("collect/review.html", sub=sub, questionnaire=questionnaire, problems=problems,
                           unanswered=blank, unanswered_total=sum(n for _s, n in blank), asked=asked,
                           statements=statements,
                           warnings=warnings, answers=cleaned.answers, derived=cleaned.derived,
                           skipped=set(cleaned.skipped), lang=lang,
                           municipality=registry.municipality(sub.municipality_code),
                           format_answer=format_answer, format_rows=format_rows)


@bp.post("/s/<sid>/slutfor")
def complete(sid):
    db, sub, questionnaire = _load(sid)
    if sub.draft is None:
        return redirect(url_for(".summary", sid=sid))
    raw = metadata.record(questionnaire, sub.draft["raw"], started=sub.created, device_id=sub.device_id,
                          username=sub.interviewer, completed=store.now(), zone=LOCAL_ZONE)
    cleaned = clean_answers(questionnaire, raw, lang=i18n.current_language())
    if not cleaned.ok:
        return redirect(url_for(".review", sid=sid))
    try:
        revision = store.complete_submission(db, sid, cleaned.answers, draft_seq=sub.draft["seq"])
    except store.NotEditable:
        return redirect(url_for(".review", sid=sid))  # a save came in meanwhile: check again
    if revision.get("unchanged"):
        flash(gettext("Nothing was changed, so no new revision was saved."), "info")
    else:
        flash(gettext("The interview is complete and saved."), "success")
    return redirect(url_for(".summary", sid=sid))


@bp.get("/s/<sid>/sammanstallning")
def summary(sid):
    db, sub, questionnaire = _load(sid)
    lang = i18n.current_language()
    cleaned = clean_answers(questionnaire, sub.answers, partial=True)
    return render_template("collect/summary.html", sub=sub, questionnaire=questionnaire, answers=sub.answers,
                           derived=cleaned.derived, skipped=set(cleaned.skipped), lang=lang,
                           revisions=store.list_revisions(db, sid),
                           municipality=registry.municipality(sub.municipality_code),
                           format_answer=format_answer, format_rows=format_rows)


@bp.post("/s/<sid>/oppna")
def reopen(sid):
    db, sub, questionnaire = _load(sid)
    store.reopen_submission(db, sid)
    return redirect(url_for(".section", sid=sid, section_id=questionnaire.sections[0].id))


@bp.route("/s/<sid>/kasta", methods=["GET", "POST"])
def discard(sid):
    db, sub, questionnaire = _load(sid)
    if sub.draft is None:
        return redirect(url_for(".summary", sid=sid))
    if request.method == "GET":
        return render_template("collect/discard.html", sub=sub, questionnaire=questionnaire,
                               municipality=registry.municipality(sub.municipality_code), lang=i18n.current_language())
    store.discard_draft(db, sid)
    if sub.status == "draft":
        return redirect(url_for(".start"))
    return redirect(url_for(".summary", sid=sid))


@bp.get("/intervjuer")
def submissions():
    db = get_db()
    filters = {
        "questionnaire_id": request.args.get("questionnaire") or None,
        "county_code": request.args.get("county") or None,
        "status": request.args.get("status") if request.args.get("status") in store.STATUSES else None,
        "district_code": request.args.get("district") if registry.district(request.args.get("district", "")) else None,
    }
    selection = Selection(questionnaire=filters["questionnaire_id"], status=filters["status"],
                          counties=(filters["county_code"],) if filters["county_code"] else (),
                          districts=(filters["district_code"],) if filters["district_code"] else ())
    size = current_app.config["PAGE_SIZE"]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows = store.list_submissions(db, selection, current_scope(), limit=size, offset=(page - 1) * size)
    counts = store.count_by_status(db, selection, current_scope())
    total = counts[filters["status"]] if filters["status"] else sum(counts.values())
    questionnaires = store.list_questionnaires(db)
    return render_template("collect/submissions.html", rows=rows, counts=counts, filters=filters,
                           questionnaires=questionnaires, titles=_titles(questionnaires),
                           counties=registry.counties(), districts=registry.districts(), page=page, pages=max(1, -(-total // size)), total=total)


@bp.get("/sprak/<code>")
def set_language(code):
    if code not in i18n.LANGUAGES:
        abort(404)
    response = redirect(local_target(request.args.get("next")) or "/")
    response.set_cookie(i18n.COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
