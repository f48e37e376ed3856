"""Who may open what on the central server: every rule of the app's URL map x every role, anonymous included.

The rules come from `app.url_map`, so a new route without a line in EXPECTED fails here until
someone decides who may use it. Each case runs on a fresh copy of one store (POSTs change
things), with the user's session set directly (no password hashing per case) and CSRF off
(forged CSRF is tested in test_attacks). Statuses for allowed roles are what the view answers
to an empty form; denied roles get 403 (or 404 where the resource is hidden), the anonymous
302 to the login page, and the device API 401 without a device signature.

Every HTML page any role can open is also checked against the Content-Security-Policy:
no inline scripts, styles or event handlers.
"""

from __future__ import annotations

import re
import shutil
import time

import pytest

from sync import store
from fieldkit import config
from fieldkit.app import create_app

from central_helpers import USERS, make_submission

ROLES = ("admin", "evaluator", "county", "interviewer", "anonymous")
USER_OF = {"admin": "ada", "evaluator": "eva", "county": "lena", "interviewer": "ivar"}

# endpoint, method: statuses for admin, evaluator, county, interviewer, anonymous
EXPECTED_TABLE = """
collect.start            GET   200 302 302 200 302
collect.start_post       POST  302 403 403 302 302
collect.submissions      GET   200 403 403 200 302
collect.resume           GET   302 403 403 302 302
collect.section          GET   302 403 403 302 302
collect.section          POST  302 403 403 302 302
collect.autosave         POST  409 403 403 409 302
collect.section_check    GET   409 403 403 409 302
collect.review           GET   302 403 403 302 302
collect.complete         POST  302 403 403 302 302
collect.summary          GET   200 403 403 200 302
collect.reopen           POST  302 403 403 302 302
collect.discard          GET   302 403 403 302 302
collect.discard          POST  302 403 403 302 302
collect.set_language     GET   302 302 302 302 302
collect.set_interviewer  POST  404 403 403 404 302
auth.login               GET   200 200 200 200 200
auth.login               POST  401 401 401 401 401
auth.logout              POST  302 302 302 302 302
review.index             GET   200 200 200 403 302
review.show              GET   200 200 200 403 302
review.history           GET   200 200 200 403 302
review.edit              GET   200 200 403 403 302
review.edit              POST  422 422 403 403 302
review.mark_reviewed     POST  302 302 403 403 302
review.exclude           POST  302 302 403 403 302
review.resolve           GET   200 200 403 403 302
review.resolve           POST  422 422 403 403 302
admin.users              GET   200 403 403 403 302
admin.add_user           POST  422 403 403 403 302
admin.user_status        POST  404 403 403 403 302
admin.audit_page         GET   200 403 403 403 302
admin.reset_password     POST  302 403 403 403 302
admin.enrol_device       POST  302 403 403 403 302
admin.revoke_device      POST  302 403 403 403 302
upload.page              GET   200 403 403 403 302
upload.receive           POST  422 403 403 403 302
reports.index            GET   200 200 200 403 302
reports.report           GET   200 200 200 403 302
reports.csv_download     GET   200 200 200 403 302
reports.xlsx_start       POST  303 303 303 403 302
reports.job              GET   404 404 404 403 302
reports.job_file         GET   404 404 404 403 302
quarterly.page           GET   200 200 200 403 302
quarterly.workbook       GET   400 400 200 403 302
sync_pages.index         GET   404 404 404 404 302
sync_pages.movable       GET   404 404 404 404 302
sync_pages.move          POST  404 404 404 404 302
sync_pages.moved         GET   404 404 404 404 302
sync_pages.connect       POST  404 404 404 404 302
sync_pages.send          POST  404 404 404 404 302
sync_pages.fetch         POST  404 404 404 404 302
sync_pages.bundle        POST  404 404 404 404 302
sync_pages.read_ack      POST  404 404 404 404 302
webapp.shell             GET   200 403 403 200 302
webapp.worker            GET   200 403 403 200 302
webapp.manifest          GET   200 403 403 200 302
webapp.questionnaires    GET   200 403 403 200 302
webapp.municipalities    GET   200 403 403 200 302
webapp.texts             GET   200 403 403 200 302
webapp.enrolment         GET   200 403 403 200 302
webapp.enrol             POST  200 403 403 200 302
webapp.signins           POST  400 400 400 400 400
api.acknowledgements     GET   401 401 401 401 401
api.push                 POST  401 401 401 401 401
api.questionnaires       GET   401 401 401 401 401
api.questionnaire        GET   401 401 401 401 401
api.registry             GET   401 401 401 401 401
api.heads                GET   401 401 401 401 401
api.head_revisions       POST  401 401 401 401 401
"""


