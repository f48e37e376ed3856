"""Hostile bundles and chunks: each is refused with a clear reason, quickly, with bounded memory, and audited.

A central reads files anyone can hand it. Nothing of such a file is inflated or held whole before
its size is known to be within the limits, and every refusal leaves an audit entry.
"""

from __future__ import annotations

import json
import secrets
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from fieldkit.app import create_app
from fieldkit.cli import main
from sync import audit, devices, records, signing
from sync import bundle as bundles
from sync.bundle import (
    LINE_MAX_BYTES, MANIFEST_MAX_BYTES, SIGNATURE_MAX_BYTES, BundleWriter, record_line, split_lines, write_bundle,
)
from sync.errors import BundleRejected
from sync.ingest import ingest

from sync_helpers import dump, interview, record_texts

MiB = 1 << 20
#: The most Python may allocate while refusing any of these files: far below what they would inflate to.
MEMORY_BOUND = 16 * MiB


@pytest.fixture
def laptop(tmp_path, central, make_laptop):
    db = make_laptop(tmp_path / "laptop.db", central, "anna")
    interview(db)
    yield db
    db.conn.close()


@pytest.fixture
def bundle(tmp_path, laptop):
    return write_bundle(laptop, tmp_path / "anna.fkb").path


def entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def without_audit(lines):
    return [line for line in lines if "audit_log" not in line]


def refused(central, path, reason, message, *, actor=None):
    """Ingest `path`; check the refusal, that it stayed within MEMORY_BOUND, imported nothing and was audited."""
    before = dump(central)
    tracemalloc.start()
    try:
        with pytest.raises(BundleRejected) as caught:
            ingest(central, path, actor=actor)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.reason == reason
    assert str(caught.value) == message
    assert peak < MEMORY_BOUND, f"{peak / MiB:.1f} MiB allocated while refusing"
    assert without_audit(dump(central)) == without_audit(before)
    entry = audit.entries(central, action="sync_refused")[0]
    assert entry["details"]["reason"] == reason and entry["details"]["message"] == message
    assert entry["actor"] == actor
    return entry


