"""Settings, declared once as data: name, default, help. Read by create_app, documented in docs/config.md."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.store import DEFAULT_DB


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "FIELDKIT_" + self.name


SETTINGS = (
    Setting("DB", DEFAULT_DB, "Path of the SQLite store (also `--db`). Relative paths are from the working directory."),
    Setting("DEFAULT_LANGUAGE", "sv", "Language of the pages until the user switches (sv or en)."),
    Setting("MAX_CONTENT_LENGTH", 2 * 1024 * 1024, "Largest accepted request body in bytes; larger posts get 413."),
    Setting("UPLOAD_MAX_BYTES", 256 * 1024 * 1024, "Largest bundle file (.fkb) the central's upload page accepts, "
            "in bytes; larger files get 413 and are ingested with `fieldkit sync ingest`."),
    Setting("AUTOSAVE_DELAY_MS", 2500, "Milliseconds after the last keystroke before the interview page autosaves."),
    Setting("PAGE_SIZE", 200, "Rows per page in submission lists."),
    Setting("REPORT_CACHE_SIZE", 8, "Report pages kept built in memory (per filter, user scope and language) until "
            "the interviews change; each holds its tables and charts, not the answers. 0 builds every view anew."),
    Setting("SECURE_COOKIES", False, "Mark the session cookie Secure (set it when TLS ends at a proxy); "
            "over a direct https connection the cookie is Secure anyway."),
    Setting("SESSION_HOURS", 12, "Hours a login lasts on the central server before asking again."),
    Setting("LOGIN_MAX_FAILURES", 5, "Failed logins per account within the window before that account is throttled."),
    Setting("LOGIN_MAX_FAILURES_PER_ADDRESS", 20, "Failed logins from one address within the window before it is throttled."),
    Setting("LOGIN_WINDOW_SECONDS", 900, "The window, in seconds, over which failed logins are counted."),
    Setting("ALLOWED_HOSTS", "", "Host names the pages answer to, comma-separated (e.g. `fieldkit.lst.se`), besides "
            "the address `fieldkit serve` listens on and localhost. A request naming another host gets 400, so a web "
            "page cannot reach a laptop's server by DNS rebinding. When serving on every address (0.0.0.0) and this "
            "is empty, any host is accepted."),
)

LOOPBACK_HOSTS = ("localhost", "127.0.0.1")  # Werkzeug matches no IPv6 literal: serve on IPv4
WILDCARD_HOSTS = ("0.0.0.0", "::", "[::]", "")


def trusted_hosts(allowed: str, listen_host: str | None) -> list[str] | None:
    """The Host names to accept: localhost, the listening address and ALLOWED_HOSTS; None accepts any."""
    names = [name.strip().lower() for name in (allowed or "").split(",") if name.strip()]
    if listen_host in WILDCARD_HOSTS and not names:
        return None
    if listen_host and listen_host not in WILDCARD_HOSTS:
        names.append(listen_host.lower())
    return [*LOOPBACK_HOSTS, *names]

SECRET_KEY_FILE = "secret_key"


def coerce(setting: Setting, raw: str) -> Any:
    if isinstance(setting.default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(setting.default, int):
        return int(raw)
    return raw


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}


def from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    environ = os.environ if environ is None else environ
    return {s.name: coerce(s, environ[s.env]) for s in SETTINGS if s.env in environ}


def instance_path_for(db_path: str | os.PathLike) -> Path:
    """The instance folder: FIELDKIT_INSTANCE, else the folder of the store."""
    if os.environ.get("FIELDKIT_INSTANCE"):
        return Path(os.environ["FIELDKIT_INSTANCE"]).resolve()
    return Path(db_path).resolve().parent


def ensure_secret_key(instance: Path) -> str:
    """Read the instance's secret key, creating it (mode 0600) on first use by `fieldkit init`."""
    path = instance / SECRET_KEY_FILE
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def read_secret_key(instance: Path) -> str | None:
    path = instance / SECRET_KEY_FILE
    return path.read_text().strip() if path.exists() else None
