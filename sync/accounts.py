"""User accounts, roles, passwords, login throttling and what each user may see (their scope). No Flask.

Roles: `admin` (everything), `evaluator` (every county: review, edit, resolve, export),
`county` (read, reports and exports of one county), `interviewer` (collect, own submissions).
A field laptop has no accounts: one local interviewer, optionally behind a passphrase.
"""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from forms import registry
from forms.errors import FieldkitError

from . import audit, store
from .selection import EVERYTHING, Scope, Selection
from .selection import where as selection_where

ROLES = ("admin", "evaluator", "county", "interviewer")
MIN_PASSWORD = 10
MAX_NAME = 64
#: werkzeug's method string for new password and passphrase hashes, e.g. "pbkdf2:sha256:1" in the tests.
PASSWORD_HASH_ENV = "FIELDKIT_PASSWORD_HASH"
DEFAULT_PASSWORD_HASH = "scrypt"


def hash_secret(secret: str) -> str:
    """A salted hash of a password or passphrase, by the method in FIELDKIT_PASSWORD_HASH (default scrypt)."""
    return _hashed(secret, _hash_method())


def _hash_method() -> str:
    return os.environ.get(PASSWORD_HASH_ENV) or DEFAULT_PASSWORD_HASH


def _hashed(secret: str, method: str) -> str:
    """werkzeug's hash, with a setting it does not know said as such rather than as a traceback."""
    try:
        return generate_password_hash(secret, method=method)
    except ValueError as exc:
        raise PasswordHashSettingError(
            f"{PASSWORD_HASH_ENV}={method!r} is not a password hash method ({exc}): use scrypt or "
            "pbkdf2:sha256:ITERATIONS, or leave it unset (see docs/config.md)") from None


def _dummy_hash() -> str:
    """Checked against when the account does not exist, so that a wrong name costs as long as a wrong password."""
    return _dummy_hash_by(_hash_method())


@functools.cache
def _dummy_hash_by(method: str) -> str:
    # Made on first use, not at import: that would cost every command and server start one slow hash.
    return _hashed("not a password of anyone", method)


class AccountError(FieldkitError, ValueError):
    """A problem with an account that the person can act on.

    The message is the command line's (English, naming its options); `reason` is a short code such as
    `county_missing` so that a page can say the same in its own language and words.
    """

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason


class PasswordHashSettingError(FieldkitError):
    """FIELDKIT_PASSWORD_HASH names a method werkzeug cannot hash with."""


class LoginFailed(FieldkitError):
    """A wrong name, password or passphrase (which one is not told)."""

    status = 401
    reason = "login_failed"


class LoginThrottled(FieldkitError):
    """Too many failed logins for this account or address in the window."""

    status = 429
    reason = "login_throttled"


@dataclass(frozen=True)
class User:
    name: str
    role: str
    county_code: str | None = None
    epoch: int = 0
    local: bool = False  # the field laptop's one interviewer

    @property
    def scope(self) -> Scope:
        if self.local or self.role in ("admin", "evaluator"):
            return EVERYTHING
        if self.role == "county":
            return Scope(county_code=self.county_code or "-", personal=False)
        return Scope(interviewer=self.name)


# -- accounts ----------------------------------------------------------------

def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise AccountError("a user needs a name, e.g. `anna.berg`", "name_missing")
    if len(name) > MAX_NAME:
        raise AccountError(f"a user name has at most {MAX_NAME} characters", "name_too_long")
    if any(ch.isspace() and ch != " " or ord(ch) < 32 for ch in name):
        raise AccountError("a user name cannot hold tabs, line breaks or control characters", "name_characters")
    return name


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters", "password_short")


def add_user(db: Database, name: str, role: str, password: str, *, county_code: str | None = None,
             actor: str | None = None) -> User:
    """Create an account (audited). A county user needs the code of an existing county."""
    name = check_name(name)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; valid choices: {', '.join(ROLES)}", "role_unknown")
    if role == "county":
        code = (county_code or "").strip().zfill(2)
        if registry.county(code) is None:
            valid = ", ".join(f"{c.code} ({c.name})" for c in registry.counties())
            if (county_code or "").strip():
                problem, reason = f"unknown county code {county_code.strip()!r}", "county_unknown"
            else:
                problem, reason = "a county user needs a county code (--lan)", "county_missing"
            raise AccountError(f"{problem}; valid choices: {valid}", reason)
        county_code = code
    elif county_code:
        raise AccountError("only county users have a county (--lan)", "county_not_for_role")
    check_password(password)
    with store.transaction(db):
        if db.execute("select 1 from users where name = ?", [name]).fetchone():
            raise AccountError(f"a user named {name!r} already exists", "name_taken")
        db["users"].insert({"name": name, "role": role, "county_code": county_code,
                            "password_hash": hash_secret(password), "created": store.now(),
                            "disabled_at": None, "epoch": 0})
        audit.record(db, actor, "user_added", {"role": role, "county": county_code}, target=name)
    return User(name, role, county_code)