def patch_entry(path: Path, name: str, *, method: int | None = None, flags: int | None = None) -> None:
    """Set an entry's compression method or flag bits in its local header and its central directory record."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        local, start = zf.getinfo(name).header_offset, zf.start_dir
    places = [(local + 6, local + 8)]
    at = start
    while data[at:at + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack("<HHH", data[at + 28:at + 34])
        if data[at + 46:at + 46 + n] == name.encode():
            places.append((at + 8, at + 10))
        at += 46 + n + m + k
    assert len(places) == 2
    for flag_at, method_at in places:
        if flags is not None:
            data[flag_at:flag_at + 2] = struct.pack("<H", flags)
        if method is not None:
            data[method_at:method_at + 2] = struct.pack("<H", method)
    path.write_bytes(bytes(data))


def copy_with(source: Path, target: Path, *, compress: dict[str, int] | None = None,
              replace: dict[str, bytes] | None = None) -> Path:
    """Copy a bundle entry by entry, with other bytes or another zip compression for some entries."""
    compress, replace = compress or {}, replace or {}
    with zipfile.ZipFile(target, "w") as out:
        for name, data in entries(source).items():
            out.writestr(name, replace.get(name, data), compress_type=compress.get(name, zipfile.ZIP_STORED))
    return target


# -- the manifest and the signature -----------------------------------------------------------------

def test_a_manifest_that_inflates_to_64_mib_is_refused_before_it_is_inflated(tmp_path, central, bundle):
    bomb = tmp_path / "bomb.fkb"
    manifest = entries(bundle)["manifest.json"]
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as out:
        with out.open("manifest.json", "w") as entry:
            entry.write(manifest[:-1])
            for _ in range(64):
                entry.write(b" " * MiB)  # whitespace: still one valid JSON object
            entry.write(manifest[-1:])
    assert bomb.stat().st_size < MiB // 4
    refused(central, bomb, "unsupported", "bomb.fkb: manifest.json is compressed with zip method 8, but a bundle "
                                          "stores its entries uncompressed (method 0): it was not written by fieldkit")


def test_a_stored_manifest_over_its_limit_is_refused_unread(tmp_path, central, bundle):
    manifest = entries(bundle)["manifest.json"]
    padded = manifest[:-1] + b" " * (MANIFEST_MAX_BYTES - len(manifest) + 1) + manifest[-1:]
    big = copy_with(bundle, tmp_path / "big.fkb", replace={"manifest.json": padded})
    refused(central, big, "too_large",
            f"big.fkb: manifest.json has {MANIFEST_MAX_BYTES + 1} bytes, more than the {MANIFEST_MAX_BYTES} it may have")


def test_a_huge_signature_is_refused_unread(tmp_path, central, bundle):
    signature = entries(bundle)["signature.json"]
    huge = signature[:-1] + b" " * (8 * MiB) + signature[-1:]
    big = copy_with(bundle, tmp_path / "sig.fkb", replace={"signature.json": huge})
    refused(central, big, "too_large",
            f"sig.fkb: signature.json has {len(huge)} bytes, more than the {SIGNATURE_MAX_BYTES} it may have")


@pytest.mark.parametrize("entry", ["manifest.json", "signature.json", "records.jsonl.gz"])
def test_an_entry_compressed_when_the_format_says_stored_is_refused(tmp_path, central, bundle, entry):
    deflated = copy_with(bundle, tmp_path / "deflated.fkb", compress={entry: zipfile.ZIP_DEFLATED})
    refused(central, deflated, "unsupported",
            f"deflated.fkb: {entry} is compressed with zip method 8, but a bundle stores its entries uncompressed "
            "(method 0): it was not written by fieldkit")


@pytest.mark.parametrize("entry", ["manifest.json", "records.jsonl.gz"])
def test_an_encrypted_entry_is_refused(tmp_path, central, bundle, entry):
    locked = copy_with(bundle, tmp_path / "locked.fkb")
    patch_entry(locked, entry, flags=0x1)
    refused(central, locked, "unsupported", f"locked.fkb: {entry} is encrypted; the entries of a bundle never are")


def test_an_unknown_compression_method_is_refused(tmp_path, central, bundle):
    odd = copy_with(bundle, tmp_path / "odd.fkb")
    patch_entry(odd, "signature.json", method=99)
    refused(central, odd, "unsupported", "odd.fkb: signature.json is compressed with zip method 99, but a bundle "
                                         "stores its entries uncompressed (method 0): it was not written by fieldkit")


def test_a_manifest_nested_too_deeply_is_refused(tmp_path, central, bundle):
    deep = copy_with(bundle, tmp_path / "deep.fkb", replace={"manifest.json": b"[" * 200_000 + b"]" * 200_000})
    refused(central, deep, "corrupted", "deep.fkb: manifest.json is not valid JSON")


# -- the records --------------------------------------------------------------------------------------

def signed_one_line_bundle(path: Path, laptop, pieces: int) -> Path:
    """A validly signed bundle whose records are one line of `pieces` MiB, written without holding it."""
    me = devices.identity(laptop)
    writer = BundleWriter(path, me.device_id, me.key)
    writer.out.write(b"0" * 64 + b' {"kind":"revision","comment":"')
    for _ in range(pieces):
        writer.out.write(b"x" * MiB)
    writer.out.write(b'"}\n')
    writer.lines += 1
    writer.close({"questionnaires": 0, "revisions": 1, "submissions": 1})
    return path


def test_a_signed_one_line_records_file_of_64_mib_is_refused_at_the_line_limit(tmp_path, central, laptop):
    path = signed_one_line_bundle(tmp_path / "line.fkb", laptop, 64)
    assert path.stat().st_size < MiB
    entry = refused(central, path, "too_large",
                    f"line.fkb: record 1 is longer than {LINE_MAX_BYTES} bytes, the most a record line may have",
                    actor="cli:root")
    assert entry["target"] == devices.identity(laptop).device_id


def test_a_record_within_the_limit_spanning_many_inflated_blocks_is_imported(tmp_path, monkeypatch, central, laptop,
                                                                              bundle):
    monkeypatch.setattr(bundles, "INFLATE_BLOCK", 64 * 1024)  # so the long line arrives in many blocks
    me = devices.identity(laptop)
    texts = record_texts(bundle)
    record = json.loads(texts[-1])
    record["comment"] = "lång kommentar " * (3 * MiB // 16)
    texts[-1] = records.dumps(record)
    assert 3 * MiB < len(record_line(texts[-1])) < LINE_MAX_BYTES
    writer = BundleWriter(tmp_path / "long.fkb", me.device_id, me.key)
    for text in texts:
        writer.add(text)
    writer.close({"questionnaires": 1, "revisions": 1, "submissions": 1})
    result = ingest(central, tmp_path / "long.fkb")
    assert result.counts["new"] == 1
    held = central.execute("select comment from revisions where id = ?", [record["id"]]).fetchone()[0]
    assert held == record["comment"]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1000])
def test_lines_are_the_same_however_the_stream_is_cut_into_blocks(size):
    stream = b"".join(b"%d " % n + b"y" * (n * 37 % 300) + b"\n" for n in range(200)) + b"no newline at the end"
    blocks = [stream[at:at + size] for at in range(0, len(stream), size)]
    assert list(split_lines(blocks, 1000, "test: record")) == stream.split(b"\n")


def test_a_long_line_is_refused_as_soon_as_it_passes_the_limit(tmp_path):
    read = []

    def blocks():
        for _ in range(100):
            read.append(1)
            yield b"z" * 1000

    with pytest.raises(BundleRejected) as caught:
        list(split_lines(blocks(), 4500, "x.fkb: record"))
    assert str(caught.value) == "x.fkb: record 1 is longer than 4500 bytes, the most a record line may have"
    assert len(read) == 5


# -- through the command line and over HTTP -------------------------------------------------------------

def test_the_ingest_command_refuses_a_hostile_bundle_with_exit_status_1(tmp_path, central_path, central, laptop):
    path = signed_one_line_bundle(tmp_path / "line.fkb", laptop, 16)
    result = CliRunner().invoke(main, ["--db", str(central_path), "sync", "ingest", str(path)])
    assert result.exit_code == 1
    assert (f"{path}: REFUSED (too_large): line.fkb: record 1 is longer than {LINE_MAX_BYTES} bytes, the most a "
            "record line may have; nothing was imported") in result.output
    assert central["revisions"].count == 0
    entry = audit.entries(central, action="sync_refused")[0]
    assert entry["actor"].startswith("cli:") and entry["details"]["source"] == "file"


def _signed(laptop, method, path, body=b""):
    ident = devices.identity(laptop)
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    return {"X-Fieldkit-Device": ident.device_id, "X-Fieldkit-Timestamp": timestamp, "X-Fieldkit-Nonce": nonce,
            "X-Fieldkit-Signature": signing.sign(ident.key, signing.request_message(method, path, timestamp, nonce,
                                                                                     body))}


def test_a_pushed_chunk_with_a_line_over_the_limit_is_refused_and_audited(central_path, central, laptop):
    app = create_app({"DB": str(central_path), "TESTING": True, "MAX_CONTENT_LENGTH": 8 * MiB})
    text = '{"kind":"revision","comment":"' + "x" * LINE_MAX_BYTES + '"}'
    body = record_line(text)
    response = app.test_client().post("/api/v1/sync/push", data=body, environ_base={"REMOTE_ADDR": "10.1.2.3"},
                                      headers={**_signed(laptop, "POST", "/api/v1/sync/push", body),
                                               "X-Fieldkit-Chunk": "c-1"})
    assert response.status_code == 422
    assert response.json["reason"] == "too_large"
    assert response.json["error"] == (f"chunk c-1: record 1 is longer than {LINE_MAX_BYTES} bytes, "
                                      "the most a record line may have")
    entry = audit.entries(central, action="sync_refused")[0]
    assert entry["actor"] == "device:anna" and entry["address"] == "10.1.2.3"
    assert entry["details"] == {"source": "http", "bundle": "c-1", "reason": "too_large",
                                "message": response.json["error"]}
    assert central["revisions"].count == 0


def test_a_pushed_chunk_with_a_wrong_content_hash_is_refused_and_audited(central_path, central, laptop):
    (_rid, _sid, text), = records.unacknowledged(laptop)
    record = json.loads(text)
    record["answers"]["lok.har_lok"] = "ja"
    body = record_line(records.dumps(record))
    app = create_app({"DB": str(central_path), "TESTING": True})
    response = app.test_client().post("/api/v1/sync/push", data=body,
                                      headers={**_signed(laptop, "POST", "/api/v1/sync/push", body),
                                               "X-Fieldkit-Chunk": "c-2"})
    assert response.status_code == 422 and response.json["reason"] == "invalid_record"
    entry = audit.entries(central, action="sync_refused")[0]
    assert entry["details"]["reason"] == "invalid_record" and entry["details"]["bundle"] == "c-2"
    assert central["revisions"].count == 0
