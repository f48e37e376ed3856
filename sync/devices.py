"""Enrolled devices on the central (enrol, list, revoke, look up) and the laptop's own sync identity."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlite_utils import Database

from . import audit, signing, store
from .errors import DeviceError, DeviceNameError, NotSetUp, SyncError, WrongMode


@dataclass(frozen=True)
class Device:
    """A laptop enrolled on the central. `key` is needed to check its signatures."""

    id: str
    name: str
    key: str
    created: str
    revoked_at: str | None = None
    last_seen: str | None = None
    #: The user a browser running the offline app was enrolled for; None for a laptop.
    user_name: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.id})"


@dataclass(frozen=True)
class Identity:
    """The laptop's sync settings: its enrolled device id and key, and the central's address."""

    device_id: str
    key: str
    url: str | None


def require_mode(db: Database, mode: str) -> None:
    actual = store.get_settings(db).get("mode", "field")
    if actual != mode:
        if mode == "central":
            raise WrongMode("this is a field store; devices are enrolled on the central store "
                            "(made with `fieldkit init --central`)")
        raise WrongMode("this is the central store; run this on a field laptop's store")


def enrol(db: Database, name: str, *, actor: str | None = None,
          details: dict[str, Any] | None = None) -> tuple[Device, str]:
    """Enrol a laptop under a new name (audited): returns the device and its one-line enrolment code."""
    require_mode(db, "central")
    name = name.strip()
    if not name:
        raise DeviceNameError("device_name_missing",
                              "a device needs a name, e.g. the development lead's laptop: `lund-anna`")
    with store.transaction(db):
        if db.execute("select 1 from sync_devices where name = ?", [name]).fetchone():
            raise DeviceNameError("device_name_taken", f"a device named {name!r} is already enrolled; "
                                  "choose another name or revoke the old one first")
        device = Device(id=str(uuid.uuid4()), name=name, key=signing.new_key(), created=store.now())
        db["sync_devices"].insert({"id": device.id, "name": device.name, "key": device.key,
                                   "created": device.created, "revoked_at": None, "last_seen": None})
        audit.record(db, actor, "device_enrolled", {"id": device.id, **(details or {})}, target=device.name)
    return device, signing.enrolment_code(device.id, device.key)


def enrol_browser(db: Database, user: str) -> Device:
    """Enrol a browser running the offline app for this user (audited, by the user): `webb-USER-YYYYMMDD-xxxx`.

    The browser signs its pushes and bundles like a laptop; the name says whose it is, so an
    administrator can find and revoke it on the devices page.
    """
    slug = re.sub(r"[^a-z0-9._-]+", "-", user.lower()).strip("-") or "user"
    day = store.now()[:10].replace("-", "")
    for _attempt in range(5):
        name = f"webb-{slug}-{day}-{secrets.token_hex(2)}"
        if not db.execute("select 1 from sync_devices where name = ?", [name]).fetchone():
            break
    with store.transaction(db):
        device, _code = enrol(db, name, actor=user, details={"browser_of": user})
        db.execute("update sync_devices set user_name = ? where id = ?", [user, device.id])
    return replace(device, user_name=user)


def senders(db: Database, revision_ids: list[str]) -> dict[str, str]:
    """The name of the enrolled device each revision arrived from (a central's record; empty elsewhere)."""
    if not revision_ids or not db["sync_received"].exists():
        return {}
    marks = ", ".join("?" * len(revision_ids))
    return dict(db.execute(f"select r.revision_id, d.name from sync_received r join sync_devices d on d.id = r.device_id "
                           f"where r.revision_id in ({marks})", revision_ids).fetchall())


def list_devices(db: Database) -> list[Device]:
    return [Device(**row) for row in db.query("select * from sync_devices order by name")]


def revoke(db: Database, name: str, *, actor: str | None = None) -> Device:
    """Revoke a device by name (audited): its bundles and requests are refused from now on."""
    require_mode(db, "central")
    with store.transaction(db):
        row = db.execute("select id, revoked_at from sync_devices where name = ?", [name]).fetchone()
        if row is None:
            raise DeviceNameError("no_such_device", f"no device named {name!r}; see `fieldkit devices list`")
        if row[1] is None:
            db["sync_devices"].update(row[0], {"revoked_at": store.now()})
            audit.record(db, actor, "device_revoked", {"id": row[0]}, target=name)
    return get_device(db, row[0], allow_revoked=True)


def by_name(db: Database, name: str) -> Device:
    row = db.execute("select id from sync_devices where name = ?", [name]).fetchone()
    if row is None:
        raise DeviceNameError("no_such_device", f"no device named {name!r}; see `fieldkit devices list`")
    return get_device(db, row[0], allow_revoked=True)


def get_device(db: Database, device_id: str, *, allow_revoked: bool = False) -> Device:
    """The enrolled device with this id; DeviceError if unknown or (unless allowed) revoked."""
    rows = list(db.query("select * from sync_devices where id = ?", [device_id])) \
        if db["sync_devices"].exists() else []
    if not rows:
        raise DeviceError("unknown_device", f"device {device_id} is not enrolled on this central store")
    device = Device(**rows[0])
    if device.revoked and not allow_revoked:
        raise DeviceError("revoked_device", f"device {device.label} was revoked on {device.revoked_at}")
    return device


def touch(db: Database, device_id: str) -> None:
    db["sync_devices"].update(device_id, {"last_seen": store.now()})


# -- the laptop --------------------------------------------------------------

def setup(db: Database, url: str, code: str) -> Identity:
    """Store the central's address and this laptop's device id and key (from the enrolment code)."""
    require_mode(db, "field")
    device_id, key = signing.parse_enrolment_code(code)
    url = url.strip().rstrip("/")
    if not (url.startswith("http://") or url.startswith("https://")):
        raise SyncError(f"the central's address must start with http:// or https://, not {url!r}")
    with store.transaction(db):
        store.set_setting(db, "sync_url", url)
        store.set_setting(db, "sync_device_id", device_id)
        store.set_setting(db, "sync_key", key)
    return Identity(device_id, key, url)


def identity(db: Database, *, need_url: bool = False) -> Identity:
    """This laptop's sync identity, or NotSetUp saying what to run."""
    settings = store.get_settings(db)
    if not settings.get("sync_device_id") or not settings.get("sync_key"):
        raise NotSetUp("this laptop is not set up for sync: run `fieldkit sync setup URL CODE` "
                       "with the code from `fieldkit devices add NAME` on the central")
    if need_url and not settings.get("sync_url"):
        raise NotSetUp("no central address: run `fieldkit sync setup URL CODE`")
    return Identity(settings["sync_device_id"], settings["sync_key"], settings.get("sync_url"))


def describe(device: Device) -> dict[str, Any]:
    """A listing row without the key."""
    return {"name": device.name, "id": device.id, "created": device.created,
            "revoked_at": device.revoked_at, "last_seen": device.last_seen,
            "key_fingerprint": signing.fingerprint(device.key)}
