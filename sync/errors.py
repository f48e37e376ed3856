"""The exceptions of the sync library; each message says what went wrong and what to do."""

from __future__ import annotations

from forms.errors import FieldkitError


class SyncError(FieldkitError):
    """A sync problem a user can act on."""


class BundleRejected(SyncError):
    """A bundle (or a pushed chunk) that was refused as a whole; nothing of it was imported.

    `reason` is a short code: truncated, corrupted, tampered, unknown_device, revoked_device,
    future_format, not_a_bundle, unsupported, too_large, invalid_record, questionnaire_conflict.
    """

    status = 422

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class ChangedDuringImport(SyncError):
    """The records changed between the check of a bundle and its import (the file was overwritten).

    What was imported before came from the checked records; ingesting the file again finishes the import.
    """

    status = 409
    reason = "changed_during_import"


class DeviceError(SyncError):
    """An unknown or revoked device; `reason` is unknown_device or revoked_device."""

    status = 403

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class DeviceNameError(SyncError):
    """A device name that cannot be enrolled, or names no device; `reason` is device_name_missing,
    device_name_taken or no_such_device, so that a page can say it in its own language."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class NotSetUp(SyncError):
    """The laptop has no central address or device key yet."""


class WrongMode(SyncError):
    """A central-only operation on a field store, or the other way round."""


class TransferError(SyncError):
    """The central could not be reached, or answered with an error."""

    status = 502