def _table(text: str) -> dict[tuple[str, str], dict[str, int]]:
    table = {}
    for line in text.strip().splitlines():
        endpoint, method, *statuses = line.split()
        assert len(statuses) == len(ROLES), line
        table[(endpoint, method)] = dict(zip(ROLES, map(int, statuses)))
    return table


EXPECTED = _table(EXPECTED_TABLE)
_app = create_app({"DB": "/nonexistent/fieldkit.db", "SECRET_KEY": "only for the url map", "TESTING": True})
RULES = sorted(
    ((rule.endpoint, method, rule.rule) for rule in _app.url_map.iter_rules() if rule.endpoint != "static"
     for method in sorted(rule.methods - {"HEAD", "OPTIONS"})),
)
CASES = [(endpoint, method, path, role) for endpoint, method, path in RULES for role in ROLES]


@pytest.fixture(scope="module")
def matrix_store(users_template, tmp_path_factory):
    """The central template with a complete interview of Ivar's in county 24, in conflict with another branch."""
    folder = tmp_path_factory.mktemp("matrix")
    path = folder / "central.db"
    shutil.copyfile(users_template, path)
    db = store.open_db(path)
    sid = make_submission(db, interviewer="ivar")
    head = store.get_submission(db, sid)
    other = dict(next(db.query("select * from revisions where id = ?", [head.head_revision])))
    answers = dict(head.answers, **{"forslag.effektivisering": "en annan gren"})
    other.update(id="other-branch", number=2, parent_id=head.head_revision, author="bertil",
                 answers=store.canonical_json(answers))
    db["revisions"].insert(other)
    db["sync_conflicts"].insert({"submission_uuid": sid, "base_revision": head.head_revision,
                                 "head_revision": head.head_revision, "other_revision": "other-branch",
                                 "device_id": None, "detected_at": store.now()})
    db.execute("update submissions set conflict = 1 where uuid = ?", [sid])
    conflict_id = db.execute("select id from sync_conflicts").fetchone()[0]
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    config.ensure_secret_key(folder)
    values = {"sid": sid, "section_id": "lok", "conflict_id": conflict_id, "name": "inez", "qid": "kub-webbenkat",
              "version": "1", "job_id": "no-such-job", "code": "en"}
    return path, values


@pytest.fixture(scope="module")
def matrix_app(matrix_store):
    path, _values = matrix_store
    return create_app({"DB": str(path), "TESTING": True, "WTF_CSRF_ENABLED": False})


def _url(path: str, values: dict) -> str:
    def fill(match):
        name = match.group(1).split(":")[-1]
        assert name in values, f"no sample value for <{name}> in {path}: add one to matrix_store"
        return str(values[name])
    return re.sub(r"<([^>]+)>", fill, path)


def _request(app, source, tmp_path, method, url, role):
    target = tmp_path / "case.db"
    shutil.copyfile(source, target)
    app.config["DB"] = str(target)
    client = app.test_client()
    if role != "anonymous":
        with client.session_transaction() as session:
            session.update(user=USER_OF[role], epoch=0, at=time.time())
    return client.open(url, method=method, data={})


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)


@pytest.mark.parametrize("endpoint, method, path, role", CASES,
                         ids=[f"{e}-{m}-{r}" for e, m, _p, r in CASES])
def test_access(matrix_app, matrix_store, tmp_path, endpoint, method, path, role):
    expected = EXPECTED.get((endpoint, method))
    assert expected is not None, f"{method} {path} ({endpoint}) has no line in EXPECTED_TABLE: decide who may use it"
    source, values = matrix_store
    response = _request(matrix_app, source, tmp_path, method, _url(path, values), role)
    try:
        assert response.status_code == expected[role], (
            f"{role} {method} {path}: {response.status_code}, expected {expected[role]}")
        if response.status_code == 302 and role == "anonymous" and not path.startswith("/api/") \
                and endpoint not in ("collect.set_language", "auth.logout"):
            assert response.headers["Location"].startswith("/logga-in")
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            assert not INLINE.findall(html), f"{path} breaks the CSP: {INLINE.findall(html)[:3]}"
    finally:
        response.close()


def test_every_line_of_the_table_is_a_rule():
    rules = {(endpoint, method) for endpoint, method, _path in RULES}
    assert sorted(set(EXPECTED) - rules) == []


def test_the_roles_cover_every_user_role():
    assert {role for role, _county in USERS.values()} == set(USER_OF)