def list_users(db: Database) -> list[dict[str, Any]]:
    return list(db.query("select name, role, county_code, created, disabled_at from users order by name"))


def get_user(db: Database, name: str, epoch: int | None = None) -> User | None:
    """The active account of this name (and, if given, session epoch); None if unknown or disabled."""
    row = db.execute("select name, role, county_code, epoch, disabled_at from users where name = ?",
                     [name]).fetchone()
    if row is None or row[4] is not None or (epoch is not None and row[3] != epoch):
        return None
    return User(row[0], row[1], row[2], row[3])


def set_disabled(db: Database, name: str, disabled: bool, *, actor: str | None = None) -> None:
    """Disable (or enable again) an account; disabling also ends its sessions."""
    with store.transaction(db):
        row = db.execute("select name, disabled_at from users where name = ?", [name]).fetchone()
        if row is None:
            raise AccountError(f"no user named {name!r}; see `fieldkit users list`", "no_such_user")
        if disabled and row[1] is None:
            db.execute("update users set disabled_at = ?, epoch = epoch + 1 where name = ?", [store.now(), name])
            audit.record(db, actor, "user_disabled", target=row[0])
        elif not disabled and row[1] is not None:
            db.execute("update users set disabled_at = null where name = ?", [name])
            audit.record(db, actor, "user_enabled", target=row[0])


def set_password(db: Database, name: str, password: str, *, actor: str | None = None) -> None:
    """Change a password; sessions opened with the old one end."""
    check_password(password)
    with store.transaction(db):
        changed = db.execute("update users set password_hash = ?, epoch = epoch + 1 where name = ?",
                             [hash_secret(password), name]).rowcount
        if not changed:
            raise AccountError(f"no user named {name!r}; see `fieldkit users list`", "no_such_user")
        audit.record(db, actor, "password_changed", target=name)


def password_hash_of(db: Database, name: str) -> str | None:
    """The stored hash of an active user's password; None if the user is unknown or disabled.

    It changes with every new password (werkzeug salts each hash), so a mark derived from it tells whether
    a password someone once typed is still the user's (the offline app's sign-in tickets, fieldkit/webapp.py).
    """
    row = db.execute("select password_hash, disabled_at from users where name = ?", [name]).fetchone()
    return row[0] if row is not None and row[1] is None else None


def verify(db: Database, name: str, password: str) -> User | None:
    """The active user if name and password match, else None (in about the same time either way)."""
    row = db.execute("select name, role, county_code, epoch, disabled_at, password_hash from users where name = ?",
                     [(name or "").strip()]).fetchone()
    ok = check_password_hash(row[5] if row else _dummy_hash(), password or "")
    if not ok or row is None or row[4] is not None:
        return None
    return User(row[0], row[1], row[2], row[3])


# -- the field laptop ----------------------------------------------------------

def local_user(settings: dict[str, str]) -> User:
    return User(settings.get("interviewer") or "local", "interviewer", local=True)


def set_interviewer(db: Database, name: str, *, actor: str | None = None) -> str:
    """Set the name of the field laptop's interviewer, which new interviews then carry; returns it."""
    if store.get_settings(db).get("mode") == "central":
        raise AccountError("on the central server the logged-in user is the interviewer")
    name = " ".join((name or "").split())
    if not name:
        raise AccountError("the interviewer needs a name, e.g. Anna Berg")
    if len(name) > MAX_NAME:
        raise AccountError(f"an interviewer's name has at most {MAX_NAME} characters")
    with store.transaction(db):
        store.set_setting(db, "interviewer", name)
        audit.record(db, actor, "interviewer_set", {"name": name})
    return name


def set_passphrase(db: Database, passphrase: str | None, *, actor: str | None = None) -> None:
    """Protect a field laptop's pages with a passphrase (None removes it)."""
    if store.get_settings(db).get("mode") == "central":
        raise AccountError("the central store has user accounts (`fieldkit users add`), not a passphrase")
    if passphrase is not None:
        check_password(passphrase)
    with store.transaction(db):
        if passphrase is None:
            db.execute("delete from settings where key = 'passphrase_hash'")
        else:
            store.set_setting(db, "passphrase_hash", hash_secret(passphrase))
        audit.record(db, actor, "passphrase_set", {"on": passphrase is not None})


def verify_passphrase(settings: dict[str, str], passphrase: str) -> bool:
    return check_password_hash(settings.get("passphrase_hash") or _dummy_hash(), passphrase or "") \
        and bool(settings.get("passphrase_hash"))


# -- throttling ----------------------------------------------------------------

@dataclass(frozen=True)
class Limits:
    per_account: int = 5
    per_address: int = 20
    window: float = 900.0


