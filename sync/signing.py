"""Device keys, enrolment codes and HMAC-SHA256 signatures of bundles, requests, responses and acks."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from .errors import SyncError

CODE_PREFIX = "fk1"
_CODE = re.compile(r"^fk1-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([0-9a-f]{64})$")


class EnrolmentCodeError(SyncError):
    """An enrolment code that cannot be read."""


def new_key() -> str:
    """A fresh random device key: 32 bytes as 64 hex digits."""
    return secrets.token_hex(32)


def enrolment_code(device_id: str, key: str) -> str:
    """The one-line code a laptop needs: `fk1-<device id>-<key>`."""
    return f"{CODE_PREFIX}-{device_id}-{key}"


def parse_enrolment_code(code: str) -> tuple[str, str]:
    """(device id, key) from an enrolment code, or EnrolmentCodeError."""
    match = _CODE.match(code.strip().lower())
    if not match:
        raise EnrolmentCodeError(
            "not a fieldkit enrolment code: expected fk1-<device id>-<64 hex digits>, "
            "as printed on the last line of `fieldkit devices add NAME`"
        )
    return match.group(1), match.group(2)


def sign(key: str, message: bytes) -> str:
    """HMAC-SHA256 of `message` with the hex `key`, as hex."""
    return hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()


def verify(key: str, message: bytes, signature: str) -> bool:
    """True if `signature` is the HMAC-SHA256 of `message` with `key` (constant time)."""
    return hmac.compare_digest(sign(key, message), str(signature).lower())


def fingerprint(key: str) -> str:
    """A short, non-secret name for a key (for listings)."""
    return hashlib.sha256(b"fieldkit-key:" + bytes.fromhex(key)).hexdigest()[:12]


def request_message(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """What an API request's signature covers: method, path, time, nonce and the body's SHA-256."""
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), path, timestamp, nonce, digest]).encode("utf-8")


def response_message(nonce: str, status: int, body: bytes) -> bytes:
    """What the central's response signature covers: the request's nonce, the status and the body."""
    return "\n".join(["response", nonce, str(status), hashlib.sha256(body).hexdigest()]).encode("utf-8")
