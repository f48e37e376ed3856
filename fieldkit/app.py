"""The Flask app factory. It only registers things: no migrations, no network, no waiting."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from . import auth, config, db, errors, i18n
from .admin import bp as admin_bp
from .bundle_upload import bp as upload_bp
from .api import bp as api_bp
from .collect import bp as collect_bp
from .quarterly import bp as quarterly_bp
from .reports import bp as reports_bp
from .review import bp as review_bp
from .sync_pages import bp as sync_pages_bp
from .webapp import bp as webapp_bp
from .webapp import signins as webapp_signins
from .templating import district_name, field_choices, keep_numbers_whole, localtime

csrf = CSRFProtect()


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the instance's config.py, then FIELDKIT_* variables, then test_config."""
    settings = config.defaults()
    settings.update(config.from_environment())
    if test_config and "DB" in test_config:
        settings["DB"] = test_config["DB"]
    instance = config.instance_path_for(settings["DB"])
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    app.config.update(settings)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    app.debug = bool((test_config or {}).get("DEBUG"))  # never from FLASK_DEBUG: no debug pages in production
    app.config["DB"] = str(Path(app.config["DB"]))
    if not app.config.get("SECRET_KEY"):
        key = config.read_secret_key(instance)
        if not key:
            raise RuntimeError(f"no secret key in {instance}: run `fieldkit init` first")
        app.config["SECRET_KEY"] = key
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # interviews last hours; the token is per session
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_CONTENT_LENGTH"]
    if app.config.get("TRUSTED_HOSTS") is None:  # Flask answers 400 to any other Host header
        app.config["TRUSTED_HOSTS"] = config.trusted_hosts(app.config["ALLOWED_HOSTS"], app.config.get("LISTEN_HOST"))

    csrf.init_app(app)
    db.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    app.jinja_env.globals.update(field_choices=field_choices)
    app.jinja_env.filters["localtime"] = localtime
    app.jinja_env.filters["district"] = district_name
    app.jinja_env.filters["whole_numbers"] = keep_numbers_whole
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.register_blueprint(collect_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)
    app.register_blueprint(sync_pages_bp)
    auth.init_app(app)
    app.register_blueprint(review_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(upload_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(quarterly_bp)
    app.register_blueprint(webapp_bp)
    csrf.exempt(webapp_signins)  # changes nothing and needs no session: the offline app's ticket check
    app.after_request(_security_headers)
    if os.environ.get("FIELDKIT_DEBUG_TEMPLATES"):
        app.jinja_env.auto_reload = True
    return app


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    return response