def throttled(db: Database, account: str, address: str, limits: Limits, *, at: float | None = None) -> bool:
    """True while the account or the address has had too many failed logins in the window."""
    since = (at or time.time()) - limits.window
    by_account = db.execute("select count(*) from login_failures where account = ? and at > ?",
                            [account.strip().lower(), since]).fetchone()[0]
    by_address = db.execute("select count(*) from login_failures where address = ? and at > ?",
                            [address, since]).fetchone()[0]
    return by_account >= limits.per_account or by_address >= limits.per_address


def note_failure(db: Database, account: str, address: str, limits: Limits, *, at: float | None = None) -> None:
    stamp = at or time.time()
    with store.transaction(db):
        db.execute("delete from login_failures where at < ?", [stamp - limits.window])
        db.execute("insert into login_failures (at, account, address) values (?, ?, ?)",
                   [stamp, account.strip().lower(), address])


def clear_failures(db: Database, account: str) -> None:
    db.execute("delete from login_failures where account = ?", [account.strip().lower()])


def log_in(db: Database, name: str, secret: str, address: str, limits: Limits, *,
           at: float | None = None) -> User:
    """Check a login (a user's password on the central, the passphrase on a laptop) and audit it.

    Raises LoginThrottled or LoginFailed. The throttle is checked and the attempt counted as a
    failure in one transaction, before the (slow) password check runs, so parallel attempts
    cannot all pass the check: a successful login then clears the account's failures.
    """
    settings = store.get_settings(db)
    central = settings.get("mode") == "central"
    account = name if central else "local"
    stamp = at or time.time()
    with store.transaction(db):
        blocked = throttled(db, account, address, limits, at=stamp)
        if blocked:
            audit.record(db, None, "login_throttled", target=account or None, address=address)
        else:
            note_failure(db, account, address, limits, at=stamp)
    if blocked:
        raise LoginThrottled(f"too many failed logins for {account!r}; wait and try again")
    if central:
        user = verify(db, account, secret) if account else None
    else:
        user = local_user(settings) if verify_passphrase(settings, secret) else None
    with store.transaction(db):
        if user is None:
            audit.record(db, None, "login_failed", target=account or None, address=address)
        else:
            clear_failures(db, account)
            audit.record(db, user.name, "login", {"role": "local" if user.local else user.role}, address=address)
    if user is None:
        raise LoginFailed("wrong name or password")
    return user


def log_out(db: Database, user: User, address: str | None = None) -> None:
    """End every session of the user (a copied session cookie stops working too) and audit it."""
    with store.transaction(db):
        if user.local:
            epoch = int(store.get_settings(db).get("session_epoch") or 0)
            store.set_setting(db, "session_epoch", str(epoch + 1))
        else:
            db.execute("update users set epoch = epoch + 1 where name = ?", [user.name])
        audit.record(db, user.name, "logout", address=address)


def local_session_key(settings: dict[str, str]) -> str | None:
    """What a laptop's session must carry to be valid: the passphrase's and the logouts' generation."""
    passphrase = settings.get("passphrase_hash")
    if not passphrase:
        return None
    return f"{passphrase[-16:]}.{settings.get('session_epoch') or 0}"


# -- scoped queries --------------------------------------------------------------

def scoped_submission(db: Database, sid: str, scope: Scope) -> store.Submission:
    """One submission, or NotFound, also when it exists outside the scope (nothing leaks)."""
    where, params = selection_where(Selection(), scope)
    if db.execute(f"select 1 from submissions s where s.uuid = ? and {where}", [sid, *params]).fetchone() is None:
        raise store.NotFound(f"unknown submission {sid}")
    return store.get_submission(db, sid)


def personal_ids(questionnaire) -> set[str]:
    """The ids of the personal questions, also those inside a repeat."""
    return {one.id for q in questionnaire.questions() for one in [q, *q.questions] if one.personal}


def hidden_ids(questionnaire) -> set[str]:
    """Questions whose answers only a scope with personal answers sees one by one: personal and sensitive ones."""
    return {one.id for q in questionnaire.questions() for one in [q, *q.questions] if one.personal or one.sensitive}


def without_personal(questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers minus personal and sensitive questions (and their `/other`, `/item` keys), also inside
    each instance of a repeat."""
    return strip_answers(answers, hidden_ids(questionnaire))[0]


def strip_answers(answers: dict[str, Any], hidden: set[str]) -> tuple[dict[str, Any], int]:
    """(answers without the `hidden` questions' keys, how many were taken out); a repeat's instances too."""
    kept, removed = {}, 0
    for key, value in answers.items():
        if key.split("/")[0] in hidden:
            removed += 1
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):  # a repeat's instances
            instances = []
            for instance in value:
                own = {k: v for k, v in instance.items() if k.split("/")[0] not in hidden}
                removed += len(instance) - len(own)
                instances.append(own)
            value = instances
        kept[key] = value
    return kept, removed
