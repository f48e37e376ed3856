"""The pages' language: the reader's choice, Flask-Babel with fieldkit's catalogue, and numbers for the reader.

Text for people is written in English as gettext messages (`_()`, `ngettext()`
and `pgettext()` in templates, `gettext` from flask_babel in views); the
Swedish and English translations are in fieldkit/locale (docs/translating.md).
Swedish is the default; the choice is remembered in the `fieldkit_lang` cookie.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from flask import current_app, request
from flask_babel import Babel, Domain, get_locale, gettext

from forms import formatting, registry
from forms.catalogues import DEFAULT_LANGUAGE, Catalogue, N_

LANGUAGES = {"sv": "Svenska", "en": "English"}
COOKIE = "fieldkit_lang"
CATALOGUE = Catalogue(Path(__file__).resolve().parent / "locale", "fieldkit")

#: Texts of stored codes (statuses, roles, audit actions...) by kind of code; translated when shown.
LABELS: dict[str, dict[str, str]] = {
    "status": {
        "draft": N_("Draft"),
        "complete": N_("Complete"),
        "editing": N_("Being edited"),
    },
    "role": {
        "admin": N_("admin"),
        "evaluator": N_("evaluator"),
        "county": N_("county"),
        "interviewer": N_("interviewer"),
        "local": N_("the laptop's interviewer"),  # a login on a field laptop (audit log)
    },
    "export_format": {
        "xlsx": N_("Excel workbook"),
        "csv": N_("CSV, one row per submission"),
        "csv-long": N_("CSV, one row per answer"),
    },
    "flag": {
        "conflict": N_("Conflict"),
        "reviewed": N_("Reviewed"),
        "excluded": N_("Excluded"),
    },
    "sync_kind": {
        "bundle": N_("file"),
        "push": N_("over the network"),
    },
    "report_status": {
        "complete": N_("Complete only"),
        "all": N_("Complete and drafts"),
    },
    "report_stage": {
        "load": N_("reading the submissions"),
        "sections": N_("tables and charts"),
        "freetext": N_("free-text answers"),
        "data": N_("the data sheet"),
        "save": N_("saving the file"),
    },
    "audit_action": {
        "login": N_("Login"),
        "login_failed": N_("Failed login"),
        "login_throttled": N_("Login blocked (too many attempts)"),
        "logout": N_("Logout"),
        "edit": N_("Correction"),
        "conflict_resolved": N_("Conflict resolved"),
        "reviewed": N_("Marked reviewed"),
        "unreviewed": N_("Review mark removed"),
        "excluded": N_("Excluded from analysis"),
        "included": N_("Included in analysis again"),
        "export": N_("Export"),
        "import_submissions": N_("Submissions imported"),
        "sync_ingest": N_("Sync received"),
        "sync_ingest_started": N_("Sync import started"),
        "sync_refused": N_("Sync refused"),
        "device_enrolled": N_("Device enrolled"),
        "device_revoked": N_("Device revoked"),
        "user_added": N_("User added"),
        "user_disabled": N_("User disabled"),
        "user_enabled": N_("User enabled"),
        "password_changed": N_("Password changed"),
        "passphrase_set": N_("Passphrase set"),
        "interviewer_set": N_("Interviewer's name set"),
        "backup": N_("Backup"),
        "restore": N_("Restore"),
        "erase": N_("Personal data erased"),
    },
}


def current_language() -> str:
    lang = request.cookies.get(COOKIE) if request else None
    if lang in LANGUAGES:
        return lang
    return current_app.config.get("DEFAULT_LANGUAGE", DEFAULT_LANGUAGE)


def label(kind: str, code: str) -> str:
    """The translated text of a stored code (e.g. an audit action), or the code itself when it has none."""
    text = LABELS.get(kind, {}).get(code)
    return gettext(text) if text else code


def county_name(code: str | None) -> str:
    """A county's name for its code ("Västerbottens län" for 24); an unknown code as it is."""
    found = registry.county(code) if code else None
    return found.name if found else (code or "")


def number(value: Any, decimals: int = 2) -> str:
    """A number for the page's reader: 12 500,5 in Swedish, 12,500.5 in English."""
    return formatting.format_number(value, current_language(), decimals=decimals)


def money(value: Any, decimals: int = 0) -> str:
    return formatting.format_money(value, current_language(), decimals=decimals)


def percent(share: Any) -> str:
    return formatting.format_percent(share, current_language())


class _CatalogueDomain(Domain):
    """Flask-Babel's translations, compiled in memory from fieldkit's .po files (no .mo files)."""

    def get_translations(self):
        locale = get_locale()
        return CATALOGUE.translations(str(locale) if locale else DEFAULT_LANGUAGE)


class _Babel(Babel):
    @functools.cached_property
    def domain_instance(self) -> Domain:
        return _CatalogueDomain(domain=CATALOGUE.domain)


def init_app(app) -> None:
    """Translate pages with Flask-Babel in the reader's language; give templates the labels and number filters."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config.get("DEFAULT_LANGUAGE", DEFAULT_LANGUAGE))
    _Babel(app, locale_selector=current_language)
    app.jinja_env.globals.update(label=label, languages=LANGUAGES, current_language=current_language,
                                 county_name=county_name)
    app.jinja_env.filters.update(number=number, money=money, percent=percent)
