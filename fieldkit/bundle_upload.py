"""The central's upload page for bundle files (.fkb): the same ingest as `fieldkit sync ingest`, from a browser.

A development lead's admin receives a file a laptop or the offline web app saved ("Spara till fil"),
picks it here, and reads what the import did as one sentence. The file goes to a temporary folder
under its own (made safe) name, so that the audit entry of a refusal names it, and is removed after.
Only admins: an ingest adds interviews and questionnaire versions to the central, as the CLI does.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from sync import store
from sync.errors import BundleRejected, ChangedDuringImport
from sync.ingest import ingest

from .auth import actor, roles_required
from .db import get_db

bp = Blueprint("upload", __name__, url_prefix="/admin/paket")


@bp.url_value_preprocessor
def _upload_limit(_endpoint, _values):
    """Raise the body limit for this page before anything (the CSRF check included) reads the form."""
    request.max_content_length = current_app.config["UPLOAD_MAX_BYTES"]


def _central_only():
    if store.get_settings(get_db()).get("mode") != "central":
        abort(404)


def _page(status: int = 200, **values):
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    return render_template("admin/upload.html", limit_mb=max(1, limit // (1024 * 1024)), **values), status


@bp.get("/")
@roles_required("admin")
def page():
    _central_only()
    return _page()


@bp.post("/")
@roles_required("admin")
def receive():
    """Ingest one uploaded bundle (CSRF-checked, at most UPLOAD_MAX_BYTES) and say what it did."""
    _central_only()
    try:
        upload = request.files.get("bundle")
    except RequestEntityTooLarge:
        return _page(413, error=gettext("The file is larger than %(mb)s MB, the most this page accepts. "
                                        "Ingest it with `fieldkit sync ingest` on the server instead.",
                                        mb=current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)))
    if upload is None or not upload.filename:
        return _page(422, error=gettext("Choose a bundle file (.fkb) to upload."))
    name = secure_filename(upload.filename) or "bundle.fkb"
    folder = Path(tempfile.mkdtemp(prefix="fieldkit-upload-"))
    try:
        path = folder / name
        upload.save(path)
        try:
            result = ingest(get_db(), path, actor=actor())
        except BundleRejected as exc:
            return _page(422, refused=gettext(
                "%(file)s was refused (%(reason)s): %(message)s Nothing was imported.",
                file=name, reason=exc.reason, message=str(exc)))
        except ChangedDuringImport as exc:
            return _page(409, error=str(exc))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return _page(result=result, file=name, sentence=_sentence(name, result))


def _sentence(name: str, result) -> str:
    counts = result.counts
    text = gettext("%(file)s: %(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(conflicts)s conflicts, "
                   "%(rejected)s rejected.", file=name, **counts)
    added = sorted(key for key, value in result.questionnaires.items() if value == "added")
    if added:
        text += " " + gettext("Questionnaire versions added: %(versions)s.", versions=", ".join(added))
    if not result.changed:
        text += " " + gettext("Nothing changed: the central held all of it already.")
    return text
