"""The bundle file: a zip with a signed manifest and gzip'd, hashed JSON-lines records (docs/sync.md).

`write_bundle` streams a laptop's unacknowledged revisions into one; `read_bundle` checks the
container, the format version, the device, the signature and the SHA-256 of the records before
it hands out a single record, and `Bundle.lines()` checks each record's own SHA-256 as it streams
(a later read of the same bundle checks instead that each raw block is the one the first read had).

Anyone can hand a central a file, so nothing is read before it is bounded: the entries must be
stored as the format says (no zip compression, no encryption), the manifest and the signature are
read with a size limit, and record lines are split in linear time with a length limit.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import uuid
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlite_utils import Database

from . import acks, devices, records, signing, store
from .errors import BundleRejected, DeviceError, SyncError

FORMAT = "fieldkit-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RECORDS = "records.jsonl.gz"
SIGNATURE = "signature.json"
READ_CHUNK = 1 << 20
INFLATE_BLOCK = 4 << 20
#: Limits on what a central reads from a bundle before (and while) it checks it.
MANIFEST_MAX_BYTES = 1 << 20
SIGNATURE_MAX_BYTES = 16 << 10
RECORD_MAX_BYTES = 4 << 20  # one record's JSON text
LINE_MAX_BYTES = 64 + 1 + RECORD_MAX_BYTES


@dataclass
class Written:
    """What `write_bundle` wrote."""

    path: Path
    bundle_id: str
    counts: dict[str, int]
    revision_ids: list[str] = field(repr=False, default_factory=list)


class _HashingWriter(io.RawIOBase):
    """A write-only file that hashes and counts what passes through it."""

    def __init__(self, target):
        self.target = target
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sha.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


def record_line(text: str) -> bytes:
    """One records line: the SHA-256 of the record's JSON text, a space, the text, a newline."""
    data = text.encode("utf-8")
    return hashlib.sha256(data).hexdigest().encode("ascii") + b" " + data + b"\n"


