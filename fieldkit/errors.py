"""Errors handled in one place: domain exceptions map to a status; pages get a page, API clients JSON."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound, SecurityError

from forms.errors import FieldkitError

from . import i18n


#: Views may register a hook that keeps what a rejected (CSRF) post carried.
CSRF_RESCUERS = []


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.headers.get("X-Requested-With") == "fetch"


def render_error(status: int, message: str, *, extra: str | None = None, link: str | None = None):
    if wants_json():
        return jsonify({"error": message, "status": status}), status
    return render_template("error.html", status=status, message=message, extra=extra, link=link), status


def _limit_text() -> str:
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} kB"


def _status_text(status: int) -> str | None:
    """Our own words for the statuses people meet; None for the others (their description is shown)."""
    if status == 400:
        return gettext("The request could not be handled.")
    if status == 403:
        return gettext("You do not have access to this page.")
    if status == 404:
        return gettext("The page does not exist.")
    if status == 413:
        return gettext("What you sent is too large (at most %(limit)s). Nothing of it was saved; go back and "
                       "shorten the text.", limit=_limit_text())
    if status == 500:
        return gettext("An internal error occurred. Your saved answers are kept.")
    return None


def handle_http(exc: HTTPException):
    status = exc.code or 500
    if status == 413 and request.path.startswith("/api/"):  # a laptop's push, not a person's form
        return jsonify({"error": f"the request is larger than the central accepts (at most {_limit_text()}); "
                                 "push with a smaller --chunk-kb", "reason": "too_large", "status": 413}), 413
    message = _status_text(status) or exc.description or gettext("The request could not be handled.")
    return render_error(status, message)


def handle_csrf(exc: CSRFError):
    kept_link = None
    for rescue in CSRF_RESCUERS:
        kept_link = rescue() or kept_link
    extra = None
    if kept_link:
        extra = gettext("Your typed answers were kept in the draft. Open the interview again and continue.")
    return render_error(400, gettext("The page had gone stale (the security token was missing or had expired)."),
                        extra=extra, link=kept_link)


def handle_domain(exc: FieldkitError):
    """Any domain error: its status, its message for API clients, and a page for people.

    A page shows what the person can act on, except for 404: whether something exists
    outside the user's scope is not told.
    """
    if wants_json():
        body = {"error": str(exc), "reason": exc.reason, "status": exc.status, **getattr(exc, "extra", {})}
        return jsonify(body), exc.status
    if exc.status == 404:
        return handle_http(NotFound())
    message = _status_text(exc.status) or gettext("The request could not be handled.")
    return render_error(exc.status, message, extra=exc.text(i18n.current_language()))


def handle_untrusted_host(exc: SecurityError):
    """A Host header the app does not answer to: a bare answer (no page, no links to an unknown host)."""
    return ("Okänd värd – begäran kunde inte behandlas. / Unknown host – the request could not be handled.\n",
            400, {"Content-Type": "text/plain; charset=utf-8"})


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http(exc)
    current_app.logger.exception("unhandled error")
    return handle_http(InternalServerError())


def init_app(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(FieldkitError, handle_domain)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