class BundleWriter:
    """Writes a bundle record by record; the manifest and signature are added by `close`.

    The file appears under its name only when complete (written as `<path>.partial`, then renamed).
    """

    def __init__(self, path: str | os.PathLike, device_id: str, key: str, *, bundle_id: str | None = None):
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.device_id = device_id
        self.key = key
        self.bundle_id = bundle_id or str(uuid.uuid4())
        self.lines = 0
        self.zip = zipfile.ZipFile(self.partial, "w", compression=zipfile.ZIP_STORED)
        self.entry = self.zip.open(RECORDS, "w", force_zip64=True)
        self.hashing = _HashingWriter(self.entry)
        self.gzip = gzip.GzipFile(fileobj=self.hashing, mode="wb", mtime=0, compresslevel=6)
        self.out = io.BufferedWriter(self.gzip, READ_CHUNK)

    def add(self, text: str) -> None:
        """Add one record, given as its JSON text (one line: no newline inside)."""
        self.out.write(record_line(text))
        self.lines += 1

    def close(self, counts: dict[str, int], questionnaires: list[dict[str, Any]] | None = None,
              **extra: Any) -> dict[str, Any]:
        """Finish the records, write the manifest and its signature, and move the file into place."""
        self.out.flush()
        self.gzip.close()
        self.entry.close()
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "bundle_id": self.bundle_id,
            "device_id": self.device_id, "created": store.now(), "counts": counts,
            "records": {"name": RECORDS, "sha256": self.hashing.sha.hexdigest(), "bytes": self.hashing.size,
                        "lines": self.lines},
            "questionnaires": questionnaires or [],
            **extra,
        }
        manifest_bytes = json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8")
        self.zip.writestr(MANIFEST, manifest_bytes)
        self.zip.writestr(SIGNATURE, json.dumps({
            "algorithm": "HMAC-SHA256", "device_id": self.device_id, "signed": MANIFEST,
            "value": signing.sign(self.key, manifest_bytes),
        }, indent=1))
        self.zip.close()
        with open(self.partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(self.partial, self.path)
        return manifest

    def abort(self) -> None:
        for closing in (self.out.flush, self.gzip.close, self.entry.close, self.zip.close):
            try:
                closing()
            except (OSError, ValueError):
                pass
        self.partial.unlink(missing_ok=True)


def write_bundle(db: Database, path: str | os.PathLike, *, log: bool = True) -> Written:
    """Write every revision the central has not acknowledged, with its questionnaire versions, to `path`."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise SyncError(f"the folder {folder} does not exist (is the USB drive connected?); no bundle was written")
    ident = devices.identity(db)
    keys = db.execute("select distinct r.questionnaire_id, r.questionnaire_version from revisions r "
                      "where not exists (select 1 from sync_acks a where a.revision_id = r.id)").fetchall()
    questionnaires = records.questionnaire_records(db, [tuple(k) for k in keys])
    writer = BundleWriter(path, ident.device_id, ident.key)
    revision_ids: list[str] = []
    submissions: set[str] = set()
    try:
        for record in questionnaires:
            writer.add(records.dumps(record))
        for rid, sid, text in records.unacknowledged(db):
            writer.add(text)
            revision_ids.append(rid)
            submissions.add(sid)
    except BaseException:
        writer.abort()
        raise
    counts = {"questionnaires": len(questionnaires), "revisions": len(revision_ids),
              "submissions": len(submissions)}
    writer.close(counts, [{"id": q["id"], "version": q["version"], "content_hash": q["content_hash"]}
                          for q in questionnaires],
                 store_device_id=store.get_settings(db).get("device_id"))
    if log:
        acks.log_sent(db, "bundle", str(writer.path), revision_ids, {"bundle_id": writer.bundle_id, "counts": counts})
    return Written(writer.path, writer.bundle_id, counts, revision_ids)


@dataclass
class Bundle:
    """A bundle whose container, manifest, device, signature and records hash have been verified."""

    path: Path
    manifest: dict[str, Any]
    device: Any
    #: SHA-256 of each raw block of the records entry, once `lines()` has read it whole and found it intact.
    blocks: list[bytes] | None = field(default=None, repr=False, compare=False)

    @property
    def bundle_id(self) -> str | None:
        value = self.manifest.get("bundle_id")
        return value if isinstance(value, str) else None

    @property
    def records_sha256(self) -> str:
        return self.manifest["records"]["sha256"]

    def lines(self) -> Iterator[tuple[str, str, bytes]]:
        """Yield (where, SHA-256 hex, JSON text) for each record, checking each line's SHA-256 as it goes.

        Lines are at most LINE_MAX_BYTES and no more than the manifest's count. The whole entry is
        hashed again while streaming; a difference from the verified hash (the file changed under us)
        raises BundleRejected after the last record.

        A second read (an ingest's import pass) compares each raw block of the entry with the first
        read's before inflating it, and stops with BundleRejected (tampered) at the first that differs:
        its lines are then the very lines whose SHA-256 the first read checked, and are not hashed again.
        """
        name = self.path.name
        expected_lines = self.manifest["records"]["lines"]
        known = self.blocks
        blocks: list[bytes] = []
        sha = hashlib.sha256()
        number = 0
        try:
            with zipfile.ZipFile(self.path) as zf:
                _stored_entry(zf, RECORDS, name)
                with zf.open(RECORDS) as raw:
                    inflated = _inflated(_raw_blocks(raw, sha, blocks, known, name), name)
                    for line in split_lines(inflated, LINE_MAX_BYTES, f"{name}: record"):
                        number += 1
                        if number > expected_lines:
                            raise BundleRejected("corrupted", f"{name}: more record lines than the {expected_lines} "
                                                              "the manifest says")
                        if known is None:
                            yield split_line(line, f"{name}: record {number}")
                        else:
                            digest, _, text = line.partition(b" ")
                            yield f"{name}: record {number}", digest.decode("ascii"), text
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError) as exc:
            raise BundleRejected("corrupted", f"{name}: the records cannot be read ({exc})") from None
        if sha.hexdigest() != self.records_sha256 or (known is not None and len(blocks) != len(known)):
            raise BundleRejected("tampered", f"{name}: the file changed while it was being read: copy it again")
        if number != expected_lines:
            raise BundleRejected("corrupted", f"{name}: {number} record lines, but the manifest says {expected_lines}")
        self.blocks = blocks

    __iter__ = lines


def _raw_blocks(raw, sha, blocks: list[bytes], known: list[bytes] | None, name: str) -> Iterator[bytes]:
    """The raw (gzip'd) records in blocks of READ_CHUNK, hashed whole into `sha` and one by one into `blocks`.

    With `known` (the first read's `blocks`), a block that differs from the first read's is refused.
    """
    while chunk := raw.read(READ_CHUNK):
        sha.update(chunk)
        digest = hashlib.sha256(chunk).digest()
        if known is not None and (len(blocks) >= len(known) or known[len(blocks)] != digest):
            raise BundleRejected("tampered", f"{name}: the file changed while it was being read: copy it again")
        blocks.append(digest)
        yield chunk


def _inflated(chunks: Iterable[bytes], name: str) -> Iterator[bytes]:
    """Decompress a gzip stream (one or more members) in blocks of at most INFLATE_BLOCK bytes."""
    inflate = zlib.decompressobj(wbits=31)
    for chunk in chunks:
        while chunk:
            if inflate.eof:  # the next gzip member
                inflate = zlib.decompressobj(wbits=31)
            yield inflate.decompress(chunk, INFLATE_BLOCK)
            chunk = inflate.unused_data if inflate.eof else inflate.unconsumed_tail
    if not inflate.eof:
        raise BundleRejected("truncated", f"{name}: the records end in the middle of the gzip stream")


def split_lines(blocks: Iterable[bytes], limit: int, where: str) -> Iterator[bytes]:
    """The lines (without their newline) of a stream given in blocks; each byte is copied a fixed number of times.

    A line longer than `limit` bytes is refused as soon as it is seen to be, before it is held whole:
    BundleRejected (too_large), `where` and the line's number in the message.
    """
    parts: list[bytes] = []  # the start of a line that goes on in the next block
    size = number = 0
    for block in blocks:
        pieces = block.split(b"\n")
        last = pieces.pop()
        for piece in pieces:
            number += 1
            if parts:
                parts.append(piece)
                size += len(piece)
                piece = b"".join(parts)
                parts = []
            if len(piece) > limit:
                raise _too_long(where, number, limit)
            size = 0
            yield piece
        if last:
            parts.append(last)
            size += len(last)
            if size > limit:
                raise _too_long(where, number + 1, limit)
    if parts:
        yield b"".join(parts)


def _too_long(where: str, number: int, limit: int) -> BundleRejected:
    return BundleRejected("too_large", f"{where} {number} is longer than {limit} bytes, the most a record line may have")


def split_line(line: bytes, where: str) -> tuple[str, str, bytes]:
    """(where, SHA-256 hex, JSON text) of one records line, after checking its length and SHA-256."""
    if len(line) > LINE_MAX_BYTES:
        raise BundleRejected("too_large", f"{where} is longer than {LINE_MAX_BYTES} bytes, the most a record line may have")
    digest, _, text = line.partition(b" ")
    actual = hashlib.sha256(text).hexdigest()
    if actual.encode("ascii") != digest:
        raise BundleRejected("corrupted", f"{where}: its SHA-256 does not match the record")
    return where, actual, text


def read_bundle(path: str | os.PathLike, key_for: Callable[[str], Any]) -> Bundle:
    """Open and verify a bundle; BundleRejected says which check failed and why.

    `key_for(device_id)` returns the enrolled device (with `.key`) or raises DeviceError.
    Nothing here writes to a store.
    """
    path = Path(path)
    name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BundleRejected("not_a_bundle", f"{path}: no such file") from None
    except zipfile.BadZipFile:
        raise _not_a_zip(path) from None
    with zf:
        names = set(zf.namelist())
        if MANIFEST not in names:
            raise BundleRejected("not_a_bundle", f"{name}: no {MANIFEST} inside: not a fieldkit bundle")
        manifest_bytes = _read_entry(zf, MANIFEST, name, MANIFEST_MAX_BYTES)
        try:
            manifest = json.loads(manifest_bytes)
        except (ValueError, RecursionError):
            raise BundleRejected("corrupted", f"{name}: {MANIFEST} is not valid JSON") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BundleRejected("not_a_bundle", f"{name}: {MANIFEST} does not describe a {FORMAT}")
        version = manifest.get("format_version")
        if not isinstance(version, int) or isinstance(version, bool):
            raise BundleRejected("corrupted", f"{name}: the manifest has no whole-number format_version")
        if version > FORMAT_VERSION:
            raise BundleRejected("future_format", (
                f"{name}: bundle format version {version} is newer than this fieldkit reads (version "
                f"{FORMAT_VERSION}); upgrade fieldkit on this computer, then ingest the bundle again"))
        if version < 1:
            raise BundleRejected("corrupted", f"{name}: bundle format version {version} does not exist")
        device_id = manifest.get("device_id")
        try:
            device = key_for(str(device_id))
        except DeviceError as exc:
            raise BundleRejected(exc.reason, f"{name}: refused: {exc}") from None
        try:
            signature_bytes = _read_entry(zf, SIGNATURE, name, SIGNATURE_MAX_BYTES)
        except KeyError:
            raise BundleRejected("tampered", f"{name}: the bundle is not signed (no {SIGNATURE})") from None
        try:
            value = json.loads(signature_bytes)["value"]
        except (ValueError, KeyError, TypeError, RecursionError):
            value = None
        if not isinstance(value, str) or not value.isascii():
            raise BundleRejected("corrupted", f"{name}: {SIGNATURE} cannot be read")
        if not signing.verify(device.key, manifest_bytes, value):
            raise BundleRejected("tampered", (
                f"{name}: the signature does not match: the manifest was changed after device "
                f"{device.label} signed it, or it was signed with another key"))
        _check_records(zf, manifest, name)
    return Bundle(path, manifest, device)


def _not_a_zip(path: Path) -> BundleRejected:
    with open(path, "rb") as fh:
        start = fh.read(4)
    if start == b"PK\x03\x04":
        return BundleRejected("truncated", f"{path.name}: the file is truncated (the zip directory at its end "
                                           "is missing): copy it again from the laptop")
    return BundleRejected("not_a_bundle", f"{path.name}: not a fieldkit bundle (not a zip file)")


def _stored_entry(zf: zipfile.ZipFile, entry: str, name: str) -> zipfile.ZipInfo:
    """The entry's directory record, if the entry is stored as the format says: uncompressed, not encrypted.

    Checked before a byte of the entry is read, so zip-level inflating (a zip bomb) and the
    decompressors of other methods are never reached. KeyError if there is no such entry.
    """
    info = zf.getinfo(entry)
    if info.flag_bits & 0x1:
        raise BundleRejected("unsupported", f"{name}: {entry} is encrypted; the entries of a bundle never are")
    if info.compress_type != zipfile.ZIP_STORED:
        raise BundleRejected("unsupported", (
            f"{name}: {entry} is compressed with zip method {info.compress_type}, but a bundle stores its entries "
            f"uncompressed (method 0): it was not written by fieldkit"))
    if info.compress_size != info.file_size:
        raise BundleRejected("corrupted", f"{name}: {entry} is stored uncompressed, but the zip directory gives it "
                                          f"{info.compress_size} bytes and {info.file_size} bytes")
    return info


def _read_entry(zf: zipfile.ZipFile, entry: str, name: str, limit: int) -> bytes:
    """The bytes of a small stored entry, read no further than `limit` (BundleRejected too_large beyond)."""
    info = _stored_entry(zf, entry, name)
    if info.file_size > limit:
        raise _too_large(name, entry, info.file_size, limit)
    try:
        with zf.open(info) as raw:
            data = raw.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise BundleRejected("corrupted", f"{name}: {entry} is damaged ({exc})") from None
    except (NotImplementedError, RuntimeError) as exc:  # a local header that says otherwise than the directory
        raise BundleRejected("unsupported", f"{name}: {entry} cannot be read ({exc})") from None
    if len(data) > limit:
        raise _too_large(name, entry, len(data), limit)
    return data


def _too_large(name: str, entry: str, size: int, limit: int) -> BundleRejected:
    return BundleRejected("too_large", f"{name}: {entry} has {size} bytes, more than the {limit} it may have")


def _check_records(zf: zipfile.ZipFile, manifest: dict[str, Any], name: str) -> None:
    """The records entry exists, has the signed size and SHA-256 and an intact zip CRC."""
    meta = manifest.get("records")
    if not isinstance(meta, dict) or meta.get("name") != RECORDS or not isinstance(meta.get("lines"), int):
        raise BundleRejected("corrupted", f"{name}: the manifest does not describe {RECORDS}")
    try:
        info = _stored_entry(zf, RECORDS, name)
    except KeyError:
        raise BundleRejected("truncated", f"{name}: {RECORDS} is missing") from None
    sha = hashlib.sha256()
    try:
        with zf.open(info) as raw:
            while chunk := raw.read(READ_CHUNK):
                sha.update(chunk)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise BundleRejected("corrupted", f"{name}: {RECORDS} is damaged ({exc})") from None
    except (NotImplementedError, RuntimeError) as exc:
        raise BundleRejected("unsupported", f"{name}: {RECORDS} cannot be read ({exc})") from None
    if sha.hexdigest() != meta.get("sha256"):
        raise BundleRejected("tampered", (
            f"{name}: {RECORDS} has SHA-256 {sha.hexdigest()[:12]} but the signed manifest says "
            f"{str(meta.get('sha256'))[:12]}: the records were changed after signing"))


def bundle_key_lookup(db: Database) -> Callable[[str], Any]:
    """`key_for` for `read_bundle` on a central store: enrolled, unrevoked devices only."""
    return lambda device_id: devices.get_device(db, device_id)
